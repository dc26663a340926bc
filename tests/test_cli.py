"""The gpec-teach command line: configuration errors, a full run, re-runs, notebook numbers."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import yaml
from scipy import ndimage

from gpec_teach import data
from gpec_teach.cli import main
from gpec_teach.export import NODATA
from gpec_teach.fragmentation import label_patches, patch_table
from gpec_teach.graph import patch_graph_from_raster, probability_of_connectivity

ROOT = Path(__file__).resolve().parents[1]


def example(tmp_path, **changes):
    """The `init` configuration with sections changed (None deletes a section)."""
    path = tmp_path / "cfg.yml"
    assert main(["init", str(path), "--force"]) == 0
    cfg = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            cfg.pop(key, None)
        elif isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key].update(value)
        else:
            cfg[key] = value
    path.write_text(yaml.safe_dump(cfg))
    return path


FAST = {"cores": {"min_area_ha": 10000}}  # 3 cores at 500 m: the run stays well under 30 s


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    cfg = example(folder, **FAST)
    assert main(["run", str(cfg), "--quiet"]) == 0
    return cfg, folder / "results"


def test_init_writes_a_commented_config_that_validates(tmp_path, capsys):
    cfg = example(tmp_path)
    text = cfg.parent.joinpath("cfg.yml").read_text()
    assert main(["validate", str(cfg)]) == 0
    assert "OK; steps: resistance, cores, corridors, circuit, patches, protconn" in (
        capsys.readouterr().out
    )
    fresh = tmp_path / "fresh.yml"
    main(["init", str(fresh)])
    assert fresh.read_text().count("#") > 20  # commented
    assert main(["init", str(fresh)]) == 2  # no silent overwrite
    assert text


def test_rasters_are_float32_cogs_in_the_landcover_crs_with_nodata_and_styles(run):
    _, out = run
    crs = data.load("landcover", year=2020, resolution=500).rio.crs
    tifs = sorted(out.rglob("*.tif"))
    assert {t.name for t in tifs} >= {
        "resistance.tif",
        "core_ids.tif",
        "corridors.tif",
        "current.tif",
        "pinch_points.tif",
    }
    for tif in tifs:
        with rasterio.open(tif) as f:
            assert f.crs == crs and f.nodata == NODATA and f.dtypes[0] == "float32"
            assert f.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            values = f.read(1)
        assert np.isfinite(values).all()  # barriers and NaN written as nodata
    for name in ("resistance", "corridors", "current", "pinch_points"):
        qml = next(out.rglob(f"{name}.qml"))
        assert ET.parse(qml).find("pipe/rasterrenderer").get("band") == "1"


def test_geopackage_keeps_the_ids_and_joins_the_results(run):
    _, out = run
    gpkg = out / "results.gpkg"
    layers = [n for n, _ in pyogrio.list_layers(gpkg)]
    assert set(layers) >= {
        "cores",
        "corridor_paths",
        "patch_importance",
        "protconn_regions",
        "layer_styles",
    }
    cores = gpd.read_file(gpkg, layer="cores")
    with rasterio.open(out / "cores" / "core_ids.tif") as f:
        ids = f.read(1)
        crs = f.crs
    assert cores.crs == crs
    assert sorted(cores["core_id"]) == sorted(np.unique(ids[ids != NODATA]).astype(int))
    imp = gpd.read_file(gpkg, layer="patch_importance")
    assert sorted(imp["core_id"]) == sorted(cores["core_id"]) and imp["dPC"].notna().all()
    regions = gpd.read_file(gpkg, layer="protconn_regions")
    assert sorted(regions["ISO3"]) == ["XAR", "XBE", "XCA"] and regions["ProtConn"].notna().all()
    links = pd.read_csv(out / "corridors" / "links.csv")
    assert set(links["core1"]) | set(links["core2"]) <= set(cores["core_id"])


def test_qgis_project_opens_every_layer_styled(run):
    _, out = run
    root = ET.parse(out / "project.qgs").getroot()
    layers = root.findall("projectlayers/maplayer")
    sources = [m.find("datasource").text for m in layers]
    assert len(sources) >= 8
    for source in sources:
        assert (out / source.split("|")[0]).resolve().is_file()
    for m in layers:  # every layer carries a style
        assert m.find("pipe") is not None or m.find("renderer-v2") is not None
    dpc = [m for m in layers if m.find("layername").text == "patch_importance"][0]
    assert dpc.find("renderer-v2").get("attr") == "dPC"


def test_report_and_log(run):
    _, out = run
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') >= 4 and "<table>" in html
    assert "Patch graph: PC and EC" in html
    log = (out / "gpec-teach.log").read_text()
    assert "gpec_teach 0.1.0" in log
    assert len(re.findall(r"\w+: done in \d+\.\d s", log)) == 7


def test_patches_reproduce_notebook_09_computed_the_same_way(run):
    # notebook 09's core_areas(): habitat 4 and 5, 300 m edge removed, pieces >= min_ha;
    # then the raster patch graph (edge distances) over the land area and PC at D = 5 km.
    _, out = run
    lc = data.load("landcover", year=2020, resolution=500)
    cell = 500.0
    habitat = np.isin(lc.values, [4, 5])
    interior = ndimage.distance_transform_edt(habitat) * cell > 300
    labels, _ = label_patches(interior, neighbors=8)
    pieces = patch_table(interior, cellsize=cell, neighbors=8)
    keep = pieces.loc[pieces["area_ha"] >= FAST["cores"]["min_area_ha"], "patch_id"]
    cores = lc.copy(data=np.where(np.isin(labels, keep), labels, 0))
    land_ha = (lc.values != 0).sum() * cell**2 / 10_000
    graph = patch_graph_from_raster(cores, distance_method="edge", landscape_area=land_ha)
    pc = probability_of_connectivity(graph, dispersal_distance=5000)
    summary = pd.read_csv(out / "patches" / "summary.csv").iloc[0]
    assert summary["patches"] == len(keep)
    assert summary["EC_ha"] == pytest.approx(pc.EC, rel=1e-9)
    assert summary["PC"] == pytest.approx(pc.PC, rel=1e-9)


def test_mesh_reproduces_notebook_12_committed_output(run):
    # notebook 12's table of MESH by cell size: its 500 m row, read from the committed output
    nb = json.loads((ROOT / "notebooks" / "12_fragmentation_over_time.ipynb").read_text())
    text = next(
        "".join(o["data"]["text/plain"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and "for res in (100, 250, 500)" in "".join(c["source"])
        for o in c["outputs"]
        if "data" in o
    )
    row = next(line.split() for line in text.splitlines() if line.startswith("500 "))
    mesh_2010, mesh_2020 = float(row[1]), float(row[2])
    _, out = run
    tidy = pd.read_csv(out / "fragmentation" / "fragmentation.csv")
    mesh = tidy[tidy["metric"] == "MESH"].set_index("epoch")["value"] / 100  # ha -> km2
    assert round(mesh[2010], 1) == mesh_2010 and round(mesh[2020], 1) == mesh_2020


def test_rerun_one_step_reuses_the_others(run, capsys):
    cfg, out = run
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.tif")}
    assert main(["run", str(cfg), "--only", "patches"]) == 0
    log = capsys.readouterr().err
    assert "patches: done in" in log and "resistance: done" not in log
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.tif")} == before
    assert main(["run", str(cfg)]) == 0  # nothing changed: every step cached
    assert capsys.readouterr().err.count("outputs up to date, reused") == 7


def test_only_a_step_whose_inputs_are_missing(tmp_path, capsys):
    cfg = example(tmp_path, **FAST)
    assert main(["run", str(cfg), "--only", "corridors", "--quiet"]) == 2
    assert "run `gpec-teach run cfg.yml --only resistance` first" in (
        (tmp_path / "results" / "gpec-teach.log").read_text()
    )


def errors(tmp_path, capsys, **changes):
    cfg = example(tmp_path, **changes)
    capsys.readouterr()
    code = main(["validate", str(cfg)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"resistence": {"table": {1: 1}}}, r"resistence: unknown key\. Allowed keys: output"),
        ({"cores": {"edge": 300}}, r"cores\.edge: unknown key\. Allowed keys in cores"),
        (
            {"landcover": "nowhere.tif"},
            r"landcover: file 'nowhere\.tif' not found .* Fix the path",
        ),
        ({"cores": {"min_area_ha": "big"}}, r"cores\.min_area_ha: must be a number\. Got 'big'"),
        (
            {"patches": {"dispersal_distance_m": None}},
            r"patches\.dispersal_distance_m: is required",
        ),
        ({"corridors": {"pairs": "some"}}, r"corridors\.pairs: must be one of \['adjacent'"),
        ({"cores": {"polygons": "x.gpkg", "id_column": "id"}}, r"cores\.polygons: file 'x\.gpkg'"),
        ({"corridors": None}, r"circuit\.pinch_points: needs a 'corridors' section"),
        ({"resistance": None}, r"corridors: needs a 'resistance' section"),
        (
            {"fragmentation": {"epochs": {2000: "a.tif"}}},
            r"fragmentation\.epochs: must map at least two",
        ),
        ({"patches": {"probability": 1.5}}, r"patches\.probability: must be between 0 and 1"),
        # class 8 (bare) is in the land cover but not in the table: no silent guess
        (
            {"resistance": {"table": {1: 100, 2: 20, 3: 5, 4: 1, 5: 3, 6: 40, 7: 100}}},
            r"resistance\.table: has no resistance for the land-cover class\(es\) \[8\] found "
            r"in landcover_2020_500m\.tif: add a row",
        ),
    ],
)
def test_configuration_errors_name_the_key_and_the_fix(tmp_path, capsys, changes, message):
    code, err = errors(tmp_path, capsys, **changes)
    assert code == 2 and re.search(message, err), err
    assert "Traceback" not in err


def test_crs_mismatch_and_geographic_crs(tmp_path, capsys):
    roads = data.load("roads").to_crs("EPSG:3857")
    roads.to_file(tmp_path / "roads_3857.gpkg")
    code, err = errors(
        tmp_path, capsys, resistance={"roads": {"file": "roads_3857.gpkg", "values": 100}}
    )
    assert code == 2
    assert re.search(
        r"resistance\.roads\.file: is in CRS .*Pseudo-Mercator.* but the land "
        r"cover is in .*: every layer must share one CRS\. Reproject it",
        err,
    )
    lc = data.load("landcover", year=2020, resolution=500).rio.reproject("EPSG:4326")
    lc.rio.to_raster(tmp_path / "lc_4326.tif")
    code, err = errors(tmp_path, capsys, landcover="lc_4326.tif")
    assert code == 2 and "landcover: is in a geographic CRS" in err and ".rio.reproject(" in err


def test_many_problems_reported_at_once_and_bad_yaml(tmp_path, capsys):
    code, err = errors(
        tmp_path, capsys, cores={"min_area_ha": -1, "habitat_classes": "4"}, output=3
    )
    assert code == 2 and err.count("\n- ") >= 3
    bad = tmp_path / "bad.yml"
    bad.write_text("landcover: [unclosed\n")
    assert main(["validate", str(bad)]) == 2
    assert "is not valid YAML" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "none.yml")]) == 2
    assert "not found" in capsys.readouterr().err


def test_python_dash_m_runs_without_traceback(tmp_path):
    cfg = example(tmp_path, cores={"neighbors": 6})
    proc = subprocess.run(
        [sys.executable, "-m", "gpec_teach", "validate", str(cfg)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cores.neighbors: must be one of [4, 8]. Got 6." in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "gpec_teach", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.stdout.strip() == "gpec_teach 0.1.0"
