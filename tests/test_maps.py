"""Tests of gpec_teach.maps: interactive (folium) and static (matplotlib) maps."""

from __future__ import annotations

import re

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import LineString, Point, box

from gpec_teach import maps

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CRS = "EPSG:9191"


def _raster(values, *, cell=100.0, x0=-1_100_000.0, y0=200_000.0, nodata=None, attrs=None):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={
            "y": y0 - cell * (np.arange(ny) + 0.5),
            "x": x0 + cell * (np.arange(nx) + 0.5),
        },
        attrs=attrs or {},
    ).rio.write_crs(CRS)
    if nodata is not None:
        da = da.rio.write_nodata(nodata)
    return da


@pytest.fixture
def landcover():
    codes = np.array([[0, 3, 3, 6], [3, 3, 6, 6], [1, 3, 6, 7]], dtype=np.uint8)
    return _raster(
        codes,
        nodata=0,
        attrs={
            "class_names": {1: "water", 3: "forest", 6: "cropland", 7: "built-up"},
            "class_colors": {1: "#2c7fb8", 3: "#1b5e20", 6: "#f0e442", 7: "#d55e00"},
        },
    )


@pytest.fixture
def parks():
    return gpd.GeoDataFrame(
        {"NAME": ["Alpha Park", "Beta Reserve"], "STATUS_YR": [1990, 2012]},
        geometry=[
            box(-1_100_000, 199_800, -1_099_800, 200_000),
            box(-1_099_800, 199_700, -1_099_600, 199_900),
        ],
        crs=CRS,
    )


def _html(m) -> str:
    return m.get_root().render()


def test_landcover_classes_reads_dicts_and_json_strings(landcover):
    assert maps.landcover_classes(landcover)[3] == ("forest", "#1b5e20")
    as_json = landcover.copy()
    as_json.attrs = {
        "class_names": '{"3": "forest"}',
        "class_colors": '{"3": "#1b5e20"}',
    }
    assert maps.landcover_classes(as_json) == {3: ("forest", "#1b5e20")}


def test_landcover_classes_without_attributes_explains():
    with pytest.raises(ValueError, match="no class_names/class_colors"):
        maps.landcover_classes(_raster(np.ones((2, 2))))


def test_interactive_map_has_layers_popups_and_legend(landcover, parks):
    roads = gpd.GeoDataFrame(
        {"class": ["primary"]},
        geometry=[LineString([(-1_100_000, 199_900), (-1_099_600, 199_900)])],
        crs=CRS,
    )
    towns = gpd.GeoDataFrame({"name": ["Velm"]}, geometry=[Point(-1_099_900, 199_850)], crs=CRS)
    m = maps.interactive_map(
        {"landcover": landcover, "protected_areas": parks, "roads": roads, "settlements": towns},
        basemap=False,
    )
    html = _html(m)
    # Popups carry the attribute values; house colours are used.
    assert "Alpha Park" in html and "Velm" in html
    assert maps.STYLES["protected_areas"]["style"]["color"] in html
    assert maps.STYLES["roads"]["style"]["color"] in html
    # The raster is embedded as a PNG (no tile server), with a legend of the classes present.
    assert "data:image/png;base64" in html
    for name in ("forest", "cropland", "built-up", "water"):
        assert name in html
    # No OpenStreetMap tiles when basemap=False.
    assert "tile.openstreetmap.org" not in html


def test_interactive_map_bounds_cover_layers(parks):
    m = maps.interactive_map({"protected_areas": parks}, basemap=False)
    lon_min, lat_min, lon_max, lat_max = parks.to_crs("EPSG:4326").total_bounds
    # leafmap writes a default view first; the last fitBounds call is ours and wins.
    fits = re.findall(
        r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]", _html(m)
    )
    south, west, north, east = map(float, fits[-1])
    assert south == pytest.approx(lat_min) and west == pytest.approx(lon_min)
    assert north == pytest.approx(lat_max) and east == pytest.approx(lon_max)
    # The fictional landscape sits in the Tasman Sea: south latitudes, east longitudes.
    assert -45 < south < -30 and 150 < west < 175


