"""Exercises of notebook 07: expected values recomputed independently, hints for typical slips."""

import math

import numpy as np
import pytest
from skimage.graph import MCP_Geometric

from gpec_teach.exercise_bank import n07
from gpec_teach.exercises import _lookup, check


def test_07_1_expected_is_the_hand_worked_route():
    # (4, 0) -> (4, 1) -> (4, 2) along the bottom row, then a diagonal into the gap (3, 3)
    by_hand = 100 * (4 + 2) / 2 + 100 * (2 + 1) / 2 + 100 * math.sqrt(2) * (1 + 1) / 2
    assert _lookup("07.1").expected() == pytest.approx(by_hand, rel=1e-12)


def test_07_1_dijkstra_helper_agrees_with_mcp_geometric():
    ours = n07._grid_cwd(source=(0, 0))
    mcp, _ = MCP_Geometric(n07.GRID * n07.CELLSIZE, fully_connected=True).find_costs([(0, 0)])
    np.testing.assert_allclose(ours, mcp, rtol=1e-12)
    # the least-cost path of the notebook: round the road through the gap, cost 1381.4
    assert ours[0, 4] == pytest.approx(
        100 * math.sqrt(2) * (1.5 + 3 + 2.5 + 1) + 100 * (1 + 1.5), rel=1e-12
    )


def test_07_1_hints():
    assert "4 neighbours" in check("07.1", 750.0).message
    assert "sqrt(2)" in check("07.1", 550.0).message
    assert "MEAN" in check("07.1", 2 * _lookup("07.1").expected()).message
    assert "counted in cells" in check("07.1", _lookup("07.1").expected() / 100).message
    assert check("07.1", 591.42).correct


def test_07_2_expected_is_close_to_an_independent_mcp_run():
    """Plain MCP_Geometric from the Upper Arva cells to the nearest Belhills cell."""
    res = n07._surface(2020)
    cores = n07._cores()
    template = res.copy(data=np.ones(res.shape))
    values = res.values
    masks = {}
    for name in n07.EX2_CORES:
        geom = cores.loc[cores["core"] == name, "geometry"]
        masks[name] = template.rio.clip(geom, drop=False).notnull().values & np.isfinite(values)
    costs = np.where(np.isfinite(values), values, -1.0)  # negative = impassable for MCP
    mcp = MCP_Geometric(costs * 250.0, fully_connected=True)
    cwd, _ = mcp.find_costs(np.argwhere(masks[n07.EX2_CORES[0]]))
    independent = float(cwd[masks[n07.EX2_CORES[1]]].min())
    assert _lookup("07.2").expected() == pytest.approx(independent, rel=1e-6)


def test_07_2_the_new_road_raises_the_link():
    assert n07._path(*n07.EX2_CORES, 2010).cost < _lookup("07.2").expected()


def test_07_2_hints():
    expected = _lookup("07.2").expected()
    assert "2010 surface" in check("07.2", n07._path(*n07.EX2_CORES, 2010).cost).message
    no_roads = n07._path(*n07.EX2_CORES, 2020, roads=False).cost
    assert "forgot the roads" in check("07.2", no_roads).message
    assert "divided by 1000" in check("07.2", expected / 1000).message
    length = n07._path(*n07.EX2_CORES, 2020).length
    assert "length of the path" in check("07.2", length).message


def test_07_3_expected_is_cost_over_edge_to_edge_distance():
    row = n07._ex3_row()
    assert row["status"] == "corridor"
    assert _lookup("07.3").expected() == pytest.approx(
        row["cost_distance"] / row["euclidean_distance"], rel=1e-12
    )
    ratios = n07._links_2020()["cwd_to_euclidean_ratio"]
    assert _lookup("07.3").expected() == pytest.approx(ratios.max(), rel=1e-12)


def test_07_3_hints():
    expected = _lookup("07.3").expected()
    assert "Upside down" in check("07.3", 1 / expected).message
    by_path = float(n07._ex3_row()["cwd_to_path_length_ratio"])
    assert "length of the least-cost path" in check("07.3", by_path).message
    assert "units" in check("07.3", expected * 1000).message


def test_cores_are_six_disjoint_named_areas():
    cores = n07._cores()
    assert cores["core"].tolist() == n07.CORE_NAMES
    assert cores["id"].tolist() == [1, 2, 3, 4, 5, 6]
    assert cores.geometry.area.min() > 60e6
