"""Thin adapters between georeferenced rasters and the numpy kernels.

Core algorithms take a numpy array plus an explicit cell size. Public functions
accept either a plain array or a georeferenced :class:`xarray.DataArray`
(rioxarray), call :func:`unwrap` at the top and :func:`wrap_like` on the way
out, so CRS, transform, coordinates and nodata are carried through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_grid, check_positive, check_projected_crs

__all__ = ["Grid", "unwrap", "wrap_like"]


@dataclass(frozen=True)
class Grid:
    """A raster as the kernels see it.

    Attributes
    ----------
    values : numpy.ndarray
        2-D float64 array, nodata as NaN.
    cellsize : float
        Side of a (square) cell in map units (metres on a projected CRS).
    template : xarray.DataArray or None
        The input DataArray, used to georeference outputs; None for arrays.
    crs : pyproj.CRS or None
        CRS of the input raster, if any.
    """

    values: np.ndarray
    cellsize: float
    template: object = None
    crs: object = None


def _is_dataarray(obj) -> bool:
    return type(obj).__name__ == "DataArray" and hasattr(obj, "dims")


def unwrap(name: str, raster, *, cellsize=None, allow_all_nodata: bool = False) -> Grid:
    """Return a :class:`Grid` from an array or a georeferenced DataArray.

    Parameters
    ----------
    name : str
        Argument name for error messages.
    raster : array_like or xarray.DataArray
        A 2-D grid. A DataArray with a leading ``band`` dimension of length 1 is
        squeezed. Its ``rio.nodata`` (or ``_FillValue``) cells become NaN.
    cellsize : float, optional
        Cell size in map units. Read from the DataArray's transform when not
        given; 1.0 for plain arrays.
    allow_all_nodata : bool, default False
        Passed to :func:`gpec_teach._validation.as_float_grid`.

    Examples
    --------
    >>> g = unwrap("resistance", [[1.0, 2.0], [3.0, 4.0]], cellsize=100)
    >>> g.cellsize, g.values.shape, g.template is None
    (100.0, (2, 2), True)
    """
    if _is_dataarray(raster):
        da = raster
        if da.ndim == 3 and da.shape[0] == 1:
            da = da.squeeze(da.dims[0], drop=True)
        nodata = None
        crs = None
        if hasattr(da, "rio"):
            nodata = da.rio.nodata
            if nodata is None:
                nodata = da.rio.encoded_nodata
            crs = da.rio.crs
            if cellsize is None:
                try:
                    xres, yres = da.rio.resolution()
                except Exception:  # no spatial dims: fall back to unit cells
                    xres = yres = 1.0
                if not np.isclose(abs(xres), abs(yres), rtol=1e-6):
                    raise ValueError(
                        f"{name} has non-square cells ({abs(xres)} x {abs(yres)}). "
                        "Resample it to square cells first, for example with "
                        f"{name}.rio.reproject({name}.rio.crs, resolution=...)."
                    )
                cellsize = abs(xres)
        values = as_float_grid(name, da.values, nodata=nodata, allow_all_nodata=allow_all_nodata)
        check_projected_crs(name, crs, kind="raster")
        cellsize = check_positive("cellsize", 1.0 if cellsize is None else cellsize)
        return Grid(values, cellsize, da, crs)
    values = as_float_grid(name, raster, allow_all_nodata=allow_all_nodata)
    cellsize = check_positive("cellsize", 1.0 if cellsize is None else cellsize)
    return Grid(values, cellsize, None, None)


def wrap_like(values: np.ndarray, grid: Grid, *, name: str | None = None, nodata=np.nan):
    """Return *values* georeferenced like the input of *grid*, or as is for arrays.

    Examples
    --------
    >>> g = unwrap("r", np.ones((2, 2)))
    >>> wrap_like(np.zeros((2, 2)), g)
    array([[0., 0.],
           [0., 0.]])
    """
    if grid.template is None:
        return values
    template = grid.template
    if template.ndim == 3 and template.shape[0] == 1:
        template = template.squeeze(template.dims[0], drop=True)
    out = template.copy(data=np.asarray(values))
    out.attrs = {}
    out.encoding = {}
    if name is not None:
        out.name = name
    if hasattr(out, "rio"):
        if grid.crs is not None:
            out = out.rio.write_crs(grid.crs)
        if np.issubdtype(out.dtype, np.floating):
            out = out.rio.write_nodata(nodata, encoded=False)
    return out
