r"""Indicator series, trends with confidence intervals, and BACI ratios of rates.

The models are fitted by :mod:`gpec_teach._glm` (statsmodels' GLM); this module builds
their design matrices and checks the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _glm
from .._glm import COUNT_FAMILIES
from .._validation import check_choice, describe

__all__ = ["indicator_series", "TrendResult", "trend", "BaciResult", "baci"]


def indicator_series(values, *, baseline=None, name: str = "value") -> pd.DataFrame:
    """Tidy table of an indicator over time with change from a baseline year.

    Parameters
    ----------
    values : dict or pandas.Series
        ``{year: value}``.
    baseline : int, optional
        Year of reference; the first year by default.
    name : str, default "value"
        Name of the value column.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, *name*, ``change`` (value minus baseline) and ``change_pct``
        (percent of the baseline value; NaN when the baseline is 0).

    Examples
    --------
    >>> indicator_series({2000: 40.0, 2010: 36.0, 2020: 30.0}, name="EC_km2")
       year  EC_km2  change  change_pct
    0  2000    40.0     0.0         0.0
    1  2010    36.0    -4.0       -10.0
    2  2020    30.0   -10.0       -25.0
    """
    series = pd.Series(values, dtype=float).sort_index()
    if series.empty:
        raise ValueError("values is empty: give at least one {year: value}.")
    base = series.index[0] if baseline is None else baseline
    if base not in series.index:
        raise ValueError(f"baseline={base!r} is not one of the years {series.index.tolist()}.")
    ref = series.loc[base]
    table = pd.DataFrame({"year": series.index.astype(int), name: series.to_numpy()})
    table["change"] = table[name] - ref
    table["change_pct"] = np.where(ref != 0, 100 * table["change"] / (ref if ref else 1), np.nan)
    return table


@dataclass(frozen=True)
class TrendResult:
    r"""A fitted linear (or log-linear) trend with its confidence interval.

    Attributes
    ----------
    family : str
        ``"gaussian"`` (straight line), ``"poisson"`` (log-linear, counts, quasi-Poisson
        intervals) or ``"negative_binomial"`` (log-linear, counts, NB2 variance).
    slope, slope_low, slope_high : float
        Change per year and its confidence interval. For the count families, on the log
        scale: ``exp(slope)`` is the yearly rate ratio.
    annual_change_pct, annual_change_pct_low, annual_change_pct_high : float
        For counts: percent change per year, :math:`100(e^{\beta}-1)`, and its
        interval. For ``"gaussian"``: the slope as percent of the fitted value at the
        first year (and NaN bounds when that value is 0).
    p_value : float
        Two-sided test of no trend.
    confidence : float
    n : int
        Number of observations.
    dispersion : float
        ``"poisson"``: the Pearson dispersion used to widen the interval (>1 means
        overdispersed counts; floored at 1). ``"negative_binomial"``: the Pearson
        dispersion of the negative binomial fit (near 1 when its variance fits).
        ``"gaussian"``: the residual variance.
    intercept : float
    fitted : pandas.Series
        Fitted values (counts per unit effort for counts) by year.
    alpha : float
        Negative binomial :math:`\alpha` (variance :math:`\mu + \alpha\mu^2`; 0 means
        Poisson variation); NaN for the other families.
    """

    family: str
    slope: float
    slope_low: float
    slope_high: float
    annual_change_pct: float
    annual_change_pct_low: float
    annual_change_pct_high: float
    p_value: float
    confidence: float
    n: int
    dispersion: float
    intercept: float
    fitted: pd.Series = field(repr=False)
    alpha: float = float("nan")

    def predict(self, years) -> np.ndarray:
        """Return the expected value at *years* (per unit effort for counts)."""
        eta = self.intercept + self.slope * np.asarray(years, dtype=float)
        return np.exp(eta) if self.family in COUNT_FAMILIES else eta

    def summary(self) -> str:
        """One sentence for a report."""
        level = round(100 * self.confidence)
        if self.family in COUNT_FAMILIES:
            spread = (
                f"dispersion {self.dispersion:.2f}"
                if self.family == "poisson"
                else f"NB alpha {self.alpha:.3g}"
            )
            return (
                f"{self.annual_change_pct:+.1f}% per year ({level}% CI "
                f"{self.annual_change_pct_low:+.1f}% to {self.annual_change_pct_high:+.1f}%; "
                f"p = {self.p_value:.3g}; n = {self.n}; {spread})"
            )
        return (
            f"{self.slope:+.3g} per year ({level}% CI {self.slope_low:+.3g} to "
            f"{self.slope_high:+.3g}; p = {self.p_value:.3g}; n = {self.n})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the scalar results as a one-row table (``fitted`` left out)."""
        row = {k: v for k, v in self.__dict__.items() if k != "fitted"}
        return pd.DataFrame([row])


