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
from scipy.sparse.csgraph import dijkstra, floyd_warshall

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


def pstar_from_costs(costs: np.ndarray) -> np.ndarray:
    """``exp(-cost)`` with unreachable pairs (cost inf) mapped to probability 0."""
    out = np.exp(-costs)
    np.fill_diagonal(out, 1.0)
    return out


# ------------------------------------------------------------------ all-pairs solution
def solve_all_pairs(graph: sp.csr_array, *, limit: float = np.inf):
    """Shortest path costs and predecessors between all patches.

    Floyd-Warshall on dense graphs (it is then faster than n Dijkstra runs),
    Dijkstra otherwise and whenever a search radius ``limit`` is given.
    """
    n = graph.shape[0]
    if np.isinf(limit) and graph.nnz > 0.25 * n * n:
        return floyd_warshall(graph, directed=False, return_predecessors=True)
    return dijkstra(graph, directed=False, return_predecessors=True, limit=limit)


def interior_nodes(pred: np.ndarray) -> np.ndarray:
    """Boolean ``(n, n)`` matrix: ``inner[i, k]`` if *k* is an intermediate node of a path from *i*.

    ``pred[i, j]`` is the node before *j* on the chosen shortest path from *i*.
    A node that is the predecessor of some *j* and is not the source itself is an
    intermediate (stepping-stone) node of the shortest-path tree of *i*. If *k* is
    not intermediate in the tree of *i*, every distance from *i* has a shortest
    path that avoids *k*, so removing *k* changes nothing in row *i*.
    """
    n = pred.shape[0]
    inner = np.zeros((n, n), dtype=bool)
    src = np.arange(n)[:, None]
    mask = (pred >= 0) & (pred != src)
    rows = np.broadcast_to(src, pred.shape)[mask]
    inner[rows, pred[mask]] = True
    return inner


def prune_replaceable_links(graph: sp.csr_array) -> sp.csr_array:
    """Drop links that no single node removal can make necessary.

    A link (u, v) of cost w is dropped when at least two different nodes x give a
    two-step path u - x - v of cost at most w whose two links are each strictly
    cheaper than w. Whatever single node k is removed, one of the two detours
    survives, and (by induction on link cost) so does a replacement for any dropped
    link on it; so shortest path costs in the graph without k are unchanged. In
    dense edge-to-edge graphs most long links are such shortcuts-that-are-not.
    """
    n = graph.shape[0]
    indptr, indices, data = graph.indptr, graph.indices, graph.data
    dense = np.full((n, n), np.inf)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    dense[rows, indices] = data
    np.fill_diagonal(dense, np.inf)
    keep = np.ones(data.size, dtype=bool)
    for u in range(n):
        lo, hi = indptr[u], indptr[u + 1]
        if hi - lo < 3:
            continue
        nb = indices[lo:hi]
        wu = data[lo:hi]
        sub = dense[np.ix_(nb, nb)]  # sub[x, v] = w(x, v)
        target = wu[None, :]
        ok = (wu[:, None] + sub <= target) & (wu[:, None] < target) & (sub < target)
        keep[lo:hi] = ok.sum(axis=0) < 2
    if keep.all():
        return graph
    kept_rows = rows[keep]
    return sp.csr_array((data[keep], (kept_rows, indices[keep])), shape=graph.shape)


def _expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every (s, c), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total) - offsets)


