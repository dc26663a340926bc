r"""Monitoring: change between land-cover epochs, indicator series, trends, fact sheets.

Monitoring asks three questions of an indicator: *what changed* (change maps and
transition tables between epochs, :mod:`~gpec_teach.monitoring.change`), *how fast and
how sure are we* (a trend with a confidence interval for measurements or counts, and a
before-after-control-impact comparison, :mod:`~gpec_teach.monitoring.trends`), and *how
do we tell others* (a one-page indicator fact sheet for an NBSAP report,
:mod:`~gpec_teach.monitoring.report`).

Trends and BACI ratios are generalised linear models (McCullagh & Nelder 1989) fitted
with statsmodels (Seabold & Perktold 2010): a least-squares line for measurements, and
log-linear models with an effort offset for counts, quasi-Poisson (standard errors
inflated by the Pearson dispersion) or negative binomial.

References
----------
McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman &
Hall. https://doi.org/10.1007/978-1-4899-3242-6

Seabold, S. & Perktold, J. (2010). Statsmodels: econometric and statistical modeling
with Python. Proc. 9th Python in Science Conference, 92-96.
https://doi.org/10.25080/Majora-92bf1922-011
"""

from __future__ import annotations

from .change import change_map, transition_table
from .report import fact_sheet
from .trends import BaciResult, TrendResult, baci, indicator_series, trend

__all__ = [
    "TrendResult",
    "BaciResult",
    "transition_table",
    "change_map",
    "indicator_series",
    "trend",
    "baci",
    "fact_sheet",
]
