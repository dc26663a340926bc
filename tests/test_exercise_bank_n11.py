"""Exercise bank of notebook 11 (transboundary corridors): expected answers and hints."""

import math

import numpy as np
import pytest

from gpec_teach import data
from gpec_teach.exercise_bank import n11
from gpec_teach.exercises import check
from gpec_teach.least_cost import corridor_mask
from gpec_teach.protconn import protconn


def test_11_1_expected_is_a_share_of_the_north_corridor():
    _, core_grid, country_grid = n11._grids()
    mask = corridor_mask(n11._nlcc("north"), cutoff=10_000) & (core_grid == 0)
    # Independent count: shares of the three countries and the gaps add up to 100 %.
    shares = {k: 100 * (mask & (country_grid == k)).sum() / mask.sum() for k in range(4)}
    assert math.isclose(sum(shares.values()), 100.0)
    expected = n11._corridor_share()
    assert math.isclose(expected, shares[2], rel_tol=1e-12)
    assert 0 < expected < shares[1]  # Arvenia holds the larger part
    assert shares[3] == 0  # the northern corridor does not reach Cazunda
    assert check("11.1", expected).correct
    assert check("11.1", round(expected, 1)).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n11._corridor_share() / 100, "fraction"),
        (lambda: n11._corridor_share(drop_cores=False), "core cells"),
        (lambda: n11._corridor_share(cutoff=5_000), "cut-off"),
        (lambda: n11._corridor_share(cutoff=20_000), "cut-off"),
        (lambda: n11._corridor_share(link="south"), "southern corridor"),
        (lambda: n11._corridor_share(iso3="XAR"), "Arvenia"),
    ],
)
def test_11_1_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("11.1", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_11_2_expected_share_of_november_fixes():
    located = n11._located(True)
    assert len(located) == len(data.load("tracks")) - 119  # 119 bad fixes removed
    assert not located.index.duplicated().any()
    november = located[located["timestamp"].dt.month == 11]
    counts = november["ISO3"].value_counts()
    expected = 100 * counts.get("XCA", 0) / counts.sum()
    assert math.isclose(n11._fix_share(), expected, rel_tol=1e-12)
    assert 0 < expected < 100  # November is a migration month
    assert check("11.2", expected).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n11._fix_share() / 100, "fraction"),
        (lambda: n11._fix_share(cleaned=False), "cleaned fixes"),
        (lambda: n11._fix_share(months=(10, 11)), "other months"),
        (lambda: n11._fix_share(months=(12,)), "other months"),
        (lambda: n11._fix_share(iso3="XBE"), "another country"),
    ],
)
def test_11_2_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("11.2", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_11_3_busiest_border():
    totals = n11._border_current()
    assert set(totals) == {"XAR-XBE", "XAR-XCA", "XBE-XCA"}
    assert all(np.isfinite(v) and v > 0 for v in totals.values())
    best = max(totals, key=totals.get)
    assert check("11.3", best).correct
    assert check("11.3", best.lower()).correct
    for other in set(totals) - {best}:
        feedback = check("11.3", other)
        assert not feedback.correct
        assert "groupby" in feedback.message
    flipped = "-".join(best.split("-")[::-1])
    assert "same order" in check("11.3", flipped).message


def test_11_4_expected_is_the_loss_without_the_foreign_stepping_stone():
    # Independent path: drop every foreign PA (transboundary=False) instead of one record;
    # Tevra Vale is the only foreign PA on a best path, so the two agree.
    countries = data.load("countries")
    cazunda = countries[countries["ISO3"] == "XCA"]
    pas = n11._all_pas()
    with_all = protconn(pas, cazunda, year=2020, dispersal_distance_km=100)
    alone = protconn(pas, cazunda, year=2020, dispersal_distance_km=100, transboundary=False)
    expected = n11._stone_loss()
    assert math.isclose(expected, with_all.ProtConn - alone.ProtConn, abs_tol=1e-3)
    assert 0 < expected < n11._stone_loss(10.0)  # a long disperser loses less ...
    assert n11._stone_trans(100.0) > n11._stone_trans(10.0)  # ... though Trans is larger
    assert expected < n11._stone_trans()  # the loss is not the flux through the stone
    assert check("11.4", expected).correct
    assert check("11.4", round(expected, 2)).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: -n11._stone_loss(), "wrong sign"),
        (lambda: n11._stone_loss(10.0), "loss at 10 km"),
        (lambda: n11._stone_trans(), "flux through foreign PAs"),
        (lambda: n11._stone_trans(unit="percent"), "percent of ProtConn"),
        (n11._stone_relative_loss, "relative change"),
        (lambda: n11._stone_run().ProtConn, "ProtConn itself"),
    ],
)
def test_11_4_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("11.4", wrong())
    assert not feedback.correct
    assert hint in feedback.message
