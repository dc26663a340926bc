"""Private kernels of :mod:`gpec_teach.circuit`: raster graphs, Laplacians, currents.

Everything here works on plain numpy arrays and node indices; validation,
georeferencing and the Circuitscape-style bookkeeping (focal ids, maps) live in
:mod:`gpec_teach.circuit`. The rules follow Circuitscape.jl (Anantharaman et al.
2020, doi:10.21105/jcon.00058) so that results can be compared with it cell by
cell:

* a node per valid cell; cells of one short-circuit region (polygon) share one
  node, including region cells that are nodata, provided the region has at
  least one valid cell (regions with no valid cell are absent);
* an edge between 4- (and optionally diagonal) neighbors that are both valid;
  its conductance is ``1 / mean(r_a, r_b)`` (average resistance) or
  ``mean(c_a, c_b)`` (average conductance), divided by ``sqrt(2)`` for diagonals;
* the current "through" a node is ``max(total inflow, total outflow)``, so a
  focal node carries the full injected current and an interior node carries the
  current passing through it (half the sum of absolute incident currents).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__: list[str] = []

SQRT2 = float(np.sqrt(2.0))

#: Edges per block in :func:`node_currents` (bounds its temporary arrays).
_EDGE_BLOCK = 1 << 20

# (row offset, column offset, is_diagonal) of the neighbour pairs, each pair once.
_OFFSETS_4 = ((0, 1, False), (1, 0, False))
_OFFSETS_8 = _OFFSETS_4 + ((1, 1, True), (1, -1, True))


def build_nodemap(valid: np.ndarray, regions: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Return ``(nodemap, n_nodes)``: node index per cell, -1 where absent.

    *valid* marks the cells with a usable value. *regions* holds integer labels
    (> 0) of short-circuit regions; 0 or negative means "no region".
    """
    shape = valid.shape
    key = np.full(valid.size, -1, dtype=np.int64)
    flat_valid = valid.ravel()
    key[flat_valid] = np.flatnonzero(flat_valid)
    if regions is not None:
        labels = regions.ravel().astype(np.int64, copy=False)
        in_region = labels > 0
        if in_region.any():
            # regions that own at least one valid cell become one node each
            live = np.unique(labels[in_region & flat_valid])
            member = in_region & np.isin(labels, live)
            # a key that cannot collide with a cell index: size + label
            key[member] = valid.size + labels[member]
    present = key >= 0
    nodemap = np.full(valid.size, -1, dtype=np.int64)
    if present.any():
        # number nodes in the order of their first cell (row-major reading order)
        _, first, inverse = np.unique(key[present], return_index=True, return_inverse=True)
        rank = np.empty(first.size, dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(first.size)
        nodemap[present] = rank[inverse]
        n_nodes = int(first.size)
    else:
        n_nodes = 0
    return nodemap.reshape(shape), n_nodes


def build_edges(
    resistance: np.ndarray, nodemap: np.ndarray, *, neighbors: int, connection: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return edge arrays ``(i, j, g)`` between distinct nodes (duplicates kept).

    *resistance* is per cell (NaN = absent, 0 allowed only where the caller has
    merged the cell into a region). Edges join neighbouring cells that both have
    a finite resistance and both belong to a node.
    """
    nrows, ncols = resistance.shape
    finite = np.isfinite(resistance) & (nodemap >= 0)
    # int32 node indices below 2**31 nodes: half the memory of the two index arrays
    index = np.int32 if nodemap.max(initial=-1) < 2**31 - 1 else np.int64
    offsets = _OFFSETS_8 if neighbors == 8 else _OFFSETS_4
    parts_i, parts_j, parts_g = [], [], []
    for dr, dc, diagonal in offsets:
        r0 = slice(0, nrows - dr)
        r1 = slice(dr, nrows)
        if dc >= 0:
            c0, c1 = slice(0, ncols - dc), slice(dc, ncols)
        else:
            c0, c1 = slice(-dc, ncols), slice(0, ncols + dc)
        ok = finite[r0, c0] & finite[r1, c1]
        if not ok.any():
            continue
        a = nodemap[r0, c0][ok].astype(index)
        b = nodemap[r1, c1][ok].astype(index)
        ra = resistance[r0, c0][ok]
        rb = resistance[r1, c1][ok]
        with np.errstate(divide="ignore"):  # 0 + 0 only inside one region (dropped)
            if connection == "resistance":
                g = 2.0 / (ra + rb)
            else:
                g = 0.5 * (1.0 / ra + 1.0 / rb)
        if diagonal:
            g /= SQRT2
        distinct = a != b
        parts_i.append(a[distinct])
        parts_j.append(b[distinct])
        parts_g.append(g[distinct])
    if not parts_i:
        empty = np.zeros(0, dtype=index)
        return empty, empty.copy(), np.zeros(0)
    return np.concatenate(parts_i), np.concatenate(parts_j), np.concatenate(parts_g)


def laplacian(n: int, i: np.ndarray, j: np.ndarray, g: np.ndarray) -> sp.csr_matrix:
    """Weighted graph Laplacian ``L = D - A`` (CSR); parallel edges add up."""
    index = np.int32 if n < 2**31 - 1 else np.int64
    degree = np.bincount(i, weights=g, minlength=n) + np.bincount(j, weights=g, minlength=n)
    diag = np.arange(n, dtype=index)
    rows = np.concatenate([i.astype(index, copy=False), j.astype(index, copy=False), diag])
    cols = np.concatenate([j.astype(index, copy=False), i.astype(index, copy=False), diag])
    data = np.concatenate([-g, -g, degree])
    matrix = sp.coo_matrix((data, (rows, cols)), shape=(n, n)).tocsr()
    del rows, cols, data
    matrix.sum_duplicates()
    return matrix


def with_unit_isolated(lap: sp.csr_matrix) -> sp.csr_matrix:
    """Put 1 on the zero diagonal of isolated nodes (their right-hand side is 0)."""
    isolated = lap.diagonal() == 0
    if not isolated.any():
        return lap
    return (lap + sp.diags(isolated.astype(float))).tocsr()


def grounded_matrix(
    lap: sp.csr_matrix, direct: np.ndarray, finite: np.ndarray | None = None
) -> sp.csr_matrix:
    """Return ``L + diag(finite)`` with the *direct* nodes replaced by identity rows.

    Direct (zero-resistance) grounds hold voltage 0: their rows and columns are
    zeroed and their diagonal set to 1, which keeps the matrix symmetric positive
    definite (as long as every component has a ground) and its size unchanged.
    """
    keep = (~direct).astype(float)
    scale = sp.diags(keep)
    out = scale @ lap @ scale
    extra = direct.astype(float)
    if finite is not None:
        extra = extra + np.where(direct, 0.0, finite)
    out = (out + sp.diags(extra)).tocsr()
    out.eliminate_zeros()
    return out


def components(lap: sp.csr_matrix) -> np.ndarray:
    """Connected-component label per node of a Laplacian's graph."""
    from scipy.sparse.csgraph import connected_components

    if lap.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, labels = connected_components(lap, directed=False)
    return labels.astype(np.int64)


def edge_currents(i: np.ndarray, j: np.ndarray, g: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed current on each edge, positive from ``i`` to ``j`` (A per V difference)."""
    return g * (v[i] - v[j])


def node_currents(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    ground_conductance: np.ndarray | None = None,
) -> np.ndarray:
    """Return the current through each node, ``max(total inflow, total outflow)``.

    Finite grounds count as a branch to the 0-V reference (current ``g_k v_k``),
    as in Circuitscape. Injected source currents are not added explicitly: at a
    node that only emits current the outflow already equals the injection.
    """
    outflow = np.zeros(n)
    inflow = np.zeros(n)
    # blocks of edges bound the temporaries (a million-cell grid has 4 million edges)
    for k in range(0, i.size, _EDGE_BLOCK):
        bi, bj = i[k : k + _EDGE_BLOCK], j[k : k + _EDGE_BLOCK]
        f = edge_currents(bi, bj, g[k : k + _EDGE_BLOCK], v)
        forward = np.maximum(f, 0.0)
        np.maximum(-f, 0.0, out=f)  # backward, in place
        outflow += np.bincount(bi, weights=forward, minlength=n)
        outflow += np.bincount(bj, weights=f, minlength=n)
        inflow += np.bincount(bj, weights=forward, minlength=n)
        inflow += np.bincount(bi, weights=f, minlength=n)
    if ground_conductance is not None:
        to_ground = ground_conductance * v
        outflow += np.maximum(to_ground, 0.0)
        inflow += np.maximum(-to_ground, 0.0)
    return np.maximum(inflow, outflow)


def to_raster(values: np.ndarray, nodemap: np.ndarray, *, fill: float = np.nan) -> np.ndarray:
    """Spread node values over the cells of *nodemap*; *fill* elsewhere."""
    out = np.full(nodemap.shape, fill, dtype=float)
    present = nodemap >= 0
    out[present] = values[nodemap[present]]
    return out
