"""Benchmark: PC with all dPC fractions (intra, flux, connector) for 100, 500 and 2000 patches.

Landscapes are seeded random discs (lognormal radii, about one patch per 4 km2) with
edge-to-edge distances, where large patches act as stepping stones so connectors exist,
or centroid distances, where no stepping stone can beat a direct link. Median dispersal
distance 1 km. The naive baseline recomputes PC (all-pairs search included) after
removing each patch in turn; where that would take more than about a minute it is timed
on a sample of removals and extrapolated (marked "est.").

Run: ``.venv/bin/python benchmarks/bench_graph.py``
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import Result, measure, print_table  # noqa: E402

MEDIAN_DISPERSAL_M = 1000.0
NAIVE_BUDGET_S = 60.0


def landscape(n: int, seed: int = 0, *, kind: str = "edge"):
    """Seeded random disc patches; returns (areas in ha, distance matrix in m)."""
    rng = np.random.default_rng(seed)
    side = 2000.0 * np.sqrt(n)
    xy = rng.uniform(0, side, (n, 2))
    r = np.minimum(rng.lognormal(np.log(200), 0.7, n), 1500)
    centre = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    if kind == "edge":
        d = np.maximum(centre - r[:, None] - r[None, :], 0.0)
    else:
        d = centre
    np.fill_diagonal(d, 0.0)
    return np.pi * r**2 / 1e4, d, xy


def setup_case(n: int, kind: str, min_probability: float, truncate: str):
    from gpec_teach.graph import patch_graph_from_matrix, patch_graph_from_polygons

    a, d, xy = landscape(n, kind=kind)
    if kind == "centroid":
        import geopandas as gpd

        # tiny squares whose centroids are the points; attribute = disc area (column)
        frame = gpd.GeoDataFrame(
            {"area_ha": a},
            geometry=gpd.GeoSeries.from_xy(xy[:, 0], xy[:, 1]).buffer(0.5, cap_style="square"),
            crs="EPSG:3035",
        )
        graph = patch_graph_from_polygons(frame, distance_method="centroid", attribute="area_ha")
    else:
        graph = patch_graph_from_matrix(d, attributes=a)
    return graph, min_probability, truncate


def run_fast(state) -> str:
    from gpec_teach.graph import patch_importance

    graph, t, truncate = state
    result = patch_importance(
        graph, dispersal_distance=MEDIAN_DISPERSAL_M, min_probability=t, truncate=truncate
    )
    n_conn = int((result.table["dPCconnector"] > 0).sum())
    return f"PCnum {result.summary.PCnum:.6e}; {n_conn} connectors"


def _naive_dpc(graph, t, truncate, patches):
    """dPC of *patches* by brute force: full all-pairs search without each patch."""
    from gpec_teach import _graph_kernels as K
    from gpec_teach.graph import dispersal_probability

    a = graph.attributes
    p = dispersal_probability(graph.distances, dispersal_distance=MEDIAN_DISPERSAL_M)
    limit = -np.log(t) if (truncate == "paths" and t > 0) else np.inf

    def pcnum(keep):
        cost = K.cost_graph(p[np.ix_(keep, keep)], t)
        costs, _ = K.solve_all_pairs(cost, limit=limit)
        return float(a[keep] @ K.pstar_from_costs(costs) @ a[keep])

    n = len(a)
    full = pcnum(np.arange(n))
    out = []
    for k in patches:
        keep = np.flatnonzero(np.arange(n) != k)
        out.append(100 * (full - pcnum(keep)) / full)
    return np.array(out)


def naive_case(size: str, graph, t, truncate, fast_seconds: float) -> Result:
    """Time the naive baseline in this process (sampled and extrapolated if too slow)."""
    from gpec_teach.graph import patch_importance

    n = len(graph)
    t0 = time.perf_counter()
    _naive_dpc(graph, t, truncate, range(3))
    per_patch = (time.perf_counter() - t0) / 3
    sample = n if per_patch * n <= NAIVE_BUDGET_S else max(5, int(NAIVE_BUDGET_S / 4 / per_patch))
    patches = np.linspace(0, n - 1, sample).astype(int)
    t0 = time.perf_counter()
    naive = _naive_dpc(graph, t, truncate, patches)
    seconds = (time.perf_counter() - t0) * n / sample
    fast = (
        patch_importance(
            graph, dispersal_distance=MEDIAN_DISPERSAL_M, min_probability=t, truncate=truncate
        )
        .table["dPC"]
        .to_numpy()[patches]
    )
    err = float(np.max(np.abs(naive - fast)))
    est = "" if sample == n else f" (est. from {sample} removals)"
    note = f"max abs dPC diff vs fast {err:.1e}; speed-up x{seconds / fast_seconds:.0f}{est}"
    return Result("naive removal" + (" est." if est else ""), size, seconds, float("nan"), note)


CASES = [
    # (label, n, kind, min_probability, truncate, naive?)
    ("edge, exact", 100, "edge", 0.0, "links", True),
    ("edge, p<0.001 dropped (paths)", 500, "edge", 0.001, "paths", True),
    ("edge, exact", 500, "edge", 0.0, "links", True),
    ("edge, p<0.001 dropped (paths)", 2000, "edge", 0.001, "paths", True),
    ("centroid, exact", 2000, "centroid", 0.0, "links", True),
]

# Slow: Makurhini-style truncation (links dropped, pairs still connect through the whole
# component). Run with GPEC_BENCH_FULL=1 (about 3 minutes).
FULL_CASES = [
    ("edge, p<0.001 dropped (links)", 2000, "edge", 0.001, "links", False),
]


def main() -> None:
    results = []
    cases = CASES + (FULL_CASES if os.environ.get("GPEC_BENCH_FULL") else [])
    for label, n, kind, t, truncate, naive in cases:
        size = f"{n} patches, {label}"
        setup = partial(setup_case, n, kind, t, truncate)
        repeat = 1 if (n >= 2000 and truncate == "links" and kind == "edge") else 3
        fast = measure("patch_importance (all fractions)", size, setup, run_fast, repeat=repeat)
        results.append(fast)
        print(f"{size}: {fast.seconds:.2f} s", file=sys.stderr)
        if naive:
            results.append(naive_case(size, setup()[0], t, truncate, fast.seconds))
            print(f"  naive: {results[-1].seconds:.1f} s", file=sys.stderr)
    print_table(results, "PC with dPC intra/flux/connector (gpec_teach.graph.patch_importance)")


if __name__ == "__main__":
    main()
