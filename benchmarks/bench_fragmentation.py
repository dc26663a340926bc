"""Benchmark: patches and FRAGSTATS-style metrics (gpec_teach.fragmentation).

Timed on seeded, spatially autocorrelated class rasters (uniform noise smoothed with a
Gaussian filter of sigma 3 cells, cut into 8 equal-area classes), at the
teaching-landscape size (1000 x 1200) and at 4000 x 4000:

- ``label_patches`` (all classes, 8 neighbors);
- ``patch_table``, ``class_metrics`` and ``landscape_metrics`` (cellsize 30 m).

Run: ``.venv/bin/python benchmarks/bench_fragmentation.py``
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
N_CLASSES = 8


def classes(shape):
    from scipy import ndimage

    rng = np.random.default_rng(0)
    field = ndimage.gaussian_filter(rng.random(shape), 3.0)
    cuts = np.quantile(field, np.linspace(0, 1, N_CLASSES + 1)[1:-1])
    return (np.digitize(field, cuts) + 1).astype(np.uint8)


def run_label(state):
    from gpec_teach.fragmentation import label_patches

    _, n = label_patches(state)
    return f"{n} patches"


def run_patches(state):
    from gpec_teach.fragmentation import patch_table

    table = patch_table(state, cellsize=30.0)
    return f"{len(table)} rows"


def run_class(state):
    from gpec_teach.fragmentation import class_metrics

    table = class_metrics(state, cellsize=30.0)
    return f"MESH class 1 {table['MESH'].iloc[0]:.0f} ha"


def run_landscape(state):
    from gpec_teach.fragmentation import landscape_metrics

    s = landscape_metrics(state, cellsize=30.0)
    return f"NP {s['NP']:.0f}, SPLIT {s['SPLIT']:.0f}"


def main() -> None:
    results = []
    for shape in SHAPES:
        size = f"{shape[0]}x{shape[1]}"
        setup = partial(classes, shape)
        results.append(measure("label_patches", size, setup, run_label))
        results.append(measure("patch_table", size, setup, run_patches))
        results.append(measure("class_metrics", size, setup, run_class))
        results.append(measure("landscape_metrics", size, setup, run_landscape))
    print_table(results, "Fragmentation: patches and landscape metrics")


if __name__ == "__main__":
    main()
