"""Exercises of notebook 12 (fragmentation over time).

The habitat maps and the "2020 without the road" scenario are rebuilt with the same
steps as ``notebooks/12_fragmentation_over_time.ipynb`` (habitat = classes 3, 4, 5;
sea as nodata; 8-neighbor patches; MESH over the landscape area), so every expected
answer is computed from the teaching data, not typed in.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..fragmentation import class_metrics
from ..i18n import lazy_gettext as _
from ..resistance import burn_lines

HABITAT = (3, 4, 5)  # forest, woodland/savanna, grassland
NEW_ROAD_YEAR = 2015
BUILT_UP = 7


def _habitat_map(landcover):
    """1 = habitat, 2 = other land, 0 = sea (nodata), on the land cover's grid."""
    codes = np.where(np.isin(landcover.values, HABITAT), 1, 2).astype("uint8")
    codes[landcover.values == 0] = 0
    out = landcover.copy(data=codes)
    out.attrs = {}
    return out.rio.write_nodata(0)


@lru_cache(maxsize=8)
def _landcover(year: int, resolution: int = 100):

    return data.load("landcover", year=year, resolution=resolution)


@lru_cache(maxsize=1)
def _no_road_2020():
    """2020 land cover with the cells of the 2015 road given their nearest other class."""
    from scipy import ndimage

    lc = _landcover(2020)
    roads = data.load("roads")
    new_road = roads[roads["opened"] == NEW_ROAD_YEAR]
    ones = (lc * 0 + 1).astype("float32").rio.write_nodata(None)
    burned = burn_lines(ones, new_road, values=2.0)
    road_cells = (burned.values == 2) & (lc.values == BUILT_UP)
    nearest = ndimage.distance_transform_edt(
        road_cells, return_distances=False, return_indices=True
    )
    return lc.copy(data=lc.values[tuple(nearest)])


def _mesh_ha(landcover, **options) -> float:

    table = class_metrics(_habitat_map(landcover), cls=1, **options)
    return float(table.loc[0, "MESH"])


@lru_cache(maxsize=16)
def _mesh_year_ha(year: int, neighbors: int = 8, denominator: str = "landscape") -> float:
    return _mesh_ha(_landcover(year), neighbors=neighbors, mesh_denominator=denominator)


@lru_cache(maxsize=1)
def _mesh_mask_with_sea_ha() -> float:
    """MESH 2020 with a True/False mask: the sea then counts in the landscape area."""
    mask = np.isin(_landcover(2020).values, HABITAT)
    return float(class_metrics(mask, cellsize=100.0, cls=1).loc[0, "MESH"])


@lru_cache(maxsize=4)
def _mesh_classes_ha(classes: tuple) -> float:
    """MESH 2020 (ha) of another set of habitat classes, for the hints."""
    lc = _landcover(2020)
    codes = np.where(np.isin(lc.values, classes), 1, 2).astype("uint8")
    codes[lc.values == 0] = 0
    grid = lc.copy(data=codes).rio.write_nodata(0)
    return float(class_metrics(grid, cls=1).loc[0, "MESH"])


def mesh_2020_km2() -> float:
    """Return the answer of 12.1: MESH of the habitat in 2020, km2."""
    return _mesh_year_ha(2020) / 100.0


def mesh_change_pct(start: int = 2010, end: int = 2020) -> float:
    """Return the answer of 12.2: % change of MESH from *start* to *end*."""
    return 100.0 * (_mesh_year_ha(end) / _mesh_year_ha(start) - 1.0)


def road_share_pct() -> float:
    """Return the answer of 12.3: % of the 2010-2020 MESH loss due to the 2015 road."""
    mesh_no_road = _mesh_ha(_no_road_2020())
    total = _mesh_year_ha(2010) - _mesh_year_ha(2020)
    return 100.0 * (mesh_no_road - _mesh_year_ha(2020)) / total


def _close(a: float, b: float, rtol: float = 1e-3) -> bool:
    return math.isclose(a, b, rel_tol=rtol)


