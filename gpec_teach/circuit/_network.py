"""Network ("graph") modes of :mod:`gpec_teach.circuit`: a circuit given as an edge list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import _laplacian as kernels
from .._validation import check_choice, describe
from ._advanced import POLICIES, ground_conductance, solve_sources_grounds
from ._graph import VALUES
from ._pairwise import ids_frame, pairs_to_solve
from ._solver import PairwiseBasis, solver_options

__all__ = [
    "NetworkAdvancedResult",
    "NetworkPairwiseResult",
    "network_advanced",
    "network_pairwise",
]


def _network_edges(edges, values: str):
    """Node ids and merged resistor arrays from an edge list ``(node_a, node_b, value)``."""
    if isinstance(edges, pd.DataFrame):
        if edges.shape[1] < 3:
            raise ValueError(
                f"edges must have three columns (node_a, node_b, value). Got columns "
                f"{list(edges.columns)}."
            )
        arr = edges.iloc[:, :3].to_numpy()
    else:
        arr = np.asarray(edges)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"edges must be a numeric (k, 3) table. Got {describe(edges)}.")
    if arr.ndim != 2 or arr.shape[1] != 3 or arr.shape[0] == 0:
        raise ValueError(
            f"edges must be a (k, 3) table of node_a, node_b, value with k >= 1. "
            f"Got shape {arr.shape}."
        )
    arr = arr.astype(float)
    ends = arr[:, :2]
    if not np.all(np.isfinite(ends)) or np.any(ends != np.round(ends)):
        raise ValueError("edges: node ids (first two columns) must be integers.")
    val = arr[:, 2]
    bad = ~np.isfinite(val) | (val <= 0)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"edges: every {values} must be a positive finite number. Got {float(val[k])!r} on "
            f"row {k} ({int(ends[k, 0])}, {int(ends[k, 1])}). Leave absent links out."
        )
    ids, inverse = np.unique(ends.astype(np.int64), return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    g = val if values == "conductance" else 1.0 / val
    loop = inverse[:, 0] == inverse[:, 1]  # a self-loop carries no current
    return ids, inverse[~loop, 0], inverse[~loop, 1], g[~loop]


def _merged_edges(lap: sp.csr_matrix):
    """Links of the Laplacian (parallel links merged): ``(i, j, conductance)``, i < j."""
    upper = sp.triu(lap, k=1).tocoo()
    keep = upper.data != 0
    return upper.row[keep].astype(np.int64), upper.col[keep].astype(np.int64), -upper.data[keep]


def _node_index(ids: np.ndarray, nodes, name: str) -> np.ndarray:
    """Positions of the node ids *nodes* in the sorted *ids* (unknown ids raise)."""
    nodes = np.asarray(nodes).ravel()
    if nodes.dtype == object or not np.issubdtype(nodes.dtype, np.number):
        raise TypeError(f"{name} must be integer node ids. Got {describe(nodes)}.")
    if np.any(nodes != np.round(nodes)):
        raise ValueError(f"{name} must be integer node ids. Got {nodes.tolist()}.")
    nodes = nodes.astype(np.int64)
    pos = np.searchsorted(ids, nodes)
    pos = np.clip(pos, 0, len(ids) - 1)
    missing = ids[pos] != nodes
    if missing.any():
        raise ValueError(
            f"{name} node {int(nodes[missing][0])} is not in the network (no edge touches "
            "it). Check the node ids against the edge list."
        )
    return pos


@dataclass(frozen=True)
class NetworkPairwiseResult:
    """Results of :func:`network_pairwise` (node ids as in the edge list).

    Attributes
    ----------
    resistances : pandas.DataFrame
        Effective resistance between focal nodes; 0 on the diagonal; ``inf`` for
        pairs in different components (no path; Circuitscape files write -1);
        NaN for pairs left out by *pairs*.
    voltages, node_currents : dict of pandas.Series
        Per pair ``(a, b)``: voltage (``a`` at 0 V, 1 A injected at ``b``) and
        current through each node of the pair's component.
    branch_currents : dict of pandas.DataFrame
        Per pair: ``node_a, node_b, current`` (absolute, A) for each link of the
        component.
    cumulative_node_currents : pandas.Series
        Sum over pairs of the node currents, every node.
    cumulative_branch_currents : pandas.DataFrame
        Sum over pairs of the branch currents, every link.
    """

    resistances: pd.DataFrame
    voltages: dict = field(default_factory=dict)
    node_currents: dict = field(default_factory=dict)
    branch_currents: dict = field(default_factory=dict)
    cumulative_node_currents: pd.Series | None = None
    cumulative_branch_currents: pd.DataFrame | None = None
    solver: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Resistances as a long table ``id_a, id_b, resistance`` (id_a < id_b)."""
        ids = list(self.resistances.index)
        rows = [
            (a, b, float(self.resistances.loc[a, b]))
            for k, a in enumerate(ids)
            for b in ids[k + 1 :]
        ]
        return pd.DataFrame(rows, columns=["id_a", "id_b", "resistance"])


