"""Exercises of notebook 11 (transboundary corridors).

The resistance surface (notebook 04's expert table and roads, 250 m), the cores (three
protected areas), the country grid, the corridors, the current and the cleaned GPS fixes
are rebuilt exactly as in the notebook, and so is Cazunda's ProtConn with and without
Belmora's Tevra Vale (the transboundary stepping stone of the data release 1.1.0), so
every expected answer is computed with ``gpec_teach``, not typed in. Keep the constants below in step with
``notebooks/11_transboundary_corridors.ipynb``.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

import numpy as np

from .. import data
from ..circuit import pairwise_resistance
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _
from ..least_cost import corridor_mask, least_cost_corridor
from ..movement import clean_fixes, read_fixes
from ..protconn import protconn
from ..resistance import burn_lines, reclassify

RESOLUTION = 250
EXPERT = {1: 100.0, 2: 20.0, 3: 5.0, 4: 1.0, 5: 3.0, 6: 40.0, 7: 100.0, 8: 30.0}
ROAD_VALUES = {"trunk": 100.0, "primary": 80.0, "secondary": 30.0}
ROAD_WIDTHS = {"trunk": 25.0, "primary": 15.0, "secondary": 8.0}
CORE_NAMES = {
    1: "Serra Alta National Park",
    2: "Belhills Game Reserve",
    3: "Savanna Plains National Park",
}
COUNTRY_IDS = {"XAR": 1, "XBE": 2, "XCA": 3}
LINKS = {"north": (1, 2), "south": (1, 3)}
CUTOFF = 10_000.0
MAX_SPEED_KMH = 3.0
BORDERS = {"XAR-XBE": (1, 2), "XAR-XCA": (1, 3), "XBE-XCA": (2, 3)}
STONE_COUNTRY, STONE_NAME, STONE_YEAR, STONE_DISTANCE_KM = "XCA", "Tevra Vale", 2020, 100.0


@lru_cache(maxsize=1)
def _grids():
    """Return resistance, core grid and country grid (250 m), as in the notebook."""
    from rasterio import features

    lc = data.load("landcover", year=2020, resolution=RESOLUTION)
    roads = data.load("roads")
    resistance = burn_lines(
        reclassify(lc, EXPERT),
        roads[roads["opened"] <= 2020],
        values=ROAD_VALUES,
        widths=ROAD_WIDTHS,
        class_column="class",
    )
    pas = data.load("protected_areas")
    cores = pas[pas["NAME"].isin(CORE_NAMES.values())]
    ids = cores["NAME"].map({v: k for k, v in CORE_NAMES.items()})
    countries = data.load("countries")
    transform = lc.rio.transform()
    core_grid = features.rasterize(
        zip(cores.geometry, ids, strict=True),
        out_shape=lc.shape,
        transform=transform,
        fill=0,
        dtype="int32",
    )
    country_grid = features.rasterize(
        zip(countries.geometry, countries["ISO3"].map(COUNTRY_IDS), strict=True),
        out_shape=lc.shape,
        transform=transform,
        fill=0,
        dtype="int32",
    )
    return resistance, core_grid, country_grid


@cache
def _nlcc(link: str) -> np.ndarray:

    resistance, core_grid, _ = _grids()
    a, b = LINKS[link]
    return np.asarray(least_cost_corridor(resistance, core_grid == a, core_grid == b))


def _corridor_share(
    iso3: str = "XBE", link: str = "north", cutoff: float = CUTOFF, drop_cores: bool = True
) -> float:
    """Percent of the corridor's cells in *iso3*."""
    _, core_grid, country_grid = _grids()
    mask = corridor_mask(_nlcc(link), cutoff=cutoff)
    if drop_cores:
        mask &= core_grid == 0
    return float(100.0 * (mask & (country_grid == COUNTRY_IDS[iso3])).sum() / mask.sum())


