"""Raster files for the ``.ini`` runners: one reader and one writer, both through rasterio.

Circuitscape and Omniscape jobs read and write Arc/Info ASCII grids (``.asc``,
optionally gzipped) and GeoTIFFs. Both runners (:mod:`gpec_teach.circuitscape_io`,
:mod:`gpec_teach.omniscape_io`) go through this module, so the rules are the same:

* reading: band 1 in double precision (GDAL reads ASCII grids as float32 unless
  told), the file's nodata cells (and masked cells) as NaN, with its transform and
  CRS (an ASCII grid's ``.prj``);
* writing: NaN as the nodata value (-9999 by default), the transform and CRS kept
  (embedded in a GeoTIFF, a ``.prj`` beside an ASCII grid).

The in-memory rasters of the Python API go through :mod:`gpec_teach._raster`.
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__: list[str] = []

#: The nodata value Circuitscape and Omniscape write.
NODATA = -9999.0


@dataclass(frozen=True)
class RasterFile:
    """A raster file's band 1 and georeferencing.

    Attributes
    ----------
    values : numpy.ndarray
        ``(nrows, ncols)`` float64, NaN on nodata.
    transform : affine.Affine
        Pixel-to-map transform (rows run north to south).
    crs : rasterio.crs.CRS or None
        The file's CRS, None when it has none.
    nodata : float or None
        The file's nodata value.
    """

    values: np.ndarray
    transform: object
    crs: object
    nodata: float | None


def _gdal_path(path: Path) -> str:
    return f"/vsigzip/{path}" if path.suffix == ".gz" else str(path)


def read_raster_file(path, *, label: str | None = None) -> RasterFile:
    r"""Read band 1 of a raster file (ASCII grid, GeoTIFF, gzipped ASCII) as float64.

    *label* names the file in error messages (default: its path).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "g.asc")
    ...     _ = open(p, "w").write("ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\n"
    ...                            "cellsize 10\nNODATA_value -1\n0.1 -1\n")
    ...     r = read_raster_file(p)
    >>> r.values.tolist(), r.transform.a, r.nodata
    ([[0.1, nan]], 10.0, -1.0)
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    path = Path(path)
    label = str(path) if label is None else label
    if not path.is_file():
        raise FileNotFoundError(f"Raster file not found: {label}.")
    try:  # ASCII grids as float64: GDAL reads them as float32 unless told
        with rasterio.Env(AAIGRID_DATATYPE="Float64"), rasterio.open(_gdal_path(path)) as src:
            band = src.read(1, masked=True)
            values = np.ma.filled(band.astype(np.float64), np.nan)
            crs = src.crs if src.crs else None
            return RasterFile(values, src.transform, crs, src.nodata)
    except RasterioIOError as err:
        raise ValueError(
            f"{label} could not be read as a raster ({err}). Give an Arc/Info ASCII grid "
            "(.asc) or a GeoTIFF (.tif)."
        ) from None


def is_raster_file(path) -> bool:
    """Tell a GeoTIFF or ASCII grid from a text list by its first bytes (as Circuitscape)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        head = fh.read(64)
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return True
    words = head.decode("latin-1").split()
    return bool(words) and words[0].lower() in ("ncols", "nrows")


def write_raster_file(
    path,
    values,
    *,
    transform,
    crs=None,
    fmt: str = "asc",
    nodata: float = NODATA,
    dtype="float64",
    decimals: int | None = None,
    compress: bool = False,
) -> Path:
    r"""Write a 2-D grid as an ASCII grid (``fmt="asc"``) or a GeoTIFF (``"tif"``).

    NaN cells become *nodata*. *decimals* rounds the values first (ASCII grids are
    then written with 15 significant digits, else with all the digits of *dtype*).
    *compress* gzips an ASCII grid (``.gz`` appended; its ``.prj`` stays
    uncompressed). Returns the path written.

    Examples
    --------
    >>> import tempfile, os
    >>> from affine import Affine
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_raster_file(os.path.join(d, "g.asc"), [[0.5, float("nan")]],
    ...                           transform=Affine(1, 0, 0, 0, -1, 1), decimals=8)
    ...     print(open(p).read().split("\n")[-2].strip())
    0.5 -9999
    """
    import rasterio

    path = Path(path)
    data = np.asarray(values, dtype=float)
    if decimals is not None:
        data = np.round(data, decimals)
    data = np.where(np.isfinite(data), data, nodata).astype(dtype)
    profile = {
        "driver": "GTiff" if fmt == "tif" else "AAIGrid",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": np.dtype(dtype).name,
        "nodata": nodata,
        "transform": transform,
        "crs": crs,
    }
    if fmt == "asc":
        digits = 17 if np.dtype(dtype) == np.float64 else 9
        profile["SIGNIFICANT_DIGITS"] = 15 if decimals is not None else digits
    if compress and path.suffix == ".gz":
        path = path.with_suffix("")
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    if not compress:
        return path
    zipped = Path(f"{path}.gz")
    with open(path, "rb") as raw, gzip.open(zipped, "wb") as out:
        shutil.copyfileobj(raw, out)
    path.unlink()
    return zipped
