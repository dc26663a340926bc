"""One-to-all and all-to-one modes of :mod:`gpec_teach.circuit`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _laplacian as kernels
from .._raster import wrap_like
from .._validation import check_positive, describe
from ._graph import DEFAULT_CONNECTION, RasterGraph
from ._setup import setup_mode
from ._solver import LaplacianSolver, PairwiseBasis

__all__ = ["OneToAllResult", "all_to_one", "one_to_all"]


@dataclass(frozen=True)
class OneToAllResult:
    """Results of :func:`one_to_all` and :func:`all_to_one`.

    Attributes
    ----------
    resistances : pandas.Series or None
        One-to-all: effective resistance (ohm) between each focal id and all
        other focal ids grounded together, i.e. voltage at the source divided by
        its strength; ``inf`` when no other focal id is connected (no path;
        Circuitscape files write -1). None for all-to-one.
    cumulative_current : array or DataArray
        Sum of the per-id current maps (A); NaN on absent cells.
    max_current : array or DataArray
        Cell-wise maximum of the per-id current maps.
    current_maps, voltage_maps : dict
        ``{id: map}`` per focal id when ``id_maps=True``.
    graph : RasterGraph
        The circuit used (focal regions merged into one node each).
    solver : str
        "direct" or "amg".
    """

    resistances: pd.Series | None
    cumulative_current: object
    max_current: object
    current_maps: dict = field(default_factory=dict)
    voltage_maps: dict = field(default_factory=dict)
    graph: RasterGraph | None = field(default=None, repr=False)
    solver: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Resistances as a table ``focal_id, resistance`` (empty for all-to-one)."""
        if self.resistances is None:
            return pd.DataFrame({"focal_id": [], "resistance": []})
        return self.resistances.reset_index()


def _strengths_for(ids, strengths):
    if strengths is None:
        return dict.fromkeys(ids, 1.0)
    if isinstance(strengths, pd.Series):
        strengths = strengths.to_dict()
    if not isinstance(strengths, Mapping):
        raise TypeError(
            f"source_strengths must be a dict {{focal id: amps}}. Got {describe(strengths)}."
        )
    out = {}
    for fid in ids:
        value = strengths.get(fid, 1.0)
        out[fid] = check_positive(f"source_strengths[{fid}]", value)
    return out


@dataclass(frozen=True)
class _Prepared:
    """What both modes start from: the circuit, the focal ids and their strengths."""

    mode: object
    ids: list
    strength: dict
    lap: object
    comp: np.ndarray


def _setup(
    resistance, focal, source_strengths, graph_options: dict, id_column, solver_options: dict
) -> _Prepared:
    """Run the shared setup of both modes: focal regions merged into one node each."""
    mode = setup_mode(
        resistance,
        focal=focal,
        id_column=id_column,
        merge_focal=True,
        **graph_options,
        **solver_options,
    )
    if not mode.focal:
        raise ValueError("focal holds no focal point; give at least one.")
    ids = list(mode.focal)
    lap = mode.graph.laplacian()
    return _Prepared(
        mode, ids, _strengths_for(ids, source_strengths), lap, kernels.components(lap)
    )


class _IdMaps:
    """Accumulates the per-id current maps: sum, maximum and (optionally) each map."""

    def __init__(self, graph: RasterGraph, keep: bool):
        self.graph = graph
        self.keep = keep
        self.cum = np.zeros(graph.n_nodes)
        self.max = np.zeros(graph.n_nodes)
        self.current: dict = {}
        self.voltage: dict = {}

    def add(self, fid, cur: np.ndarray, v: np.ndarray) -> None:
        self.cum += cur
        np.maximum(self.max, cur, out=self.max)
        if self.keep:
            self.current[fid] = kernels.to_raster(cur, self.graph.nodemap)
            self.voltage[fid] = kernels.to_raster(v, self.graph.nodemap)

    def result(self, grid, resistances, solver: str) -> OneToAllResult:
        nodemap = self.graph.nodemap
        return OneToAllResult(
            resistances=resistances,
            cumulative_current=wrap_like(
                kernels.to_raster(self.cum, nodemap), grid, name="cumulative_current"
            ),
            max_current=wrap_like(kernels.to_raster(self.max, nodemap), grid, name="max_current"),
            current_maps={k: wrap_like(v, grid, name="current") for k, v in self.current.items()},
            voltage_maps={k: wrap_like(v, grid, name="voltage") for k, v in self.voltage.items()},
            graph=self.graph,
            solver=solver,
        )


