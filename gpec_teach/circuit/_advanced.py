"""Advanced mode of :mod:`gpec_teach.circuit`: any pattern of current sources and grounds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _laplacian as kernels
from .._raster import wrap_like
from .._validation import check_choice
from ._graph import DEFAULT_CONNECTION, VALUES, RasterGraph, aligned
from ._setup import setup_mode
from ._solver import LaplacianSolver, floating_grounds

__all__ = ["AdvancedResult", "advanced"]

#: Circuitscape's rules for a node that is both a source and a ground.
POLICIES = ("keepall", "rmvsrc", "rmvgnd", "rmvall")


@dataclass(frozen=True)
class AdvancedResult:
    """Results of :func:`advanced`.

    Attributes
    ----------
    voltage : array or DataArray
        Node voltages (V); NaN on absent cells and on components without a
        ground (voltage undefined there).
    current : array or DataArray
        Current through each cell (A, ``max(inflow, outflow)``, grounds included).
    graph : RasterGraph
        The circuit used.
    solver : str
        "direct" or "amg".
    """

    voltage: object
    current: object
    graph: RasterGraph | None = field(default=None, repr=False)
    solver: str = ""


def resolve_sources_grounds(src, gnd, policy):
    """Circuitscape's conflict rules for nodes that are both source and ground."""
    conflict = (src != 0) & (gnd != 0)
    src = src.copy()
    gnd = gnd.copy()
    if conflict.any():
        if policy in ("rmvsrc", "rmvall"):
            src[conflict] = 0.0
        if policy in ("rmvgnd", "rmvall"):
            gnd[conflict] = 0.0
    # a direct ground cannot coexist with a source on one node: the ground goes
    gnd[np.isinf(gnd) & (src != 0)] = 0.0
    return src, gnd


def ground_conductance(values, has_ground, *, ground_is: str, direct_grounds: bool):
    """Ground conductance (S; ``inf`` = direct ground; 0 = none) from ground values.

    *values* are resistances to ground (ohm, 0 = direct) or conductances (S) as
    *ground_is* says; *direct_grounds* ties every ground directly to 0 V.
    """
    with np.errstate(divide="ignore"):
        if direct_grounds:
            return np.where(has_ground, np.inf, 0.0)
        if ground_is == "resistance":
            return np.where(has_ground, 1.0 / np.where(has_ground, values, 1.0), 0.0)
        return np.where(has_ground, values, 0.0)


def check_left(src, gnd, policy):
    """Raise when resolving source/ground conflicts left no source or no ground."""
    for name, arr in (("source", src), ("ground", gnd)):
        if not np.any(arr != 0):
            raise ValueError(
                f"No {name} is left after resolving nodes that are both source and ground "
                f"with policy={policy!r}. Use policy='keepall' or move the {name}s."
            )


def solve_sources_grounds(lap, src, gnd, policy, opts):
    """Resolve conflicts with *policy*, then solve; ``(voltages, ground conductances, method)``."""
    src, gnd = resolve_sources_grounds(src, gnd, policy)
    check_left(src, gnd, policy)
    return _solve_advanced(lap, kernels.components(lap), src, gnd, opts)


def _solve_advanced(lap, comp, src, gnd, opts):
    """Voltages for sources (A) and ground conductances (S; inf = direct).

    Components without a ground get no current (their sources are dropped) and
    NaN voltages; components with grounds but no source sit at 0 V.
    """
    direct = np.isinf(gnd)
    finite = np.where(direct, 0.0, gnd)
    ncomp = int(comp.max()) + 1
    has_gnd = np.zeros(ncomp, dtype=bool)
    np.logical_or.at(has_gnd, comp, gnd != 0)
    grounded = has_gnd[comp]
    rhs = np.where(grounded & ~direct, src, 0.0)
    anchor = floating_grounds(lap, comp, direct | (finite > 0))
    anchor &= ~(finite > 0) | direct
    matrix = kernels.grounded_matrix(lap, anchor, finite)
    solver = LaplacianSolver(matrix, **opts)
    v = np.asarray(solver.solve(rhs))
    v = np.where(grounded, v, np.nan)
    return v, finite, solver.method


