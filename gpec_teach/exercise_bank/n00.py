"""Exercises of notebook 00 (welcome, and Python for GIS users).

Exercise 00.1 (restart and run all) has no single answer to check. The others are computed
from the teaching data with the same steps as ``notebooks/00_python_for_gis.ipynb``:

- 00.2 counts the designated protected areas (episode 1, by eye);
- 00.3 the area of one 250 m cell in ha, from the raster's own resolution;
- 00.4 the name of land-cover class 6, from the raster's legend (a dictionary);
- 00.5 the class code of the cell at row 300, column 400 (a raster is an array);
- 00.6 the forest area in km2 (a boolean mask);
- 00.7 the largest ``GIS_AREA`` and 00.8 the designated area of Belmora (a table);
- 00.9 the share of land with resistance 40 or more after a dictionary reclassification;
- 00.10 the class that an incomplete reclassification table forgot (an error message).

Keep the constants below in step with the notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import data
from ..exercises import Exercise, register
from ..i18n import lazy_gettext as _

YEAR = 2020
#: Row and column of the cell read in exercise 00.5.
CELL = (300, 400)
#: Land-cover class codes: forest (00.6); the class asked for by name (00.4).
FOREST, NAMED_CLASS = 3, 6
#: Expert resistance per land-cover class, as in notebook 04 (episode 5 and 00.9).
RESISTANCE = {1: 100, 2: 20, 3: 5, 4: 1, 5: 3, 6: 40, 7: 100, 8: 30}
#: Resistance from which a cell counts as hard to cross in 00.9.
HIGH = 40
#: The colleague's table of 00.10: one class is missing.
INCOMPLETE = {1: 100, 2: 20, 3: 5, 4: 1, 5: 3, 7: 100, 8: 30}
#: The country of 00.8.
COUNTRY = "XBE"


@lru_cache(maxsize=4)
def _landcover(year: int = YEAR, resolution: int = 100):

    return data.load("landcover", year=year, resolution=resolution)


@lru_cache(maxsize=1)
def _protected_areas():

    return data.load("protected_areas")


def _designated_protected_areas() -> int:

    pas = _protected_areas()
    return int((pas["STATUS"] == "Designated").sum())


def _all_records() -> int:

    return len(_protected_areas())


def cell_area_ha(resolution: int = 250) -> float:
    """Return the area (ha) of one cell of the land cover at *resolution* metres."""
    xres, yres = _landcover(resolution=resolution).rio.resolution()
    return abs(xres * yres) / 10_000


def class_name(code: int) -> str:
    """Return the name of land-cover class *code*, from the raster's legend."""
    return _landcover().attrs["class_names"][code]


def cell_value(row: int, col: int) -> int:
    """Return the land-cover code of the cell at *row*, *col* (counted from 0)."""
    return int(_landcover().values[row, col])


def class_km2(codes=(FOREST,), year: int = YEAR) -> float:
    """Return the area (km2) of the cells whose class is in *codes*; 100 m cells are 1 ha."""
    mask = np.isin(_landcover(year=year).values, codes)
    return float(mask.sum() * cell_area_ha(100) / 100)


def largest_area(column: str = "GIS_AREA") -> float:
    """Return the largest value (km2) of *column* in the protected-area table."""
    return float(_protected_areas()[column].max())


def country_area(
    country: str | None = COUNTRY, *, designated_only: bool = True, column: str = "GIS_AREA"
) -> float:
    """Return the summed *column* (km2) of the records of *country* (None: all countries)."""
    pas = _protected_areas()
    keep = np.ones(len(pas), dtype=bool)
    if country is not None:
        keep &= (pas["ISO3"] == country).to_numpy()
    if designated_only:
        keep &= (pas["STATUS"] == "Designated").to_numpy()
    return float(pas.loc[keep, column].sum())


def share_high_resistance(*, land_only: bool = True, high: float = HIGH) -> float:
    """Return the fraction (0-1) of cells with resistance >= *high* after reclassification.

    With ``land_only`` the denominator is the land (cells that are not nodata); without it,
    every cell of the grid, sea included: the usual slip.
    """
    lc = _landcover().values
    lookup = np.full(256, np.nan)
    lookup[list(RESISTANCE)] = list(RESISTANCE.values())
    res = lookup[lc]
    land = ~np.isnan(res)
    high_cells = (res >= high) & land
    return float(high_cells.sum() / (land.sum() if land_only else res.size))


def missing_class() -> int:
    """Return the one class of the land cover (sea excluded) absent from ``INCOMPLETE``."""
    codes = {int(c) for c in np.unique(_landcover().values)} - {0}
    (missing,) = sorted(codes - set(INCOMPLETE))
    return missing


def _is(value_fn, rel: float = 1e-6):
    return lambda a, e: math.isclose(a, value_fn(), rel_tol=rel)