def removal_losses(
    weights: np.ndarray,
    graph: sp.csr_array,
    costs: np.ndarray,
    pred: np.ndarray,
    transform,
    *,
    limit: float = np.inf,
    chunk_edges: int = 2_000_000,
) -> np.ndarray:
    """Connector loss of every node: ``sum_{i,j != k} a_i a_j (f(c_ij) - f(c'_ij))``.

    ``c'`` are the shortest path costs once node *k* is removed and *f* turns a
    cost into the pair's connection value (``exp(-c)`` for PC, ``1/(1+c)`` for
    IIC). Only what can change is recomputed:

    1. *k* is a candidate only if it is an intermediate node of some shortest-path
       tree (read from the predecessor matrix); other nodes have no connector role.
    2. For a candidate *k*, only the rows *i* whose tree passes through *k* change,
       and in such a row only the targets *j* with ``c_ik + c_kj == c_ij`` (the set
       ``R_i``; the exact subtree of *k* is contained in it).
    3. The new costs ``c'_ij`` for ``j`` in ``R_i`` follow from one multi-source
       Dijkstra on a small auxiliary graph: one copy of ``R_i`` per affected row,
       its internal links, and a super-source linked to each copied node *v* with
       the best entry cost ``min_u c_iu + w_uv`` over the unaffected neighbours
       *u* (whose costs are known). All copies are solved in one call.
    """
    n = graph.shape[0]
    inner = interior_nodes(pred)
    candidates = np.flatnonzero(inner.any(axis=0))
    if candidates.size == 0:
        return np.zeros(n)
    graph = prune_replaceable_links(graph)
    indptr = graph.indptr
    losses = np.zeros(n)
    finite_c = np.isfinite(costs)
    base_value = transform(costs)
    scale = 1e-9
    degree = np.diff(indptr).astype(np.int64)
    col_pos = np.full(n, -1, dtype=np.int64)
    work = np.array(costs, dtype=np.float64, order="C")
    work_flat = work.ravel()
    for k in candidates:
        sources_all = np.flatnonzero(inner[:, k])
        # Targets that may change lie within reach of k (c_kj finite).
        cols = np.flatnonzero(finite_c[k])
        col_pos[cols] = np.arange(cols.size)
        # Rows affected by k and, within each, the targets j with c_ik + c_kj == c_ij.
        cs_all = costs[np.ix_(sources_all, cols)]
        via = costs[sources_all, k][:, None] + costs[k, cols][None, :]
        reach = via <= cs_all + scale * (1.0 + cs_all)
        reach &= np.isfinite(cs_all)
        reach[:, col_pos[k]] = False
        own = col_pos[sources_all]
        reach[np.arange(sources_all.size)[own >= 0], own[own >= 0]] = False
        # k is removed: no entry into a copy through k.
        saved_k = work[:, k].copy()
        work[:, k] = np.inf
        # Chunk the affected rows so the auxiliary graph stays small in memory.
        row_edges = reach.astype(np.int64) @ degree[cols]
        for lo, hi in _chunks(row_edges, chunk_edges):
            sources = sources_all[lo:hi]
            copy, node, new_cost = _costs_without_node(
                graph, degree, sources, reach[lo:hi], cols, col_pos, work_flat, limit
            )
            if copy.size == 0:
                continue
            old_value = base_value[sources[copy], node]
            new_value = transform(new_cost)
            losses[k] += float(
                np.sum(weights[sources[copy]] * weights[node] * (old_value - new_value))
            )
        col_pos[cols] = -1
        work[:, k] = saved_k
    return losses


def _costs_without_node(graph, degree, sources, in_r, cols, col_pos, work_flat, limit):
    """Compute the new costs c'_ij, j in R_i, of every row i of one chunk (one Dijkstra).

    Builds the auxiliary graph of :func:`removal_losses` (a copy of ``R_i`` per
    row, its internal links and a super-source per row linked to each copied node
    with its best entry cost) and returns ``(copy, node, new_cost)``: the row
    (index into *sources*), the target node and its cost once the node is removed.
    """
    indptr, indices, data = graph.indptr, graph.indices, graph.data
    n = graph.shape[0]
    copy, col = np.nonzero(in_r)
    m = copy.size
    node = cols[col]
    if m == 0:
        return copy, node, np.zeros(0)
    width = in_r.shape[1]
    in_flat = in_r.ravel()
    local_id = np.full(in_r.size, -1, dtype=np.int64)
    local_id[copy * width + col] = np.arange(m)
    deg = degree[node]
    pos = _expand_ranges(indptr[node].astype(np.int64), deg)
    e_from = np.repeat(np.arange(m), deg)
    e_copy = copy[e_from]
    nbr = indices[pos]
    w = data[pos]
    nbr_col = col_pos[nbr]
    internal = nbr_col >= 0
    flat = e_copy[internal] * width + nbr_col[internal]
    internal[internal] = in_flat[flat]
    # internal links of each copy
    rows_int = e_from[internal]
    cols_int = local_id[e_copy[internal] * width + nbr_col[internal]]
    w_int = w[internal]
    # entry cost from the unaffected neighbours (their costs are final; the
    # column of k is inf in `work`, so k itself never gives an entry)
    ext = ~internal
    e_ext = e_from[ext]
    entry_val = work_flat[sources[e_copy[ext]] * n + nbr[ext]] + w[ext]
    entry = np.full(m, np.inf)
    if e_ext.size:
        counts = np.bincount(e_ext, minlength=m)
        nonempty = counts > 0
        starts = (np.cumsum(counts) - counts)[nonempty]
        entry[nonempty] = np.minimum.reduceat(entry_val, starts)
    has_entry = np.isfinite(entry)
    super_id = m + copy[has_entry]
    rows = np.concatenate([rows_int, super_id])
    targets = np.concatenate([cols_int, np.flatnonzero(has_entry)])
    vals = np.concatenate([w_int, entry[has_entry]])
    n_aux = m + len(sources)
    aux = sp.csr_array((vals, (rows, targets)), shape=(n_aux, n_aux))
    new_cost = dijkstra(
        aux, directed=True, indices=m + np.arange(len(sources)), min_only=True, limit=limit
    )[:m]
    return copy, node, new_cost


def _chunks(row_edges: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Split consecutive rows into groups whose summed edge count stays under *budget*."""
    bounds = []
    lo, acc = 0, 0
    for idx, e in enumerate(row_edges):
        if acc and acc + e > budget:
            bounds.append((lo, idx))
            lo, acc = idx, 0
        acc += int(e)
    bounds.append((lo, len(row_edges)))
    return bounds
