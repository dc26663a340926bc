"""Exercises of notebook 10: expected values recomputed independently, hints for typical slips."""

import itertools

import numpy as np
import pytest
from rasterio.features import rasterize

from gpec_teach import apply_action, effective_resistance, evaluate_actions
from gpec_teach.exercise_bank import n10
from gpec_teach.exercises import _lookup, check


def test_tiny_grid_of_the_notebook_matches_the_hand_computation():
    # Average resistance: 5 rows in parallel, each two links of (1 + 9) / 2 = 5 ohm:
    # R = 10 / 5 = 2 ohm. One row opened to 1: 1 / (4 / 10 + 1 / 2) = 1 / 0.9 ohm;
    # LCD 10 -> 2 (cell size 1).
    tiny = np.ones((5, 5))
    tiny[:, 2] = 9.0
    a = np.zeros((5, 5), bool)
    a[:, :2] = True
    b = np.zeros((5, 5), bool)
    b[:, 3:] = True
    opened = {"open": ([(2, 2)], 1.0)}
    t = evaluate_actions(
        tiny, opened, core_a=a, core_b=b, neighbors=4, connection="resistance", cellsize=1.0
    )
    assert t["effective_resistance"].tolist() == pytest.approx([2.0, 1 / 0.9], rel=1e-6)
    assert t["least_cost_distance"].tolist() == pytest.approx([10.0, 2.0])
    assert t.loc[1, "delta_effective_resistance_pct"] == pytest.approx(-400 / 9, rel=1e-6)
    # Average conductance (the default): a 1-9 link is 1 / ((1 + 1/9) / 2) = 1.8 ohm, a row
    # 3.6 ohm, R = 3.6 / 5 = 0.72 ohm; one row opened: 1 / (4 / 3.6 + 1 / 2) = 1 / (29 / 18).
    t = evaluate_actions(tiny, opened, core_a=a, core_b=b, neighbors=4, cellsize=1.0)
    assert t["effective_resistance"].tolist() == pytest.approx([0.72, 18 / 29], rel=1e-6)


def test_10_1_expected_matches_a_direct_circuit_solve():
    """Apply the overpass by hand and solve the circuit with the cores rasterised.

    The notebook (and so the bank) uses the average-resistance rule for its one-cell-wide
    roads; the direct solve uses the same rule.
    """
    assert n10.CONNECTION == "resistance"
    resistance, actions, settings = n10._setup()
    regions = rasterize(
        [(settings["core_a"].geometry.iloc[0], 1), (settings["core_b"].geometry.iloc[0], 2)],
        out_shape=resistance.shape,
        transform=resistance.rio.transform(),
    )
    a = tuple(np.argwhere(regions == 1)[0])
    b = tuple(np.argwhere(regions == 2)[0])
    mask = actions.set_index("name").loc["overpass", "mask"]
    rule = {"short_circuit": regions, "connection": n10.CONNECTION}
    before = effective_resistance(resistance, a, b, **rule)
    after = effective_resistance(apply_action(resistance, mask, value=1.0), a, b, **rule)
    by_hand = 100 * (before - after) / before
    assert _lookup("10.1").expected() == pytest.approx(by_hand, rel=2e-2)
    assert 0 < _lookup("10.1").expected() < 20


def test_10_1_hints():
    e = _lookup("10.1").expected()
    assert "wrong sign" in check("10.1", -e).message
    assert "multiply by 100" in check("10.1", e / 100).message
    lcd_drop = -float(n10._table()["delta_least_cost_distance_pct"].iloc[1])
    assert "least-cost distance" in check("10.1", lcd_drop).message
    assert check("10.1", e)


def test_10_1_default_rule_gets_its_hint_and_gains_far_less():
    """With average conductance a one-cell road is at most a doubling: the overpass gains little."""
    e = _lookup("10.1").expected()
    default = n10._overpass_drop_pct("conductance")
    assert 0 < default < e / 5
    feedback = check("10.1", round(default, 2))
    assert not feedback.correct
    assert "average-conductance" in feedback.message


def test_10_2_expected_is_the_brute_force_knapsack():
    rows = n10._table().iloc[1:]
    gain = dict(zip(rows["action"], rows[n10.BENEFIT], strict=True))
    cost = dict(zip(rows["action"], rows["cost"], strict=True))
    best, best_set = -1.0, None
    for k in range(len(gain) + 1):
        for combo in itertools.combinations(sorted(gain), k):
            if (
                sum(cost[c] for c in combo) <= n10.EX2_BUDGET
                and sum(gain[c] for c in combo) > best
            ):
                best, best_set = sum(gain[c] for c in combo), set(combo)
    assert set(_lookup("10.2").expected()) == best_set
    assert sum(cost[c] for c in best_set) <= n10.EX2_BUDGET


def test_10_2_hints():
    greedy = n10._choice("greedy").selected
    assert set(greedy) != set(n10._best_set())  # the exercise needs greedy to differ
    assert "greedy" in check("10.2", greedy).message
    assert "800 kU" in check("10.2", n10._choice(budget=800.0).selected).message
    everything = ["overpass", "underpass_XS1", "culvert_north", "restore_farm_road"]
    assert "more than the budget" in check("10.2", everything).message
    assert check("10.2", [n.upper() for n in n10._best_set()])  # case is ignored
