"""Benchmark: change between land-cover epochs and trends (gpec_teach.monitoring).

Timed on seeded random class rasters (8 classes, 20 % of cells change):

- ``transition_table`` and ``change_map`` at the teaching-landscape size (1000 x 1200)
  and at 4000 x 4000;
- ``trend`` for 15 yearly counts (quasi-Poisson and negative binomial GLMs in
  statsmodels), the crossing-count case;
- ``baci`` for one impact and two controls over 15 years.

Run: ``.venv/bin/python benchmarks/bench_monitoring.py``
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure, print_table  # noqa: E402

SHAPES = ((1000, 1200), (4000, 4000))


def epochs(shape):
    rng = np.random.default_rng(0)
    before = rng.integers(1, 9, size=shape).astype(np.uint8)
    changed = rng.random(shape) < 0.2
    after = np.where(changed, rng.integers(1, 9, size=shape), before).astype(np.uint8)
    return before, after


def run_transitions(state):
    from gpec_teach.monitoring import transition_table

    table = transition_table(*state, cellsize=100.0)
    return f"{table.shape[0]} classes"


def run_change(state):
    from gpec_teach.monitoring import change_map

    out = change_map(*state, classes=[3, 4])
    return f"net {int(np.nansum(out))} cells"


def counts(_=None):
    rng = np.random.default_rng(1)
    years = np.arange(2010, 2025)
    return years, rng.poisson(20 * np.exp(0.05 * (years - 2010)))


def run_trend(state):
    from gpec_teach.monitoring import trend

    fit = trend(*state, family="poisson")
    return f"{fit.annual_change_pct:+.1f} %/yr"


def run_trend_nb(state):
    from gpec_teach.monitoring import trend

    fit = trend(*state, family="negative_binomial")
    return f"{fit.annual_change_pct:+.1f} %/yr"


def baci_counts(_=None):
    rng = np.random.default_rng(2)
    years = np.tile(np.arange(2010, 2025), 3)
    sites = np.repeat(["impact", "control1", "control2"], 15)
    mu = np.where((sites == "impact") & (years > 2016), 10.0, 20.0)
    return sites, years, rng.poisson(mu)


def run_baci(state):
    from gpec_teach.monitoring import baci

    result = baci(*state, impact="impact", controls=["control1", "control2"], works=2016)
    return f"ratio {result.ratio:.2f}"


def main() -> None:
    results = []
    for shape in SHAPES:
        size = f"{shape[0]}x{shape[1]}"
        setup = partial(epochs, shape)
        results.append(measure("transition_table", size, setup, run_transitions))
        results.append(measure("change_map", size, setup, run_change))
    results.append(measure("trend (poisson)", "15 years", counts, run_trend))
    results.append(measure("trend (negative_binomial)", "15 years", counts, run_trend_nb))
    results.append(measure("baci (2 controls)", "3 x 15 years", baci_counts, run_baci))
    print_table(results, "Monitoring: change between epochs and trends")


if __name__ == "__main__":
    main()
