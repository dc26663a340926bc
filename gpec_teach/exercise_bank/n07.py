"""Exercises of notebook 07 (least-cost paths and corridors).

The 5 x 5 grid, the expert resistance table, the road values and the six protected areas
used as cores are the notebook's inputs, copied here as constants; every expected answer
is then computed with ``gpec_teach`` from them and from the teaching data, following the
same steps as the notebook. Keep the constants in step with
``notebooks/07_least_cost_corridors.ipynb``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..least_cost import corridor_network, cost_distance, least_cost_path
from ..resistance import burn_lines, reclassify

#: The 5 x 5 teaching grid (resistance per metre; cells of 100 m). Column 3 is a road
#: with one gap, at row 3.
GRID = np.array(
    [
        [1, 1, 2, 20, 2],
        [1, 2, 4, 20, 1],
        [2, 4, 4, 20, 1],
        [4, 4, 2, 1, 1],
        [4, 2, 1, 20, 1],
    ],
    dtype=float,
)
CELLSIZE = 100.0
EX1_SOURCE = (4, 0)  # bottom-left cell
EX1_TARGET = (3, 3)  # the gap in the road

#: Expert resistance per land-cover code and road values (notebook 04, Steps 1 and 2).
EXPERT = {1: 100.0, 2: 20.0, 3: 5.0, 4: 1.0, 5: 3.0, 6: 40.0, 7: 100.0, 8: 30.0}
ROAD_VALUES = {"trunk": 100.0, "primary": 80.0, "secondary": 30.0}
ROAD_WIDTHS = {"trunk": 25.0, "primary": 15.0, "secondary": 8.0}
RESOLUTION = 250
#: Cores: protected areas whose NAME starts with these words (ids 1..6 in this order).
CORE_NAMES = [
    "Serra Alta",
    "Savanna Plains",
    "Belhills",
    "Northern Crest",
    "Upper Arva",
    "Kaldera Forest",
]
EX2_CORES = ("Upper Arva", "Belhills")
EX2_YEAR = 2020
EX3_LINK = ("Serra Alta", "Kaldera Forest")


def _grid_cwd(
    source=EX1_SOURCE, *, diagonal: float = math.sqrt(2), rule: str = "mean", neighbors: int = 8
) -> np.ndarray:
    """Cost distance on GRID by plain Dijkstra, with a chosen diagonal factor and rule.

    ``diagonal=sqrt(2)``, ``rule="mean"`` is the rule of ``cost_distance``; the other
    settings reproduce typical slips (diagonal steps as long as edge steps; the sum of
    the two resistances instead of their mean; four neighbours).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    n_rows, n_cols = GRID.shape
    steps = [(0, 1, 1.0), (1, 0, 1.0)]
    if neighbors == 8:
        steps += [(1, 1, diagonal), (1, -1, diagonal)]
    rows, cols, weights = [], [], []
    for r in range(n_rows):
        for c in range(n_cols):
            for dr, dc, factor in steps:
                r2, c2 = r + dr, c + dc
                if 0 <= r2 < n_rows and 0 <= c2 < n_cols:
                    pair = GRID[r, c] + GRID[r2, c2]
                    cost = CELLSIZE * factor * (pair / 2 if rule == "mean" else pair)
                    rows.append(r * n_cols + c)
                    cols.append(r2 * n_cols + c2)
                    weights.append(cost)
    graph = coo_matrix((weights, (rows, cols)), shape=(GRID.size, GRID.size)).tocsr()
    dist = dijkstra(graph, directed=False, indices=source[0] * n_cols + source[1])
    return dist.reshape(GRID.shape)


def _ex1_expected() -> float:

    return float(cost_distance(GRID, EX1_SOURCE, cellsize=CELLSIZE)[EX1_TARGET])


def _ex1_slip(**kwargs) -> float:
    return float(_grid_cwd(**kwargs)[EX1_TARGET])


@lru_cache(maxsize=1)
def _cores():
    """Return the six protected areas as cores (Northern Crest's two halves merged), ids 1..6."""
    parks = data.load("protected_areas")
    parks["core"] = None
    for name in CORE_NAMES:
        parks.loc[parks["NAME"].str.startswith(name), "core"] = name
    cores = parks.dropna(subset=["core"]).dissolve(by="core").loc[CORE_NAMES].reset_index()
    cores["id"] = np.arange(1, len(cores) + 1)
    return cores[["id", "core", "geometry"]]


@lru_cache(maxsize=4)
def _surface(year: int = 2020, roads_year: int | None = None, roads: bool = True):
    """Expert resistance of *year* at 250 m with the roads open in *roads_year* burned."""
    lc = data.load("landcover", year=year, resolution=RESOLUTION)
    land = reclassify(lc, EXPERT)
    if not roads:
        return land
    lines = data.load("roads")
    lines = lines[lines["opened"] <= (year if roads_year is None else roads_year)]
    return burn_lines(land, lines, values=ROAD_VALUES, widths=ROAD_WIDTHS, class_column="class")


