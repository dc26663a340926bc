"""Tests of gpec_teach.monitoring: transitions, change maps, indicator series, trends, fact sheets."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from scipy import stats

from gpec_teach import monitoring

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _da(values, *, cell=100.0, crs="EPSG:9191", nodata=None, x0=0.0):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000 - cell * (np.arange(ny) + 0.5), "x": x0 + cell * (np.arange(nx) + 0.5)},
        attrs={"class_names": {3: "forest", 6: "cropland", 7: "built-up"}},
    ).rio.write_crs(crs)
    return da.rio.write_nodata(nodata) if nodata is not None else da


# --- transition_table ---------------------------------------------------------------


def test_transition_table_hand_worked():
    before = np.array([[3, 3, 3], [3, 6, 6], [0, 6, 7]])
    after = np.array([[3, 3, 6], [6, 6, 7], [0, 7, 7]])
    # 100 m cells = 1 ha each; code 0 is nodata (DataArray below), here an ordinary class.
    table = monitoring.transition_table(_da(before, nodata=0), _da(after, nodata=0), units="ha")
    # forest: 2 stay, 1 -> cropland (0,2), 1 -> cropland (1,0)  => [2, 2, 0]
    # cropland: (1,1) stays, (1,2) -> built-up, (2,1) -> built-up => [0, 1, 2]
    # built-up: (2,2) stays => [0, 0, 1]
    expected = pd.DataFrame(
        [[2.0, 2.0, 0.0], [0.0, 1.0, 2.0], [0.0, 0.0, 1.0]],
        index=["forest", "cropland", "built-up"],
        columns=["forest", "cropland", "built-up"],
    )
    pd.testing.assert_frame_equal(table, expected, check_names=False)
    assert table.index.name == "from" and table.columns.name == "to"


def test_transition_table_margins_are_class_areas():
    rng = np.random.default_rng(7)
    before = rng.integers(1, 5, size=(40, 50))
    after = np.where(rng.random((40, 50)) < 0.2, rng.integers(1, 5, size=(40, 50)), before)
    table = monitoring.transition_table(before, after, cellsize=250, units="km2")
    for code in range(1, 5):
        assert table.loc[code].sum() == pytest.approx((before == code).sum() * 0.0625)
        assert table[code].sum() == pytest.approx((after == code).sum() * 0.0625)
    assert table.to_numpy().sum() == pytest.approx(40 * 50 * 0.0625)


@pytest.mark.parametrize(
    ("before", "after", "kwargs", "match"),
    [
        (np.ones((2, 2)), np.ones((3, 2)), {}, "same grid. Got shapes"),
        (np.full((2, 2), np.nan), np.ones((2, 2)), {}, "nodata|share no valid cell"),
        (np.array([[1.5, 2]]), np.array([[1, 2]]), {}, "integer class codes"),
        (np.ones((2, 2)), np.ones((2, 2)), {"units": "acres"}, "units"),
    ],
)
def test_transition_table_bad_input(before, after, kwargs, match):
    with pytest.raises(ValueError, match=match):
        monitoring.transition_table(before, after, cellsize=1.0, **kwargs)


def test_transition_table_of_plain_arrays_needs_cellsize():
    # Regression: plain arrays silently used 1 m cells, so "km2" areas were cell counts / 1e6.
    with pytest.raises(TypeError, match="cellsize is required for a plain array before"):
        monitoring.transition_table(np.ones((2, 2)), np.ones((2, 2)))
    # change_map reports codes, not areas: no cell size needed.
    assert monitoring.change_map(np.ones((2, 2)), np.ones((2, 2))).sum() == 0


def test_crs_and_grid_mismatch_are_named():
    a = _da(np.ones((3, 3), dtype=int))
    with pytest.raises(ValueError, match="CRS"):
        monitoring.change_map(a, _da(np.ones((3, 3), dtype=int), crs="EPSG:3857"))
    with pytest.raises(ValueError, match="different transforms"):
        monitoring.change_map(a, _da(np.ones((3, 3), dtype=int), x0=50.0))


# --- change_map -----------------------------------------------------------------------


def test_change_map_losses_gains_and_nodata():
    before = _da(np.array([[3, 3, 6], [6, 7, 0]]), nodata=0)
    after = _da(np.array([[3, 6, 3], [6, 3, 3]]), nodata=0)
    out = monitoring.change_map(before, after, classes=[3])
    # (0,0) forest stays 0; (0,1) forest lost -1; (0,2) cropland -> forest +1;
    # (1,0) cropland stays 0; (1,1) built-up -> forest +1; (1,2) nodata before -> NaN.
    np.testing.assert_array_equal(out.values, [[0, -1, 1], [0, 1, np.nan]])
    assert out.rio.crs == before.rio.crs
    any_change = monitoring.change_map(before, after)
    np.testing.assert_array_equal(any_change.values, [[0, 1, 1], [0, 1, np.nan]])


def test_change_map_net_equals_area_change():
    rng = np.random.default_rng(3)
    before = rng.integers(1, 4, size=(30, 30))
    after = rng.integers(1, 4, size=(30, 30))
    out = monitoring.change_map(before, after, classes=[1, 2])
    assert np.nansum(out) == np.isin(after, [1, 2]).sum() - np.isin(before, [1, 2]).sum()


def test_change_map_unknown_classes():
    with pytest.raises(ValueError, match=r"None of classes=\[9\]"):
        monitoring.change_map(np.ones((2, 2)), np.ones((2, 2)), classes=[9])
    with pytest.raises(ValueError, match="classes is empty"):
        monitoring.change_map(np.ones((2, 2)), np.ones((2, 2)), classes=[])


# --- indicator_series -------------------------------------------------------------------


def test_indicator_series_baseline_choice():
    table = monitoring.indicator_series({2020: 30.0, 2000: 40.0, 2010: 36.0}, baseline=2010)
    assert table["year"].tolist() == [2000, 2010, 2020]
    # change relative to 2010 (36): +4, 0, -6; in percent +11.1, 0, -16.7
    np.testing.assert_allclose(table["change"], [4.0, 0.0, -6.0])
    np.testing.assert_allclose(table["change_pct"], [400 / 36, 0.0, -600 / 36])
    with pytest.raises(ValueError, match="baseline=1990 is not one of the years"):
        monitoring.indicator_series({2000: 1.0}, baseline=1990)
    with pytest.raises(ValueError, match="values is empty"):
        monitoring.indicator_series({})


# --- trend ------------------------------------------------------------------------------


def test_gaussian_trend_matches_scipy_linregress():
    rng = np.random.default_rng(11)
    years = np.arange(2005, 2021)
    values = 50 - 0.8 * (years - 2005) + rng.normal(0, 2, years.size)
    fit = monitoring.trend(years, values, confidence=0.9)
    ref = stats.linregress(years, values)
    assert fit.slope == pytest.approx(ref.slope)
    assert fit.intercept == pytest.approx(ref.intercept)
    assert fit.p_value == pytest.approx(ref.pvalue)
    half = stats.t.ppf(0.95, years.size - 2) * ref.stderr
    assert (fit.slope_low, fit.slope_high) == pytest.approx((ref.slope - half, ref.slope + half))
    assert "per year (90% CI" in fit.summary()
    assert fit.predict([2005])[0] == pytest.approx(ref.intercept + ref.slope * 2005)


def test_poisson_trend_recovers_rate_and_uses_effort():
    # Counts doubling each year at equal effort: slope = ln 2 exactly, +100 % per year.
    fit = monitoring.trend([1, 2, 3, 4, 5], [5, 10, 20, 40, 80], family="poisson")
    assert fit.slope == pytest.approx(np.log(2))
    assert fit.annual_change_pct == pytest.approx(100.0)
    assert fit.dispersion == 1.0  # perfect fit: Pearson chi2 = 0, floored at 1
    # The same counts with effort doubling each year: the rate per effort is flat.
    flat = monitoring.trend(
        [1, 2, 3, 4, 5], [5, 10, 20, 40, 80], family="poisson", effort=[1, 2, 4, 8, 16]
    )
    assert flat.slope == pytest.approx(0.0, abs=1e-9)
    assert flat.fitted.to_numpy() == pytest.approx(np.full(5, 5.0))


def test_poisson_matches_direct_likelihood_maximum():
    from scipy.optimize import minimize

    years = np.arange(2010, 2025)
    counts = np.array([12, 9, 15, 14, 11, 18, 20, 17, 25, 22, 30, 27, 33, 31, 40])
    effort = np.array([30, 30, 28, 30, 31, 30, 29, 30, 30, 31, 30, 30, 29, 30, 30])
    fit = monitoring.trend(years, counts, family="poisson", effort=effort)
    t = years - years.mean()

    def nll(b):
        eta = np.log(effort) + b[0] + b[1] * t
        return np.sum(np.exp(eta) - counts * eta)

    best = minimize(
        nll, x0=[0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}
    )
    assert fit.slope == pytest.approx(best.x[1], abs=1e-6)
    assert fit.slope_low < fit.slope < fit.slope_high
    assert fit.p_value < 0.001


def test_poisson_interval_coverage_with_overdispersion():
    """Quasi-Poisson 95% intervals cover the true slope in about 95% of simulations."""
    rng = np.random.default_rng(2024)
    years = np.arange(2010, 2025)
    true_slope = 0.05
    mu = 20 * np.exp(true_slope * (years - 2010))
    covered = 0
    runs = 300
    for _ in range(runs):
        # Negative binomial counts (variance = mu + mu^2/10): overdispersed.
        counts = rng.negative_binomial(10, 10 / (10 + mu))
        fit = monitoring.trend(years, counts, family="poisson")
        covered += fit.slope_low <= true_slope <= fit.slope_high
    assert 0.88 <= covered / runs <= 0.99


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([2000, 2001], [1.0, 2.0]), {}, "at least 3 observations"),
        (([2000, 2001, 2002], [1.0, 2.0]), {}, "same length"),
        (([2000, 2001, 2002], [1.0, np.nan, 2.0]), {}, "NaN or infinite"),
        (([2000, 2000, 2000], [1.0, 2.0, 3.0]), {}, "all the same"),
        (([1, 2, 3], [1.0, 2.0, 3.0]), {"family": "binomial"}, "family"),
        (([1, 2, 3], [1.0, 2.0, 3.0]), {"confidence": 95}, "confidence must be between 0 and 1"),
        (
            ([1, 2, 3], [1, 2, 3]),
            {"family": "poisson", "effort": [1, 0, 1]},
            "effort must be positive",
        ),
        (
            ([1, 2, 3], [1, 2, 3]),
            {"family": "poisson", "effort": [1, 1]},
            "one value per observation",
        ),
        (([1, 2, 3], [1.0, 2.0, 3.0]), {"effort": [1, 1, 1]}, "effort is used with counts only"),
        (([1, 2, 3], [1, -2, 3]), {"family": "poisson"}, "non-negative whole counts"),
        (([1, 2, 3], [1.5, 2, 3]), {"family": "poisson"}, "non-negative whole counts"),
        (([1, 2, 3], [0, 0, 0]), {"family": "poisson"}, "All counts are 0"),
    ],
)
def test_trend_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        monitoring.trend(*args, **kwargs)


def test_negative_binomial_trend_matches_direct_likelihood_maximum():
    from scipy.optimize import minimize
    from scipy.special import gammaln

    years = np.arange(2010, 2025)
    counts = np.array([12, 9, 25, 14, 6, 18, 31, 17, 25, 12, 40, 27, 20, 31, 52])
    effort = np.array([30, 30, 28, 30, 31, 30, 29, 30, 30, 31, 30, 30, 29, 30, 30])
    fit = monitoring.trend(years, counts, family="negative_binomial", effort=effort)
    t = years - years.mean()

    def nll(b):  # NB2: variance mu + alpha mu^2, size 1/alpha
        mu = np.exp(np.log(effort) + b[0] + b[1] * t)
        size = np.exp(-b[2])
        return -np.sum(
            gammaln(counts + size) - gammaln(size) - gammaln(counts + 1)
            + size * np.log(size / (size + mu)) + counts * np.log(mu / (size + mu))
        )  # fmt: skip

    best = minimize(nll, x0=[-1.0, 0.0, -2.0], method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})  # fmt: skip
    assert fit.slope == pytest.approx(best.x[1], abs=1e-5)
    assert fit.alpha == pytest.approx(np.exp(best.x[2]), rel=1e-3)
    assert fit.slope_low < fit.slope < fit.slope_high
    assert fit.annual_change_pct == pytest.approx(100 * np.expm1(fit.slope))
    assert "NB alpha" in fit.summary()
    # Overdispersed counts: the NB interval is wider than a plain Poisson one would be.
    poisson = monitoring.trend(years, counts, family="poisson", effort=effort)
    poisson_half = (poisson.slope_high - poisson.slope) / np.sqrt(poisson.dispersion)
    assert fit.slope_high - fit.slope > poisson_half


def test_negative_binomial_trend_of_poisson_counts_has_alpha_near_zero():
    fit = monitoring.trend([1, 2, 3, 4, 5], [5, 10, 20, 40, 80], family="negative_binomial")
    assert fit.slope == pytest.approx(np.log(2), abs=1e-6)  # perfect fit, as for Poisson
    assert fit.alpha == pytest.approx(0.0, abs=1e-4)
    assert np.isnan(monitoring.trend([1, 2, 3], [1.0, 2.0, 4.0]).alpha)


def test_trend_to_frame_is_one_row_of_the_scalars():
    fit = monitoring.trend([2018, 2019, 2020, 2021], [10.0, 12.0, 14.0, 16.0])
    row = fit.to_frame()
    assert len(row) == 1 and "fitted" not in row.columns
    assert row.loc[0, "slope"] == pytest.approx(2.0) and row.loc[0, "n"] == 4


# --- baci ---------------------------------------------------------------------------------


def _baci_data():
    #          impact I: before 2 years, after 2 years; control C likewise
    sites = ["I"] * 4 + ["C"] * 4
    years = [2010, 2011, 2013, 2014] * 2
    counts = [30, 34, 9, 11, 20, 18, 30, 26]
    effort = [100, 120, 90, 110, 100, 100, 100, 100]
    return sites, years, counts, effort


def test_baci_one_control_equals_the_ratio_of_pooled_rates():
    sites, years, counts, effort = _baci_data()
    result = monitoring.baci(
        sites, years, counts, effort=effort, impact="I", controls="C", works=2012
    )
    # Pooled rates: impact 64/220 before, 20/200 after; control 38/200, 56/200.
    # BACI ratio = (20/200 / (64/220)) / ((56/200) / (38/200)) = 0.34375 / 1.47368 = 0.23326
    expected = (20 / 200) / (64 / 220) / ((56 / 200) / (38 / 200))
    assert result.ratio == pytest.approx(expected, rel=1e-9)
    assert result.ratio_low < result.ratio < result.ratio_high
    assert result.n == 8 and result.controls == ("C",)
    np.testing.assert_allclose(result.rates["change"], [(20 / 200) / (64 / 220), 56 / 38])
    assert result.rates["role"].tolist() == ["impact", "control"]
    assert "BACI ratio 0.23" in result.summary()
    assert result.to_frame().loc["I", "ratio"] == pytest.approx(expected)


def test_baci_several_controls():
    sites, years, counts, effort = _baci_data()
    # A second control identical to the first changes nothing in the estimate.
    twice = monitoring.baci(
        sites + ["D"] * 4, years + years[4:], counts + counts[4:], effort=effort + effort[4:],
        impact="I", controls=["C", "D"], works=2012,
    )  # fmt: skip
    once = monitoring.baci(
        sites, years, counts, effort=effort, impact="I", controls="C", works=2012
    )
    assert twice.ratio == pytest.approx(once.ratio, rel=1e-9)
    assert twice.controls == ("C", "D") and twice.n == 12
    # Two controls at different levels that both double: the BACI ratio is impact change / 2.
    sites2 = ["I"] * 4 + ["C"] * 4 + ["D"] * 4
    years2 = [1, 2, 4, 5] * 3
    counts2 = [40, 40, 10, 10, 10, 10, 20, 20, 50, 50, 100, 100]
    result = monitoring.baci(sites2, years2, counts2, impact="I", controls=["C", "D"], works=3)
    assert result.ratio == pytest.approx(0.25 / 2.0, rel=1e-9)


def test_baci_works_year_and_other_sites():
    sites, years, counts, effort = _baci_data()
    # A site that is neither impact nor control is ignored; the works year is dropped.
    extra = dict(
        sites=sites + ["X", "I", "C"], years=years + [2012, 2012, 2012],
        counts=counts + [500, 1, 100], effort=effort + [10, 100, 100],
    )  # fmt: skip
    base = monitoring.baci(
        sites, years, counts, effort=effort, impact="I", controls="C", works=2012
    )
    dropped = monitoring.baci(
        extra["sites"], extra["years"], extra["counts"], effort=extra["effort"],
        impact="I", controls="C", works=2012,
    )  # fmt: skip
    assert dropped.ratio == pytest.approx(base.ratio, rel=1e-9) and dropped.n == 8
    after = monitoring.baci(
        extra["sites"], extra["years"], extra["counts"], effort=extra["effort"],
        impact="I", controls="C", works=2012, works_year="after",
    )  # fmt: skip
    # 2012 counted after: impact after 21/300, control after 156/300.
    expected = (21 / 300) / (64 / 220) / ((156 / 300) / (38 / 200))
    assert after.ratio == pytest.approx(expected, rel=1e-9) and after.n == 10


def test_baci_negative_binomial_close_to_quasi_poisson_on_crossing_like_data():
    rng = np.random.default_rng(5)
    years = np.arange(2010, 2022)
    mu_c = 50 * rng.gamma(8, 1 / 8, years.size)
    mu_i = 40 * np.where(years > 2015, 0.5, 1.0) * rng.gamma(8, 1 / 8, years.size)
    counts = np.concatenate([rng.poisson(mu_i), rng.poisson(mu_c)])
    sites = ["I"] * years.size + ["C"] * years.size
    both = np.concatenate([years, years])
    qp = monitoring.baci(sites, both, counts, impact="I", controls="C", works=2015.5)
    nb = monitoring.baci(
        sites, both, counts, impact="I", controls="C", works=2015.5, family="negative_binomial"
    )
    assert nb.ratio == pytest.approx(qp.ratio, rel=0.1)
    assert nb.alpha >= 0 and np.isnan(qp.alpha)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"impact": "Z"}, ValueError, r"impact site 'Z' is not in sites"),
        ({"controls": ["C", "Q"]}, ValueError, r"controls site 'Q' is not in sites"),
        ({"controls": []}, ValueError, "controls must name at least one site"),
        ({"controls": ["I"]}, ValueError, "controls must name at least one site"),
        ({"family": "gaussian"}, ValueError, "family"),
        ({"works_year": "middle"}, ValueError, "works_year"),
        ({"confidence": 1.5}, ValueError, "confidence must be between 0 and 1"),
        ({"works": 2009}, ValueError, "no observation before or after"),
        ({"effort": [1, 1]}, ValueError, "one value per observation"),
        ({"counts": [30, 34, 0, 0, 20, 18, 30, 26]}, ValueError, "counts above 0"),
        ({"counts": [30, 34, 9, 11, 20, 18, 30, -1]}, ValueError, "non-negative whole counts"),
    ],
)
def test_baci_bad_input(kwargs, error, match):
    sites, years, counts, effort = _baci_data()
    args = {"impact": "I", "controls": "C", "works": 2012, "effort": effort}
    args.update(kwargs)
    counts = args.pop("counts", counts)
    with pytest.raises(error, match=match):
        monitoring.baci(sites, years, counts, **args)


def test_baci_needs_more_years_than_parameters():
    with pytest.raises(ValueError, match="more site-years than parameters"):
        monitoring.baci(["I", "I", "C", "C"], [1, 3, 1, 3], [5, 2, 5, 6], impact="I",
                        controls="C", works=2)  # fmt: skip


# --- fact_sheet ---------------------------------------------------------------------------


def _sheet_args(**over):
    args = {
        "title": "Connectivity of protected areas (ProtConn)",
        "target": "KMGBF Target 3",
        "indicator": "ProtConn, % of land area",
        "baseline": "12.1% in 2000",
        "trend": "+0.3 percentage points per year",
        "method": "Saura et al. 2017, median dispersal 10 km",
        "assumptions": ["Fictional data", "Euclidean distances"],
    }
    args.update(over)
    return args


def test_fact_sheet_writes_markdown_and_self_contained_html(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([2000, 2010, 2020], [12.1, 14.0, 15.2])
    table = monitoring.indicator_series({2000: 12.1, 2010: 14.0, 2020: 15.2}, name="ProtConn_pct")
    out = monitoring.fact_sheet(
        tmp_path / "sheet",
        **_sheet_args(),
        table=table,
        figures={"protconn": (fig, "ProtConn per epoch.", "A rising line from 12 to 15 percent.")},
        sources=["Saura et al. (2017) https://doi.org/10.1016/j.ecolind.2016.12.047"],
        contact="GPEC focal point",
    )
    plt.close(fig)
    md = out["markdown"].read_text()
    for heading in (
        "## Target",
        "## Indicator",
        "## Baseline",
        "## Trend",
        "## Method",
        "## Assumptions and limits",
        "## Values",
        "## Figures",
        "## Sources",
        "## Contact",
    ):
        assert heading in md
    assert "- Euclidean distances" in md and re.search(r"\|\s+2010\s+\|\s+14\s+\|", md)
    assert "![A rising line from 12 to 15 percent.](protconn.png)" in md
    assert out["figures"][0].exists()
    page = out["html"].read_text()
    assert "data:image/png;base64," in page and 'src="protconn.png"' not in page
    assert (
        "<table>" in page and "<title>Connectivity of protected areas (ProtConn)</title>" in page
    )


def test_fact_sheet_refuses_gaps_and_overwrites(tmp_path):
    with pytest.raises(ValueError, match="baseline is empty"):
        monitoring.fact_sheet(tmp_path, **_sheet_args(baseline=" "))
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="needs alt text"):
        monitoring.fact_sheet(tmp_path, **_sheet_args(), figures={"f": (fig, "Caption", "")})
    # regression: alt=None passed as the text "None"
    with pytest.raises(ValueError, match=r"needs alt text.*Got alt=None"):
        monitoring.fact_sheet(tmp_path, **_sheet_args(), figures={"f": (fig, "Caption", None)})
    with pytest.raises(ValueError, match="needs a caption"):
        monitoring.fact_sheet(tmp_path, **_sheet_args(), figures={"f": (fig, None, "Alt")})
    plt.close(fig)
    with pytest.raises(ValueError, match="no PNG file"):
        monitoring.fact_sheet(tmp_path, **_sheet_args(), figures={"f": ("missing.png", "C", "A")})
    monitoring.fact_sheet(tmp_path / "s", **_sheet_args())
    with pytest.raises(ValueError, match="overwrite=True"):
        monitoring.fact_sheet(tmp_path / "s", **_sheet_args())
    monitoring.fact_sheet(tmp_path / "s", **_sheet_args(trend="flat"), overwrite=True)
    assert "flat" in (tmp_path / "s" / "fact_sheet.md").read_text()


def test_fact_sheet_writes_nothing_when_a_figure_is_refused(tmp_path):
    # Regression: the folder was created before the figures were checked, so a refused
    # call left an empty folder behind (notebook 15 says a refused sheet writes nothing).
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="needs alt text"):
        monitoring.fact_sheet(tmp_path / "draft", **_sheet_args(), figures={"f": (fig, "C", "")})
    plt.close(fig)
    assert not (tmp_path / "draft").exists()


def test_fact_sheet_html_comes_from_the_autoescaping_template(tmp_path):
    out = monitoring.fact_sheet(tmp_path, **_sheet_args(title="Prot & ProtConn <2020>"))
    page = out["html"].read_text()
    # The template escapes the title; the body is the Markdown rendered by markdown-it.
    assert "<title>Prot &amp; ProtConn &lt;2020&gt;</title>" in page
    assert "<h1>Prot &amp; ProtConn &lt;2020&gt;</h1>" in page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "h1{color:#005a8c}" in page and "<li>Euclidean distances</li>" in page
