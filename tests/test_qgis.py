import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import rioxarray  # noqa: F401
import xarray as xr
from pyproj import CRS
from shapely.geometry import LineString, Point, box

from gpec_teach.export import NODATA, save_raster, save_vector
from gpec_teach.qgis import store_style, write_project, write_qml

# A custom Albers CRS without an EPSG code, as NLCD ships it.
ALBERS = (
    "+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 "
    "+datum=NAD83 +units=m +no_defs"
)


def grid(values, *, crs="EPSG:3035"):
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000.0 - 100.0 * (np.arange(ny) + 0.5), "x": 100.0 * (np.arange(nx) + 0.5)},
    )
    return da.rio.write_crs(crs)


def parse(path):
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE qgis")
    return ET.parse(path).getroot()


def polygons():
    return gpd.GeoDataFrame(
        {"core": [3, 8, 11], "dPC": [0.5, 20.0, 79.5], "kind": ["a", "b", "a"]},
        geometry=[box(0, 0, 100, 100), box(200, 0, 300, 100), box(400, 0, 500, 100)],
        crs="EPSG:3035",
    )


def test_continuous_raster_style_stretches_over_the_data_and_hides_nodata(tmp_path):
    # stretch=None: min 0.5, max 4 (inf and NaN are not data); five stops 0.5, 1.375, ..., 4
    path = save_raster(
        grid([[0.5, np.inf], [np.nan, 4.0]]),
        tmp_path / "cur.tif",
        style={"kind": "continuous", "stretch": None},
    )
    root = parse(tmp_path / "cur.qml")
    renderer = root.find("pipe/rasterrenderer")
    assert renderer.get("type") == "singlebandpseudocolor" and renderer.get("band") == "1"
    assert (renderer.get("classificationMin"), renderer.get("classificationMax")) == ("0.5", "4")
    values = [float(i.get("value")) for i in root.findall(".//colorrampshader/item")]
    assert values == pytest.approx([0.5, 1.375, 2.25, 3.125, 4.0])
    entry = renderer.find("rasterTransparency/singleValuePixelList/pixelListEntry")
    assert float(entry.get("min")) == NODATA and entry.get("percentTransparent") == "100"
    with rasterio.open(path) as f:  # the raster itself is still the plain COG
        assert f.nodata == NODATA and f.dtypes[0] == "float32"


def test_continuous_style_cuts_at_percentiles_and_leaves_excluded_cells_out(tmp_path):
    # 0..99 plus one extreme cell of 10,000: the default (2, 98) cut ignores it
    values = np.append(np.arange(99.0), 10_000.0).reshape(10, 10)
    save_raster(grid(values), tmp_path / "cur.tif", style="continuous")
    root = parse(tmp_path / "cur.qml")
    renderer = root.find("pipe/rasterrenderer")
    lo, hi = np.percentile(values, [2, 98])
    assert float(renderer.get("classificationMin")) == pytest.approx(lo)
    assert float(renderer.get("classificationMax")) == pytest.approx(hi) and hi < 100
    origin = renderer.find("minMaxOrigin")
    assert origin.find("limits").text == "CumulativeCut"
    assert (origin.find("cumulativeCutLower").text, origin.find("cumulativeCutUpper").text) == (
        "0.02",
        "0.98",
    )
    # excluded cells (say, the cores of a current map) do not enter the statistics
    core = values >= 50
    write_qml(tmp_path / "c2.qml", kind="continuous", data=grid(values), exclude=core)
    shader = parse(tmp_path / "c2.qml").find(".//colorrampshader")
    assert float(shader.get("maximumValue")) == pytest.approx(np.percentile(values[~core], 98))
    with pytest.raises(ValueError, match="stretch must be None"):
        write_qml(tmp_path / "c3.qml", kind="continuous", data=grid(values), stretch=(98, 2))
    with pytest.raises(ValueError, match="exclude must have the raster's shape"):
        write_qml(tmp_path / "c4.qml", kind="continuous", data=grid(values), exclude=[True])