@lru_cache(maxsize=2)
def _located(cleaned: bool = True):
    """Return the fixes (cleaned or raw) with their country; first match for overlaps."""
    import geopandas as gpd

    countries = data.load("countries")
    fixes = read_fixes(data.load("tracks"), to_crs=countries.crs)
    if cleaned:
        fixes, _ = clean_fixes(fixes, max_speed_kmh=MAX_SPEED_KMH)
    joined = gpd.sjoin(fixes, countries[["ISO3", "geometry"]], how="left", predicate="within")
    located = joined[~joined.index.duplicated(keep="first")].copy()
    located["ISO3"] = located["ISO3"].fillna("no country")
    located["month"] = located["timestamp"].dt.month
    return located


def _fix_share(months=(11,), iso3: str = "XCA", cleaned: bool = True) -> float:
    located = _located(cleaned)
    chosen = located[located["month"].isin(list(months))]
    return float(100.0 * (chosen["ISO3"] == iso3).mean())


@lru_cache(maxsize=1)
def _border_current() -> dict[str, float]:
    """Return the current summed over land cells on either side of each border."""
    from scipy import ndimage

    resistance, core_grid, country_grid = _grids()
    current = np.asarray(pairwise_resistance(resistance, core_grid).cumulative_current)
    land = np.isfinite(np.asarray(resistance))
    out = {}
    for border, (i, j) in BORDERS.items():
        near_i = ndimage.binary_dilation(country_grid == i, iterations=2)
        near_j = ndimage.binary_dilation(country_grid == j, iterations=2)
        on_border = land & near_i & near_j & (core_grid == 0)
        out[border] = float(np.nansum(current[on_border]))
    return out


def _busiest_border() -> str:
    totals = _border_current()
    return max(totals, key=totals.get)


@lru_cache(maxsize=1)
def _all_pas():
    """Return the PA polygons and the point record in one table, as ``all_pas`` in the notebook."""
    import geopandas as gpd
    import pandas as pd

    polygons = data.load("protected_areas")
    points = data.load("protected_area_points")
    return gpd.GeoDataFrame(pd.concat([polygons, points], ignore_index=True), crs=polygons.crs)


@cache
def _stone_run(distance_km: float = STONE_DISTANCE_KM, with_stone: bool = True):
    """Return Cazunda's ProtConn result (2020) with or without the foreign stepping stone."""
    pas = _all_pas()
    if not with_stone:
        pas = pas[pas["ORIG_NAME"] != STONE_NAME]
    countries = data.load("countries")
    region = countries[countries["ISO3"] == STONE_COUNTRY]
    return protconn(pas, region, year=STONE_YEAR, dispersal_distance_km=distance_km)


def _stone_loss(distance_km: float = STONE_DISTANCE_KM) -> float:
    """Return the percentage points of Cazunda's ProtConn lost without Tevra Vale."""
    return float(_stone_run(distance_km).ProtConn - _stone_run(distance_km, False).ProtConn)


def _stone_trans(distance_km: float = STONE_DISTANCE_KM, unit: str = "points") -> float:
    """Return Cazunda's ProtConn_Trans, in percentage points of the country or % of ProtConn."""
    result = _stone_run(distance_km)
    share = float(result.ProtConn_Trans)
    return share * float(result.ProtConn) / 100.0 if unit == "points" else share


def _stone_relative_loss(distance_km: float = STONE_DISTANCE_KM) -> float:
    """Return the loss as a relative change of ProtConn, in percent."""
    return 100.0 * _stone_loss(distance_km) / float(_stone_run(distance_km, False).ProtConn)


def _close(a, b, rtol: float = 2e-3) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=rtol)
    except (TypeError, ValueError):
        return False


def _close_abs(a, b, atol: float = 0.005) -> bool:
    """Equal to two decimals (the answers of 11.4 are small numbers of percentage points)."""
    try:
        return math.isclose(float(a), float(b), rel_tol=0.0, abs_tol=atol)
    except (TypeError, ValueError):
        return False


