"""Exercise bank of notebook 09 (graph connectivity): expected answers and hints."""

import math

import numpy as np
import pytest

from gpec_teach import data
from gpec_teach.exercise_bank import n09
from gpec_teach.exercises import check
from gpec_teach.graph import (
    patch_graph_from_matrix,
    patch_importance,
    probability_of_connectivity,
)


def test_09_1_toy_ec_by_hand():
    # D = 2 km: p = 0.5 ** (d / 2000). Direct p: AB = BC = 0.5**0.5, AC = 0.5**1.5,
    # CD = 0.5, AD = 0.5**2.5, BD = 0.5**1.75. Best paths: AC through B = 0.5 (> 0.354),
    # BD through C = 0.5**0.5 * 0.5 = 0.354 (> 0.297), AD through B and C = 0.25 (> 0.177).
    s = 0.5**0.5
    pstar = {"AB": s, "AC": 0.5, "AD": 0.25, "BC": s, "BD": s * 0.5, "CD": 0.5}
    a = dict(zip(n09.TOY_IDS, n09.TOY_AREAS, strict=True))
    pcnum = sum(x * x for x in a.values()) + 2 * sum(
        a[k[0]] * a[k[1]] * v for k, v in pstar.items()
    )
    expected = n09._toy_ec(n09.EX1_D)
    assert math.isclose(expected, math.sqrt(pcnum), rel_tol=1e-12)
    assert check("09.1", math.sqrt(pcnum)).correct
    # the worked example of the notebook: PCnum = 475 000 ha2 at D = 1 km
    assert math.isclose(n09._toy_ec(1000.0) ** 2, 475_000.0, rel_tol=1e-12)
    pc = probability_of_connectivity(n09.toy_graph(), dispersal_distance=n09.EX1_D)
    assert math.isclose(pc.EC, expected, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda e: n09._toy_ec(n09.EX1_D, direct_only=True), "direct probabilities"),
        (lambda e: n09._toy_ec(1000.0), "worked example"),
        (lambda e: e**2, "PC numerator"),
        (lambda e: e**2 / n09.TOY_LANDSCAPE_HA**2, "This is PC"),
        (lambda e: n09._toy_ec(2.0), "dispersal_distance=2"),
        (lambda e: e / 100, "km2 where ha"),
    ],
)
def test_09_1_hints(wrong, hint):
    feedback = check("09.1", wrong(n09._toy_ec(n09.EX1_D)))
    assert not feedback.correct
    assert hint in feedback.message


@pytest.fixture(scope="module")
def importance_10km():
    # Independent path: relabelled cores (1..n) through patch_graph_from_matrix
    # would change ids, so rebuild from the raster and a plain array instead.
    from gpec_teach.graph import patch_graph_from_raster

    lc = data.load("landcover", year=2020)
    cores = n09.core_areas(lc.values)
    graph = patch_graph_from_raster(cores, cellsize=100.0, distance_method="edge")
    return graph, patch_importance(graph, dispersal_distance=10_000).table


def test_09_2_expected_is_the_largest_connector(importance_10km):
    graph, imp = importance_10km
    assert len(graph.ids) == 23  # the 23 core areas of notebook 03
    expected = n09._best_connector()
    assert expected == imp["dPCconnector"].idxmax()
    assert expected != imp["dPC"].idxmax()  # the exercise's point
    assert np.allclose(imp[["dPCintra", "dPCflux", "dPCconnector"]].sum(axis=1), imp["dPC"])
    assert check("09.2", int(expected)).correct
    assert check("09.2", np.int64(expected)).correct


def test_09_2_hints(importance_10km):
    _, imp = importance_10km
    assert "largest dPC" in check("09.2", int(imp["dPC"].idxmax())).message
    assert "without quotes" in check("09.2", str(n09._best_connector())).message
    assert "another dispersal distance" in check("09.2", n09._best_connector(2000.0)).message


def test_09_3_expected_and_hints():
    graph = n09.core_graph()
    expected = n09._ec_km2()
    pcnum = probability_of_connectivity(graph, dispersal_distance=10_000).PCnum
    assert math.isclose(expected, math.sqrt(pcnum) / 100, rel_tol=1e-12)
    total = graph.attributes.sum() / 100
    assert math.sqrt((graph.attributes**2).sum()) / 100 < expected < total
    assert check("09.3", expected).correct
    assert "EC at 5 km" in check("09.3", n09._ec_km2(5000.0)).message
    assert "2010" in check("09.3", n09._ec_km2(10_000.0, year=2010)).message
    assert "ha where km2" in check("09.3", expected * 100).message


def test_toy_graph_matches_the_matrix():
    g = patch_graph_from_matrix(np.array(n09.TOY_DISTANCES), attributes=list(n09.TOY_AREAS))
    assert np.array_equal(g.distances, n09.toy_graph().distances)