def test_paletted_raster_style_with_labels_and_colours(tmp_path):
    classes = {1: ("corridor", "#d55e00"), 2: "buffer"}
    save_raster(
        grid([[1.0, 2.0], [np.nan, 1.0]]),
        tmp_path / "mask.tif",
        style={"kind": "classes", "classes": classes},
    )
    entries = parse(tmp_path / "mask.qml").findall(".//colorPalette/paletteEntry")
    assert [(e.get("value"), e.get("label"), e.get("color")) for e in entries] == [
        ("1", "corridor", "#d55e00"),
        ("2", "buffer", "#56b4e9"),  # second Okabe-Ito colour
    ]


def test_band_and_colormap_options(tmp_path):
    out = write_qml(
        tmp_path / "s.qml", kind="continuous", data=grid([[1.0, 2.0]]), band=2, colormap="magma"
    )
    items = parse(out).findall(".//colorrampshader/item")
    assert parse(out).find("pipe/rasterrenderer").get("band") == "2"
    assert items[0].get("color") == "#000004"  # magma starts black


def test_graduated_vector_style_in_file_and_layer_styles_table(tmp_path):
    gdf = polygons()
    path = save_vector(
        gdf, tmp_path / "res.gpkg", layer="cores", style={"kind": "graduated", "column": "dPC"}
    )
    qml = tmp_path / "res_cores.qml"
    renderer = parse(qml).find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol" and renderer.get("attr") == "dPC"
    ranges = renderer.findall("ranges/range")
    assert float(ranges[0].get("lower")) == 0.5 and float(ranges[-1].get("upper")) == 79.5
    assert {s.get("type") for s in renderer.findall("symbols/symbol")} == {"fill"}
    assert parse(qml).find("layerGeometryType").text == "2"
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles"
        ).fetchall()
        contents = db.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    assert [r[:3] for r in rows] == [("cores", "geom", 1)]
    assert rows[0][3] == qml.read_text(encoding="utf-8") and contents == ("attributes",)
    back = gpd.read_file(path, layer="cores")
    assert back.crs == gdf.crs and back["core"].tolist() == [3, 8, 11]


def test_categorized_and_single_styles_follow_the_geometry(tmp_path):
    lines = gpd.GeoDataFrame(
        {"kind": ["a", "b"]},
        geometry=[LineString([(0, 0), (1, 1)]), LineString([(2, 2), (3, 0)])],
        crs="EPSG:3035",
    )
    out = write_qml(tmp_path / "l.qml", kind="categorized", data=lines, column="kind")
    renderer = parse(out).find("renderer-v2")
    assert [c.get("value") for c in renderer.findall("categories/category")] == ["a", "b"]
    assert {s.get("type") for s in renderer.findall("symbols/symbol")} == {"line"}
    points = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:3035")
    out = write_qml(tmp_path / "p.qml", kind="single", data=points)
    layer = parse(out).find("renderer-v2/symbols/symbol/layer")
    assert layer.get("class") == "SimpleMarker"


def test_restyling_replaces_the_default_style(tmp_path):
    gdf = polygons()
    path = save_vector(gdf, tmp_path / "c.gpkg", style="single")
    save_vector(gdf, path, style={"kind": "categorized", "column": "kind"}, overwrite=True)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT styleQML FROM layer_styles WHERE useAsDefault").fetchall()
    assert len(rows) == 1 and "categorizedSymbol" in rows[0][0]


def test_second_layer_keeps_the_first(tmp_path):
    gdf = polygons()
    save_vector(gdf, tmp_path / "r.gpkg", layer="a")
    save_vector(gdf, tmp_path / "r.gpkg", layer="b")
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "r.gpkg")] == ["a", "b"]
    with pytest.raises(ValueError, match="already has a layer 'a'"):
        save_vector(gdf, tmp_path / "r.gpkg", layer="a")


