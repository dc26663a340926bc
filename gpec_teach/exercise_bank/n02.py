"""Exercises of notebook 02 (geodata for GIS users).

Every expected answer is computed from the teaching data with the same steps as
``notebooks/02_geodata_basics.ipynb`` (rasterised country zones on the 100 m grid, areas
from geometry in EPSG:9191, a spatial join of the reprojected occurrence records), so
nothing is typed in. The "wrong" values that trigger hints are computed the same way.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _

CROPLAND = 6
EX1_COUNTRY, EX1_YEAR = "XCA", 2000
EX2_COUNTRY, IN_FORCE_YEAR = "XBE", 2020


@lru_cache(maxsize=1)
def _zones():
    """Country numbers burnt into the 100 m grid (0 outside), and ISO3 -> number."""
    from rasterio import features

    countries = data.load("countries")
    grid = data.load("landcover", year=2020)
    ids = {iso3: number for number, iso3 in enumerate(countries["ISO3"], start=1)}
    shapes = zip(countries.geometry, countries["ISO3"].map(ids), strict=True)
    zones = features.rasterize(
        shapes, out_shape=grid.shape, transform=grid.rio.transform(), fill=0, dtype="uint8"
    )
    return zones, ids


@lru_cache(maxsize=12)
def cropland_km2(iso3: str, year: int, resolution: int = 100) -> float:
    """Cropland area (km2) of one country in one epoch, as in the notebook's zonal table.

    At 100 m the rasterised zones are used; at the coarse resolutions the raster is clipped
    to the country (used only to recognise a learner who took the 250 m copy).
    """
    lc = data.load("landcover", year=year, resolution=resolution)
    cell_km2 = abs(lc.rio.resolution()[0] * lc.rio.resolution()[1]) / 1e6
    if resolution == 100:
        zones, ids = _zones()
        return float(((lc.values == CROPLAND) & (zones == ids[iso3])).sum() * cell_km2)
    countries = data.load("countries")
    country = countries[countries["ISO3"] == iso3]
    clipped = lc.rio.clip(country.geometry, crs=country.crs)
    return float((clipped.values == CROPLAND).sum() * cell_km2)


@lru_cache(maxsize=1)
def _protected_areas():

    return data.load("protected_areas")


def _in_force(pas, *, year: int = IN_FORCE_YEAR, biosphere: bool = False, proposed=False):
    """Protected areas in force in *year*: designated by then, no UNESCO-MAB reserves."""
    keep = pas["STATUS_YR"] <= year
    if not proposed:
        keep &= pas["STATUS"] == "Designated"
    if not biosphere:
        keep &= ~pas["DESIG_ENG"].str.contains("UNESCO-MAB")
    return pas[keep]


def pa_area_km2(iso3: str, *, field: str | None = None, **options) -> float:
    """Dissolved area (km2) of a country's protected areas in force, or the sum of *field*."""
    pas = _in_force(_protected_areas(), **options)
    pas = pas[pas["ISO3"] == iso3]
    if field is not None:
        return float(pas[field].sum())
    return float(pas.union_all().area / 1e6)


def _belmora_in_degrees() -> float:
    pas = _in_force(_protected_areas())
    import warnings

    with warnings.catch_warnings():  # the warning is the point of the hint, not of the check
        warnings.simplefilter("ignore", UserWarning)
        return float(pas[pas["ISO3"] == EX2_COUNTRY].to_crs("EPSG:4326").area.sum())


@lru_cache(maxsize=8)
def records_in_pas(
    *, unique: bool = True, biosphere: bool = False, proposed: bool = False, year: int = 2020
) -> int:
    """Count the occurrence records inside the protected areas in force in 2020."""
    import geopandas as gpd

    occ = data.load("occurrences")
    points = gpd.GeoDataFrame(
        occ,
        geometry=gpd.points_from_xy(occ["decimalLongitude"], occ["decimalLatitude"]),
        crs="EPSG:4326",
    ).to_crs("EPSG:9191")
    pas = _in_force(_protected_areas(), year=year, biosphere=biosphere, proposed=proposed)
    inside = gpd.sjoin(points, pas[["WDPAID", "geometry"]], predicate="within")
    return int(inside.index.nunique() if unique else len(inside))