def _check_series(years, values, effort):
    y = np.asarray(years, dtype=float).ravel()
    v = np.asarray(values, dtype=float).ravel()
    if y.size != v.size:
        raise ValueError(f"years and values must have the same length. Got {y.size} and {v.size}.")
    if y.size < 3:
        raise ValueError(
            f"A trend needs at least 3 observations. Got {y.size}: report the values instead."
        )
    for name, arr in (("years", y), ("values", v)):
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or infinite values; drop those years first.")
    if np.ptp(y) == 0:
        raise ValueError("years are all the same: a trend needs at least two different years.")
    return y, v, _check_effort(effort, v.size)


def _check_effort(effort, n: int) -> np.ndarray:
    e = np.ones(n) if effort is None else np.asarray(effort, dtype=float).ravel()
    if e.size != n:
        raise ValueError(f"effort must have one value per observation. Got {e.size} for {n}.")
    if not (np.isfinite(e).all() and (e > 0).all()):
        raise ValueError(f"effort must be positive (e.g. camera-days). Got {describe(e)}.")
    return e


def _check_counts(v: np.ndarray, family: str, name: str = "values") -> None:
    bad = ~np.isfinite(v) | (v < 0) | (v != np.round(v))
    if bad.any():
        raise ValueError(
            f"family={family!r} needs non-negative whole counts in {name}. Got "
            f"{describe(v[bad])}; use family='gaussian' for measurements."
        )
    if v.sum() == 0:
        raise ValueError("All counts are 0: there is no trend to estimate.")


def _check_model_options(family: str, confidence: float, families: tuple) -> None:
    check_choice("family", family, families)
    if not 0 < confidence < 1:
        raise ValueError(
            f"confidence must be between 0 and 1, e.g. 0.95. Got confidence={confidence!r}."
        )


