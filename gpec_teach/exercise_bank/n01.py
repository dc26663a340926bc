"""Exercises of notebook 01 (what is ecological connectivity?).

The toy map is rebuilt exactly as in the notebook (same seed and steps), so the expected
answers are computed, not typed in.
"""

import numpy as np

from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _


def _distances() -> np.ndarray:
    rng = np.random.default_rng(2024)
    xy = rng.uniform(0, 20, size=(40, 2))
    return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))


def _components(dispersal_km: float) -> int:
    from scipy.sparse.csgraph import connected_components

    linked = _distances() <= dispersal_km  # the diagonal links a patch to itself: harmless
    return int(connected_components(linked, directed=False)[0])


def _smallest_connecting_distance() -> float:
    steps = np.arange(0.5, 8.5, 0.5)
    return float(next(d for d in steps if _components(d) == 1))


register(
    Exercise(
        "01.1",
        "number",
        lambda: _components(2.5),
        explanation=_("at 2.5 km the 40 patches fall into this many separate groups."),
        hints=[
            (
                lambda a, e: a == 40,
                _("40 is the number of patches: count connected groups instead."),
            ),
            (lambda a, e: a < e, _("Too few: did you use a larger distance than 2.5 km?")),
            (lambda a, e: a > e, _("Too many: did you use a smaller distance than 2.5 km?")),
        ],
    )
)
register(
    Exercise(
        "01.2",
        "number",
        _smallest_connecting_distance,
        unit="km",
        explanation=_("from this distance on, every patch can reach every other one."),
        hints=[
            (
                lambda a, e: a > e,
                _("All patches are already one component at a smaller distance in the table."),
            ),
            (
                lambda a, e: a < e,
                _("At that distance there is more than one component: look at the table again."),
            ),
        ],
    )
)
