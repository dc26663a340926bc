r"""Monitoring: change between land-cover epochs, indicator series, trends, fact sheets.

Monitoring asks three questions of an indicator: *what changed* (change maps and
transition tables between epochs), *how fast and how sure are we* (a trend with a
confidence interval, for measurements or for counts), and *how do we tell others*
(a one-page indicator fact sheet for an NBSAP report).

Trends use generalised linear models fitted by iteratively reweighted least squares
(McCullagh & Nelder 1989): an ordinary least-squares line for measurements, and a
log-linear Poisson model with an effort offset for counts, with the standard errors
inflated by the Pearson dispersion when counts vary more than Poisson (quasi-Poisson).

References
----------
McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman &
Hall. https://doi.org/10.1007/978-1-4899-3242-6
"""

from __future__ import annotations

import base64
import html
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._raster import _is_dataarray, unwrap, wrap_like
from ._validation import check_choice, check_same_crs, describe

__all__ = [
    "TrendResult",
    "transition_table",
    "change_map",
    "indicator_series",
    "trend",
    "fact_sheet",
]

_UNITS = {"m2": 1.0, "ha": 1e4, "km2": 1e6}


def _class_pair(before, after, *, cellsize):
    """Unwrap two class rasters on the same grid; return (a, b, valid, cellsize, template)."""
    if _is_dataarray(before) and _is_dataarray(after):
        if hasattr(before, "rio") and hasattr(after, "rio"):
            check_same_crs("before", before.rio.crs, "after", after.rio.crs)
    a = unwrap("before", before, cellsize=cellsize)
    b = unwrap("after", after, cellsize=cellsize)
    if a.values.shape != b.values.shape:
        raise ValueError(
            "before and after must be on the same grid. Got shapes "
            f"{a.values.shape} and {b.values.shape}; align them first "
            "(rio.reproject_match with nearest resampling for classes)."
        )
    if a.template is not None and b.template is not None:
        ta, tb = a.template.rio.transform(), b.template.rio.transform()
        if not np.allclose(tuple(ta), tuple(tb)):
            raise ValueError(
                "before and after have the same shape but different transforms "
                f"({tuple(ta)[:6]} vs {tuple(tb)[:6]}): align them with rio.reproject_match."
            )
    valid = np.isfinite(a.values) & np.isfinite(b.values)
    if not valid.any():
        raise ValueError(
            "before and after share no valid cell: every cell is nodata in one of them."
        )
    for name, grid in (("before", a), ("after", b)):
        codes = grid.values[valid]
        if not np.array_equal(codes, np.round(codes)):
            raise ValueError(
                f"{name} must hold integer class codes (land cover). Got non-integer values "
                f"such as {codes[codes != np.round(codes)][0]:g}."
            )
    return a, b, valid


