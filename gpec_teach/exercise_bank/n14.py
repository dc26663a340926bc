"""Exercises of notebook 14 (Is the corridor working?).

The crossing counts, the cleaned GPS steps and the southern gate are rebuilt exactly as in
the notebook, so every expected answer is computed with ``gpec_teach``, not typed in. Keep
the constants below in step with ``notebooks/14_corridor_monitoring.ipynb``.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

from .. import data
from .. import movement as mv
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..monitoring import trend

CONTROL = "XS3"
UNDERPASS, UNDERPASS_WORKS = "XS2", 2017
MAX_SPEED_KMH = 3.0
GATE_COORDS = ((-1_105_000.0, 185_000.0), (-1_065_000.0, 185_000.0))


@lru_cache(maxsize=1)
def _counts():

    return data.load("crossing_counts")


def _site(site: str):
    counts = _counts()
    return counts[counts["site_id"] == site]


@cache
def _trend(site: str, family: str = "poisson", with_effort: bool = True):

    g = _site(site)
    effort = g["camera_days"] if with_effort and family == "poisson" else None
    return trend(g["year"], g["detections"], family=family, effort=effort)


def _annual_change(site: str = CONTROL) -> float:
    return float(_trend(site).annual_change_pct)


def _rate(part, *, pooled: bool = True, with_effort: bool = True) -> float:
    if not with_effort:
        return float(part["detections"].sum())
    if pooled:
        return float(part["detections"].sum() / part["camera_days"].sum())
    return float((part["detections"] / part["camera_days"]).mean())


def _change(site: str, works: int = UNDERPASS_WORKS, split: str = "drop", **kwargs) -> float:
    """Rate after / rate before at *site*; *split* says where the works year goes."""
    g = _site(site)
    before_end = works + 1 if split == "before" else works  # year < before_end is "before"
    after_start = works if split == "after" else works + 1  # year >= after_start is "after"
    before = g[g["year"] < before_end]
    after = g[g["year"] >= after_start]
    return _rate(after, **kwargs) / _rate(before, **kwargs)


def _baci(control: str = CONTROL, **kwargs) -> float:
    return _change(UNDERPASS, **kwargs) / _change(control, **kwargs)


@lru_cache(maxsize=1)
def _gate_segments():
    """Return the steps that cross the southern gate, and the gate (as in the notebook)."""
    import numpy as np
    import shapely

    sites = data.load("crossing_sites")
    fixes = mv.read_fixes(data.load("tracks"), to_crs=sites.crs)
    clean, _ = mv.clean_fixes(fixes, max_speed_kmh=MAX_SPEED_KMH)
    xy = np.column_stack([clean.geometry.x, clean.geometry.y])
    ids = clean["individual"].to_numpy()
    same_animal = ids[1:] == ids[:-1]
    lines = shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)[same_animal])
    segments = clean.iloc[:-1].loc[same_animal].set_geometry(lines, crs=clean.crs)
    gate = shapely.LineString(GATE_COORDS)
    return segments[segments.intersects(gate)], gate


def _stretch_m() -> float:
    hits, gate = _gate_segments()
    points = hits.intersection(gate)
    return float(points.x.max() - points.x.min())


def _stretch_of_start_fixes_m() -> float:
    hits, _ = _gate_segments()
    starts = hits.geometry.apply(lambda line: line.coords[0][0])
    return float(starts.max() - starts.min())


def _close(a: float, b: float, rtol: float = 1e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "14.1",
        "number",
        _annual_change,
        unit=_("% per year"),
        rtol=5e-3,
        explanation=(
            _(
                "the control XS3 shows a small rise whose 95% interval includes zero: no "
                "detectable trend, as expected at a site where nothing was built."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, float(_trend(CONTROL).slope)),
                _(
                    "That is the slope on the log scale (beta). The annual change in percent is "
                    "100 * (exp(beta) - 1): use fit.annual_change_pct."
                ),
            ),
            (
                lambda a, e: _close(a, e / 100),
                _(
                    "That is a fraction (0-1): give the annual change in percent, as "
                    "fit.annual_change_pct reports it."
                ),
            ),
            (
                lambda a, e: _close(
                    a, float(_trend(CONTROL, with_effort=False).annual_change_pct)
                ),
                _(
                    "Close, but without the effort: pass effort=g['camera_days'] so that the "
                    "model describes the rate, not the raw counts."
                ),
            ),
            (
                lambda a, e: _close(a, float(_trend(CONTROL, "gaussian").annual_change_pct)),
                _(
                    "That is a straight line (OLS, family='gaussian') through the counts. Use "
                    "family='poisson' with the camera-days as effort."
                ),
            ),
            (
                lambda a, e: any(
                    _close(a, float(getattr(_trend(CONTROL), f"annual_change_pct_{b}")))
                    for b in ("low", "high")
                ),
                _(
                    "That is a bound of the 95% confidence interval. Give the estimate, "
                    "fit.annual_change_pct."
                ),
            ),
            (
                lambda a, e: any(_close(a, _annual_change(s)) for s in ("XS1", "XS2", "XS4")),
                _("That is the trend of another site: select site_id == 'XS3', the control."),
            ),
        ],
    )
)

register(
    Exercise(
        "14.2",
        "number",
        _baci,
        unit=_("(ratio)"),
        rtol=3e-3,
        explanation=(
            _(
                "the crossing rate at the underpass rose about twice as much as at the control: "
                "evidence that the site changed, not proof that more different animals cross."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, 1 / e),
                _(
                    "Your ratio is upside down: divide the change at the impact site XS2 by the "
                    "change at the control XS3, each as after / before."
                ),
            ),
            (
                lambda a, e: _close(a, _change(UNDERPASS)),
                _(
                    "That is the change at XS2 alone. A BACI ratio divides it by the change at "
                    "the control XS3 over the same years."
                ),
            ),
            (
                lambda a, e: _close(a, _baci(with_effort=False)),
                _(
                    "You compared detections, not rates. Divide the detections of each period by "
                    "its camera-days (the effort) first."
                ),
            ),
            (
                lambda a, e: _close(a, _baci(pooled=False)),
                _(
                    "You averaged the yearly rates. Pool the detections and the camera-days of "
                    "each period first, so that short years (2017: 150 camera-days) weigh little."
                ),
            ),
            (
                lambda a, e: any(_close(a, _baci(split=s)) for s in ("before", "after")),
                _(
                    "Leave out 2017, the year of the works: before is 2012-2016, after is 2018-2024."
                ),
            ),
            (
                lambda a, e: any(_close(a, _baci(control=c)) for c in ("XS1", "XS4")),
                _("Use XS3, the camera without a road, as the control."),
            ),
        ],
    )
)

register(
    Exercise(
        "14.3",
        "number",
        _stretch_m,
        unit="m",
        rtol=2e-3,
        explanation=(
            _(
                "every tracked migration crossed the 40 km gate within this short stretch: the "
                "functional corridor, and a pinch point."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _stretch_of_start_fixes_m()),
                _(
                    "That uses the fixes at the start of the steps. Use the points where the "
                    "steps cross the gate: segments[segments['gate']].intersection(GATE)."
                ),
            ),
            (
                lambda a, e: _close(a, 40_000.0, 1e-2) or _close(a, 40.0, 1e-2),
                _(
                    "That is the length of the whole gate. The question asks for the stretch "
                    "between the westernmost and easternmost crossing points."
                ),
            ),
        ],
    )
)
