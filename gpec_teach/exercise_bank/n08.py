"""Exercises of notebook 08 (circuit theory).

The 5 x 5 grid, the expert resistance table of notebook 04, the roads and the four cores
(protected areas rasterised on the 500 m grid) are rebuilt exactly as in the notebook, so
every expected answer is computed with ``gpec_teach``, not typed in. Keep the constants
below in step with ``notebooks/08_circuit_theory.ipynb``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..circuit import DEFAULT_CONNECTION, effective_resistance, pairwise_resistance
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..resistance import burn_lines, reclassify

#: The 5 x 5 teaching grid: a wall of resistance 10 with a gap in the middle row.
GRID_5X5 = np.array(
    [
        [1, 1, 10, 1, 1],
        [1, 1, 10, 1, 1],
        [1, 1, 1, 1, 1],
        [1, 1, 10, 1, 1],
        [1, 1, 10, 1, 1],
    ],
    dtype=float,
)
EX1_A, EX1_B = (0, 0), (4, 4)

#: Expert resistance per land-cover code (notebook 04) and road values.
EXPERT = {1: 100.0, 2: 20.0, 3: 5.0, 4: 1.0, 5: 3.0, 6: 40.0, 7: 100.0, 8: 30.0}
ROAD_VALUES = {"trunk": 100.0, "primary": 80.0, "secondary": 30.0}
RESOLUTION = 500
CORES = {
    1: "Serra Alta National Park",
    2: "Belhills Game Reserve",
    3: "Savanna Plains National Park",
    4: "Kaldera Forest Forest Reserve",
}
NORTH_PAIR = (1, 2)  # Serra Alta - Belhills: the northern link
EX3_PAIR = (2, 3)  # Belhills - Savanna Plains
NEW_ROAD = "R13"  # Korvi - Lunde, opened 2015


def _er_5x5(*, neighbors: int = 4, connection: str | None = None) -> float:
    """Effective resistance of the exercise; *connection* defaults to the package default."""
    connection = DEFAULT_CONNECTION if connection is None else connection

    return effective_resistance(GRID_5X5, EX1_A, EX1_B, neighbors=neighbors, connection=connection)


@lru_cache(maxsize=4)
def _surface(year: int, without: tuple = ()):
    """Expert resistance on the 500 m grid, roads open in *year* burned in."""
    roads = data.load("roads")
    widths = roads.groupby("class")["width_m"].first().to_dict()
    lc = data.load("landcover", year=year, resolution=RESOLUTION)
    kept = roads[(roads["opened"] <= year) & ~roads["road_id"].isin(list(without))]
    return burn_lines(
        reclassify(lc, EXPERT), kept, values=ROAD_VALUES, widths=widths, class_column="class"
    )


@lru_cache(maxsize=1)
def _cores() -> np.ndarray:
    from rasterio import features

    template = _surface(2020)
    parks = data.load("protected_areas")
    shapes = [(parks.loc[parks["NAME"] == n, "geometry"].iloc[0], k) for k, n in CORES.items()]
    return features.rasterize(shapes, out_shape=template.shape, transform=template.rio.transform())


@lru_cache(maxsize=8)
def _resistance(pair: tuple, year: int, without: tuple = ()) -> float:

    cores = _cores()
    focal = np.where(np.isin(cores, list(pair)), cores, 0)
    out = pairwise_resistance(_surface(year, without), focal, current_maps=False)
    return float(out.resistances.loc[pair[0], pair[1]])


def _current_change(year_from: int = 2010, year_to: int = 2020, without: tuple = ()) -> float:
    """% change of the current at 1 V (I = 1 / R) across the northern link."""
    r0 = _resistance(NORTH_PAIR, year_from)
    r1 = _resistance(NORTH_PAIR, year_to, without)
    return 100.0 * (r0 / r1 - 1.0)


def _close(a: float, b: float, rtol: float = 2e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-9)


register(
    Exercise(
        "08.1",
        "number",
        _er_5x5,
        unit="ohm",
        rtol=1e-3,
        explanation=(
            _(
                "many 8-link routes of 1 ohm pass through the gap in parallel, and the routes "
                "round the edges (9.6 ohm each: they cross a wall cell) add more parallel paths, "
                "so the effective resistance is well below 8 ohm."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _er_5x5(neighbors=8)),
                _(
                    "That is the value with 8 neighbours. The exercise asks for 4 neighbours: "
                    "pass neighbors=4 (the default is 8, as in Circuitscape)."
                ),
            ),
            (
                lambda a, e: _close(a, _er_5x5(connection="resistance")),
                _(
                    "That is the average-resistance rule. Keep the default "
                    "connection='conductance' (average conductance, as in Circuitscape)."
                ),
            ),
            (
                lambda a, e: _close(a, 8.0, 1e-6) or _close(a, 4.0, 1e-6),
                _(
                    "That is a series sum of one route (8 ohm), or two routes in parallel "
                    "(4 ohm). Current also uses all the other routes, so the effective "
                    "resistance is lower: compute it with effective_resistance."
                ),
            ),
            (
                lambda a, e: a > e,
                _("Too high: did you use the right corner cells, (0, 0) and (4, 4)?"),
            ),
        ],
    )
)

register(
    Exercise(
        "08.2",
        "number",
        _current_change,
        unit="%",
        rtol=5e-3,
        explanation=_("the current across the northern link (cores at 1 V) changed by this much."),
        hints=[
            (
                lambda a, e: _close(a, -e, 5e-3),
                _("Right size, wrong sign: the current fell, so the change is negative."),
            ),
            (
                lambda a, e: _close(
                    a,
                    100 * (_resistance(NORTH_PAIR, 2020) / _resistance(NORTH_PAIR, 2010) - 1),
                    5e-3,
                ),
                _(
                    "That is the change in effective resistance. The current at 1 V is I = 1 / R: "
                    "compute 100 x ((1 / R2020) / (1 / R2010) - 1)."
                ),
            ),
            (
                lambda a, e: _close(
                    a,
                    100 * (1 - _resistance(NORTH_PAIR, 2010) / _resistance(NORTH_PAIR, 2020)),
                    5e-3,
                ),
                _("Right size, wrong sign: the current fell, so the change is negative."),
            ),
            (
                lambda a, e: _close(a, _current_change(without=(NEW_ROAD,)), 5e-3),
                _(
                    "That is the change without road R13. Use surface(2020), with every road "
                    "open in 2020."
                ),
            ),
            (
                lambda a, e: _close(a, e / 100, 5e-3),
                _("That is a fraction: multiply by 100 to get per cent."),
            ),
        ],
    )
)

register(
    Exercise(
        "08.3",
        "number",
        lambda: _resistance(EX3_PAIR, 2010),
        unit="ohm",
        rtol=2e-3,
        explanation=_("effective resistance between Belhills and Savanna Plains in 2010."),
        hints=[
            (
                lambda a, e: _close(a, _resistance(EX3_PAIR, 2020)),
                _("That is the 2020 value. Build the 2010 surface with surface(2010)."),
            ),
            (
                lambda a, e: _close(a, 1 / e),
                _("That is the current at 1 V (1 / R). The exercise asks for R in ohm."),
            ),
            (
                lambda a, e: (
                    _close(a, _resistance((1, 2), 2010)) or _close(a, _resistance((1, 3), 2010))
                ),
                _("That is another pair. Belhills is core 2 and Savanna Plains core 3."),
            ),
        ],
    )
)