register(
    Exercise(
        "12.1",
        "number",
        mesh_2020_km2,
        unit="km2",
        rtol=5e-4,
        explanation=(
            _(
                "an animal starting at a random point of the island can expect to reach this "
                "much habitat without crossing non-habitat (MESH over the landscape area)."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, e * 100, 2e-4),
                _(
                    "That is MESH in hectares, as class_metrics reports it. Divide by 100: "
                    "1 km2 = 100 ha."
                ),
            ),
            (
                lambda a, e: _close(a, _mesh_year_ha(2020, denominator="habitat") / 100, 2e-4),
                _(
                    "You divided by the habitat area (mesh_denominator='habitat'). FRAGSTATS and "
                    "Jaeger (2000) divide by the landscape area: keep the default 'landscape'."
                ),
            ),
            (
                lambda a, e: _close(a, _mesh_year_ha(2020, neighbors=4) / 100, 2e-4),
                _(
                    "Close, but that is the 4-neighbor rule. Use the default neighbors=8, as "
                    "FRAGSTATS does."
                ),
            ),
            (
                lambda a, e: _close(a, _mesh_mask_with_sea_ha() / 100, 2e-4),
                _(
                    "Your landscape area includes the sea. A True/False mask has no nodata: use "
                    "habitat_map(...), where the sea is 0 (nodata)."
                ),
            ),
            (
                lambda a, e: _close(a, _mesh_classes_ha((3, 4)) / 100, 2e-4),
                _(
                    "You used forest and woodland only. The habitat of this notebook is classes "
                    "3, 4 and 5 (grassland too)."
                ),
            ),
            (
                lambda a, e: _close(a, _mesh_classes_ha((4, 5)) / 100, 2e-4),
                _(
                    "That is the core habitat of notebook 03 (woodland and grassland). This "
                    "notebook follows all natural land the herds use: classes 3, 4 and 5."
                ),
            ),
            (
                lambda a, e: any(_close(a, _mesh_year_ha(y) / 100, 2e-4) for y in (2000, 2010)),
                _("That is the MESH of another epoch. Use the 2020 land cover."),
            ),
        ],
    )
)

register(
    Exercise(
        "12.2",
        "number",
        mesh_change_pct,
        unit="%",
        rtol=1e-3,
        explanation=_(
            "MESH fell by this share in ten years, mostly because the road split "
            "the largest patch."
        ),
        hints=[
            (
                lambda a, e: _close(a, e / 100),
                _("That is a fraction. Multiply by 100 to give percent."),
            ),
            (
                lambda a, e: _close(a, -e),
                _(
                    "Right size, wrong sign: MESH fell, so the change is negative: "
                    "(2020 / 2010 - 1) x 100."
                ),
            ),
            (
                lambda a, e: _close(a, mesh_change_pct(2000, 2020)),
                _(
                    "That is the change since 2000, the baseline of the notebook's table. The "
                    "question asks for the change since 2010: divide by the 2010 MESH."
                ),
            ),
            (
                lambda a, e: _close(
                    a, 100 * (_mesh_year_ha(2020) - _mesh_year_ha(2010)) / _mesh_year_ha(2020)
                ),
                _(
                    "You divided by the 2020 value. A change is measured from the earlier year: "
                    "divide by the 2010 MESH."
                ),
            ),
            (
                lambda a, e: (
                    _close(a, 100 * _mesh_year_ha(2020) / _mesh_year_ha(2010))
                    or _close(a, _mesh_year_ha(2020) / _mesh_year_ha(2010))
                ),
                _(
                    "That is the 2020 value as a share of the 2010 value. Subtract 100 % to get "
                    "the change."
                ),
            ),
            (
                lambda a, e: (
                    _close(a, (_mesh_year_ha(2020) - _mesh_year_ha(2010)) / 100)
                    or _close(a, _mesh_year_ha(2020) - _mesh_year_ha(2010))
                ),
                _(
                    "That is the change in area (km2 or ha). Divide it by the 2010 MESH and "
                    "multiply by 100 to get percent."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "12.3",
        "number",
        road_share_pct,
        unit="%",
        rtol=5e-3,
        explanation=(
            _(
                "the road removed little habitat but most of the MESH loss, because it split "
                "the largest patch."
            )
        ),
        hints=[
            (
                lambda a, e: _close(a, e / 100, 2e-3),
                _("That is a fraction. Multiply by 100 to give percent."),
            ),
            (
                lambda a, e: _close(a, 100 - e, 2e-3),
                _(
                    "That is the share of the other changes (farmland, towns). The road's share "
                    "is MESH(2020 without road) - MESH(2020), over the total loss."
                ),
            ),
            (
                lambda a, e: _close(
                    a,
                    100
                    * (_mesh_ha(_no_road_2020()) - _mesh_year_ha(2020))
                    / (_mesh_year_ha(2000) - _mesh_year_ha(2020)),
                    2e-3,
                ),
                _(
                    "You divided by the loss since 2000. The question is about 2010-2020: divide "
                    "by MESH(2010) - MESH(2020)."
                ),
            ),
        ],
    )
)
