"""Numerical kernels behind :mod:`gpec_teach.graph` (private).

The public functions validate their inputs and call these workers with clean
numpy arrays. Everything here works on *costs* ``c_ij = -ln p_ij`` so that the
maximum-product path probability is ``p*_ij = exp(-(shortest path cost))``.

A note on ``scipy.sparse.csgraph``: in a *dense* input matrix a zero means "no
link", so two touching patches (distance 0, probability 1, cost 0) would silently
lose their link. We therefore always hand csgraph a CSR matrix built from explicit
(row, col, cost) triplets; in sparse input an explicitly stored zero *is* an edge.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

__all__: list[str] = []


def cost_graph(p: np.ndarray, min_probability: float = 0.0) -> sp.csr_array:
    """CSR matrix of link costs ``-ln p_ij`` for ``p_ij > 0`` and ``p_ij >= min_probability``.

    The diagonal is left out. Zero costs (touching patches) are stored explicitly.
    """
    n = p.shape[0]
    keep = p > 0.0
    if min_probability > 0.0:
        keep &= p >= min_probability
    np.fill_diagonal(keep, False)
    rows, cols = np.nonzero(keep)
    costs = -np.log(p[rows, cols])
    # -ln(1) is -0.0 on some platforms; store +0.0 so "cost == 0" tests are simple.
    costs = np.abs(costs)
    return sp.csr_array((costs, (rows, cols)), shape=(n, n))


def cost_graph_from_sparse(p: sp.sparray, min_probability: float = 0.0) -> sp.csr_array:
    """Build the cost graph of a scipy sparse probability matrix (absent = 0)."""
    coo = sp.coo_array(p)
    keep = (coo.data > 0.0) & (coo.row != coo.col)
    if min_probability > 0.0:
        keep &= coo.data >= min_probability
    rows, cols = coo.row[keep], coo.col[keep]
    costs = np.abs(-np.log(coo.data[keep]))
    return sp.csr_array((costs, (rows, cols)), shape=p.shape)


def all_pairs(graph: sp.csr_array, *, predecessors: bool = False):
    """All-pairs shortest path costs (and predecessors) on an undirected cost graph."""
    return dijkstra(graph, directed=False, return_predecessors=predecessors)


def pstar_from_costs(costs: np.ndarray) -> np.ndarray:
    """``exp(-cost)`` with unreachable pairs (cost inf) mapped to probability 0."""
    out = np.exp(-costs)
    np.fill_diagonal(out, 1.0)
    return out
