"""Writing the layers: Cloud-Optimised GeoTIFFs, GeoPackages, CSV files and checksums."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyogrio
import rasterio
import rasterio.shutil
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from .datasheet import data_sheet
from .facts import (
    CELL,
    CLASSES,
    COARSE,
    ELEVATION_NODATA,
    EPSG,
    FICTIONAL_NOTE,
    LANDCOVER_NODATA,
    NORTH,
    TITLE,
    VERSION,
    WEST,
)
from .grid import mean_resample, mode_resample
from .quicklook import draw_quicklook


def write_cog(path, array, *, cellsize, nodata, tags, classes=False, description=""):
    ny, nx = array.shape
    profile = {
        "driver": "GTiff",
        "height": ny,
        "width": nx,
        "count": 1,
        "dtype": array.dtype.name,
        "crs": f"EPSG:{EPSG}",
        "transform": from_origin(WEST, NORTH, cellsize, cellsize),
        "nodata": nodata,
    }
    with MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(array, 1)
            dst.update_tags(**tags)
            dst.set_band_description(1, description)
            if classes:
                cmap = {0: (0, 0, 0, 0)}
                for code, (_n, colour, _d) in CLASSES.items():
                    h = colour.lstrip("#")
                    cmap[code] = (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 255)
                dst.write_colormap(1, cmap)
        with mem.open() as src:
            rasterio.shutil.copy(
                src,
                path,
                driver="COG",
                COMPRESS="DEFLATE",
                PREDICTOR="2" if not classes else "1",
                BLOCKSIZE="256",
                OVERVIEW_RESAMPLING="MODE" if classes else "AVERAGE",
                NUM_THREADS="1",
            )


def raster_tags(layer, extra=None):
    tags = {
        "TITLE": f"{TITLE}: {layer}",
        "DESCRIPTION": FICTIONAL_NOTE,
        "LICENSE": "CC0-1.0",
        "SOURCE": "data/make_landscape.py",
        "VERSION": VERSION,
    }
    tags.update(extra or {})
    return tags


def write_gpkg(path, gdf, layer, description):
    """Write one layer; appends when the file exists (callers remove it first)."""
    pyogrio.write_dataframe(
        gdf,
        path,
        layer=layer,
        driver="GPKG",
        layer_options={
            "DESCRIPTION": f"{description} {FICTIONAL_NOTE}",
            "IDENTIFIER": f"{layer} (fictional)",
        },
        append=path.exists(),
    )


def write_csv(path, df):
    df.to_csv(path, index=False, lineterminator="\n")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_all(layers, out: Path, *, quicklook=True):
    """Write every layer into *out*, then the data sheet and SHA256SUMS; return the file names."""
    out.mkdir(parents=True, exist_ok=True)
    written = _write_rasters(layers, out)
    written += _write_vectors(layers, out)
    write_csv(out / "tracks.csv", layers["tracks"])
    write_csv(out / "occurrences.csv", layers["occurrences"])
    write_csv(out / "crossing_counts.csv", layers["crossing_counts"])
    written += ["tracks.csv", "occurrences.csv", "crossing_counts.csv"]
    if quicklook:
        draw_quicklook(layers, out / "quicklook.png")
        written.append("quicklook.png")
    (out / "README.md").write_text(data_sheet(layers, out), encoding="utf-8")
    written.append("README.md")
    lines = [f"{sha256(out / name)}  {name}" for name in sorted(written)]
    (out / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="ascii")
    return written


def _write_rasters(layers, out: Path) -> list[str]:
    """Elevation and land cover at 100 m and at the coarse resolutions (COGs)."""
    written = []
    elev = layers["elevation"]
    e16 = np.where(np.isfinite(elev), np.round(elev), ELEVATION_NODATA).astype(np.int16)
    write_cog(
        out / "elevation.tif",
        e16,
        cellsize=CELL,
        nodata=ELEVATION_NODATA,
        tags=raster_tags("elevation (m)", {"UNITS": "m"}),
        description="elevation (m)",
    )
    written.append("elevation.tif")
    for res in COARSE:
        e = mean_resample(elev, float(res))
        e = np.where(np.isfinite(e), np.round(e), ELEVATION_NODATA).astype(np.int16)
        name = f"elevation_{res}m.tif"
        write_cog(
            out / name,
            e,
            cellsize=float(res),
            nodata=ELEVATION_NODATA,
            tags=raster_tags(f"elevation (m), mean of 100 m cells, {res} m", {"UNITS": "m"}),
            description="elevation (m)",
        )
        written.append(name)
    class_tags = {
        "CLASS_NAMES": json.dumps({str(k): v[0] for k, v in CLASSES.items()}),
        "CLASS_COLORS": json.dumps({str(k): v[1] for k, v in CLASSES.items()}),
    }
    for year, lc in layers["landcover"].items():
        write_cog(
            out / f"landcover_{year}.tif",
            lc,
            cellsize=CELL,
            nodata=LANDCOVER_NODATA,
            tags=raster_tags(f"land cover {year}", {**class_tags, "YEAR": str(year)}),
            classes=True,
            description=f"land cover {year}",
        )
        written.append(f"landcover_{year}.tif")
        for res in COARSE:
            name = f"landcover_{year}_{res}m.tif"
            write_cog(
                out / name,
                mode_resample(lc, float(res)),
                cellsize=float(res),
                nodata=LANDCOVER_NODATA,
                tags=raster_tags(
                    f"land cover {year}, most common class of 100 m cells, {res} m",
                    {**class_tags, "YEAR": str(year)},
                ),
                classes=True,
                description=f"land cover {year}",
            )
            written.append(name)
    return written


def _write_vectors(layers, out: Path) -> list[str]:
    """The GeoPackages (a file is replaced, not appended to)."""
    written = []
    vectors = [
        ("countries", "countries", "Three invented countries."),
        ("settlements", "settlements", "Invented towns and villages with population."),
        ("roads", "roads", "Roads with class, width and opening year."),
        ("rivers", "rivers", "Rivers traced from the elevation model."),
        ("crossing_sites", "crossing_sites", "Camera and wildlife-crossing sites."),
    ]
    for fname, key, desc in vectors:
        path = out / f"{fname}.gpkg"
        if path.exists():
            path.unlink()
        write_gpkg(path, layers[key], fname, desc)
        written.append(path.name)
    path = out / "protected_areas.gpkg"
    if path.exists():
        path.unlink()
    write_gpkg(
        path, layers["protected_areas"], "polygons", "Protected areas with WDPA-like fields."
    )
    write_gpkg(
        path, layers["protected_area_points"], "points", "Protected areas known only as points."
    )
    written.append(path.name)
    return written
