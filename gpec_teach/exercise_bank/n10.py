"""Exercises of notebook 10 (prioritisation and restoration).

The northern-link window, the resistance (notebook 04's expert table with the 2020 roads
burned in), the two cores, the candidate actions and their invented costs are rebuilt
exactly as in the notebook, so every expected answer is computed with ``gpec_teach``, not
typed in. Keep the constants below in step with
``notebooks/10_prioritisation_restoration.ipynb``.

The notebook runs the landscape scenarios with the average-resistance rule
(``connection="resistance"``, its ``RULE``): the roads are burned one cell wide, and under the
package default (average conductance) a barrier one cell wide can at most double the
resistance of a link, so the crossing structures would gain almost nothing. The exercises
use the same rule.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..fragmentation import label_patches, patch_table
from ..i18n import lazy_gettext as _
from ..least_cost import least_cost_path
from ..resistance import burn_lines, reclassify
from ..scenarios import choose_within_budget, evaluate_actions

#: Expert resistance per land-cover code (notebook 04).
EXPERT = {1: 100.0, 2: 20.0, 3: 5.0, 4: 1.0, 5: 3.0, 6: 40.0, 7: 100.0, 8: 30.0}
ROAD_VALUES = {"trunk": 100.0, "primary": 80.0, "secondary": 30.0}
ROAD_WIDTHS = {"trunk": 25.0, "primary": 15.0, "secondary": 8.0}
YEAR = 2020
RESOLUTION = 250
#: Window around the northern link: xmin, ymin, xmax, ymax (m, EPSG:9191).
BOX = (-1115000, 195000, -1035000, 240000)
CORE_A = "Upper Arva Headwaters Nature Reserve"
CORE_B = "Belhills Game Reserve"
ROAD = "R13"  # Korvi - Lunde road
CROPLAND = 6
HABITAT = (4, 5)  # woodland/savanna, grassland (notebook 03)
MIN_PATCH_HA = 500.0
CUTOFF = 5000.0
DISTANCE = 10000.0
#: New resistance of each action's cells, in the notebook's order.
VALUES = {
    "overpass": 1.0,
    "underpass_XS1": 10.0,
    "culvert_north": 20.0,
    "restore_farm_road": 1.0,
    "restore_farm_east": 1.0,
}
FIXED_COSTS = {"overpass": 600.0, "underpass_XS1": 250.0, "culvert_north": 80.0}  # kU
RESTORE_COST_PER_HA = 0.5  # kU per ha
BENEFIT = "gain_effective_conductance"
CONNECTION = "resistance"  # the notebook's RULE: average resistance for one-cell-wide roads
EX2_BUDGET = 1000.0  # kU


@lru_cache(maxsize=1)
def _setup():
    """Return the resistance, actions (DataFrame) and evaluate_actions settings of the notebook."""
    import pandas as pd

    lc = data.load("landcover", year=YEAR, resolution=RESOLUTION).rio.clip_box(*BOX)
    roads = data.load("roads")
    roads = roads[roads["opened"] <= YEAR]
    land = reclassify(lc, EXPERT)
    burn = {"values": ROAD_VALUES, "widths": ROAD_WIDTHS, "class_column": "class"}
    resistance = burn_lines(land, roads, **burn)
    parks = data.load("protected_areas")
    core_a = parks[parks["NAME"] == CORE_A]
    core_b = parks[parks["NAME"] == CORE_B]

    xx, yy = np.meshgrid(lc.x.values, lc.y.values)

    def near(x, y, radius):
        return np.hypot(xx - x, yy - y) <= radius

    road = burn_lines(land, roads[roads["road_id"] == ROAD], **burn).values > land.values
    path = least_cost_path(resistance, core_a, core_b)
    row, col = np.argwhere(np.asarray(path.mask) & road)[0]
    xc, yc = xx[row, col], yy[row, col]
    xs1 = data.load("crossing_sites").set_index("site_id").geometry["XS1"]
    crop = lc.values == CROPLAND
    masks = {
        "overpass": road & near(xc, yc, 500),
        "underpass_XS1": road & near(xs1.x, xs1.y, 500),
        "culvert_north": road & near(-1084000, 222000, 400),
        "restore_farm_road": crop & near(xc, yc - 4000, 2500),
        "restore_farm_east": crop & near(-1050000, 205000, 2000),
    }
    cell_ha = RESOLUTION**2 / 1e4
    actions = pd.DataFrame({"name": list(masks), "mask": list(masks.values())})
    actions["value"] = [VALUES[n] for n in masks]
    actions["area_ha"] = [m.sum() * cell_ha for m in actions["mask"]]
    actions["cost"] = [
        FIXED_COSTS.get(n, RESTORE_COST_PER_HA * a)
        for n, a in zip(actions["name"], actions["area_ha"], strict=True)
    ]
    on_road = resistance.values > land.values
    habitat = np.isin(lc.values, HABITAT) & ~on_road
    labels, _ = label_patches(habitat, neighbors=8)
    sizes = patch_table(habitat, cellsize=RESOLUTION, neighbors=8)
    big = sizes.loc[sizes["area_ha"] >= MIN_PATCH_HA, "patch_id"]
    patches = np.where(np.isin(labels, big), labels, 0)
    settings = {
        "core_a": core_a,
        "core_b": core_b,
        "cutoff": CUTOFF,
        "patches": patches,
        "dispersal_distance": DISTANCE,
        "connection": CONNECTION,
    }
    return resistance, actions, settings


@lru_cache(maxsize=1)
def _table():
    """Return the notebook's evaluate_actions table (baseline first)."""
    resistance, actions, settings = _setup()
    return evaluate_actions(resistance, actions, **settings)