def test_continuous_raster_gets_colour_bar():
    da = _raster(np.arange(12, dtype=float).reshape(3, 4))
    html = _html(maps.interactive_map({"current density": da}, basemap=False))
    assert "current density" in html and "data:image/png;base64" in html


def test_add_raster_reduces_large_rasters(landcover):
    import leafmap.foliumap as leafmap

    big = _raster(np.random.default_rng(0).random((900, 1200)))
    m = leafmap.Map(tiles=None)
    maps.add_raster(m, big, name="big", max_pixels=100, legend=False)
    small = leafmap.Map(tiles=None)
    maps.add_raster(small, big, name="big", max_pixels=600, legend=False)
    assert len(_html(m)) < len(_html(small))


@pytest.mark.parametrize(
    ("layer", "error", "match"),
    [
        (np.ones((2, 2)), TypeError, "must be a GeoDataFrame or a georeferenced"),
        (
            gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)]),
            ValueError,
            "has no CRS",
        ),
        (gpd.GeoDataFrame({"a": []}, geometry=[], crs=CRS), ValueError, "is empty"),
        (
            xr.DataArray(
                np.ones((2, 2)), dims=("y", "x"), coords={"y": [1.0, 0.0], "x": [0.0, 1.0]}
            ),
            ValueError,
            "has no CRS",
        ),
        (_raster(np.full((3, 3), np.nan)), ValueError, "every cell is nodata"),
    ],
)
def test_bad_layers_are_explained(layer, error, match):
    with pytest.raises(error, match=match):
        maps.interactive_map({"bad": layer}, basemap=False)


def test_unknown_popup_field_is_named(parks):
    import leafmap.foliumap as leafmap

    with pytest.raises(ValueError, match=r"\['AREA'\] are not columns"):
        maps.add_vector(leafmap.Map(tiles=None), parks, name="protected_areas", fields=["AREA"])


def test_plot_landcover_legend_lists_present_classes(landcover):
    fig, ax = plt.subplots()
    maps.plot_landcover(landcover, ax=ax, title="2020")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["water", "forest", "cropland", "built-up"]
    assert ax.get_title() == "2020"
    # The nodata corner is transparent (masked), not drawn as a class.
    image = ax.get_images()[0].get_array()
    assert np.ma.getmaskarray(image)[0, 0] and not np.ma.getmaskarray(image)[0, 1]
    plt.close(fig)


def test_plot_raster_colour_bar_and_log_scale():
    da = _raster(np.array([[1.0, 10.0], [100.0, np.nan]]))
    fig, ax = plt.subplots()
    maps.plot_raster(da, ax=ax, label="current (A)", log=True)
    assert fig.axes[-1].get_ylabel() == "current (A)"
    norm = ax.get_images()[0].norm
    assert (norm.vmin, norm.vmax) == (1.0, 100.0)
    plt.close(fig)


def test_scale_bar_picks_a_round_length_and_north_arrow():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 120_000)
    ax.set_ylim(0, 100_000)
    # A fifth of 120 km is 24 km; the largest 1-2-5 length below it is 20 km.
    assert maps.add_scale_bar(ax) == 20_000.0
    assert any(t.get_text() == "20 km" for t in ax.texts)
    assert maps.add_scale_bar(ax, length_m=500, location="lower left") == 500
    with pytest.raises(ValueError, match="location"):
        maps.add_scale_bar(ax, location="top")
    maps.add_north_arrow(ax)
    assert any(t.get_text() == "N" for t in ax.texts)
    plt.close(fig)


def test_maps_load_only_the_assets_they_use(parks):
    html = _html(maps.interactive_map({"protected_areas": parks}, basemap=False))
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert any("leaflet.js" in s for s in scripts) and any("leaflet.css" in s for s in styles)
    for unused in ("bootstrap", "jquery", "fontawesome", "awesome-markers", "glyphicons"):
        assert not any(unused in url for url in scripts + styles), unused


def test_notebook_iframe_has_a_title_for_screen_readers(parks):
    m = maps.interactive_map({"protected_areas": parks}, basemap=False)
    assert '<iframe title="Interactive map: protected_areas" ' in m._repr_html_()
