"""Memory cuts of the circuit engine keep the numbers (issue 19 item 4d).

The multigrid hierarchy is built from pre-computed finest aggregates (the strength
matrix freed early) and a spectral-radius estimate without pyamg's stacked Krylov
copy; edges carry int32 node indices; node currents are summed in blocks of edges.
Each is checked against the plain path on small cases.
"""

from __future__ import annotations

import numpy as np
import pyamg
import pytest

import gpec_teach as gt
from gpec_teach import _laplacian as kernels
from gpec_teach.circuit import _solver
from gpec_teach.circuit._graph import raster_graph


def _landscape(n=40, seed=1):
    rng = np.random.default_rng(seed)
    r = np.exp(rng.normal(0.0, 1.5, size=(n, n)))
    r[rng.random((n, n)) < 0.05] = np.nan  # a few holes
    return r


def _plain_hierarchy(matrix, expected_solves):
    """The hierarchy pyamg builds with its own defaults (the path before the change)."""
    np.random.seed(0)  # noqa: NPY002 (the seed LaplacianSolver uses)
    return pyamg.smoothed_aggregation_solver(
        matrix,
        B=np.ones((matrix.shape[0], 1)),
        symmetry="hermitian",
        improve_candidates=None,
        smooth=("jacobi", {"weighting": "local" if expected_solves < 3 else "diagonal"}),
        presmoother=("gauss_seidel", {"sweep": "forward"}),
        postsmoother=("gauss_seidel", {"sweep": "backward"}),
        coarse_solver=("pinv", {"rtol": 1e-10}),
    )


@pytest.mark.parametrize("expected_solves", [1, 3])
def test_hierarchy_is_pyamgs_default_one(expected_solves):
    lap = raster_graph(_landscape()).laplacian()
    matrix = kernels.with_unit_isolated(lap)
    ours = _solver.LaplacianSolver(matrix, solver="amg", expected_solves=expected_solves)
    plain = _plain_hierarchy(ours.matrix, expected_solves)
    np.random.seed(0)  # noqa: NPY002
    mine = ours._hierarchy(pyamg, expected_solves)
    assert len(mine.levels) == len(plain.levels)
    for a, b in zip(mine.levels, plain.levels, strict=True):
        assert a.A.shape == b.A.shape
        np.testing.assert_allclose(a.A.toarray(), b.A.toarray(), rtol=1e-12, atol=1e-12)


def test_lean_spectral_radius_matches_pyamg():
    lap = raster_graph(_landscape(30)).laplacian().tocsr()
    d = lap.diagonal()
    d[d == 0] = 1.0
    dinv_a = (lap.multiply(1.0 / d[:, None])).tocsr()
    np.random.seed(3)  # noqa: NPY002
    expect = pyamg.util.linalg.approximate_spectral_radius(dinv_a.copy())
    np.random.seed(3)  # noqa: NPY002
    got = _solver._spectral_radius(dinv_a.copy())
    assert got == pytest.approx(expect, rel=1e-12)
    # D^-1 L of a graph Laplacian: spectral radius between 1 and 2
    assert 1.0 <= got <= 2.0 + 1e-12


def test_pairwise_amg_unchanged_against_the_plain_hierarchy(monkeypatch):
    r = _landscape(50)
    pts = [(2, 2), (2, 47), (47, 2), (47, 47)]
    for p in pts:
        r[p] = 1.0  # foci on valid cells
    new = gt.pairwise_resistance(r, pts, solver="amg", rtol=1e-10)

    def plain(self, pyamg_module, expected_solves):
        return _plain_hierarchy(self.matrix, expected_solves)

    monkeypatch.setattr(_solver.LaplacianSolver, "_hierarchy", plain)
    old = gt.pairwise_resistance(r, pts, solver="amg", rtol=1e-10)
    np.testing.assert_allclose(new.resistances, old.resistances, rtol=1e-10)
    np.testing.assert_allclose(new.cumulative_current, old.cumulative_current, atol=1e-10)


def test_node_currents_in_blocks_equal_one_pass(monkeypatch):
    g = raster_graph(_landscape(20))
    v = np.random.default_rng(0).normal(size=g.n_nodes)
    whole = kernels.node_currents(g.n_nodes, g.i, g.j, g.conductance, v)
    monkeypatch.setattr(kernels, "_EDGE_BLOCK", 7)  # many blocks, one of them short
    blocks = kernels.node_currents(g.n_nodes, g.i, g.j, g.conductance, v)
    np.testing.assert_allclose(blocks, whole, rtol=1e-13, atol=1e-15)
    # Kirchhoff on a series strip: 1 A through every node of a 1 x 3 line
    line = raster_graph([[1.0, 1.0, 1.0]], neighbors=4)
    cur = kernels.node_currents(3, line.i, line.j, line.conductance, np.array([0.0, 1.0, 2.0]))
    assert cur.tolist() == [1.0, 1.0, 1.0]


def test_edges_carry_int32_node_indices():
    g = raster_graph(np.ones((3, 3)))
    assert g.i.dtype == np.int32 and g.j.dtype == np.int32
    # 12 edge links and 8 diagonal ones on a 3 x 3 grid with 8 neighbors
    assert g.i.size == 20
    assert g.laplacian().indices.dtype == np.int32
