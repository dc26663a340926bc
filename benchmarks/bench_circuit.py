"""Circuit-theory benchmarks: effective resistance and 5-point pairwise current maps.

Random fractal-like resistance grids (spectral synthesis, resistances 1-1000)
of 250x250 up to 2000x2000 cells, 8 neighbours, average resistance. For each
size the table has:

* ``ours: effective_resistance``: two cells, end to end from the raster (graph,
  Laplacian, solver setup, one solve);
* ``ours: pairwise 5 pts``: 10 pairs with the cumulative current map, end to end
  (one setup, 4 solves with superposition, 10 current maps); the note gives its
  ratio to the single-pair time (target < 3);
* ``ours: solver only``: our solver on the prebuilt Laplacian (setup + 1 solve),
  the like-for-like comparison with the baselines;
* ``baseline: pyamg SA-CG``: ``pyamg.smoothed_aggregation_solver`` with default
  settings on the same Laplacian grounded at one node, ``ml.solve(accel="cg")``
  at our tolerance (rtol 1e-6);
* ``baseline: scipy spsolve``: ``scipy.sparse.linalg.spsolve`` (SuperLU, default
  COLAMD ordering) on the same grounded Laplacian (not run at 2000x2000: it needs
  tens of GB).

Ratios in the notes are ours / baseline within the same run (this machine is
noisy; compare ratios, not absolute seconds). One BLAS thread (set by the harness).

Run: ``.venv/bin/python benchmarks/bench_circuit.py [sizes...]``.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure, print_table  # noqa: E402

SIZES = (250, 500, 1000, 2000)
RTOL = 1e-6


def fractal_resistance(n: int, *, seed: int = 42, beta: float = 3.0) -> np.ndarray:
    """Resistance 1..1000 from a 1/f**beta random field (fractal-like landscape)."""
    rng = np.random.default_rng(seed)
    noise = np.fft.rfft2(rng.standard_normal((n, n)))
    ky = np.fft.fftfreq(n)[:, None]
    kx = np.fft.rfftfreq(n)[None, :]
    k = np.hypot(ky, kx)
    k[0, 0] = 1.0
    field = np.fft.irfft2(noise * k ** (-beta / 2), s=(n, n))
    z = (field - field.min()) / (field.max() - field.min())
    return 10.0 ** (3.0 * z)


def cells(n: int):
    a, b = n // 10, n - 1 - n // 10
    return (a, a), (b, b)


def focal5(n: int):
    f = [(0.1, 0.1), (0.9, 0.9), (0.1, 0.9), (0.9, 0.1), (0.5, 0.5)]
    return [(int(y * (n - 1)), int(x * (n - 1))) for y, x in f]


# ----------------------------------------------------------------------- setups
def setup_raster(n):
    return fractal_resistance(n)


def setup_laplacian(n):
    from gpec_teach import _laplacian as L
    from gpec_teach.circuit import raster_graph

    r = fractal_resistance(n)
    g = raster_graph(r)
    lap = g.laplacian()
    a, b = cells(n)
    na, nb = int(g.nodemap[a]), int(g.nodemap[b])
    direct = np.zeros(g.n_nodes, dtype=bool)
    direct[na] = True
    grounded = L.grounded_matrix(lap, direct)
    rhs = np.zeros(g.n_nodes)
    rhs[nb] = 1.0
    comp = L.components(lap)
    return {"lap": lap, "grounded": grounded, "rhs": rhs, "a": na, "b": nb, "comp": comp}


# ------------------------------------------------------------------------- runs
def run_effective_resistance(r):
    from gpec_teach.circuit import effective_resistance

    n = r.shape[0]
    a, b = cells(n)
    return f"R={effective_resistance(r, a, b, rtol=RTOL):.6g}"


def run_pairwise(r):
    from gpec_teach.circuit import pairwise_resistance

    out = pairwise_resistance(r, focal5(r.shape[0]), rtol=RTOL)
    return f"solver={out.solver}"


def run_ours_solver_only(state):
    from gpec_teach.circuit._solver import PairwiseBasis

    basis = PairwiseBasis(
        state["lap"],
        state["comp"],
        np.array([state["a"], state["b"]]),
        solver="auto",
        rtol=RTOL,
        maxiter=1000,
    )
    return f"R={basis.pair(state['a'], state['b'])[0]:.6g}"


def run_pyamg_baseline(state):
    import pyamg

    ml = pyamg.smoothed_aggregation_solver(state["grounded"])
    x = ml.solve(state["rhs"], tol=RTOL, accel="cg", maxiter=1000)
    return f"R={x[state['b']]:.6g}"


def run_spsolve_baseline(state):
    from scipy.sparse.linalg import spsolve

    x = spsolve(state["grounded"].tocsc(), state["rhs"])
    return f"R={x[state['b']]:.6g}"


def setup_omniscape(n):
    r = fractal_resistance(n)
    return r, (r < 30).astype(float)  # habitat = the least resistant cells


def run_omniscape(state):
    from gpec_teach.circuit import omniscape

    r, habitat = state
    out = omniscape(r, habitat, radius=15, block_size=5)
    return f"{out.n_targets} windows, radius 15, block 5"


def main(sizes=SIZES) -> None:
    results = []
    for n in sizes:
        size = f"{n}x{n}"
        er = measure(
            "ours: effective_resistance", size, partial(setup_raster, n), run_effective_resistance
        )
        pw = measure(
            "ours: pairwise 5 pts (10 pairs, cum. map)",
            size,
            partial(setup_raster, n),
            run_pairwise,
        )
        so = measure(
            "ours: solver only (setup + 1 solve)",
            size,
            partial(setup_laplacian, n),
            run_ours_solver_only,
        )
        amg = measure(
            "baseline: pyamg SA-CG defaults", size, partial(setup_laplacian, n), run_pyamg_baseline
        )
        rows = [er, pw, so, amg]
        if n <= 1000:
            sps = measure(
                "baseline: scipy spsolve",
                size,
                partial(setup_laplacian, n),
                run_spsolve_baseline,
                repeat=1 if n >= 1000 else 3,
            )
            rows.append(sps)
        pw.note += f"; {pw.seconds / er.seconds:.2f}x single pair"
        er.note += f"; {er.seconds / amg.seconds:.2f}x pyamg baseline"
        so.note += f"; {so.seconds / amg.seconds:.2f}x pyamg baseline"
        if n <= 1000:
            er.note += f", {er.seconds / sps.seconds:.2f}x spsolve"
            so.note += f", {so.seconds / sps.seconds:.2f}x spsolve"
        results.extend(rows)
        print(f"... {size} done", file=sys.stderr, flush=True)
    print_table(results, "Circuit theory (median of 3 runs; spsolve 1000x1000: 1 run)")
    omni = measure(
        "ours: omniscape (with flow potential)",
        "200x200",
        partial(setup_omniscape, 200),
        run_omniscape,
    )
    print_table([omni], "Omniscape moving window (notebook size)")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