def trend(
    years,
    values,
    *,
    family: str = "gaussian",
    effort=None,
    confidence: float = 0.95,
) -> TrendResult:
    r"""Fit a linear trend over years, with a confidence interval for the slope.

    ``family="gaussian"``: ordinary least squares, :math:`y_t = \alpha + \beta t +
    \varepsilon_t`, with a Student-*t* interval on :math:`n-2` degrees of freedom.

    ``family="poisson"``: counts :math:`y_t \sim \text{Poisson}(\mu_t)` with
    :math:`\log \mu_t = \log E_t + \alpha + \beta t`, where :math:`E_t` is the effort
    (camera-days, transect km) and :math:`\log E_t` the offset. The slope's standard
    error is multiplied by :math:`\sqrt{\phi}` with the Pearson dispersion
    :math:`\phi = \max(1, \chi^2_P/(n-2))` (quasi-Poisson) and the interval uses
    Student-*t* on :math:`n-2` degrees of freedom. :math:`100(e^\beta - 1)` is the
    percent change per year.

    ``family="negative_binomial"``: the same log-linear model with
    :math:`\operatorname{Var}(y_t) = \mu_t + \alpha\mu_t^2` (NB2), :math:`\alpha`
    estimated by maximum likelihood and a Wald (normal) interval, as
    ``MASS::glm.nb`` in R. Quasi-Poisson weighs large counts more than the negative
    binomial does (Ver Hoef & Boveng 2007); the two usually agree on the direction.

    All models are fitted by iteratively reweighted least squares in statsmodels
    (Seabold & Perktold 2010). Years are centred before fitting, so the intercept
    refers to year 0 only through :meth:`TrendResult.predict`.

    Parameters
    ----------
    years : array_like
        Year (or any time) of each observation.
    values : array_like
        The indicator (gaussian) or non-negative integer counts (count families).
    family : {"gaussian", "poisson", "negative_binomial"}, default "gaussian"
    effort : array_like, optional
        Sampling effort per observation (count families only); counts per unit effort
        are modelled. Equal effort by default.
    confidence : float, default 0.95
        Level of the interval, in (0, 1).

    Returns
    -------
    TrendResult

    Notes
    -----
    Observations are assumed independent given the trend; with few years (fewer than
    about 8) or strong year-to-year autocorrelation the interval is too narrow. The
    trend is a summary of the period, not a forecast.

    References
    ----------
    McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed.
    https://doi.org/10.1007/978-1-4899-3242-6

    Seabold, S. & Perktold, J. (2010). Statsmodels: econometric and statistical
    modeling with Python. Proc. 9th Python in Science Conference, 92-96.
    https://doi.org/10.25080/Majora-92bf1922-011

    Ver Hoef, J. M. & Boveng, P. L. (2007). Quasi-Poisson vs. negative binomial
    regression. Ecology 88, 2766-2772. https://doi.org/10.1890/07-0043.1

    Examples
    --------
    >>> fit = trend([2018, 2019, 2020, 2021], [10.0, 12.0, 14.0, 16.0])
    >>> round(fit.slope, 6), round(fit.p_value, 6)
    (2.0, 0.0)
    >>> counts = trend([2016, 2017, 2018, 2019], [10, 20, 40, 80], family="poisson")
    >>> round(counts.annual_change_pct, 3)
    100.0
    """
    _check_model_options(family, confidence, _glm.FAMILIES)
    if effort is not None and family not in COUNT_FAMILIES:
        raise ValueError(
            "effort is used with counts only (family='poisson' or family='negative_binomial'),"
            f" not with family={family!r}."
        )
    y, v, e = _check_series(years, values, effort)
    if family in COUNT_FAMILIES:
        _check_counts(v, family)
    centre = y.mean()
    X = np.column_stack([np.ones(y.size), y - centre])
    offset = np.log(e) if family in COUNT_FAMILIES else None
    fit = _glm.fit(v, X, family=family, offset=offset)
    slope = float(fit.params[1])
    low, high, p = _glm.wald(slope, float(fit.se[1]), fit.df, confidence)
    intercept = float(fit.params[0] - slope * centre)
    if family in COUNT_FAMILIES:
        pct = [100 * np.expm1(b) for b in (slope, low, high)]
        fitted = fit.mu / e
    else:
        first = intercept + slope * y.min()
        pct = [100 * b / first if first else np.nan for b in (slope, low, high)]
        fitted = fit.mu
    return TrendResult(
        family=family,
        slope=slope,
        slope_low=float(low),
        slope_high=float(high),
        annual_change_pct=float(pct[0]),
        annual_change_pct_low=float(pct[1]),
        annual_change_pct_high=float(pct[2]),
        p_value=p,
        confidence=float(confidence),
        n=int(y.size),
        dispersion=fit.dispersion,
        intercept=intercept,
        fitted=pd.Series(np.asarray(fitted, dtype=float), index=y.astype(int), name="fitted"),
        alpha=fit.alpha,
    )


@dataclass(frozen=True)
class BaciResult:
    r"""A before-after-control-impact comparison of rates.

    Attributes
    ----------
    impact : str
    controls : tuple of str
    family : str
        ``"poisson"`` (quasi-Poisson intervals) or ``"negative_binomial"``.
    ratio, ratio_low, ratio_high : float
        BACI ratio :math:`e^{\delta}` and its confidence interval: the change of the
        rate at the impact site divided by the change at the controls (1 = no effect).
    p_value : float
        Two-sided test of ratio = 1.
    confidence : float
    n : int
        Number of observations (site-years) used.
    dispersion : float
        As in :class:`TrendResult`.
    alpha : float
        Negative binomial :math:`\alpha`; NaN for ``"poisson"``.
    rates : pandas.DataFrame
        Pooled rate (counts / effort) per site before and after, with ``role``
        ("impact" or "control") and ``change`` (after / before).
    """

    impact: str
    controls: tuple
    family: str
    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    confidence: float
    n: int
    dispersion: float
    alpha: float
    rates: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One sentence for a report."""
        level = round(100 * self.confidence)
        return (
            f"BACI ratio {self.ratio:.2f} ({level}% CI {self.ratio_low:.2f} to "
            f"{self.ratio_high:.2f}; p = {self.p_value:.3g}; n = {self.n}; impact "
            f"{self.impact}, controls {', '.join(self.controls)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the scalar results as a one-row table indexed by the impact site."""
        row = {k: v for k, v in self.__dict__.items() if k not in ("rates", "impact")}
        row["controls"] = ", ".join(self.controls)
        return pd.DataFrame([row], index=pd.Index([self.impact], name="impact"))


