"""Tests for gpec_teach.graph: patch graphs, IIC, PC, EC and patch/link importance."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from shapely.geometry import Polygon, box

from gpec_teach._validation import InvalidGeometryWarning
from gpec_teach.graph import (
    PatchGraph,
    dispersal_probability,
    ec_change_from_new_link,
    ec_change_from_new_patch,
    equivalent_connected_area,
    integral_index_of_connectivity,
    link_importance,
    max_product_probability,
    patch_graph_from_matrix,
    patch_graph_from_polygons,
    patch_graph_from_raster,
    patch_importance,
    patch_points,
    pc_numerator,
    probability_of_connectivity,
    to_networkx,
)

KM = 1000.0


# ----------------------------------------------------------------------------- helpers
def disc_landscape(n, seed, *, spacing=2000.0):
    """Random discs; edge-to-edge distances (non-metric: big patches are stepping stones)."""
    rng = np.random.default_rng(seed)
    side = spacing * np.sqrt(n)
    xy = rng.uniform(0, side, (n, 2))
    r = np.minimum(rng.lognormal(np.log(300), 0.8, n), 2000)
    centre = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    d = np.maximum(centre - r[:, None] - r[None, :], 0.0)
    np.fill_diagonal(d, 0.0)
    return np.pi * r**2 / 1e4, d


def nx_pc_numerator(a, p, keep=None, min_probability=0.0, limit=np.inf):
    """PCnum with networkx shortest paths on -ln p (independent of scipy.csgraph)."""
    n = len(a)
    nodes = [i for i in range(n) if keep is None or keep[i]]
    G = nx.Graph()
    G.add_nodes_from(nodes)
    for i in nodes:
        for j in nodes:
            if i < j and p[i, j] > 0 and p[i, j] >= min_probability:
                G.add_edge(i, j, w=abs(-np.log(p[i, j])))
    total = 0.0
    for i, lengths in nx.all_pairs_dijkstra_path_length(G, weight="w"):
        for j, c in lengths.items():
            if c <= limit:
                total += a[i] * a[j] * np.exp(-c)
    return total


def nx_iic_numerator(a, adjacency, keep=None):
    n = len(a)
    nodes = [i for i in range(n) if keep is None or keep[i]]
    G = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_edges_from((i, j) for i in nodes for j in nodes if i < j and adjacency[i, j])
    total = 0.0
    for i, lengths in nx.all_pairs_shortest_path_length(G):
        for j, hops in lengths.items():
            total += a[i] * a[j] / (1.0 + hops)
    return total


def naive_dpc(a, p, **kw):
    """dPC by brute force: recompute PCnum without each patch."""
    full = nx_pc_numerator(a, p, **kw)
    out = []
    for k in range(len(a)):
        keep = np.ones(len(a), bool)
        keep[k] = False
        out.append(100 * (full - nx_pc_numerator(a, p, keep=keep, **kw)) / full)
    return np.array(out), full


# ------------------------------------------------------------------- hand-worked cases
def test_dispersal_probability_half_at_median_distance():
    # k = ln 2 / 1000; p(1000) = 0.5, p(2000) = 0.25, p(0) = 1
    p = dispersal_probability(np.array([0.0, 1000.0, 2000.0]), dispersal_distance=1000)
    np.testing.assert_allclose(p, [1.0, 0.5, 0.25])


def test_dispersal_probability_other_probability_and_kernel():
    # p = 0.1 at 5 km: k = ln 10 / 5000; at 10 km p = 0.1^2 = 0.01
    p = dispersal_probability([[0, 10_000], [10_000, 0]], dispersal_distance=5000, probability=0.1)
    np.testing.assert_allclose(p, [[1, 0.01], [0.01, 1]])
    # user kernel: a step at 1 km (diagonal is still p_ii = 1)
    step = dispersal_probability(
        [[0, 500, 2000], [500, 0, 800], [2000, 800, 0]],
        dispersal_distance=None,
        kernel=lambda d: (d <= 1000).astype(float) * 0.9,
    )
    np.testing.assert_allclose(step, [[1, 0.9, 0], [0.9, 1, 0.9], [0, 0.9, 1]])
    # np.inf distance = unreachable -> probability 0
    assert dispersal_probability([np.inf], dispersal_distance=1000)[0] == 0.0


def test_csgraph_zero_pitfall_touching_patches_keep_pstar_one():
    # Patches 0 and 1 touch (d = 0 -> p = 1 -> cost 0). A dense csgraph input would read
    # that zero as "no link" and route 0 -> 2 -> 1 with p = 0.125 * 0.125.
    d = np.array([[0.0, 0.0, 3000.0], [0.0, 0.0, 3000.0], [3000.0, 3000.0, 0.0]])
    pstar = max_product_probability(dispersal_probability(d, dispersal_distance=1000))
    assert pstar[0, 1] == 1.0
    assert pstar[1, 0] == 1.0
    np.testing.assert_allclose(pstar[0, 2], 0.125)


def test_csgraph_zero_pitfall_touching_chain_connector():
    # 1 touches 2 (d = 0), 2 is 1 km from 3, 1 is 5 km from 3. a = 1 ha each.
    # p*_12 = 1, p*_23 = 0.5, p*_13 = 1 * 0.5 = 0.5 (through 2; direct 2^-5 = 0.03125).
    # PCnum = 3 + 2 (1 + 0.5 + 0.5) = 7. Without 2: 2 + 2 * 0.03125 = 2.0625.
    # dPC_2 = 100 * 4.9375 / 7; connector_2 = 100 * 2 (0.5 - 0.03125) / 7.
    g = patch_graph_from_matrix(
        [[0, 0, 5 * KM], [0, 0, KM], [5 * KM, KM, 0]], attributes=[1.0, 1.0, 1.0]
    )
    res = patch_importance(g, dispersal_distance=KM)
    df = res.table
    assert res.summary.PCnum == pytest.approx(7.0)
    assert df.loc[2, "dPC"] == pytest.approx(100 * 4.9375 / 7)
    assert df.loc[2, "dPCconnector"] == pytest.approx(100 * 2 * 0.46875 / 7)
    assert df.loc[2, "dPCflux"] == pytest.approx(100 * 2 * 1.5 / 7)


def test_two_patches_pc_numerator_and_ec_by_hand():
    # a = (2, 3) ha, p* = 0.5: PCnum = 2*2 + 3*3 + 2*(2*3*0.5) = 4 + 9 + 6 = 19
    pstar = [[1, 0.5], [0.5, 1]]
    assert pc_numerator([2, 3], pstar) == pytest.approx(19.0)
    assert equivalent_connected_area([2, 3], pstar) == pytest.approx(np.sqrt(19.0))


def test_three_patch_stepping_stone_by_hand():
    # distances 1-2 = 2-3 = 1 km, 1-3 = 3 km; D = 1 km median; a = 1 ha each.
    # p12 = p23 = 0.5, p13 = 0.125 but p*13 = 0.5 * 0.5 = 0.25 (through 2).
    # PCnum = 3 + 2 (0.5 + 0.5 + 0.25) = 5.5; landscape 10 ha -> PC = 5.5 / 100.
    g = patch_graph_from_matrix(
        [[0, KM, 3 * KM], [KM, 0, KM], [3 * KM, KM, 0]],
        attributes=[1.0, 1.0, 1.0],
        landscape_area=10,
    )
    out = probability_of_connectivity(g, dispersal_distance=KM)
    assert out.to_dict() == pytest.approx(
        {"PCnum": 5.5, "EC": np.sqrt(5.5), "PC": 0.055, "landscape_area": 10.0}
    )
    res = patch_importance(g, dispersal_distance=KM)
    df = res.table
    # without 2: PCnum = 2 + 2 * 0.125 = 2.25 -> dPC_2 = 100 * 3.25 / 5.5
    # intra = 100 * 1 / 5.5; flux = 100 * 2 (0.5 + 0.5) / 5.5; connector = 100 * 2 * 0.125 / 5.5
    assert df.loc[2, "dPC"] == pytest.approx(100 * 3.25 / 5.5)
    assert df.loc[2, "dPCintra"] == pytest.approx(100 / 5.5)
    assert df.loc[2, "dPCflux"] == pytest.approx(200 / 5.5)
    assert df.loc[2, "dPCconnector"] == pytest.approx(25 / 5.5)
    # 1 and 3 are ends: without 1, PCnum = 2 + 2 * 0.5 = 3 -> dPC_1 = 100 * 2.5 / 5.5
    assert df.loc[1, "dPC"] == pytest.approx(250 / 5.5)
    assert df.loc[1, "dPCconnector"] == 0.0
    assert list(df["rank"]) == [2, 1, 2]


def test_four_patch_chain_iic_by_hand():
    # chain 1-2-3-4, 1 km apart, threshold 1 km, a = 1 ha. nl: 1 for 12, 23, 34; 2 for
    # 13, 24; 3 for 14. IICnum = 4 + 2 (3/2 + 2/3 + 1/4) = 4 + 29/6 = 53/6.
    pos = np.arange(4.0) * KM
    g = patch_graph_from_matrix(np.abs(pos[:, None] - pos[None, :]), attributes=np.ones(4))
    num = 53 / 6
    assert integral_index_of_connectivity(g, threshold=KM).IICnum == pytest.approx(num)
    res = patch_importance(g, index="IIC", threshold=KM)
    df = res.table
    # without 2: {1} and {3-4}: 3 + 2 * 1/2 = 4 -> dIIC_2 = 100 (53/6 - 4) / (53/6)
    # intra 1; flux 2 (1/2 + 1/2 + 1/3) = 8/3; connector 2 (1/3 + 1/4) = 7/6 (pairs 13, 14)
    assert df.loc[2, "dIIC"] == pytest.approx(100 * (num - 4) / num)
    assert df.loc[2, "dIICintra"] == pytest.approx(100 / num)
    assert df.loc[2, "dIICflux"] == pytest.approx(100 * (8 / 3) / num)
    assert df.loc[2, "dIICconnector"] == pytest.approx(100 * (7 / 6) / num)
    assert df.loc[1, "dIICconnector"] == 0.0


def test_unreachable_patches_add_only_their_own_area():
    # Two patches with no link at all: PCnum = a1^2 + a2^2 = 4 + 9
    g = patch_graph_from_matrix([[0, np.inf], [np.inf, 0]], attributes=[2.0, 3.0])
    assert probability_of_connectivity(g, dispersal_distance=KM).PCnum == pytest.approx(13.0)


def test_restoration_new_link_by_hand():
    # two 1 ha patches 3 km apart: p = 0.125, PCnum = 2 + 2 * 0.125 = 2.25, EC = 1.5
    # a corridor making them 1 km apart: p = 0.5, PCnum = 3, EC = sqrt(3)
    g = patch_graph_from_matrix([[0, 3 * KM], [3 * KM, 0]], attributes=[1.0, 1.0])
    gain = ec_change_from_new_link(g, 1, 2, link_distance=KM, dispersal_distance=KM)
    assert gain == pytest.approx(np.sqrt(3) - 1.5)
    # a "corridor" longer than the existing link changes nothing
    assert ec_change_from_new_link(g, 1, 2, link_distance=5 * KM, dispersal_distance=KM) == 0.0


def test_restoration_new_patch_by_hand():
    # 1 ha patches 2 km apart: PCnum = 2 + 2 * 0.25 = 2.5. A 1 ha patch halfway:
    # PCnum = 3 + 2 (0.5 + 0.5 + 0.25) = 5.5.
    g = patch_graph_from_matrix([[0, 2 * KM], [2 * KM, 0]], attributes=[1.0, 1.0])
    gain = ec_change_from_new_patch(g, 1.0, [KM, KM], dispersal_distance=KM)
    assert gain == pytest.approx(np.sqrt(5.5) - np.sqrt(2.5))


# ---------------------------------------------------------------- cross-checks (naive)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dpc_matches_naive_removal_on_non_metric_graphs(seed):
    a, d = disc_landscape(14, seed)
    p = dispersal_probability(d, dispersal_distance=KM)
    expected, full = naive_dpc(a, p)
    res = patch_importance(patch_graph_from_matrix(d, attributes=a), dispersal_distance=KM)
    df = res.table
    assert res.summary.PCnum == pytest.approx(full, rel=1e-12)
    np.testing.assert_allclose(df["dPC"], expected, rtol=1e-9, atol=1e-12)
    # edge-to-edge distances: some patches really are connectors
    assert (df["dPCconnector"] > 1e-6).any()
    np.testing.assert_allclose(
        df["dPC"], df["dPCintra"] + df["dPCflux"] + df["dPCconnector"], rtol=1e-12
    )


@pytest.mark.parametrize("truncate", ["links", "paths"])
def test_truncated_dpc_matches_naive_removal(truncate):
    a, d = disc_landscape(16, 5, spacing=3000.0)
    p = dispersal_probability(d, dispersal_distance=KM)
    t = 0.01
    limit = -np.log(t) if truncate == "paths" else np.inf
    expected, full = naive_dpc(a, p, min_probability=t, limit=limit)
    g = patch_graph_from_matrix(d, attributes=a)
    res = patch_importance(g, dispersal_distance=KM, min_probability=t, truncate=truncate)
    df = res.table
    assert res.summary.PCnum == pytest.approx(full, rel=1e-12)
    np.testing.assert_allclose(df["dPC"], expected, rtol=1e-9, atol=1e-12)


def test_dpc_with_ties_and_touching_patches_matches_naive():
    # A grid of equal patches 1 km apart with some touching pairs: many equal-cost paths.
    xy = np.array([(i, j) for i in range(3) for j in range(3)], float) * KM
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    d = np.where(d > 1.5 * KM, d * 1.5, d)  # make long links worse than two short steps
    d[0, 1] = d[1, 0] = 0.0
    d[4, 5] = d[5, 4] = 0.0
    a = np.arange(1.0, 10.0)
    p = dispersal_probability(d, dispersal_distance=KM)
    expected, _ = naive_dpc(a, p)
    res = patch_importance(patch_graph_from_matrix(d, attributes=a), dispersal_distance=KM)
    df = res.table
    np.testing.assert_allclose(df["dPC"], expected, rtol=1e-9)


@pytest.mark.parametrize("seed", [3, 4])
def test_diic_matches_naive_removal(seed):
    a, d = disc_landscape(14, seed)
    threshold = 1500.0
    adjacency = d <= threshold
    full = nx_iic_numerator(a, adjacency)
    expected = []
    for k in range(len(a)):
        keep = np.ones(len(a), bool)
        keep[k] = False
        expected.append(100 * (full - nx_iic_numerator(a, adjacency, keep)) / full)
    res = patch_importance(
        patch_graph_from_matrix(d, attributes=a), index="IIC", threshold=threshold
    )
    df = res.table
    assert res.summary.IICnum == pytest.approx(full)
    np.testing.assert_allclose(df["dIIC"], expected, rtol=1e-9)


def test_max_product_probability_matches_networkx():
    a, d = disc_landscape(20, 7)
    p = dispersal_probability(d, dispersal_distance=KM)
    pstar = max_product_probability(p)
    G = nx.Graph()
    for i in range(20):
        for j in range(i + 1, 20):
            G.add_edge(i, j, w=abs(-np.log(p[i, j])))
    for i, lengths in nx.all_pairs_dijkstra_path_length(G, weight="w"):
        for j, c in lengths.items():
            assert pstar[i, j] == pytest.approx(np.exp(-c), rel=1e-12)
    # sparse input (absent = no link) gives the same matrix
    np.testing.assert_allclose(max_product_probability(sp.csr_array(p)), pstar, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 6])
def test_pruned_links_keep_every_single_removal_distance(seed):
    # The connector repair drops links that two detours can replace; shortest path
    # costs without any one node must stay exactly those of the full graph.
    from scipy.sparse.csgraph import dijkstra

    from gpec_teach import _graph_kernels as K

    a, d = disc_landscape(40, seed)
    d[0, 1] = d[1, 0] = 0.0  # a touching pair (zero-cost link)
    graph = K.cost_graph(dispersal_probability(d, dispersal_distance=KM))
    pruned = K.prune_replaceable_links(graph)
    assert pruned.nnz < graph.nnz / 2
    for k in range(0, 40, 3):
        keep = np.flatnonzero(np.arange(40) != k)
        full = dijkstra(graph[keep][:, keep], directed=False)
        fast = dijkstra(pruned[keep][:, keep], directed=False)
        np.testing.assert_allclose(fast, full, rtol=1e-12, atol=1e-12)


def test_link_importance_matches_naive_link_removal():
    a, d = disc_landscape(10, 11)
    p = dispersal_probability(d, dispersal_distance=KM)
    g = patch_graph_from_matrix(d, attributes=a)
    df = link_importance(g, dispersal_distance=KM)
    full = nx_pc_numerator(a, p)
    for row in df.head(8).itertuples():
        i, j = row.id_i - 1, row.id_j - 1
        q = p.copy()
        q[i, j] = q[j, i] = 0.0
        expected = 100 * (full - nx_pc_numerator(a, q)) / full
        assert row.dPC == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert len(df) == 45  # every pair of 10 patches is linked
    assert df["dPC"].is_monotonic_decreasing


def test_link_importance_without_stepping_stones_uses_two_step_alternative():
    # centroid distances: removing link (u, v) leaves max_w p_uw p_wv
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 5 * KM, (8, 2))
    frame = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries.from_xy(xy[:, 0], xy[:, 1]).buffer(50), crs="EPSG:3035"
    )
    g = patch_graph_from_polygons(frame, distance_method="centroid")
    df = link_importance(g, dispersal_distance=KM)
    p = dispersal_probability(g.distances, dispersal_distance=KM)
    full = nx_pc_numerator(g.attributes, p)
    for row in df.head(5).itertuples():
        i, j = int(np.flatnonzero(g.ids == row.id_i)[0]), int(np.flatnonzero(g.ids == row.id_j)[0])
        q = p.copy()
        q[i, j] = q[j, i] = 0.0
        expected = 100 * (full - nx_pc_numerator(g.attributes, q)) / full
        assert row.dPC == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
def test_restoration_gains_match_recomputation(seed):
    a, d = disc_landscape(12, seed)
    g = patch_graph_from_matrix(d, attributes=a)
    ec = probability_of_connectivity(g, dispersal_distance=KM).EC
    # new link between the two farthest patches
    i, j = np.unravel_index(np.argmax(d), d.shape)
    d2 = d.copy()
    d2[i, j] = d2[j, i] = 100.0
    ec2 = probability_of_connectivity(
        patch_graph_from_matrix(d2, attributes=a), dispersal_distance=KM
    )
    gain = ec_change_from_new_link(
        g, g.ids[i], g.ids[j], link_distance=100.0, dispersal_distance=KM
    )
    assert gain == pytest.approx(ec2.EC - ec, rel=1e-9)
    # new 5 ha patch at given distances
    new_d = np.random.default_rng(seed).uniform(0, 4 * KM, len(a))
    d3 = np.block([[d, new_d[:, None]], [new_d[None, :], np.zeros((1, 1))]])
    ec3 = probability_of_connectivity(
        patch_graph_from_matrix(d3, attributes=np.append(a, 5.0)), dispersal_distance=KM
    )
    gain = ec_change_from_new_patch(g, 5.0, new_d, dispersal_distance=KM)
    assert gain == pytest.approx(ec3.EC - ec, rel=1e-9)


# --------------------------------------------------------------------------- properties
@pytest.mark.parametrize("seed", range(4))
def test_pc_between_zero_and_one_and_ec_at_most_total_area(seed):
    a, d = disc_landscape(30, seed)
    la = a.sum() * 3
    g = patch_graph_from_matrix(d, attributes=a, landscape_area=la)
    for dist in (100.0, KM, 10 * KM, 1e6):
        out = probability_of_connectivity(g, dispersal_distance=dist)
        assert 0.0 <= out.PC <= 1.0
        assert np.sqrt((a**2).sum()) <= out.EC <= a.sum() * (1 + 1e-12)
        iic = integral_index_of_connectivity(g, threshold=dist)
        assert 0.0 <= iic.IIC <= 1.0
        assert iic.EC <= a.sum() * (1 + 1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_pc_does_not_decrease_with_dispersal_distance(seed):
    a, d = disc_landscape(30, seed)
    g = patch_graph_from_matrix(d, attributes=a, landscape_area=a.sum())
    values = [
        probability_of_connectivity(g, dispersal_distance=x).PC for x in np.geomspace(10, 1e6, 12)
    ]
    assert np.all(np.diff(values) >= -1e-15)
    iic = [integral_index_of_connectivity(g, threshold=x).IIC for x in np.geomspace(10, 1e6, 12)]
    assert np.all(np.diff(iic) >= -1e-15)


def test_fractions_are_non_negative_and_add_up_on_a_larger_graph():
    a, d = disc_landscape(120, 9)
    res = patch_importance(patch_graph_from_matrix(d, attributes=a), dispersal_distance=KM)
    df = res.table
    cols = ["dPCintra", "dPCflux", "dPCconnector"]
    assert (df[cols] >= 0).all().all()
    np.testing.assert_allclose(df["dPC"], df[cols].sum(axis=1), rtol=1e-12)
    # intra sums to 100 * sum(a^2) / PCnum
    assert df["dPCintra"].sum() == pytest.approx(100 * (a**2).sum() / res.summary.PCnum)


def test_centroid_shortcut_equals_full_path_search():
    # Euclidean distances: p* == p, so the shortcut (no path search) and the generic
    # matrix route (path search, stepping stones detected as absent) agree exactly.
    rng = np.random.default_rng(4)
    xy = rng.uniform(0, 20 * KM, (40, 2))
    frame = gpd.GeoDataFrame(
        {"q": rng.uniform(1, 5, 40)},
        geometry=gpd.GeoSeries.from_xy(xy[:, 0], xy[:, 1]).buffer(100),
        crs="EPSG:3035",
    )
    g = patch_graph_from_polygons(frame, distance_method="centroid", attribute="q")
    m = patch_graph_from_matrix(g.distances, attributes=g.attributes, ids=g.ids)
    a = patch_importance(g, dispersal_distance=2 * KM).table
    b = patch_importance(m, dispersal_distance=2 * KM).table
    np.testing.assert_allclose(a["dPC"], b["dPC"], rtol=1e-9)
    assert (b["dPCconnector"] <= 1e-9).all()


# ----------------------------------------------------------------------- patch graphs
def test_patch_graph_from_polygons_edge_and_centroid():
    # two 100 m x 100 m squares 200 m apart (edges), 300 m apart (centroids); one touching
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"]},
        geometry=[box(0, 0, 100, 100), box(300, 0, 400, 100), box(400, 0, 500, 200)],
        crs="EPSG:3035",
    )
    edge = patch_graph_from_polygons(frame, distance_method="edge", id_column="name")
    assert list(edge.ids) == ["a", "b", "c"]
    np.testing.assert_allclose(edge.attributes, [1.0, 1.0, 2.0])  # ha
    assert edge.distances[0, 1] == pytest.approx(200.0)
    assert edge.distances[1, 2] == 0.0  # touching
    centroid = patch_graph_from_polygons(frame, distance_method="centroid")
    assert centroid.distances[0, 1] == pytest.approx(300.0)
    # max_distance: pairs farther than 250 m are not measured (no link)
    near = patch_graph_from_polygons(frame, distance_method="edge", max_distance=250)
    assert near.distances[0, 1] == pytest.approx(200.0)
    assert np.isinf(near.distances[0, 2])


def test_inside_centroid_uses_point_on_surface_for_c_shapes():
    # a U-shaped patch: its centroid lies outside, so "inside_centroid" (Makurhini
    # 2021 and later) uses a point on the surface; "centroid" keeps the plain centroid.
    # (Before issue 15, distance_method="centroid" silently did the former.)
    u_shape = Polygon([(0, 0), (300, 0), (300, 300), (200, 300), (200, 100), (100, 100),
                       (100, 300), (0, 300)])  # fmt: skip
    frame = gpd.GeoDataFrame(geometry=[u_shape, box(1000, 0, 1100, 100)], crs="EPSG:3035")
    g = patch_graph_from_polygons(frame, distance_method="inside_centroid")
    assert g.distance_method == "inside_centroid"
    assert u_shape.contains(gpd.points_from_xy([g.points[0, 0]], [g.points[0, 1]])[0])
    alias = patch_graph_from_polygons(frame, distance_method="point_on_surface")
    np.testing.assert_array_equal(alias.distances, g.distances)
    # plain centroid of the U: bottom bar 300 x 100 (30 000 m2, centre y 50) and two
    # legs 100 x 200 (20 000 m2 each, centre y 200): y = (1.5e6 + 2 * 4e6) / 70 000
    # = 135.714; x = 150 by symmetry, inside the notch (100 < x < 200, y > 100).
    plain = patch_graph_from_polygons(frame, distance_method="centroid")
    np.testing.assert_allclose(plain.points[0], [150.0, 9.5e6 / 70_000])
    assert not u_shape.contains(gpd.points_from_xy([150.0], [9.5e6 / 70_000])[0])
    # distance to the square centred at (1050, 50)
    assert plain.distances[0, 1] == pytest.approx(np.hypot(900.0, 9.5e6 / 70_000 - 50.0))


def test_centroid_conventions_hand_worked_l_shape():
    # L-shape: 300 x 100 bar plus a 100 x 200 bar on its left end (area 5 ha).
    # Plain centroid: x = (30 000 * 150 + 20 000 * 50) / 50 000 = 110, y = (30 000 * 50
    # + 20 000 * 200) / 50 000 = 110: outside (x > 100 and y > 100).
    # GEOS interior point: scan line y = (100 + 300) / 2 = 200 (halfway between the
    # vertex heights around the box middle 150); inside segment x in [0, 100] -> (50, 200).
    ell = Polygon([(0, 0), (300, 0), (300, 100), (100, 100), (100, 300), (0, 300)])
    square = box(500, 0, 600, 100)  # centroid (550, 50), inside
    frame = gpd.GeoDataFrame({"id": [7, 9]}, geometry=[ell, square], crs="EPSG:3035")
    np.testing.assert_allclose(
        patch_points(frame, distance_method="centroid"), [[110, 110], [550, 50]]
    )
    np.testing.assert_allclose(
        patch_points(frame, distance_method="inside_centroid"), [[50, 200], [550, 50]]
    )
    plain = patch_graph_from_polygons(frame, distance_method="centroid", id_column="id")
    inside = patch_graph_from_polygons(frame, distance_method="inside_centroid", id_column="id")
    assert plain.distances[0, 1] == pytest.approx(np.hypot(440.0, 60.0))  # 444.07 m
    assert inside.distances[0, 1] == pytest.approx(np.hypot(500.0, 150.0))  # 522.02 m
    # PC with D = 1000 m: p = 0.5 ** (d / 1000); PCnum = 25 + 1 + 2 * 5 * 1 * p
    for g, d in ((plain, np.hypot(440.0, 60.0)), (inside, np.hypot(500.0, 150.0))):
        out = probability_of_connectivity(g, dispersal_distance=1000.0)
        assert out.PCnum == pytest.approx(26.0 + 10.0 * 0.5 ** (d / 1000.0))


def test_one_default_distance_method_edge_across_constructors_and_protconn():
    # Issue 18: patch_graph_from_polygons defaulted to "centroid" and
    # patch_graph_from_raster to "edge"; now every constructor and ProtConn use "edge".
    import inspect

    from gpec_teach.protconn import protconn, protected_area_distances

    frame = gpd.GeoDataFrame(
        geometry=[box(0, 0, 100, 100), box(300, 0, 400, 100)], crs="EPSG:3035"
    )
    assert patch_graph_from_polygons(frame).distance_method == "edge"
    assert patch_graph_from_polygons(frame).distances[0, 1] == 200.0  # edge to edge
    for func in (
        patch_graph_from_polygons,
        patch_graph_from_raster,
        protconn,
        protected_area_distances,
    ):
        assert inspect.signature(func).parameters["distance_method"].default == "edge"


def test_patch_points_errors():
    with pytest.raises(ValueError, match="distance_method must be one of 'edge', 'centroid'"):
        patch_points([box(0, 0, 1, 1)], distance_method="middle")
    with pytest.raises(ValueError, match="Got distance_method='edge'"):
        patch_points([box(0, 0, 1, 1)], distance_method="edge")
    with pytest.raises(ValueError, match="patches is empty"):
        patch_points([])
    with pytest.raises(TypeError, match="non-empty shapely"):
        patch_points([None])


def test_patch_graph_from_raster_matches_polygons():
    labels = np.array(
        [
            [1, 1, 0, 0, 2, 2],
            [1, 0, 0, 0, 0, 2],
            [0, 0, 3, 3, 0, 0],
            [0, 0, 3, 0, 0, 0],
        ]
    )
    g = patch_graph_from_raster(labels, cellsize=100)
    assert list(g.ids) == [1, 2, 3]
    np.testing.assert_allclose(g.attributes, [3.0, 3.0, 3.0])  # 100 m cells = 1 ha
    assert g.landscape_area == pytest.approx(24.0)
    # patch 1's lowest cell (row 1, col 0: x 0-100) and patch 3's cell (row 2, col 2:
    # x 200-300) are one empty column apart: edge distance 100 m (the rows touch)
    assert g.distances[0, 2] == pytest.approx(100.0)
    # 1 and 2: nearest cell edges 200 m apart horizontally
    assert g.distances[0, 1] == pytest.approx(200.0)
    c = patch_graph_from_raster(labels, cellsize=100, distance_method="centroid")
    assert c.distances[0, 1] > g.distances[0, 1]


def test_patch_graph_from_georeferenced_raster():
    import rioxarray  # noqa: F401
    import xarray as xr

    labels = xr.DataArray(
        np.array([[1, 0, 2], [1, 0, 0]], dtype=float),
        dims=("y", "x"),
        coords={"y": [150.0, 50.0], "x": [50.0, 150.0, 250.0]},
    ).rio.write_crs("EPSG:3035")
    g = patch_graph_from_raster(labels)
    np.testing.assert_allclose(g.attributes, [2.0, 1.0])
    assert g.distances[0, 1] == pytest.approx(100.0)
    assert g.crs is not None


def test_patch_graph_from_matrix_dataframe_and_least_cost_style_input():
    import pandas as pd

    df = pd.DataFrame([[0, 5.0], [5.0, 0]], index=["x", "y"], columns=["x", "y"])
    g = patch_graph_from_matrix(df, attributes=[1.0, 2.0])
    assert list(g.ids) == ["x", "y"]
    assert isinstance(g, PatchGraph)
    assert "2 patches" in repr(g)


def test_to_networkx_nodes_and_edges():
    g = patch_graph_from_matrix(
        [[0, KM, np.inf], [KM, 0, 10 * KM], [np.inf, 10 * KM, 0]],
        attributes=[1.0, 2.0, 3.0],
        attribute_name="area_ha",
    )
    G = to_networkx(g, dispersal_distance=KM, min_probability=0.01)
    assert set(G.nodes) == {1, 2, 3}
    assert G.nodes[3]["area_ha"] == 3.0
    assert G.edges[1, 2] == pytest.approx({"distance": KM, "probability": 0.5, "cost": np.log(2)})
    assert not G.has_edge(2, 3)  # p = 2^-10 < 0.01
    assert not G.has_edge(1, 3)  # unreachable
    assert to_networkx(g).number_of_edges() == 2  # finite distances only, no kernel


# --------------------------------------------------------------------------- bad input
def test_error_empty_patch_set():
    with pytest.raises(ValueError, match="empty"):
        patch_graph_from_matrix(np.zeros((0, 0)), attributes=[])
    with pytest.raises(ValueError, match="patches is empty"):
        patch_graph_from_polygons(gpd.GeoDataFrame(geometry=[], crs="EPSG:3035"))
    with pytest.raises(ValueError, match="no patch"):
        patch_graph_from_raster(np.zeros((3, 3)), cellsize=100)
    with pytest.raises(TypeError, match="cellsize is required for a plain array labels"):
        patch_graph_from_raster(np.ones((3, 3)))  # areas in ha need a cell size
    with pytest.raises(ValueError, match="distances is empty"):
        dispersal_probability([], dispersal_distance=KM)


@pytest.mark.parametrize("bad", [0.0, -2.0])
def test_error_zero_or_negative_areas(bad):
    with pytest.raises(ValueError, match=r"attributes must be positive .* attributes\[1\]="):
        patch_graph_from_matrix([[0, 1], [1, 0]], attributes=[1.0, bad])
    frame = gpd.GeoDataFrame({"q": [1.0, bad]}, geometry=[box(0, 0, 1, 1), box(5, 5, 6, 6)],
                             crs="EPSG:3035")  # fmt: skip
    with pytest.raises(ValueError, match="must be positive"):
        patch_graph_from_polygons(frame, attribute="q")


@pytest.mark.parametrize("bad", [0, -5])
def test_error_non_positive_dispersal_distance(bad):
    with pytest.raises(
        ValueError, match=f"distance must be a positive number. Got dispersal_distance={bad}"
    ):
        dispersal_probability([[0, 1], [1, 0]], dispersal_distance=bad)
    g = patch_graph_from_matrix([[0, 1], [1, 0]], attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match="distance must be a positive number"):
        patch_importance(g, dispersal_distance=bad)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.1])
def test_error_probability_outside_zero_one(bad):
    with pytest.raises(ValueError, match="probability must be strictly between 0 and 1"):
        dispersal_probability([[0, 1], [1, 0]], dispersal_distance=KM, probability=bad)


def test_error_distance_and_kernel_both_or_neither():
    with pytest.raises(ValueError, match="either dispersal_distance .* or kernel, not both"):
        dispersal_probability([1.0], dispersal_distance=KM, kernel=lambda d: d * 0)
    with pytest.raises(ValueError, match="distance is required"):
        dispersal_probability([1.0], dispersal_distance=None)
    with pytest.raises(ValueError, match="kernel must return probabilities between 0 and 1"):
        dispersal_probability([1.0], dispersal_distance=None, kernel=lambda d: d + 1)


def test_error_non_square_asymmetric_negative_nan_matrices():
    with pytest.raises(ValueError, match=r"square matrix .* Got shape \(2, 3\)"):
        patch_graph_from_matrix(np.zeros((2, 3)), attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match=r"must be symmetric .* distances\[0, 1\]=1.0"):
        patch_graph_from_matrix([[0, 1], [2, 0]], attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match=r"non-negative. Got distances\[0, 1\]=-1.0"):
        patch_graph_from_matrix([[0, -1], [-1, 0]], attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match="contains NaN"):
        patch_graph_from_matrix([[0, np.nan], [np.nan, 0]], attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match="distances must be non-negative"):
        dispersal_probability([[0, -3], [-3, 0]], dispersal_distance=KM)
    with pytest.raises(ValueError, match="p must be symmetric"):
        max_product_probability([[1, 0.2], [0.3, 1]])
    with pytest.raises(ValueError, match="p must hold probabilities between 0 and 1"):
        max_product_probability([[1, 2], [2, 1]])
    with pytest.raises(ValueError, match="p must be symmetric"):
        max_product_probability(sp.csr_array(np.array([[1, 0.2], [0.0, 1]])))
    with pytest.raises(ValueError, match="min_probability must be in"):
        max_product_probability([[1, 0.2], [0.2, 1]], min_probability=1.0)


def test_error_mismatched_lengths():
    with pytest.raises(ValueError, match="attributes has 3 values but the matrix has 2 patches"):
        patch_graph_from_matrix([[0, 1], [1, 0]], attributes=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="ids has 1 values"):
        patch_graph_from_matrix([[0, 1], [1, 0]], attributes=[1.0, 1.0], ids=[5])
    with pytest.raises(ValueError, match="attributes has 3 values"):
        pc_numerator([1, 2, 3], [[1, 0], [0, 1]])
    g = patch_graph_from_matrix([[0, 1], [1, 0]], attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match="one distance per existing patch"):
        ec_change_from_new_patch(g, 1.0, [1.0, 2.0, 3.0], dispersal_distance=KM)


def test_error_geographic_crs_tells_to_reproject():
    frame = gpd.GeoDataFrame(geometry=[box(0, 0, 0.1, 0.1), box(1, 1, 1.1, 1.1)], crs="EPSG:4326")
    with pytest.raises(
        ValueError, match=r"geographic CRS .* Reproject it first .* patches = patches\.to_crs"
    ):
        patch_graph_from_polygons(frame)
    with pytest.raises(ValueError, match="has no CRS"):
        patch_graph_from_polygons(frame.set_crs(None, allow_override=True))


def test_invalid_geometries_are_repaired_with_a_warning():
    bowtie = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])  # self-intersecting
    frame = gpd.GeoDataFrame(geometry=[bowtie, box(500, 0, 600, 100)], crs="EPSG:3035")
    with pytest.warns(InvalidGeometryWarning, match="1 invalid geometries .*make_valid"):
        g = patch_graph_from_polygons(frame, distance_method="edge")
    assert g.attributes[0] == pytest.approx(0.5)  # two triangles of 2500 m2 each
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 1], [0, 1]), crs="EPSG:3035")
    with pytest.raises(ValueError, match="must hold polygons .* Point"):
        patch_graph_from_polygons(points)


def test_error_unknown_options_list_allowed_values():
    g = patch_graph_from_matrix([[0, 1], [1, 0]], attributes=[1.0, 1.0])
    with pytest.raises(ValueError, match="index must be one of 'PC', 'IIC'. Got index='BC'"):
        patch_importance(g, index="BC", dispersal_distance=KM)
    with pytest.raises(ValueError, match="truncate must be one of 'links', 'paths'"):
        patch_importance(g, dispersal_distance=KM, truncate="pairs")
    frame = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:3035")
    with pytest.raises(ValueError, match="distance_method must be one of 'edge', 'centroid'"):
        patch_graph_from_polygons(frame, distance_method="least-cost")
    with pytest.raises(ValueError, match="attribute must be 'area' or a column"):
        patch_graph_from_polygons(frame, attribute="quality")
    with pytest.raises(ValueError, match="threshold is required for index='IIC'"):
        patch_importance(g, index="IIC")
    with pytest.raises(TypeError, match="graph must be a PatchGraph"):
        patch_importance(np.zeros((2, 2)), dispersal_distance=KM)
    with pytest.raises(ValueError, match="patch_i must be a patch id of the graph. Got patch_i=9"):
        ec_change_from_new_link(g, 9, 1, link_distance=0, dispersal_distance=KM)
    with pytest.raises(ValueError, match="landscape_area must be at least the total"):
        probability_of_connectivity(g, dispersal_distance=KM, landscape_area=1.0)


def test_polygon_ids_missing_column_raises_and_none_keys_to_the_index():
    # issue 15: no silent renumbering; id_column=None keys the patches to the index
    frame = gpd.GeoDataFrame(
        {"Id": [12, 4]}, geometry=[box(0, 0, 100, 100), box(300, 0, 400, 100)], crs="EPSG:3035"
    ).set_axis(["west", "east"])
    with pytest.raises(ValueError, match=r"Got id_column='id'; columns are \['Id', 'geometry'\]"):
        patch_graph_from_polygons(frame, id_column="id")
    assert patch_graph_from_polygons(frame).ids.tolist() == ["west", "east"]
    assert patch_graph_from_polygons(frame, id_column="Id").ids.tolist() == [12, 4]
    res = patch_importance(patch_graph_from_polygons(frame, id_column="Id"), dispersal_distance=KM)
    df = res.table
    assert df.index.tolist() == [12, 4]
