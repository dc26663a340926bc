"""Exercises of notebook 16 (From workshop to national scale).

Exercise 16.2 gives a window radius and a tile side; the answer is the halo overhead of a
task, computed here from the same formula as in ``notebooks/16_national_scale.ipynb``:
a task computes a ``c x c`` tile but reads ``(c + 2r) x (c + 2r)`` cells, so the extra
reading is :math:`((c + 2r) / c)^2 - 1`. Keep the constants in step with the notebook.
"""

from __future__ import annotations

import math

from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _

#: The colleague's settings in exercise 16.2 (cells): window radius and tile side.
RADIUS, TILE = 100, 256
#: The radius of the notebook's own runs (``SETTINGS["radius"]``), a typical slip.
NOTEBOOK_RADIUS = 8


def halo_overhead(tile: int = TILE, radius: int = RADIUS) -> float:
    """Extra cells a task reads, in % of the cells it computes: ``100 ((c + 2r)/c)^2 - 100``.

    Examples
    --------
    >>> round(halo_overhead(100, 25), 1)
    125.0
    """
    return 100.0 * (((tile + 2 * radius) / tile) ** 2 - 1.0)


def _close(a: float, b: float, rtol: float = 5e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "16.2",
        "number",
        halo_overhead,
        unit="%",
        rtol=5e-3,
        explanation=(
            _(
                "each task reads more than three times the cells it computes. Tiles of 1024 "
                "cells bring the overhead under 50 %: choose the tile side from the radius."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, 100.0 * (((TILE + RADIUS) / TILE) ** 2 - 1.0)),
                _(
                    "You added the radius on one side only. The halo lies on both sides of the "
                    "tile: the side read is c + 2r."
                ),
            ),
            (
                lambda a, e: _close(a, 100.0 * ((TILE + 2 * RADIUS) / TILE - 1.0)),
                _(
                    "That is the overhead along one side. A tile is a square: square the ratio "
                    "((c + 2r) / c) ** 2, then subtract 1."
                ),
            ),
            (
                lambda a, e: _close(a, e + 100.0),
                _(
                    "That is the whole window read, in % of the tile. The overhead is the extra "
                    "part: subtract the tile itself (100 %)."
                ),
            ),
            (
                lambda a, e: _close(a, e / 100.0),
                _("That is a fraction: multiply by 100 to give the overhead in %."),
            ),
            (
                lambda a, e: _close(a, halo_overhead(TILE, NOTEBOOK_RADIUS)),
                _(
                    "That is the overhead for the notebook's radius of 8 cells. The colleague "
                    "asks for radius=100."
                ),
            ),
        ],
    )
)
