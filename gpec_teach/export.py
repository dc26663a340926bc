"""Results out to QGIS: georeferenced rasters written the way a GIS expects them.

Rasters from ``gpec_teach`` carry ``inf`` for absolute barriers and NaN for nodata. A
GeoTIFF with ``inf`` in it breaks QGIS's min/max colour stretch, and float64 doubles the
file size for no gain in precision. :func:`save_raster` writes a Cloud-Optimized GeoTIFF
(tiled, compressed, with overviews) in float32, with barriers and NaN written as the
nodata value, and the CRS and transform kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._raster import is_dataarray, read_raster
from ._validation import allow_geographic, check_choice, describe

__all__ = ["save_raster"]

#: Nodata value written by :func:`save_raster` (QGIS shows it as transparent).
NODATA = -9999.0


def save_raster(
    raster,
    path,
    *,
    dtype: str = "float32",
    nodata: float = NODATA,
    barriers: str = "nodata",
    overwrite: bool = False,
) -> Path:
    """Write a georeferenced raster as a Cloud-Optimized GeoTIFF that QGIS opens as is.

    Parameters
    ----------
    raster : xarray.DataArray
        A georeferenced 2-D raster (``rio.crs`` and a transform), such as a resistance
        surface, a cost distance, a current map or a corridor. NaN and the raster's own
        nodata value are written as *nodata*.
    path : str or pathlib.Path
        Output file, ending in ``.tif``; its folder is created.
    dtype : {"float32", "float64"}, default "float32"
        float32 keeps 7 significant digits, more than any input of a connectivity
        analysis, in half the space.
    nodata : float, default -9999
        Value written for nodata cells (and for barriers, see *barriers*).
    barriers : {"nodata", "max"}, default "nodata"
        How ``inf`` cells (absolute barriers, unreachable cells) are written: as
        *nodata* (transparent in QGIS), or as the largest finite value of the raster
        (they stay visible, in the top colour of the stretch). ``-inf`` is refused.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        *raster* is not a DataArray (a plain array has no georeferencing: wrap it with
        the grid it came from, ``template.copy(data=array)``).
    ValueError
        No CRS; a path that does not end in ``.tif``; an existing file without
        ``overwrite=True``; a raster with no valid cell; ``-inf`` cells.

    Examples
    --------
    >>> import tempfile, numpy as np, rasterio, rioxarray, xarray as xr
    >>> da = xr.DataArray([[1.0, np.inf], [np.nan, 4.0]], dims=("y", "x"),
    ...                   coords={"y": [150.0, 50.0], "x": [50.0, 150.0]}).rio.write_crs("EPSG:3035")
    >>> out = save_raster(da, tempfile.mkdtemp() + "/resistance.tif")
    >>> with rasterio.open(out) as f:
    ...     f.dtypes[0], f.nodata, f.read(1).tolist(), f.crs.to_epsg()
    ('float32', -9999.0, [[1.0, -9999.0], [-9999.0, 4.0]], 3035)
    """
    if not is_dataarray(raster):
        raise TypeError(
            f"raster must be a georeferenced xarray.DataArray. Got {describe(raster)}. A plain "
            "array has no CRS or position: put it back on its grid first, for example "
            "landcover.copy(data=array)."
        )
    check_choice("dtype", dtype, ("float32", "float64"))
    check_choice("barriers", barriers, ("nodata", "max"))
    path = Path(path)
    if path.suffix.lower() not in (".tif", ".tiff"):
        raise ValueError(f"path must end in .tif (a GeoTIFF). Got path={str(path)!r}.")
    if path.exists() and not overwrite:
        raise ValueError(f"{path} exists; pass overwrite=True to replace it.")
    with allow_geographic():  # writing a file measures nothing: any CRS is fine
        values, raw_nodata, _, template, crs = read_raster("raster", raster)
    if crs is None:
        raise ValueError(
            "raster has no CRS: set it first, for example raster.rio.write_crs('EPSG:...'), "
            "with the CRS of the data it was computed from."
        )
    out = np.asarray(values, dtype="float64").copy()
    if raw_nodata is not None and not np.isnan(raw_nodata):
        out[out == raw_nodata] = np.nan
    if np.isneginf(out).any():
        raise ValueError("raster has -inf cells: no connectivity output should; check its input.")
    finite = np.isfinite(out)
    if not finite.any():
        raise ValueError("raster has no valid cell: every cell is nodata or a barrier.")
    barrier = np.isposinf(out)
    out[barrier] = nodata if barriers == "nodata" else out[finite].max()
    out[np.isnan(out)] = nodata
    da = template.copy(data=out.astype(dtype))
    da.attrs, da.encoding = {}, {}
    da = da.rio.write_crs(crs).rio.write_nodata(nodata, encoded=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    da.rio.to_raster(path, driver="COG", compress="DEFLATE")
    return path
