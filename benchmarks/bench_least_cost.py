"""Least-cost benchmarks: cost-weighted distance, corridors and a corridor network.

Random fractal-like resistance grids (sum of value-noise octaves, resistance
1-100, fixed seed) of 1000x1000 and 4000x4000 cells, 8 neighbours, cell size 100 m.
For each size the table has:

* ``ours: cost_distance``: :func:`gpec_teach.least_cost.cost_distance` from one
  source cell, end to end (input checks, NaN/barrier handling, engine, output);
* ``baseline: MCP_Geometric``: ``skimage.graph.MCP_Geometric(...).find_costs``
  on the same array, our engine called bare; the note gives ours / baseline;
* ``baseline: scipy dijkstra`` (1000x1000 only): ``scipy.sparse.csgraph.dijkstra``
  on the grid graph with the same step costs (graph building included), an
  independent engine;
* ``ours: least_cost_corridor`` (1000x1000): normalised corridor between two
  20x20-cell cores (two cost-distance runs and the sum);
* ``ours: corridor_network`` (1000x1000, 6 cores): candidate pairs by cost and
  Euclidean adjacency, least-cost distances and paths, corridor mosaic.

Median of 3 runs, each case in a fresh process; peak MB is the case's own peak
resident memory (input grid included). One BLAS thread (set by the harness).

Run: ``.venv/bin/python benchmarks/bench_least_cost.py [sizes...]``.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure, print_table  # noqa: E402

SIZES = (1000, 4000)
CELLSIZE = 100.0


def fractal_resistance(n: int, *, seed: int = 7, octaves: int = 6) -> np.ndarray:
    """Fractal-like resistance 1..100: value noise summed over octaves (seeded).

    Octave ``k`` is a random grid of ``4 * 2**k`` cells a side, smoothly
    upsampled (cubic spline) to ``n x n`` and weighted ``0.5**k``, so large
    features dominate and detail is added at every scale.
    """
    from scipy.ndimage import zoom

    rng = np.random.default_rng(seed)
    field = np.zeros((n, n))
    for k in range(octaves):
        m = min(4 * 2**k, n)
        coarse = rng.standard_normal((m, m))
        field += 0.5**k * zoom(coarse, n / m, order=3, mode="reflect", grid_mode=True)[:n, :n]
    z = (field - field.min()) / (field.max() - field.min())
    return 10.0 ** (2.0 * z)  # 1 .. 100, log-uniform-ish


def source(n: int):
    return (n // 10, n // 10)


def cores_mask(n: int, corners):
    side = max(n // 50, 2)
    labels = np.zeros((n, n), dtype=np.int32)
    for k, (fy, fx) in enumerate(corners, start=1):
        r, c = int(fy * n), int(fx * n)
        labels[r : r + side, c : c + side] = k
    return labels


# ----------------------------------------------------------------------- setups
def setup_raster(n):
    return fractal_resistance(n)


def setup_graph(n):
    return fractal_resistance(n)


def setup_corridor(n):
    r = fractal_resistance(n)
    labels = cores_mask(n, [(0.1, 0.1), (0.8, 0.8)])
    return r, labels == 1, labels == 2


def setup_network(n):
    r = fractal_resistance(n)
    corners = [(0.05, 0.05), (0.05, 0.5), (0.05, 0.9), (0.9, 0.05), (0.9, 0.5), (0.45, 0.45)]
    return r, cores_mask(n, corners)


# ------------------------------------------------------------------------- runs
def run_ours(r):
    from gpec_teach.least_cost import cost_distance

    n = r.shape[0]
    cwd = cost_distance(r, source(n), cellsize=CELLSIZE)
    return f"max CWD {np.nanmax(cwd):.4g}"


def run_mcp(r):
    from skimage.graph import MCP_Geometric

    n = r.shape[0]
    mcp = MCP_Geometric(r, fully_connected=True, sampling=(CELLSIZE, CELLSIZE))
    cwd, _ = mcp.find_costs([source(n)])
    return f"max CWD {np.nanmax(cwd):.4g}"


def run_dijkstra(r):
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra

    n = r.shape[0]
    idx = np.arange(n * n).reshape(n, n)
    rows, cols, w = [], [], []
    for (dr, dc), length in (((0, 1), 1.0), ((1, 0), 1.0), ((1, 1), 2**0.5), ((1, -1), 2**0.5)):
        a = idx[: n - dr, max(0, -dc) : n - max(0, dc)]
        b = idx[dr:, max(0, dc) : n + min(0, dc)]
        ra = r[: n - dr, max(0, -dc) : n - max(0, dc)]
        rb = r[dr:, max(0, dc) : n + min(0, dc)]
        rows.append(a.ravel())
        cols.append(b.ravel())
        w.append((CELLSIZE * length * (ra + rb) / 2).ravel())
    g = sp.csr_array(
        (np.concatenate(w), (np.concatenate(rows), np.concatenate(cols))), shape=(n * n, n * n)
    )
    s = source(n)
    d = dijkstra(g, directed=False, indices=s[0] * n + s[1])
    return f"max CWD {d.max():.4g}"


def run_corridor(state):
    from gpec_teach.least_cost import least_cost_corridor

    r, a, b = state
    nl = least_cost_corridor(r, a, b, cellsize=CELLSIZE)
    return f"{int((nl <= 1e5).sum())} cells with NLCC <= 1e5"


def run_network(state):
    from gpec_teach.least_cost import corridor_network

    r, cores = state
    net = corridor_network(r, cores, cellsize=CELLSIZE, cutoff=2e5)
    kept = int(net.links["kept"].sum())
    return f"{len(net.links)} candidate links, {kept} kept"


# ------------------------------------------------------------------------- main
def main(sizes=SIZES) -> None:
    results = []
    for n in sizes:
        size = f"{n}x{n}"
        ours = measure("ours: cost_distance", size, partial(setup_raster, n), run_ours)
        base = measure("baseline: MCP_Geometric", size, partial(setup_raster, n), run_mcp)
        ours.note += f"; ours/MCP {ours.seconds / base.seconds:.2f}"
        results += [ours, base]
        if n <= 1000:
            dj = measure("baseline: scipy dijkstra", size, partial(setup_graph, n), run_dijkstra)
            dj.note += f"; ours/dijkstra {ours.seconds / dj.seconds:.2f}"
            results.append(dj)
            results.append(
                measure(
                    "ours: least_cost_corridor", size, partial(setup_corridor, n), run_corridor
                )
            )
            results.append(
                measure(
                    "ours: corridor_network (6 cores)",
                    size,
                    partial(setup_network, n),
                    run_network,
                )
            )
    print_table(results, "Least-cost analysis (8 neighbours, median of 3, fresh process per case)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(tuple(args) if args else SIZES)
