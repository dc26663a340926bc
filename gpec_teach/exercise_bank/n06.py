"""Exercises of notebook 06 (movement data).

The fixes are read, reprojected and cleaned exactly as in
``notebooks/06_movement_data.ipynb`` (same CRS, speed threshold, seasons and migration
rule), so every expected answer is computed with ``gpec_teach``, not typed in. Keep the
constants below in step with the notebook.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..movement import clean_fixes, label_seasons, net_squared_displacement, read_fixes, steps

CRS = "EPSG:9191"
MAX_SPEED_KMH = 3.0  # the notebook's threshold, inside the gap of the speeds
EX1_SPEED_KMH = 1.0  # exercise 06.1: about the 99th percentile of the speeds
SEASONS = {"winter": [12, 1, 2], "spring": [3, 4, 5], "summer": [6, 7, 8, 9], "autumn": [10, 11]}
LEAVE, ARRIVE = 2 / 3, 1 / 3  # spring: progress below 2/3 = left, below 1/3 = arrived
EX3_YEAR = 2020


@lru_cache(maxsize=1)
def _fixes():

    return read_fixes(data.load("tracks"), to_crs=CRS)


@lru_cache(maxsize=4)
def _report(max_speed_kmh: float) -> pd.Series:
    """Return the removed fixes per reason (``duplicate``, ..., ``total removed``)."""
    _, report = clean_fixes(_fixes(), max_speed_kmh=max_speed_kmh)
    return report.set_index("reason")["fixes"]


@lru_cache(maxsize=1)
def _clean():

    return clean_fixes(_fixes(), max_speed_kmh=MAX_SPEED_KMH)[0]


@lru_cache(maxsize=1)
def _step_lengths() -> pd.Series:

    return steps(_clean())["length_m"]


@lru_cache(maxsize=1)
def _spring_dates() -> pd.DataFrame:
    """Return the first spring fix per animal and year past the leave and arrive limits."""
    pts = _clean().copy()
    pts["season"] = label_seasons(pts["timestamp"], SEASONS)
    pts["year"] = pts["timestamp"].dt.year
    pts["dist_km"] = np.sqrt(net_squared_displacement(pts))
    winter = pts[pts["season"] == "winter"].groupby("individual")["dist_km"].median()
    progress = pts["dist_km"] / pts["individual"].map(winter)
    spring = pts["season"] == "spring"
    out = {}
    for name, limit in (("departure", LEAVE), ("arrival", ARRIVE)):
        chosen = pts[spring & (progress < limit)]
        out[name] = chosen.groupby(["individual", "year"])["timestamp"].min()
    return pd.DataFrame(out)


def _median_doy(column: str, year: int | None = EX3_YEAR) -> float:
    table = _spring_dates()
    if year is not None:
        table = table[table.index.get_level_values("year") == year]
    return float(table[column].dt.day_of_year.median())


register(
    Exercise(
        "06.1",
        "number",
        lambda: int(_report(EX1_SPEED_KMH)["speed"]),
        unit=_("fixes"),
        explanation=(
            _(
                "a threshold at the 99th percentile removes many real fixes (the animals' "
                "fastest ordinary moves) besides the few true spikes."
            )
        ),
        hints=[
            (
                lambda a, e: a == _report(MAX_SPEED_KMH)["speed"],
                _("That is the count at 3 km/h, the notebook's threshold. Use max_speed_kmh=1."),
            ),
            (
                lambda a, e: a == _report(EX1_SPEED_KMH)["total removed"],
                _("That is the total of all reasons. Give only the 'speed' row of the report."),
            ),
            (
                lambda a, e: a == _report(EX1_SPEED_KMH / 3.6)["speed"],
                _("max_speed_kmh is in km/h, not m/s: pass 1, not 1 / 3.6."),
            ),
            (
                lambda a, e: a > 1000,
                _("That looks like a number of fixes kept, not removed as speed spikes."),
            ),
        ],
    )
)

register(
    Exercise(
        "06.2",
        "number",
        lambda: float(_step_lengths().median()),
        unit="m",
        rtol=2e-3,
        explanation=_("a typical 4-hour step inside a seasonal range is a few hundred metres."),
        hints=[
            (
                lambda a, e: np.isclose(a, _step_lengths().mean(), rtol=2e-3),
                _("That is the mean step length. The question asks for the median."),
            ),
            (
                lambda a, e: np.isclose(a, e / 1000, rtol=2e-3),
                _("That is in kilometres: the column length_m is already in metres."),
            ),
            (
                lambda a, e: a < 1,
                _("That looks like a speed (km/h) or a length in km: use st['length_m']."),
            ),
        ],
    )
)

register(
    Exercise(
        "06.3",
        "number",
        lambda: _median_doy("departure"),
        unit=_("day of the year"),
        atol=0.01,
        explanation=_("the median spring departure of 2020 falls in the second half of April."),
        hints=[
            (
                lambda a, e: np.isclose(a, _median_doy("arrival")),
                _("That is the median arrival. Use the 'departure' column."),
            ),
            (
                lambda a, e: np.isclose(a, _median_doy("departure", year=None)),
                _("That includes the spring of 2021 (AM02, AM06). Keep the year 2020 only."),
            ),
            (
                lambda a, e: a <= 31,
                _("That looks like a day of the month. Use .dt.day_of_year (1 = 1 January)."),
            ),
            (
                lambda a, e: a > 250,
                _("That is in autumn: use dates.loc['spring']."),
            ),
        ],
    )
)
