"""Edge-to-edge distances (``_vector.edge_distances``): exact, pruned, fast on real polygons."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from gpec_teach._vector import edge_distances


def brute_force(geoms):
    geoms = np.asarray(geoms, dtype=object)
    n = geoms.size
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return shapely.distance(geoms[rows.ravel()], geoms[cols.ravel()]).reshape(n, n)


def test_hand_worked_cases():
    u = Polygon([(0, 0), (10, 0), (10, 10), (7, 10), (7, 3), (3, 3), (3, 10), (0, 10)])
    geoms = [
        u,  # a U open to the north, its bay 4 wide between x = 3 and 7, floor at y = 3
        box(4, 5, 6, 8),  # in the bay: 1 from each arm (x = 3 and x = 7), 2 from the floor
        box(10, 0, 12, 2),  # touches the U's east side: 0
        box(20, 0, 21, 1),  # 8 east of the small box at x = 12, 10 from the U
        MultiPolygon([box(0, -5, 1, -4), box(30, 0, 31, 1)]),  # 4 below the U; 9 from box 3
        box(1, 1, 2, 2),  # inside the U's material (overlap): 0
    ]
    d = edge_distances(np.array(geoms, dtype=object))
    assert d[0, 1] == 1.0 and d[0, 2] == 0.0 and d[0, 3] == 10.0
    assert d[0, 4] == 4.0 and d[3, 4] == 9.0 and d[0, 5] == 0.0
    assert d[2, 3] == 8.0
    np.testing.assert_array_equal(d, d.T)
    np.testing.assert_array_equal(d, brute_force(geoms))


def test_many_vertices_equal_shapely():
    # discs of 256 vertices (16 pieces each) with random centres: pruning must not change a bit
    rng = np.random.default_rng(3)
    geoms = [
        Point(x, y).buffer(r, quad_segs=64)
        for x, y, r in zip(
            rng.uniform(0, 1000, 25), rng.uniform(0, 1000, 25), rng.uniform(5, 60, 25), strict=True
        )
    ]
    np.testing.assert_array_equal(
        edge_distances(np.array(geoms, dtype=object)), brute_force(geoms)
    )


def test_threshold_and_sources():
    geoms = np.array([box(0, 0, 1, 1), box(3, 0, 4, 1), box(10, 0, 11, 1)], dtype=object)
    d = edge_distances(geoms, max_distance=2.5)
    # 0-1 are 2 apart (kept); 1-2 are 6 and 0-2 are 9 apart (beyond 2.5: inf)
    assert d[0, 1] == 2.0 and np.isinf(d[1, 2]) and np.isinf(d[0, 2])
    s = edge_distances(geoms, sources=[2])
    # only pairs with polygon 2: 0-2 = 9, 1-2 = 6; 0-1 not measured
    assert s[0, 2] == 9.0 and s[1, 2] == 6.0 and np.isinf(s[0, 1])
    assert np.all(np.diag(s) == 0.0)


def test_real_habitat_nodes_match_shapely(realdata_dir):
    import geopandas as gpd

    nodes = gpd.read_file(realdata_dir / "habitat_nodes.gpkg")
    geoms = shapely.make_valid(nodes.geometry.values)[:60]
    np.testing.assert_array_equal(edge_distances(geoms), brute_force(geoms))


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_polygons(n):
    d = edge_distances(np.array([box(0, 0, 1, 1)] * n, dtype=object))
    assert d.shape == (n, n) and np.all(d == 0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_stars_holes_and_multipolygons_equal_shapely(seed):
    # jagged stars (many pieces each), some with a hole, some paired into a
    # multipolygon, scattered so that near, far and nested-in-a-concavity pairs occur;
    # the pruned search must give shapely's exact value for every pair, and the same
    # values under a threshold and with sources
    rng = np.random.default_rng(seed)
    geoms = []
    for _ in range(30):
        cx, cy = rng.uniform(0, 2000, size=2)
        k = int(rng.integers(20, 120))
        ang = np.sort(rng.uniform(0, 2 * np.pi, size=k))
        rad = rng.uniform(20, 150, size=k)
        star = Polygon(np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)]).buffer(0)
        if rng.random() < 0.3:
            star = star.difference(Point(cx, cy).buffer(10))
        geoms.append(star)
    geoms[0] = MultiPolygon([*shapely.get_parts(geoms[0]), *shapely.get_parts(geoms[1])])
    geoms = np.array([g for k, g in enumerate(geoms) if k != 1], dtype=object)
    expect = brute_force(geoms)
    np.testing.assert_array_equal(edge_distances(geoms), expect)
    limited = edge_distances(geoms, max_distance=300.0)
    np.testing.assert_array_equal(limited, np.where(expect <= 300.0, expect, np.inf))
    some = edge_distances(geoms, sources=[3, 7])
    rows = np.isin(np.arange(len(geoms)), [3, 7])
    mask = rows[:, None] | rows[None, :]
    np.testing.assert_array_equal(some[mask], expect[mask])
    assert np.isinf(some[~mask & ~np.eye(len(geoms), dtype=bool)]).all()


def test_closest_points_at_box_corners_regression():
    # a triangle and a polygon of two pieces whose closest points are vertices at the
    # corners of their boxes, far apart (large coordinates): the box gaps used for
    # pruning equal the distance up to rounding, and the bounds carry a slack so that
    # the closest pieces are never pruned (on the real data this once gave inf)
    tri = Polygon([(-49784.92735408, 2075432.94596428), (-49780.43146196, 2075438.60960933),
                   (-49786.39267234, 2075436.0)])  # fmt: skip
    ring = [(-18688.37333144 + 2.0 * k, 2076390.41241001 + 5.0 * k) for k in range(19)]
    other = Polygon([*ring, (-18600.0, 2076380.0)]).buffer(0)
    geoms = np.array([tri, other], dtype=object)
    np.testing.assert_array_equal(edge_distances(geoms), brute_force(geoms))
    assert np.isfinite(edge_distances(geoms)).all()