def network_pairwise(
    edges,
    focal_nodes,
    *,
    values: str = "conductance",
    pairs=None,
    pair_outputs: bool = True,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> NetworkPairwiseResult:
    """Pairwise effective resistance and currents on a graph given as an edge list.

    Network ("graph") mode of Circuitscape: the same equations as
    :func:`pairwise_resistance` (:math:`L v = e_b - e_a`,
    :math:`R_{ab} = v_b - v_a`) on an arbitrary graph. Parallel links between
    two nodes add their conductances; self-loops carry no current and are
    dropped.

    Parameters
    ----------
    edges : array_like or pandas.DataFrame
        ``(k, 3)`` table: node_a, node_b (integer ids), value.
    focal_nodes : sequence of int
        Focal node ids (at least two, each must appear in *edges*).
    values : {"conductance", "resistance"}, default "conductance"
        What the third column holds (S or ohm), positive.
    pairs : list of (a, b), optional
        Only solve these pairs; the others are NaN (not computed).
    pair_outputs : bool, default True
        Keep voltages and currents of every pair.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    NetworkPairwiseResult
        Resistances (ohm, >= 0; ``inf`` = disconnected, no path), per-pair and
        cumulative currents (A).

    Raises
    ------
    ValueError
        Fewer than two focal nodes, unknown node ids, non-positive values.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    Two 2-ohm resistors in parallel between nodes 10 and 20 give 1 ohm.

    >>> out = network_pairwise([(10, 20, 2.0), (10, 20, 2.0)], [10, 20], values="resistance")
    >>> float(out.resistances.loc[10, 20])
    1.0
    """
    check_choice("values", values, VALUES)
    opts = solver_options(solver, rtol, maxiter)
    ids, i, j, g = _network_edges(edges, values)
    focal = list(dict.fromkeys(int(v) for v in np.asarray(focal_nodes).ravel()))
    if len(focal) < 2:
        raise ValueError(f"pairwise mode needs at least two focal nodes. Got focal_nodes={focal}.")
    nodes = _node_index(ids, focal, "focal_nodes")
    n = len(ids)
    lap = kernels.laplacian(n, i, j, g)
    comp = kernels.components(lap)
    ei, ej, eg = _merged_edges(lap)
    basis = PairwiseBasis(lap, comp, nodes, **opts)
    node_of = dict(zip(focal, nodes.tolist(), strict=True))
    todo = pairs_to_solve(focal, pairs)
    table = np.full((len(focal), len(focal)), np.nan)
    index = {f: k for k, f in enumerate(focal)}
    cum_node = np.zeros(n)
    cum_branch = np.zeros(len(eg))
    per_pair: dict = {"voltages": {}, "node_currents": {}, "branch_currents": {}}
    for a, b in todo:
        na, nb = node_of[a], node_of[b]
        if comp[na] != comp[nb]:
            table[index[a], index[b]] = table[index[b], index[a]] = np.inf
            continue
        r, v = basis.pair(na, nb)
        table[index[a], index[b]] = table[index[b], index[a]] = r
        vz = np.nan_to_num(v, nan=0.0)
        cur = kernels.node_currents(n, ei, ej, eg, vz)
        branch = np.abs(kernels.edge_currents(ei, ej, eg, vz))
        cum_node += cur
        cum_branch += branch
        if pair_outputs:
            inside = comp == comp[na]
            e_in = inside[ei]
            per_pair["voltages"][(a, b)] = pd.Series(v[inside], index=ids[inside], name="voltage")
            per_pair["node_currents"][(a, b)] = pd.Series(
                cur[inside], index=ids[inside], name="current"
            )
            per_pair["branch_currents"][(a, b)] = pd.DataFrame(
                {"node_a": ids[ei[e_in]], "node_b": ids[ej[e_in]], "current": branch[e_in]}
            )
    np.fill_diagonal(table, 0.0)
    return NetworkPairwiseResult(
        resistances=ids_frame(focal, table),
        cumulative_node_currents=pd.Series(cum_node, index=ids, name="current"),
        cumulative_branch_currents=pd.DataFrame(
            {"node_a": ids[ei], "node_b": ids[ej], "current": cum_branch}
        ),
        solver=basis.solver.method,
        **per_pair,
    )


@dataclass(frozen=True)
class NetworkAdvancedResult:
    """Results of :func:`network_advanced` (node ids as in the edge list).

    Attributes
    ----------
    voltages : pandas.Series
        Voltage per node (V); NaN in components without a ground.
    node_currents : pandas.Series
        Current through each node (A).
    branch_currents : pandas.DataFrame
        ``node_a, node_b, current`` (absolute, A) per link.
    """

    voltages: pd.Series
    node_currents: pd.Series
    branch_currents: pd.DataFrame
    solver: str = ""


def _node_values(ids, spec, name) -> np.ndarray:
    """``{node: value}`` or a (k, 2) table into a per-node array (summing repeats)."""
    if isinstance(spec, pd.Series):
        spec = spec.to_dict()
    if isinstance(spec, Mapping):
        keys, vals = list(spec.keys()), list(spec.values())
    else:
        arr = np.asarray(spec, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(
                f"{name} must be a dict {{node: value}} or a (k, 2) table. Got shape {arr.shape}."
            )
        keys, vals = arr[:, 0], arr[:, 1]
    vals = np.asarray(vals, dtype=float)
    if np.any(np.isnan(vals)) or np.any(vals < 0):
        raise ValueError(f"{name} values must be non-negative numbers. Got {vals.tolist()}.")
    pos = _node_index(ids, keys, name)
    out = np.zeros(len(ids))
    inf = np.isinf(vals)
    np.add.at(out, pos[~inf], vals[~inf])
    out[pos[inf]] = np.inf
    return out, pos


def network_advanced(
    edges,
    sources,
    grounds,
    *,
    values: str = "conductance",
    ground_is: str = "resistance",
    direct_grounds: bool = False,
    unit_currents: bool = False,
    policy: str = "keepall",
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> NetworkAdvancedResult:
    r"""Advanced mode on a graph: current sources and grounds at chosen nodes.

    Solves :math:`(L + \operatorname{diag}(g)) v = s` (see :func:`advanced`).

    Parameters
    ----------
    edges : array_like or pandas.DataFrame
        ``(k, 3)`` table node_a, node_b, value.
    sources : dict or (k, 2) table
        ``node -> amps``.
    grounds : dict or (k, 2) table
        ``node -> resistance to ground`` (ohm; 0 = direct), or conductance (S;
        ``inf`` = direct) with ``ground_is="conductance"``.
    values : {"conductance", "resistance"}, default "conductance"
        Meaning of the third edge column.
    ground_is, direct_grounds, unit_currents, policy
        As in :func:`advanced`.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    NetworkAdvancedResult
        Voltages (V), node and branch currents (A).

    Raises
    ------
    ValueError
        Unknown nodes, negative values, no source or no ground.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    A square of four 100-ohm links, 1 A into node 0, node 2 grounded directly:
    the two routes (100 and 300 ohm) in parallel give 75 V at node 0.

    >>> edges = [(0, 1, 100), (0, 2, 100), (1, 3, 100), (2, 3, 100)]
    >>> out = network_advanced(edges, {0: 1.0}, {2: 0.0}, values="resistance")
    >>> out.voltages.round(6).tolist()
    [75.0, 50.0, 0.0, 25.0]
    """
    check_choice("values", values, VALUES)
    check_choice("ground_is", ground_is, VALUES)
    check_choice("policy", policy, POLICIES)
    opts = solver_options(solver, rtol, maxiter)
    ids, i, j, g = _network_edges(edges, values)
    n = len(ids)
    src, _ = _node_values(ids, sources, "sources")
    if unit_currents:
        src = (src > 0).astype(float)
    graw, gpos = _node_values(ids, grounds, "grounds")
    gmask = np.zeros(n, dtype=bool)
    gmask[gpos] = True
    gnd = ground_conductance(graw, gmask, ground_is=ground_is, direct_grounds=direct_grounds)
    if not np.any(src > 0):
        raise ValueError("sources has no positive current.")
    if not np.any(gnd > 0):
        raise ValueError("grounds has no ground (all conductances are zero).")
    lap = kernels.laplacian(n, i, j, g)
    v, fin, method = solve_sources_grounds(lap, src, gnd, policy, opts)
    ei, ej, eg = _merged_edges(lap)
    vz = np.nan_to_num(v, nan=0.0)
    cur = kernels.node_currents(n, ei, ej, eg, vz, fin)
    branch = np.abs(kernels.edge_currents(ei, ej, eg, vz))
    return NetworkAdvancedResult(
        voltages=pd.Series(v, index=ids, name="voltage"),
        node_currents=pd.Series(cur, index=ids, name="current"),
        branch_currents=pd.DataFrame({"node_a": ids[ei], "node_b": ids[ej], "current": branch}),
        solver=method,
    )
