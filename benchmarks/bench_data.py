"""Benchmark: the teaching landscape (gpec_teach.data and data/make_landscape.py).

- ``load`` of the largest raster (land cover 2020 at 100 m), the coarse copies, the
  protected areas and the GPS tracks, with checksum verification (first call) and
  without (verify=False, as a cached second call costs);
- ``verify`` of every file;
- the generator ``make_landscape.generate()`` (all layers in memory, no writing).

Run: ``.venv/bin/python benchmarks/bench_data.py``
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _harness import measure, print_table  # noqa: E402


def nothing():
    return None


def run_load(name, kwargs, _state):
    from gpec_teach import data

    layer = data.load(name, **kwargs)
    return f"{getattr(layer, 'shape', len(layer))}"


def run_verify(_state):
    from gpec_teach import data

    report = data.verify()
    return f"{(report['status'] == 'ok').sum()}/{len(report)} ok"


def run_generate(_state):
    sys.path.insert(0, str(ROOT / "data"))
    import make_landscape

    layers = make_landscape.generate()
    return f"{len(layers)} layers"


def main() -> None:
    results = []
    cases = [
        ("landcover", {"year": 2020}, "1000x1200"),
        ("landcover", {"year": 2020, "verify": False}, "1000x1200, no checksum"),
        ("landcover", {"year": 2020, "resolution": 250}, "400x480"),
        ("elevation", {}, "1000x1200"),
        ("protected_areas", {}, "vector"),
        ("tracks", {}, "csv"),
    ]
    for name, kwargs, size in cases:
        results.append(measure(f"load {name}", size, nothing, partial(run_load, name, kwargs)))
    results.append(measure("verify", "all files", nothing, run_verify))
    results.append(
        measure("make_landscape.generate", "1000x1200", nothing, run_generate, repeat=1)
    )
    print_table(results, "Teaching landscape: loading and generation")


if __name__ == "__main__":
    main()
