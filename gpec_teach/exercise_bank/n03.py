"""Exercises of notebook 03 (habitat and core areas).

The suitability table, the habitat threshold, the edge rule and the minimum-area rule are
those of ``notebooks/03_habitat_core_areas.ipynb``; the core areas are rebuilt with the
same steps (``scipy.ndimage.distance_transform_edt`` for the edge band, then
:func:`gpec_teach.fragmentation.label_patches` and
:func:`gpec_teach.fragmentation.patch_table`), so every expected answer is computed from
the data, not typed in. Keep the constants below in step with the notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..fragmentation import label_patches, patch_table
from ..i18n import lazy_gettext as _

YEAR = 2020
#: Suitability scores of the fictional ungulate per land-cover class (0 = not used).
SCORES = {1: 0.0, 2: 0.4, 3: 0.2, 4: 1.0, 5: 0.9, 6: 0.0, 7: 0.0, 8: 0.0}
SPECIES = "Ambulocerus migrans"
MAX_UNCERTAINTY_M = 1000
#: Baseline rules of the notebook.
BASELINE = {"threshold": 0.5, "edge_m": 300, "min_ha": 500, "neighbors": 8}
#: Rules of exercises 03.1 and 03.2 (10 km2 = 1000 ha).
EX1_RULES = {"threshold": 0.5, "edge_m": 100, "min_ha": 1000, "neighbors": 8}


@lru_cache(maxsize=1)
def _landcover():

    return data.load("landcover", year=YEAR)


@lru_cache(maxsize=1)
def _suitability() -> np.ndarray:
    """Return the suitability grid of the notebook: NaN over the sea (code 0)."""
    lookup = np.full(256, np.nan)
    lookup[list(SCORES)] = list(SCORES.values())
    return lookup[_landcover().values]


@lru_cache(maxsize=32)
def core_areas(
    threshold: float = 0.5, edge_m: float = 300, min_ha: float = 500, neighbors: int = 8
):
    """Return ``(cores, areas_ha)``: core id grid (0 = not core) and the core areas in ha."""
    from scipy import ndimage

    cell = abs(_landcover().rio.resolution()[0])
    habitat = _suitability() >= threshold
    interior = ndimage.distance_transform_edt(habitat) * cell > edge_m
    labels, _ = label_patches(interior, neighbors=neighbors)
    pieces = patch_table(interior, cellsize=cell, neighbors=neighbors)
    keep = pieces[pieces["area_ha"] >= min_ha]
    cores = np.where(np.isin(labels, keep["patch_id"].to_numpy()), labels, 0)
    return cores, keep["area_ha"].to_numpy()


def n_cores(**rules) -> int:
    """Count the core areas under *rules* (missing rules take the baseline values)."""
    return int(core_areas(**(BASELINE | rules))[1].size)


def core_km2(**rules) -> float:
    """Return the total core area (km2) under *rules* (missing rules take the baseline values)."""
    return float(core_areas(**(BASELINE | rules))[1].sum() / 100.0)


@lru_cache(maxsize=4)
def _record_cells(all_years: bool = False, all_species: bool = False):
    """Return the row and column of the kept occurrence records on the land-cover grid."""
    import geopandas as gpd

    occ = data.load("occurrences")
    keep = occ["coordinateUncertaintyInMeters"] <= MAX_UNCERTAINTY_M
    if not all_years:
        keep &= occ["year"] >= YEAR
    if not all_species:
        keep &= occ["species"] == SPECIES
    lc = _landcover()
    pts = gpd.GeoSeries(
        gpd.points_from_xy(occ.loc[keep, "decimalLongitude"], occ.loc[keep, "decimalLatitude"]),
        crs="EPSG:4326",
    ).to_crs(lc.rio.crs)
    col, row = ~lc.rio.transform() @ (pts.x.to_numpy(), pts.y.to_numpy())
    return np.floor(row).astype(int), np.floor(col).astype(int)


def share_of_records_in_cores(*, all_years: bool = False, all_species: bool = False) -> float:
    """Return the fraction (0-1) of the kept ungulate records inside the baseline core areas."""
    rows, cols = _record_cells(all_years, all_species)
    cores = core_areas(**BASELINE)[0]
    return float((cores[rows, cols] > 0).mean())


def _share_of_records_in_habitat() -> float:
    rows, cols = _record_cells()
    return float((_suitability()[rows, cols] >= BASELINE["threshold"]).mean())


def _share_of_land_in_cores() -> float:
    land = _landcover().values != 0
    return float((core_areas(**BASELINE)[0] > 0)[land].mean())


def _close(value: float, rel: float = 1e-3, abs_: float = 0.0):
    return lambda a, e: math.isclose(a, value(), rel_tol=rel, abs_tol=abs_)


register(
    Exercise(
        "03.1",
        "number",
        lambda: n_cores(**EX1_RULES),
        rtol=0.0,
        atol=0.0,
        explanation=(
            _(
                "with a 100 m edge band and at least 10 km2 (1000 ha) per core, this many core "
                "areas remain."
            )
        ),
        hints=[
            (
                lambda a, e: a == n_cores(**(EX1_RULES | {"min_ha": 10})),
                _(
                    "That count uses a minimum of 10 ha. The rule is 10 km2: min_ha is in "
                    "hectares, so use min_ha=1000 (1 km2 = 100 ha)."
                ),
            ),
            (
                lambda a, e: a == n_cores(**(EX1_RULES | {"edge_m": 0})),
                _(
                    "That is the count without the edge rule: remove the 100 m edge band "
                    "(edge_m=100) before you apply the minimum area."
                ),
            ),
            (
                lambda a, e: a == n_cores(**(EX1_RULES | {"neighbors": 4})),
                _(
                    "That is the count with 4 neighbors. Use the 8-neighbor rule "
                    "(FRAGSTATS' default, neighbors=8)."
                ),
            ),
            (
                lambda a, e: a == n_cores(**BASELINE),
                _(
                    "That is the count of the baseline rules (300 m, 500 ha). Use edge_m=100 and "
                    "min_ha=1000."
                ),
            ),
            (
                lambda a, e: a == n_cores(**(EX1_RULES | {"min_ha": 0})),
                _("That counts every interior piece: apply the minimum area of 10 km2 too."),
            ),
        ],
    )
)

register(
    Exercise(
        "03.2",
        "number",
        lambda: core_km2(**EX1_RULES),
        unit="km2",
        rtol=1e-3,
        explanation=(
            _("the total area of the core areas of exercise 03.1; areas in ha divided by 100.")
        ),
        hints=[
            (
                _close(lambda: core_km2(**EX1_RULES) * 100),
                _(
                    "This is the area in ha (at 100 m, also the number of cells). Divide by 100 "
                    "for km2."
                ),
            ),
            (
                _close(lambda: core_km2(**(EX1_RULES | {"edge_m": 0}))),
                _("That is the area without the edge rule: remove the 100 m edge band first."),
            ),
            (
                _close(lambda: core_km2(**(EX1_RULES | {"min_ha": 10}))),
                _("That area uses a minimum of 10 ha; the rule is 10 km2 = 1000 ha."),
            ),
            (
                _close(lambda: core_km2(**BASELINE)),
                _(
                    "That is the area under the baseline rules (300 m, 500 ha); use the rules of "
                    "03.1."
                ),
            ),
            (
                _close(lambda: core_km2(**(EX1_RULES | {"neighbors": 4}))),
                _("That is the area with 4 neighbors; use neighbors=8."),
            ),
        ],
    )
)

register(
    Exercise(
        "03.3",
        "number",
        share_of_records_in_cores,
        rtol=0.0,
        atol=0.005,
        explanation=(
            _(
                "this share of records is well above the share of land in core areas, which "
                "supports the map (records are biased towards roads, so it does not prove it)."
            )
        ),
        hints=[
            (
                _close(_share_of_land_in_cores, rel=0.0, abs_=0.005),
                _(
                    "That is the share of the land in core areas. The question asks for the "
                    "share of the records inside core areas."
                ),
            ),
            (
                _close(_share_of_records_in_habitat, rel=0.0, abs_=0.005),
                _(
                    "That is the share of records in habitat. Use the core areas (cores > 0), "
                    "which are smaller than the habitat."
                ),
            ),
            (
                _close(lambda: share_of_records_in_cores(all_years=True), rel=0.0, abs_=0.005),
                _(
                    "That uses records of all years. Keep the records from 2020 on, to match the "
                    "2020 land cover."
                ),
            ),
            (
                _close(lambda: share_of_records_in_cores(all_species=True), rel=0.0, abs_=0.005),
                _("That uses the records of all four species. Keep Ambulocerus migrans only."),
            ),
        ],
    )
)
