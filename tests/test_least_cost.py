"""Tests of gpec_teach.least_cost: hand-worked cost distances, cross-checks against
skimage's MCP_Geometric and an independent scipy Dijkstra on the grid graph, paths,
matrices, corridors, the Linkage-Mapper-style network, and bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import scipy.sparse as sp
import xarray as xr
from _grids import georef
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import Point, box
from skimage.graph import MCP_Geometric

from gpec_teach import _cost
from gpec_teach import graph as G
from gpec_teach import least_cost as LC
from gpec_teach._validation import allow_geographic

INF = np.inf
NAN = np.nan
SQ2 = np.sqrt(2.0)


# ----------------------------------------------------------------------------- helpers


def random_resistance(shape, seed, *, holes=0.05, walls=0.05):
    """Uniform(1, 20) with some nodata and barrier cells (fixed seed)."""
    rng = np.random.default_rng(seed)
    r = rng.uniform(1.0, 20.0, shape)
    u = rng.uniform(size=shape)
    r[u < holes] = NAN
    r[(u >= holes) & (u < holes + walls)] = INF
    return r


def grid_graph(r, cellsize=1.0, neighbors=8):
    """Independent reference: the grid as a sparse graph, one edge per neighbour pair.

    Edge weight = step length x mean of the two resistances (the MCP_Geometric rule),
    built with plain loops so it shares no code with the package.
    """
    nr, nc = r.shape
    steps = [(0, 1, 1.0), (1, 0, 1.0)]
    if neighbors == 8:
        steps += [(1, 1, SQ2), (1, -1, SQ2)]
    rows, cols, w = [], [], []
    for i in range(nr):
        for j in range(nc):
            if not np.isfinite(r[i, j]):
                continue
            for di, dj, length in steps:
                k, m = i + di, j + dj
                if 0 <= k < nr and 0 <= m < nc and np.isfinite(r[k, m]):
                    cost = cellsize * length * (r[i, j] + r[k, m]) / 2.0
                    rows += [i * nc + j, k * nc + m]
                    cols += [k * nc + m, i * nc + j]
                    w += [cost, cost]
    return sp.csr_array((w, (rows, cols)), shape=(nr * nc, nr * nc))


def reference_cwd(r, sources, cellsize=1.0, neighbors=8):
    nc = r.shape[1]
    g = grid_graph(r, cellsize, neighbors)
    idx = [i * nc + j for i, j in sources]
    d = dijkstra(g, directed=False, indices=idx, min_only=True)
    d = d.reshape(r.shape)
    d[np.isnan(r)] = NAN
    return d


# ===================================================================== cost distance
def test_cost_distance_hand_worked_row():
    # cells 1, 3, 5 with 10 m cells: 10 (1+3)/2 = 20 ; 20 + 10 (3+5)/2 = 60
    assert LC.cost_distance([[1.0, 3.0, 5.0]], (0, 0), cellsize=10).tolist() == [[0.0, 20.0, 60.0]]


def test_cost_distance_diagonal_step_hand_worked():
    # 2 x 2: (0,0)=1, (1,1)=3. Diagonal: sqrt2 (1+3)/2 = 2 sqrt2 = 2.828;
    # via (0,1)=5: (1+5)/2 + (5+3)/2 = 7 ; so the diagonal wins.
    r = [[1.0, 5.0], [5.0, 3.0]]
    assert LC.cost_distance(r, (0, 0), cellsize=1.0)[1, 1] == pytest.approx(2 * SQ2)
    # with 4 neighbours only the edge route exists: 7
    assert LC.cost_distance(r, (0, 0), neighbors=4, cellsize=1.0)[1, 1] == pytest.approx(7.0)


def test_cost_distance_nodata_barrier_unreachable_values():
    r = [[1.0, INF, 1.0], [1.0, INF, 1.0], [NAN, INF, 1.0]]
    cwd = LC.cost_distance(r, (0, 0), cellsize=1.0)
    assert np.isnan(cwd[2, 0])  # nodata
    assert np.isinf(cwd[0, 1]) and np.isinf(cwd[0, 2])  # barrier, unreachable
    assert cwd[1, 0] == 1.0


@pytest.mark.parametrize("neighbors", [8, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cost_distance_matches_independent_dijkstra(seed, neighbors):
    r = random_resistance((17, 23), seed)
    rng = np.random.default_rng(100 + seed)
    ok = np.argwhere(np.isfinite(r))
    sources = [tuple(int(v) for v in ok[k]) for k in rng.choice(len(ok), 3, replace=False)]
    ours = LC.cost_distance(r, sources, neighbors=neighbors, cellsize=30.0)
    ref = reference_cwd(r, sources, cellsize=30.0, neighbors=neighbors)
    np.testing.assert_allclose(ours, ref, rtol=1e-10)
    assert np.isinf(ours[np.isinf(r)]).all()


def test_cost_distance_matches_mcp_geometric_directly():
    r = random_resistance((30, 30), 7, holes=0.0, walls=0.0)
    mcp = MCP_Geometric(r, fully_connected=True, sampling=(25.0, 25.0))
    expected, _ = mcp.find_costs([(3, 4)])
    np.testing.assert_allclose(LC.cost_distance(r, (3, 4), cellsize=25.0), expected)


def test_cost_distance_triangle_inequality_property():
    # CWD_A(x) <= CWD_A(y) + LCD(y, x) for cells y, x: check against a second source
    r = random_resistance((15, 15), 11, holes=0.0, walls=0.0)
    a = LC.cost_distance(r, (0, 0), cellsize=1.0)
    y = (7, 9)
    b = LC.cost_distance(r, y, cellsize=1.0)
    assert np.all(a <= a[y] + b + 1e-9)
    assert np.all(a >= 0)


def test_cost_distance_georeferenced_points_and_geometries():
    r = georef(np.ones((4, 5)), cellsize=100.0)
    cwd = LC.cost_distance(r, (150.0, 250.0))  # x, y -> row 1, col 1
    assert isinstance(cwd, xr.DataArray) and cwd.rio.crs.to_epsg() == 3035
    assert cwd.values[1, 1] == 0.0 and cwd.values[1, 2] == 100.0
    gdf = gpd.GeoDataFrame(geometry=[Point(150.0, 250.0)], crs="EPSG:3035")
    np.testing.assert_array_equal(LC.cost_distance(r, gdf).values, cwd.values)
    poly = gpd.GeoDataFrame(geometry=[box(0, 300, 200, 400)], crs="EPSG:3035")  # row 0, cols 0-1
    out = LC.cost_distance(r, poly).values
    assert out[0, 0] == out[0, 1] == 0.0 and out[1, 0] == 100.0


def test_inputs_are_not_modified():
    # the engine turns NaN into inf in its own copy of the grid, never in the caller's
    r = random_resistance((10, 12), 4, holes=0.1, walls=0.1)
    r[1, 1] = r[8, 10] = 1.0
    keep = r.copy()
    da = georef(r)
    LC.cost_distance(r, (1, 1), cellsize=1.0)
    LC.least_cost_corridor(da, (1, 1), (8, 10))
    cores = np.zeros(r.shape, int)
    cores[1, 1], cores[8, 10] = 1, 2
    LC.corridor_network(r, cores, cellsize=1.0)
    np.testing.assert_array_equal(r, keep)
    np.testing.assert_array_equal(da.values, keep)


def test_cost_distance_source_grid_skips_invalid_cells():
    r = np.array([[NAN, 1.0, 1.0]])
    src = np.array([[True, True, False]])
    assert LC.cost_distance(r, src, cellsize=1.0)[0, 2] == 1.0


# ==================================================================== cost allocation
def test_cost_allocation_matches_argmin_of_per_source_distances():
    r = random_resistance((20, 20), 3, holes=0.03, walls=0.03)
    labels = np.zeros(r.shape, int)
    spots = {1: (2, 2), 2: (2, 17), 3: (17, 10)}
    for k, (i, j) in spots.items():
        r[i, j] = 1.0
        labels[i, j] = k
    alloc = LC.cost_allocation(r, labels)
    cwds = np.stack([LC.cost_distance(r, spots[k], cellsize=1.0) for k in (1, 2, 3)])
    reachable = np.isfinite(cwds).any(axis=0)
    expected = np.where(reachable, np.argmin(np.where(np.isnan(cwds), INF, cwds), axis=0) + 1, 0)
    np.testing.assert_array_equal(alloc, expected)


# ==================================================================== least-cost path
def step_cost_sum(r, cells, cellsize=1.0):
    total = 0.0
    for (i, j), (k, m) in zip(cells[:-1], cells[1:], strict=True):
        length = SQ2 if abs(i - k) + abs(j - m) == 2 else 1.0
        total += cellsize * length * (r[i, j] + r[k, m]) / 2.0
    return total


def test_path_hand_worked_gap_in_wall():
    r = np.array([[1, 9, 1], [1, 1, 1], [1, 9, 1]], dtype=float)
    p = LC.least_cost_path(r, (0, 0), (0, 2), neighbors=4, cellsize=1.0)
    assert p.cells.tolist() == [[0, 0], [1, 0], [1, 1], [1, 2], [0, 2]]
    # 4 edge steps through cells of 1: 4 x (1 + 1) / 2 = 4
    assert p.cost == 4.0 and p.length == 4.0
    assert p.mask.sum() == 5 and p.mask[1].all()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_path_cost_equals_step_sum_and_cost_distance(seed):
    r = random_resistance((25, 25), seed, holes=0.0, walls=0.08)
    r[0, 0] = r[24, 24] = 1.0
    p = LC.least_cost_path(r, (0, 0), (24, 24), cellsize=10.0)
    cells = p.cells
    # contiguous, 8-neighbour steps, from start to end, no barrier
    assert tuple(cells[0]) == (0, 0) and tuple(cells[-1]) == (24, 24)
    assert np.abs(np.diff(cells, axis=0)).max() == 1
    assert np.isfinite(r[cells[:, 0], cells[:, 1]]).all()
    assert p.cost == pytest.approx(step_cost_sum(r, cells.tolist(), 10.0), rel=1e-12)
    assert p.cost == pytest.approx(reference_cwd(r, [(0, 0)], 10.0)[24, 24], rel=1e-10)
    diag = (np.abs(np.diff(cells, axis=0)).sum(axis=1) == 2).sum()
    assert p.length == pytest.approx(10.0 * ((len(cells) - 1 - diag) + diag * SQ2))


def test_path_between_patches_leaves_and_enters_once():
    r = random_resistance((30, 30), 5, holes=0.0, walls=0.0)
    a = np.zeros(r.shape, bool)
    a[2:8, 2:8] = True
    b = np.zeros(r.shape, bool)
    b[20:28, 18:26] = True
    p = LC.least_cost_path(r, a, b, cellsize=1.0)
    first, last = tuple(p.cells[0]), tuple(p.cells[-1])
    assert a[first] and b[last]
    assert not a[tuple(p.cells[1:].T)].any() and not b[tuple(p.cells[:-1].T)].any()
    # the cost is the patch-to-patch least-cost distance
    d = LC.least_cost_distance_matrix(r, a.astype(int) + 2 * b.astype(int), cellsize=1.0)
    assert p.cost == pytest.approx(d.distances[0, 1])


def test_path_line_in_map_coordinates_and_geodataframe():
    r = georef(np.ones((3, 4)), cellsize=100.0, x0=1000.0, y0=2000.0)
    p = LC.least_cost_path(r, (0, 0), (0, 3))
    # cell centres of row 0: y = 2000 - 50, x = 1050 .. 1350
    assert list(p.line.coords) == [
        (1050.0, 1950.0),
        (1150.0, 1950.0),
        (1250.0, 1950.0),
        (1350.0, 1950.0),
    ]
    gdf = p.to_geodataframe()
    assert gdf.crs.to_epsg() == 3035 and gdf["cost"].iloc[0] == 300.0
    assert isinstance(p.mask, xr.DataArray) and int(p.mask.values.sum()) == 4
    # plain array: implicit frame x = (col + 0.5) s, y = (rows - row - 0.5) s
    q = LC.least_cost_path(np.ones((3, 4)), (2, 0), (2, 1), cellsize=10.0)
    assert list(q.line.coords) == [(5.0, 5.0), (15.0, 5.0)] and q.crs is None


def test_path_same_cell_is_zero():
    p = LC.least_cost_path(np.ones((3, 3)), (1, 1), [(1, 1), (2, 2)], cellsize=1.0)
    assert p.cost == 0.0 and p.cells.tolist() == [[1, 1]]


def test_path_unreachable_is_an_error_not_inf():
    r = np.ones((3, 5))
    r[:, 2] = INF
    with pytest.raises(ValueError, match="end cannot be reached from start: barriers"):
        LC.least_cost_path(r, (1, 0), (1, 4), cellsize=1.0)


# ===================================================================== distance matrix
def test_distance_matrix_hand_worked_and_graph_ready():
    # row 1, 3, 1, 1, 1 ; patches at cols 0, 2, 4
    m = LC.least_cost_distance_matrix([[1.0, 3.0, 1.0, 1.0, 1.0]], [[1, 0, 2, 0, 3]], cellsize=1.0)
    d, ids = m.distances, m.ids
    # 1->2: (1+3)/2 + (3+1)/2 = 4 ; 2->3: 1 + 1 = 2 ; 1->3: 6
    assert ids.tolist() == [1, 2, 3]
    np.testing.assert_array_equal(d, [[0, 4, 6], [4, 0, 2], [6, 2, 0]])
    g = G.patch_graph_from_matrix(d, attributes=[1.0, 2.0, 3.0], ids=ids)
    assert g.ids.tolist() == [1, 2, 3]
    frame = LC.least_cost_distance_matrix(
        [[1.0, 3.0, 1.0, 1.0, 1.0]], [[1, 0, 2, 0, 3]], cellsize=1.0
    ).to_frame()
    assert G.patch_graph_from_matrix(frame, attributes=[1.0, 2.0, 3.0]).ids.tolist() == [1, 2, 3]


def test_distance_matrix_matches_dijkstra_between_patch_cells():
    r = random_resistance((20, 24), 8, holes=0.04, walls=0.04)
    labels = np.zeros(r.shape, int)
    labels[1:4, 1:5] = 3
    labels[15:19, 2:6] = 7
    labels[8:12, 18:22] = 5
    labels[np.isnan(r) | np.isinf(r)] = 0
    res = LC.least_cost_distance_matrix(r, labels, cellsize=1.0)
    assert res.ids.tolist() == [3, 5, 7]
    g = grid_graph(r)
    nc = r.shape[1]
    for a, la in enumerate(res.ids):
        src = np.flatnonzero(labels.ravel() == la)
        dist = dijkstra(g, directed=False, indices=src, min_only=True)
        for b, lb in enumerate(res.ids):
            if a != b:
                expected = dist[np.flatnonzero(labels.ravel() == lb)].min()
                assert res.distances[a, b] == pytest.approx(expected, rel=1e-10)
    np.testing.assert_array_equal(res.distances, res.distances.T)
    assert nc == 24


def test_distance_matrix_unreachable_pairs_are_inf():
    r = np.ones((3, 5))
    r[:, 2] = INF
    d = LC.least_cost_distance_matrix(
        r, [[1, 0, 0, 0, 2], [0] * 5, [0] * 5], cellsize=1.0
    ).distances
    assert np.isinf(d[0, 1]) and np.isinf(d[1, 0])


# =========================================================================== corridors
def test_corridor_hand_worked_uniform():
    r = np.ones((3, 5))
    a = np.zeros((3, 5), bool)
    a[1, 0] = True
    b = np.zeros((3, 5), bool)
    b[1, 4] = True
    out = LC.least_cost_corridor(r, a, b, neighbors=4, cellsize=1.0)
    # middle row on the path: 0 ; side rows: one step out and one back = 2
    np.testing.assert_array_equal(out, [[2] * 5, [0] * 5, [2] * 5])
    cut = LC.least_cost_corridor(r, a, b, neighbors=4, cutoff=1.0, cellsize=1.0)
    assert np.isnan(cut[[0, 2]]).all() and (cut[1] == 0).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_corridor_is_cwd_sum_minus_lcd_and_zero_on_path(seed):
    r = random_resistance((25, 30), seed, holes=0.03, walls=0.05)
    a = np.zeros(r.shape, bool)
    a[2:5, 2:5] = True
    b = np.zeros(r.shape, bool)
    b[19:23, 24:28] = True
    r[a | b] = 1.0
    nl = LC.least_cost_corridor(r, a, b, cellsize=1.0)
    ca = reference_cwd(r, [tuple(x) for x in np.argwhere(a)])
    cb = reference_cwd(r, [tuple(x) for x in np.argwhere(b)])
    lcd = ca[b].min()
    expected = ca + cb - lcd
    finite = np.isfinite(expected)
    np.testing.assert_allclose(nl[finite], np.maximum(expected[finite], 0), atol=1e-9)
    assert np.nanmin(nl) == 0.0 and (nl[~np.isnan(nl)] >= 0).all()
    path = LC.least_cost_path(r, a, b, cellsize=1.0)
    assert np.allclose(nl[tuple(path.cells.T)], 0.0, atol=1e-9)


def test_corridor_mask_feeds_pinch_points():
    from gpec_teach import circuit as C

    r = np.ones((5, 7))
    cores = np.zeros((5, 7), int)
    cores[2, 0] = 1
    cores[2, 6] = 2
    nl = LC.least_cost_corridor(r, cores == 1, cores == 2, neighbors=4, cellsize=1.0)
    mask = LC.corridor_mask(nl, cutoff=0.0)
    assert mask.dtype == bool and mask.shape == r.shape
    assert mask[2].all() and mask.sum() == 7
    out = C.pinch_points(r, cores, mask, neighbors=4)
    # one-cell-wide straight corridor: 1 A through every cell, 6 unit links in series
    np.testing.assert_allclose(out.current[2], 1.0)
    assert float(out.resistances.loc[1, 2]) == pytest.approx(6.0)


def test_corridor_errors():
    r = np.ones((3, 5))
    with pytest.raises(ValueError, match="core_a and core_b overlap"):
        LC.least_cost_corridor(r, (1, 1), [(1, 1), (1, 2)], cellsize=1.0)
    r[:, 2] = INF
    with pytest.raises(ValueError, match="core_b cannot be reached from core_a"):
        LC.least_cost_corridor(r, (1, 0), (1, 4), cellsize=1.0)
    with pytest.raises(ValueError, match="cutoff must be a non-negative number. Got cutoff=-1"):
        LC.least_cost_corridor(r, (1, 0), (1, 1), cutoff=-1)
    with pytest.raises(ValueError, match="not a normalised least-cost corridor"):
        LC.corridor_mask([[-1.0, 0.0]])
    with pytest.raises(TypeError, match="corridor must be a numeric 2-D raster"):
        LC.corridor_mask([1.0, 2.0])


# ==================================================================== corridor network
def three_in_a_row():
    r = np.ones((3, 9))
    cores = np.zeros((3, 9), int)
    cores[:, 0], cores[:, 4], cores[:, 8] = 1, 2, 3
    return r, cores


def test_network_adjacent_pairs_skip_the_far_core():
    r, cores = three_in_a_row()
    net = LC.corridor_network(r, cores, cellsize=1.0)
    links = net.links
    assert links[["core1", "core2"]].values.tolist() == [[1, 2], [2, 3]]
    # 4 steps of cost 1 between columns 0 and 4; edge-to-edge 3 cells of 1 m
    assert links["cost_distance"].tolist() == [4.0, 4.0]
    assert links["euclidean_distance"].tolist() == [3.0, 3.0]
    assert links["cwd_to_euclidean_ratio"].tolist() == pytest.approx([4 / 3, 4 / 3])
    assert links["path_length"].tolist() == [4.0, 4.0]
    assert links["kept"].all() and (links["status"] == "corridor").all()


def test_network_drops_links_through_an_intermediate_core():
    r, cores = three_in_a_row()
    net = LC.corridor_network(r, cores, pairs="all", cellsize=1.0)
    status = dict(
        zip(zip(net.links.core1, net.links.core2, strict=True), net.links.status, strict=True)
    )
    assert status == {(1, 2): "corridor", (1, 3): "passes_through_core", (2, 3): "corridor"}
    kept = LC.corridor_network(r, cores, pairs="all", drop_through_cores=False, cellsize=1.0)
    assert kept.links["kept"].all()


def test_network_cost_and_euclidean_adjacency_differ():
    # core 2 is walled in by high resistance: its cost zone is tiny, so 1 and 3 become
    # cost-adjacent around it, while Euclidean zones keep them apart.
    r = np.ones((7, 11))
    r[1:6, 3:8] = 1000.0
    cores = np.zeros((7, 11), int)
    cores[3, 0], cores[3, 5], cores[3, 10] = 1, 2, 3
    r[3, 5] = 1.0
    net = LC.corridor_network(r, cores, pairs="adjacent", cellsize=1.0)
    t = net.links.set_index(["core1", "core2"])
    assert bool(t.loc[(1, 3), "cost_adjacent"]) and not bool(t.loc[(1, 3), "euclidean_adjacent"])
    assert bool(t.loc[(1, 2), "euclidean_adjacent"])
    only_cost = LC.corridor_network(r, cores, pairs="cost_adjacent", cellsize=1.0)
    assert (1, 3) in set(zip(only_cost.links.core1, only_cost.links.core2, strict=True))
    only_eucl = LC.corridor_network(r, cores, pairs="euclidean_adjacent", cellsize=1.0)
    assert (1, 3) not in set(zip(only_eucl.links.core1, only_eucl.links.core2, strict=True))


def test_network_pruning_by_length_and_unreachable():
    r, cores = three_in_a_row()
    net = LC.corridor_network(
        r, cores, pairs="all", drop_through_cores=False, max_cost_distance=5, cellsize=1.0
    )
    assert net.links.set_index(["core1", "core2"]).loc[(1, 3), "status"] == "too_long_cost"
    net = LC.corridor_network(r, cores, pairs="all", max_euclidean_distance=4.0, cellsize=1.0)
    t = net.links.set_index(["core1", "core2"])
    assert t.loc[(1, 3), "status"] == "too_long_euclidean" and np.isnan(
        t.loc[(1, 3), "cost_distance"]
    )
    r2 = r.copy()
    r2[:, 6] = INF
    t = LC.corridor_network(r2, cores, cellsize=1.0).links.set_index(["core1", "core2"])
    assert t.loc[(2, 3), "status"] == "unreachable" and np.isinf(t.loc[(2, 3), "cost_distance"])


def test_network_nearest_neighbours_and_cluster_link():
    # two clusters: {1, 2} on the left, {3, 4} on the right, far apart
    r = np.ones((5, 30))
    cores = np.zeros((5, 30), int)
    cores[2, 0], cores[2, 3], cores[2, 26], cores[2, 29] = 1, 2, 3, 4
    net = LC.corridor_network(
        r, cores, pairs="all", nearest_neighbors=1, drop_through_cores=False, cellsize=1.0
    )
    t = net.links.set_index(["core1", "core2"])["status"].to_dict()
    assert t[(1, 2)] == t[(3, 4)] == "nearest_neighbor"
    # the shortest link between the clusters is 2-3 (23 cells)
    assert t[(2, 3)] == "cluster_link"
    assert {t[(1, 3)], t[(1, 4)], t[(2, 4)]} == {"not_nearest_neighbor"}
    alone = LC.corridor_network(
        r,
        cores,
        pairs="all",
        nearest_neighbors=1,
        connect_clusters=False,
        drop_through_cores=False,
        cellsize=1.0,
    )
    assert (
        alone.links.set_index(["core1", "core2"]).loc[(2, 3), "status"] == "not_nearest_neighbor"
    )


def test_network_k_nearest_candidates():
    r, cores = three_in_a_row()
    net = LC.corridor_network(r, cores, pairs="nearest", k=1, cellsize=1.0)
    assert net.links[["core1", "core2"]].values.tolist() == [[1, 2], [2, 3]]


def test_network_mosaic_is_min_of_truncated_corridors():
    r = random_resistance((24, 30), 2, holes=0.02, walls=0.03)
    cores = np.zeros(r.shape, int)
    cores[2:5, 2:5], cores[2:5, 24:28], cores[18:22, 12:16] = 1, 2, 3
    r[cores > 0] = 1.0
    cutoff = 60.0
    net = LC.corridor_network(r, cores, pairs="all", cutoff=cutoff, cellsize=1.0)
    expected = np.full(r.shape, INF)
    for c1, c2 in net.links.loc[net.links.kept, ["core1", "core2"]].values.tolist():
        nl = LC.least_cost_corridor(r, cores == c1, cores == c2, cutoff=cutoff, cellsize=1.0)
        expected = np.fmin(expected, np.where(np.isnan(nl), INF, nl))
    expected[~np.isfinite(expected)] = NAN
    np.testing.assert_allclose(net.corridors, expected, atol=1e-9, equal_nan=True)
    mask = net.mask()
    assert mask.dtype == bool and mask.sum() == np.isfinite(expected).sum()
    # the recompute path (no cache) gives the same mosaic
    old = LC.network.CWD_CACHE_BYTES
    try:
        LC.network.CWD_CACHE_BYTES = 0
        again = LC.corridor_network(r, cores, pairs="all", cutoff=cutoff, cellsize=1.0)
    finally:
        LC.network.CWD_CACHE_BYTES = old
    np.testing.assert_array_equal(again.corridors, net.corridors)


def test_network_georeferenced_polygons_and_lines():
    r = georef(np.ones((6, 12)), cellsize=100.0)
    cores = gpd.GeoDataFrame(
        {"id": [10, 20]},
        geometry=[box(0, 200, 200, 400), box(1000, 200, 1200, 400)],
        crs="EPSG:3035",
    )
    net = LC.corridor_network(r, cores, cutoff=100.0)
    assert net.links[["core1", "core2"]].values.tolist() == [[10, 20]]
    # cores: columns 0-1 and 10-11 of 100 m cells. Edge to edge: 1000 - 200 = 800 m;
    # cost: 9 edge steps from column 1 to column 10, 100 m x resistance 1 each = 900
    row = net.links.iloc[0]
    assert row["euclidean_distance"] == pytest.approx(800.0)
    assert row["cost_distance"] == pytest.approx(900.0)
    lines = net.to_geodataframe()
    assert len(lines) == 1 and lines.crs.to_epsg() == 3035
    assert lines.geometry.iloc[0].length == pytest.approx(900.0)
    assert isinstance(net.corridors, xr.DataArray)


def test_network_needs_two_cores_and_valid_options():
    r, cores = three_in_a_row()
    one = (cores == 1).astype(int)
    with pytest.raises(ValueError, match="at least two cores .* Got 1"):
        LC.corridor_network(r, one, cellsize=1.0)
    with pytest.raises(ValueError, match="pairs must be one of 'adjacent'"):
        LC.corridor_network(r, cores, pairs="delaunay")
    with pytest.raises(ValueError, match="pairs='nearest' needs k="):
        LC.corridor_network(r, cores, pairs="nearest")
    with pytest.raises(ValueError, match="k applies to pairs='nearest' only"):
        LC.corridor_network(r, cores, k=2)
    with pytest.raises(ValueError, match="nearest_by must be one of 'cost', 'euclidean'"):
        LC.corridor_network(r, cores, nearest_by="time")
    with pytest.raises(ValueError, match="nearest_neighbors must be a positive integer"):
        LC.corridor_network(r, cores, nearest_neighbors=0)
    with pytest.raises(ValueError, match="max_cost_distance must be a positive number"):
        LC.corridor_network(r, cores, max_cost_distance=-3)
    with pytest.raises(TypeError, match="drop_through_cores must be True or False"):
        LC.corridor_network(r, cores, drop_through_cores="yes")


# ========================================================================== bad input
@pytest.mark.parametrize(
    ("resistance", "error", "match"),
    [
        ([1.0, 2.0], ValueError, "resistance must be a 2-D grid"),
        ([["a", "b"]], TypeError, "resistance must be a numeric 2-D grid"),
        ([[NAN, NAN]], ValueError, "resistance has no valid cell"),
        ([[INF, INF]], ValueError, "every valid cell is an absolute barrier"),
        ([[1.0, 0.0]], ValueError, r"zero or negative resistance, first at \(row, col\)=\(0, 1\)"),
        ([[1.0, -5.0]], ValueError, r"with value -5.0 \(negative\)"),
    ],
)
def test_bad_resistance(resistance, error, match):
    with pytest.raises(error, match=match):
        LC.cost_distance(resistance, (0, 0), cellsize=1.0)


def test_points_outside_or_on_invalid_cells_are_named():
    r = np.array([[1.0, NAN, INF], [1.0, 1.0, 1.0]])
    with pytest.raises(
        ValueError,
        match=r"sources point \(row, col\)=\(5, 0\) is outside the grid \(2 rows x 3 columns\)",
    ):
        LC.cost_distance(r, (5, 0), cellsize=1.0)
    with pytest.raises(
        ValueError, match=r"start point \(row, col\)=\(0, 1\) lies on a nodata cell"
    ):
        LC.least_cost_path(r, (0, 1), (1, 1), cellsize=1.0)
    with pytest.raises(
        ValueError, match=r"end point \(row, col\)=\(0, 2\) lies on an absolute barrier"
    ):
        LC.least_cost_path(r, (1, 1), (0, 2), cellsize=1.0)
    geo = georef(np.ones((2, 2)))
    with pytest.raises(
        ValueError, match=r"sources point \(x, y\)=\(900.0, 50.0\) is outside the grid"
    ):
        LC.cost_distance(geo, (900.0, 50.0))
    with pytest.raises(
        TypeError, match="map coordinates \\(x, y\\) need a georeferenced DataArray"
    ):
        LC.cost_distance(np.ones((2, 2)), (0.5, 0.5), cellsize=1.0)
    with pytest.raises(ValueError, match="sources has no passable cell"):
        LC.cost_distance(r, np.array([[False, True, True], [False] * 3]), cellsize=1.0)
    with pytest.raises(ValueError, match="sources covers no cell"):
        LC.cost_distance(r, np.zeros((2, 3), bool), cellsize=1.0)
    with pytest.raises(TypeError, match="sources must be a \\(row, col\\) cell"):
        LC.cost_distance(r, "north", cellsize=1.0)


def test_patches_bad_input():
    r = np.array([[1.0, NAN, 1.0]])
    with pytest.raises(ValueError, match=r"patches \[2\] lie\(s\) entirely on nodata or barrier"):
        LC.least_cost_distance_matrix(r, [[1, 2, 0]], cellsize=1.0)
    with pytest.raises(ValueError, match="at least two patches"):
        LC.least_cost_distance_matrix(r, [[1, 0, 0]], cellsize=1.0)
    with pytest.raises(ValueError, match="integer patch labels"):
        LC.least_cost_distance_matrix(r, [[1.5, 0, 2]], cellsize=1.0)
    with pytest.raises(ValueError, match=r"must have the shape of the resistance grid \(1, 3\)"):
        LC.least_cost_distance_matrix(r, [[1, 2]], cellsize=1.0)


def test_crs_mismatch_names_both():
    r = georef(np.ones((3, 3)))
    pts = gpd.GeoDataFrame(geometry=[Point(50, 50)], crs="EPSG:32633")
    with pytest.raises(ValueError, match=r"resistance: EPSG:3035, sources: EPSG:32633"):
        LC.cost_distance(r, pts)
    cores = gpd.GeoDataFrame(
        geometry=[box(0, 0, 100, 100), box(200, 200, 300, 300)], crs="EPSG:4326"
    )
    with pytest.raises(ValueError, match=r"resistance: EPSG:3035, cores: EPSG:4326"):
        LC.corridor_network(r, cores)
    other = georef(np.ones((3, 3)), crs="EPSG:32633") > 0
    with pytest.raises(ValueError, match=r"resistance: EPSG:3035, core_a: EPSG:32633"):
        LC.least_cost_corridor(r, other, (0, 0))


def test_geographic_crs_refused_with_the_reprojection_call_and_an_override():
    geo = georef(np.ones((3, 3)), cellsize=0.01, crs="EPSG:4326")
    with pytest.raises(ValueError, match=r"resistance is in a geographic CRS.*rio\.reproject"):
        LC.cost_distance(geo, (0, 0))
    with allow_geographic():  # the explicit override: degrees on purpose
        out = LC.cost_distance(geo, (0, 0))
    assert float(out[0, 1]) == pytest.approx(0.01)


def test_unknown_neighbors_option():
    with pytest.raises(ValueError, match="neighbors must be one of 8, 4. Got neighbors=6"):
        LC.cost_distance(np.ones((2, 2)), (0, 0), neighbors=6)


# ------------------------------------------------- polygon ids: no silent renumbering
def _three_square_patches(**columns):
    # 1 x 5 row of 100 m cells (x 0-500); squares over cells 0, 2 and 4
    geoms = [box(0, 0, 100, 100), box(200, 0, 300, 100), box(400, 0, 500, 100)]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs="EPSG:3035")


def test_polygon_ids_come_from_the_id_column_not_the_row_order():
    # regression (issue 15): results must carry the user's ids, so merging back on them
    # attaches each value to the right patch. Resistance 1, 3, 1, 1, 1 per 100 m cell:
    # cell 0 -> cell 2 costs 100 (1 + 3) / 2 + 100 (3 + 1) / 2 = 400; cell 2 -> cell 4: 200.
    r = georef([[1.0, 3.0, 1.0, 1.0, 1.0]])
    patches = _three_square_patches(code=[30, 10, 20])  # ids not in row order
    m = LC.least_cost_distance_matrix(r, patches, id_column="code")
    ids = m.ids
    assert ids.tolist() == [10, 20, 30]
    frame = LC.least_cost_distance_matrix(r, patches, id_column="code").to_frame()
    assert frame.loc[30, 10] == pytest.approx(400.0)  # cells 0 and 2
    assert frame.loc[10, 20] == pytest.approx(200.0)  # cells 2 and 4
    assert frame.loc[30, 20] == pytest.approx(600.0)
    alloc = LC.cost_allocation(r, patches, id_column="code")
    assert np.asarray(alloc).ravel().tolist()[0] == 30
    assert np.asarray(alloc).ravel().tolist()[4] == 20
    net = LC.corridor_network(r, patches, id_column="code", pairs="all")
    pairs = {(int(a), int(b)) for a, b in zip(net.links["core1"], net.links["core2"], strict=True)}
    assert pairs <= {(10, 20), (10, 30), (20, 30)} and (10, 20) in pairs


def test_missing_id_column_raises_and_lists_the_columns():
    r = georef([[1.0, 3.0, 1.0, 1.0, 1.0]])
    patches = _three_square_patches(Id=[3, 1, 2], name=["a", "b", "c"])
    msg = r"has no column id_column='id'.*Columns: \['Id', 'name'\].*id_column=None"
    with pytest.raises(ValueError, match=msg):
        LC.least_cost_distance_matrix(r, patches)  # default id_column="id"
    with pytest.raises(ValueError, match=r"cores has no column id_column='code'"):
        LC.corridor_network(r, patches, id_column="code")
    with pytest.raises(ValueError, match=r"sources has no column id_column='id'"):
        LC.cost_allocation(r, patches)


def test_id_column_none_keys_results_to_the_index():
    r = georef([[1.0, 3.0, 1.0, 1.0, 1.0]])
    patches = _three_square_patches().set_axis([7, 5, 9])
    m = LC.least_cost_distance_matrix(r, patches, id_column=None)
    ids = m.ids
    assert ids.tolist() == [5, 7, 9]
    frame = LC.least_cost_distance_matrix(r, patches, id_column=None).to_frame()
    assert frame.loc[7, 5] == pytest.approx(400.0)  # row 0 (index 7) to row 1 (index 5)
    alloc = np.asarray(LC.cost_allocation(r, patches, id_column=None)).ravel()
    assert alloc[[0, 2, 4]].tolist() == [7, 5, 9]
    # a default RangeIndex starts at 0 (background): refused with the fix, not renumbered
    with pytest.raises(ValueError, match=r"ids \(index \(id_column=None\)\) must be positive"):
        LC.least_cost_distance_matrix(r, _three_square_patches(), id_column=None)
    with pytest.raises(ValueError, match=r"ids \(column 'name'\) must be positive integers"):
        LC.least_cost_distance_matrix(
            r, _three_square_patches(name=["a", "b", "c"]), id_column="name"
        )


# ====================================================================== issue 18 redesign
def test_regression_plain_array_without_cellsize_raises_where_costs_are_metric():
    # costs are resistance x map units: a plain array must say its cell size (no silent 1.0)
    r = np.ones((3, 5))
    cores = np.zeros((3, 5), int)
    cores[:, 0], cores[:, 4] = 1, 2
    calls = [
        lambda: LC.cost_distance(r, (0, 0)),
        lambda: LC.least_cost_path(r, (0, 0), (0, 4)),
        lambda: LC.least_cost_distance_matrix(r, cores),
        lambda: LC.least_cost_corridor(r, cores == 1, cores == 2),
        lambda: LC.corridor_network(r, cores),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="cellsize is required for a plain array resistance"):
            call()
    # the allocation does not depend on the cell size: no cellsize needed
    np.testing.assert_array_equal(LC.cost_allocation(r, cores)[0], [1, 1, 1, 2, 2])
    # with cellsize = 10 every cost is 10 times the unit-cell cost (4 steps of 10)
    assert LC.least_cost_path(r, (0, 0), (0, 4), cellsize=10).cost == 40.0


def test_regression_label_grid_encoded_nodata_is_background():
    # a label raster read from a file keeps its nodata code (255): it is no patch
    r = georef(np.ones((1, 5)))
    labels = georef([[1, 0, 2, 255, 255]]).astype("uint8").rio.write_nodata(255)
    m = LC.least_cost_distance_matrix(r, labels)
    assert m.ids.tolist() == [1, 2]  # was [1, 2, 255] before the one raster adapter
    # 1 -> 2: two edge steps of 100 m through unit resistance
    assert m.distances[0, 1] == pytest.approx(200.0)


def test_results_are_frozen_dataclasses():
    import dataclasses

    r = np.ones((3, 5))
    cores = np.zeros((3, 5), int)
    cores[:, 0], cores[:, 4] = 1, 2
    results = [
        LC.least_cost_distance_matrix(r, cores, cellsize=1.0),
        LC.least_cost_path(r, (0, 0), (0, 4), cellsize=1.0),
        LC.corridor_network(r, cores, cellsize=1.0),
    ]
    for res in results:
        assert dataclasses.is_dataclass(res)
        with pytest.raises(dataclasses.FrozenInstanceError):
            res.crs = None if hasattr(res, "crs") else res.ids


def test_distance_matrix_edge_seeding_matches_seeding_from_every_cell():
    # the public matrix seeds each run from every cell of the patch (MCP directly, exact);
    # the scenario evaluator seeds from edge cells only: the same costs up to rounding
    r = random_resistance((18, 22), 5, holes=0.03, walls=0.03)
    labels = np.zeros(r.shape, int)
    labels[2:9, 2:9] = 1
    labels[10:16, 12:20] = 2
    labels[1:5, 15:21] = 3
    r[labels > 0] = 1.0
    m = LC.least_cost_distance_matrix(r, labels, cellsize=1.0)
    mcp = MCP_Geometric(np.where(np.isfinite(r), r, INF), fully_connected=True)
    for i, a in enumerate(m.ids):
        cwd, _ = mcp.find_costs(np.argwhere(labels == a))
        for j, b in enumerate(m.ids[i + 1 :], start=i + 1):  # row i is run from patch i
            assert m.distances[i, j] == cwd[labels == b].min()
    cells = _cost.patch_cells(labels, m.ids)
    seeds = [_cost.edge_cells(c, labels.shape) for c in cells]
    assert all(s.size < c.size for s, c in zip(seeds, cells, strict=True))
    edge = _cost.lcd_matrix(mcp, labels, m.ids, cells, seeds)
    np.testing.assert_allclose(edge, m.distances, rtol=1e-12)