def advanced(
    resistance,
    sources,
    grounds,
    *,
    ground_is: str = "resistance",
    direct_grounds: bool = False,
    unit_currents: bool = False,
    policy: str = "keepall",
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> AdvancedResult:
    r"""Advanced mode: any pattern of current sources and grounds.

    Solves Kirchhoff's current law with grounds as resistors to a 0-V reference
    (or tied directly to it):

    .. math:: (L + \operatorname{diag}(g)) v = s,

    with :math:`s` the injected current per node (A), :math:`g` the ground
    conductance per node (S); direct grounds fix :math:`v = 0`. Components
    without a source or without a ground carry no current (Circuitscape skips
    them).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (see :func:`raster_graph`).
    sources : array_like
        Current injected per cell (A); 0 or NaN = none; a negative value withdraws
        current (as in Circuitscape, where grounds then supply it). Cells of one
        node add up.
    grounds : array_like
        Ground per cell: a resistance to ground (ohm; 0 = direct ground) when
        ``ground_is="resistance"`` (Circuitscape's default), or a conductance
        (S; ``inf`` = direct) when ``"conductance"``. NaN = no ground.
    ground_is : {"resistance", "conductance"}, default "resistance"
        How to read *grounds*.
    direct_grounds : bool, default False
        Tie every ground cell directly to 0 V, whatever its value.
    unit_currents : bool, default False
        Inject 1 A at every nonzero source cell, whatever its value.
    policy : {"keepall", "rmvsrc", "rmvgnd", "rmvall"}, default "keepall"
        What to do where a node is both a source and a ground: keep both,
        remove the source, remove the ground, or remove both. A direct ground on a
        source node is always removed (the source could not inject).
    values, neighbors, connection, short_circuit
        Graph options, see :func:`raster_graph`.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    AdvancedResult
        Voltage map (V; NaN where undefined) and current map (A, >= 0).

    Raises
    ------
    ValueError
        Shapes differ, negative grounds, no source or no ground.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    1 A into the left end of a 1 x 3 strip, right end grounded directly: the
    voltage falls by 1 V per link.

    >>> nan = float("nan")
    >>> out = advanced([[1.0, 1.0, 1.0]], [[1.0, 0, 0]], [[nan, nan, 0.0]], neighbors=4)
    >>> out.voltage.tolist(), out.current.tolist()
    ([[2.0, 1.0, 0.0]], [[1.0, 1.0, 1.0]])
    """
    check_choice("ground_is", ground_is, VALUES)
    check_choice("policy", policy, POLICIES)
    mode = setup_mode(
        resistance,
        values=values,
        neighbors=neighbors,
        connection=connection,
        short_circuit=short_circuit,
        solver=solver,
        rtol=rtol,
        maxiter=maxiter,
    )
    graph, grid = mode.graph, mode.grid
    src_cells = aligned("sources", sources, grid)
    gnd_cells = aligned("grounds", grounds, grid, keep_inf=True)
    src_cells = np.where(np.isfinite(src_cells), src_cells, 0.0)
    has_gnd = ~np.isnan(gnd_cells)
    if np.any(gnd_cells[has_gnd] < 0):
        raise ValueError("grounds must be non-negative; found negative cells.")
    if unit_currents:
        src_cells = (src_cells != 0).astype(float)
    gcond = ground_conductance(
        gnd_cells, has_gnd, ground_is=ground_is, direct_grounds=direct_grounds
    )
    src, gnd = _per_node(graph, src_cells, gcond)
    if not np.any(src != 0):
        raise ValueError("sources has no nonzero cell on a valid (non-nodata) cell.")
    if not np.any(gnd > 0):
        raise ValueError("grounds has no ground on a valid (non-nodata) cell.")
    v, fin, method = solve_sources_grounds(graph.laplacian(), src, gnd, policy, mode.solver)
    cur = kernels.node_currents(
        graph.n_nodes, graph.i, graph.j, graph.conductance, np.nan_to_num(v, nan=0.0), fin
    )
    return AdvancedResult(
        voltage=wrap_like(kernels.to_raster(v, graph.nodemap), grid, name="voltage"),
        current=wrap_like(kernels.to_raster(cur, graph.nodemap), grid, name="current"),
        graph=graph,
        solver=method,
    )


def _per_node(graph: RasterGraph, src_cells, gcond):
    """Sum sources (A) and ground conductances (S, inf = direct) summed over each node's cells."""
    n = graph.n_nodes
    flat = graph.nodemap.ravel()
    on = flat >= 0
    src = np.bincount(flat[on], weights=src_cells.ravel()[on], minlength=n)
    gflat = gcond.ravel()[on]
    inf_nodes = np.unique(flat[on][np.isinf(gflat)])
    gnd = np.bincount(flat[on], weights=np.where(np.isinf(gflat), 0.0, gflat), minlength=n)
    gnd[inf_nodes] = np.inf
    return src, gnd
