"""Exercises of notebook 04 (resistance surfaces).

The expert table, the road values and the suitability table are the notebook's inputs,
copied here as constants; every expected answer is then computed with ``gpec_teach`` from
the teaching data, following the same steps as the notebook. Keep the constants in step
with ``notebooks/04_resistance_surfaces.ipynb``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..least_cost import cost_distance
from ..resistance import (
    burn_lines,
    reclassify,
    resistance_to_conductance,
    suitability_to_resistance,
)

#: Expert resistance per land-cover code (notebook, Step 1).
EXPERT = {1: 100.0, 2: 20.0, 3: 5.0, 4: 1.0, 5: 3.0, 6: 40.0, 7: 100.0, 8: 30.0}
#: Road resistance and width (m) per road class (notebook, Step 2).
ROAD_VALUES = {"trunk": 100.0, "primary": 80.0, "secondary": 30.0}
ROAD_WIDTHS = {"trunk": 25.0, "primary": 15.0, "secondary": 8.0}
#: Suitability per land-cover code (notebook, Step 3).
SUITABILITY = {1: 0.0, 2: 0.3, 3: 0.7, 4: 1.0, 5: 0.8, 6: 0.2, 7: 0.0, 8: 0.1}

YEAR = 2020
RESOLUTION = 250
SOURCE_PARK = "Serra Alta National Park"
TARGET_PARK = "Savanna Plains National Park"
EX1_CLASS = 2  # wetland
EX1_C = 4.0
EX2_FOREST = 10.0
WATER, FOREST = 1, 3


def _transformed(method: str, c: float | None = None, h: float | None = None) -> float:

    h = SUITABILITY[EX1_CLASS] if h is None else h
    return float(suitability_to_resistance([[h]], method=method, c=c)[0, 0])


@lru_cache(maxsize=8)
def _surface(
    resolution: int = RESOLUTION,
    forest: float = EX2_FOREST,
    roads: bool = True,
    water_barrier: bool = False,
):
    """Expert resistance (forest value changed), roads burned, as in the notebook."""
    table = dict(EXPERT)
    table[FOREST] = forest
    if water_barrier:
        table[WATER] = np.inf
    lc = data.load("landcover", year=YEAR, resolution=resolution)
    res = reclassify(lc, table)
    if not roads:
        return res
    lines = data.load("roads")
    lines = lines[lines["opened"] <= YEAR]
    return burn_lines(res, lines, values=ROAD_VALUES, widths=ROAD_WIDTHS, class_column="class")


@lru_cache(maxsize=8)
def _park_distance(
    resolution: int = RESOLUTION, forest: float = EX2_FOREST, roads: bool = True
) -> float:
    """Least-cost distance (cost units) from the source park to the nearest target-park cell."""
    parks = data.load("protected_areas")
    source = parks[parks["NAME"] == SOURCE_PARK]
    target = parks[parks["NAME"] == TARGET_PARK]
    cwd = cost_distance(_surface(resolution, forest, roads), source)
    return float(cwd.rio.clip(target.geometry).min())


def _barrier_cells(resolution: int = RESOLUTION) -> int:

    conductance = resistance_to_conductance(_surface(resolution, EXPERT[FOREST], True, True))
    return int((conductance == 0).sum())


def _nodata_cells() -> int:

    lc = data.load("landcover", year=YEAR, resolution=RESOLUTION)
    return int((lc == lc.rio.nodata).sum())


def _close(a: float, b: float, rtol: float = 1e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "04.1",
        "number",
        lambda: _transformed("negative_exponential", EX1_C),
        rtol=1e-3,
        explanation=(
            _(
                "with c = 4 the negative exponential curve lies well below the straight line: "
                "moderately unsuitable wetland is assumed fairly easy to cross."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _transformed("linear")),
                _(
                    "That is the linear transform (100 - 99 x 0.3). Use "
                    "method='negative_exponential' with c=4."
                ),
            ),
            (
                lambda a, e: _close(a, _transformed("negative_exponential", 8.0)),
                _("That is the value for c = 8. The exercise asks for c = 4."),
            ),
            (
                lambda a, e: _close(a, _transformed("negative_exponential", EX1_C, h=0.7)),
                _(
                    "You used suitability 0.7 (1 - 0.3, or the forest value). Wetland has "
                    "suitability 0.3 in suit_table."
                ),
            ),
            (
                lambda a, e: _close(a, 101.0 - e),
                _(
                    "You turned the scale upside down: high suitability must give LOW resistance "
                    "(1 at suitability 1, 100 at suitability 0)."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "04.2",
        "number",
        _park_distance,
        unit=_("cost units"),
        rtol=1e-3,
        explanation=(
            _(
                "doubling the resistance of forest raises the cost distance by about a third: "
                "part of the best route runs through forest."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _park_distance(forest=EXPERT[FOREST])),
                _(
                    "That is the cost distance with the original table (forest 5). Set the "
                    "resistance of forest (code 3) to 10."
                ),
            ),
            (
                lambda a, e: _close(a, _park_distance(roads=False)),
                _(
                    "You forgot the roads: burn them into the surface with burn_lines after "
                    "reclassify, as in Step 2."
                ),
            ),
            (
                lambda a, e: _close(a, _park_distance(resolution=100)),
                _(
                    "That is the value on the 100 m grid. The exercise uses the 250 m grid: "
                    "data.load('landcover', year=2020, resolution=250)."
                ),
            ),
            (
                lambda a, e: _close(a, e / 1000),
                _("Give the cost distance in cost units, not divided by 1000."),
            ),
        ],
    )
)

register(
    Exercise(
        "04.3",
        "number",
        _barrier_cells,
        unit=_("cells"),
        rtol=0.0,
        explanation=_("every water cell (resistance inf) has conductance 0: no current can pass."),
        hints=[
            (
                lambda a, e: a == _nodata_cells(),
                _(
                    "Those are the sea cells. They are nodata (NaN), not barriers: count the "
                    "cells where conductance == 0."
                ),
            ),
            (
                lambda a, e: a == _nodata_cells() + e,
                _(
                    "You counted nodata (NaN) cells as well. Count only cells where conductance == 0."
                ),
            ),
            (
                lambda a, e: a == _barrier_cells(resolution=100),
                _("That is the count on the 100 m grid. Use the 250 m surface res250_wb."),
            ),
            (
                lambda a, e: a == 0,
                _(
                    "No zero cells: is water set to np.inf in the table? With a finite "
                    "resistance, conductance is never exactly 0."
                ),
            ),
        ],
    )
)
