"""Tests for gpec_teach.graph: patch graphs, IIC, PC, EC and patch/link importance."""

from __future__ import annotations

import numpy as np
import pytest

from gpec_teach.graph import (
    dispersal_probability,
    equivalent_connected_area,
    max_product_probability,
    pc_numerator,
)


def test_dispersal_probability_half_at_median_distance():
    # k = ln 2 / 1000; p(1000) = 0.5, p(2000) = 0.25, p(0) = 1
    p = dispersal_probability(np.array([0.0, 1000.0, 2000.0]), distance=1000)
    np.testing.assert_allclose(p, [1.0, 0.5, 0.25])


def test_csgraph_zero_pitfall_touching_patches_keep_pstar_one():
    # Patches 0 and 1 touch (d = 0 -> p = 1 -> cost 0). A dense csgraph input would
    # read that zero as "no link" and give p*_01 = p_02 * p_21 = 0.125 * 0.125.
    d = np.array([[0.0, 0.0, 3000.0], [0.0, 0.0, 3000.0], [3000.0, 3000.0, 0.0]])
    pstar = max_product_probability(dispersal_probability(d, distance=1000))
    assert pstar[0, 1] == 1.0
    assert pstar[1, 0] == 1.0
    np.testing.assert_allclose(pstar[0, 2], 0.125)


def test_two_patches_pc_numerator_and_ec_by_hand():
    # a = (2, 3) ha, p* = 0.5: PCnum = 2*2 + 3*3 + 2*(2*3*0.5) = 4 + 9 + 6 = 19
    pstar = [[1, 0.5], [0.5, 1]]
    assert pc_numerator([2, 3], pstar) == pytest.approx(19.0)
    assert equivalent_connected_area([2, 3], pstar) == pytest.approx(np.sqrt(19.0))