def _grounded_at_focal(graph: RasterGraph, lap, focal_nodes: np.ndarray) -> np.ndarray:
    """Ground mask: every focal node, plus one node of each part touching none.

    Free nodes in a part of the graph that touches no focal node would float:
    one of them per such part is grounded (their right-hand side is zero anyway).
    """
    n = graph.n_nodes
    direct = np.zeros(n, dtype=bool)
    direct[focal_nodes] = True
    tie = np.zeros(n)
    gi, gj, gg = graph.i, graph.j, graph.conductance
    cross_i = direct[gj] & ~direct[gi]
    cross_j = direct[gi] & ~direct[gj]
    tie += np.bincount(gi[cross_i], weights=gg[cross_i], minlength=n)
    tie += np.bincount(gj[cross_j], weights=gg[cross_j], minlength=n)
    sub = kernels.components(kernels.grounded_matrix(lap, direct))
    has_tie = np.zeros(sub.max() + 1, dtype=bool)
    np.logical_or.at(has_tie, sub, (tie > 0) | direct)
    _, first = np.unique(sub, return_index=True)
    grounded = direct.copy()
    grounded[first[~has_tie]] = True
    return grounded


def one_to_all(
    resistance,
    focal,
    *,
    source_strengths=None,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
    id_column: str | None = "id",
    id_maps: bool = False,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> OneToAllResult:
    r"""One-to-all mode: current from each focal id to all the others, grounded.

    For each focal id ``s`` in turn, ``I_s`` amperes (1 A unless
    *source_strengths* says otherwise) are injected at ``s`` while every other
    focal node is tied to ground (0 V). With ``F`` the other focal nodes and
    ``U`` the free nodes:

    .. math::

        \begin{pmatrix} L_{UU} & L_{Us} \\ L_{sU} & L_{ss} \end{pmatrix}
        \begin{pmatrix} v_U \\ v_s \end{pmatrix} =
        \begin{pmatrix} 0 \\ I_s \end{pmatrix}, \qquad
        R_s = v_s / I_s .

    All ids share one factorisation of :math:`L_{UU}` (all focal nodes
    grounded): :math:`v_U = -L_{UU}^{-1} L_{Us} v_s` and
    :math:`v_s = I_s / (L_{ss} - L_{sU} L_{UU}^{-1} L_{Us})`.
    Focal regions are short-circuited (one node each), as in Circuitscape.

    Parameters
    ----------
    resistance, focal
        As in :func:`pairwise_resistance`.
    source_strengths : dict, optional
        ``{focal id: amps}``; ids not listed inject 1 A (Circuitscape's
        "variable source strengths").
    values, neighbors, connection, short_circuit
        Graph options, see :func:`raster_graph`.
    id_column : str or None, default "id"
        Column of a GeoDataFrame *focal* with the focal ids (see
        :func:`pairwise_resistance`).
    id_maps : bool, default False
        Keep the current and voltage map of every id.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    OneToAllResult
        ``resistances`` per id (ohm, >= 0; ``inf`` when the id has no other focal
        node in its component: no path), cumulative and maximum current maps (A).

    Raises
    ------
    ValueError
        Focal point outside the grid or on nodata; bad grid values.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    Middle cell of a 1 x 3 strip feeds both ends (two 1-ohm links in parallel).

    >>> out = one_to_all([[1.0, 1.0, 1.0]], [(0, 0), (0, 1), (0, 2)], neighbors=4)
    >>> out.resistances.tolist()
    [1.0, 0.5, 1.0]
    """
    prep = _setup(
        resistance,
        focal,
        source_strengths,
        {
            "values": values,
            "neighbors": neighbors,
            "connection": connection,
            "short_circuit": short_circuit,
        },
        id_column,
        {"solver": solver, "rtol": rtol, "maxiter": maxiter},
    )
    mode, ids, strength, lap, comp = prep.mode, prep.ids, prep.strength, prep.lap, prep.comp
    graph, node_of = mode.graph, mode.node_of
    sources = np.unique(np.array(list(node_of.values())))
    grounded = _grounded_at_focal(graph, lap, sources)
    solver_obj = LaplacianSolver(
        kernels.grounded_matrix(lap, grounded), **mode.solver, expected_solves=len(sources)
    )
    # right-hand sides: minus the coupling column of each distinct source node
    coupling = lap.tocsc()[:, sources].toarray()
    coupling[grounded] = 0.0
    y = np.asarray(solver_obj.solve(-coupling)).reshape(graph.n_nodes, len(sources))
    column = {int(s): k for k, s in enumerate(sources)}
    diag = lap.diagonal()
    per_comp = np.bincount(comp[sources], minlength=int(comp.max()) + 1)
    maps = _IdMaps(graph, id_maps)
    res = {}
    for fid in ids:
        s = node_of[fid]
        if per_comp[comp[s]] < 2:
            res[fid] = np.inf
            if id_maps:
                zero = np.where(graph.nodemap >= 0, 0.0, np.nan)
                maps.current[fid], maps.voltage[fid] = zero, zero.copy()
            continue
        k = column[s]
        # Schur complement: v_s = I_s / (L_ss + L_sU y), y = -L_UU^-1 L_Us
        vs = strength[fid] / (diag[s] + float(coupling[:, k] @ y[:, k]))
        v = y[:, k] * vs
        v[grounded] = 0.0
        v[s] = vs
        res[fid] = vs / strength[fid]
        cur = kernels.node_currents(graph.n_nodes, graph.i, graph.j, graph.conductance, v)
        maps.add(fid, cur, np.where(comp == comp[s], v, np.nan))
    series = pd.Series(res, name="resistance", dtype=float)
    series.index.name = "focal_id"
    return maps.result(mode.grid, series, solver_obj.method)


def all_to_one(
    resistance,
    focal,
    *,
    source_strengths=None,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
    id_column: str | None = "id",
    id_maps: bool = False,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> OneToAllResult:
    r"""All-to-one mode: current from all focal cells into each focal id in turn.

    For each focal id ``t``, ``t`` is grounded and every other focal *id*
    injects its strength (1 A by default), as Circuitscape does: a focal region
    of several cells is one node (its cells are shorted) and injects its
    strength once, not once per cell. Within the component of ``t``:

    .. math:: L_{(t)} v = \sum_{p \ne t} I_p e_p,

    solved by superposition of the same unit solutions as the pairwise mode
    (one shared factorisation). Sources in other components have no path to the
    ground and carry no current.

    Parameters
    ----------
    resistance, focal, source_strengths, values, neighbors, connection, short_circuit, id_column, id_maps, solver, rtol, maxiter
        As in :func:`one_to_all`.

    Returns
    -------
    OneToAllResult
        Current maps (A); ``resistances`` is None (Circuitscape reports 0).

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    A 1 x 3 strip with three focal cells. Sink at the left end: 1 A from the
    right cell plus 1 A from the middle one, so 1, 2 and 2 A through the right,
    middle and left cells. Sink in the middle: 1 A through each cell, 2 A in the
    middle. Summing the three sinks gives 4, 6 and 4 A.

    >>> out = all_to_one([[1.0, 1.0, 1.0]], [(0, 0), (0, 1), (0, 2)], neighbors=4)
    >>> out.cumulative_current.round(6).tolist()
    [[4.0, 6.0, 4.0]]
    """
    prep = _setup(
        resistance,
        focal,
        source_strengths,
        {
            "values": values,
            "neighbors": neighbors,
            "connection": connection,
            "short_circuit": short_circuit,
        },
        id_column,
        {"solver": solver, "rtol": rtol, "maxiter": maxiter},
    )
    mode, ids, strength, lap, comp = prep.mode, prep.ids, prep.strength, prep.lap, prep.comp
    graph, node_of = mode.graph, mode.node_of
    n = graph.n_nodes
    basis = PairwiseBasis(lap, comp, np.array([node_of[f] for f in ids]), **mode.solver)
    maps = _IdMaps(graph, id_maps)
    for t in ids:
        nt = node_of[t]
        # injection per focal id (the cells of one id share its node), as in Circuitscape
        feeders = [p for p in ids if node_of[p] != nt and comp[node_of[p]] == comp[nt]]
        v = np.zeros(n)
        for p in feeders:
            v += strength[p] * basis.potential(node_of[p])
        total = float(sum(strength[p] for p in feeders))
        if total == 0.0:
            cur = np.zeros(n)
            vv = np.where(comp == comp[nt], 0.0, np.nan)
        else:
            v -= total * basis.potential(nt)
            v = v - v[nt]
            v[comp != comp[nt]] = 0.0
            cur = kernels.node_currents(n, graph.i, graph.j, graph.conductance, v)
            vv = np.where(comp == comp[nt], v, np.nan)
        maps.add(t, cur, vv)
    return maps.result(mode.grid, None, basis.solver.method)
