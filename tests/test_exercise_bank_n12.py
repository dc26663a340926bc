"""Exercises of notebook 12: expected values recomputed independently, hints reached."""

import numpy as np
import pytest
from scipy import ndimage

from gpec_teach import data
from gpec_teach.exercise_bank import n12
from gpec_teach.exercises import check


def _mesh_ha_by_hand(year: int, *, connectivity: int = 2) -> float:
    """MESH = sum(a_j^2) / A with scipy labelling; 100 m cells are 1 ha each."""
    lc = data.load("landcover", year=year).values
    habitat = np.isin(lc, (3, 4, 5))
    structure = ndimage.generate_binary_structure(2, connectivity)
    labels, n = ndimage.label(habitat, structure=structure)
    areas = np.bincount(labels.ravel())[1:].astype(float)  # ha
    landscape_ha = float((lc != 0).sum())  # the sea is nodata, outside A
    return float((areas**2).sum() / landscape_ha)


@pytest.fixture(scope="module")
def mesh_by_hand():
    return {year: _mesh_ha_by_hand(year) for year in (2000, 2010, 2020)}


def test_12_1_expected_is_mesh_2020_in_km2(mesh_by_hand):
    assert n12.mesh_2020_km2() == pytest.approx(mesh_by_hand[2020] / 100, rel=1e-9)
    assert check("12.1", round(n12.mesh_2020_km2(), 1)).correct


def test_12_1_hints():
    expected = n12.mesh_2020_km2()
    assert "hectares" in check("12.1", expected * 100).message
    four = _mesh_ha_by_hand(2020, connectivity=1) / 100
    assert "4-neighbor" in check("12.1", four).message
    habitat_ref = n12._mesh_year_ha(2020, denominator="habitat") / 100
    assert "habitat area" in check("12.1", habitat_ref).message
    assert "includes the sea" in check("12.1", n12._mesh_mask_with_sea_ha() / 100).message
    assert "grassland too" in check("12.1", n12._mesh_classes_ha((3, 4)) / 100).message
    assert "notebook 03" in check("12.1", n12._mesh_classes_ha((4, 5)) / 100).message
    assert "another epoch" in check("12.1", n12._mesh_year_ha(2010) / 100).message


def test_12_2_expected_is_percent_change_since_2010(mesh_by_hand):
    by_hand = 100 * (mesh_by_hand[2020] - mesh_by_hand[2010]) / mesh_by_hand[2010]
    assert n12.mesh_change_pct() == pytest.approx(by_hand, rel=1e-9)
    assert by_hand < 0


def test_12_2_hints(mesh_by_hand):
    expected = n12.mesh_change_pct()
    assert "fraction" in check("12.2", expected / 100).message
    assert "wrong sign" in check("12.2", -expected).message
    since_2000 = 100 * (mesh_by_hand[2020] / mesh_by_hand[2000] - 1)
    assert "since 2000" in check("12.2", since_2000).message
    wrong_base = 100 * (mesh_by_hand[2020] - mesh_by_hand[2010]) / mesh_by_hand[2020]
    assert "2020 value" in check("12.2", wrong_base).message


def test_12_3_road_share_between_0_and_100_and_hints():
    share = n12.road_share_pct()
    assert 0 < share < 100
    # The scenario only changes the road cells: habitat area grows by at most their area.
    no_road = n12._no_road_2020()
    lc = data.load("landcover", year=2020)
    changed = no_road.values != lc.values
    assert changed.sum() > 0
    assert set(np.unique(lc.values[changed])) == {7}
    assert "fraction" in check("12.3", share / 100).message
    assert "other changes" in check("12.3", 100 - share).message