_WORKS_YEAR = {"drop": (0, 1), "before": (1, 1), "after": (0, 0)}  # (before_end, after_start)


def _baci_table(sites, years, counts, effort, *, impact, controls, works, works_year, family):
    """Validate the BACI inputs; return the rows used as a DataFrame with an ``after`` flag."""
    table = pd.DataFrame(
        {
            "site": np.asarray(sites, dtype=object).ravel(),
            "year": np.asarray(years, dtype=float).ravel(),
            "count": np.asarray(counts, dtype=float).ravel(),
        }
    )
    if not (len(table["year"]) == len(table["count"]) == len(table["site"])):
        raise ValueError("sites, years and counts must have the same length.")
    table["effort"] = _check_effort(effort, len(table))
    if not np.isfinite(table["year"]).all():
        raise ValueError("years contains NaN or infinite values; drop those rows first.")
    present = sorted(map(str, pd.unique(table["site"])))
    for name, site in [("impact", impact), *(("controls", c) for c in controls)]:
        if site not in present:
            raise ValueError(f"{name} site {site!r} is not in sites (sites present: {present}).")
    table = table[table["site"].isin([impact, *controls])].copy()
    _check_counts(table["count"].to_numpy(), family, name="counts")
    before_end, after_start = _WORKS_YEAR[works_year]
    table = table[(table["year"] < works + before_end) | (table["year"] >= works + after_start)]
    table["after"] = (table["year"] >= works + after_start).astype(float)
    return table


def _pooled_rates(table, impact) -> pd.DataFrame:
    sums = table.groupby(["site", "after"])[["count", "effort"]].sum()
    rate = (sums["count"] / sums["effort"]).unstack("after")
    rates = pd.DataFrame(
        {
            "role": ["impact" if s == impact else "control" for s in rate.index],
            "rate_before": rate.get(0.0),
            "rate_after": rate.get(1.0),
        },
        index=rate.index,
    )
    if rates[["rate_before", "rate_after"]].isna().any().any():
        missing = rates.index[rates[["rate_before", "rate_after"]].isna().any(axis=1)].tolist()
        raise ValueError(
            f"Sites {missing} have no observation before or after the works: a BACI "
            "comparison needs years on both sides at every site."
        )
    rates["change"] = rates["rate_after"] / rates["rate_before"]
    return rates


def _check_baci_rates(table, rates, impact) -> None:
    imp = rates.loc[impact]
    control = table[table["site"] != impact].groupby("after")["count"].sum()
    if min(imp["rate_before"], imp["rate_after"], control.min()) <= 0:
        raise ValueError(
            "A BACI ratio needs counts above 0 at the impact site and at the controls, both "
            f"before and after (impact rates {imp['rate_before']:g} and "
            f"{imp['rate_after']:g}; control counts {control.tolist()}): the ratio would be "
            "0 or infinite."
        )


