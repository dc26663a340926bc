"""Exercise bank of notebook 15 (Reporting): expected answers and hints."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from rasterio.features import geometry_mask

from gpec_teach import data
from gpec_teach.exercise_bank import n15
from gpec_teach.exercises import check
from gpec_teach.fragmentation import class_metrics
from gpec_teach.protconn import protconn_by_region


@pytest.fixture(scope="module")
def table():
    """ProtConn of every country by protconn_by_region (an independent path)."""
    polygons = data.load("protected_areas")
    points = data.load("protected_area_points")
    pas = gpd.GeoDataFrame(pd.concat([polygons, points], ignore_index=True), crs=polygons.crs)
    out = protconn_by_region(
        pas,
        data.load("countries"),
        region_column="ISO3",
        dispersal_distances_km=[1, 10, 100],
        year=[2000, 2010, 2020],
    )
    return out[out["region"] == "XBE"].set_index(["distance_km", "year"])


def test_15_1_expected_is_the_difference_in_the_table(table):
    expected = table.loc[(10.0, 2020), "ProtConn"] - table.loc[(10.0, 2010), "ProtConn"]
    assert math.isclose(n15._change_points(), expected, rel_tol=1e-9)
    # New protected areas in 2012 and 2014: ProtConn rose, but less than coverage.
    prot = table.loc[(10.0, 2020), "Prot"] - table.loc[(10.0, 2010), "Prot"]
    assert 0 < expected < prot
    assert check("15.1", expected).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n15._relative_change("ProtConn"), "relative change"),
        (lambda: -n15._change_points(), "wrong sign"),
        (lambda: n15._change_points(2000, 2020), "wrong year"),
        (lambda: n15._change_points(distance_km=1.0), "another dispersal distance"),
        (lambda: n15._change_points(distance_km=100.0), "another dispersal distance"),
        (lambda: n15._protconn(2020).Prot - n15._protconn(2010).Prot, "change in coverage"),
        (lambda: n15._protconn(2020).ProtConn, "not a change"),
    ],
)
def test_15_1_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("15.1", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_15_2_largest_relative_change(table):
    # MESH recomputed independently: Belmora rasterised with rasterio (cells whose centre
    # lies in the polygon) instead of rio.clip, on the 100 m land cover.
    region = data.load("countries").query("ISO3 == 'XBE'")
    mesh = {}
    for year in (2010, 2020):
        lc = data.load("landcover", year=year)
        inside = ~geometry_mask(region.geometry, lc.shape, lc.rio.transform())
        codes = np.where(
            ~inside | (lc.values == 0), 0, np.where(np.isin(lc.values, [3, 4, 5]), 1, 2)
        )
        mesh[year] = class_metrics(codes, cellsize=100, cls=1, nodata=0).loc[0, "MESH"] / 100
    assert math.isclose(n15._mesh_km2(2020), mesh[2020], rel_tol=1e-3)
    relative = {
        "Prot": table.loc[(10.0, 2020), "Prot"] / table.loc[(10.0, 2010), "Prot"] - 1,
        "ProtConn": table.loc[(10.0, 2020), "ProtConn"] / table.loc[(10.0, 2010), "ProtConn"] - 1,
        "MESH": mesh[2020] / mesh[2010] - 1,
    }
    best = max(relative, key=lambda k: abs(relative[k]))
    assert n15._largest_relative_change() == best
    assert relative["MESH"] < 0 < relative["ProtConn"]
    assert check("15.2", best).correct
    assert check("15.2", f"  {best.lower()} ").correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        ("ProtConn", "compare the relative changes"),
        ("MESH", "cannot be compared"),
        ("Prot (%)", "short name"),
        ("coverage", "one of the names"),
    ],
)
def test_15_2_typical_mistakes_get_their_hint(wrong, hint):
    if n15._same(wrong, n15._largest_relative_change()):
        pytest.skip("this answer is the right one with the current data")
    feedback = check("15.2", wrong)
    assert not feedback.correct
    assert hint in feedback.message


def test_15_3_counts_missing_alt_text():
    # By hand: '' (protconn_map), '   ' (mesh_epochs), None (road_change), ' ' (dispersal_range).
    assert n15._missing_alt() == 4
    assert n15._missing_alt([{"alt": "A chart."}, {"alt": None}]) == 1
    assert check("15.3", 4).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (1, "only one kind"),  # only None (or only '')
        (3, "str(None)"),  # str(alt).strip() counts None as present
        (2, "text of spaces"),  # `not alt` misses the texts of spaces
    ],
)
def test_15_3_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("15.3", wrong)
    assert not feedback.correct
    assert hint in feedback.message
