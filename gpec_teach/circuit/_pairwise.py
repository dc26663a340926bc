"""Pairwise mode of :mod:`gpec_teach.circuit`: effective resistance and current between pairs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _laplacian as kernels
from .._raster import wrap_like
from .._validation import describe
from ._focal import merge_regions
from ._graph import DEFAULT_CONNECTION, RasterGraph, build_graph
from ._setup import setup_mode
from ._solver import PairwiseBasis

__all__ = ["PairwiseResult", "effective_resistance", "pairwise_resistance"]


def ids_frame(ids, matrix) -> pd.DataFrame:
    """Return a square table of *matrix* indexed both ways by the focal ids."""
    frame = pd.DataFrame(matrix, index=list(ids), columns=list(ids))
    frame.index.name = "focal_id"
    frame.columns.name = "focal_id"
    return frame


@dataclass(frozen=True)
class PairwiseResult:
    """Results of :func:`pairwise_resistance`.

    Attributes
    ----------
    resistances : pandas.DataFrame
        Effective resistance (ohm) between focal ids; 0 on the diagonal and
        between ids on the same node; ``inf`` for pairs in different components
        (no path; Circuitscape files write it as -1); NaN for pairs left out by
        *pairs* (not computed).
    cumulative_current : array or DataArray or None
        Sum over solved pairs of the current map (A, 1 A injected per pair);
        NaN on absent cells.
    max_current : array or DataArray or None
        Cell-wise maximum over pairs of the current map.
    current_maps, voltage_maps : dict
        ``{(id_a, id_b): map}`` for each solved pair when ``pair_maps=True``
        (voltages in V with ``id_a`` at 0 V and ``id_b`` at the effective
        resistance; NaN off the pair's component).
    graph : RasterGraph
        The circuit (node map and resistors) used; for focal regions this is the
        graph without the per-pair merges.
    solver : str
        "direct" or "amg".
    """

    resistances: pd.DataFrame
    cumulative_current: object = None
    max_current: object = None
    current_maps: dict = field(default_factory=dict)
    voltage_maps: dict = field(default_factory=dict)
    graph: RasterGraph | None = field(default=None, repr=False)
    solver: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Resistances as a long table ``id_a, id_b, resistance`` (id_a < id_b)."""
        return self.three_columns()

    def three_columns(self) -> pd.DataFrame:
        """Resistances as Circuitscape's 3-column table (id_a < id_b)."""
        ids = list(self.resistances.index)
        rows = [
            (a, b, float(self.resistances.loc[a, b]))
            for k, a in enumerate(ids)
            for b in ids[k + 1 :]
        ]
        return pd.DataFrame(rows, columns=["id_a", "id_b", "resistance"])


def pairs_to_solve(ids, pairs):
    """Return the ``(a, b)`` pairs (a before b in *ids*) to solve: all, or those in *pairs*."""
    all_pairs = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]]
    if pairs is None:
        return all_pairs
    wanted = set()
    for p in pairs:
        if not isinstance(p, (tuple, list)) or len(p) != 2:
            raise TypeError(f"pairs must hold (id_a, id_b) tuples. Got {describe(p)}.")
        a, b = int(p[0]), int(p[1])
        for fid in (a, b):
            if fid not in ids:
                raise ValueError(
                    f"pairs mentions focal id {fid}, which is not among the focal ids {ids}."
                )
        wanted.add((min(a, b), max(a, b)))
    return [p for p in all_pairs if p in wanted]