def baci(
    sites,
    years,
    counts,
    *,
    impact: str,
    controls,
    works: float,
    effort=None,
    family: str = "poisson",
    works_year: str = "drop",
    confidence: float = 0.95,
) -> BaciResult:
    r"""Before-after-control-impact (BACI) ratio of rates, with a confidence interval.

    Counts :math:`y_{st}` of site :math:`s` in year :math:`t`, with effort
    :math:`E_{st}`, follow a log-linear model

    .. math:: \log \mu_{st} = \log E_{st} + a_s + b \, A_t + \delta \, I_s A_t

    with :math:`a_s` one level per site, :math:`A_t = 1` after the works,
    :math:`I_s = 1` at the impact site. :math:`e^{\delta}` is the BACI ratio: the change
    of the rate at the impact site divided by the change at the controls
    (Stewart-Oaten et al. 1986). With one control it equals the ratio of pooled rates
    :math:`(r_{IA}/r_{IB}) / (r_{CA}/r_{CB})`; with several controls their common change
    :math:`e^b` is estimated from all of them, each at its own level. Intervals and
    p-values as in :func:`trend` (``"poisson"``: quasi-Poisson, Student-*t* on the
    residual degrees of freedom; ``"negative_binomial"``: NB2, Wald), fitted with
    statsmodels' GLM (Seabold & Perktold 2010).

    Parameters
    ----------
    sites, years, counts : array_like
        One value per site-year: site name, year, count. Rows of other sites are
        ignored.
    impact : str
        The site where the works happened.
    controls : str or sequence of str
        One or more sites without works.
    works : float
        Year of the works.
    effort : array_like, optional
        Effort per row (camera-days); equal effort by default.
    family : {"poisson", "negative_binomial"}, default "poisson"
    works_year : {"drop", "before", "after"}, default "drop"
        Where the year of the works goes: left out (default), or counted before or after.
    confidence : float, default 0.95

    Returns
    -------
    BaciResult

    Notes
    -----
    The years are the replicates: the interval is wide when the rates vary much from
    year to year, as it should be. A ratio different from 1 says the impact site
    changed differently from the controls, not why.

    References
    ----------
    Stewart-Oaten, A., Murdoch, W. W. & Parker, K. R. (1986). Environmental impact
    assessment: "pseudoreplication" in time? Ecology 67, 929-940.
    https://doi.org/10.2307/1939815

    Seabold, S. & Perktold, J. (2010). https://doi.org/10.25080/Majora-92bf1922-011

    Examples
    --------
    Impact rate halves (10 -> 5 per unit effort), control rate stays at 10:

    >>> sites = ["I", "I", "I", "I", "C", "C", "C", "C"]
    >>> years = [1, 2, 4, 5, 1, 2, 4, 5]
    >>> counts = [9, 11, 4, 6, 10, 10, 11, 9]
    >>> result = baci(sites, years, counts, impact="I", controls="C", works=3)
    >>> round(result.ratio, 3)
    0.5
    """
    _check_model_options(family, confidence, COUNT_FAMILIES)
    check_choice("works_year", works_year, tuple(_WORKS_YEAR))
    controls = (controls,) if isinstance(controls, str) else tuple(controls)
    if not controls or impact in controls:
        raise ValueError(
            f"controls must name at least one site other than the impact site {impact!r}. "
            f"Got controls={list(controls)}."
        )
    table = _baci_table(
        sites, years, counts, effort, impact=impact, controls=controls, works=works,
        works_year=works_year, family=family,
    )  # fmt: skip
    rates = _pooled_rates(table, impact)
    _check_baci_rates(table, rates, impact)
    order = [impact, *controls]
    X = np.column_stack(
        [
            *(table["site"] == s for s in order),
            table["after"],
            (table["site"] == impact) * table["after"],
        ]
    ).astype(float)
    if len(table) <= X.shape[1]:
        raise ValueError(
            f"BACI needs more site-years than parameters ({X.shape[1]}). Got {len(table)}: "
            "add years before and after the works."
        )
    fit = _glm.fit(table["count"].to_numpy(), X, family=family, offset=np.log(table["effort"]))
    delta = float(fit.params[-1])
    low, high, p = _glm.wald(delta, float(fit.se[-1]), fit.df, confidence)
    return BaciResult(
        impact=impact,
        controls=controls,
        family=family,
        ratio=float(np.exp(delta)),
        ratio_low=float(np.exp(low)),
        ratio_high=float(np.exp(high)),
        p_value=p,
        confidence=float(confidence),
        n=len(table),
        dispersion=fit.dispersion,
        alpha=fit.alpha,
        rates=rates.loc[order],
    )
