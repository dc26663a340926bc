"""Exercises of notebook 03: expected values recomputed independently, hints reached."""

import numpy as np
import pytest
from scipy import ndimage

from gpec_teach import data
from gpec_teach.exercise_bank import n03
from gpec_teach.exercises import check


def _cores_by_hand(edge_cells: int, min_ha: float, *, connectivity: int = 2):
    """Habitat = woodland/savanna or grassland (scores >= 0.5); 100 m cells are 1 ha each.

    The edge band is removed by binary erosion with a 3 x 3 disc of radius 1 cell, repeated
    ``edge_cells`` times: for a band of 1 cell this equals distance_transform_edt > 100 m.
    """
    lc = data.load("landcover", year=2020).values
    habitat = np.isin(lc, (4, 5))
    disc = ndimage.generate_binary_structure(2, 1)
    interior = (
        ndimage.binary_erosion(habitat, structure=disc, iterations=edge_cells, border_value=0)
        if edge_cells
        else habitat
    )
    labels, _ = ndimage.label(
        interior, structure=ndimage.generate_binary_structure(2, connectivity)
    )
    areas = np.bincount(labels.ravel())[1:]
    kept = np.flatnonzero(areas >= min_ha) + 1
    return np.isin(labels, kept) & (labels > 0), areas[kept - 1]


def test_habitat_classes_follow_the_scores():
    assert sorted(k for k, v in n03.SCORES.items() if v >= n03.BASELINE["threshold"]) == [4, 5]


def test_03_1_and_03_2_expected_match_a_hand_computation():
    # A 100 m edge band is exactly one cell: erosion with the 4-neighbour disc removes the
    # cells whose Euclidean distance to non-habitat is 100 m, so both methods agree.
    _, areas = _cores_by_hand(1, 1000)
    assert check("03.1", n03.n_cores(**n03.EX1_RULES)).correct
    assert n03.n_cores(**n03.EX1_RULES) == areas.size
    assert n03.core_km2(**n03.EX1_RULES) == pytest.approx(areas.sum() / 100, rel=1e-12)


def test_03_1_hints():
    rules = n03.EX1_RULES
    assert "10 ha" in check("03.1", n03.n_cores(**(rules | {"min_ha": 10}))).message
    assert "without the edge rule" in check("03.1", n03.n_cores(**(rules | {"edge_m": 0}))).message
    assert "4 neighbors" in check("03.1", n03.n_cores(**(rules | {"neighbors": 4}))).message
    assert "baseline" in check("03.1", n03.n_cores(**n03.BASELINE)).message


def test_03_2_hints():
    rules = n03.EX1_RULES
    expected = n03.core_km2(**rules)
    assert "area in ha" in check("03.2", expected * 100).message
    assert check("03.2", round(expected, 1)).correct
    assert (
        "without the edge rule" in check("03.2", n03.core_km2(**(rules | {"edge_m": 0}))).message
    )
    assert "4 neighbors" in check("03.2", n03.core_km2(**(rules | {"neighbors": 4}))).message


def test_03_3_expected_is_a_share_of_records_above_the_share_of_land():
    share = n03.share_of_records_in_cores()
    assert 0 < share < 1
    assert share > n03._share_of_land_in_cores()
    assert check("03.3", round(share, 2)).correct


def test_03_3_hints():
    assert "percentage" in check("03.3", 100 * n03.share_of_records_in_cores()).message
    assert "share of the land" in check("03.3", n03._share_of_land_in_cores()).message
    assert "in habitat" in check("03.3", n03._share_of_records_in_habitat()).message
    assert "all years" in check("03.3", n03.share_of_records_in_cores(all_years=True)).message
    assert "four species" in check("03.3", n03.share_of_records_in_cores(all_species=True)).message
