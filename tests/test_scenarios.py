"""Tests of gpec_teach.scenarios: hand-worked circuits with a barrier column,
cross-checks against networkx and the least_cost/graph functions, ranking ties,
budget choice (exact vs brute force vs greedy), georeferencing and bad input."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from _grids import georef

from gpec_teach import least_cost as LC
from gpec_teach.circuit import effective_resistance
from gpec_teach.graph import patch_graph_from_matrix, probability_of_connectivity
from gpec_teach.scenarios import (
    apply_action,
    choose_within_budget,
    evaluate_actions,
    evaluate_combination,
    rank_actions,
)

INF = np.inf


def barrier_grid():
    """3 x 5 unit grid, column 2 an absolute barrier; cores = columns 0 and 4."""
    r = np.ones((3, 5))
    r[:, 2] = INF
    a = np.zeros((3, 5), bool)
    a[:, 0] = True
    b = np.zeros((3, 5), bool)
    b[:, 4] = True
    return r, a, b


def nx_resistance(r, a, b):
    """Independent reference: 4-neighbour grid graph (average resistance), cores contracted."""
    nr, nc = r.shape
    G = nx.Graph()

    def node(i, j):
        return "A" if a[i, j] else "B" if b[i, j] else (i, j)

    for i in range(nr):
        for j in range(nc):
            for di, dj in ((0, 1), (1, 0)):
                k, m = i + di, j + dj
                if k >= nr or m >= nc or not (np.isfinite(r[i, j]) and np.isfinite(r[k, m])):
                    continue
                u, v = node(i, j), node(k, m)
                if u == v:
                    continue
                g = 2.0 / (r[i, j] + r[k, m])
                if G.has_edge(u, v):
                    G[u][v]["weight"] += g
                else:
                    G.add_edge(u, v, weight=g)
    return nx.resistance_distance(G, "A", "B", weight="weight", invert_weight=False)


# ---------------------------------------------------------------------- apply_action
def test_apply_action_copies_and_sets_value():
    r, _, _ = barrier_grid()
    out = apply_action(r, [(1, 2)], value=3.0)
    assert out[1, 2] == 3.0 and np.isinf(out[0, 2])
    assert np.isinf(r[1, 2])  # the input is untouched


def test_apply_action_mask_equals_cells():
    r, _, _ = barrier_grid()
    mask = np.zeros(r.shape, bool)
    mask[:, 2] = True
    np.testing.assert_array_equal(
        apply_action(r, mask, value=2.0), apply_action(r, [(0, 2), (1, 2), (2, 2)], value=2.0)
    )


def test_apply_action_keeps_georeferencing():
    r, _, _ = barrier_grid()
    da = georef(r)
    out = apply_action(da, [(0, 2)], value=1.0)
    assert isinstance(out, xr.DataArray)
    assert out.rio.crs == da.rio.crs
    assert out.rio.transform() == da.rio.transform()
    np.testing.assert_array_equal(out["x"], da["x"])
    assert out.values[0, 2] == 1.0 and np.isinf(out.values[1, 2])


@pytest.mark.parametrize(
    ("cells", "value", "exc", "match"),
    [
        ([(0, 0)], 0.0, ValueError, "value must be a positive, finite resistance"),
        ([(0, 0)], -2, ValueError, "value must be a positive, finite resistance"),
        ([(0, 0)], INF, ValueError, r"Got value=inf"),
        ([(0, 0)], "1", TypeError, "value must be a positive"),
        (np.zeros((3, 5), bool), 1.0, ValueError, "cells is empty"),
        ([], 1.0, ValueError, "cells is empty"),
        (np.ones((2, 2), bool), 1.0, ValueError, r"shape of the resistance grid \(3, 5\)"),
        ([(5, 0)], 1.0, ValueError, r"\(row, col\)=\(5, 0\) is outside the grid"),
        ([(-1, 0)], 1.0, ValueError, "outside the grid"),
        ([(0.5, 1)], 1.0, TypeError, "integer"),
        (np.ones((3, 5)), 1.0, TypeError, "must be a boolean mask"),
        ("abc", 1.0, TypeError, "boolean mask"),
    ],
)
def test_apply_action_bad_input(cells, value, exc, match):
    r, _, _ = barrier_grid()
    with pytest.raises(exc, match=match):
        apply_action(r, cells, value=value)


def test_apply_action_refuses_nodata_cells():
    r, _, _ = barrier_grid()
    r[0, 0] = np.nan
    with pytest.raises(ValueError, match="covers 1 nodata cell"):
        apply_action(r, [(0, 0)], value=1.0)


# ----------------------------------------------------------------- evaluate_actions
def test_opening_the_barrier_hand_worked():
    # Opening the middle barrier cell (1, 2). Left of it, core A reaches (1, 1)
    # directly (1 ohm) and through (0, 1) or (2, 1) (2 ohm each): 1 || 2 || 2 = 0.5.
    # Then (1, 1)-(1, 2)-(1, 3): 1 + 1, and 0.5 on the right: R = 3 ohm.
    # LCD (4 neighbours, 100 m cells): 4 steps of 100 = 400.
    r, a, b = barrier_grid()
    t = evaluate_actions(
        r, {"middle": ([(1, 2)], 1.0)}, core_a=a, core_b=b, neighbors=4, cellsize=100
    )
    base, act = t.iloc[0], t.iloc[1]
    assert base["action"] == "baseline"
    assert np.isinf(base["effective_resistance"]) and base["effective_conductance"] == 0.0
    assert np.isinf(base["least_cost_distance"])
    assert act["effective_resistance"] == pytest.approx(3.0)
    assert act["effective_conductance"] == pytest.approx(1 / 3)
    assert act["least_cost_distance"] == pytest.approx(400.0)
    assert act["gain_effective_conductance"] == pytest.approx(1 / 3)
    assert act["gain_least_cost_distance"] == INF
    assert np.isnan(act["delta_effective_conductance_pct"])  # baseline 0


def test_ladder_matches_networkx():
    # north underpass: 5/8 + 1 + 1 + 5/8 = 3.25 ohm (ladder reduction)
    r, a, b = barrier_grid()
    acts = {"north": ([(0, 2)], 1.0), "middle": ([(1, 2)], 4.0), "south": ([(2, 2)], 2.0)}
    t = evaluate_actions(
        r, acts, core_a=a, core_b=b, neighbors=4, connection="resistance", cellsize=1.0
    ).set_index("action")
    assert t.loc["north", "effective_resistance"] == pytest.approx(3.25)
    for name, (cells, value) in acts.items():
        ref = nx_resistance(apply_action(r, cells, value=value), a, b)
        assert t.loc[name, "effective_resistance"] == pytest.approx(ref, rel=1e-9)


def test_measures_match_package_functions():
    rng = np.random.default_rng(3)
    r = rng.uniform(1, 10, (12, 14))
    r[:, 7] = 50.0
    a = np.zeros(r.shape, bool)
    a[3:7, 0:3] = True
    b = np.zeros(r.shape, bool)
    b[5:10, 11:14] = True
    patches = np.zeros(r.shape, int)
    patches[0:2, 0:2] = 1
    patches[9:12, 2:5] = 2
    patches[0:3, 10:13] = 3
    gap = np.zeros(r.shape, bool)
    gap[4:7, 7] = True
    t = evaluate_actions(
        r,
        {"gap": (gap, 1.0, 10.0)},
        core_a=a,
        core_b=b,
        cutoff=2000.0,
        patches=patches,
        dispersal_distance=2000.0,
        cellsize=100.0,
    )
    for k, grid in enumerate([r, apply_action(r, gap, value=1.0)]):
        row = t.iloc[k]
        nlcc = LC.least_cost_corridor(grid, a, b, cellsize=100.0)
        cwd = LC.cost_distance(grid, a, cellsize=100.0)
        assert row["least_cost_distance"] == pytest.approx(cwd[b].min())
        assert row["corridor_area_ha"] == pytest.approx(
            LC.corridor_mask(nlcc, cutoff=2000.0).sum()
        )
        regions = a * 1 + b * 2
        ref = effective_resistance(grid, (3, 0), (5, 11), short_circuit=regions)
        assert row["effective_resistance"] == pytest.approx(ref, rel=1e-9)
        m = LC.least_cost_distance_matrix(grid, patches, cellsize=100.0)
        d, ids = m.distances, m.ids
        g = patch_graph_from_matrix(d, attributes=[4.0, 9.0, 9.0], ids=ids)
        ec = probability_of_connectivity(g, dispersal_distance=2000.0).EC
        assert row["EC"] == pytest.approx(ec, rel=1e-12)
    gap_row = t.iloc[1]
    assert gap_row["gain_EC"] > 0 and gap_row["gain_effective_resistance"] > 0
    assert gap_row["gain_EC_per_cost"] == pytest.approx(gap_row["gain_EC"] / 10.0)
    assert gap_row["delta_EC_pct"] == pytest.approx(100 * gap_row["delta_EC"] / t.iloc[0]["EC"])


def test_actions_as_dataframe_and_dict_agree():
    r, a, b = barrier_grid()
    frame = pd.DataFrame(
        {
            "name": ["north", "middle"],
            "mask": [[(0, 2)], [(1, 2)]],
            "value": [1.0, 1.0],
            "cost": [5.0, 4.0],
        }
    )
    t1 = evaluate_actions(r, frame, core_a=a, core_b=b, neighbors=4, cellsize=1.0)
    t2 = evaluate_actions(
        r,
        {"north": ([(0, 2)], 1.0, 5.0), "middle": ([(1, 2)], 1.0, 4.0)},
        core_a=a,
        core_b=b,
        neighbors=4,
        cellsize=1.0,
    )
    pd.testing.assert_frame_equal(t1, t2)
    assert t1["cost"].tolist() == [0.0, 5.0, 4.0]


def test_evaluate_actions_on_dataarray():
    r, a, b = barrier_grid()
    t = evaluate_actions(georef(r), {"m": ([(1, 2)], 1.0)}, core_a=a, core_b=b, neighbors=4)
    assert t.iloc[1]["least_cost_distance"] == pytest.approx(400.0)  # 100 m from the transform


def test_combination_is_not_additive():
    r, a, b = barrier_grid()
    acts = {"north": ([(0, 2)], 1.0), "south": ([(2, 2)], 1.0)}
    single = evaluate_actions(r, acts, core_a=a, core_b=b, neighbors=4, cellsize=1.0)
    both = evaluate_combination(
        r, acts, ["north", "south"], core_a=a, core_b=b, neighbors=4, cellsize=1.0
    )
    assert both.iloc[1]["action"] == "north + south"
    assert both.iloc[1]["effective_resistance"] == pytest.approx(
        nx_resistance(apply_action(apply_action(r, [(0, 2)], value=1), [(2, 2)], value=1), a, b)
    )
    summed = single["gain_effective_conductance"].sum()
    assert both.iloc[1]["gain_effective_conductance"] < summed - 1e-6


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"actions": {"baseline": ([(1, 2)], 1.0)}}, ValueError, "reserved"),
        ({"actions": {}}, ValueError, "actions is empty"),
        ({"actions": [1, 2]}, TypeError, "actions must be a dict"),
        ({"actions": {"x": [(1, 2)]}}, TypeError, r"actions\['x'\] must be a \(mask, value\)"),
        (
            {"actions": {"x": ([(1, 2)], 1.0, 3.0), "y": ([(0, 2)], 1.0)}},
            ValueError,
            "some actions have a cost",
        ),
        ({"actions": {"x": ([(1, 2)], 1.0, -3.0)}}, ValueError, "cost of action 'x'"),
        ({"actions": {"x": ([(1, 2)], 0.0)}}, ValueError, "value of action 'x'"),
        ({"actions": {"x": ([], 1.0)}}, ValueError, "mask of action 'x' is empty"),
        ({"actions": pd.DataFrame({"name": ["x"]})}, ValueError, "missing column"),
        (
            {"patches": np.ones((3, 5), int)},
            ValueError,
            "patches was given without dispersal_distance",
        ),
        ({"dispersal_distance": 5.0}, ValueError, "dispersal_distance was given without patches"),
        ({"neighbors": 6}, ValueError, "neighbors must be one of 8, 4"),
        ({"cutoff": -1}, ValueError, "cutoff must be a non-negative number"),
        ({"probability": 1.5}, ValueError, "probability must be strictly between 0 and 1"),
        ({"core_b": np.ones((3, 5), bool)}, ValueError, "core_a and core_b overlap"),
    ],
)
def test_evaluate_actions_bad_input(kwargs, exc, match):
    r, a, b = barrier_grid()
    args = {"actions": {"m": ([(1, 2)], 1.0)}, "core_a": a, "core_b": b, "cellsize": 1.0, **kwargs}
    actions = args.pop("actions")
    with pytest.raises(exc, match=match):
        evaluate_actions(r, actions, **args)


def test_combination_bad_names():
    r, a, b = barrier_grid()
    acts = {"north": ([(0, 2)], 1.0)}
    with pytest.raises(ValueError, match=r"names \['east'\] are not actions"):
        evaluate_combination(r, acts, ["east"], core_a=a, core_b=b, cellsize=1.0)
    with pytest.raises(ValueError, match="must not repeat"):
        evaluate_combination(r, acts, ["north", "north"], core_a=a, core_b=b, cellsize=1.0)
    with pytest.raises(ValueError, match="non-empty list"):
        evaluate_combination(r, acts, "north", core_a=a, core_b=b, cellsize=1.0)


# ---------------------------------------------------------------- ranking and budget
def test_rank_ties_broken_by_name_and_baseline_dropped():
    t = pd.DataFrame(
        {
            "action": ["baseline", "zeta", "alpha", "mid"],
            "gain": [0.0, 2.0, 4.0, 3.0],
            "cost": [0.0, 1.0, 2.0, 1.0],
        }
    )
    out = rank_actions(t, benefit="gain")
    assert out["action"].tolist() == ["mid", "alpha", "zeta"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["benefit_per_cost"].tolist() == [3.0, 2.0, 2.0]
    # deterministic whatever the input order
    shuffled = t.sample(frac=1.0, random_state=1)
    assert rank_actions(shuffled, benefit="gain")["action"].tolist() == ["mid", "alpha", "zeta"]


@pytest.mark.parametrize(
    ("table", "kwargs", "match"),
    [
        (
            pd.DataFrame({"action": ["a"], "g": [1.0], "cost": [0.0]}),
            {"benefit": "g"},
            "positive and finite",
        ),
        (
            pd.DataFrame({"action": ["a"], "g": [np.nan], "cost": [1.0]}),
            {"benefit": "g"},
            "is NaN for action",
        ),
        (
            pd.DataFrame({"action": ["a"], "g": [1.0], "cost": [1.0]}),
            {"benefit": "h"},
            "benefit='h' is not a column",
        ),
        (pd.DataFrame({"action": ["a"], "g": [1.0]}), {"benefit": "g"}, "cost='cost' is not"),
        (
            pd.DataFrame({"name": ["a"], "g": [1.0], "cost": [1.0]}),
            {"benefit": "g"},
            "'action' column",
        ),
        (
            pd.DataFrame({"action": ["a"], "effective_resistance": [1.0], "cost": [1.0]}),
            {"benefit": "effective_resistance"},
            "gain_effective_resistance",
        ),
        (
            pd.DataFrame({"action": ["a", "a"], "g": [1.0, 2], "cost": [1.0, 1]}),
            {"benefit": "g"},
            "repeated",
        ),
        (
            pd.DataFrame({"action": ["baseline"], "g": [1.0], "cost": [1.0]}),
            {"benefit": "g"},
            "no action besides",
        ),
    ],
)
def test_rank_bad_input(table, kwargs, match):
    with pytest.raises(ValueError, match=match):
        rank_actions(table, **kwargs)
    with pytest.raises(ValueError, match=match):
        choose_within_budget(table, 10.0, **kwargs)


def brute_force(b, c, budget):
    best = (-np.inf, None)
    for k in range(len(b) + 1):
        for combo in itertools.combinations(range(len(b)), k):
            if sum(c[i] for i in combo) <= budget and sum(b[i] for i in combo) > best[0]:
                best = (sum(b[i] for i in combo), combo)
    return best[0]


@pytest.mark.parametrize("seed", range(5))
def test_exact_matches_brute_force_and_beats_greedy(seed):
    rng = np.random.default_rng(seed)
    n = 9
    t = pd.DataFrame(
        {
            "action": [f"a{k}" for k in range(n)],
            "gain": rng.uniform(0, 10, n).round(2),
            "cost": rng.uniform(1, 10, n).round(2),
        }
    )
    budget = float(t["cost"].sum() / 2)
    exact = choose_within_budget(t, budget, benefit="gain")
    greedy = choose_within_budget(t, budget, benefit="gain", method="greedy")
    assert exact.benefit == pytest.approx(brute_force(t["gain"], t["cost"], budget))
    assert exact.cost <= budget and greedy.cost <= budget
    assert greedy.benefit <= exact.benefit + 1e-9
    assert exact.table["selected"].sum() == len(exact.selected)


def test_greedy_counter_example():
    # a: 7 for 6 (1.17 per unit), b and c: 5 for 5 (1.0). Budget 10.
    t = pd.DataFrame({"action": ["a", "b", "c"], "gain": [7.0, 5.0, 5.0], "cost": [6, 5, 5.0]})
    exact = choose_within_budget(t, 10, benefit="gain")
    greedy = choose_within_budget(t, 10, benefit="gain", method="greedy")
    assert (exact.selected, exact.benefit, exact.cost) == (["b", "c"], 10.0, 10.0)
    assert (greedy.selected, greedy.benefit) == (["a"], 7.0)


def test_budget_ties_prefer_cheaper_and_zero_budget():
    t = pd.DataFrame({"action": ["x", "y"], "gain": [5.0, 5.0], "cost": [4.0, 3.0]})
    assert choose_within_budget(t, 4, benefit="gain").selected == ["y"]
    assert choose_within_budget(t, 0, benefit="gain").selected == []
    neg = pd.DataFrame({"action": ["x"], "gain": [-1.0], "cost": [1.0]})
    assert choose_within_budget(neg, 5, benefit="gain", method="greedy").selected == []
    assert choose_within_budget(neg, 5, benefit="gain").selected == []


def test_budget_errors():
    t = pd.DataFrame({"action": [f"a{k:02d}" for k in range(21)], "g": 1.0, "cost": 1.0})
    with pytest.raises(ValueError, match="Use method='greedy'"):
        choose_within_budget(t, 5, benefit="g")
    assert len(choose_within_budget(t, 5, benefit="g", method="greedy").selected) == 5
    with pytest.raises(ValueError, match="method must be one of 'exact', 'greedy'"):
        choose_within_budget(t, 5, benefit="g", method="dp")
    with pytest.raises(ValueError, match="budget must be a non-negative number"):
        choose_within_budget(t, -1, benefit="g", method="greedy")
    with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
        rank_actions({"action": []}, benefit="g")


def test_end_to_end_rank_and_choose_on_evaluated_table():
    r, a, b = barrier_grid()
    acts = {
        "north": ([(0, 2)], 1.0, 2.0),
        "middle": ([(1, 2)], 1.0, 3.0),
        "south": ([(2, 2)], 1.0, 2.0),
    }
    t = evaluate_actions(r, acts, core_a=a, core_b=b, neighbors=4, cellsize=1.0)
    ranked = rank_actions(t, benefit="gain_effective_conductance")
    assert ranked["action"].tolist() == ["north", "south", "middle"]  # tie by name
    choice = choose_within_budget(t, 4.0, benefit="gain_effective_conductance")
    assert choice.selected == ["north", "south"]
