"""Tiled GeoTIFF (COG) input and output, window by window, for :mod:`gpec_teach.scale`.

Every read is a rasterio windowed read of the rows and columns a task needs; every
write goes into a tiled GeoTIFF one output tile at a time, which is then copied to
a Cloud-Optimized GeoTIFF by GDAL (block by block, through its bounded cache). No
function here holds a whole raster unless it is given one (:func:`write_cog`).
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._raster_io import NODATA
from .._validation import describe

__all__ = ["RasterInfo", "TileLayout", "raster_info", "read_window", "write_cog"]

#: Block side of the GeoTIFFs written here (a multiple of 16, as GDAL requires).
BLOCK = 256


@dataclass(frozen=True)
class RasterInfo:
    """Shape and georeferencing of a raster file (its header only)."""

    path: str
    shape: tuple[int, int]
    transform: object
    crs: object
    block_shapes: tuple

    @property
    def cellsize(self) -> float:
        """Side of a cell in map units (the transform's x step)."""
        return float(abs(self.transform.a))


def _check_file(name: str, path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be the path of a GeoTIFF (str or Path). Got {name}={describe(path)}; "
            "write an array to disk first with gpec_teach.scale.write_cog(values, path)."
        )
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{name}: raster file not found: {path}. Give an existing GeoTIFF (COG)."
        )
    return path


def raster_info(path, *, name: str = "raster") -> RasterInfo:
    """Read the header of a raster file (shape, transform, CRS, block shapes).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_cog(np.ones((3, 4)), os.path.join(d, "a.tif"))
    ...     raster_info(p).shape
    (3, 4)
    """
    import rasterio

    path = _check_file(name, path)
    with rasterio.open(path) as src:
        return RasterInfo(
            str(path), (src.height, src.width), src.transform, src.crs, tuple(src.block_shapes)
        )


def read_window(path, rows: tuple[int, int], cols: tuple[int, int]) -> np.ndarray:
    """Read rows ``rows[0]:rows[1]`` and columns ``cols[0]:cols[1]`` of band 1 as float64.

    Nodata and masked cells become NaN. Only the GeoTIFF blocks under the window are
    read from disk.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_cog(np.arange(12.0).reshape(3, 4), os.path.join(d, "a.tif"))
    ...     read_window(p, (1, 3), (2, 4)).tolist()
    [[6.0, 7.0], [10.0, 11.0]]
    """
    import rasterio
    from rasterio.windows import Window

    r0, r1 = rows
    c0, c1 = cols
    with rasterio.open(path) as src:
        band = src.read(1, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True)
    return np.ma.filled(band.astype(np.float64), np.nan)


def _profile(shape, transform, crs, dtype: str) -> dict:
    return {
        "driver": "GTiff",
        "height": int(shape[0]),
        "width": int(shape[1]),
        "count": 1,
        "dtype": dtype,
        "nodata": NODATA,
        "transform": transform,
        "crs": crs,
        "tiled": True,
        "blockxsize": BLOCK,
        "blockysize": BLOCK,
        "compress": "deflate",
        "BIGTIFF": "IF_SAFER",
    }


def _finish_cog(tmp: Path, path: Path) -> Path:
    """Copy a tiled GeoTIFF into a COG (GDAL streams it block by block), drop the temporary."""
    from rasterio.shutil import copy

    copy(tmp, path, driver="COG", BLOCKSIZE=BLOCK, COMPRESS="DEFLATE", BIGTIFF="IF_SAFER")
    tmp.unlink()
    return path


def write_cog(values, path, *, transform=None, crs=None, dtype: str = "float64") -> Path:
    r"""Write an in-memory grid as a tiled Cloud-Optimized GeoTIFF (NaN as nodata -9999).

    The way in for rasters that fit in memory (tests, the workshop landscape); a
    national raster is written tile by tile by the functions of
    :mod:`gpec_teach.scale` or by :func:`gpec_teach.scale.synthetic_landscape`.

    Parameters
    ----------
    values : array_like or xarray.DataArray
        2-D grid, NaN = nodata; a DataArray gives its transform and CRS, and its
        own nodata value (``rio.nodata``) becomes nodata too.
    path : str or Path
        Output ``.tif`` (its folder is created, an existing file replaced).
    transform : affine.Affine, optional
        Pixel-to-map transform; default from the DataArray, else 1 map unit cells.
    crs : optional
        CRS; default from the DataArray.
    dtype : {"float64", "float32"}, default "float64"

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_cog([[1.0, float("nan")]], os.path.join(d, "a.tif"))
    ...     read_window(p, (0, 1), (0, 2)).tolist()
    [[1.0, nan]]
    """
    import rasterio
    from affine import Affine

    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32'. Got dtype={describe(dtype)}.")
    raster_nodata = None
    if hasattr(values, "rio"):
        transform = values.rio.transform() if transform is None else transform
        crs = values.rio.crs if crs is None else crs
        raster_nodata = values.rio.nodata
        values = values.values
    data = np.asarray(values, dtype=float)
    if raster_nodata is not None and np.isfinite(raster_nodata):
        data = np.where(data == raster_nodata, np.nan, data)
    if data.ndim != 2:
        raise ValueError(f"values must be a 2-D grid. Got values of shape {data.shape}.")
    if transform is None:
        transform = Affine(1.0, 0.0, 0.0, 0.0, -1.0, float(data.shape[0]))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part.tif")
    with rasterio.open(tmp, "w", **_profile(data.shape, transform, crs, dtype)) as dst:
        dst.write(np.where(np.isnan(data), NODATA, data).astype(dtype), 1)
    return _finish_cog(tmp, path)


