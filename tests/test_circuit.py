"""Tests of gpec_teach.circuit: hand-worked circuits, textbook values, invariants,
cross-checks against networkx and against independent solves, and bad input."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from gpec_teach import _laplacian as L
from gpec_teach import circuit as C

NAN = float("nan")


def random_grid(shape, seed, *, low=1.0, high=10.0):
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=shape)


# --------------------------------------------------------------- graph construction
def test_conductance_rules_hand_worked():
    # cells r = 1 and 3 side by side:
    #   average resistance: 1 / ((1 + 3) / 2) = 0.5
    #   average conductance: (1/1 + 1/3) / 2 = 2/3
    g = C.raster_graph([[1.0, 3.0]], connection="resistance")
    assert g.conductance.tolist() == [0.5]
    g = C.raster_graph([[1.0, 3.0]], connection="conductance")
    assert g.conductance[0] == pytest.approx(2 / 3)


def test_default_connection_is_average_conductance():
    # Circuitscape 4 (cfg.py: connect_using_avg_resistances False), Circuitscape.jl and
    # Omniscape average the conductances; so does every function here by default.
    assert C.DEFAULT_CONNECTION == "conductance"
    # r = 1 and 4: (1/1 + 1/4) / 2 = 0.625 S (average resistance would give 2/5 = 0.4)
    assert C.raster_graph([[1.0, 4.0]]).conductance.tolist() == [0.625]
    # strip r = 1, 4, 1 with 4 neighbours: two links of 1 / 0.625 = 1.6 ohm in series
    assert C.effective_resistance([[1.0, 4.0, 1.0]], (0, 0), (0, 2), neighbors=4) == (
        pytest.approx(3.2)
    )
    # every public function that takes the option defaults to the same constant
    import inspect

    from gpec_teach import scenarios

    functions = [
        C.raster_graph,
        C.pairwise_resistance,
        C.effective_resistance,
        C.one_to_all,
        C.all_to_one,
        C.advanced,
        C.pinch_points,
        C.omniscape,
        scenarios.evaluate_actions,
        scenarios.evaluate_combination,
    ]
    for func in functions:
        default = inspect.signature(func).parameters["connection"].default
        assert default == C.DEFAULT_CONNECTION, func.__name__


def test_diagonal_links_divided_by_sqrt2():
    # 2 x 2 grid of r = 2: edge links 1 / 2 = 0.5; diagonal links 0.5 / sqrt(2)
    g = C.raster_graph(np.full((2, 2), 2.0))
    assert len(g.conductance) == 6
    assert sorted(np.round(g.conductance, 12)) == sorted(
        np.round([0.5, 0.5, 0.5, 0.5, 0.5 / np.sqrt(2), 0.5 / np.sqrt(2)], 12)
    )
    assert len(C.raster_graph(np.full((2, 2), 2.0), neighbors=4).conductance) == 4


def test_nodata_and_barriers_are_absent():
    g = C.raster_graph([[1.0, NAN, np.inf, 1.0]])
    assert g.nodemap.tolist() == [[0, -1, -1, 1]]
    assert g.n_nodes == 2 and len(g.conductance) == 0


def test_short_circuit_region_is_one_node_even_over_nodata():
    # region 7 covers (0,0), (0,1) (nodata) and (0,2): one node; (0,3) its own
    r = [[1.0, NAN, 1.0, 1.0]]
    regions = [[7, 7, 7, 0]]
    g = C.raster_graph(r, short_circuit=regions)
    assert g.nodemap.tolist() == [[0, 0, 0, 1]]
    # a region with no valid cell stays absent
    g = C.raster_graph([[1.0, NAN, 1.0]], short_circuit=[[0, 5, 0]])
    assert g.nodemap.tolist() == [[0, -1, 1]]


def test_laplacian_rows_sum_to_zero():
    g = C.raster_graph(random_grid((6, 7), 1))
    lap = g.laplacian()
    np.testing.assert_allclose(np.asarray(lap.sum(axis=1)).ravel(), 0, atol=1e-12)
    assert (lap != lap.T).nnz == 0


def test_conductance_input_equals_inverse_resistance():
    r = random_grid((5, 5), 2)
    a = C.effective_resistance(r, (0, 0), (4, 4))
    b = C.effective_resistance(1 / r, (0, 0), (4, 4), values="conductance")
    assert a == pytest.approx(b, rel=1e-12)


# ------------------------------------------------------------ textbook circuits
def test_series_resistors_strip():
    # 1 x 3 strip r = 1, 3, 5 with 4 neighbours, average resistance: links of
    # (1+3)/2 = 2 and (3+5)/2 = 4 ohm in series -> 6 ohm
    r = [[1.0, 3.0, 5.0]]
    assert C.effective_resistance(r, (0, 0), (0, 2), neighbors=4, connection="resistance") == (
        pytest.approx(6.0)
    )
    # average conductance (the default): links of 1 / ((1 + 1/3) / 2) = 1.5 and
    # 1 / ((1/3 + 1/5) / 2) = 3.75 ohm in series -> 5.25 ohm
    assert C.effective_resistance(r, (0, 0), (0, 2), neighbors=4) == pytest.approx(5.25)


def test_parallel_resistors_network():
    # 2 ohm and 3 ohm in parallel: 2 * 3 / (2 + 3) = 1.2 ohm
    out = C.network_pairwise([(1, 2, 2.0), (2, 1, 3.0)], [1, 2], values="resistance")
    assert out.resistances.loc[1, 2] == pytest.approx(1.2)


def test_wheatstone_bridge_balanced_carries_no_bridge_current():
    # balanced bridge: 1-2 and 2-4 are 1 ohm, 1-3 and 3-4 are 2 ohm, bridge 2-3.
    # v2 = v3, so no current on 2-3; R = (1+1) || (2+2) = 2 * 4 / 6 = 4/3
    edges = [(1, 2, 1), (2, 4, 1), (1, 3, 2), (3, 4, 2), (2, 3, 5)]
    out = C.network_pairwise(edges, [1, 4], values="resistance")
    assert out.resistances.loc[1, 4] == pytest.approx(4 / 3)
    branch = out.branch_currents[(1, 4)].set_index(["node_a", "node_b"])["current"]
    assert branch.loc[(2, 3)] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("b", "expected"),
    [((50, 51), 0.5), ((51, 51), 2 / np.pi), ((50, 52), 2 - 4 / np.pi)],
)
def test_uniform_grid_matches_infinite_lattice(b, expected):
    # Unit resistors on an infinite square lattice: R = 1/2 between neighbours,
    # 2/pi across a diagonal, 2 - 4/pi two steps apart (classic results). A
    # 101 x 101 grid is within 3e-4 of them.
    r = np.ones((101, 101))
    assert C.effective_resistance(r, (50, 50), b, neighbors=4) == pytest.approx(expected, abs=3e-4)


# ------------------------------------------------------------- cross-checks
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_network_matches_networkx_resistance_distance(seed):
    rng = np.random.default_rng(seed)
    graph = nx.connected_watts_strogatz_graph(12, 4, 0.3, seed=seed)
    for u, v in graph.edges:
        graph[u][v]["g"] = float(rng.uniform(0.1, 3.0))
    edges = [(u, v, d["g"]) for u, v, d in graph.edges(data=True)]
    nodes = [0, 3, 7, 11]
    out = C.network_pairwise(edges, nodes)
    for a in nodes:
        for b in nodes:
            if a < b:
                expected = nx.resistance_distance(graph, a, b, weight="g", invert_weight=False)
                assert out.resistances.loc[a, b] == pytest.approx(expected, rel=1e-9)


def test_raster_matches_networkx_on_its_own_graph():
    r = random_grid((5, 6), 3)
    g = C.raster_graph(r)
    graph = nx.Graph()
    for i, j, w in zip(g.i, g.j, g.conductance, strict=True):
        graph.add_edge(int(i), int(j), g=float(w))
    ours = C.effective_resistance(r, (0, 0), (4, 5))
    theirs = nx.resistance_distance(
        graph, int(g.nodemap[0, 0]), int(g.nodemap[4, 5]), weight="g", invert_weight=False
    )
    assert ours == pytest.approx(theirs, rel=1e-9)


def test_superposition_equals_independent_solves():
    r = random_grid((15, 17), 4)
    pts = [(0, 0), (14, 16), (7, 3), (2, 12), (10, 8)]
    out = C.pairwise_resistance(r, pts, current_maps=False)
    for a in range(5):
        for b in range(a + 1, 5):
            single = C.effective_resistance(r, pts[a], pts[b])
            assert out.resistances.iloc[a, b] == pytest.approx(single, rel=1e-10)


def test_amg_and_direct_agree():
    r = random_grid((40, 40), 5, high=100.0)
    pts = [(0, 0), (39, 39), (20, 5)]
    d = C.pairwise_resistance(r, pts, solver="direct")
    a = C.pairwise_resistance(r, pts, solver="amg", rtol=1e-10)
    assert d.solver == "direct" and a.solver == "amg"
    np.testing.assert_allclose(a.resistances, d.resistances, rtol=1e-8)
    np.testing.assert_allclose(a.cumulative_current, d.cumulative_current, atol=1e-8)


# ---------------------------------------------------------------- invariants
def test_kirchhoff_current_law_at_every_node():
    # L v = e_b - e_a: net current out of every node is 0, except +1 A at b
    # (injection) and -1 A at a (extraction).
    r = random_grid((20, 25), 6)
    r[5:15, 10] = np.inf  # a barrier wall
    r[0, 0:3] = NAN
    out = C.pairwise_resistance(r, [(2, 2), (18, 23)], pair_maps=True)
    g = out.graph
    v = g.to_raster(np.zeros(g.n_nodes))  # shape only
    volt = out.voltage_maps[(1, 2)]
    node_v = np.zeros(g.n_nodes)
    node_v[g.nodemap[g.nodemap >= 0]] = volt[g.nodemap >= 0]
    flow = g.conductance * (node_v[g.i] - node_v[g.j])
    net_out = np.bincount(g.i, flow, g.n_nodes) - np.bincount(g.j, flow, g.n_nodes)
    expected = np.zeros(g.n_nodes)
    expected[g.nodemap[18, 23]] = 1.0
    expected[g.nodemap[2, 2]] = -1.0
    np.testing.assert_allclose(net_out, expected, atol=1e-10)
    assert v.shape == r.shape


def test_focal_cell_carries_full_injected_current():
    # Regression for the Circuitscape pitfall: half the sum of absolute link
    # currents gives 0.5 A at a focal cell; Circuitscape shows the full 1 A.
    r = random_grid((9, 9), 7)
    out = C.pairwise_resistance(r, [(1, 1), (7, 7)], pair_maps=True)
    cur = out.current_maps[(1, 2)]
    assert cur[1, 1] == pytest.approx(1.0) and cur[7, 7] == pytest.approx(1.0)
    # elsewhere: half the sum of absolute incident currents
    g = out.graph
    volt = out.voltage_maps[(1, 2)]
    v = np.zeros(g.n_nodes)
    v[g.nodemap.ravel()] = volt.ravel()
    f = np.abs(g.conductance * (v[g.i] - v[g.j]))
    half = 0.5 * (np.bincount(g.i, f, g.n_nodes) + np.bincount(g.j, f, g.n_nodes))
    node = g.nodemap[4, 3]
    assert cur[4, 3] == pytest.approx(half[node], rel=1e-9)


def test_resistance_is_a_metric_and_obeys_rayleigh_monotonicity():
    r = random_grid((12, 12), 8)
    pts = [(0, 0), (11, 11), (0, 11), (6, 6)]
    R = C.pairwise_resistance(r, pts, current_maps=False).resistances.to_numpy()
    np.testing.assert_allclose(R, R.T)
    for a in range(4):
        for b in range(4):
            for c in range(4):
                assert R[a, c] <= R[a, b] + R[b, c] + 1e-12
    lower = r.copy()
    lower[3:9, 3:9] /= 2  # Rayleigh: lowering resistances never raises R
    R2 = C.pairwise_resistance(lower, pts, current_maps=False).resistances.to_numpy()
    assert np.all(R2 <= R + 1e-12)


def test_cumulative_current_is_sum_of_pair_maps_and_max_is_max():
    r = random_grid((10, 10), 9)
    out = C.pairwise_resistance(r, [(0, 0), (9, 9), (0, 9)], pair_maps=True)
    maps = np.stack(list(out.current_maps.values()))
    np.testing.assert_allclose(out.cumulative_current, maps.sum(axis=0))
    np.testing.assert_allclose(out.max_current, maps.max(axis=0))


# ----------------------------------------------------------- disconnected and regions
def test_disconnected_pairs_are_infinite():
    # Issue 18: "no path" is inf in every Python result (-1 only in Circuitscape files,
    # see test_circuitscape_reference); the table used to say -1.
    r = np.ones((3, 5))
    r[:, 2] = NAN  # a column of nodata splits the grid
    out = C.pairwise_resistance(r, [(0, 0), (2, 1), (1, 4)])
    assert out.resistances.loc[1, 3] == np.inf and out.resistances.loc[2, 3] == np.inf
    assert out.resistances.loc[1, 2] > 0
    assert C.effective_resistance(r, (0, 0), (1, 4)) == float("inf")


def test_points_in_one_region_have_zero_resistance():
    r = np.ones((3, 4))
    r[0, 1] = 0.0  # zero resistance is fine inside a short-circuit region
    regions = np.zeros((3, 4), int)
    regions[0, :3] = 1
    out = C.pairwise_resistance(
        r, [(0, 0), (0, 2), (2, 3)], short_circuit=regions, connection="resistance"
    )
    assert out.resistances.loc[1, 2] == 0.0
    assert out.resistances.loc[1, 3] == pytest.approx(out.resistances.loc[2, 3])


def test_focal_regions_are_short_circuited_per_pair():
    # region 1 = both ends of the top row: current can enter at either end
    r = np.ones((1, 5))
    out = C.pairwise_resistance(r, {1: [(0, 0), (0, 4)], 2: (0, 2)}, neighbors=4)
    # two 2-ohm routes in parallel -> 1 ohm
    assert out.resistances.loc[1, 2] == pytest.approx(1.0)


def test_pairs_option_restricts_the_solves():
    r = random_grid((6, 6), 10)
    out = C.pairwise_resistance(r, [(0, 0), (5, 5), (0, 5)], pairs=[(1, 3)])
    # a pair left out is not computed (NaN), which is not the same as "no path" (inf)
    assert np.isnan(out.resistances.loc[1, 2]) and out.resistances.loc[1, 3] > 0


# ------------------------------------------------------------- other modes
def test_one_to_all_matches_advanced_with_direct_grounds():
    r = random_grid((8, 9), 11)
    pts = [(0, 0), (7, 8), (3, 4), (0, 8)]
    out = C.one_to_all(r, pts, source_strengths={2: 3.0}, id_maps=True)
    for k, (sr, sc) in enumerate(pts, start=1):
        src = np.zeros_like(r)
        src[sr, sc] = 3.0 if k == 2 else 1.0
        gnd = np.full_like(r, NAN)
        for m, (gr, gc) in enumerate(pts, start=1):
            if m != k:
                gnd[gr, gc] = 0.0  # direct ground
        adv = C.advanced(r, src, gnd)
        assert out.resistances.loc[k] == pytest.approx(adv.voltage[sr, sc] / src[sr, sc])
        np.testing.assert_allclose(out.current_maps[k], adv.current, atol=1e-10)
        np.testing.assert_allclose(out.voltage_maps[k], adv.voltage, atol=1e-10)


def test_all_to_one_matches_advanced():
    r = random_grid((7, 7), 12)
    pts = [(0, 0), (6, 6), (3, 0)]
    out = C.all_to_one(r, pts, id_maps=True)
    for k, (tr, tc) in enumerate(pts, start=1):
        src = np.zeros_like(r)
        for m, (sr, sc) in enumerate(pts, start=1):
            if m != k:
                src[sr, sc] = 1.0
        gnd = np.full_like(r, NAN)
        gnd[tr, tc] = 0.0
        adv = C.advanced(r, src, gnd)
        np.testing.assert_allclose(out.current_maps[k], adv.current, atol=1e-10)
    assert out.resistances is None


def test_one_to_all_isolated_id_is_infinite():
    r = np.ones((1, 5))
    r[0, 2] = NAN
    out = C.one_to_all(r, [(0, 0), (0, 1), (0, 4)], neighbors=4)
    assert out.resistances.loc[3] == np.inf
    assert out.resistances.loc[1] == pytest.approx(1.0)


def test_advanced_finite_ground_hand_worked():
    # 1 A into the left cell, a 2-ohm ground on the right cell, one 1-ohm link:
    # v_right = 1 A * 2 ohm = 2 V, v_left = 2 + 1 = 3 V
    out = C.advanced([[1.0, 1.0]], [[1.0, 0.0]], [[NAN, 2.0]], neighbors=4)
    np.testing.assert_allclose(out.voltage, [[3.0, 2.0]])
    np.testing.assert_allclose(out.current, [[1.0, 1.0]])
    # the same ground given as a conductance of 0.5 S
    out = C.advanced([[1.0, 1.0]], [[1.0, 0.0]], [[NAN, 0.5]], ground_is="conductance")
    np.testing.assert_allclose(out.voltage, [[3.0, 2.0]])


def test_advanced_conflict_policies():
    r = [[1.0, 1.0, 1.0]]
    src = [[1.0, 0.0, 1.0]]
    gnd = [[NAN, NAN, 1.0]]  # node 3 is source and 1-ohm ground
    keep = C.advanced(r, src, gnd, neighbors=4)
    # keepall: 2 A leave through the ground: v3 = 2 V, v2 = 3, v1 = 4
    np.testing.assert_allclose(keep.voltage, [[4.0, 3.0, 2.0]])
    no_src = C.advanced(r, src, gnd, neighbors=4, policy="rmvsrc")
    np.testing.assert_allclose(no_src.voltage, [[3.0, 2.0, 1.0]])
    with pytest.raises(ValueError, match="No ground is left after resolving"):
        C.advanced(r, src, gnd, neighbors=4, policy="rmvgnd")


def test_advanced_component_without_ground_has_nan_voltage():
    r = [[1.0, 1.0, NAN, 1.0, 1.0]]
    out = C.advanced(r, [[1, 0, 0, 1, 0]], [[NAN, 0.0, NAN, NAN, NAN]], neighbors=4)
    assert np.isnan(out.voltage[0, 3]) and out.current[0, 3] == 0.0
    assert out.voltage[0, 0] == pytest.approx(1.0)


def test_network_advanced_reference_square():
    # mgNetworkVerify1: voltages 75 / 50 / 0 / 25, branch currents 0.25 / 0.75
    edges = pd.DataFrame({"a": [0, 0, 1, 2], "b": [1, 2, 3, 3], "r": [100.0] * 4})
    out = C.network_advanced(edges, [(0, 1.0)], [(2, 0.0)], values="resistance")
    np.testing.assert_allclose(out.voltages.to_numpy(), [75, 50, 0, 25])
    np.testing.assert_allclose(out.node_currents.to_numpy(), [1, 0.25, 1, 0.25])
    np.testing.assert_allclose(out.branch_currents["current"], [0.25, 0.75, 0.25, 0.25])


def test_network_cumulative_currents_sum_pairs():
    edges = [(0, 1, 1.0), (1, 2, 2.0), (2, 0, 1.0), (2, 3, 1.0), (5, 6, 1.0)]
    out = C.network_pairwise(edges, [0, 3, 5, 6])
    assert out.resistances.loc[0, 5] == np.inf
    total = sum(
        s.reindex(out.cumulative_node_currents.index, fill_value=0)
        for s in out.node_currents.values()
    )
    np.testing.assert_allclose(out.cumulative_node_currents, total)


# ------------------------------------------------------------------- pinch points
def test_pinch_points_restrict_current_to_corridor():
    r = np.ones((5, 7))
    cores = np.zeros((5, 7))
    cores[:, 0] = 1
    cores[:, 6] = 2
    corridor = np.zeros((5, 7), bool)
    corridor[1:4, :] = True
    corridor[1, 3] = corridor[3, 3] = False  # the corridor narrows to one cell
    out = C.pinch_points(r, cores, corridor, neighbors=4)
    assert np.isnan(out.current[0, 3])  # outside the corridor
    assert out.current[2, 3] == pytest.approx(1.0)  # all current through the pinch
    full = C.pairwise_resistance(r, cores.astype(int), neighbors=4)
    assert out.resistances.loc[1, 2] > full.resistances.loc[1, 2]


def test_pinch_points_from_normalised_corridor_and_cutoff():
    r = np.ones((5, 7))
    cores = np.zeros((5, 7))
    cores[:, 0] = 1
    cores[:, 6] = 2
    nlcc = np.abs(np.arange(5) - 2)[:, None] * np.ones((1, 7)) * 10.0  # 0 on row 2
    out = C.pinch_points(r, cores, nlcc, cutoff=10.0, neighbors=4)
    assert out.corridor[1:4, 1:6].all() and not out.corridor[0, 3]
    with pytest.raises(ValueError, match="give cutoff="):
        C.pinch_points(r, cores, nlcc)


# ------------------------------------------------------------------------ omniscape
def test_omniscape_matches_manual_moving_window():
    # independent check: one advanced() run per target on the clipped window.
    # Omniscape.jl's rule: the window spans rows max(ty - radius, 0) .. ty + radius;
    # the source switched off is the one at the window's nominal centre (radius cells
    # from its first row and column), which is the target itself except near the top
    # and left edges; a source left on the grounded target is dropped (policy rmvsrc)
    # after the shares are computed.
    r = random_grid((6, 7), 13)
    s = random_grid((6, 7), 14, low=0.0, high=1.0)
    radius = 2
    out = C.omniscape(r, s, radius=radius, flow_potential=False)
    cum = np.zeros_like(r)
    yy, xx = np.mgrid[0:6, 0:7]
    for ty in range(6):
        for tx in range(7):
            circle = np.hypot(yy - ty, xx - tx) <= radius
            src = np.where(circle, s, 0.0)
            cy, cx = max(ty - radius, 0) + radius, max(tx - radius, 0) + radius
            if cy < 6 and cx < 7:
                src[cy, cx] = 0.0
            src *= s[ty, tx] / src.sum()
            gnd = np.full_like(r, NAN)
            gnd[ty, tx] = 0.0
            adv = C.advanced(
                np.where(circle, r, NAN), src, gnd, connection="conductance", policy="rmvsrc"
            )
            cum += np.nan_to_num(adv.current)
    np.testing.assert_allclose(out.cumulative_current, cum, rtol=1e-9)


def test_omniscape_uniform_landscape_normalises_to_one():
    out = C.omniscape(np.ones((9, 9)), np.ones((9, 9)), radius=3, null_window="circle")
    np.testing.assert_allclose(out.normalized_current, 1.0, rtol=1e-9)
    square = C.omniscape(np.ones((9, 9)), np.ones((9, 9)), radius=3)
    assert np.all(np.isfinite(square.normalized_current))


def test_omniscape_blocks_and_barrier():
    r = np.ones((15, 15))
    r[:, 7] = 100.0  # a high-resistance wall
    s = np.ones((15, 15))
    out = C.omniscape(r, s, radius=4, block_size=3)
    assert out.n_targets == 25
    cur = out.cumulative_current
    assert cur[:, 7].mean() < cur[:, 3].mean()
    assert np.all(out.normalized_current[:, 7] < 1.0)


# --------------------------------------------------------------------------- solver
def test_solver_choice_and_convergence_error():
    r = random_grid((30, 30), 15, high=1e4)
    assert C.pairwise_resistance(r, [(0, 0), (29, 29)]).solver == "direct"
    with pytest.raises(C.ConvergenceError, match="relative residual"):
        C.pairwise_resistance(r, [(0, 0), (29, 29)], solver="amg", maxiter=1, rtol=1e-12)


def test_laplacian_solver_rejects_bad_input():
    with pytest.raises(TypeError, match="square scipy.sparse matrix"):
        C.LaplacianSolver(np.eye(3))
    with pytest.raises(ValueError, match="solver must be one of"):
        C.LaplacianSolver(sp.eye(3), solver="cholmod")
    solver = C.LaplacianSolver(sp.eye(3).tocsr(), solver="amg")
    with pytest.raises(ValueError, match="rhs must have 3 rows"):
        solver.solve(np.ones(4))


def test_node_currents_kernel_hand_worked():
    # path 0 - 1 - 2 with unit conductances, v = 2, 1, 0: 1 A flows through all
    cur = L.node_currents(3, np.array([0, 1]), np.array([1, 2]), np.ones(2), np.array([2.0, 1, 0]))
    np.testing.assert_allclose(cur, [1, 1, 1])


# ----------------------------------------------------------------- georeferenced
def _dataarray(values, crs="EPSG:3035"):
    import rioxarray  # noqa: F401
    import xarray as xr

    ny, nx_ = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000.0 - 100.0 * (np.arange(ny) + 0.5), "x": 100.0 * (np.arange(nx_) + 0.5)},
    )
    return da.rio.write_crs(crs)


def test_dataarray_in_dataarray_out_and_xy_points():
    r = random_grid((6, 6), 16)
    da = _dataarray(r)
    out = C.pairwise_resistance(da, [(50.0, 950.0), (550.0, 450.0)])  # (x, y)
    ref = C.pairwise_resistance(r, [(0, 0), (5, 5)])
    assert out.resistances.loc[1, 2] == pytest.approx(ref.resistances.loc[1, 2])
    assert out.cumulative_current.rio.crs == da.rio.crs
    np.testing.assert_allclose(out.cumulative_current.values, ref.cumulative_current)


def test_points_in_another_crs_are_an_error():
    import geopandas as gpd
    from shapely.geometry import Point

    da = _dataarray(random_grid((4, 4), 17))
    pts = gpd.GeoDataFrame(geometry=[Point(50, 950), Point(350, 650)], crs="EPSG:32633")
    with pytest.raises(ValueError, match=r"resistance: EPSG:3035, focal: EPSG:32633"):
        C.pairwise_resistance(da, pts)
    ok = gpd.GeoDataFrame(
        {"id": [1, 2]}, geometry=[Point(50, 950), Point(350, 650)], crs="EPSG:3035"
    )
    assert C.pairwise_resistance(da, ok).resistances.loc[1, 2] > 0


def test_geographic_crs_refused():
    da = _dataarray(random_grid((4, 4), 18), crs="EPSG:4326")
    with pytest.raises(ValueError, match=r"geographic CRS.*rio\.reproject"):
        C.effective_resistance(da, (0, 0), (3, 3))


# ------------------------------------------------------------------------ bad input
def test_error_non_2d_grid():
    with pytest.raises(ValueError, match="must be a 2-D grid"):
        C.effective_resistance([1.0, 2.0, 3.0], (0, 0), (0, 2))


def test_error_non_numeric_grid():
    with pytest.raises(TypeError, match="must be a numeric 2-D grid"):
        C.raster_graph([["a", "b"], ["c", "d"]])


def test_error_everything_nodata():
    with pytest.raises(ValueError, match="no valid cell"):
        C.raster_graph(np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="no valid cell"):
        C.raster_graph(np.zeros((2, 2)), values="conductance")


def test_error_negative_resistance():
    with pytest.raises(ValueError, match=r"negative cell\(s\), first at \(row, col\)=\(0, 1\)"):
        C.raster_graph([[1.0, -2.0]])


def test_error_zero_resistance_outside_region():
    with pytest.raises(ValueError, match="zero-resistance cell"):
        C.raster_graph([[1.0, 0.0]])
    g = C.raster_graph([[1.0, 0.0, 0.0]], short_circuit=[[0, 1, 1]], connection="resistance")
    assert g.n_nodes == 2
    # average conductance: the link from a zero-resistance cell has infinite conductance
    with pytest.raises(ValueError, match="with connection='conductance'.*infinite conductance"):
        C.raster_graph([[1.0, 0.0, 0.0]], short_circuit=[[0, 1, 1]])


def test_error_focal_outside_grid():
    with pytest.raises(ValueError, match=r"focal point 2 at \(row, col\)=\(9, 9\) is outside"):
        C.pairwise_resistance(np.ones((3, 3)), [(0, 0), (9, 9)])


def test_error_focal_on_nodata():
    r = np.ones((3, 3))
    r[1, 1] = np.nan
    with pytest.raises(
        ValueError, match=r"focal point 2 at \(row, col\)=\(1, 1\) lies on a nodata"
    ):
        C.pairwise_resistance(r, [(0, 0), (1, 1)])
    with pytest.raises(ValueError, match=r"cell point 1 at \(row, col\)=\(1, 1\)"):
        C.effective_resistance(r, (1, 1), (0, 0))


def test_error_pairwise_needs_two_focal_ids():
    with pytest.raises(ValueError, match="at least two focal ids"):
        C.pairwise_resistance(np.ones((3, 3)), [(0, 0)])
    with pytest.raises(ValueError, match="at least two focal nodes"):
        C.network_pairwise([(1, 2, 1.0)], [1])


def test_error_unknown_options():
    with pytest.raises(ValueError, match="neighbors must be one of 8, 4. Got neighbors=6"):
        C.raster_graph(np.ones((2, 2)), neighbors=6)
    with pytest.raises(ValueError, match="connection must be one of 'resistance', 'conductance'"):
        C.pairwise_resistance(np.ones((2, 2)), [(0, 0), (1, 1)], connection="mean")
    with pytest.raises(ValueError, match="policy must be one of"):
        C.advanced(np.ones((1, 2)), [[1, 0]], [[NAN, 0]], policy="drop")


def test_error_bad_focal_specification():
    with pytest.raises(TypeError, match="focal point 1 must be a \\(row, col\\) pair"):
        C.pairwise_resistance(np.ones((3, 3)), [(0, 0, 0), (1, 1)])
    with pytest.raises(TypeError, match="must be a list of \\(row, col\\) cells"):
        C.pairwise_resistance(np.ones((3, 3)), 5)
    with pytest.raises(ValueError, match="pairs mentions focal id 9"):
        C.pairwise_resistance(np.ones((3, 3)), [(0, 0), (2, 2)], pairs=[(1, 9)])


def test_error_shape_mismatch():
    with pytest.raises(
        ValueError, match=r"short_circuit must have the shape of the resistance grid \(2, 2\)"
    ):
        C.raster_graph(np.ones((2, 2)), short_circuit=np.ones((3, 3)))
    with pytest.raises(ValueError, match="sources must have the shape"):
        C.advanced(np.ones((2, 2)), np.ones((1, 2)), np.zeros((2, 2)))


def test_error_network_input():
    with pytest.raises(
        ValueError, match=r"every resistance must be a positive finite number. Got -1.0"
    ):
        C.network_pairwise([(1, 2, -1.0), (2, 3, 1.0)], [1, 3], values="resistance")
    with pytest.raises(ValueError, match="focal_nodes node 7 is not in the network"):
        C.network_pairwise([(1, 2, 1.0)], [1, 7])
    with pytest.raises(ValueError, match="must be a \\(k, 3\\) table"):
        C.network_pairwise(np.ones((2, 2)), [1, 2])


def test_error_omniscape_options():
    with pytest.raises(ValueError, match="block_size must be a positive odd integer"):
        C.omniscape(np.ones((5, 5)), np.ones((5, 5)), radius=3, block_size=2)
    with pytest.raises(ValueError, match="radius must be a positive integer"):
        C.omniscape(np.ones((5, 5)), np.ones((5, 5)), radius=0)
    with pytest.raises(ValueError, match="sources must be non-negative"):
        C.omniscape(np.ones((5, 5)), -np.ones((5, 5)), radius=2)


def test_error_omniscape_new_options():
    ones = np.ones((5, 5))
    with pytest.raises(ValueError, match="buffer must be a non-negative integer"):
        C.omniscape(ones, ones, radius=2, buffer=-1)
    with pytest.raises(ValueError, match="precision must be one of 'double', 'single'"):
        C.omniscape(ones, ones, radius=2, precision="half")
    with pytest.raises(TypeError, match="conditions must be an OmniscapeCondition"):
        C.omniscape(ones, ones, radius=2, conditions="temperature")
    with pytest.raises(TypeError, match="conditions\\[0\\] must be an OmniscapeCondition"):
        C.omniscape(ones, ones, radius=2, conditions=[ones])
    bad = C.OmniscapeCondition(ones, comparison="near")
    with pytest.raises(ValueError, match="comparison must be one of 'within', 'equal'"):
        C.omniscape(ones, ones, radius=2, conditions=bad)
    with pytest.raises(ValueError, match="lower \\(1\\) must not exceed upper"):
        C.omniscape(ones, ones, radius=2, conditions=C.OmniscapeCondition(ones, lower=1))
    with pytest.raises(ValueError, match="must have the shape of the resistance grid"):
        C.omniscape(ones, ones, radius=2, conditions=C.OmniscapeCondition(np.ones((2, 2))))


def test_omniscape_conditions_buffer_and_single_precision():
    rng = np.random.default_rng(7)
    r = rng.uniform(1, 10, (9, 9))
    s = rng.uniform(0, 1, (9, 9))
    base = C.omniscape(r, s, radius=3, flow_potential=False)
    # a condition every source meets changes nothing; one no source meets removes all
    same = C.OmniscapeCondition(np.zeros((9, 9)), lower=-1, upper=1)
    out = C.omniscape(r, s, radius=3, flow_potential=False, conditions=same)
    np.testing.assert_allclose(out.cumulative_current, base.cumulative_current, rtol=1e-12)
    split = np.where(np.arange(9) < 5, 0.0, 10.0)[None, :] * np.ones((9, 1))
    none = C.OmniscapeCondition(split, future=np.full((9, 9), 5.0), comparison="equal")
    assert C.omniscape(r, s, radius=3, flow_potential=False, conditions=none).n_targets == 0
    # a buffer adds resistance cells around the circle: more paths, same targets
    wide = C.omniscape(r, s, radius=3, buffer=2, flow_potential=False)
    assert wide.n_targets == base.n_targets
    assert not np.allclose(wide.cumulative_current, base.cumulative_current)
    single = C.omniscape(r, s, radius=3, precision="single")
    assert single.cumulative_current.dtype == np.float32
    np.testing.assert_allclose(
        single.cumulative_current,
        C.omniscape(r.astype(np.float32), s.astype(np.float32), radius=3).cumulative_current,
        rtol=1e-6,
    )


def test_no_warning_on_plain_arrays():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C.pairwise_resistance(np.ones((3, 3)), [(0, 0), (2, 2)])


def test_error_touching_zero_resistance_regions():
    regions = [[1, 2]]
    with pytest.raises(ValueError, match="Give the touching regions one label"):
        C.raster_graph([[0.0, 0.0]], short_circuit=regions, connection="resistance")


def test_amg_singular_laplacian_with_components_and_isolated_cells():
    # The multigrid path solves the singular Laplacian with consistent
    # right-hand sides; components, isolated cells and inf pairs must match LU.
    r = random_grid((30, 30), 19)
    r[:, 15] = np.nan  # two halves
    r[5, 5] = 1.0
    r[4:7, 4:7][[0, 0, 0, 1, 1, 2, 2, 2], [0, 1, 2, 0, 2, 0, 1, 2]] = np.nan  # isolated cell
    pts = [(0, 0), (29, 14), (0, 29), (29, 16), (10, 10)]
    d = C.pairwise_resistance(r, pts, solver="direct", neighbors=4)
    a = C.pairwise_resistance(r, pts, solver="amg", rtol=1e-10, neighbors=4)
    np.testing.assert_allclose(a.resistances, d.resistances, rtol=1e-7)
    assert d.resistances.loc[1, 3] == np.inf
    np.testing.assert_allclose(a.cumulative_current, d.cumulative_current, atol=1e-7)
    adv_d = C.all_to_one(r, pts, solver="direct", neighbors=4)
    adv_a = C.all_to_one(r, pts, solver="amg", rtol=1e-10, neighbors=4)
    np.testing.assert_allclose(adv_a.cumulative_current, adv_d.cumulative_current, atol=1e-7)
    o_d = C.one_to_all(r, pts, solver="direct", neighbors=4)
    o_a = C.one_to_all(r, pts, solver="amg", rtol=1e-10, neighbors=4)
    np.testing.assert_allclose(o_a.resistances, o_d.resistances, rtol=1e-7)


def test_three_column_table():
    out = C.pairwise_resistance(np.ones((1, 3)), [(0, 0), (0, 1), (0, 2)], neighbors=4)
    table = out.three_columns()
    # unit links: R(1,2) = 1, R(1,3) = 2, R(2,3) = 1
    assert table.values.tolist() == [[1, 2, 1.0], [1, 3, 2.0], [2, 3, 1.0]]


def test_amg_two_components_tight_tolerance_regression():
    # Regression: the coarsest AMG level of a singular two-component Laplacian is
    # singular; without truncating its round-off singular values the
    # preconditioner amplified constants by ~1e16 and CG diverged at rtol=1e-10.
    r = random_grid((30, 30), 19)
    r[:, 15] = np.nan
    pts = [(0, 0), (29, 14), (0, 29), (29, 16), (10, 10)]
    d = C.pairwise_resistance(r, pts, solver="direct", neighbors=4)
    a = C.pairwise_resistance(r, pts, solver="amg", rtol=1e-10, neighbors=4)
    np.testing.assert_allclose(a.resistances, d.resistances, rtol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_amg_on_networks_with_several_components(seed):
    # Regression: CG on a singular multi-component Laplacian used to diverge for
    # some pyamg hierarchies; the preconditioner is now projected per component.
    rng = np.random.default_rng(seed)
    parts = [nx.connected_watts_strogatz_graph(15, 4, 0.3, seed=seed + k) for k in range(3)]
    graph = nx.disjoint_union_all(parts)
    edges = [(u, v, float(rng.uniform(0.05, 5.0))) for u, v in graph.edges]
    focal = [0, 3, 7, 15, 20, 30, 44]
    d = C.network_pairwise(edges, focal, solver="direct")
    a = C.network_pairwise(edges, focal, solver="amg", rtol=1e-10)
    np.testing.assert_allclose(a.resistances, d.resistances, rtol=1e-7)
    np.testing.assert_allclose(a.cumulative_node_currents, d.cumulative_node_currents, atol=1e-7)


def test_all_to_one_injects_one_amp_per_focal_id_not_per_cell():
    # Regression: a focal region of two cells (id 1) injected 2 A. Circuitscape shorts a
    # region into one node and injects 1 A per id. Strip of four 1-ohm cells, 4 neighbours,
    # id 1 = cells 0-1, id 2 = cell 3. Sink at id 2: 1 A flows from the region through
    # cell 2 into cell 3, so the current map reads 1 A at cells 2 and 3 (the ground).
    from gpec_teach.circuit import all_to_one

    out = all_to_one(np.ones((1, 4)), np.array([[1, 1, 0, 2]]), neighbors=4, id_maps=True)
    assert out.current_maps[2][0, 2] == pytest.approx(1.0)
    assert out.current_maps[2][0, 3] == pytest.approx(1.0)


def test_grounds_dataarray_with_encoded_nodata_is_masked():
    # Regression: _aligned read grounds/sources DataArrays raw (with keep_inf), so their
    # nodata value (rio.nodata = -9999 here) was taken as a ground of conductance -9999.
    # The one raster adapter masks it: the -9999 cell is no ground at all.
    # Through the public API: a 2 x 2 grid of 1-ohm cells (4 neighbours), 1 A into
    # (1, 1), grounds of 1 ohm at (0, 1) and -9999 (nodata) at (0, 0). Were -9999 read
    # as a ground, current would also leave through (0, 0); masked, none does, and
    # the one real ground takes the whole 1 A.
    src = _dataarray(np.array([[0.0, 0.0], [0.0, 1.0]]))
    grounds = _dataarray(np.array([[-9999.0, 1.0], [NAN, NAN]])).rio.write_nodata(-9999.0)
    out = C.advanced(_dataarray(np.ones((2, 2))), src, grounds, neighbors=4)
    assert float(out.current.values[0, 0]) == pytest.approx(0.25)  # on the detour only
    # (1, 1) -> (0, 1) direct (1 ohm) and via (1, 0), (0, 0) (3 ohm): 0.75 A and 0.25 A
    # reach (0, 1); 1 ohm to ground there: v(0, 1) = 1 V
    assert float(out.voltage.values[0, 1]) == pytest.approx(1.0)


# ---------------------------------------------- focal GeoDataFrames (issue 18)
def _strip_polygons(ids, **columns):
    """Two rectangles over columns 0-1 and 4-5 of a 2 x 6 grid of 100 m cells (y 800-1000)."""
    import geopandas as gpd
    from shapely.geometry import box

    geoms = [box(0, 800, 200, 1000), box(400, 800, 600, 1000)]
    return gpd.GeoDataFrame(
        {**columns, "id": ids} if ids else columns, geometry=geoms, crs="EPSG:3035"
    )


def test_focal_polygons_are_focal_regions():
    # Each polygon's cells become one focal region (short-circuited into one node).
    # 2 x 6 grid of 1-ohm cells, 4 neighbors: region 7 = columns 0-1, region 9 = columns
    # 4-5; between them two rows, each three 1-ohm links in series (3 ohm), in parallel
    # (the vertical links carry nothing by symmetry): 3 / 2 = 1.5 ohm.
    da = _dataarray(np.ones((2, 6)))
    out = C.pairwise_resistance(da, _strip_polygons([7, 9]), neighbors=4)
    assert list(out.resistances.index) == [7, 9]
    assert out.resistances.loc[7, 9] == pytest.approx(1.5)
    grid = C.pairwise_resistance(da, np.array([[7, 7, 0, 0, 9, 9]] * 2), neighbors=4)
    np.testing.assert_allclose(out.cumulative_current.values, grid.cumulative_current.values)
    # one-to-all shorts them too: 1 A from region 7 to region 9 over the same 1.5 ohm
    o2a = C.one_to_all(da, _strip_polygons([7, 9]), neighbors=4)
    assert o2a.resistances.loc[7] == pytest.approx(1.5)


def test_focal_geodataframe_without_id_column_raises():
    # Regression: a GeoDataFrame without an "id" column was numbered 1..n silently, so
    # results could not be merged back on the user's own ids.
    da = _dataarray(np.ones((2, 6)))
    focal = _strip_polygons(None, name=["a", "b"])
    with pytest.raises(
        ValueError, match=r"focal has no column id_column='id'.*Columns: \['name'\]"
    ):
        C.pairwise_resistance(da, focal, neighbors=4)


def test_focal_id_column_and_index():
    da = _dataarray(np.ones((2, 6)))
    named = _strip_polygons(None, core=[3, 5])
    out = C.pairwise_resistance(da, named, id_column="core", neighbors=4)
    assert list(out.resistances.index) == [3, 5]
    indexed = _strip_polygons(None).set_axis([11, 12])
    assert list(C.pairwise_resistance(da, indexed, id_column=None).resistances.index) == [11, 12]
    with pytest.raises(
        ValueError, match=r"focal ids \(index\) must be positive integers. Got \[0, 1\]"
    ):
        C.pairwise_resistance(da, _strip_polygons(None), id_column=None)


def test_focal_polygon_without_cell_centre_raises():
    import geopandas as gpd
    from shapely.geometry import box

    da = _dataarray(np.ones((2, 6)))
    tiny = gpd.GeoDataFrame(
        {"id": [1, 2]}, geometry=[box(0, 800, 200, 1000), box(410, 910, 420, 920)], crs="EPSG:3035"
    )
    with pytest.raises(ValueError, match="focal polygon 2 covers no cell centre"):
        C.pairwise_resistance(da, tiny)


def test_focal_lines_are_refused():
    import geopandas as gpd
    from shapely.geometry import LineString

    da = _dataarray(np.ones((2, 6)))
    lines = gpd.GeoDataFrame(
        {"id": [1, 2]}, geometry=[LineString([(0, 950), (100, 950)])] * 2, crs="EPSG:3035"
    )
    with pytest.raises(ValueError, match="focal must hold point or polygon geometries"):
        C.pairwise_resistance(da, lines)


def test_results_are_frozen_with_tables():
    import dataclasses

    out = C.pairwise_resistance(np.ones((1, 3)), [(0, 0), (0, 2)], neighbors=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.solver = "amg"
    # two 1-ohm links in series
    assert out.to_frame().to_dict("records") == [{"id_a": 1, "id_b": 2, "resistance": 2.0}]
    o2a = C.one_to_all(np.ones((1, 3)), [(0, 0), (0, 2)], neighbors=4)
    assert o2a.to_frame().to_dict("records") == [
        {"focal_id": 1, "resistance": 2.0},
        {"focal_id": 2, "resistance": 2.0},
    ]
    net = C.network_pairwise([(1, 2, 1.0), (3, 4, 1.0)], [1, 2, 3])
    table = net.to_frame().set_index(["id_a", "id_b"])["resistance"]
    assert table[(1, 2)] == 1.0 and table[(1, 3)] == np.inf  # no path between components