def transition_table(
    before, after, *, cellsize: float | None = None, classes=None, units: str = "km2"
) -> pd.DataFrame:
    r"""Area that moved from each class (rows) to each class (columns) between two epochs.

    .. math:: T_{ij} = c^2 \, \#\{\text{cells of class } i \text{ before and } j \text{ after}\}

    with :math:`c` the cell size. The diagonal is the area that stayed; row sums are the
    area of each class before, column sums after. Cells that are nodata in either epoch
    are left out.

    Parameters
    ----------
    before, after : array_like or xarray.DataArray
        Integer class rasters on the same grid (nodata = NaN or ``rio.nodata``).
    cellsize : float, optional
        Cell side in metres; read from DataArrays, else 1.
    classes : dict, optional
        ``{code: name}`` (or ``{code: (name, colour)}``) to label rows and columns;
        by default the DataArray's ``class_names`` attribute, else the codes.
    units : {"km2", "ha", "m2"}, default "km2"

    Returns
    -------
    pandas.DataFrame
        Square table with every class present in either epoch, rows "from", columns "to".

    References
    ----------
    Pontius, R. G., Shusas, E. & McEachern, M. (2004). Detecting important categorical
    land changes while accounting for persistence. Agriculture, Ecosystems &
    Environment 101, 251-268. https://doi.org/10.1016/j.agee.2003.09.008

    Examples
    --------
    >>> before = np.array([[3, 3], [3, 6]])
    >>> after = np.array([[3, 6], [6, 6]])
    >>> transition_table(before, after, cellsize=100, units="ha")
    to      3    6
    from
    3     1.0  2.0
    6     0.0  1.0
    """
    check_choice("units", units, tuple(_UNITS))
    a, b, valid = _class_pair(before, after, cellsize=cellsize)
    codes = np.union1d(np.unique(a.values[valid]), np.unique(b.values[valid])).astype(int)
    ia = np.searchsorted(codes, a.values[valid])  # position of each code in the sorted list
    ib = np.searchsorted(codes, b.values[valid])
    counts = np.bincount(ia * len(codes) + ib, minlength=len(codes) ** 2)
    area = counts.reshape(len(codes), len(codes)) * a.cellsize**2 / _UNITS[units]
    labels = _labels(codes, classes, before)
    table = pd.DataFrame(area, index=labels, columns=labels)
    table.index.name, table.columns.name = "from", "to"
    return table


def _labels(codes, classes, raster) -> list:
    if classes is None and _is_dataarray(raster):
        classes = raster.attrs.get("class_names")
    if not classes:
        return [int(c) for c in codes]
    out = []
    for c in codes:
        name = classes.get(int(c), classes.get(str(int(c)), int(c)))
        out.append(name[0] if isinstance(name, tuple) else name)
    return out


