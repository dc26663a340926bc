"""Benchmark: restoration scenarios (gpec_teach.scenarios) on the teaching landscape.

2020 land cover at 250 m (400 x 480 cells, about 96,500 valid cells), a simple
class -> resistance table, the two largest forest patches as cores, forest patches of
at least 200 cells (12.5 km2) as the EC patch set, and 5 actions (underpass-like
strips and restored blocks on the straight line between the cores). Timed:
``evaluate_actions`` with every measure (baseline + 5 scenarios) and
``evaluate_combination`` of the two best actions.

Run: ``.venv/bin/python benchmarks/bench_scenarios.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure, print_table  # noqa: E402

TABLE = {1: 200.0, 2: 20.0, 3: 1.0, 4: 2.0, 5: 5.0, 6: 30.0, 7: 300.0, 8: 50.0}


def landscape(_=None):
    import scipy.ndimage as ndi

    import gpec_teach as g

    lc = g.load("landcover", year=2020, resolution=250)
    res = g.reclassify(lc, TABLE)
    lab, _ = ndi.label(lc.values == 3)
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    order = np.argsort(sizes)[::-1]
    core_a, core_b = lab == order[0], lab == order[1]
    patches = np.where((sizes >= 200)[lab], lab, 0)
    ca = np.argwhere(core_a).mean(axis=0)
    cb = np.argwhere(core_b).mean(axis=0)
    valid = np.isfinite(res.values)
    actions = {}
    for k, t in enumerate(np.linspace(0.2, 0.8, 5)):
        r, c = (ca + t * (cb - ca)).astype(int)
        mask = np.zeros(lc.shape, bool)
        mask[r - 4 : r + 5, c - 4 : c + 5] = True
        mask &= valid
        actions[f"restore_{k}"] = (mask, 1.0, float(10 + 5 * k))
    return res, actions, core_a, core_b, patches


def run_evaluate(state):
    from gpec_teach.scenarios import evaluate_actions

    res, actions, a, b, patches = state
    t = evaluate_actions(
        res, actions, core_a=a, core_b=b, cutoff=20_000, patches=patches, dispersal_distance=20_000
    )
    return (
        f"{len(t) - 1} actions, {int((patches.max() > 0) and len(np.unique(patches)) - 1)} patches"
    )


def run_combination(state):
    from gpec_teach.scenarios import evaluate_combination

    res, actions, a, b, patches = state
    t = evaluate_combination(
        res,
        actions,
        ["restore_1", "restore_2"],
        core_a=a,
        core_b=b,
        cutoff=20_000,
        patches=patches,
        dispersal_distance=20_000,
    )
    return f"gain EC {t.iloc[1]['gain_EC']:.0f} ha"


def run_no_patches(state):
    from gpec_teach.scenarios import evaluate_actions

    res, actions, a, b, _ = state
    evaluate_actions(res, actions, core_a=a, core_b=b, cutoff=20_000)
    return "resistance, LCD, corridor only"


def main() -> None:
    size = "400x480 (250 m)"
    results = [
        measure("evaluate_actions (all measures)", size, landscape, run_evaluate, repeat=1),
        measure("evaluate_actions (no EC)", size, landscape, run_no_patches, repeat=1),
        measure("evaluate_combination (2 actions)", size, landscape, run_combination, repeat=1),
    ]
    print_table(results, "Scenarios: baseline + 5 actions on the teaching landscape")


if __name__ == "__main__":
    main()
