r"""Generalised linear models for monitoring: one engine over statsmodels' GLM.

``monitoring.trend`` and ``monitoring.baci`` describe their models (a design matrix, an
offset, a family) and this module fits them and turns a coefficient into an estimate,
an interval and a p-value. The fitting is statsmodels' iteratively reweighted least
squares (Seabold & Perktold 2010); the inference rules are ours and the same for every
caller:

- ``"gaussian"``: least squares; the residual variance is the scale; Student-*t* on the
  residual degrees of freedom.
- ``"poisson"``: log link; the scale is the Pearson dispersion
  :math:`\phi = \max(1, \chi^2_P / \text{df})` (quasi-Poisson, McCullagh & Nelder 1989,
  section 4.5; floored at 1 so that underdispersed counts keep Poisson intervals);
  Student-*t* on the residual degrees of freedom.
- ``"negative_binomial"``: log link, variance :math:`\mu + \alpha\mu^2` (NB2) with
  :math:`\alpha` estimated by maximum likelihood; coefficients' standard errors from the
  GLM with :math:`\alpha` fixed and a Wald (normal) interval, as R's ``MASS::glm.nb``
  reports them (Venables & Ripley 2002).

References
----------
McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman &
Hall. https://doi.org/10.1007/978-1-4899-3242-6

Seabold, S. & Perktold, J. (2010). Statsmodels: econometric and statistical modeling
with Python. Proceedings of the 9th Python in Science Conference, 92-96.
https://doi.org/10.25080/Majora-92bf1922-011

Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed.
Cambridge University Press. https://doi.org/10.1017/CBO9781139013567

Venables, W. N. & Ripley, B. D. (2002). *Modern Applied Statistics with S*, 4th ed.
Springer. https://doi.org/10.1007/978-0-387-21706-2
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

# statsmodels is imported where a model is fitted, not here: it takes about 0.7 s to
# import and most users of the monitoring module never fit a GLM. Only its
# ``statsmodels.genmod`` / ``discrete`` modules are used (``statsmodels.api`` fails to
# import with pandas 3.1).

FAMILIES = ("gaussian", "poisson", "negative_binomial")
COUNT_FAMILIES = ("poisson", "negative_binomial")
_TOL = 1e-12  # IRLS convergence (change in deviance); the fits take 5 to 10 iterations


@dataclass(frozen=True)
class GlmFit:
    """Coefficients of a fitted model and what the inference needs.

    ``params`` and ``se`` are on the link scale; ``df`` is the residual degrees of
    freedom of the Student-*t* reference (``None``: normal reference); ``dispersion``
    is the scale (gaussian, poisson) or the Pearson dispersion of the negative binomial
    fit; ``alpha`` is the negative binomial alpha (NaN otherwise); ``mu`` the
    fitted means (counts, not rates).
    """

    params: np.ndarray
    se: np.ndarray
    df: int | None
    dispersion: float
    alpha: float
    mu: np.ndarray


def fit(y, X, *, family: str, offset=None) -> GlmFit:
    """Fit ``y ~ X`` (with an optional log-scale offset) in one of :data:`FAMILIES`.

    A model that fits every observation exactly (counts doubling each year, say) is a
    valid answer here, so statsmodels' perfect-prediction warning is silenced.
    """
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # A perfect fit has scale 0; statsmodels then divides by it in its log-likelihood.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        return _fit(y, X, family=family, offset=offset)


def _fit(y, X, *, family: str, offset) -> GlmFit:
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    offset = np.zeros(len(y)) if offset is None else offset
    df = len(y) - X.shape[1]
    if family == "gaussian":
        result = GLM(y, X, family=families.Gaussian()).fit(tol=_TOL)
        scale = float(result.scale) if df > 0 else np.nan
        return _from_result(result, scale=scale, df=df, dispersion=scale)
    if family == "poisson":
        result = GLM(y, X, family=families.Poisson(), offset=offset).fit(tol=_TOL)
        phi = max(1.0, float(result.pearson_chi2) / df) if df > 0 else 1.0
        return _from_result(result, scale=phi, df=df, dispersion=phi)
    alpha = _negative_binomial_alpha(y, X, offset)
    # alpha = 0 is the Poisson limit (statsmodels' NB family divides by alpha).
    family_nb = families.NegativeBinomial(alpha=alpha) if alpha > 0 else families.Poisson()
    result = GLM(y, X, family=family_nb, offset=offset).fit(tol=_TOL, scale=1.0)
    pearson = float(result.pearson_chi2) / (df - 1) if df > 1 else np.nan
    return _from_result(result, scale=1.0, df=None, dispersion=pearson, alpha=alpha)


def _from_result(result, *, scale, df, dispersion, alpha=np.nan) -> GlmFit:
    cov = np.asarray(result.cov_params(scale=scale), dtype=float)
    return GlmFit(
        params=np.asarray(result.params, dtype=float),
        se=np.sqrt(np.diag(cov)),
        df=df,
        dispersion=float(dispersion),
        alpha=float(alpha),
        mu=np.asarray(result.fittedvalues, dtype=float),
    )


def _negative_binomial_alpha(y, X, offset) -> float:
    r"""Maximum-likelihood alpha of an NB2 model.

    The NB2 score for alpha at alpha = 0 is proportional to
    :math:`\sum_i (y_i - \hat\mu_i)^2 - y_i` with the Poisson fit :math:`\hat\mu`
    (Cameron & Trivedi 2013, section 3.4): when it is not positive, the counts are not
    overdispersed, the maximum lies on the boundary and alpha = 0 (Poisson) is returned.
    """
    from statsmodels.discrete.discrete_model import NegativeBinomial
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import HessianInversionWarning

    poisson = GLM(y, X, family=families.Poisson(), offset=offset).fit(tol=_TOL)
    if np.sum((y - poisson.fittedvalues) ** 2 - y) <= 0:
        return 0.0
    model = NegativeBinomial(y, X, offset=offset, loglike_method="nb2")
    with warnings.catch_warnings():
        # The Hessian of a barely overdispersed fit can be singular; only alpha is used.
        warnings.simplefilter("ignore", HessianInversionWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        # Start from the Poisson fit (statsmodels' own start re-enables every warning).
        start = np.append(poisson.params, 0.1)
        result = model.fit(start_params=start, disp=0, maxiter=500)
    if not result.mle_retvals.get("converged", False):
        raise RuntimeError(
            "The negative binomial fit did not converge: too few observations or counts "
            "too close to 0. Use family='poisson' (quasi-Poisson) instead."
        )
    return max(float(result.params[-1]), 0.0)


def wald(estimate: float, se: float, df: int | None, confidence: float):
    """Return (low, high, p) of a Wald interval and two-sided test of ``estimate = 0``.

    Student-*t* on *df* degrees of freedom, or normal when *df* is None. With ``df <= 0``
    the interval is infinite and the p-value NaN; with ``se == 0`` the p-value is 0.
    """
    if df is not None and df <= 0:
        return -np.inf, np.inf, np.nan
    reference = stats.norm if df is None else stats.t(df)
    half = float(reference.ppf(0.5 + confidence / 2)) * se
    stat = estimate / se if se > 0 else np.inf
    return estimate - half, estimate + half, float(2 * reference.sf(abs(stat)))
