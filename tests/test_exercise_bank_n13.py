"""Exercise bank of notebook 13 (ProtConn): expected answers and hints."""

import math

import geopandas as gpd
import pandas as pd
import pytest

from gpec_teach import data
from gpec_teach.exercise_bank import n13
from gpec_teach.exercises import check
from gpec_teach.protconn import protconn_by_region, protconn_standard


@pytest.fixture(scope="module")
def pas():
    polygons = data.load("protected_areas")
    points = data.load("protected_area_points")
    return gpd.GeoDataFrame(pd.concat([polygons, points], ignore_index=True), crs=polygons.crs)


@pytest.fixture(scope="module")
def countries():
    return data.load("countries")


@pytest.fixture(scope="module")
def scenario(pas):
    out = pas.copy()
    is_link = out["NAME"] == "Northern Link Conservation Area"
    assert is_link.sum() == 1
    out.loc[is_link, "STATUS"] = "Designated"
    out.loc[is_link, "STATUS_YR"] = 2024
    return out


@pytest.fixture(scope="module")
def belmora_standard(pas, scenario, countries):
    belmora = countries[countries["ISO3"] == "XBE"]
    before = protconn_standard(pas, belmora, year=2024).set_index("distance_km")
    after = protconn_standard(scenario, belmora, year=2024).set_index("distance_km")
    return before, after


def test_13_1_expected_matches_the_table_of_all_countries(pas, countries):
    # Independent path: protconn_by_region instead of protconn on one country.
    table = protconn_by_region(
        pas, countries, region_column="ISO3", dispersal_distances_km=[10], year=2020
    )
    row = table[table["region"] == "XCA"].iloc[0]
    expected = n13._protconn_ex1()
    assert math.isclose(expected, row["ProtConn"], rel_tol=1e-9)
    assert 0 < expected < row["Prot"] <= 100  # ProtConn is a percentage below coverage
    assert check("13.1", row["ProtConn"]).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda e: e / 100, "without dividing by 100"),
        (lambda e: n13._protconn_ex1(year=2000), "earlier epoch"),
        (lambda e: n13._protconn_ex1(distance_km=1.0), "another dispersal distance"),
        (lambda e: n13._protconn_ex1(distance_km=100.0), "another dispersal distance"),
        (lambda e: n13._result("XCA", 2020, 10.0).Prot, "That is Prot"),
    ],
)
def test_13_1_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("13.1", wrong(n13._protconn_ex1()))
    assert not feedback.correct
    assert hint in feedback.message


def test_13_2_expected_is_the_difference_of_protconn_standard(belmora_standard):
    before, after = belmora_standard
    gain = after.loc[10.0, "ProtConn"] - before.loc[10.0, "ProtConn"]
    assert math.isclose(n13._gain(), gain, rel_tol=1e-9)
    # The proposed area adds more connectivity than coverage (the point of the notebook).
    assert gain > after.loc[10.0, "Prot"] - before.loc[10.0, "Prot"] > 0
    assert check("13.2", gain).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: -n13._gain(), "wrong sign"),
        (lambda: n13._gain("Prot"), "gain in coverage"),
        (n13._relative_gain_percent, "relative change"),
        (lambda: n13._gain(distance_km=1.0), "another dispersal distance"),
        (lambda: n13._result("XBE", 2024, 10.0, scenario=True).ProtConn, "not the gain"),
    ],
)
def test_13_2_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("13.2", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_13_3_best_distance(belmora_standard):
    before, after = belmora_standard
    gains = after["ProtConn"] - before["ProtConn"]
    assert n13._best_distance() == gains.idxmax()
    assert check("13.3", gains.idxmax()).correct
    assert check("13.3", int(gains.idxmax())).correct
    for wrong in {1.0, 100.0} - {gains.idxmax()}:
        feedback = check("13.3", wrong)
        assert not feedback.correct
        assert "Compare" in feedback.message or "compare" in feedback.message
