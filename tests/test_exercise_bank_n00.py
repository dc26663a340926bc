"""Exercises of notebook 00: expected values recomputed by hand, every hint reached."""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

from gpec_teach import data, reclassify
from gpec_teach.exercise_bank import n00
from gpec_teach.exercises import check

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lc():
    return data.load("landcover", year=2020).values


@pytest.fixture(scope="module")
def pas():
    return data.load("protected_areas")


def test_00_2_counts_the_designated_records(pas):
    # data release 1.1.0: 20 records, one of them Proposed (the Northern Link): 19 designated.
    assert len(pas) == 20
    assert check("00.2", 19).correct
    assert "'Proposed'" in check("00.2", 20).message
    assert "polygon layer only" in check("00.2", 21).message


def test_00_3_area_of_a_250_m_cell():
    # 250 m x 250 m = 62 500 m2 = 6.25 ha; the raster's own resolution gives the same.
    assert n00.cell_area_ha() == pytest.approx(6.25, rel=1e-12)
    assert check("00.3", 6.25).correct
    assert "width x width" in check("00.3", 2.5).message
    assert "100 m cell" in check("00.3", 1.0).message
    assert "m2 where ha" in check("00.3", 62_500).message


def test_00_4_dictionary_key_not_position():
    names = data.load("landcover", year=2020).attrs["class_names"]
    assert check("00.4", "cropland").correct
    assert check("00.4", "  Cropland ").correct
    # list(names.values())[6] is the seventh name: the slip the hint explains
    assert "class_names[6]" in check("00.4", list(names.values())[6]).message
    assert "class 5" in check("00.4", names[5]).message


def test_00_5_rows_first(lc):
    assert check("00.5", int(lc[300, 400])).correct
    assert lc[400, 300] != lc[300, 400] and lc[299, 399] != lc[300, 400]
    assert "swapped" in check("00.5", int(lc[400, 300])).message
    assert "counts from 0" in check("00.5", int(lc[299, 399])).message


def test_00_6_forest_area(lc):
    # 100 m cells are 1 ha each, 100 ha = 1 km2
    cells = int((lc == 3).sum())
    assert n00.class_km2() == pytest.approx(cells / 100)
    assert check("00.6", cells / 100).correct
    assert "ha where km2" in check("00.6", cells).message
    woody = int(((lc == 3) | (lc == 4)).sum())
    assert "woodland" in check("00.6", woody / 100).message
    lc2000 = data.load("landcover", year=2000).values
    assert "2000" in check("00.6", int((lc2000 == 3).sum()) / 100).message


def test_00_7_largest_gis_area(pas):
    assert check("00.7", float(pas["GIS_AREA"].max())).correct
    assert pas.loc[pas["GIS_AREA"].idxmax(), "NAME"].startswith("Arva Highlands")
    assert "REP_AREA" in check("00.7", float(pas["REP_AREA"].max())).message
    assert ".max()" in check("00.7", float(pas["GIS_AREA"].sum())).message


def test_00_8_belmora_designated_area(pas):
    belmora = pas[pas["ISO3"] == "XBE"]
    designated = belmora[belmora["STATUS"] == "Designated"]
    assert len(designated) == 5  # with Tevra Vale (data release 1.1.0)
    assert check("00.8", float(designated["GIS_AREA"].sum())).correct
    assert "Northern Link" in check("00.8", float(belmora["GIS_AREA"].sum())).message
    assert "REP_AREA" in check("00.8", float(designated["REP_AREA"].sum())).message
    everywhere = pas.loc[pas["STATUS"] == "Designated", "GIS_AREA"].sum()
    assert "three countries" in check("00.8", float(everywhere)).message


def test_00_9_share_of_land_hard_to_cross(lc):
    res = reclassify(data.load("landcover", year=2020), n00.RESISTANCE).values
    land = ~np.isnan(res)
    # classes with resistance >= 40: water (100), cropland (40), built-up (100)
    by_class = np.isin(lc, [1, 6, 7]).sum() / (lc != 0).sum()
    share = (res >= 40).sum() / land.sum()
    assert share == pytest.approx(by_class, rel=1e-12)
    assert check("00.9", share).correct
    assert "sea included" in check("00.9", (res >= 40).sum() / res.size).message
    assert "easier to cross" in check("00.9", 1 - share).message
    assert ">= 40" in check("00.9", (res > 40).sum() / land.sum()).message
    assert "percentage" in check("00.9", 100 * share).message


def test_00_10_the_error_names_the_missing_class():
    with pytest.raises(ValueError, match=r"class\(es\) 6\b"):
        reclassify(data.load("landcover", year=2020), n00.INCOMPLETE)
    assert n00.missing_class() == 6
    assert check("00.10", 6).correct
    assert "the sea" in check("00.10", 0).message
    assert "not as text" in check("00.10", "6").message


def _code(notebook: str) -> str:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _literal(source: str, pattern: str):
    return ast.literal_eval(re.search(pattern, source, re.S | re.M).group(1))


def test_constants_are_those_of_the_notebooks():
    # The resistance dictionary of notebook 00 (episode 5) is the expert table of notebook 04,
    # and the bank uses the same dictionary: read both from the notebooks' code.
    nb00 = _code("00_python_for_gis.ipynb")
    assert _literal(nb00, r"^resistance = (\{.*?\})") == n00.RESISTANCE
    nb04 = _code("04_resistance_surfaces.ipynb")
    codes = _literal(nb04, r'"code": (\[.*?\])')
    values = _literal(nb04, r'"resistance": (\[.*?\])')
    assert dict(zip(codes, values, strict=True)) == n00.RESISTANCE
    assert set(n00.RESISTANCE) - set(n00.INCOMPLETE) == {6}