def check_chunks(chunks) -> tuple[int, int]:
    """Validate *chunks*: an int (square tiles) or a pair (rows, cols) of positive ints."""
    pair = (chunks, chunks) if isinstance(chunks, numbers.Integral) else chunks
    ok = (
        isinstance(pair, (tuple, list))
        and len(pair) == 2
        and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0 for v in pair
        )
    )
    if not ok:
        raise ValueError(
            f"chunks must be a positive integer (square tiles, in cells) or a pair (rows, cols) "
            f"of them. Got chunks={describe(chunks)}; try chunks=512."
        )
    return int(pair[0]), int(pair[1])


@dataclass(frozen=True)
class TileLayout:
    """A grid of *shape* cut into tiles of ``chunks = (rows, cols)`` cells.

    Examples
    --------
    >>> t = TileLayout((5, 7), (2, 3))
    >>> t.ntiles, t.bounds(2, 2)
    ((3, 3), (4, 5, 6, 7))
    """

    shape: tuple[int, int]
    chunks: tuple[int, int]

    @property
    def ntiles(self) -> tuple[int, int]:
        """Number of tile rows and tile columns."""
        return (-(-self.shape[0] // self.chunks[0]), -(-self.shape[1] // self.chunks[1]))

    def bounds(self, i: int, j: int) -> tuple[int, int, int, int]:
        """Rows ``r0:r1`` and columns ``c0:c1`` of tile ``(i, j)``: ``(r0, r1, c0, c1)``."""
        (h, w), (n, m) = self.chunks, self.shape
        return (i * h, min((i + 1) * h, n), j * w, min((j + 1) * w, m))

    def grown(self, i: int, j: int, halo: int) -> tuple[int, int, int, int]:
        """Bounds of tile ``(i, j)`` grown by *halo* cells on every side, clipped to the grid."""
        r0, r1, c0, c1 = self.bounds(i, j)
        n, m = self.shape
        return (max(r0 - halo, 0), min(r1 + halo, n), max(c0 - halo, 0), min(c1 + halo, m))

    def reach(self, halo: int) -> tuple[int, int]:
        """How many tiles away (rows, cols) a halo of *halo* cells can reach."""
        return (-(-halo // self.chunks[0]), -(-halo // self.chunks[1]))


class TileWriter:
    """Write output tiles into tiled GeoTIFFs (one per map), then turn them into COGs."""

    def __init__(self, paths: dict, shape, transform, crs, dtype: str = "float64"):
        import rasterio

        self.paths = {k: Path(v) for k, v in paths.items()}
        self.tmp = {k: p.with_name(p.name + ".part.tif") for k, p in self.paths.items()}
        profile = _profile(shape, transform, crs, dtype)
        self.dtype = dtype
        self.files = {}
        for key, tmp in self.tmp.items():
            tmp.parent.mkdir(parents=True, exist_ok=True)
            self.files[key] = rasterio.open(tmp, "w", **profile)

    def write(self, key: str, bounds, values: np.ndarray) -> None:
        """Write one tile of map *key* at ``bounds = (r0, r1, c0, c1)``."""
        from rasterio.windows import Window

        r0, r1, c0, c1 = bounds
        data = np.where(np.isnan(values), NODATA, values).astype(self.dtype)
        self.files[key].write(data, 1, window=Window(c0, r0, c1 - c0, r1 - r0))

    def close(self) -> dict:
        """Close the files and copy each into its COG; return the paths by map."""
        for f in self.files.values():
            f.close()
        return {k: _finish_cog(self.tmp[k], p) for k, p in self.paths.items()}