def change_map(before, after, *, classes=None, cellsize: float | None = None):
    r"""Map of gains and losses of a set of classes (for example habitat) between epochs.

    Each valid cell gets

    - ``-1`` (loss): in *classes* before, not after;
    - ``+1`` (gain): not in *classes* before, in it after;
    - ``0``: no change with respect to *classes*;
    - NaN: nodata in either epoch.

    Without *classes*, a cell is ``1`` when its class changed at all and ``0`` otherwise.

    Parameters
    ----------
    before, after : array_like or xarray.DataArray
        Integer class rasters on the same grid.
    classes : sequence of int, optional
        Codes of the classes followed (the habitat).
    cellsize : float, optional

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        float32 codes as above, georeferenced like *before*.

    References
    ----------
    Pontius, R. G., Shusas, E. & McEachern, M. (2004). Agriculture, Ecosystems &
    Environment 101, 251-268. https://doi.org/10.1016/j.agee.2003.09.008

    Examples
    --------
    >>> before = np.array([[3, 3], [6, 6]])
    >>> after = np.array([[3, 6], [3, 6]])
    >>> change_map(before, after, classes=[3])
    array([[ 0., -1.],
           [ 1.,  0.]], dtype=float32)
    """
    a, b, valid = _class_pair(before, after, cellsize=cellsize)
    out = np.full(a.values.shape, np.nan, dtype=np.float32)
    if classes is None:
        out[valid] = (a.values[valid] != b.values[valid]).astype(np.float32)
    else:
        codes = np.atleast_1d(np.asarray(classes))
        if codes.size == 0:
            raise ValueError(
                "classes is empty: give the codes of the classes to follow, e.g. [3, 4]."
            )
        present = np.union1d(np.unique(a.values[valid]), np.unique(b.values[valid]))
        missing = [int(c) for c in codes if c not in present]
        if len(missing) == codes.size:
            raise ValueError(
                f"None of classes={codes.tolist()} occurs in before or after "
                f"(codes present: {present.astype(int).tolist()})."
            )
        was = np.isin(a.values, codes)
        now = np.isin(b.values, codes)
        out[valid] = now[valid].astype(np.float32) - was[valid].astype(np.float32)
    return wrap_like(out, a)


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
        ``"gaussian"`` (straight line) or ``"poisson"`` (log-linear, counts).
    slope, slope_low, slope_high : float
        Change per year and its confidence interval. For ``"poisson"``, on the log
        scale: ``exp(slope)`` is the yearly rate ratio.
    annual_change_pct, annual_change_pct_low, annual_change_pct_high : float
        For ``"poisson"``: percent change per year, :math:`100(e^{\beta}-1)`, and its
        interval. For ``"gaussian"``: the slope as percent of the fitted value at the
        first year (and NaN bounds when that value is 0).
    p_value : float
        Two-sided test of no trend.
    confidence : float
    n : int
        Number of observations.
    dispersion : float
        Pearson dispersion (``"poisson"``; >1 means overdispersed counts and wider
        intervals) or residual variance (``"gaussian"``).
    intercept : float
    fitted : pandas.Series
        Fitted values (counts per unit effort for Poisson) by year.
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

    def predict(self, years) -> np.ndarray:
        """Return the expected value at *years* (per unit effort for Poisson)."""
        eta = self.intercept + self.slope * np.asarray(years, dtype=float)
        return np.exp(eta) if self.family == "poisson" else eta

    def summary(self) -> str:
        """One sentence for a report."""
        level = round(100 * self.confidence)
        if self.family == "poisson":
            return (
                f"{self.annual_change_pct:+.1f}% per year ({level}% CI "
                f"{self.annual_change_pct_low:+.1f}% to {self.annual_change_pct_high:+.1f}%; "
                f"p = {self.p_value:.3g}; n = {self.n}; dispersion {self.dispersion:.2f})"
            )
        return (
            f"{self.slope:+.3g} per year ({level}% CI {self.slope_low:+.3g} to "
            f"{self.slope_high:+.3g}; p = {self.p_value:.3g}; n = {self.n})"
        )


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
    e = np.ones_like(v) if effort is None else np.asarray(effort, dtype=float).ravel()
    if e.size != v.size:
        raise ValueError(f"effort must have one value per observation. Got {e.size} for {v.size}.")
    if not (np.isfinite(e).all() and (e > 0).all()):
        raise ValueError(f"effort must be positive (e.g. camera-days). Got {describe(e)}.")
    return y, v, e


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
    (camera-days, transect km). The fit is by iteratively reweighted least squares;
    the slope's standard error is multiplied by :math:`\sqrt{\phi}` with the Pearson
    dispersion :math:`\phi = \max(1, \chi^2_P/(n-2))` (quasi-Poisson) and the interval
    uses Student-*t* on :math:`n-2` degrees of freedom. :math:`100(e^\beta - 1)` is
    the percent change per year.

    Years are centred before fitting, so the intercept refers to year 0 only through
    :meth:`TrendResult.predict`.

    Parameters
    ----------
    years : array_like
        Year (or any time) of each observation.
    values : array_like
        The indicator (gaussian) or non-negative integer counts (poisson).
    family : {"gaussian", "poisson"}, default "gaussian"
    effort : array_like, optional
        Sampling effort per observation (poisson only); counts per unit effort are
        modelled. Equal effort by default.
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

    Examples
    --------
    >>> fit = trend([2018, 2019, 2020, 2021], [10.0, 12.0, 14.0, 16.0])
    >>> round(fit.slope, 6), round(fit.p_value, 6)
    (2.0, 0.0)
    >>> counts = trend([2016, 2017, 2018, 2019], [10, 20, 40, 80], family="poisson")
    >>> round(counts.annual_change_pct, 3)
    100.0
    """
    from scipy import stats

    check_choice("family", family, ("gaussian", "poisson"))
    if not 0 < confidence < 1:
        raise ValueError(
            f"confidence must be between 0 and 1, e.g. 0.95. Got confidence={confidence!r}."
        )
    if effort is not None and family != "poisson":
        raise ValueError("effort is used with family='poisson' only (counts per unit effort).")
    y, v, e = _check_series(years, values, effort)
    n = y.size
    centre = y.mean()
    t = y - centre
    X = np.column_stack([np.ones(n), t])
    df = n - 2
    quantile = stats.t.ppf(0.5 + confidence / 2, df) if df > 0 else np.inf

    if family == "gaussian":
        beta, *_ = np.linalg.lstsq(X, v, rcond=None)
        resid = v - X @ beta
        sigma2 = float(resid @ resid / df) if df > 0 else np.nan
        se = np.sqrt(sigma2 / float(t @ t))
        dispersion = sigma2
        fitted = X @ beta
    else:
        if (v < 0).any() or not np.array_equal(v, np.round(v)):
            raise ValueError(
                "family='poisson' needs non-negative whole counts. Got "
                f"{describe(v[(v < 0) | (v != np.round(v))])}; use family='gaussian' for measurements."
            )
        if v.sum() == 0:
            raise ValueError("All counts are 0: there is no trend to estimate.")
        offset = np.log(e)
        mu = np.maximum(v, 0.5)
        eta = np.log(mu)
        beta = np.zeros(2)
        for _ in range(100):  # IRLS for the log link: weights mu, working response z
            z = eta - offset + (v - mu) / mu
            w = mu
            beta_new = np.linalg.solve(X.T @ (w[:, None] * X), X.T @ (w * z))
            eta = offset + X @ beta_new
            mu = np.exp(eta)
            if np.max(np.abs(beta_new - beta)) < 1e-12:
                beta = beta_new
                break
            beta = beta_new
        info = X.T @ (mu[:, None] * X)
        chi2 = float(np.sum((v - mu) ** 2 / mu))
        dispersion = max(1.0, chi2 / df) if df > 0 else 1.0
        se = float(np.sqrt(np.linalg.inv(info)[1, 1] * dispersion))
        fitted = mu / e
    slope = float(beta[1])
    half = quantile * se
    stat = slope / se if se > 0 else np.inf
    p = float(2 * stats.t.sf(abs(stat), df)) if df > 0 else np.nan
    intercept = float(beta[0] - beta[1] * centre)
    if family == "poisson":
        pct = [100 * np.expm1(b) for b in (slope, slope - half, slope + half)]
    else:
        first = intercept + slope * y.min()
        pct = [100 * b / first if first else np.nan for b in (slope, slope - half, slope + half)]
    return TrendResult(
        family=family,
        slope=slope,
        slope_low=float(slope - half),
        slope_high=float(slope + half),
        annual_change_pct=float(pct[0]),
        annual_change_pct_low=float(pct[1]),
        annual_change_pct_high=float(pct[2]),
        p_value=p,
        confidence=float(confidence),
        n=int(n),
        dispersion=float(dispersion),
        intercept=intercept,
        fitted=pd.Series(np.asarray(fitted, dtype=float), index=y.astype(int), name="fitted"),
    )


_SHEET_FIELDS = ("target", "indicator", "baseline", "trend", "method", "assumptions")


def fact_sheet(
    folder,
    *,
    title: str,
    target: str,
    indicator: str,
    baseline: str,
    trend: str,
    method: str,
    assumptions,
    table: pd.DataFrame | None = None,
    figures: dict | None = None,
    sources=None,
    contact: str | None = None,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write an indicator fact sheet (Markdown + a self-contained HTML page) into *folder*.

    The sheet has the fields an NBSAP indicator needs: the target it reports on, the
    indicator and its unit, the baseline, the trend with its uncertainty, the method,
    the assumptions and limits, then an optional table, figures with captions and alt
    text, sources and a contact. The Markdown file links its figures as PNG files next
    to it; the HTML file embeds them, so it is one file to e-mail to a colleague.

    Parameters
    ----------
    folder : str or path
        Output folder (created). Existing files are kept unless ``overwrite=True``.
    title, target, indicator, baseline, trend, method : str
        The sheet's fields (plain text or Markdown).
    assumptions : str or sequence of str
        Assumptions and limits; a list becomes bullets.
    table : pandas.DataFrame, optional
        Indicator values (for example from :func:`indicator_series`).
    figures : dict, optional
        ``{file_stem: (figure, caption, alt_text)}`` with a matplotlib Figure, or a path
        to an existing PNG in place of the figure.
    sources : sequence of str, optional
        Data sources and references (with DOIs).
    contact : str, optional
    overwrite : bool, default False

    Returns
    -------
    dict
        ``{"markdown": path, "html": path, "figures": [paths]}``.

    Raises
    ------
    ValueError
        An empty field, a figure without alt text, or existing files without overwrite.
    """
    import markdown_it

    fields = dict(
        zip(_SHEET_FIELDS, (target, indicator, baseline, trend, method, assumptions), strict=True)
    )
    fields["title"] = title
    for name, value in fields.items():
        text = value if isinstance(value, str) else " ".join(map(str, value or []))
        if not text.strip():
            raise ValueError(f"{name} is empty: every field of a fact sheet must be filled in.")
    folder = Path(folder)
    md_path, html_path = folder / "fact_sheet.md", folder / "fact_sheet.html"
    if not overwrite and (md_path.exists() or html_path.exists()):
        raise ValueError(
            f"{folder} already holds a fact sheet; pass overwrite=True to replace it."
        )
    for stem, spec in (figures or {}).items():  # check everything before writing anything
        if not (isinstance(spec, tuple) and len(spec) == 3):
            raise ValueError(f"figures[{stem!r}] must be (figure, caption, alt_text).")
        fig, caption, alt = spec
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError(
                f"figures[{stem!r}] needs alt text (a sentence describing the figure for "
                f"readers who cannot see it). Got alt={alt!r}."
            )
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError(f"figures[{stem!r}] needs a caption. Got caption={caption!r}.")
        if isinstance(fig, (str, Path)) and not Path(fig).is_file():
            raise ValueError(f"figures[{stem!r}]: no PNG file at {fig}.")
    folder.mkdir(parents=True, exist_ok=True)

    figure_paths, figure_md = [], []
    for stem, (fig, caption, alt) in (figures or {}).items():
        path = folder / f"{stem}.png"
        if isinstance(fig, (str, Path)):
            shutil.copyfile(fig, path)
        else:
            fig.savefig(path, dpi=120, bbox_inches="tight")
        figure_paths.append(path)
        figure_md.append(f"![{alt}]({path.name})\n\n*{caption}*\n")

    bullets = (
        assumptions
        if isinstance(assumptions, str)
        else "\n".join(f"- {item}" for item in assumptions)
    )
    parts = [f"# {title}\n"]
    labels = {
        "target": "Target",
        "indicator": "Indicator",
        "baseline": "Baseline",
        "trend": "Trend",
        "method": "Method",
    }
    for key, label in labels.items():
        parts.append(f"## {label}\n\n{fields[key]}\n")
    parts.append(f"## Assumptions and limits\n\n{bullets}\n")
    if table is not None:
        parts.append("## Values\n\n" + table.to_markdown(index=False) + "\n")
    if figure_md:
        parts.append("## Figures\n\n" + "\n".join(figure_md))
    if sources:
        parts.append("## Sources\n\n" + "\n".join(f"- {s}" for s in sources) + "\n")
    if contact:
        parts.append(f"## Contact\n\n{contact}\n")
    markdown = "\n".join(parts)
    md_path.write_text(markdown, encoding="utf-8")

    body = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    for path in figure_paths:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        body = body.replace(f'src="{path.name}"', f'src="data:image/png;base64,{data}"')
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#222}img{max-width:100%}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2rem .5rem;text-align:right}"
        "h1{color:#005a8c}h2{border-bottom:1px solid #ccc}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )
    html_path.write_text(page, encoding="utf-8")
    return {"markdown": md_path, "html": html_path, "figures": figure_paths}
