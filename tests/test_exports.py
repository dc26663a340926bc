"""The QGIS hand-off: every method notebook writes its results for QGIS, styled.

Each method notebook ends with a core episode that writes its results (GeoTIFF with nodata
set, never ``inf``; GeoPackage; CSV) with a QGIS style (``.qml``) beside each layer, and
declares the files in its metadata (``gpec.exports``: paths relative to ``notebooks/``,
under ``outputs/``). Two kinds of test:

- always: the declaration and the hand-off episode are there (the notebook's last core
  episode calls ``save_raster``/``save_vector`` with a style);
- after the notebooks ran (``make test-notebooks`` runs nbval, then this file with
  ``--exports``): every declared file exists, reopens with a CRS, has nodata set and no
  infinite value, and its style parses and fits the layer (band, column, layer name).
"""

from __future__ import annotations

import json
import math
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from conftest import realdata_root
from test_episodes import PENDING

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
# Not method notebooks: the welcome/on-ramp and the concepts notebook compute nothing a
# learner would take to QGIS.
NOT_METHOD = {"00", "01"}


def _method_notebooks() -> list[Path]:
    return [
        p
        for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        if p.name[:2] not in NOT_METHOD and p.stem not in PENDING
    ]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _exports(nb: dict) -> list[str]:
    return nb.get("metadata", {}).get("gpec", {}).get("exports", [])


def _cell_episode(cell) -> str | None:
    return cell.get("metadata", {}).get("gpec", {}).get("episode")


METHODS = _method_notebooks()


@pytest.mark.parametrize("path", METHODS, ids=lambda p: p.stem)
def test_method_notebook_declares_its_exports(path):
    exports = _exports(_load(path))
    assert exports, (
        f"{path.name}: metadata.gpec.exports is empty; list the files the QGIS hand-off "
        "episode writes (paths relative to notebooks/, under outputs/)"
    )
    for rel in exports:
        assert rel.startswith("outputs/") and Path(rel).suffix in {
            ".tif",
            ".gpkg",
            ".csv",
            ".qgs",
            ".html",
        }, (
            f"{path.name}: export {rel!r} must be under outputs/ and a .tif, .gpkg, .csv, .qgs or .html"
        )
    assert any(Path(r).suffix in {".tif", ".gpkg"} for r in exports), (
        f"{path.name}: the hand-off writes no GeoTIFF or GeoPackage for QGIS"
    )


@pytest.mark.parametrize("path", METHODS, ids=lambda p: p.stem)
def test_last_core_episode_hands_off_to_qgis(path):
    nb = _load(path)
    core = [e["id"] for e in nb["metadata"]["gpec"]["episodes"] if not e.get("optional")]
    last, current, code = core[-1], None, []
    for cell in nb["cells"]:
        current = _cell_episode(cell) or current
        if current == last and cell["cell_type"] == "code":
            code.append("".join(cell["source"]))
    text = "\n".join(code)
    assert ("save_raster(" in text or "save_vector(" in text) and "style=" in text, (
        f"{path.name}: the last core episode ({last}) must write the results for QGIS with "
        "gpec_teach.save_raster / save_vector and a style"
    )
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "QGIS" in md, f"{path.name}: the page never says how to open the results in QGIS"


# --- after the notebooks ran -------------------------------------------------------------

DECLARED = [
    pytest.param(p, rel, id=f"{p.stem}:{rel}") for p in METHODS for rel in _exports(_load(p))
]


def _qml_for_raster(tif: Path) -> Path:
    return tif.with_suffix(".qml")


def _check_raster(tif: Path):
    import rasterio

    with rasterio.open(tif) as src:
        assert src.crs is not None, f"{tif.name}: no CRS"
        assert src.nodata is not None, f"{tif.name}: nodata is not set"
        assert not math.isinf(src.nodata), f"{tif.name}: nodata is infinite"
        data = src.read(1, masked=True)
        assert not np.isinf(data.filled(0)).any(), f"{tif.name}: holds infinite values"
        assert data.count() > 0, f"{tif.name}: every cell is nodata"
        nbands = src.count
    qml = _qml_for_raster(tif)
    assert qml.is_file(), f"{tif.name}: no QGIS style {qml.name} beside it"
    root = ET.parse(qml).getroot()
    renderer = root.find(".//rasterrenderer")
    assert renderer is not None, f"{qml.name}: not a raster style"
    band = int(renderer.get("band", renderer.get("grayBand", "1")))
    assert 1 <= band <= nbands, f"{qml.name}: style reads band {band}, file has {nbands}"


