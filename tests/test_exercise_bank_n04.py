"""Exercises of notebook 04: expected values recomputed independently, hints for typical slips."""

import math

import numpy as np
import pytest
from skimage.graph import MCP_Geometric

from gpec_teach import data
from gpec_teach.exercise_bank import n04
from gpec_teach.exercises import _lookup, check


def test_04_1_expected_matches_the_keeley_formula():
    # R = 100 - 99 (1 - e^(-c h)) / (1 - e^(-c)) with h = 0.3, c = 4
    by_hand = 100 - 99 * (1 - math.exp(-1.2)) / (1 - math.exp(-4))
    assert _lookup("04.1").expected() == pytest.approx(by_hand, rel=1e-9)
    assert 25 < by_hand < 35


def test_04_1_hints():
    assert "linear transform" in check("04.1", 100 - 99 * 0.3).message
    c8 = 100 - 99 * (1 - math.exp(-2.4)) / (1 - math.exp(-8))
    assert "c = 8" in check("04.1", c8).message
    upside_down = 101 - _lookup("04.1").expected()
    assert "upside down" in check("04.1", upside_down).message


def test_04_2_expected_is_close_to_an_independent_mcp_run():
    """Plain skimage MCP_Geometric from the park's cells: same rule, same grid."""
    res = n04._surface().values.copy()
    parks = data.load("protected_areas")
    source = parks[parks["NAME"] == n04.SOURCE_PARK]
    target = parks[parks["NAME"] == n04.TARGET_PARK]
    template = n04._surface()
    src = template.copy(data=np.ones(res.shape)).rio.clip(source.geometry, drop=False)
    dst = template.copy(data=np.ones(res.shape)).rio.clip(target.geometry, drop=False)
    starts = np.argwhere(src.notnull().values & np.isfinite(res))
    costs = np.where(np.isfinite(res), res, -1.0)  # negative = impassable for MCP
    cwd, _ = MCP_Geometric(costs * 250.0, fully_connected=True).find_costs(starts)
    independent = float(cwd[dst.notnull().values].min())
    assert _lookup("04.2").expected() == pytest.approx(independent, rel=1e-6)


def test_04_2_stricter_forest_costs_more_but_less_than_double():
    strict = _lookup("04.2").expected()
    original = n04._park_distance(forest=5.0)
    assert original < strict < 2 * original


def test_04_2_hints():
    expected = _lookup("04.2").expected()
    assert "original table" in check("04.2", n04._park_distance(forest=5.0)).message
    assert "forgot the roads" in check("04.2", n04._park_distance(roads=False)).message
    assert "100 m grid" in check("04.2", n04._park_distance(resolution=100)).message
    assert "not divided by 1000" in check("04.2", expected / 1000).message


def test_04_3_expected_is_the_number_of_water_cells():
    lc = data.load("landcover", year=2020, resolution=250)
    assert _lookup("04.3").expected() == int((lc.values == 1).sum())


def test_04_3_hints():
    lc = data.load("landcover", year=2020, resolution=250)
    sea = int((lc.values == 0).sum())
    expected = _lookup("04.3").expected()
    assert "sea cells" in check("04.3", sea).message
    assert "nodata (NaN) cells as well" in check("04.3", sea + expected).message
    assert "np.inf" in check("04.3", 0).message