def pairwise_resistance(
    resistance,
    focal,
    *,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
    id_column: str | None = "id",
    pairs=None,
    current_maps: bool = True,
    pair_maps: bool = False,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> PairwiseResult:
    r"""Effective resistance and current maps between every pair of focal points.

    For each pair ``(a, b)`` 1 A is injected at ``b`` and taken out at ``a``
    (grounded, 0 V). Kirchhoff's laws give the node voltages :math:`v` from

    .. math::

        L v = e_b - e_a, \qquad R_{ab} = v_b - v_a,

    with :math:`L` the graph Laplacian (:func:`raster_graph`) and :math:`e` unit
    vectors. The current on a resistor is :math:`g_{ij}(v_i - v_j)`; the current
    map shows, per cell, :math:`\max(\text{inflow}, \text{outflow})` (A): the
    full 1 A at the two focal cells, half the sum of absolute link currents
    elsewhere. With point foci, all pairs come from ``k - 1`` solves sharing one
    factorisation (superposition: :math:`v^{(ab)} = x_b - x_a`).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (see :func:`raster_graph`; NaN/inf = absent).
    focal : list of (row, col), dict, grid of ids, or GeoDataFrame
        Focal points. A list gives ids 1..k. A dict ``{id: (row, col)}`` or
        ``{id: [(row, col), ...]}`` or a grid of integer ids (0/NaN = none) can
        give several cells the same id: a *focal region*, short-circuited into one
        node for the pairs that involve it (Circuitscape semantics: each such pair
        is then solved on its own graph). For georeferenced rasters, (x, y) float
        tuples, or a GeoDataFrame (same CRS) of points or of polygons (each
        polygon's cells, by cell centre, one focal region) are accepted.
    values, neighbors, connection, short_circuit
        Graph options, see :func:`raster_graph`.
    id_column : str or None, default "id"
        Column of a GeoDataFrame *focal* holding the focal ids (positive
        integers); a missing column raises (no silent renumbering). None uses
        the GeoDataFrame's index.
    pairs : list of (id_a, id_b), optional
        Only solve these pairs (Circuitscape's "included pairs"); the others are
        reported as NaN (not computed).
    current_maps : bool, default True
        Compute the cumulative and maximum current maps.
    pair_maps : bool, default False
        Also keep the current and voltage map of every pair (memory: two grids per
        pair).
    solver : {"auto", "direct", "amg"}, default "auto"
        See :class:`LaplacianSolver`.
    rtol, maxiter
        Conjugate-gradient stopping rule for the AMG solver.

    Returns
    -------
    PairwiseResult
        Resistance table (ohm, >= 0; 0 on the diagonal; ``inf`` = disconnected
        pair, no path), current maps (A, >= 0; NaN on absent cells).

    Raises
    ------
    ValueError
        Fewer than two focal ids, a focal point outside the grid or on a nodata
        cell, bad grid values.
    ConvergenceError
        If the AMG solver does not converge.

    References
    ----------
    McRae (2006), https://doi.org/10.1111/j.0014-3820.2006.tb00500.x;
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    A 1 x 3 strip of unit resistances, 4 neighbors: two 1-ohm links in series.

    >>> out = pairwise_resistance([[1.0, 1.0, 1.0]], [(0, 0), (0, 2)], neighbors=4)
    >>> float(out.resistances.loc[1, 2])
    2.0
    >>> out.cumulative_current
    array([[1., 1., 1.]])
    """
    mode = setup_mode(
        resistance,
        values=values,
        neighbors=neighbors,
        connection=connection,
        short_circuit=short_circuit,
        solver=solver,
        rtol=rtol,
        maxiter=maxiter,
        focal=focal,
        id_column=id_column,
    )
    ids = list(mode.focal)
    if len(ids) < 2:
        raise ValueError(
            f"pairwise mode needs at least two focal ids. Got {len(ids)} "
            f"(ids {ids}). Add focal points, or use one_to_all/advanced."
        )
    todo = pairs_to_solve(ids, pairs)
    maps = _PairMaps(mode.grid.values.shape, current_maps, pair_maps)
    if any(len(v) > 1 for v in mode.focal.values()):
        matrix, method = _pairwise_regions(mode, todo, maps)
    else:
        matrix, method = _pairwise_points(mode, todo, maps)
    table = np.full((len(ids), len(ids)), np.nan)
    index = {fid: k for k, fid in enumerate(ids)}
    for (a, b), r in matrix.items():
        table[index[a], index[b]] = table[index[b], index[a]] = r
    np.fill_diagonal(table, 0.0)
    return PairwiseResult(
        resistances=ids_frame(ids, table),
        graph=mode.graph,
        solver=method,
        **maps.wrapped(mode.grid, mode.graph.nodemap < 0),
    )


class _PairMaps:
    """Accumulates the cumulative and maximum current maps and the per-pair maps."""

    def __init__(self, shape, current_maps: bool, pair_maps: bool):
        self.keep_sums = current_maps
        self.keep_pairs = pair_maps
        self.cum = np.zeros(shape) if current_maps else None
        self.max = np.zeros(shape) if current_maps else None
        self.current: dict = {}
        self.voltage: dict = {}

    @property
    def wanted(self) -> bool:
        return self.keep_sums or self.keep_pairs

    def zero_pair(self, pair, nodemap):
        """Record a pair on one node: no current, 0 V (NaN off the graph)."""
        if self.keep_pairs:
            zero = np.where(nodemap >= 0, 0.0, np.nan)
            self.current[pair], self.voltage[pair] = zero, zero.copy()

    def add(self, pair, graph: RasterGraph, v: np.ndarray) -> None:
        """Add the currents of one solved pair (voltages *v*, NaN off its component)."""
        cur = kernels.node_currents(
            graph.n_nodes, graph.i, graph.j, graph.conductance, np.nan_to_num(v, nan=0.0)
        )
        if self.keep_sums:
            cur_r = kernels.to_raster(cur, graph.nodemap, fill=0.0)
            self.cum += cur_r
            np.maximum(self.max, cur_r, out=self.max)
        if self.keep_pairs:
            self.current[pair] = kernels.to_raster(cur, graph.nodemap)
            self.voltage[pair] = kernels.to_raster(v, graph.nodemap)

    def wrapped(self, grid, absent: np.ndarray) -> dict:
        """Return the maps as result fields (NaN on absent cells that carried nothing)."""
        out = {
            "cumulative_current": None,
            "max_current": None,
            "current_maps": {
                k: wrap_like(v, grid, name="current") for k, v in self.current.items()
            },
            "voltage_maps": {
                k: wrap_like(v, grid, name="voltage") for k, v in self.voltage.items()
            },
        }
        if self.keep_sums:
            for key, values in (("cumulative_current", self.cum), ("max_current", self.max)):
                values = np.where(absent & (values == 0), np.nan, values)
                out[key] = wrap_like(values, grid, name=key)
        return out


def _pairwise_points(mode, todo, maps: _PairMaps):
    """Point foci: every pair from one factorisation (superposition)."""
    graph, node_of = mode.graph, mode.node_of
    lap = graph.laplacian()
    comp = kernels.components(lap)
    basis = PairwiseBasis(lap, comp, np.array([node_of[f] for f in mode.focal]), **mode.solver)
    matrix = {}
    for a, b in todo:
        na, nb = node_of[a], node_of[b]
        if comp[na] != comp[nb]:
            matrix[(a, b)] = np.inf
        elif na == nb:
            matrix[(a, b)] = 0.0
            maps.zero_pair((a, b), graph.nodemap)
        else:
            matrix[(a, b)], v = basis.pair(na, nb)
            if maps.wanted:
                maps.add((a, b), graph, v)
    return matrix, basis.solver.method


def _pairwise_regions(mode, todo, maps: _PairMaps):
    """Focal regions: each pair on its own graph, its two regions short-circuited."""
    shape = mode.grid.values.shape
    foc = mode.focal
    matrix, method = {}, ""
    for a, b in todo:
        merged = merge_regions(mode.regions, shape, [foc[f] for f in (a, b) if len(foc[f]) > 1])
        g2 = build_graph(mode.grid, regions=merged, **mode.graph_options)
        flat = g2.nodemap.ravel()
        na = int(flat[foc[a]][flat[foc[a]] >= 0][0])
        nb = int(flat[foc[b]][flat[foc[b]] >= 0][0])
        lap = g2.laplacian()
        comp = kernels.components(lap)
        if comp[na] != comp[nb]:
            matrix[(a, b)] = np.inf
        elif na == nb:
            matrix[(a, b)] = 0.0
            maps.zero_pair((a, b), g2.nodemap)
        else:
            basis = PairwiseBasis(lap, comp, np.array([na, nb]), **mode.solver)
            method = basis.solver.method
            matrix[(a, b)], v = basis.pair(na, nb)
            if maps.wanted:
                maps.add((a, b), g2, v)
    return matrix, method


def effective_resistance(
    resistance,
    a,
    b,
    *,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> float:
    r"""Effective resistance between two cells (ohm), or ``inf`` if disconnected.

    .. math:: R_{ab} = v_b \quad\text{where}\quad L_{(a)} v = e_b,

    :math:`L_{(a)}` being the Laplacian with node ``a`` grounded (0 V) and 1 A
    injected at ``b``. It equals the resistance of the single resistor that could
    replace the whole landscape between the two cells (McRae 2006).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (see :func:`raster_graph`).
    a, b : tuple
        The two cells, as (row, col) (or (x, y) map coordinates for a
        georeferenced raster).
    values, neighbors, connection, short_circuit
        Graph options, see :func:`raster_graph`.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    float
        Effective resistance in the units of the grid (>= 0); 0 when both cells
        are on one node (same short-circuit region); ``inf`` when no path joins
        them (no path; Circuitscape files write it as -1).

    Raises
    ------
    ValueError
        A cell outside the grid or on a nodata/barrier cell; bad grid values.

    References
    ----------
    McRae (2006), https://doi.org/10.1111/j.0014-3820.2006.tb00500.x;
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    Two parallel routes of 2 ohm each between the ends of a 2 x 2 ring give
    1 ohm (4 neighbors, unit cells: every link is 1 ohm).

    >>> effective_resistance([[1.0, 1.0], [1.0, 1.0]], (0, 0), (1, 1), neighbors=4)
    1.0
    """
    mode = setup_mode(
        resistance,
        values=values,
        neighbors=neighbors,
        connection=connection,
        short_circuit=short_circuit,
        solver=solver,
        rtol=rtol,
        maxiter=maxiter,
        focal={1: a, 2: b},
        focal_name="cell",
    )
    na, nb = mode.node_of[1], mode.node_of[2]
    if na == nb:
        return 0.0
    lap = mode.graph.laplacian()
    comp = kernels.components(lap)
    if comp[na] != comp[nb]:
        return float("inf")
    basis = PairwiseBasis(lap, comp, np.array([na, nb]), **mode.solver)
    return basis.pair(na, nb)[0]