def _check_gpkg(gpkg: Path):
    import pyogrio

    layers = [name for name, _ in pyogrio.list_layers(gpkg)]
    assert layers, f"{gpkg.name}: no layer"
    with sqlite3.connect(gpkg) as con:
        styled = dict(
            con.execute(
                "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"
            ).fetchall()
        )
    for layer in layers:
        if layer == "layer_styles":
            continue
        info = pyogrio.read_info(gpkg, layer=layer)
        assert info["crs"], f"{gpkg.name}:{layer}: no CRS"
        assert info["features"] > 0, f"{gpkg.name}:{layer}: no feature"
        assert layer in styled, f"{gpkg.name}:{layer}: no default style in layer_styles"
        root = ET.fromstring(styled[layer])
        renderer = root.find(".//renderer-v2")
        assert renderer is not None, f"{gpkg.name}:{layer}: stored style is not a vector style"
        attr = renderer.get("attr")
        if attr:
            assert attr in info["fields"], (
                f"{gpkg.name}:{layer}: the style colours by {attr!r}, not a column of the layer"
            )


def _check_csv(csv: Path):
    import pandas as pd

    table = pd.read_csv(csv)
    assert len(table) > 0 and len(table.columns) > 0, f"{csv.name}: empty table"


def _check_qgs(qgs: Path):
    root = ET.parse(qgs).getroot()
    sources = [e.text for e in root.iter("datasource") if e.text]
    assert sources, f"{qgs.name}: the project holds no layer"
    for src in sources:
        file = src.split("|")[0]
        assert (qgs.parent / file).exists() or Path(file).exists(), (
            f"{qgs.name}: layer source {file!r} does not exist"
        )


# Notebooks that read ../shared/realdata: nbval leaves them out when the data are absent.
REAL_DATA_NOTEBOOKS = {"17_real_data_case_study"}


@pytest.mark.exports
@pytest.mark.parametrize(("path", "rel"), DECLARED)
def test_exported_file_reopens_for_qgis(path, rel):
    if path.stem in REAL_DATA_NOTEBOOKS and not (realdata_root() / "augusta_nlcd.tif").is_file():
        pytest.skip(f"{path.stem} needs the real data ({realdata_root()}): not run by nbval")
    file = NOTEBOOKS / rel
    assert file.is_file(), (
        f"{path.name} declares {rel} but did not write it (run the notebook first: "
        "make test-notebooks runs nbval, then this test)"
    )
    check = {
        ".tif": _check_raster,
        ".gpkg": _check_gpkg,
        ".csv": _check_csv,
        ".qgs": _check_qgs,
    }.get(file.suffix)
    if check is not None:
        check(file)
    else:
        assert file.stat().st_size > 0, f"{rel}: empty file"


# --- the checks themselves, on files written by the package -------------------------------


def _toy_layers(tmp_path):
    import geopandas as gpd
    import rioxarray  # noqa: F401  (the .rio accessor)
    import xarray as xr
    from shapely.geometry import box

    from gpec_teach import save_raster, save_vector

    da = xr.DataArray(
        np.array([[1.0, 2.0], [np.inf, 4.0]]),
        dims=("y", "x"),
        coords={"y": [150.0, 50.0], "x": [50.0, 150.0]},
    ).rio.write_crs("EPSG:3035")
    tif = save_raster(da, tmp_path / "current.tif", style="continuous")
    gdf = gpd.GeoDataFrame(
        {"id": [1, 2], "dPC": [0.5, 2.0]}, geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs=3035
    )
    gpkg = save_vector(
        gdf, tmp_path / "patches.gpkg", style={"kind": "graduated", "column": "dPC"}
    )
    return tif, gpkg


def test_checks_accept_the_package_exports(tmp_path):
    tif, gpkg = _toy_layers(tmp_path)
    _check_raster(tif)
    _check_gpkg(gpkg)


def test_checks_reject_a_raster_without_style_or_with_inf(tmp_path):
    import rasterio

    tif, _ = _toy_layers(tmp_path)
    tif.with_suffix(".qml").unlink()
    with pytest.raises(AssertionError, match="no QGIS style"):
        _check_raster(tif)
    bad = tmp_path / "bad.tif"
    with rasterio.open(
        bad,
        "w",
        driver="GTiff",
        width=2,
        height=1,
        count=1,
        dtype="float32",
        crs="EPSG:3035",
        transform=rasterio.transform.from_origin(0, 1, 1, 1),
        nodata=-9999,
    ) as dst:
        dst.write(np.array([[[1.0, np.inf]]], dtype="float32"))
    with pytest.raises(AssertionError, match="infinite"):
        _check_raster(bad)


def test_checks_reject_a_style_on_a_missing_column(tmp_path):
    _, gpkg = _toy_layers(tmp_path)
    with sqlite3.connect(gpkg) as con:
        con.execute(
            "UPDATE layer_styles SET styleQML = replace(styleQML, 'attr=\"dPC\"', 'attr=\"PC\"')"
        )
    with pytest.raises(AssertionError, match="not a column"):
        _check_gpkg(gpkg)
