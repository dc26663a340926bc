"""Small georeferenced rasters for the unit tests (one helper for every test module)."""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from affine import Affine


def georef(values, *, cellsize=100.0, crs="EPSG:3035", x0=0.0, y0=None, nodata=None, dtype=float):
    """Return a rioxarray DataArray of ``values`` with square cells, top-left corner at (x0, y0).

    ``y0`` defaults to ``rows * cellsize`` (the grid's bottom edge at y = 0); ``dtype=None``
    keeps the dtype of ``values``. The transform is written explicitly: rioxarray cannot infer
    it from a single row or column.

    >>> da = georef([[1, 2, 3]], cellsize=10.0)
    >>> da.rio.transform().c, da.rio.transform().f, str(da.dtype)
    (0.0, 10.0, 'float64')
    """
    values = np.asarray(values, dtype=dtype)
    nr, nc = values.shape
    y0 = nr * cellsize if y0 is None else y0
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={
            "y": y0 - (np.arange(nr) + 0.5) * cellsize,
            "x": x0 + (np.arange(nc) + 0.5) * cellsize,
        },
    )
    da = da.rio.write_crs(crs).rio.write_transform(Affine(cellsize, 0.0, x0, 0.0, -cellsize, y0))
    return da if nodata is None else da.rio.write_nodata(nodata)