@lru_cache(maxsize=8)
def _path(a: str, b: str, year: int = 2020, roads: bool = True):

    cores = _cores()
    return least_cost_path(
        _surface(year, roads=roads), cores[cores["core"] == a], cores[cores["core"] == b]
    )


def _ex2_expected() -> float:
    return float(_path(*EX2_CORES, EX2_YEAR).cost)


@lru_cache(maxsize=1)
def _links_2020():

    return corridor_network(_surface(2020), _cores()).links


def _ex3_row():
    ids = {name: i for i, name in enumerate(CORE_NAMES, start=1)}
    a, b = sorted(ids[name] for name in EX3_LINK)
    links = _links_2020()
    return links[(links["core1"] == a) & (links["core2"] == b)].iloc[0]


def _ex3_expected() -> float:
    row = _ex3_row()
    return float(row["cost_distance"] / row["euclidean_distance"])


def _close(a: float, b: float, rtol: float = 2e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "07.1",
        "number",
        _ex1_expected,
        unit=_("cost units (resistance x m)"),
        rtol=1e-3,
        explanation=(
            _(
                "two edge steps along the bottom row, 100 x (4 + 2) / 2 = 300 and "
                "100 x (2 + 1) / 2 = 150, then one diagonal step into the gap, "
                "141.4 x (1 + 1) / 2 = 141.4."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _ex1_slip(neighbors=4)),
                _(
                    "That is the cost with 4 neighbours. With 8 neighbours the last move can "
                    "be a diagonal step from (4, 2) straight into the gap at (3, 3)."
                ),
            ),
            (
                lambda a, e: _close(a, _ex1_slip(diagonal=1.0)),
                _(
                    "A diagonal step is 100 x sqrt(2) = 141.4 m long, not 100 m: multiply the "
                    "mean resistance of the two cells by 141.4."
                ),
            ),
            (
                lambda a, e: _close(a, _ex1_slip(rule="sum")),
                _(
                    "You added the two resistances. A step costs the MEAN of the two cells' "
                    "resistance, (R_a + R_b) / 2, times the step length."
                ),
            ),
            (
                lambda a, e: _close(a, e / CELLSIZE),
                _(
                    "You counted in cells. Multiply each step by the cell size, 100 m, to get "
                    "cost units (resistance x metres)."
                ),
            ),
            (
                lambda a, e: a > e,
                _(
                    "There is a cheaper route: follow the easy bottom row first, then step "
                    "diagonally into the gap."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "07.2",
        "number",
        _ex2_expected,
        unit=_("cost units"),
        rtol=2e-3,
        explanation=(
            _(
                "the cheapest route from Upper Arva Headwaters to Belhills costs this much on the "
                "2020 surface; it must cross the Korvi - Lunde road."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _path(*EX2_CORES, 2010).cost),
                _(
                    "That is the value on the 2010 surface. Use the 2020 land cover with the "
                    "roads open in 2020."
                ),
            ),
            (
                lambda a, e: _close(a, _path(*EX2_CORES, 2020, roads=False).cost),
                _(
                    "You forgot the roads: burn the roads open in 2020 into the resistance "
                    "before you compute the path."
                ),
            ),
            (
                lambda a, e: _close(a, e / 1000),
                _(
                    "You divided by 1000. Give the least-cost distance in cost units, as "
                    "least_cost_path returns it (.cost)."
                ),
            ),
            (
                lambda a, e: (
                    _close(a, _path(*EX2_CORES, EX2_YEAR).length)
                    or _close(a, _path(*EX2_CORES, EX2_YEAR).length / 1000)
                ),
                _(
                    "That is the length of the path (.length). The question asks for its cost "
                    "(.cost)."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "07.3",
        "number",
        _ex3_expected,
        unit="",
        rtol=2e-3,
        explanation=(
            _(
                "the link costs this many times its straight-line (edge-to-edge) distance: "
                "the highest ratio of the network, a short but hard link."
            )
        ),
        hints=[
            (
                lambda a, e: e > 0 and _close(a, 1 / e),
                _("Upside down: divide the least-cost distance by the Euclidean distance."),
            ),
            (
                lambda a, e: _close(a, float(_ex3_row()["cwd_to_path_length_ratio"])),
                _(
                    "You divided by the length of the least-cost path. The ratio of Linkage "
                    "Mapper's link table uses the straight-line (edge-to-edge) distance."
                ),
            ),
            (
                lambda a, e: _close(a, 1000 * e) or _close(a, e / 1000),
                _("Check the units: cost units divided by metres (not km)."),
            ),
        ],
    )
)