def test_project_opens_every_layer_styled_with_relative_paths(tmp_path):
    da = grid([[1.0, 2.0], [3.0, np.inf]], crs=ALBERS)
    tif = save_raster(da, tmp_path / "rasters" / "cost.tif", style="continuous")
    gdf = polygons().set_crs(ALBERS, allow_override=True)
    gpkg = save_vector(
        gdf, tmp_path / "results.gpkg", layer="cores", style={"kind": "graduated", "column": "dPC"}
    )
    plain = save_raster(da, tmp_path / "plain.tif")  # no style: QGIS's default
    qgs = write_project(
        tmp_path / "project" / "results.qgs",
        [(gpkg, "cores"), tif, {"path": plain, "name": "Plain"}],
    )
    root = parse(qgs)
    layers = root.findall("projectlayers/maplayer")
    assert [m.get("type") for m in layers] == ["vector", "raster", "raster"]
    sources = [m.find("datasource").text for m in layers]
    assert sources == ["../results.gpkg|layername=cores", "../rasters/cost.tif", "../plain.tif"]
    for source in sources:  # every relative path resolves from the project's folder
        assert (qgs.parent / source.split("|")[0]).resolve().is_file()
    assert layers[0].find("renderer-v2").get("attr") == "dPC"
    assert layers[1].find("pipe/rasterrenderer").get("band") == "1"
    assert layers[2].find("pipe") is None and layers[2].find("layername").text == "Plain"
    for element in [root.find("projectCrs"), *[m.find("srs") for m in layers]]:
        assert CRS.from_wkt(element.find("spatialrefsys/wkt").text) == CRS(ALBERS)
    assert root.find("properties/Paths/Absolute").text == "false"
    ids = [m.find("id").text for m in layers]
    assert [e.get("id") for e in root.findall("layer-tree-group/layer-tree-layer")] == ids


def test_errors(tmp_path):
    da = grid([[1.0, 2.0]])
    with pytest.raises(ValueError, match="kind must be one of"):
        write_qml(tmp_path / "a.qml", kind="heatmap", data=da)
    with pytest.raises(ValueError, match="path must end in .qml"):
        write_qml(tmp_path / "a.txt", kind="continuous", data=da)
    with pytest.raises(ValueError, match="data is needed for a 'continuous' style"):
        write_qml(tmp_path / "a.qml", kind="continuous")
    with pytest.raises(ValueError, match="classes is needed"):
        write_qml(tmp_path / "a.qml", kind="classes")
    with pytest.raises(TypeError, match="classes must be a non-empty dict"):
        write_qml(tmp_path / "a.qml", kind="classes", classes=[1, 2])
    with pytest.raises(ValueError, match="is not a colour"):
        write_qml(tmp_path / "a.qml", kind="classes", classes={1: ("x", "notacolour")})
    with pytest.raises(ValueError, match="colormap must be a matplotlib"):
        write_qml(tmp_path / "a.qml", kind="continuous", data=da, colormap="rainbowz")
    with pytest.raises(ValueError, match="band must be a band number"):
        write_qml(tmp_path / "a.qml", kind="continuous", data=da, band=0)
    with pytest.raises(ValueError, match="data has no valid cell"):
        write_qml(tmp_path / "a.qml", kind="continuous", data=grid([[np.nan, np.inf]]))
    with pytest.raises(TypeError, match="data must be a GeoDataFrame"):
        write_qml(tmp_path / "a.qml", kind="single", data=da)
    with pytest.raises(ValueError, match="column must name a column"):
        write_qml(tmp_path / "a.qml", kind="graduated", data=polygons(), column="PC")
    mixed = gpd.GeoDataFrame(geometry=[Point(0, 0), box(0, 0, 1, 1)], crs="EPSG:3035")
    with pytest.raises(ValueError, match="one kind of geometry"):
        write_qml(tmp_path / "a.qml", kind="single", data=mixed)
    with pytest.raises(ValueError, match="path must end in .qgs"):
        write_project(tmp_path / "p.qgz", [tmp_path / "x.tif"])
    with pytest.raises(ValueError, match="does not exist"):
        write_project(tmp_path / "p.qgs", [tmp_path / "x.tif"])
    with pytest.raises(TypeError, match="layers must be a non-empty list"):
        write_project(tmp_path / "p.qgs", [])
    with pytest.raises(ValueError, match="gpkg must be an existing GeoPackage"):
        store_style(tmp_path / "none.gpkg", "a", "<qgis/>")
    gpkg = save_vector(polygons(), tmp_path / "v.gpkg")
    with pytest.raises(ValueError, match="layer 'b' is not a feature table"):
        store_style(gpkg, "b", "<qgis/>")
    with pytest.raises(ValueError, match="layer 'zz' is not in v.gpkg"):
        write_project(tmp_path / "p.qgs", [(gpkg, "zz")])
