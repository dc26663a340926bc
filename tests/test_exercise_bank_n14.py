"""Exercise bank of notebook 14 (corridor monitoring): expected answers and hints."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from gpec_teach import data
from gpec_teach.exercise_bank import n14
from gpec_teach.exercises import check


@pytest.fixture(scope="module")
def counts():
    return data.load("crossing_counts")


def _site(counts, site):
    return counts[counts["site_id"] == site]


def test_14_1_expected_matches_an_independent_poisson_fit(counts):
    # Independent path: maximise the Poisson log-likelihood with an effort offset directly.
    # The profile over the intercept is closed-form: exp(alpha) = sum(y) / sum(E * exp(b t)).
    g = _site(counts, "XS3")
    y = g["detections"].to_numpy(float)
    effort = g["camera_days"].to_numpy(float)
    t = g["year"].to_numpy(float) - g["year"].mean()

    def negloglik(b):
        mu = effort * np.exp(b * t)
        mu *= y.sum() / mu.sum()
        return -(y * np.log(mu) - mu).sum()

    slope = minimize_scalar(
        negloglik, bounds=(-1, 1), method="bounded", options={"xatol": 1e-10}
    ).x
    expected = n14._annual_change()
    assert math.isclose(expected, 100 * math.expm1(slope), rel_tol=1e-5)
    assert -10 < expected < 10  # the control has no strong trend
    assert check("14.1", round(expected, 1)).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n14._trend("XS3").slope, "slope on the log scale"),
        (lambda: n14._annual_change() / 100, "That is a fraction"),
        (lambda: n14._trend("XS3", with_effort=False).annual_change_pct, "without the effort"),
        (lambda: n14._trend("XS3", "gaussian").annual_change_pct, "straight line (OLS"),
        (lambda: n14._trend("XS3").annual_change_pct_low, "bound of the 95%"),
        (lambda: n14._annual_change("XS1"), "another site"),
    ],
)
def test_14_1_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("14.1", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_14_2_expected_is_the_pooled_rate_ratio(counts):
    # Hand computation: rates pooled over 2012-2016 and 2018-2024 (2017 left out).
    def change(site):
        g = _site(counts, site)
        before = g[g["year"].between(2012, 2016)]
        after = g[g["year"].between(2018, 2024)]
        rate_before = before["detections"].sum() / before["camera_days"].sum()
        rate_after = after["detections"].sum() / after["camera_days"].sum()
        return rate_after / rate_before

    ratio = change("XS2") / change("XS3")
    assert math.isclose(n14._baci(), ratio, rel_tol=1e-12)
    assert ratio > 1  # the underpass site gained more than the control
    assert check("14.2", round(ratio, 2)).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: 1 / n14._baci(), "upside down"),
        (lambda: n14._change("XS2"), "change at XS2 alone"),
        (lambda: n14._baci(with_effort=False), "not rates"),
        (lambda: n14._baci(pooled=False), "averaged the yearly rates"),
        (lambda: n14._baci(split="before"), "Leave out 2017"),
        (lambda: n14._baci(split="after"), "Leave out 2017"),
        (lambda: n14._baci(control="XS4"), "Use XS3"),
    ],
)
def test_14_2_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("14.2", wrong())
    assert not feedback.correct
    assert hint in feedback.message


def test_14_3_stretch_is_short_and_every_animal_crosses():
    hits, gate = n14._gate_segments()
    assert hits["individual"].nunique() == 8
    points = hits.intersection(gate)
    assert np.allclose(points.y, 185_000.0)  # crossing points lie on the east-west gate
    stretch = n14._stretch_m()
    assert 0 < stretch < 0.1 * gate.length
    assert check("14.3", round(stretch)).correct


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda: n14._stretch_m() / 1000, "kilometres where metres"),
        (n14._stretch_of_start_fixes_m, "fixes at the start"),
        (lambda: 40_000.0, "whole gate"),
    ],
)
def test_14_3_typical_mistakes_get_their_hint(wrong, hint):
    feedback = check("14.3", wrong())
    assert not feedback.correct
    assert hint in feedback.message
