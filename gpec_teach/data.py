"""The teaching landscape: load every layer by name, check the files.

The fictional landscape in ``data/`` (see ``data/README.md``, the data sheet) is read
one way only, through :func:`load`: rasters come back as georeferenced
:class:`xarray.DataArray` objects (rioxarray), vectors as
:class:`geopandas.GeoDataFrame` objects, tables as :class:`pandas.DataFrame` objects.
Files are checked against ``data/SHA256SUMS`` before they are read, so a learner
never works on a truncated download or an edited copy without knowing it.

The folder is ``$GPEC_DATA_DIR`` when that environment variable is set (an offline
kit, a shared folder on a training server, a participant's own files with the same
names), else the ``data/`` folder of the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

__all__ = ["DATASETS", "data_dir", "list_datasets", "load", "verify"]

EPOCHS = (2000, 2010, 2020)
RESOLUTIONS = (100, 250, 500)

#: name -> (file pattern, kind, description). ``{year}`` and ``{res}`` are filled in
#: by :func:`load`; ``layer`` names a layer inside a GeoPackage.
DATASETS: dict[str, dict] = {
    "elevation": {
        "file": "elevation{res}.tif",
        "kind": "raster",
        "description": "Elevation (m), int16; NaN over the sea.",
    },
    "landcover": {
        "file": "landcover_{year}{res}.tif",
        "kind": "raster",
        "description": "Land cover of one epoch (class codes 1-8; 0 over the sea).",
    },
    "countries": {
        "file": "countries.gpkg",
        "kind": "vector",
        "description": "Three invented countries (ISO3 XAR, XBE, XCA).",
    },
    "protected_areas": {
        "file": "protected_areas.gpkg",
        "layer": "polygons",
        "kind": "vector",
        "description": "Protected areas with WDPA-like fields (polygons).",
    },
    "protected_area_points": {
        "file": "protected_areas.gpkg",
        "layer": "points",
        "kind": "vector",
        "description": "Protected areas known only as a point and a reported area.",
    },
    "roads": {
        "file": "roads.gpkg",
        "kind": "vector",
        "description": "Roads with class, width and opening year.",
    },
    "rivers": {
        "file": "rivers.gpkg",
        "kind": "vector",
        "description": "Rivers with Strahler order and upstream area.",
    },
    "settlements": {
        "file": "settlements.gpkg",
        "kind": "vector",
        "description": "Towns and villages with population in 2000, 2010, 2020.",
    },
    "crossing_sites": {
        "file": "crossing_sites.gpkg",
        "kind": "vector",
        "description": "Camera and wildlife-crossing sites.",
    },
    "tracks": {
        "file": "tracks.csv",
        "kind": "table",
        "description": "GPS fixes of 8 ungulates (Movebank columns, uncleaned).",
    },
    "occurrences": {
        "file": "occurrences.csv",
        "kind": "table",
        "description": "Species occurrence records (GBIF-like columns).",
    },
    "crossing_counts": {
        "file": "crossing_counts.csv",
        "kind": "table",
        "description": "Yearly detections and camera-days per crossing site.",
    },
}

_VERIFIED: dict[tuple[str, int, int], str] = {}


def data_dir() -> Path:
    """Folder the teaching data are read from.

    ``$GPEC_DATA_DIR`` when set, else the ``data/`` folder next to this package.

    Raises
    ------
    FileNotFoundError
        When the folder does not exist, with the fix.
    """
    env = os.environ.get("GPEC_DATA_DIR")
    path = Path(env).expanduser() if env else Path(__file__).resolve().parents[1] / "data"
    if not path.is_dir():
        where = f"GPEC_DATA_DIR={env!r}" if env else f"the repository's data folder {path}"
        raise FileNotFoundError(
            f"The teaching data folder does not exist ({where}). Set GPEC_DATA_DIR to the "
            "folder that holds landcover_2020.tif and the other files, or run `make data`."
        )
    return path


def list_datasets():
    """Table of the dataset names :func:`load` accepts, with file, kind and description.

    Examples
    --------
    >>> table = list_datasets()
    >>> "landcover" in table["name"].tolist()
    True
    """
    import pandas as pd

    rows = []
    for name, spec in DATASETS.items():
        rows.append(
            {
                "name": name,
                "kind": spec["kind"],
                "file": spec["file"].format(year="<year>", res="[_250m|_500m]"),
                "description": spec["description"],
            }
        )
    return pd.DataFrame(rows)


def _checksums(folder: Path) -> dict[str, str]:
    path = folder / "SHA256SUMS"
    if not path.exists():
        return {}
    sums = {}
    for line in path.read_text(encoding="ascii").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip().lstrip("*")] = digest
    return sums


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _file_status(path: Path, expected: str | None) -> str:
    if not path.exists():
        return "missing"
    if expected is None:
        return "not listed"
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _VERIFIED:
        _VERIFIED[key] = _sha256(path)
    return "ok" if _VERIFIED[key] == expected else "changed"


def verify(folder: str | os.PathLike | None = None):
    """Check every file listed in ``SHA256SUMS`` of the data folder.

    Parameters
    ----------
    folder : path, optional
        Default :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``file``, ``status`` (``ok``, ``changed`` or ``missing``)
        and ``size_kb``. All ``ok`` means the files are exactly the published ones.

    Examples
    --------
    >>> report = verify()
    >>> sorted(set(report["status"]))
    ['ok']
    """
    import pandas as pd

    folder = Path(folder) if folder is not None else data_dir()
    sums = _checksums(folder)
    if not sums:
        raise FileNotFoundError(
            f"No SHA256SUMS in {folder}: this is not a copy of the teaching data, or the "
            "file list was removed. Copy the whole data folder again."
        )
    rows = []
    for name, digest in sorted(sums.items()):
        path = folder / name
        rows.append(
            {
                "file": name,
                "status": _file_status(path, digest),
                "size_kb": round(path.stat().st_size / 1024, 1) if path.exists() else None,
            }
        )
    return pd.DataFrame(rows)


def _resolve(name: str, year, resolution) -> tuple[dict, str]:
    if not isinstance(name, str) or name not in DATASETS:
        close = [n for n in DATASETS if isinstance(name, str) and (name in n or n in name)]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"Unknown dataset name={name!r}.{hint} Choose one of {sorted(DATASETS)} "
            "(see gpec_teach.data.list_datasets())."
        )
    spec = DATASETS[name]
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS} (metres). Got {resolution!r}.")
    if spec["kind"] != "raster" and resolution != 100:
        raise ValueError(
            f"resolution={resolution} applies to rasters only; {name!r} is a {spec['kind']}."
        )
    if name == "landcover":
        if year is None:
            raise ValueError(
                f"Land cover needs a year: load('landcover', year=2020). Epochs: {EPOCHS}."
            )
        if year not in EPOCHS:
            raise ValueError(f"year must be one of the epochs {EPOCHS}. Got year={year!r}.")
    elif year is not None:
        raise ValueError(
            f"year={year!r} applies to 'landcover' only; {name!r} has one version. "
            "Filter by a column instead (roads: 'opened', protected areas: 'STATUS_YR')."
        )
    res = "" if resolution == 100 else f"_{resolution}m"
    return spec, spec["file"].format(year=year, res=res)


def load(name: str, *, year: int | None = None, resolution: int = 100, verify: bool = True):
    """Load one layer of the teaching landscape by name.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS` (``list_datasets()`` shows them): ``"elevation"``,
        ``"landcover"``, ``"countries"``, ``"protected_areas"``,
        ``"protected_area_points"``, ``"roads"``, ``"rivers"``, ``"settlements"``,
        ``"crossing_sites"``, ``"tracks"``, ``"occurrences"``, ``"crossing_counts"``.
    year : {2000, 2010, 2020}, optional
        Epoch, for ``"landcover"`` only (required there).
    resolution : {100, 250, 500}, default 100
        Cell size in metres, for rasters. The 250 m and 500 m copies are for the
        circuit-theory notebooks (land cover: most common class of the 100 m cells;
        elevation: mean).
    verify : bool, default True
        Check the file against ``SHA256SUMS`` first (once per file and session). Files
        not listed there (your own data in ``$GPEC_DATA_DIR``) are read as they are.

    Returns
    -------
    xarray.DataArray or geopandas.GeoDataFrame or pandas.DataFrame
        Rasters are 2-D DataArrays with CRS and transform (``.rio``). Land cover keeps
        its integer codes (0 = sea, no data) and carries ``attrs["class_names"]``,
        ``attrs["class_colors"]`` (dicts keyed by code) and ``attrs["year"]``;
        elevation is float with NaN over the sea. Tables are returned as stored:
        ``tracks`` and ``occurrences`` are raw, uncleaned, with WGS 84 longitude and
        latitude, as Movebank and GBIF deliver them.

    Raises
    ------
    ValueError
        Unknown name, year or resolution, or a file that differs from the published one.
    FileNotFoundError
        The data folder or the file is missing.

    Examples
    --------
    >>> lc = load("landcover", year=2020, resolution=500)
    >>> lc.shape, lc.rio.crs.to_epsg(), lc.attrs["class_names"][3]
    ((200, 240), 9191, 'forest')
    >>> load("roads")[["class", "opened"]].head(2)
      class  opened
    0  trunk    1978
    1  trunk    1984
    """
    spec, filename = _resolve(name, year, resolution)
    folder = data_dir()
    path = folder / filename
    if not path.exists():
        raise FileNotFoundError(
            f"{filename} is not in {folder}. Run `make data` to regenerate the teaching "
            "data, or point GPEC_DATA_DIR at a complete copy."
        )
    if verify:
        expected = _checksums(folder).get(filename)
        if _file_status(path, expected) == "changed":
            raise ValueError(
                f"{path} differs from the published file (SHA-256 mismatch): it was edited "
                "or copied incompletely. Restore it (git checkout data/ or `make data`), "
                "or pass verify=False to read it anyway."
            )
    kind = spec["kind"]
    if kind == "raster":
        return _read_raster(path, name, year)
    if kind == "vector":
        import geopandas as gpd

        return gpd.read_file(path, layer=spec.get("layer"), engine="pyogrio")
    import pandas as pd

    return pd.read_csv(path)


def _read_raster(path: Path, name: str, year):
    import rioxarray

    if name == "landcover":
        da = rioxarray.open_rasterio(path, masked=False).squeeze("band", drop=True).load()
        tags = da.attrs
        da.attrs = {
            "long_name": f"land cover {year}",
            "class_names": {int(k): v for k, v in json.loads(tags["CLASS_NAMES"]).items()},
            "class_colors": {int(k): v for k, v in json.loads(tags["CLASS_COLORS"]).items()},
            "year": int(year),
            "nodata": 0,
            "source": str(tags.get("DESCRIPTION", "")),
        }
        da.rio.write_nodata(0, inplace=True)
        return da.rename(f"landcover_{year}")
    da = rioxarray.open_rasterio(path, masked=True).squeeze("band", drop=True).load()
    tags = da.attrs
    da = da.astype("float32")
    da.attrs = {"long_name": "elevation", "units": "m", "source": str(tags.get("DESCRIPTION", ""))}
    da.rio.write_nodata(float("nan"), encoded=False, inplace=True)
    return da.rename("elevation")
