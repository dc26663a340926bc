"""Exercises of notebook 02: expected answers recomputed by another route, and hints."""

import geopandas as gpd
import numpy as np
import pytest

from gpec_teach import check, data
from gpec_teach.exercise_bank import n02


@pytest.fixture(scope="module")
def in_force_2020():
    pas = data.load("protected_areas")
    keep = (
        (pas["STATUS"] == "Designated")
        & (pas["STATUS_YR"] <= 2020)
        & (pas["DESIG_TYPE"] == "National")  # leaves out the UNESCO-MAB reserve and ...
    )
    # ... the Ramsar site, which is International too: put it back by name.
    ramsar = pas["DESIG_ENG"].str.startswith("Ramsar")
    return pas[keep | (ramsar & (pas["STATUS_YR"] <= 2020))]


def test_02_1_matches_clipping_the_2000_land_cover():
    # Second route: clip the 2000 raster to Cazunda instead of rasterising the countries.
    countries = data.load("countries")
    cazunda = countries[countries["ISO3"] == "XCA"]
    lc2000 = data.load("landcover", year=2000).rio.clip(cazunda.geometry, crs=cazunda.crs)
    clipped_km2 = int((lc2000.values == 6).sum()) * 0.01  # 100 m cells = 0.01 km2
    assert n02.cropland_km2("XCA", 2000) == pytest.approx(clipped_km2, rel=1e-3)
    assert check("02.1", clipped_km2).correct


def test_02_1_cropland_grew_from_2000_to_2020():
    series = [n02.cropland_km2("XCA", year) for year in (2000, 2010, 2020)]
    assert series == sorted(series)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n02.cropland_km2("XCA", 2020), "2020 value"),
        (lambda: n02.cropland_km2("XCA", 2010), "2010 value"),
        (lambda: n02.cropland_km2("XBE", 2000), "another country"),
        (lambda: n02.cropland_km2("XCA", 2000, 250), "250 m raster"),
        (lambda: n02.cropland_km2("XCA", 2000) * 100, "hectares"),
    ],
)
def test_02_1_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("02.1", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_02_2_matches_the_sum_of_polygon_areas(in_force_2020):
    belmora = in_force_2020[in_force_2020["ISO3"] == "XBE"]
    # Belmora's protected areas do not overlap, so the plain sum equals the dissolved area,
    # and GIS_AREA (the polygon area in the file) agrees with the geometry.
    assert n02.pa_area_km2("XBE") == pytest.approx(belmora.area.sum() / 1e6, rel=1e-9)
    assert n02.pa_area_km2("XBE") == pytest.approx(belmora["GIS_AREA"].sum(), rel=1e-4)
    assert "Northern Link" not in " ".join(belmora["NAME"])


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n02.pa_area_km2("XBE", field="REP_AREA"), "REP_AREA"),
        (lambda: n02.pa_area_km2("XBE", year=9999, proposed=True), "proposed Northern Link"),
        (n02._belmora_in_degrees, "square degrees"),
        (lambda: n02.pa_area_km2("XAR"), "another country"),
        (lambda: n02.pa_area_km2("XBE") * 1e6, "m2 where km2"),
    ],
)
def test_02_2_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("02.2", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_02_3_matches_points_within_the_dissolved_network(in_force_2020):
    occ = data.load("occurrences")
    lon, lat = occ["decimalLongitude"].to_numpy(), occ["decimalLatitude"].to_numpy()
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs("EPSG:9191")
    count = int(np.count_nonzero(points.within(in_force_2020.union_all())))
    assert n02.records_in_pas() == count
    assert check("02.3", count).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: 0, "different CRSs"),
        (lambda: n02.records_in_pas(unique=False), "counted twice"),
        (lambda: n02.records_in_pas(biosphere=True), "biosphere reserve"),
        (lambda: n02.records_in_pas(biosphere=True, proposed=True, year=9999), "all protected"),
        (lambda: 1600, "all records"),
    ],
)
def test_02_3_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("02.3", wrong())
    assert not feedback.correct
    assert hint in feedback.message
