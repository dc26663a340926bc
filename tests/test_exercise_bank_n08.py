"""Exercises of notebook 08: expected values recomputed independently, hints for slips."""

import networkx as nx
import numpy as np
import pytest

from gpec_teach.circuit import raster_graph
from gpec_teach.exercise_bank import n08
from gpec_teach.exercises import _lookup, check


def test_08_1_expected_matches_networkx_on_the_same_graph():
    g = raster_graph(n08.GRID_5X5, neighbors=4)
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(g.i.tolist(), g.j.tolist(), g.conductance.tolist(), strict=True)
    )
    a, b = int(g.nodemap[n08.EX1_A]), int(g.nodemap[n08.EX1_B])
    independent = nx.resistance_distance(graph, a, b, weight="weight", invert_weight=False)
    expected = _lookup("08.1").expected()
    assert expected == pytest.approx(independent, rel=1e-9)
    # many 8-ohm routes through the gap run in parallel (the edge routes cross a wall cell,
    # 9.6 ohm each, and add more): far below the 8 ohm of any single route
    assert 2.0 < expected < 4.0


def test_08_1_expected_matches_a_dense_solve():
    g = raster_graph(n08.GRID_5X5, neighbors=4)
    lap = g.laplacian().toarray()
    a, b = int(g.nodemap[n08.EX1_A]), int(g.nodemap[n08.EX1_B])
    keep = np.arange(g.n_nodes) != a  # ground a
    rhs = np.zeros(g.n_nodes)
    rhs[b] = 1.0  # 1 A in at b
    v = np.linalg.solve(lap[np.ix_(keep, keep)], rhs[keep])
    assert _lookup("08.1").expected() == pytest.approx(v[np.flatnonzero(keep) == b][0])


def test_08_1_hints():
    assert "8 neighbours" in check("08.1", n08._er_5x5(neighbors=8)).message
    assert "average-resistance" in check("08.1", n08._er_5x5(connection="resistance")).message
    assert "series sum" in check("08.1", 8.0).message
    assert check("08.1", _lookup("08.1").expected()).correct


def test_08_2_expected_is_the_change_of_one_over_r():
    r10 = n08._resistance(n08.NORTH_PAIR, 2010)
    r20 = n08._resistance(n08.NORTH_PAIR, 2020)
    expected = _lookup("08.2").expected()
    assert expected == pytest.approx(100 * ((1 / r20) / (1 / r10) - 1))
    # the road made the link harder: current fell, and more than without the road
    assert expected < n08._current_change(without=(n08.NEW_ROAD,)) < 0


def test_08_2_hints():
    expected = _lookup("08.2").expected()
    r10 = n08._resistance(n08.NORTH_PAIR, 2010)
    r20 = n08._resistance(n08.NORTH_PAIR, 2020)
    assert "wrong sign" in check("08.2", -expected).message
    assert "effective resistance" in check("08.2", 100 * (r20 / r10 - 1)).message
    assert "without road R13" in check("08.2", n08._current_change(without=("R13",))).message
    assert "fraction" in check("08.2", expected / 100).message


def test_08_3_expected_and_hints():
    expected = _lookup("08.3").expected()
    assert expected > 0
    assert expected < n08._resistance(n08.EX3_PAIR, 2020)  # cropland grew by 2020
    assert "2020 value" in check("08.3", n08._resistance(n08.EX3_PAIR, 2020)).message
    assert "1 / R" in check("08.3", 1 / expected).message
    assert "another pair" in check("08.3", n08._resistance((1, 2), 2010)).message