register(
    Exercise(
        "11.1",
        "number",
        lambda: _corridor_share(),
        unit="%",
        rtol=2e-3,
        explanation=(
            _(
                "this share of the northern corridor (cut-off 10 000 cost units, cores left "
                "out) lies in Belmora; Arvenia holds most of the rest."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, e / 100),
                _("That is a fraction (0-1): multiply by 100 to give a percentage."),
            ),
            (
                lambda a, e: _close(a, _corridor_share(drop_cores=False)),
                _(
                    "Your corridor still contains core cells: leave them out with "
                    "`& (core_grid == 0)`."
                ),
            ),
            (
                lambda a, e: any(_close(a, _corridor_share(cutoff=c)) for c in (5_000, 20_000)),
                _("That is the share for another corridor cut-off: use cutoff=10 000 cost units."),
            ),
            (
                lambda a, e: _close(a, _corridor_share(link="south")),
                _("That is Belmora's share of the southern corridor: use corridors['north']."),
            ),
            (
                lambda a, e: _close(a, _corridor_share(iso3="XAR")),
                _(
                    "That is Arvenia's share. Count the corridor cells in Belmora (country_grid == 2)."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "11.2",
        "number",
        lambda: _fix_share(),
        unit="%",
        rtol=2e-3,
        explanation=(
            _(
                "in November part of the animals are already in Cazunda and the rest are "
                "still in (or leaving) Arvenia and Belmora: three countries host the migration."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, e / 100),
                _("That is a fraction (0-1): multiply by 100 to give a percentage."),
            ),
            (
                lambda a, e: _close(a, _fix_share(cleaned=False)),
                _(
                    "That share includes the bad fixes: use the cleaned fixes (`located`, built "
                    "from `clean`), not the raw ones."
                ),
            ),
            (
                lambda a, e: any(
                    _close(a, _fix_share(months=m)) for m in ((10, 11), (11, 12), (10,), (12,))
                ),
                _("That is for other months: keep only the fixes with month == 11 (November)."),
            ),
            (
                lambda a, e: any(_close(a, _fix_share(iso3=c)) for c in ("XAR", "XBE")),
                _("That is the share of another country: count the fixes with ISO3 == 'XCA'."),
            ),
        ],
    )
)

register(
    Exercise(
        "11.3",
        "category",
        _busiest_border,
        explanation=(
            _(
                "this border carries the most current in total; its countries share the largest "
                "part of the responsibility for the corridors."
            )
        ),
        hints=[
            (
                lambda a, e: str(a).strip().upper() in BORDERS,
                _(
                    "Not this border. Sum the current over all blocks of each border with "
                    "crossings.groupby('border')['current'].sum(), then take the largest."
                ),
            ),
            (
                lambda a, e: (
                    str(a).strip().upper() in {"-".join(k.split("-")[::-1]) for k in BORDERS}
                ),
                _(
                    "Write the border as in the table, with the codes in the same order "
                    "(for example 'XAR-XBE')."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "11.4",
        "number",
        _stone_loss,
        unit=_("percentage points"),
        rtol=0.0,
        atol=0.005,
        explanation=(
            _(
                "Cazunda would lose this much without Belmora's Tevra Vale for a species that "
                "disperses 100 km: less than at 10 km, although Trans is larger, because the "
                "direct gaps cost such a species little."
            )
        ),
        hints=[
            (
                lambda a, e: _close_abs(a, -e),
                _("Right size, wrong sign: ProtConn with Tevra Vale minus ProtConn without it."),
            ),
            (
                lambda a, e: _close_abs(a, _stone_loss(10.0)),
                _("That is the loss at 10 km, the worked example: use dispersal_distance_km=100."),
            ),
            (
                lambda a, e: _close_abs(a, _stone_trans()),
                _(
                    "That is the flux through foreign PAs (Trans in percentage points), not what "
                    "Cazunda would lose: compute ProtConn again without Tevra Vale and subtract."
                ),
            ),
            (
                lambda a, e: _close_abs(a, _stone_trans(unit="percent")),
                _(
                    "That is ProtConn_Trans, a percent of ProtConn and a flux, not a loss: "
                    "compute ProtConn without Tevra Vale and subtract."
                ),
            ),
            (
                lambda a, e: _close_abs(a, _stone_relative_loss()),
                _(
                    "That is the relative change in percent. Percentage points are the plain "
                    "difference: ProtConn with Tevra Vale minus ProtConn without it."
                ),
            ),
            (
                lambda a, e: a > 5,
                _(
                    "That looks like ProtConn itself, not the loss: subtract the value without "
                    "Tevra Vale."
                ),
            ),
        ],
    )
)
