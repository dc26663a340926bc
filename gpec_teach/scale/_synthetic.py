"""A reproducible national-size landscape: the teaching landscape tiled by reflection."""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np

from .._validation import describe
from ._tiles import BLOCK, TileWriter

__all__ = ["synthetic_landscape"]

#: Resistance of each land-cover class of the teaching landscape for the synthetic
#: national raster (class 3, forest, is the habitat and the easiest cover). A
#: benchmark mapping, not an expert table.
RESISTANCE = {1: 5.0, 2: 20.0, 3: 1.0, 4: 10.0, 5: 50.0, 6: 100.0, 7: 30.0, 8: 10.0}
HABITAT = 3


def _reflect(index: np.ndarray, n: int) -> np.ndarray:
    """Return the indices of a mirror tiling ``0 1 .. n-1 n-1 .. 1 0 0 1 ..`` of a length-*n* axis."""
    k = index % (2 * n)
    return np.where(k < n, k, 2 * n - 1 - k)


def synthetic_landscape(folder, *, rows: int, cols: int, year: int = 2020):
    r"""Write a synthetic landscape of ``rows x cols`` cells: resistance and sources COGs.

    The teaching landscape's 100 m land cover (1000 x 1200 cells, drawn from a
    fixed seed by ``data/make_landscape.py``) is tiled by reflection (mirror
    copies side by side, so there is no seam) to the requested size, and mapped
    to a resistance (:data:`RESISTANCE`; sea = nodata) and to sources (1 on
    forest, class 3). The same call always writes the same rasters. Written one
    band of rows at a time: only the 1.2 million cells of the template are held.

    Parameters
    ----------
    folder : str or Path
        Output folder (``resistance.tif``, ``sources.tif``).
    rows, cols : int
        Size in cells (100 m cells on the landscape's CRS).
    year : {2000, 2010, 2020}, default 2020

    Returns
    -------
    tuple of Path
        ``(resistance, sources)``.

    Examples
    --------
    >>> import tempfile
    >>> from gpec_teach.scale import raster_info
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r, s = synthetic_landscape(d, rows=1500, cols=300)
    ...     raster_info(r).shape
    (1500, 300)
    """
    from affine import Affine

    from .. import data

    for name, value in (("rows", rows), ("cols", cols)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(
                f"{name} must be a positive integer (cells). Got {name}={describe(value)}."
            )
    lc = data.load("landcover", year=year, resolution=100)
    codes = lc.values.astype(np.int64)
    table = np.full(int(codes.max()) + 1, np.nan)
    for code, value in RESISTANCE.items():
        if code < table.size:
            table[code] = value
    t = lc.rio.transform()
    transform = Affine(t.a, t.b, t.c, t.d, t.e, t.f)
    folder = Path(folder)
    paths = {"resistance": folder / "resistance.tif", "sources": folder / "sources.tif"}
    writer = TileWriter(paths, (rows, cols), transform, lc.rio.crs, dtype="float32")
    n, m = codes.shape
    cidx = _reflect(np.arange(cols), m)
    for r0 in range(0, rows, BLOCK):
        r1 = min(r0 + BLOCK, rows)
        band = codes[_reflect(np.arange(r0, r1), n)][:, cidx]
        writer.write("resistance", (r0, r1, 0, cols), table[band])
        writer.write("sources", (r0, r1, 0, cols), np.where(band == HABITAT, 1.0, 0.0))
    files = writer.close()
    return files["resistance"], files["sources"]