register(
    Exercise(
        "00.2",
        "number",
        _designated_protected_areas,
        rtol=0.0,
        explanation=_("every polygon record except the one proposed area is designated."),
        hints=[
            (
                lambda a, e: a == _all_records(),
                _("That is every record: one of them has the status 'Proposed'."),
            ),
            (
                lambda a, e: a == _all_records() + 1,
                _(
                    "Count the polygon layer only ('protected_areas'), and leave the proposed "
                    "area out."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "00.3",
        "number",
        cell_area_ha,
        unit="ha",
        explanation=_("a 250 m cell covers 250 m x 250 m = 62 500 m2, and 1 ha is 10 000 m2."),
        hints=[
            (
                lambda a, e: math.isclose(a, 250 / 100, rel_tol=1e-6),
                _(
                    "You divided the width by 100. An area is width x width: multiply first, "
                    "then divide by 10 000 m2 per ha."
                ),
            ),
            (
                lambda a, e: math.isclose(a, cell_area_ha(100), rel_tol=1e-6),
                _("That is the area of a 100 m cell. The question asks about the 250 m grid."),
            ),
        ],
    )
)

register(
    Exercise(
        "00.4",
        "category",
        lambda: class_name(NAMED_CLASS),
        explanation=_("a dictionary finds a value by its key: class_names[6] is class 6."),
        hints=[
            (
                lambda a, e: str(a).strip().lower() == class_name(NAMED_CLASS + 1),
                _(
                    "That is class 7, the seventh item. A list counts from 0, so item 6 is the "
                    "seventh. A dictionary is looked up by its key: use class_names[6]."
                ),
            ),
            (
                lambda a, e: str(a).strip().lower() == class_name(NAMED_CLASS - 1),
                _("That is class 5. Look up the key 6 itself: class_names[6]."),
            ),
        ],
    )
)

register(
    Exercise(
        "00.5",
        "number",
        lambda: cell_value(*CELL),
        rtol=0.0,
        explanation=_("lc[300, 400] reads row 300, column 400: rows (y) first, then columns (x)."),
        hints=[
            (
                lambda a, e: a == cell_value(CELL[1], CELL[0]),
                _(
                    "That is row 400, column 300: the order is swapped. Rows come first: "
                    "lc[row, column]."
                ),
            ),
            (
                lambda a, e: a == cell_value(CELL[0] - 1, CELL[1] - 1),
                _(
                    "That is the cell one row up and one column left. Python counts from 0, so "
                    "lc[300, 400] needs no correction."
                ),
            ),
        ],
    )
)

register(
    Exercise(
        "00.6",
        "number",
        class_km2,
        unit="km2",
        explanation=_("each forest cell is 1 ha, and 100 ha make 1 km2."),
        hints=[
            (
                _is(lambda: class_km2((FOREST, FOREST + 1))),
                _("That counts forest and woodland/savanna. Use lc == 3 only."),
            ),
            (
                _is(lambda: class_km2(year=2000)),
                _("That is the forest of 2000. Load the land cover of 2020."),
            ),
            (
                _is(lambda: class_km2(year=2010)),
                _("That is the forest of 2010. Load the land cover of 2020."),
            ),
        ],
    )
)

register(
    Exercise(
        "00.7",
        "number",
        largest_area,
        unit="km2",
        explanation=_(
            "the largest record is the biosphere reserve; GIS_AREA is the polygon's area."
        ),
        hints=[
            (
                _is(lambda: largest_area("REP_AREA")),
                _(
                    "That is the largest REP_AREA, the area the country reported. The question "
                    "asks for GIS_AREA, the area of the polygon."
                ),
            ),
            (
                _is(lambda: country_area(None, designated_only=False)),
                _("That is the sum of the column. Use .max() for the largest value."),
            ),
        ],
    )
)

register(
    Exercise(
        "00.8",
        "number",
        country_area,
        unit="km2",
        explanation=_(
            "the designated records of Belmora only; the proposed Northern Link is left out."
        ),
        hints=[
            (
                _is(lambda: country_area(designated_only=False)),
                _(
                    "That includes the proposed Northern Link. Keep only the rows whose STATUS "
                    "is 'Designated'."
                ),
            ),
            (
                _is(lambda: country_area(column="REP_AREA")),
                _("That is the reported area (REP_AREA). Sum GIS_AREA."),
            ),
            (
                _is(lambda: country_area(None)),
                _("That is all three countries. Select Belmora too: ISO3 == 'XBE'."),
            ),
        ],
    )
)

register(
    Exercise(
        "00.9",
        "number",
        share_high_resistance,
        explanation=_("water, cropland and built-up land cover more than a third of the land."),
        hints=[
            (
                _is(lambda: share_high_resistance(land_only=False)),
                _(
                    "You divided by every cell of the grid, sea included. Divide by the land: "
                    "the cells that are not NaN."
                ),
            ),
            (
                _is(lambda: 1 - share_high_resistance()),
                _("That is the share of land that is easier to cross. Count resistance >= 40."),
            ),
            (
                _is(lambda: share_high_resistance(high=41)),
                _("You used > 40. The question asks for 40 or more: >= 40."),
            ),
        ],
    )
)

register(
    Exercise(
        "00.10",
        "number",
        missing_class,
        rtol=0.0,
        explanation=_("the error names the class the table forgot, and says how to fix it."),
        hints=[
            (
                lambda a, e: a == 0,
                _(
                    "0 is the sea: the raster's nodata. reclassify leaves it empty (NaN) and never "
                    "asks for it. Read the class the message names."
                ),
            ),
        ],
    )
)
