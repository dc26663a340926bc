"""Exercises of notebook 05: expected values recomputed independently, hints for typical slips."""

import itertools

import pytest
import shapely

from gpec_teach import data
from gpec_teach.exercises import _lookup, check


@pytest.fixture(scope="module")
def layers():
    pas = data.load("protected_areas")
    points = data.load("protected_area_points")
    countries = data.load("countries").set_index("ISO3")
    return pas, points, countries


def _union_coverage(pas, points, countries, iso3, year, *, keep_biosphere=False):
    """Coverage with plain shapely: union of in-force shapes, clipped to the country."""
    ok = (pas["STATUS"] == "Designated") & (pas["STATUS_YR"] <= year)
    if not keep_biosphere:
        ok &= pas["DESIG_ENG"] != "UNESCO-MAB Biosphere Reserve"
    shapes = list(pas.loc[ok, "geometry"])
    for row in points.itertuples():
        if row.STATUS == "Designated" and row.STATUS_YR <= year:
            radius_m = (row.REP_AREA / 3.141592653589793) ** 0.5 * 1000
            shapes.append(row.geometry.buffer(radius_m, quad_segs=64))
    country = countries.geometry[iso3]
    protected = shapely.union_all(shapes).intersection(country)
    return 100 * protected.area / country.area


def test_05_1_expected_matches_a_plain_union(layers):
    expected = _lookup("05.1").expected()
    assert expected == pytest.approx(_union_coverage(*layers, "XAR", 2020), rel=1e-4)
    assert 10 < expected < 25  # percent, not a fraction


def test_05_1_hints(layers):
    assert "sum of GIS_AREA" in check("05.1", 40.82).message
    with_mab = _union_coverage(*layers, "XAR", 2020, keep_biosphere=True)
    assert "biosphere reserve" in check("05.1", with_mab).message
    expected = _lookup("05.1").expected()
    assert "fraction where a percentage" in check("05.1", expected / 100).message


def test_05_2_expected_matches_a_plain_union(layers):
    gain = _union_coverage(*layers, "XBE", 2020) - _union_coverage(*layers, "XBE", 2010)
    assert _lookup("05.2").expected() == pytest.approx(gain, rel=1e-3)


def test_05_2_hints():
    expected = _lookup("05.2").expected()
    from gpec_teach.exercise_bank import n05

    relative = (n05._coverage("XBE", 2020) / n05._coverage("XBE", 2010) - 1) * 100
    assert "relative growth" in check("05.2", round(relative, 1)).message
    assert "sign is reversed" in check("05.2", -expected).message
    assert check("05.2", round(expected, 2)).correct


def _count_pairs(pas, distance_m):
    """Pairs of designated polygons in different countries, by brute-force distances."""
    ok = (pas["STATUS"] == "Designated") & (pas["DESIG_ENG"] != "UNESCO-MAB Biosphere Reserve")
    rows = list(pas[ok].itertuples())
    return sum(
        1
        for a, b in itertools.combinations(rows, 2)
        if a.ISO3 != b.ISO3 and a.geometry.distance(b.geometry) <= distance_m
    )


def test_05_3_expected_matches_pairwise_distances(layers):
    assert _lookup("05.3").expected() == _count_pairs(layers[0], 10_000)


def test_05_3_hints(layers):
    expected = _lookup("05.3").expected()
    assert "counted twice" in check("05.3", 2 * expected).message
    one_km = _count_pairs(layers[0], 1_000)
    assert one_km != expected
    assert "count for 1 km" in check("05.3", one_km).message
