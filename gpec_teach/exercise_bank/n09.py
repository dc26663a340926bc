"""Exercises of notebook 09 (graph connectivity and patch importance).

The four-patch toy graph and the 2020 core areas are rebuilt exactly as in
``notebooks/09_graph_connectivity.ipynb`` (same areas, distances and core-area rules as
notebook 03), so every expected answer is computed with ``gpec_teach``, not typed in.
Keep the constants below in step with the notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..fragmentation import label_patches, patch_table
from ..graph import (
    dispersal_probability,
    equivalent_connected_area,
    max_product_probability,
    patch_graph_from_matrix,
    patch_graph_from_raster,
    patch_importance,
    probability_of_connectivity,
)
from ..i18n import lazy_gettext as _

#: The four-patch toy graph: areas (ha) and edge-to-edge distances (m).
TOY_IDS = ("A", "B", "C", "D")
TOY_AREAS = (400.0, 100.0, 300.0, 200.0)
TOY_DISTANCES = (
    (0.0, 1000.0, 3000.0, 5000.0),
    (1000.0, 0.0, 1000.0, 3500.0),
    (3000.0, 1000.0, 0.0, 2000.0),
    (5000.0, 3500.0, 2000.0, 0.0),
)
TOY_LANDSCAPE_HA = 10_000.0
TOY_WORKED_D = 1000.0  # median dispersal distance of the worked example (m)
EX1_D = 2000.0  # exercise 09.1 (m)

#: Core areas of notebook 03: woodland/savanna and grassland, 300 m edge, >= 500 ha.
HABITAT_CLASSES = (4, 5)
CELL = 100.0
EDGE_M = 300.0
MIN_HA = 500.0
YEAR = 2020
WORKED_D = 5000.0  # the notebook's median dispersal distance (m)
EX2_D = 10_000.0  # exercises 09.2 and 09.3 (m)


def toy_graph():
    """Return the four-patch graph of the worked example."""
    import pandas as pd

    frame = pd.DataFrame(TOY_DISTANCES, index=list(TOY_IDS), columns=list(TOY_IDS))
    return patch_graph_from_matrix(
        frame,
        attributes=list(TOY_AREAS),
        attribute_name="area_ha",
        landscape_area=TOY_LANDSCAPE_HA,
    )


def _toy_ec(distance: float, *, direct_only: bool = False) -> float:

    p = dispersal_probability(np.array(TOY_DISTANCES), dispersal_distance=distance)
    pstar = p if direct_only else max_product_probability(p)
    return float(equivalent_connected_area(TOY_AREAS, pstar))


def core_areas(landcover) -> np.ndarray:
    """Return core-area ids (0 = not core), as ``core_areas`` in the notebook."""
    from scipy import ndimage

    habitat = np.isin(np.asarray(landcover), HABITAT_CLASSES)
    interior = ndimage.distance_transform_edt(habitat) * CELL > EDGE_M
    labels, _ = label_patches(interior, neighbors=8)
    pieces = patch_table(interior, cellsize=CELL, neighbors=8)
    keep = pieces.loc[pieces["area_ha"] >= MIN_HA, "patch_id"]
    return np.where(np.isin(labels, keep), labels, 0)


@lru_cache(maxsize=2)
def core_graph(year: int = YEAR):
    """Return the patch graph of the core areas (edge distances, areas in ha)."""
    lc = data.load("landcover", year=year)
    land_ha = float((lc.values != 0).sum() * CELL**2 / 10_000)
    return patch_graph_from_raster(
        lc.copy(data=core_areas(lc.values)), distance_method="edge", landscape_area=land_ha
    )


@lru_cache(maxsize=4)
def _importance(distance: float):

    return patch_importance(core_graph(), dispersal_distance=distance).table


def _best_connector(distance: float = EX2_D) -> int:
    return int(_importance(distance)["dPCconnector"].idxmax())


def _top_dpc(distance: float = EX2_D) -> int:
    return int(_importance(distance)["dPC"].idxmax())


def _ec_km2(distance: float = EX2_D, year: int = YEAR) -> float:

    return probability_of_connectivity(core_graph(year), dispersal_distance=distance).EC / 100


#: EC of the toy graph with no links at all: sqrt(sum a_i^2), ha.
_NO_LINKS_EC = math.sqrt(sum(x * x for x in TOY_AREAS))


def _close(a: float, b: float, rtol: float = 1e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "09.1",
        "number",
        lambda: _toy_ec(EX1_D),
        unit="ha",
        rtol=2e-3,
        explanation=_(
            "at D = 2 km every link is stronger than at 1 km, so EC is closer to the "
            "1000 ha of habitat; the stepping stone B still gives the best path from A to C."
        ),
        hints=[
            (
                lambda a, e: _close(a, _toy_ec(EX1_D, direct_only=True)),
                _(
                    "This is the EC with the direct probabilities p only. Use the best paths p* "
                    "(max_product_probability): through the stepping stone B, A reaches C better."
                ),
            ),
            (
                lambda a, e: _close(a, _toy_ec(TOY_WORKED_D)),
                _(
                    "This is the EC of the worked example (D = 1 km). Use D = 2 km, "
                    "dispersal_distance=2000 (the distances are in metres)."
                ),
            ),
            (
                lambda a, e: _close(a, e**2),
                _("This is the PC numerator (ha²). EC is its square root."),
            ),
            (
                lambda a, e: _close(a, e**2 / TOY_LANDSCAPE_HA**2),
                _("This is PC (a fraction of the landscape). The question asks for EC in ha."),
            ),
            (
                lambda a, e: 0.5 * _NO_LINKS_EC < a < 1.001 * _NO_LINKS_EC,
                _(
                    "EC cannot be lower than with no links at all (the square root of the sum "
                    "of the squared areas, {ec:.1f} ha). "
                    "Did you give D in km (dispersal_distance=2) instead of m?"
                ).format(ec=_NO_LINKS_EC),
            ),
        ],
    )
)

register(
    Exercise(
        "09.2",
        "category",
        _best_connector,
        explanation=_(
            "this core carries the best paths between other cores: a stepping stone. "
            "It is not the core with the largest dPC."
        ),
        hints=[
            (
                lambda a, e: isinstance(a, str) and a.strip() == str(e),
                _("Give the id as a number, without quotes."),
            ),
            (
                lambda a, e: a == _top_dpc(EX2_D),
                _(
                    "That is the core with the largest dPC. Look at the dPCconnector column instead."
                ),
            ),
            (
                lambda a, e: a in (_best_connector(WORKED_D), _best_connector(2000.0)),
                _(
                    "That is the best connector for another dispersal distance. Use 10 km, "
                    "dispersal_distance=10_000 (metres)."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "09.3",
        "number",
        _ec_km2,
        unit="km²",
        rtol=2e-3,
        explanation=_(
            "EC grows with the dispersal distance: with 10 km, more of the core "
            "habitat is reachable."
        ),
        hints=[
            (
                lambda a, e: _close(a, _ec_km2(WORKED_D)),
                _("This is EC at 5 km, the worked example. Use dispersal_distance=10_000."),
            ),
            (
                lambda a, e: _close(a, _ec_km2(EX2_D, year=2010)),
                _("This is the 2010 value. Use the 2020 core areas (`graph`)."),
            ),
            (
                lambda a, e: (
                    a > core_graph().attributes.sum() / 100 * 1.001 and not _close(a, 100 * e)
                ),
                _(
                    "EC cannot be larger than the total core habitat (the sum of the core "
                    "areas). Check the units and the distance."
                ),
            ),
        ],
    )
)
