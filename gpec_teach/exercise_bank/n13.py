"""Exercises of notebook 13 (ProtConn for KMGBF Target 3).

The protected areas (polygons and the point record), the countries and the Northern Link
scenario are rebuilt exactly as in the notebook, so every expected answer is computed
with ``gpec_teach.protconn``, not typed in. Keep the constants below in step with
``notebooks/13_protconn_target3.ipynb``.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..protconn import protconn

EX1_COUNTRY, EX1_YEAR, EX1_DISTANCE_KM = "XCA", 2020, 10.0
SCENARIO_COUNTRY, SCENARIO_YEAR, SCENARIO_DISTANCE_KM = "XBE", 2024, 10.0
PROPOSED_NAME = "Northern Link Conservation Area"
STANDARD_KM = (1.0, 10.0, 100.0)


@lru_cache(maxsize=1)
def _protected_areas():
    """Return the polygons and points of the teaching data in one table, as in the notebook."""
    import geopandas as gpd
    import pandas as pd

    polygons = data.load("protected_areas")
    points = data.load("protected_area_points")
    return gpd.GeoDataFrame(pd.concat([polygons, points], ignore_index=True), crs=polygons.crs)


@lru_cache(maxsize=1)
def _scenario():
    """Return the PAs with the proposed Northern Link treated as designated in 2024."""
    scenario = _protected_areas().copy()
    is_link = scenario["NAME"] == PROPOSED_NAME
    scenario.loc[is_link, "STATUS"] = "Designated"
    scenario.loc[is_link, "STATUS_YR"] = SCENARIO_YEAR
    return scenario


def _country(iso3: str):

    countries = data.load("countries")
    return countries[countries["ISO3"] == iso3]


@cache
def _result(iso3: str, year: int, distance_km: float, scenario: bool = False):

    pas = _scenario() if scenario else _protected_areas()
    return protconn(pas, _country(iso3), year=year, dispersal_distance_km=distance_km)


def _protconn_ex1(year: int = EX1_YEAR, distance_km: float = EX1_DISTANCE_KM) -> float:
    return float(_result(EX1_COUNTRY, year, distance_km).ProtConn)


def _gain(key: str = "ProtConn", distance_km: float = SCENARIO_DISTANCE_KM) -> float:
    args = (SCENARIO_COUNTRY, SCENARIO_YEAR, distance_km)
    return float(getattr(_result(*args, scenario=True), key) - getattr(_result(*args), key))


def _relative_gain_percent() -> float:
    args = (SCENARIO_COUNTRY, SCENARIO_YEAR, SCENARIO_DISTANCE_KM)
    before = _result(*args).ProtConn
    return float(100.0 * (_result(*args, scenario=True).ProtConn / before - 1.0))


def _best_distance() -> float:
    return max(STANDARD_KM, key=lambda d: _gain(distance_km=d))


def _close(a: float, b: float, rtol: float = 2e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "13.1",
        "number",
        _protconn_ex1,
        unit="%",
        rtol=2e-3,
        explanation=(
            _(
                "this share of Cazunda is protected and connected for a species with a 10 km "
                "median dispersal distance; coverage (Prot) is higher."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, e / 100),
                _(
                    "That is a fraction (0-1). protconn already returns percent: give the "
                    "ProtConn value as it is, without dividing by 100."
                ),
            ),
            (
                lambda a, e: _close(a, float(_result(EX1_COUNTRY, EX1_YEAR, 10.0).Prot)),
                _(
                    "That is Prot, the coverage. The question asks for ProtConn, the protected "
                    "and connected part, which is smaller."
                ),
            ),
            (
                lambda a, e: any(_close(a, _protconn_ex1(year=y)) for y in (2000, 2010)),
                _("That is the value of an earlier epoch: use year=2020."),
            ),
            (
                lambda a, e: any(_close(a, _protconn_ex1(distance_km=d)) for d in (1.0, 100.0)),
                _(
                    "That is ProtConn for another dispersal distance: use dispersal_distance_km=10."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "13.2",
        "number",
        _gain,
        unit=_("percentage points"),
        rtol=5e-3,
        explanation=(
            _(
                "Belmora's ProtConn rises by this many percentage points, more than its "
                "coverage: the Northern Link joins two large protected areas."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, -e, 5e-3),
                _(
                    "Right size, wrong sign: compute ProtConn with the Northern Link minus "
                    "ProtConn without it."
                ),
            ),
            (
                lambda a, e: _close(a, _gain("Prot"), 5e-3),
                _(
                    "That is the gain in coverage (Prot). The question asks for the gain in ProtConn."
                ),
            ),
            (
                lambda a, e: _close(a, _relative_gain_percent(), 5e-3),
                _(
                    "That is the relative change in percent. Percentage points are the plain "
                    "difference: ProtConn after minus ProtConn before."
                ),
            ),
            (
                lambda a, e: any(_close(a, _gain(distance_km=d), 5e-3) for d in (1.0, 100.0)),
                _(
                    "That is the gain for another dispersal distance: use dispersal_distance_km=10."
                ),
            ),
            (
                lambda a, e: a > 10,
                _(
                    "That looks like ProtConn itself, not the gain: subtract the value without "
                    "the Northern Link."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "13.3",
        "category",
        _best_distance,
        unit="km",
        explanation=(
            _(
                "the gain is largest when the gaps the new area bridges are about the size "
                "of the species' dispersal distance."
            )
        ),
        hints=[
            (
                lambda a, e: a == 1 or a == 1000,
                _(
                    "At 1 km the gaps of 1.8 and 6 km are still hard to cross: compare the gains "
                    "at all three distances (in km, not m)."
                ),
            ),
            (
                lambda a, e: a == 100 or a == 100_000,
                _(
                    "At 100 km the large protected areas were already well connected without "
                    "the new one. Compare the three gains again (in km)."
                ),
            ),
        ],
    )
)