def _close(a: float, b: float, rtol: float = 2e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "02.1",
        "number",
        lambda: cropland_km2(EX1_COUNTRY, EX1_YEAR),
        unit="km2",
        rtol=2e-3,
        explanation=(
            _(
                "this is Cazunda's cropland in 2000 on the 100 m grid; compare it with 2020 "
                "in the zonal table to see how much farmland was added."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, cropland_km2(EX1_COUNTRY, 2020)),
                _(
                    "That is the 2020 value (from the zonal table or lc_xca): load the 2000 "
                    "land cover with data.load('landcover', year=2000)."
                ),
            ),
            (
                lambda a, e: _close(a, cropland_km2(EX1_COUNTRY, 2010)),
                _("That is the 2010 value: the question asks for the year 2000."),
            ),
            (
                lambda a, e: any(
                    _close(a, cropland_km2(iso3, year))
                    for iso3 in ("XAR", "XBE")
                    for year in (2000, 2010, 2020)
                ),
                _(
                    "That is the cropland of another country: Cazunda is ISO3 'XCA' "
                    "(zone_ids['XCA'])."
                ),
            ),
            (
                lambda a, e: _close(a, cropland_km2(EX1_COUNTRY, EX1_YEAR, 250), 1e-3),
                _(
                    "Close, but this is the 250 m raster: at 250 m each cell holds the most "
                    "common class, which changes areas. Use the 100 m land cover (the default)."
                ),
            ),
            (
                lambda a, e: _close(a, e * 100),
                _(
                    "This looks like hectares, or a number of 100 m cells (one cell is 1 ha): "
                    "multiply by the cell area, 0.01 km2."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "02.2",
        "number",
        lambda: pa_area_km2(EX2_COUNTRY),
        unit="km2",
        rtol=2e-3,
        explanation=(
            _(
                "this is the mapped area of Belmora's protected areas in force in 2020, from "
                "geometry in the equal-area EPSG:9191."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, pa_area_km2(EX2_COUNTRY, field="REP_AREA")),
                _(
                    "That is the sum of REP_AREA, the reported area. Compute the area from the "
                    "geometry instead: .area / 1e6 in EPSG:9191."
                ),
            ),
            (
                lambda a, e: (
                    _close(a, pa_area_km2(EX2_COUNTRY, year=9999, proposed=True))
                    or _close(
                        a, pa_area_km2(EX2_COUNTRY, year=9999, proposed=True, field="REP_AREA")
                    )
                ),
                _(
                    "You included the proposed Northern Link (STATUS 'Proposed', 2024). Keep only "
                    "STATUS == 'Designated' and STATUS_YR <= 2020."
                ),
            ),
            (
                lambda a, e: _close(a, _belmora_in_degrees(), 1e-2),
                _(
                    "This is an area in square degrees (EPSG:4326). Measure in the equal-area "
                    "EPSG:9191 and divide m2 by 1e6."
                ),
            ),
            (
                lambda a, e: any(_close(a, pa_area_km2(iso3)) for iso3 in ("XAR", "XCA")),
                _("That is another country: Belmora is ISO3 'XBE'."),
            ),
            (
                lambda a, e: _close(a, _in_force(_protected_areas()).union_all().area / 1e6),
                _("That is the protected area of all three countries: keep ISO3 == 'XBE'."),
            ),
        ],
    )
)

register(
    Exercise(
        "02.3",
        "number",
        lambda: records_in_pas(),
        unit=_("records"),
        rtol=0.0,
        atol=0.5,
        explanation=(
            _(
                "each record is counted once, inside the protected areas in force in 2020 "
                "(no biosphere reserve, no proposed area)."
            )
        ),
        hints=[
            (
                lambda a, e: a == 0,
                _(
                    "No record inside: the points and polygons are probably in different CRSs. "
                    "Use occ_m (EPSG:9191), not the points in degrees."
                ),
            ),
            (
                lambda a, e: a == records_in_pas(unique=False),
                _(
                    "Some records fall in two overlapping protected areas and are counted twice: "
                    "count unique records with inside.index.nunique()."
                ),
            ),
            (
                lambda a, e: (
                    a
                    in {
                        records_in_pas(biosphere=True),
                        records_in_pas(biosphere=True, unique=False),
                    }
                ),
                _("You included the UNESCO-MAB biosphere reserve: use the layer in_force."),
            ),
            (
                lambda a, e: (
                    a
                    in {
                        records_in_pas(biosphere=True, proposed=True, year=9999),
                        records_in_pas(proposed=True, year=9999),
                        records_in_pas(biosphere=True, proposed=True, year=9999, unique=False),
                    }
                ),
                _(
                    "You used all protected areas: use in_force (designated by 2020, no biosphere "
                    "reserve)."
                ),
            ),
            (
                lambda a, e: a == 1600,
                _("1,600 is the number of all records: keep only those inside a protected area."),
            ),
        ],
    )
)