def _overpass_drop_pct(connection: str = CONNECTION) -> float:
    """% drop of the effective resistance with the overpass, under *connection*."""
    if connection == CONNECTION:
        row = _table().set_index("action").loc["overpass"]
        return float(-row["delta_effective_resistance_pct"])

    resistance, actions, settings = _setup()
    chosen = actions[actions["name"] == "overpass"]
    table = evaluate_actions(
        resistance,
        chosen,
        core_a=settings["core_a"],
        core_b=settings["core_b"],
        connection=connection,
    )
    return float(-table["delta_effective_resistance_pct"].iloc[1])


def _choice(method: str = "exact", budget: float = EX2_BUDGET):

    return choose_within_budget(_table(), budget, benefit=BENEFIT, method=method)


def _best_set() -> list[str]:
    return list(_choice().selected)


def _lower(names) -> set[str]:
    """Return the action names as the checker compares them (lower case)."""
    return {str(n).lower() for n in names}


def _cost_of(names) -> float:
    """Return the summed cost of the named actions (any case; unknown names cost 0)."""
    costs = {str(k).lower(): v for k, v in _table().set_index("action")["cost"].items()}
    return float(sum(costs.get(str(n).lower(), 0.0) for n in names))


def _close(a, b, rtol=5e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "10.1",
        "number",
        _overpass_drop_pct,
        unit="%",
        rtol=5e-3,
        explanation=(
            _(
                "the overpass lowers the effective resistance between the cores by this many per "
                "cent; the least-cost distance falls much more, because only the circuit counts "
                "the many routes that did not change."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, -e),
                _(
                    "Right size, wrong sign: the question asks for the drop, a positive number. "
                    "delta_effective_resistance_pct is the change (after - before), negative here."
                ),
            ),
            (
                lambda a, e: _close(abs(a), e / 100),
                _("That is a fraction. The question asks for per cent: multiply by 100."),
            ),
            (
                lambda a, e: _close(
                    abs(a), _table()["delta_least_cost_distance_pct"].iloc[1] * -1
                ),
                _(
                    "That is the drop in least-cost distance. Use the effective resistance "
                    "column (delta_effective_resistance_pct)."
                ),
            ),
            (
                lambda a, e: _close(
                    abs(a),
                    100
                    * float(_table()["gain_effective_conductance"].iloc[1])
                    / float(_table()["effective_conductance"].iloc[0]),
                ),
                _(
                    "That is the rise in effective conductance (1 / R), which is a little larger "
                    "than the drop in resistance. Use delta_effective_resistance_pct."
                ),
            ),
            (
                lambda a, e: _close(abs(a), _overpass_drop_pct("conductance"), 2e-2),
                _(
                    "That is the drop with the default average-conductance rule. The notebook's "
                    "table uses the average-resistance rule (connection='resistance', in "
                    "settings): read the drop from `table`."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "10.2",
        "set",
        _best_set,
        explanation=(
            _(
                "the exact method tries every set that fits in 1 000 kU and keeps the one with the "
                "largest summed gain in effective conductance. Check it with evaluate_combination: "
                "the joint gain is about 15 % smaller than the sum."
            )
        ),
        hints=[
            (
                lambda got, want: got == _lower(_choice("greedy").selected),
                _(
                    "That is the greedy choice: it takes the best gain per cost first and then "
                    "cannot fit the better set. Use method='exact' (the default)."
                ),
            ),
            (
                lambda got, want: _cost_of(got) > EX2_BUDGET,
                _("Your set costs more than the budget of 1 000 kU. Add up the cost column."),
            ),
            (
                lambda got, want: "restore_farm_east" in got,
                _(
                    "restore_farm_east lies off the route and gains almost nothing; a set with it "
                    "cannot be the best one."
                ),
            ),
            (
                lambda got, want: got == _lower(_choice(budget=800.0).selected),
                _("That is the choice for the old budget of 800 kU. Use 1 000 kU."),
            ),
        ],
    )
)
