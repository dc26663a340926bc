"""Exercises of notebook 05 (protected and conserved areas).

The expected answers repeat the notebook's steps on the teaching data: the polygon and
point layers are cleaned with :func:`gpec_teach.protconn.clean_protected_areas`, clipped
to each country with :func:`gpec_teach.protconn.areas_inside_region` and divided by the
country's land area. Nothing is typed in.
"""

from __future__ import annotations

import math
from functools import cache

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..protconn import (
    WDPA_EXCLUDED_DESIGNATIONS,
    WDPA_EXCLUDED_STATUS,
    areas_inside_region,
    clean_protected_areas,
)


@cache
def _layers():
    import pandas as pd

    pas = data.load("protected_areas")
    points = data.load("protected_area_points")
    countries = data.load("countries")
    records = pd.concat([pas, points], ignore_index=True)
    return pas, records, countries


@cache
def _coverage(iso3: str, year: int | None = None, with_biosphere: bool = False) -> float:
    """Percent of the country's land inside the cleaned protected areas."""
    import geopandas as gpd

    _, records, countries = _layers()
    options = {"exclude_designations": ()} if with_biosphere else {}
    cleaned = clean_protected_areas(records, year=year, **options)
    geometry = countries.set_index("ISO3").geometry[iso3]
    region = gpd.GeoSeries([geometry], crs=countries.crs)
    inside = float(areas_inside_region(cleaned, region)["inside_km2"].sum())
    return 100.0 * inside / (geometry.area / 1e6)


def _naive(iso3: str) -> float:
    """Sum of GIS_AREA of the country's polygon records, in percent of its land."""
    pas, _, countries = _layers()
    land = countries.set_index("ISO3").area[iso3] / 1e6
    return 100.0 * float(pas.loc[pas["ISO3"] == iso3, "GIS_AREA"].sum()) / land


def _land_km2(iso3: str) -> float:
    _, _, countries = _layers()
    return float(countries.set_index("ISO3").area[iso3] / 1e6)


@cache
def _pairs(distance_m: float, *, keep_proposed: bool = False, same_country: bool = False):
    """Pairs of in-force polygon records within distance_m (each pair once)."""
    import geopandas as gpd

    _, records, _ = _layers()
    status = () if keep_proposed else WDPA_EXCLUDED_STATUS
    keep = ~records["STATUS"].isin(status) & ~records["DESIG_ENG"].isin(WDPA_EXCLUDED_DESIGNATIONS)
    in_force = records[keep & (records.geom_type != "Point")]
    cols = ["WDPAID", "ISO3", "geometry"]
    joined = gpd.sjoin(in_force[cols], in_force[cols], predicate="dwithin", distance=distance_m)
    once = joined["WDPAID_left"] < joined["WDPAID_right"]
    other = joined["ISO3_left"] != joined["ISO3_right"]
    return int((once if same_country else once & other).sum())


def _close(a: float, b: float, rtol: float = 2e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "05.1",
        "number",
        lambda: _coverage("XAR", 2020),
        unit="%",
        rtol=2e-3,
        explanation=_(
            "about one sixth of Arvenia's land lies in protected areas, counted once "
            "each, without the biosphere reserve."
        ),
        hints=[
            (
                lambda a, e: _close(a, _naive("XAR")),
                _(
                    "This is the sum of GIS_AREA divided by the land area. That sum counts the "
                    "biosphere reserve and the overlaps: clean the records first."
                ),
            ),
            (
                lambda a, e: _close(a, _coverage("XAR", 2020, with_biosphere=True)),
                _(
                    "You kept the UNESCO-MAB biosphere reserve. Biosphere reserves are left out "
                    "of coverage: use the default exclude_designations."
                ),
            ),
            (
                lambda a, e: (
                    _close(a, _coverage("XAR", 2010)) or _close(a, _coverage("XAR", 2000))
                ),
                _("This is the value of another year: use year=2020."),
            ),
            (
                lambda a, e: _close(
                    a, e * _land_km2("XAR") / sum(map(_land_km2, ("XAR", "XBE", "XCA")))
                ),
                _(
                    "You divided by the land of all three countries. Divide by Arvenia's land only."
                ),
            ),
            (
                lambda a, e: _close(a, e * _land_km2("XAR") / 100),
                _(
                    "This looks like an area in km2. Divide it by Arvenia's land area and multiply by 100."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "05.2",
        "number",
        lambda: _coverage("XBE", 2020) - _coverage("XBE", 2010),
        unit=_("percentage points"),
        rtol=5e-3,
        explanation=_(
            "three designations (2012, 2014 and 2020) more than doubled Belmora's protected share."
        ),
        hints=[
            (
                lambda a, e: _close(
                    a, 100 * (_coverage("XBE", 2020) / _coverage("XBE", 2010) - 1), 5e-3
                ),
                _(
                    "This is the relative growth in percent of the 2010 value. The question asks "
                    "for percentage points: the 2020 share minus the 2010 share."
                ),
            ),
            (
                lambda a, e: _close(a, _coverage("XBE", 2020) - _coverage("XBE", 2000), 5e-3),
                _("This is the gain since 2000. Start from 2010."),
            ),
            (
                lambda a, e: _close(a, e * _land_km2("XBE") / 100, 5e-3),
                _("This is the gain in km2. Divide by Belmora's land area and multiply by 100."),
            ),
            (
                lambda a, e: _close(a, -e, 5e-3),
                _("The sign is reversed: subtract the 2010 share from the 2020 share."),
            ),
        ],
    )
)

register(
    Exercise(
        "05.3",
        "number",
        lambda: _pairs(10_000.0),
        explanation=_(
            "two more pairs appear at 10 km: near neighbours across the border, not "
            "one area split by it."
        ),
        hints=[
            (
                lambda a, e: a == 2 * e,
                _("Each pair is counted twice (A-B and B-A). Keep WDPAID_left < WDPAID_right."),
            ),
            (
                lambda a, e: a == _pairs(10_000.0, keep_proposed=True),
                _("You kept the proposed Northern Link area. Leave out STATUS 'Proposed'."),
            ),
            (
                lambda a, e: a == _pairs(1_000.0),
                _("This is the count for 1 km. The CRS unit is the metre: distance=10_000."),
            ),
            (
                lambda a, e: a == _pairs(10_000.0, same_country=True),
                _("This count includes pairs within one country. Keep pairs whose ISO3 differ."),
            ),
        ],
    )
)
