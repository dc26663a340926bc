"""Exercises of notebook 15 (Reporting).

Expected answers are computed with ``gpec_teach`` from the teaching data, as in
``notebooks/15_reporting.ipynb`` (Belmora, XBE; baseline 2010; ProtConn at 10 km; MESH of
forest, woodland/savanna and grassland on the 100 m land cover clipped to Belmora). Keep
the constants below, and ``DRAFT_FIGURES``, in step with the notebook.
"""

from __future__ import annotations

import math
from functools import cache

from .. import data
from ..exercises import Exercise, register
from ..fragmentation import class_metrics
from ..i18n import lazy_gettext as _
from ..protconn import protconn

ISO3, BASELINE, FINAL, DISTANCE_KM = "XBE", 2010, 2020, 10.0
HABITAT = (3, 4, 5)  # forest, woodland/savanna, grassland (notebook 12)
INDICATORS = ("Prot", "ProtConn", "MESH")

#: The draft report's figures of Step 5 (exercise 15.3).
DRAFT_FIGURES = [
    {"file": "prot_trend.png", "alt": "Line chart: Prot rises from 8 % in 2010 to 18 % in 2020."},
    {"file": "protconn_map.png", "alt": ""},
    {"file": "mesh_epochs.png", "alt": "   "},
    {"file": "road_change.png", "alt": None},
    {"file": "dispersal_range.png", "alt": " "},
    {"file": "habitat_2020.png", "alt": "Map of habitat in 2020, forest in the hills."},
]


@cache
def _inputs():
    """Return (protected areas with the point record, the Belmora polygon)."""
    import geopandas as gpd
    import pandas as pd

    polygons = data.load("protected_areas")
    points = data.load("protected_area_points")
    pas = gpd.GeoDataFrame(pd.concat([polygons, points], ignore_index=True), crs=polygons.crs)
    countries = data.load("countries")
    return pas, countries[countries["ISO3"] == ISO3]


@cache
def _protconn(year: int, distance_km: float = DISTANCE_KM):

    pas, region = _inputs()
    return protconn(pas, region, year=year, dispersal_distance_km=distance_km)


@cache
def _mesh_km2(year: int, resolution: int = 100) -> float:
    import numpy as np

    _, region = _inputs()
    lc = data.load("landcover", year=year, resolution=resolution)
    lc = lc.rio.clip(region.geometry, drop=True)
    codes = np.where(lc.values == 0, 0, np.where(np.isin(lc.values, HABITAT), 1, 2))
    metrics = class_metrics(codes, cellsize=resolution, cls=1, nodata=0)
    return float(metrics.loc[0, "MESH"]) / 100.0


def _value(indicator: str, year: int) -> float:
    if indicator == "MESH":
        return _mesh_km2(year)
    return float(getattr(_protconn(year), indicator))


def _change_points(start: int = BASELINE, end: int = FINAL, distance_km: float = DISTANCE_KM):
    return float(_protconn(end, distance_km).ProtConn - _protconn(start, distance_km).ProtConn)


def _relative_change(indicator: str, start: int = BASELINE, end: int = FINAL) -> float:
    before = _value(indicator, start)
    return 100.0 * (_value(indicator, end) - before) / before


def _largest_relative_change() -> str:
    return max(INDICATORS, key=lambda name: abs(_relative_change(name)))


def _missing_alt(figures=None) -> int:
    figures = DRAFT_FIGURES if figures is None else figures
    return sum(1 for f in figures if not (f["alt"] or "").strip())


def _close(a: float, b: float, rtol: float = 5e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


def _same(answer, name: str) -> bool:
    return str(answer).strip().lower() == name.lower()


register(
    Exercise(
        "15.1",
        "number",
        _change_points,
        unit=_("percentage points"),
        rtol=5e-3,
        explanation=(
            _(
                "Belmora's ProtConn (10 km) rose by this many percentage points between 2010 and "
                "2020; the relative rise is about 94 %. Say which of the two you report."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, _relative_change("ProtConn")),
                _(
                    "That is the relative change in percent of the 2010 value. Percentage points "
                    "are the plain difference: ProtConn 2020 minus ProtConn 2010."
                ),
            ),
            (
                lambda a, e: _close(a, -e),
                _("Right size, wrong sign: take the 2020 value minus the 2010 value."),
            ),
            (
                lambda a, e: (
                    _close(a, _change_points(2000, 2020)) or _close(a, _change_points(2000, 2010))
                ),
                _(
                    "That change starts or ends in the wrong year: the baseline is 2010 and the "
                    "end year 2020."
                ),
            ),
            (
                lambda a, e: any(_close(a, _change_points(distance_km=d)) for d in (1.0, 100.0)),
                _(
                    "That is the change for another dispersal distance: use dispersal_distance_km=10."
                ),
            ),
            (
                lambda a, e: _close(a, float(_protconn(FINAL).Prot - _protconn(BASELINE).Prot)),
                _("That is the change in coverage (Prot). The question asks for ProtConn."),
            ),
            (
                lambda a, e: _close(a, e / 100),
                _("Percentage points are not a fraction: do not divide by 100."),
            ),
            (
                lambda a, e: a > 10,
                _(
                    "That looks like a ProtConn value, not a change: subtract the 2010 value "
                    "from the 2020 value."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "15.2",
        "category",
        _largest_relative_change,
        explanation=(
            _(
                "coverage more than doubled (Prot about +147 %), ProtConn rose by about 94 % and "
                "MESH fell by about 31 %. Relative changes have no unit, so they can be compared."
            )
        ),
        hints=[
            (
                lambda a, e: _same(a, "ProtConn"),
                _(
                    "ProtConn rose a lot, but compare the relative changes of all three: coverage "
                    "rose even more, because part of the new protected land is not connected."
                ),
            ),
            (
                lambda a, e: _same(a, "MESH"),
                _(
                    "MESH has the largest change in its own unit (km2), but km2 and percentage "
                    "points cannot be compared. Compare the change in percent of the 2010 values."
                ),
            ),
            (
                lambda a, e: str(a).strip().lower() in {"prot (%)", "protconn 10 km (%)"},
                _("Give only the short name: 'Prot', 'ProtConn' or 'MESH'."),
            ),
            (
                lambda a, e: not any(_same(a, name) for name in INDICATORS),
                _("Answer with one of the names 'Prot', 'ProtConn' or 'MESH'."),
            ),
        ],
    )
)

register(
    Exercise(
        "15.3",
        "number",
        _missing_alt,
        unit=_("figures"),
        rtol=0,
        explanation=(
            _(
                "an empty text, a text of spaces and None all leave a reader without a "
                "description; each needs an alt text before the report goes out."
            )
        ),
        hints=[
            (
                lambda a, e: a == sum(1 for f in DRAFT_FIGURES if f["alt"] is None),
                _(
                    "You counted only one kind of missing alt text. None, an empty text and a "
                    "text of spaces all leave the reader without a description: test "
                    "(alt or '').strip()."
                ),
            ),
            (
                lambda a, e: a == sum(1 for f in DRAFT_FIGURES if not str(f["alt"]).strip()),
                _(
                    "str(None) is the text 'None', which is not empty: a missing (None) alt text "
                    "was counted as present. Test (alt or '').strip()."
                ),
            ),
            (
                lambda a, e: a == sum(1 for f in DRAFT_FIGURES if not f["alt"]),
                _(
                    "A text of spaces is not an alt text either: strip the spaces before you test "
                    "it, (alt or '').strip()."
                ),
            ),
        ],
    )
)
