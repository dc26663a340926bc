"""Circuit-theory connectivity, compatible with Circuitscape and Omniscape.

A resistance raster is read as an electrical circuit: every valid cell is a node,
neighbouring cells are joined by resistors, and animals (or genes) are modelled
as electrical current that spreads over *all* paths at once, in proportion to
how easy each path is (McRae 2006; McRae et al. 2008). The effective resistance
between two places measures their isolation; the current map shows where
movement concentrates (corridors and pinch points).

The module follows Circuitscape.jl's conventions (Anantharaman et al. 2020), so a
Circuitscape job gives the same numbers here (see :mod:`gpec_teach.circuitscape_io`):

* **graph**: 8 neighbours (or 4), conductance between neighbours
  ``mean(c_a, c_b)`` ("average conductance", :data:`DEFAULT_CONNECTION`: the default of
  Circuitscape 4, Circuitscape.jl and Omniscape, ``connect_using_avg_resistances =
  False``) or ``1 / mean(r_a, r_b)`` ("average resistance", ``connection="resistance"``,
  what a job with ``connect_using_avg_resistances = True`` asks for), diagonal links
  divided by ``sqrt(2)``; NaN and ``inf`` cells are absent; short-circuit regions
  (polygons) are merged into one node;
* **modes**: pairwise, one-to-all, all-to-one, advanced (sources and grounds),
  and network (an edge list instead of a raster);
* **current maps**: the current through a cell is ``max(inflow, outflow)``: a
  focal cell carries the full injected current, any other cell half the sum of
  the absolute currents on its links;
* **disconnected pairs** get effective resistance ``-1`` (Circuitscape's code for
  "infinite": no current can flow between two separate components).

Solvers: :class:`LaplacianSolver` holds one sparse LU factorisation (SuperLU with
the symmetric ``MMD_AT_PLUS_A`` ordering) or one smoothed-aggregation algebraic
multigrid hierarchy (pyamg) used as a conjugate-gradient preconditioner, and
reuses it for every focal node: pairwise results for ``k`` focal points cost
``k - 1`` solves with superposition, not one setup per pair.

References
----------
McRae, B. H. (2006). Isolation by resistance. Evolution 60 (8): 1551-1561.
https://doi.org/10.1111/j.0014-3820.2006.tb00500.x

McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology
89 (10): 2712-2724. https://doi.org/10.1890/07-1861.1

Shah, V. B. & McRae, B. H. (2008). Circuitscape: a tool for landscape ecology.
Proceedings of the 7th Python in Science Conference (SciPy 2008): 62-66.
https://doi.org/10.25080/TCWV9851

Anantharaman, R., Hall, K., Shah, V. B. & Edelman, A. (2020). Circuitscape in
Julia: high performance connectivity modelling to support conservation
decisions. Proceedings of the JuliaCon Conferences 1 (1): 58.
https://doi.org/10.21105/jcon.00058

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle. (Pinchpoint Mapper: McRae, B. H.
(2012), https://circuitscape.org/linkagemapper/)

Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021). Omniscape.jl:
software to compute omnidirectional landscape connectivity. Journal of Open
Source Software 6 (57): 2829. https://doi.org/10.21105/joss.02829
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import _laplacian as _lap
from ._raster import Grid, _is_dataarray, unwrap, wrap_like
from ._validation import check_choice, check_positive, check_same_crs, describe

__all__ = [
    "AdvancedResult",
    "ConvergenceError",
    "DEFAULT_CONNECTION",
    "LaplacianSolver",
    "NetworkAdvancedResult",
    "NetworkPairwiseResult",
    "OmniscapeCondition",
    "OmniscapeResult",
    "OneToAllResult",
    "PairwiseResult",
    "PinchPointResult",
    "RasterGraph",
    "advanced",
    "all_to_one",
    "effective_resistance",
    "network_advanced",
    "network_pairwise",
    "omniscape",
    "one_to_all",
    "pairwise_resistance",
    "pinch_points",
    "raster_graph",
]

#: Grids with more nodes than this use the multigrid solver when ``solver="auto"``.
#: Below it a sparse LU is faster for several focal points and fits in memory
#: (about 150 MB of factors for a 390 x 390 grid with 8 neighbours).
DIRECT_SOLVER_LIMIT = 150_000

#: Default rule for the conductance between neighbouring cells, used by every function
#: of this package that builds a raster circuit: ``"conductance"`` (average conductance,
#: ``mean(1/r_a, 1/r_b)``), the default of Circuitscape 4 (``cfg.py``:
#: ``connect_using_avg_resistances: False``), Circuitscape.jl and Omniscape.jl. Pass
#: ``connection="resistance"`` for the average-resistance rule, ``1 / mean(r_a, r_b)``.
DEFAULT_CONNECTION = "conductance"

_SOLVERS = ("auto", "direct", "amg")
_CONNECTIONS = ("resistance", "conductance")
_VALUES = ("resistance", "conductance")
_POLICIES = ("keepall", "rmvsrc", "rmvgnd", "rmvall")


# =========================================================================== solver
class ConvergenceError(RuntimeError):
    """The iterative solver stopped before reaching the requested accuracy.

    The message reports the relative residual reached. Never ignore it: the
    voltages (and so the current map) would be wrong.
    """


class LaplacianSolver:
    """Solve ``A x = b`` for a grounded circuit matrix, reusing one setup.

    Building the solver does the expensive work once (a sparse LU factorisation,
    or an algebraic multigrid hierarchy); :meth:`solve` is then cheap and is
    called once per focal node, so pairwise modelling of ``k`` points costs one
    setup and ``k - 1`` solves.

    Parameters
    ----------
    matrix : scipy.sparse matrix
        Symmetric ``n x n`` matrix: a graph Laplacian in which every connected
        component has at least one ground (a row replaced by the identity for a
        direct ground, or a positive term added to the diagonal for a ground
        through a resistor). With ``solver="amg"`` a plain (singular) Laplacian is
        also accepted, provided every right-hand side sums to zero over each
        connected component (current in = current out); the solution is then
        defined up to a constant per component, as in Circuitscape.jl.
    solver : {"auto", "direct", "amg"}, default "auto"
        ``"direct"``: SuperLU with the symmetric ``MMD_AT_PLUS_A`` column ordering
        (scipy's default COLAMD ordering roughly doubles fill-in and time on grid
        Laplacians). ``"amg"``: conjugate gradient preconditioned by pyamg's
        smoothed-aggregation multigrid (the method of Circuitscape.jl).
        ``"auto"``: direct up to ``DIRECT_SOLVER_LIMIT`` (150 000) nodes, AMG above.
    rtol : float, default 1e-6
        Relative residual ``||b - A x|| / ||b||`` at which CG stops (Circuitscape
        uses 1e-6). Ignored by the direct solver.
    maxiter : int, default 1000
        Maximum CG iterations; multigrid-preconditioned CG usually needs 10-30.
    components : numpy.ndarray, optional
        Connected-component label of every node, for a singular Laplacian with
        the AMG solver: the preconditioner is then projected onto vectors of zero
        mean in each component (the range of the Laplacian), which keeps CG
        stable when the graph has several components.
    expected_solves : int, default 1
        How many right-hand sides will be solved. With 3 or more, the multigrid
        setup estimates the spectral radius for its prolongation smoother (a
        slower setup that saves about a third of the iterations of every solve);
        with fewer it uses cheap local (Gershgorin) weights.

    Attributes
    ----------
    method : str
        ``"direct"`` or ``"amg"``: the solver actually used.
    iterations : list of int
        CG iterations used by each solve (empty for the direct solver).

    Raises
    ------
    ConvergenceError
        If CG does not reach *rtol* within *maxiter* iterations; the message gives
        the residual reached.

    Notes
    -----
    Effective resistance needs one solve of :math:`A x = e_b` with node ``a``
    grounded: :math:`R_{ab} = x_b`. The residual check is done on the true
    residual after CG returns, so a drifting recursive residual cannot hide an
    inaccurate answer.

    References
    ----------
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058 (CG with a
    smoothed-aggregation AMG preconditioner in Circuitscape.jl).

    Examples
    --------
    Three 1-ohm resistors in series, node 0 grounded: the voltage at node 3 when
    1 A is injected there is the series resistance, 3 ohm.

    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_matrix(np.array([[1.0, 0, 0, 0], [0, 2, -1, 0],
    ...                             [0, -1, 2, -1], [0, 0, -1, 1]]))
    >>> float(LaplacianSolver(A).solve(np.array([0.0, 0, 0, 1]))[3])
    3.0
    """

    def __init__(
        self,
        matrix,
        *,
        solver: str = "auto",
        rtol: float = 1e-6,
        maxiter: int = 1000,
        components: np.ndarray | None = None,
        expected_solves: int = 1,
    ) -> None:
        check_choice("solver", solver, _SOLVERS)
        self.rtol = check_positive("rtol", rtol)
        if isinstance(maxiter, bool) or not isinstance(maxiter, numbers.Integral) or maxiter < 1:
            raise ValueError(
                f"maxiter must be a positive integer. Got maxiter={describe(maxiter)}."
            )
        self.maxiter = int(maxiter)
        if not sp.issparse(matrix) or matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise TypeError(
                f"matrix must be a square scipy.sparse matrix. Got {describe(matrix)}."
            )
        self.matrix = sp.csr_matrix(matrix, dtype=float)
        self.n = self.matrix.shape[0]
        if solver == "auto":
            solver = "direct" if self.n <= DIRECT_SOLVER_LIMIT else "amg"
        self.method = solver
        self.iterations: list[int] = []
        if solver == "direct":
            from scipy.sparse.linalg import splu

            self._lu = splu(
                self.matrix.tocsc(),
                permc_spec="MMD_AT_PLUS_A",
                diag_pivot_thresh=0.0,
                options={"SymmetricMode": True},
            )
        else:
            import pyamg

            # pyamg starts its spectral-radius estimate from np.random: seed it
            # for reproducible results, without touching the caller's RNG state
            rng_state = np.random.get_state()  # noqa: NPY002 (pyamg uses the legacy RNG)
            np.random.seed(0)  # noqa: NPY002
            try:
                hierarchy = self._hierarchy(pyamg, expected_solves)
            finally:
                np.random.set_state(rng_state)  # noqa: NPY002
            self._preconditioner = hierarchy.aspreconditioner(cycle="V")
            if components is not None:
                self._preconditioner = self._projected(self._preconditioner, components)

    def _hierarchy(self, pyamg, expected_solves):
        return pyamg.smoothed_aggregation_solver(
            self.matrix,
            B=np.ones((self.n, 1)),
            symmetry="hermitian",
            improve_candidates=None,
            # few solves: Gershgorin-type local weights instead of a Krylov
            # estimate of the spectral radius (setup 2-3x cheaper, ~50% more
            # iterations); many solves: the estimate pays for itself
            smooth=("jacobi", {"weighting": "local" if expected_solves < 3 else "diagonal"}),
            presmoother=("gauss_seidel", {"sweep": "forward"}),
            postsmoother=("gauss_seidel", {"sweep": "backward"}),
            # the coarsest matrix of a singular Laplacian is singular too: cut its
            # round-off singular values, or the preconditioner blows up along the
            # constant vectors (1e16 amplification) and CG stagnates or diverges
            coarse_solver=("pinv", {"rtol": 1e-10}),
        )

    def _projected(self, preconditioner, components):
        from scipy.sparse.linalg import LinearOperator

        labels = np.asarray(components, dtype=np.int64)
        k = int(labels.max(initial=-1)) + 1
        counts = np.bincount(labels, minlength=k).astype(float)

        def project(x):
            if k == 1:
                return x - x.mean()
            return x - (np.bincount(labels, weights=x, minlength=k) / counts)[labels]

        def apply(r):
            return project(preconditioner @ project(np.ravel(r)))

        return LinearOperator(self.matrix.shape, matvec=apply, dtype=float)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Return ``x`` with ``A x = rhs``; *rhs* may be one vector or columns."""
        rhs = np.asarray(rhs, dtype=float)
        if rhs.shape[0] != self.n:
            raise ValueError(f"rhs must have {self.n} rows (one per node). Got shape {rhs.shape}.")
        if self.method == "direct":
            return self._lu.solve(rhs)
        if rhs.ndim == 1:
            return self._cg(rhs)
        return np.column_stack([self._cg(rhs[:, k]) for k in range(rhs.shape[1])])

    def _cg(self, b: np.ndarray) -> np.ndarray:
        from scipy.sparse.linalg import cg

        norm_b = float(np.linalg.norm(b))
        if norm_b == 0.0:
            self.iterations.append(0)
            return np.zeros_like(b)
        count = [0]

        def _count(_xk):
            count[0] += 1

        x, info = cg(
            self.matrix,
            b,
            rtol=self.rtol,
            atol=0.0,
            maxiter=self.maxiter,
            M=self._preconditioner,
            callback=_count,
        )
        self.iterations.append(count[0])
        residual = float(np.linalg.norm(b - self.matrix @ x)) / norm_b
        if info != 0 or not np.isfinite(residual) or residual > 10 * self.rtol:
            raise ConvergenceError(
                f"Conjugate gradient did not converge: relative residual {residual:.3e} "
                f"after {count[0]} iterations (rtol={self.rtol:g}, maxiter={self.maxiter}). "
                "Raise maxiter, use solver='direct' if the grid fits in memory, or check "
                "the resistance surface for extreme contrasts (ratios above 1e12)."
            )
        return x


# ====================================================================== raster graph
@dataclass(frozen=True)
class RasterGraph:
    """The circuit built from a raster: nodes, resistors and the cell-node map.

    Attributes
    ----------
    nodemap : numpy.ndarray
        Node index of every cell (int), ``-1`` where the cell is absent (nodata,
        barrier, or zero conductance). Cells of one short-circuit region share an
        index.
    n_nodes : int
        Number of nodes.
    i, j : numpy.ndarray
        End nodes of each resistor (``i != j``; a pair may appear several times,
        for instance a region touching a cell by two sides: conductances add).
    conductance : numpy.ndarray
        Conductance of each resistor (siemens if resistance is in ohm).
    resistance : numpy.ndarray
        Per-cell resistance used (NaN where absent; 0 allowed in regions).
    grid : Grid
        The unwrapped input (for georeferencing outputs).
    """

    nodemap: np.ndarray
    n_nodes: int
    i: np.ndarray
    j: np.ndarray
    conductance: np.ndarray
    resistance: np.ndarray
    grid: Grid = field(repr=False, default=None)

    def laplacian(self) -> sp.csr_matrix:
        """Weighted graph Laplacian :math:`L = D - A` (CSR, ``n_nodes x n_nodes``)."""
        return _lap.laplacian(self.n_nodes, self.i, self.j, self.conductance)

    def components(self) -> np.ndarray:
        """Connected-component label of every node."""
        return _lap.components(self.laplacian())

    def to_raster(self, node_values, *, fill: float = np.nan):
        """Spread one value per node over the cells (``fill`` where absent)."""
        values = np.asarray(node_values, dtype=float)
        out = _lap.to_raster(values, self.nodemap, fill=fill)
        return wrap_like(out, self.grid) if self.grid is not None else out


def _resistance_values(grid: Grid, values: str, regions: np.ndarray | None, *, name: str):
    """Per-cell resistance from the input grid, after the sign checks."""
    arr = grid.values
    finite = np.isfinite(arr)
    negative = finite & (arr < 0)
    if negative.any():
        r, c = np.argwhere(negative)[0]
        raise ValueError(
            f"{name} has {int(negative.sum())} negative cell(s), first at (row, col)=({r}, {c}) "
            f"with value {arr[r, c]!r}. {values.capitalize()} must be positive; mark "
            "missing cells as NaN and barriers as np.inf."
        )
    if values == "resistance":
        zero = finite & (arr == 0)
        if zero.any():
            allowed = np.zeros_like(zero) if regions is None else regions > 0
            bad = zero & ~allowed
            if bad.any():
                r, c = np.argwhere(bad)[0]
                raise ValueError(
                    f"{name} has {int(bad.sum())} zero-resistance cell(s) outside any "
                    f"short-circuit region, first at (row, col)=({r}, {c}). Zero "
                    "resistance would be an infinite conductance: give those cells a small "
                    "positive resistance, or put them in short_circuit regions."
                )
        return arr.copy()
    with np.errstate(divide="ignore"):
        res = 1.0 / arr
    res[~np.isfinite(res)] = np.nan  # zero conductance = no node (Circuitscape)
    return res


def _region_labels(short_circuit, grid: Grid, *, name: str = "short_circuit"):
    if short_circuit is None:
        return None
    if _is_dataarray(short_circuit) and grid.crs is not None:
        other = getattr(getattr(short_circuit, "rio", None), "crs", None)
        check_same_crs("resistance", grid.crs, name, other)
    region_grid = unwrap(name, short_circuit, allow_all_nodata=True)
    labels = region_grid.values
    if labels.shape != grid.values.shape:
        raise ValueError(
            f"{name} must have the shape of the resistance grid {grid.values.shape}. "
            f"Got shape {labels.shape}."
        )
    finite = np.isfinite(labels)
    if np.any(finite & (labels != np.round(labels))):
        raise ValueError(f"{name} must hold integer region labels (0 or NaN = no region).")
    return np.where(finite, labels, 0).astype(np.int64)


def _build_graph(
    grid: Grid, *, values, neighbors, connection, regions, name="resistance"
) -> RasterGraph:
    res = _resistance_values(grid, values, regions, name=name)
    valid = np.isfinite(res)
    nodemap, n_nodes = _lap.build_nodemap(valid, regions)
    if n_nodes == 0:
        raise ValueError(
            f"{name} has no valid cell: every cell is nodata, a barrier or has zero conductance."
        )
    with np.errstate(divide="ignore"):
        i, j, g = _lap.build_edges(res, nodemap, neighbors=neighbors, connection=connection)
    if not np.all(np.isfinite(g)):
        k = int(np.argmax(~np.isfinite(g)))
        if connection == "conductance":
            raise ValueError(
                f"A zero-resistance cell of a short-circuit region touches a cell outside it "
                f"(nodes {int(i[k])} and {int(j[k])}): with connection='conductance' (average "
                "conductance, the default) that link has infinite conductance. Give the cell a "
                "small positive resistance, or pass connection='resistance'."
            )
        raise ValueError(
            f"Zero-resistance cells of two different short-circuit regions touch (nodes "
            f"{int(i[k])} and {int(j[k])}): the link between them has infinite conductance. "
            "Give the touching regions one label."
        )
    return RasterGraph(nodemap, n_nodes, i, j, g, res, grid)


def raster_graph(
    resistance,
    *,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
) -> RasterGraph:
    r"""Build the resistor network (graph) that Circuitscape builds from a raster.

    Each valid cell becomes a node; neighbouring valid cells are joined by a
    resistor whose conductance follows Circuitscape's rules:

    .. math::

        g_{ab} = \frac{1}{w_{ab}} \cdot
        \begin{cases}
        \dfrac{1/r_a + 1/r_b}{2} & \text{average conductance (default)}\\[4pt]
        \dfrac{2}{r_a + r_b} & \text{average resistance}
        \end{cases}

    with :math:`r_a` the resistance of cell ``a`` (ohm per cell; the cell size
    does not enter, as in Circuitscape) and :math:`w_{ab} = 1` for edge
    neighbours, :math:`\sqrt{2}` for diagonal ones.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        2-D grid of resistances (or conductances, see *values*). NaN (or the
        raster's nodata) = absent cell; ``np.inf`` = absolute barrier, also absent.
    values : {"resistance", "conductance"}, default "resistance"
        What the grid holds. Conductance 0 means "no node", as in Circuitscape.
        Zero resistance is an error unless the cell lies in a short-circuit region.
    neighbors : {8, 4}, default 8
        Connect 8 neighbours (Circuitscape default) or 4.
    connection : {"conductance", "resistance"}, default :data:`DEFAULT_CONNECTION` ("conductance")
        Average conductance (the default of Circuitscape 4, Circuitscape.jl and
        Omniscape: ``connect_using_avg_resistances = False``) or average resistance
        (``connect_using_avg_resistances = True``).
    short_circuit : array_like, optional
        Integer labels of short-circuit regions (polygons), same shape; 0 or NaN =
        no region. All cells of a region become one node (zero resistance inside),
        including region cells that are nodata, as long as the region has one valid
        cell.

    Returns
    -------
    RasterGraph
        Node map, resistor list and helper methods (``laplacian()``,
        ``components()``, ``to_raster()``).

    Raises
    ------
    ValueError
        Negative values, zero resistance outside a region, no valid cell, bad
        option.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    Two cells of resistance 1 and 4. Average conductance (the default):
    ``g = (1/1 + 1/4) / 2 = 0.625``; average resistance: ``g = 2 / (1 + 4) = 0.4``.

    >>> g = raster_graph([[1.0, 4.0]])
    >>> g.n_nodes, g.conductance.tolist()
    (2, [0.625])
    >>> raster_graph([[1.0, 4.0]], connection="resistance").conductance.tolist()
    [0.4]
    >>> g.laplacian().toarray()
    array([[ 0.625, -0.625],
           [-0.625,  0.625]])
    """
    check_choice("values", values, _VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, _CONNECTIONS)
    grid = unwrap("resistance", resistance)
    regions = _region_labels(short_circuit, grid)
    return _build_graph(
        grid, values=values, neighbors=neighbors, connection=connection, regions=regions
    )


# ===================================================================== focal points
def _is_int_like(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _xy_to_cell(grid: Grid, x: float, y: float, label) -> tuple[int, int]:
    template = grid.template
    try:
        transform = template.rio.transform()
    except Exception as exc:  # pragma: no cover - DataArray without rio
        raise ValueError(
            f"focal point {label} is given as map coordinates (x, y) but the raster "
            "has no transform; give (row, col) instead."
        ) from exc
    col, row = ~transform * (float(x), float(y))
    return int(np.floor(row)), int(np.floor(col))


def _parse_focal(focal, grid: Grid, *, name: str = "focal") -> dict[int, np.ndarray]:
    """Return ``{focal id: flat cell indices}`` sorted by id.

    Accepted forms: a grid of ids (same shape; 0, negative or NaN = none); a
    sequence of (row, col) tuples (ids 1..k); a mapping id -> (row, col) or list
    of them (focal regions); for georeferenced rasters (x, y) float tuples or a
    GeoDataFrame/GeoSeries of points (CRS checked).
    """
    shape = grid.values.shape
    cells: dict[int, list[tuple[int, int]]] = {}
    labels: dict[int, str] = {}

    def _add(fid, rc, label):
        cells.setdefault(int(fid), []).append(rc)
        labels.setdefault(int(fid), label)

    def _position(point, fid):
        if not isinstance(point, (tuple, list, np.ndarray)) or len(point) != 2:
            raise TypeError(
                f"{name} point {fid} must be a (row, col) pair. Got {describe(point)}."
            )
        a, b = point
        if _is_int_like(a) and _is_int_like(b):
            return (int(a), int(b)), f"{fid} at (row, col)=({a}, {b})"
        if grid.template is not None and all(isinstance(v, numbers.Real) for v in (a, b)):
            rc = _xy_to_cell(grid, a, b, fid)
            return rc, f"{fid} at (x, y)=({a}, {b})"
        raise TypeError(
            f"{name} point {fid} must be integer (row, col) indices (or (x, y) map "
            f"coordinates for a georeferenced raster). Got {describe(point)}."
        )

    geometry = getattr(focal, "geometry", None)
    if geometry is not None and hasattr(focal, "crs") and not isinstance(focal, np.ndarray):
        if grid.crs is not None or focal.crs is not None:
            check_same_crs("resistance", grid.crs, name, focal.crs)
        if grid.template is None:
            raise TypeError(
                f"{name} is a GeoDataFrame but the resistance raster is a plain array; "
                "pass a georeferenced DataArray or give (row, col) cells."
            )
        geoms = focal.geometry if hasattr(focal, "geometry") else focal
        ids = (
            focal["id"].to_numpy()
            if hasattr(focal, "columns") and "id" in focal.columns
            else np.arange(1, len(geoms) + 1)
        )
        for fid, geom in zip(ids, geoms, strict=True):
            if geom is None or geom.geom_type != "Point":
                raise ValueError(f"{name} must hold point geometries. Got {describe(geom)}.")
            rc = _xy_to_cell(grid, geom.x, geom.y, fid)
            _add(fid, rc, f"{fid} at (x, y)=({geom.x}, {geom.y})")
    elif _is_dataarray(focal) or (
        isinstance(focal, np.ndarray) and focal.ndim == 2 and focal.shape == shape
    ):
        if _is_dataarray(focal) and grid.crs is not None:
            other = getattr(getattr(focal, "rio", None), "crs", None)
            check_same_crs("resistance", grid.crs, name, other)
        fgrid = unwrap(name, focal, allow_all_nodata=True)
        ids = fgrid.values
        if ids.shape != shape:
            raise ValueError(
                f"{name} grid must have the shape of the resistance grid {shape}. "
                f"Got shape {ids.shape}."
            )
        ok = np.isfinite(ids) & (ids > 0)
        if np.any(ids[ok] != np.round(ids[ok])):
            raise ValueError(f"{name} grid must hold integer focal ids (0 or NaN = none).")
        for r, c in np.argwhere(ok):
            fid = int(ids[r, c])
            _add(fid, (int(r), int(c)), f"{fid} at (row, col)=({r}, {c})")
    elif isinstance(focal, Mapping):
        for fid, spec in focal.items():
            if not _is_int_like(fid) or fid <= 0:
                raise ValueError(f"{name} ids must be positive integers. Got id {describe(fid)}.")
            many = (
                isinstance(spec, (list, tuple))
                and len(spec) > 0
                and isinstance(spec[0], (list, tuple, np.ndarray))
            )
            for point in spec if many else [spec]:
                rc, label = _position(point, fid)
                _add(fid, rc, label)
    elif isinstance(focal, (Sequence, np.ndarray)) and not isinstance(focal, str):
        for k, point in enumerate(focal, start=1):
            rc, label = _position(point, k)
            _add(k, rc, label)
    else:
        raise TypeError(
            f"{name} must be a list of (row, col) cells, a dict id -> cell(s), a grid of "
            f"focal ids or a GeoDataFrame of points. Got {describe(focal)}."
        )
    out: dict[int, np.ndarray] = {}
    nrows, ncols = shape
    for fid in sorted(cells):
        flat = []
        for r, c in cells[fid]:
            if not (0 <= r < nrows and 0 <= c < ncols):
                raise ValueError(
                    f"{name} point {labels[fid]} is outside the grid "
                    f"({nrows} rows x {ncols} columns)."
                )
            flat.append(r * ncols + c)
        out[fid] = np.unique(np.asarray(flat, dtype=np.int64))
    return out


def _check_focal_on_nodes(focal: dict[int, np.ndarray], nodemap: np.ndarray, name: str):
    flat = nodemap.ravel()
    ncols = nodemap.shape[1]
    for fid, idx in focal.items():
        if not np.any(flat[idx] >= 0):
            r, c = divmod(int(idx[0]), ncols)
            raise ValueError(
                f"{name} point {fid} at (row, col)=({r}, {c}) lies on a nodata or barrier "
                "cell, so no current can enter there. Move it onto a valid cell."
            )


def _merge_regions(base: np.ndarray | None, shape, regions: list[np.ndarray]) -> np.ndarray:
    """Union of short-circuit labels and focal regions (each region = one node).

    A focal region and every short-circuit region it touches become one region.
    """
    labels = np.zeros(int(np.prod(shape)), dtype=np.int64) if base is None else base.ravel().copy()
    nxt = int(labels.max(initial=0)) + 1
    for idx in regions:
        touched = np.unique(labels[idx])
        touched = touched[touched > 0]
        if touched.size:
            labels[np.isin(labels, touched)] = nxt
        labels[idx] = nxt
        nxt += 1
    return labels.reshape(shape)


# =========================================================================== engine
def _choose_method(solver: str, n: int) -> str:
    if solver == "auto":
        return "direct" if n <= DIRECT_SOLVER_LIMIT else "amg"
    return solver


def _floating_grounds(lap: sp.csr_matrix, comp: np.ndarray, direct: np.ndarray) -> np.ndarray:
    """Ground one node in every component that has no ground (RHS is zero there)."""
    grounded_comp = np.zeros(comp.max(initial=-1) + 1, dtype=bool)
    grounded_comp[comp[direct]] = True
    _, first = np.unique(comp, return_index=True)
    extra = direct.copy()
    extra[first[~grounded_comp]] = True
    return extra


class _PairwiseBasis:
    """Voltages for unit injections at focal nodes, one reference node per component.

    ``potential(p)`` solves :math:`L x = e_p - e_g` with ``g`` the first focal
    node of ``p``'s component, so any pair follows by superposition:
    :math:`L (x_b - x_a) = e_b - e_a`. The direct solver grounds ``g`` (an
    identity row: nonsingular); the multigrid solver works on the singular
    Laplacian with these consistent right-hand sides, as Circuitscape.jl does,
    which keeps the constant vector as the exact near-null space of the
    hierarchy and converges in fewer iterations than a grounded matrix.
    """

    def __init__(self, lap, comp, nodes: np.ndarray, *, solver, rtol, maxiter):
        n = lap.shape[0]
        self.comp = comp
        self.several = bool(comp.max(initial=0) > 0)
        self.n = n
        uniq = list(dict.fromkeys(int(v) for v in nodes))
        ground_of: dict[int, int] = {}
        for v in uniq:
            ground_of.setdefault(int(comp[v]), v)
        self.ground_of = ground_of
        free = [v for v in uniq if ground_of[int(comp[v])] != v]
        self.column = {v: k for k, v in enumerate(free)}
        method = _choose_method(solver, n)
        if method == "direct":
            direct = np.zeros(n, dtype=bool)
            direct[list(ground_of.values())] = True
            direct = _floating_grounds(lap, comp, direct)
            matrix = _lap.grounded_matrix(lap, direct)
        else:
            matrix = _lap.with_unit_isolated(lap)
        self.solver = LaplacianSolver(
            matrix,
            solver=method,
            rtol=rtol,
            maxiter=maxiter,
            components=comp if method == "amg" else None,
            expected_solves=len(free),
        )
        if free:
            rhs = np.zeros((n, len(free)))
            cols = np.arange(len(free))
            rhs[free, cols] = 1.0
            if method == "amg":
                rhs[[ground_of[int(comp[v])] for v in free], cols] = -1.0
            # column-major: each potential is a contiguous vector
            self.x = np.asfortranarray(np.asarray(self.solver.solve(rhs)).reshape(n, len(free)))
        else:
            self.x = np.zeros((n, 0))

    def potential(self, node: int) -> np.ndarray:
        k = self.column.get(int(node))
        return np.zeros(self.n) if k is None else self.x[:, k]

    def pair(self, a: int, b: int) -> tuple[float, np.ndarray]:
        """Effective resistance and voltages (NaN off the component), ``v_a = 0``."""
        v = self.potential(b) - self.potential(a)
        v -= v[a]
        if self.several:
            v[self.comp != self.comp[a]] = np.nan
        return float(v[b]), v


def _ids_frame(ids, matrix) -> pd.DataFrame:
    frame = pd.DataFrame(matrix, index=list(ids), columns=list(ids))
    frame.index.name = "focal_id"
    frame.columns.name = "focal_id"
    return frame


def _solver_args(solver, rtol, maxiter):
    check_choice("solver", solver, _SOLVERS)
    check_positive("rtol", rtol)
    return {"solver": solver, "rtol": rtol, "maxiter": maxiter}


def _wrap(values, grid: Grid, name):
    return wrap_like(values, grid, name=name)


# ========================================================================= pairwise
@dataclass
class PairwiseResult:
    """Results of :func:`pairwise_resistance`.

    Attributes
    ----------
    resistances : pandas.DataFrame
        Effective resistance (ohm) between focal ids; 0 on the diagonal and
        between ids on the same node; ``-1`` for pairs in different components
        (no path: infinite resistance, Circuitscape's code).
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

    def three_columns(self) -> pd.DataFrame:
        """Resistances as Circuitscape's 3-column table (id_a < id_b)."""
        ids = list(self.resistances.index)
        rows = [
            (a, b, float(self.resistances.loc[a, b]))
            for k, a in enumerate(ids)
            for b in ids[k + 1 :]
        ]
        return pd.DataFrame(rows, columns=["id_a", "id_b", "resistance"])


def _pairs_to_solve(ids, pairs):
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
        tuples or a GeoDataFrame of points (same CRS) are accepted.
    values, neighbors, connection, short_circuit
        Graph options, see :func:`raster_graph`.
    pairs : list of (id_a, id_b), optional
        Only solve these pairs (Circuitscape's "included pairs"); the others are
        reported as -1.
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
        Resistance table (ohm; 0 on the diagonal; ``-1`` = disconnected pair,
        infinite resistance), current maps (A, >= 0; NaN on absent cells).

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
    A 1 x 3 strip of unit resistances, 4 neighbours: two 1-ohm links in series.

    >>> out = pairwise_resistance([[1.0, 1.0, 1.0]], [(0, 0), (0, 2)], neighbors=4)
    >>> float(out.resistances.loc[1, 2])
    2.0
    >>> out.cumulative_current
    array([[1., 1., 1.]])
    """
    check_choice("values", values, _VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, _CONNECTIONS)
    opts = _solver_args(solver, rtol, maxiter)
    grid = unwrap("resistance", resistance)
    regions = _region_labels(short_circuit, grid)
    graph = _build_graph(
        grid, values=values, neighbors=neighbors, connection=connection, regions=regions
    )
    foc = _parse_focal(focal, grid)
    if len(foc) < 2:
        raise ValueError(
            f"pairwise mode needs at least two focal ids. Got {len(foc)} "
            f"(ids {list(foc)}). Add focal points, or use one_to_all/advanced."
        )
    _check_focal_on_nodes(foc, graph.nodemap, "focal")
    ids = list(foc)
    todo = _pairs_to_solve(ids, pairs)
    has_regions = any(len(v) > 1 for v in foc.values())
    if has_regions:
        core = _pairwise_regions(
            grid,
            graph,
            regions,
            foc,
            todo,
            values,
            neighbors,
            connection,
            opts,
            current_maps,
            pair_maps,
        )
    else:
        core = _pairwise_points(graph, foc, todo, opts, current_maps, pair_maps)
    matrix, cum, mx, cmaps, vmaps, method = core
    index = {fid: k for k, fid in enumerate(ids)}
    table = np.full((len(ids), len(ids)), -1.0)
    for (a, b), r in matrix.items():
        table[index[a], index[b]] = table[index[b], index[a]] = r
    np.fill_diagonal(table, 0.0)
    absent = graph.nodemap < 0
    if cum is not None:
        cum = np.where(absent & (cum == 0), np.nan, cum)
        mx = np.where(absent & (mx == 0), np.nan, mx)
    return PairwiseResult(
        resistances=_ids_frame(ids, table),
        cumulative_current=None if cum is None else _wrap(cum, grid, "cumulative_current"),
        max_current=None if mx is None else _wrap(mx, grid, "max_current"),
        current_maps={k: _wrap(v, grid, "current") for k, v in cmaps.items()},
        voltage_maps={k: _wrap(v, grid, "voltage") for k, v in vmaps.items()},
        graph=graph,
        solver=method,
    )


def _pairwise_points(graph: RasterGraph, foc, todo, opts, current_maps, pair_maps):
    nodemap = graph.nodemap.ravel()
    node_of = {fid: int(nodemap[idx[0]]) for fid, idx in foc.items()}
    lap = graph.laplacian()
    comp = _lap.components(lap)
    nodes = np.array([node_of[f] for f in foc])
    basis = _PairwiseBasis(lap, comp, nodes, **opts)
    n = graph.n_nodes
    cum = np.zeros(n) if current_maps else None
    mx = np.zeros(n) if current_maps else None
    matrix, cmaps, vmaps = {}, {}, {}
    for a, b in todo:
        na, nb = node_of[a], node_of[b]
        if comp[na] != comp[nb]:
            continue
        if na == nb:
            matrix[(a, b)] = 0.0
            if pair_maps:
                zero = np.where(graph.nodemap >= 0, 0.0, np.nan)
                cmaps[(a, b)] = zero
                vmaps[(a, b)] = zero.copy()
            continue
        r, v = basis.pair(na, nb)
        matrix[(a, b)] = r
        if current_maps or pair_maps:
            vz = np.nan_to_num(v, nan=0.0) if basis.several else v
            cur = _lap.node_currents(n, graph.i, graph.j, graph.conductance, vz)
            if current_maps:
                cum += cur
                np.maximum(mx, cur, out=mx)
            if pair_maps:
                cmaps[(a, b)] = _lap.to_raster(cur, graph.nodemap)
                vmaps[(a, b)] = _lap.to_raster(v, graph.nodemap)
    to_r = (lambda x: _lap.to_raster(x, graph.nodemap, fill=0.0)) if current_maps else None
    return (
        matrix,
        None if cum is None else to_r(cum),
        None if mx is None else to_r(mx),
        cmaps,
        vmaps,
        basis.solver.method,
    )


def _pairwise_regions(
    grid, graph, regions, foc, todo, values, neighbors, connection, opts, current_maps, pair_maps
):
    shape = grid.values.shape
    cum = np.zeros(shape) if current_maps else None
    mx = np.zeros(shape) if current_maps else None
    matrix, cmaps, vmaps = {}, {}, {}
    method = ""
    for a, b in todo:
        merged = _merge_regions(regions, shape, [foc[f] for f in (a, b) if len(foc[f]) > 1])
        g2 = _build_graph(
            grid, values=values, neighbors=neighbors, connection=connection, regions=merged
        )
        flat = g2.nodemap.ravel()
        na = int(flat[foc[a]][flat[foc[a]] >= 0][0])
        nb = int(flat[foc[b]][flat[foc[b]] >= 0][0])
        lap = g2.laplacian()
        comp = _lap.components(lap)
        if comp[na] != comp[nb]:
            continue
        if na == nb:
            matrix[(a, b)] = 0.0
            if pair_maps:
                zero = np.where(g2.nodemap >= 0, 0.0, np.nan)
                cmaps[(a, b)] = zero
                vmaps[(a, b)] = zero.copy()
            continue
        basis = _PairwiseBasis(lap, comp, np.array([na, nb]), **opts)
        method = basis.solver.method
        r, v = basis.pair(na, nb)
        matrix[(a, b)] = r
        if current_maps or pair_maps:
            cur = _lap.node_currents(
                g2.n_nodes, g2.i, g2.j, g2.conductance, np.nan_to_num(v, nan=0.0)
            )
            cur_r = _lap.to_raster(cur, g2.nodemap, fill=0.0)
            if current_maps:
                cum += cur_r
                np.maximum(mx, cur_r, out=mx)
            if pair_maps:
                cmaps[(a, b)] = _lap.to_raster(cur, g2.nodemap)
                vmaps[(a, b)] = _lap.to_raster(v, g2.nodemap)
    return matrix, cum, mx, cmaps, vmaps, method


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
        them (pairwise tables report this as -1, like Circuitscape).

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
    1 ohm (4 neighbours, unit cells: every link is 1 ohm).

    >>> effective_resistance([[1.0, 1.0], [1.0, 1.0]], (0, 0), (1, 1), neighbors=4)
    1.0
    """
    check_choice("values", values, _VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, _CONNECTIONS)
    opts = _solver_args(solver, rtol, maxiter)
    grid = unwrap("resistance", resistance)
    regions = _region_labels(short_circuit, grid)
    graph = _build_graph(
        grid, values=values, neighbors=neighbors, connection=connection, regions=regions
    )
    foc = _parse_focal({1: a, 2: b}, grid, name="cell")
    _check_focal_on_nodes(foc, graph.nodemap, "cell")
    flat = graph.nodemap.ravel()
    na, nb = int(flat[foc[1][0]]), int(flat[foc[2][0]])
    if na == nb:
        return 0.0
    lap = graph.laplacian()
    comp = _lap.components(lap)
    if comp[na] != comp[nb]:
        return float("inf")
    basis = _PairwiseBasis(lap, comp, np.array([na, nb]), **opts)
    return basis.pair(na, nb)[0]


# ================================================================ one-to-all / all-to-one
@dataclass
class OneToAllResult:
    """Results of :func:`one_to_all` and :func:`all_to_one`.

    Attributes
    ----------
    resistances : pandas.Series or None
        One-to-all: effective resistance (ohm) between each focal id and all
        other focal ids grounded together, i.e. voltage at the source divided by
        its strength; ``-1`` when no other focal id is connected. None for
        all-to-one.
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


def _setup_one_to_all(resistance, focal, values, neighbors, connection, short_circuit):
    check_choice("values", values, _VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, _CONNECTIONS)
    grid = unwrap("resistance", resistance)
    regions = _region_labels(short_circuit, grid)
    foc = _parse_focal(focal, grid)
    if len(foc) < 1:
        raise ValueError("focal holds no focal point; give at least one.")
    merged = _merge_regions(regions, grid.values.shape, list(foc.values()))
    graph = _build_graph(
        grid, values=values, neighbors=neighbors, connection=connection, regions=merged
    )
    _check_focal_on_nodes(foc, graph.nodemap, "focal")
    flat = graph.nodemap.ravel()
    node_of = {fid: int(flat[idx][flat[idx] >= 0][0]) for fid, idx in foc.items()}
    return grid, graph, foc, node_of


def one_to_all(
    resistance,
    focal,
    *,
    source_strengths=None,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
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
    id_maps : bool, default False
        Keep the current and voltage map of every id.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    OneToAllResult
        ``resistances`` per id (ohm, -1 when the id has no other focal node in
        its component), cumulative and maximum current maps (A).

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
    opts = _solver_args(solver, rtol, maxiter)
    grid, graph, foc, node_of = _setup_one_to_all(
        resistance, focal, values, neighbors, connection, short_circuit
    )
    ids = list(foc)
    strength = _strengths_for(ids, source_strengths)
    n = graph.n_nodes
    lap = graph.laplacian()
    comp = _lap.components(lap)
    focal_nodes = np.unique(np.array(list(node_of.values())))
    direct = np.zeros(n, dtype=bool)
    direct[focal_nodes] = True
    # Free nodes in a part of the graph that touches no focal node would float:
    # ground one of them per such part (their right-hand side is zero anyway).
    tie = np.zeros(n)
    gi, gj, gg = graph.i, graph.j, graph.conductance
    cross_i = direct[gj] & ~direct[gi]
    cross_j = direct[gi] & ~direct[gj]
    tie += np.bincount(gi[cross_i], weights=gg[cross_i], minlength=n)
    tie += np.bincount(gj[cross_j], weights=gg[cross_j], minlength=n)
    matrix0 = _lap.grounded_matrix(lap, direct)
    sub = _lap.components(matrix0)
    has_tie = np.zeros(sub.max() + 1, dtype=bool)
    np.logical_or.at(has_tie, sub, (tie > 0) | direct)
    _, first = np.unique(sub, return_index=True)
    direct2 = direct.copy()
    direct2[first[~has_tie]] = True
    matrix = _lap.grounded_matrix(lap, direct2) if direct2.sum() > direct.sum() else matrix0
    solver_obj = LaplacianSolver(matrix, **opts, expected_solves=len(focal_nodes))
    # right-hand sides: minus the coupling column of each distinct source node
    sources = [int(v) for v in focal_nodes]
    lap_csc = lap.tocsc()
    rhs = np.zeros((n, len(sources)))
    for k, s in enumerate(sources):
        col = lap_csc[:, s].toarray().ravel()
        col[direct2] = 0.0
        rhs[:, k] = -col
    y = np.asarray(solver_obj.solve(rhs)).reshape(n, len(sources))
    column = {s: k for k, s in enumerate(sources)}
    diag = lap.diagonal()
    res = {}
    cum = np.zeros(n)
    mx = np.zeros(n)
    cmaps, vmaps = {}, {}
    count_in_comp = {}
    for v in sources:
        count_in_comp[comp[v]] = count_in_comp.get(comp[v], 0) + 1
    for fid in ids:
        s = node_of[fid]
        if count_in_comp[comp[s]] < 2:
            res[fid] = -1.0
            if id_maps:
                zero = np.where(graph.nodemap >= 0, 0.0, np.nan)
                cmaps[fid], vmaps[fid] = zero, zero.copy()
            continue
        ys = y[:, column[s]]
        lap_row = lap_csc[:, s].toarray().ravel()  # symmetric: row == column
        lap_row[direct2] = 0.0
        schur = diag[s] + float(lap_row @ ys)
        vs = strength[fid] / schur
        v = ys * vs
        v[direct2] = 0.0
        v[s] = vs
        res[fid] = vs / strength[fid]
        cur = _lap.node_currents(n, graph.i, graph.j, graph.conductance, v)
        cum += cur
        np.maximum(mx, cur, out=mx)
        if id_maps:
            vv = v.copy()
            vv[comp != comp[s]] = np.nan
            cmaps[fid] = _lap.to_raster(cur, graph.nodemap)
            vmaps[fid] = _lap.to_raster(vv, graph.nodemap)
    series = pd.Series(res, name="resistance", dtype=float)
    series.index.name = "focal_id"
    return OneToAllResult(
        resistances=series,
        cumulative_current=_wrap(_lap.to_raster(cum, graph.nodemap), grid, "cumulative_current"),
        max_current=_wrap(_lap.to_raster(mx, graph.nodemap), grid, "max_current"),
        current_maps={k: _wrap(v, grid, "current") for k, v in cmaps.items()},
        voltage_maps={k: _wrap(v, grid, "voltage") for k, v in vmaps.items()},
        graph=graph,
        solver=solver_obj.method,
    )


def all_to_one(
    resistance,
    focal,
    *,
    source_strengths=None,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
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
    resistance, focal, source_strengths, values, neighbors, connection, short_circuit, id_maps, solver, rtol, maxiter
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
    opts = _solver_args(solver, rtol, maxiter)
    grid, graph, foc, node_of = _setup_one_to_all(
        resistance, focal, values, neighbors, connection, short_circuit
    )
    ids = list(foc)
    strength = _strengths_for(ids, source_strengths)
    n = graph.n_nodes
    lap = graph.laplacian()
    comp = _lap.components(lap)
    nodes = np.array([node_of[f] for f in ids])
    basis = _PairwiseBasis(lap, comp, nodes, **opts)
    # injection per focal id (the cells of one id share its node), as in Circuitscape
    inject = {fid: strength[fid] for fid in ids}
    cum = np.zeros(n)
    mx = np.zeros(n)
    cmaps, vmaps = {}, {}
    for t in ids:
        nt = node_of[t]
        v = np.zeros(n)
        total = 0.0
        for p in ids:
            npn = node_of[p]
            if npn == nt or comp[npn] != comp[nt]:
                continue
            v += inject[p] * basis.potential(npn)
            total += inject[p]
        if total == 0.0:
            cur = np.zeros(n)
            vv = np.where(comp == comp[nt], 0.0, np.nan)
        else:
            v -= total * basis.potential(nt)
            v = v - v[nt]
            v[comp != comp[nt]] = 0.0
            cur = _lap.node_currents(n, graph.i, graph.j, graph.conductance, v)
            vv = np.where(comp == comp[nt], v, np.nan)
        cum += cur
        np.maximum(mx, cur, out=mx)
        if id_maps:
            cmaps[t] = _lap.to_raster(cur, graph.nodemap)
            vmaps[t] = _lap.to_raster(vv, graph.nodemap)
    return OneToAllResult(
        resistances=None,
        cumulative_current=_wrap(_lap.to_raster(cum, graph.nodemap), grid, "cumulative_current"),
        max_current=_wrap(_lap.to_raster(mx, graph.nodemap), grid, "max_current"),
        current_maps={k: _wrap(v, grid, "current") for k, v in cmaps.items()},
        voltage_maps={k: _wrap(v, grid, "voltage") for k, v in vmaps.items()},
        graph=graph,
        solver=basis.solver.method,
    )


# =========================================================================== advanced
@dataclass
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


def _resolve_sources_grounds(src, gnd, policy):
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


def _check_left(src, gnd, policy):
    for name, arr in (("source", src), ("ground", gnd)):
        if not np.any(arr != 0):
            raise ValueError(
                f"No {name} is left after resolving nodes that are both source and ground "
                f"with policy={policy!r}. Use policy='keepall' or move the {name}s."
            )


def _solve_advanced(n, lap, comp, src, gnd, opts):
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
    anchor = _floating_grounds(lap, comp, direct | (finite > 0))
    anchor &= ~(finite > 0) | direct
    matrix = _lap.grounded_matrix(lap, anchor, finite)
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
    check_choice("ground_is", ground_is, _VALUES)
    check_choice("policy", policy, _POLICIES)
    check_choice("values", values, _VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, _CONNECTIONS)
    opts = _solver_args(solver, rtol, maxiter)
    grid = unwrap("resistance", resistance)
    regions = _region_labels(short_circuit, grid)
    graph = _build_graph(
        grid, values=values, neighbors=neighbors, connection=connection, regions=regions
    )
    src_cells = _aligned("sources", sources, grid)
    gnd_cells = _aligned("grounds", grounds, grid, keep_inf=True)
    src_cells = np.where(np.isfinite(src_cells), src_cells, 0.0)
    has_gnd = ~np.isnan(gnd_cells)
    if np.any(gnd_cells[has_gnd] < 0):
        raise ValueError("grounds must be non-negative; found negative cells.")
    if unit_currents:
        src_cells = (src_cells != 0).astype(float)
    with np.errstate(divide="ignore"):
        if direct_grounds:
            gcond = np.where(has_gnd, np.inf, 0.0)
        elif ground_is == "resistance":
            gcond = np.where(has_gnd, 1.0 / np.where(has_gnd, gnd_cells, 1.0), 0.0)
        else:
            gcond = np.where(has_gnd, gnd_cells, 0.0)
    n = graph.n_nodes
    flat = graph.nodemap.ravel()
    on = flat >= 0
    src = np.bincount(flat[on], weights=src_cells.ravel()[on], minlength=n)
    gflat = gcond.ravel()[on]
    inf_nodes = np.unique(flat[on][np.isinf(gflat)])
    gnd = np.bincount(flat[on], weights=np.where(np.isinf(gflat), 0.0, gflat), minlength=n)
    gnd[inf_nodes] = np.inf
    if not np.any(src != 0):
        raise ValueError("sources has no nonzero cell on a valid (non-nodata) cell.")
    if not np.any(gnd > 0):
        raise ValueError("grounds has no ground on a valid (non-nodata) cell.")
    src, gnd = _resolve_sources_grounds(src, gnd, policy)
    _check_left(src, gnd, policy)
    lap = graph.laplacian()
    comp = _lap.components(lap)
    v, fin, method = _solve_advanced(n, lap, comp, src, gnd, opts)
    cur = _lap.node_currents(
        n, graph.i, graph.j, graph.conductance, np.nan_to_num(v, nan=0.0), fin
    )
    return AdvancedResult(
        voltage=_wrap(_lap.to_raster(v, graph.nodemap), grid, "voltage"),
        current=_wrap(_lap.to_raster(cur, graph.nodemap), grid, "current"),
        graph=graph,
        solver=method,
    )


def _aligned(name, raster, grid: Grid, *, keep_inf: bool = False) -> np.ndarray:
    """Read a grid beside the resistance surface (sources, grounds, masks): same shape, CRS.

    Read with the one raster adapter, so its nodata value (``rio.nodata``, even an
    encoded 0 or -9999) is masked as NaN; ``+inf`` is kept with *keep_inf*.
    """
    return unwrap(name, raster, like=grid, keep_inf=keep_inf, allow_all_nodata=True).values


# ============================================================================ network
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
    upper = sp.triu(lap, k=1).tocoo()
    keep = upper.data != 0
    return upper.row[keep].astype(np.int64), upper.col[keep].astype(np.int64), -upper.data[keep]


def _node_index(ids: np.ndarray, nodes, name: str) -> np.ndarray:
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


@dataclass
class NetworkPairwiseResult:
    """Results of :func:`network_pairwise` (node ids as in the edge list).

    Attributes
    ----------
    resistances : pandas.DataFrame
        Effective resistance between focal nodes; 0 on the diagonal; -1 for
        pairs in different components.
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
        Only solve these pairs; others are -1.
    pair_outputs : bool, default True
        Keep voltages and currents of every pair.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    NetworkPairwiseResult
        Resistances (ohm, -1 = disconnected), per-pair and cumulative currents (A).

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
    check_choice("values", values, _VALUES)
    opts = _solver_args(solver, rtol, maxiter)
    ids, i, j, g = _network_edges(edges, values)
    focal = list(dict.fromkeys(int(v) for v in np.asarray(focal_nodes).ravel()))
    if len(focal) < 2:
        raise ValueError(f"pairwise mode needs at least two focal nodes. Got focal_nodes={focal}.")
    nodes = _node_index(ids, focal, "focal_nodes")
    n = len(ids)
    lap = _lap.laplacian(n, i, j, g)
    comp = _lap.components(lap)
    ei, ej, eg = _merged_edges(lap)
    basis = _PairwiseBasis(lap, comp, nodes, **opts)
    node_of = dict(zip(focal, nodes.tolist(), strict=True))
    todo = (
        _pairs_to_solve(focal, pairs)
        if pairs is not None
        else [(a, b) for k, a in enumerate(focal) for b in focal[k + 1 :]]
    )
    table = np.full((len(focal), len(focal)), -1.0)
    index = {f: k for k, f in enumerate(focal)}
    cum_node = np.zeros(n)
    cum_branch = np.zeros(len(eg))
    out = NetworkPairwiseResult(resistances=None, solver=basis.solver.method)
    for a, b in todo:
        na, nb = node_of[a], node_of[b]
        if comp[na] != comp[nb]:
            continue
        r, v = basis.pair(na, nb)
        table[index[a], index[b]] = table[index[b], index[a]] = r
        vz = np.nan_to_num(v, nan=0.0)
        cur = _lap.node_currents(n, ei, ej, eg, vz)
        branch = np.abs(_lap.edge_currents(ei, ej, eg, vz))
        cum_node += cur
        cum_branch += branch
        if pair_outputs:
            inside = comp == comp[na]
            e_in = inside[ei]
            out.voltages[(a, b)] = pd.Series(v[inside], index=ids[inside], name="voltage")
            out.node_currents[(a, b)] = pd.Series(cur[inside], index=ids[inside], name="current")
            out.branch_currents[(a, b)] = pd.DataFrame(
                {"node_a": ids[ei[e_in]], "node_b": ids[ej[e_in]], "current": branch[e_in]}
            )
    np.fill_diagonal(table, 0.0)
    out.resistances = _ids_frame(focal, table)
    out.cumulative_node_currents = pd.Series(cum_node, index=ids, name="current")
    out.cumulative_branch_currents = pd.DataFrame(
        {"node_a": ids[ei], "node_b": ids[ej], "current": cum_branch}
    )
    return out


@dataclass
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
    check_choice("values", values, _VALUES)
    check_choice("ground_is", ground_is, _VALUES)
    check_choice("policy", policy, _POLICIES)
    opts = _solver_args(solver, rtol, maxiter)
    ids, i, j, g = _network_edges(edges, values)
    n = len(ids)
    src, _ = _node_values(ids, sources, "sources")
    if unit_currents:
        src = (src > 0).astype(float)
    graw, gpos = _node_values(ids, grounds, "grounds")
    gmask = np.zeros(n, dtype=bool)
    gmask[gpos] = True
    with np.errstate(divide="ignore"):
        if direct_grounds:
            gnd = np.where(gmask, np.inf, 0.0)
        elif ground_is == "resistance":
            gnd = np.where(gmask, 1.0 / np.where(gmask, graw, 1.0), 0.0)
        else:
            gnd = graw
    if not np.any(src > 0):
        raise ValueError("sources has no positive current.")
    if not np.any(gnd > 0):
        raise ValueError("grounds has no ground (all conductances are zero).")
    src, gnd = _resolve_sources_grounds(src, gnd, policy)
    _check_left(src, gnd, policy)
    lap = _lap.laplacian(n, i, j, g)
    comp = _lap.components(lap)
    v, fin, method = _solve_advanced(n, lap, comp, src, gnd, opts)
    ei, ej, eg = _merged_edges(lap)
    vz = np.nan_to_num(v, nan=0.0)
    cur = _lap.node_currents(n, ei, ej, eg, vz, fin)
    branch = np.abs(_lap.edge_currents(ei, ej, eg, vz))
    return NetworkAdvancedResult(
        voltages=pd.Series(v, index=ids, name="voltage"),
        node_currents=pd.Series(cur, index=ids, name="current"),
        branch_currents=pd.DataFrame({"node_a": ids[ei], "node_b": ids[ej], "current": branch}),
        solver=method,
    )


# ======================================================================= pinch points
@dataclass
class PinchPointResult:
    """Results of :func:`pinch_points`.

    Attributes
    ----------
    current : array or DataArray
        Current map inside the corridor (A; 1 A between each pair of cores,
        summed over pairs); NaN outside the corridor and on absent cells. High
        values inside a corridor are its pinch points.
    resistances : pandas.DataFrame
        Effective resistance between cores through the corridor (ohm; -1 = the
        corridor does not join them).
    corridor : numpy.ndarray
        The boolean corridor mask used (cores included).
    """

    current: object
    resistances: pd.DataFrame
    corridor: np.ndarray
    solver: str = ""


def pinch_points(
    resistance,
    cores,
    corridor,
    *,
    cutoff: float | None = None,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> PinchPointResult:
    r"""Pinch points: circuit current between cores, restricted to a corridor.

    Pinchpoint Mapper (McRae 2012, part of Linkage Mapper, McRae & Kavanagh
    2011) clips the resistance surface to a least-cost corridor and runs
    Circuitscape between the two core areas it joins; the cores are focal
    regions (each short-circuited into one node). Where the corridor narrows or
    has no alternative route, current concentrates: a pinch point. The corridor
    is usually the normalised least-cost corridor

    .. math:: NLCC = CWD_A + CWD_B - LCD_{AB} \le \text{cutoff},

    with :math:`CWD` the cost-weighted distance from each core and
    :math:`LCD_{AB}` the least-cost distance between them.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (NaN/inf = absent).
    cores : array_like
        Integer core ids per cell (0/NaN = not a core), same shape; at least two
        ids. With more than two, every pair is solved inside the corridor and the
        currents summed (Pinchpoint Mapper's all-pairs option).
    corridor : array_like of bool, or of float with *cutoff*
        Boolean mask of the corridor, or a normalised least-cost corridor raster
        (cost units above the least-cost path; for example from
        :mod:`gpec_teach.least_cost`) cut at ``<= cutoff``. Core cells are always
        kept.
    cutoff : float, optional
        Corridor width (cost units) when *corridor* holds normalised values.
    values, neighbors, connection
        Graph options, see :func:`raster_graph`.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    PinchPointResult
        Current map (A, NaN outside the corridor), resistances, mask.

    Raises
    ------
    ValueError
        Fewer than two cores, shapes differ, non-boolean corridor without a cutoff.

    References
    ----------
    McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
    Software. The Nature Conservancy; Pinchpoint Mapper: McRae, B. H. (2012),
    https://circuitscape.org/linkagemapper/.
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    Two cores (left and right columns) joined by a 1-cell-wide corridor: the
    whole 1 A passes through every corridor cell, and the resistance is that of
    four 1-ohm links in series (core 1 - three corridor cells - core 2).

    >>> import numpy as np
    >>> r = np.ones((3, 5))
    >>> cores = np.zeros((3, 5)); cores[:, 0] = 1; cores[:, 4] = 2
    >>> corridor = np.zeros((3, 5), bool); corridor[1, :] = True
    >>> out = pinch_points(r, cores, corridor, neighbors=4)
    >>> out.current[1].tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    >>> float(out.resistances.loc[1, 2])
    4.0
    """
    check_choice("values", values, _VALUES)
    grid = unwrap("resistance", resistance)
    core_ids = _aligned("cores", cores, grid)
    core_ids = np.where(np.isfinite(core_ids), core_ids, 0)
    mask_in = corridor.values if _is_dataarray(corridor) else np.asarray(corridor)
    if mask_in.shape != grid.values.shape:
        raise ValueError(
            f"corridor must have the shape of the resistance grid {grid.values.shape}. "
            f"Got shape {mask_in.shape}."
        )
    if mask_in.dtype == bool:
        if cutoff is not None:
            raise ValueError(
                "cutoff applies to a normalised corridor raster, not to a boolean mask."
            )
        mask = mask_in.copy()
    else:
        if cutoff is None:
            raise ValueError(
                "corridor holds numbers: give cutoff= (corridor width in cost units) to "
                "turn the normalised least-cost corridor into a mask, or pass a boolean mask."
            )
        cutoff = check_positive("cutoff", cutoff, allow_zero=True)
        vals = np.asarray(mask_in, dtype=float)
        mask = np.isfinite(vals) & (vals <= cutoff)
    mask |= core_ids > 0
    clipped = np.where(mask, grid.values, np.nan)
    if np.unique(core_ids[core_ids > 0]).size < 2:
        raise ValueError("cores must hold at least two core ids (integer labels > 0).")
    clipped_in = wrap_like(clipped, grid) if grid.template is not None else clipped
    out = pairwise_resistance(
        clipped_in,
        np.asarray(core_ids),
        values=values,
        neighbors=neighbors,
        connection=connection,
        solver=solver,
        rtol=rtol,
        maxiter=maxiter,
    )
    current = out.cumulative_current
    current_arr = current.values if _is_dataarray(current) else current
    current_arr = np.where(mask, current_arr, np.nan)
    return PinchPointResult(
        current=_wrap(current_arr, grid, "current"),
        resistances=out.resistances,
        corridor=mask,
        solver=out.solver,
    )


# ========================================================================== omniscape
@dataclass(frozen=True)
class OmniscapeCondition:
    """One condition of Omniscape's conditional connectivity.

    A source cell is connected to a target only if its present-day value of the
    condition matches the target's value (Landau et al. 2021, "climate
    connectivity"). The target's value is taken over its block: the median for
    ``"within"``, the most frequent value for ``"equal"``, read from *future* when
    given (sources now, targets in the future) and from *present* otherwise.

    Attributes
    ----------
    present : array_like or xarray.DataArray
        The condition today, one value per cell (same shape as the resistance).
        NaN = unknown: such a source cell is kept (no comparison possible).
    future : array_like or xarray.DataArray, optional
        The condition in the future, compared at the targets.
    comparison : {"within", "equal"}, default "within"
        ``"within"``: keep a source when
        ``lower <= present(source) - value(target) <= upper``; ``"equal"``: keep it
        when ``present(source) == value(target)`` (categorical data).
    lower, upper : float, default 0
        Bounds of the ``"within"`` comparison, in the units of the condition.

    Examples
    --------
    >>> import numpy as np
    >>> c = OmniscapeCondition(np.zeros((3, 3)), lower=-0.5, upper=0.5)
    >>> c.comparison, c.lower, c.upper
    ('within', -0.5, 0.5)
    """

    present: object
    future: object = None
    comparison: str = "within"
    lower: float = 0.0
    upper: float = 0.0


@dataclass(frozen=True)
class OmniscapeResult:
    """Results of :func:`omniscape` (maps as arrays or DataArrays).

    Attributes
    ----------
    cumulative_current : map
        Sum over all moving windows of the current through each cell (A).
    flow_potential : map or None
        The same sum on a uniform (conductance 1) landscape: the current expected
        from the sources' layout alone.
    normalized_current : map or None
        ``cumulative_current / flow_potential``: above 1 = current channelled
        (corridors, pinch points), below 1 = impeded; 0 where both are 0.
    n_targets : int
        Number of moving-window solves.
    """

    cumulative_current: object
    flow_potential: object = None
    normalized_current: object = None
    n_targets: int = 0


def _window_current(res_w, src_w, ty, tx, neighbors, connection, cache=None, dtype=np.float64):
    """Return the current map of one window (target cell grounded directly).

    Sources on the target node are dropped (Circuitscape's ``rmvsrc``), and so are
    sources in components that do not hold the target (no path to the ground).
    """
    key = None
    entry = None
    if cache is not None:
        key = (res_w.shape, ty, tx)
        entry = cache.get(key)
    if entry is None:
        valid = np.isfinite(res_w)
        nodemap, n = _lap.build_nodemap(valid)
        t = int(nodemap[ty, tx])
        if t < 0:
            return np.zeros(res_w.shape, dtype=dtype)
        i, j, g = _lap.build_edges(res_w, nodemap, neighbors=neighbors, connection=connection)
        lap = _lap.laplacian(n, i, j, g)
        comp = _lap.components(lap)
        direct = np.zeros(n, dtype=bool)
        direct[t] = True
        direct = _floating_grounds(lap, comp, direct)
        from scipy.sparse.linalg import splu

        lu = splu(
            _lap.grounded_matrix(lap, direct).tocsc().astype(dtype),
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
        entry = (nodemap, n, i, j, g, comp, direct, lu, t)
        if cache is not None:
            cache[key] = entry
    nodemap, n, i, j, g, comp, direct, lu, t = entry
    on = nodemap >= 0
    src = np.bincount(nodemap[on], weights=src_w[on], minlength=n)
    src[(comp != comp[t]) | direct] = 0.0  # no path to the ground, or on a ground
    if not src.any():
        return np.zeros(res_w.shape, dtype=dtype)
    v = lu.solve(src.astype(dtype)).astype(np.float64)
    cur = _lap.node_currents(n, i, j, g, v)
    return _lap.to_raster(cur, nodemap, fill=0.0).astype(dtype)


def _disk(reach: int, radius: float) -> np.ndarray:
    """Boolean ``(2 reach + 1)`` square, True within *radius* cells of its centre."""
    yy, xx = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    return np.hypot(yy, xx) <= radius


def _omniscape_correction(radius, buffer, block_size, neighbors, connection, dtype=np.float64):
    """Omniscape's block-artefact correction: a multiplier over the whole window.

    With blocks, one target carries the sources of ``block_size**2`` cells. The
    correction divides the current of that blocked solve on a uniform landscape by
    the sum of ``block_size**2`` unblocked solves shifted over the block, so that
    the blocked map approximates the unblocked one (McRae et al. 2016).
    """
    reach = radius + buffer
    size = 2 * reach + 1
    br = (block_size - 1) // 2
    cond = np.where(_disk(reach, reach), 1.0, np.nan)
    inner = _disk(reach, radius)
    src_null = inner.astype(float)
    src_null[reach, reach] = 0.0
    src_null[src_null != 0] = 1.0 / (inner.sum() - 1)
    src_block = inner.astype(float)
    src_block[reach - br : reach + br + 1, reach - br : reach + br + 1] = 0.0
    src_block *= block_size**2 / src_block.sum()
    block_null = _window_current(cond, src_block, reach, reach, neighbors, connection, None, dtype)
    null = _window_current(cond, src_null, reach, reach, neighbors, connection, None, dtype)
    total = np.zeros((size + block_size - 1, size + block_size - 1), dtype=dtype)
    for a in range(block_size):
        for b in range(block_size):
            total[a : a + size, b : b + size] += null
    total = total[br : br + size, br : br + size]
    total[block_null == 0] = 0.0
    total[total == 0] = 1.0
    block_null = np.where(block_null == 0, 1.0, block_null)
    return (total / block_null).astype(dtype)


def _correction_span(t: int, reach: int, n: int, length: int) -> slice:
    """Rows (or columns) of the correction array that apply to a clipped window.

    Omniscape.jl's rule: a window clipped at the far edge uses the first *length*
    entries, one clipped at the near edge the last ones, and one clipped at both
    edges the first ones.
    """
    upper = 2 * reach + 1
    if t + reach + 1 > n:
        upper = length
    lower = upper - length if t < reach else 0
    return slice(lower, lower + length)


def _condition_value(block: np.ndarray, comparison: str) -> float:
    """Median (``within``) or most frequent value (``equal``) of a target block.

    Ties of the most frequent value go to the one met first in column order (the
    order of Julia arrays, as in Omniscape.jl). NaN when the block has no value.
    """
    values = block.ravel(order="F")
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan")
    if comparison == "within":
        return float(np.median(values))
    uniq, first, counts = np.unique(values, return_index=True, return_counts=True)
    best = counts == counts.max()
    return float(uniq[best][np.argmin(first[best])])


def _check_conditions(conditions, grid: Grid):
    """Validate and align the condition layers: list of (present, target, cond)."""
    if conditions is None:
        return []
    if isinstance(conditions, OmniscapeCondition):
        conditions = [conditions]
    if not isinstance(conditions, Sequence) or isinstance(conditions, str):
        raise TypeError(
            "conditions must be an OmniscapeCondition or a list of them. Got "
            f"conditions={describe(conditions)}."
        )
    out = []
    for k, cond in enumerate(conditions, start=1):
        if not isinstance(cond, OmniscapeCondition):
            raise TypeError(
                f"conditions[{k - 1}] must be an OmniscapeCondition(present, future=..., "
                f"comparison=..., lower=..., upper=...). Got {describe(cond)}."
            )
        check_choice(f"conditions[{k - 1}].comparison", cond.comparison, ("within", "equal"))
        for bound in ("lower", "upper"):
            value = getattr(cond, bound)
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not np.isfinite(value)
            ):
                raise ValueError(
                    f"conditions[{k - 1}].{bound} must be a finite number. Got "
                    f"{bound}={describe(value)}."
                )
        if cond.comparison == "within" and cond.lower > cond.upper:
            raise ValueError(
                f"conditions[{k - 1}]: lower ({cond.lower}) must not exceed upper "
                f"({cond.upper}); swap them."
            )
        present = _aligned(f"conditions[{k - 1}].present", cond.present, grid)
        target = (
            present
            if cond.future is None
            else _aligned(f"conditions[{k - 1}].future", cond.future, grid)
        )
        out.append((present, target, cond))
    return out


def _check_int(name: str, value, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        kind = "a positive" if minimum > 0 else "a non-negative"
        raise ValueError(f"{name} must be {kind} integer (cells). Got {name}={describe(value)}.")
    return int(value)


def omniscape(
    resistance,
    sources,
    *,
    radius: int,
    block_size: int = 1,
    buffer: int = 0,
    source_threshold: float = 0.0,
    flow_potential: bool = True,
    null_window: str = "square",
    correct_artifacts: bool = True,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    conditions=None,
    mask_nodata: bool = True,
    precision: str = "double",
) -> OmniscapeResult:
    r"""Omnidirectional connectivity with Omniscape's moving-window algorithm.

    Targets are the centres of the ``block_size x block_size`` blocks that hold
    some source strength. Each target is grounded in turn; the source cells
    within ``radius`` cells of it inject current, and the currents of all windows
    add up (McRae et al. 2016; Landau et al. 2021). For a target ``t`` with block
    strength :math:`S_t = \sum_{c \in \text{block}(t)} s_c`, a source cell ``c``
    of its circular window :math:`W_t` (the target block excluded) injects

    .. math:: I_c = S_t \, \frac{s_c}{\sum_{c' \in W_t} s_{c'}}

    amperes, so that every window carries :math:`S_t` in total; with
    *conditions*, the sources that do not match the target are then switched off
    (their share is not handed to the others). The resistance is clipped to a
    circle of ``radius + buffer`` cells. *Flow potential* repeats every solve on
    a uniform landscape (conductance 1 over the whole square window, as
    Omniscape.jl does), and *normalised current* is the ratio of the two maps.

    The rules are those of Omniscape.jl, so its ``.ini`` jobs give the same maps
    (see :func:`gpec_teach.omniscape_io.run_omniscape_ini`): a source on a nodata
    resistance cell counts in :math:`S_t` and in the shares but injects nothing;
    a target on a nodata cell carries no current but still gets a flow potential;
    near the top and left edges of the grid, where the window is clipped, the
    source block that is switched off is the one at the window's nominal centre
    (``radius + buffer`` cells from its first row and column), not the target's
    own block, while a source on the target cell itself never injects.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (NaN/inf = absent), or conductance (see *values*).
    sources : array_like
        Source strength per cell (for instance habitat quality), same shape;
        NaN = 0.
    radius : int
        Window radius in cells (Omniscape's ``radius``, in pixels).
    block_size : int, default 1
        Odd block side in cells; larger blocks mean fewer solves (block_size**2
        times fewer) at the cost of blockier maps.
    buffer : int, default 0
        Extra cells of resistance beyond *radius* around each target (sources
        stay within *radius*), so that current can detour around the circle.
    source_threshold : float, default 0
        Source strengths below this become 0.
    flow_potential : bool, default True
        Also compute flow potential and normalised current (one extra solve per
        target, on a matrix shared by all interior targets).
    null_window : {"square", "circle"}, default "square"
        Uniform landscape used for the flow potential: Omniscape.jl's full square
        window, or the same circle as the current run (then a uniform resistance
        surface gives a normalised current of exactly 1).
    correct_artifacts : bool, default True
        Apply Omniscape's block-artefact correction when ``block_size > 1``.
    values, neighbors : see :func:`raster_graph`.
    connection : {"conductance", "resistance"}, default :data:`DEFAULT_CONNECTION` ("conductance")
        Omniscape runs Circuitscape with its default, average conductance between
        neighbours (the default of every circuit function here); ``"resistance"``
        averages resistances.
    conditions : OmniscapeCondition or list of them, optional
        Conditional connectivity: connect a target only to the sources that
        match it on every condition.
    mask_nodata : bool, default True
        NaN on absent resistance cells in every map (Omniscape's ``mask_nodata``).
        With False, absent cells keep their values (0 current, and the flow
        potential of the uniform landscape).
    precision : {"double", "single"}, default "double"
        ``"single"`` rounds the inputs to float32 and returns float32 maps, as
        Omniscape.jl's ``precision = single`` does; the solves and sums stay in
        float64 here (float32 voltages would lose digits in the differences that
        give the currents), so the maps are the double-precision ones rounded.

    Returns
    -------
    OmniscapeResult
        Cumulative current (A), flow potential (A) and normalised current
        (dimensionless, >= 0); NaN on absent cells when *mask_nodata*.

    Raises
    ------
    ValueError
        Bad radius, buffer or block size, shapes differ, negative sources, bad
        option.
    TypeError
        *conditions* of the wrong type.

    References
    ----------
    Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021).
    Omniscape.jl: software to compute omnidirectional landscape connectivity.
    JOSS 6 (57): 2829. https://doi.org/10.21105/joss.02829
    McRae, B. H. et al. (2016). Conserving nature's stage: mapping omnidirectional
    connectivity for resilient terrestrial landscapes in the Pacific Northwest.
    The Nature Conservancy.

    Examples
    --------
    On a uniform landscape, with the flow potential computed on the same
    circular windows, current equals flow potential: normalised current 1.

    >>> import numpy as np
    >>> out = omniscape(np.ones((7, 7)), np.ones((7, 7)), radius=2, null_window="circle")
    >>> out.n_targets
    49
    >>> bool(np.allclose(out.normalized_current[2:5, 2:5], 1.0))
    True

    Two neighbouring sources of strength 1 in the middle row of a 3 x 6 grid,
    radius 1: each window sends 1 A from the other cell to its target, so both
    cells carry 1 + 1 = 2 A in total.

    >>> s = np.zeros((3, 6))
    >>> s[1, 2:4] = 1.0
    >>> strip = omniscape(np.ones((3, 6)), s, radius=1, flow_potential=False)
    >>> strip.n_targets, np.round(strip.cumulative_current[1, 2:4], 9).tolist()
    (2, [2.0, 2.0])
    """
    check_choice("values", values, _VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, _CONNECTIONS)
    check_choice("null_window", null_window, ("square", "circle"))
    check_choice("precision", precision, ("double", "single"))
    radius = _check_int("radius", radius, minimum=1)
    buffer = _check_int("buffer", buffer, minimum=0)
    if (
        isinstance(block_size, bool)
        or not isinstance(block_size, numbers.Integral)
        or block_size < 1
        or block_size % 2 == 0
    ):
        raise ValueError(
            f"block_size must be a positive odd integer (1, 3, 5, ...). Got "
            f"block_size={describe(block_size)}."
        )
    if block_size > radius:
        raise ValueError(
            f"block_size ({block_size}) must not exceed radius ({radius}): the target block "
            "would swallow the window."
        )
    check_positive("source_threshold", source_threshold, allow_zero=True)
    dtype = np.float32 if precision == "single" else np.float64
    grid = unwrap("resistance", resistance)
    res = _resistance_values(grid, values, None, name="resistance")
    src = _aligned("sources", sources, grid)
    src = np.where(np.isfinite(src), src, 0.0)
    if np.any(src < 0):
        raise ValueError("sources must be non-negative source strengths; found negative cells.")
    src = np.where(src < source_threshold, 0.0, src)
    layers = _check_conditions(conditions, grid)
    if precision == "single":
        res = res.astype(np.float32).astype(np.float64)
        src = src.astype(np.float32)
        layers = [(p.astype(np.float32), t.astype(np.float32), c) for p, t, c in layers]
    result = _omniscape_run(
        grid,
        res,
        src,
        layers,
        radius=radius,
        buffer=buffer,
        block_size=block_size,
        flow_potential=flow_potential,
        null_window=null_window,
        correct_artifacts=correct_artifacts,
        neighbors=neighbors,
        connection=connection,
        mask_nodata=mask_nodata,
        dtype=np.float64,
    )
    if dtype is np.float64:
        return result
    maps = {
        name: None if value is None else value.astype(dtype)
        for name, value in (
            ("cumulative_current", result.cumulative_current),
            ("flow_potential", result.flow_potential),
            ("normalized_current", result.normalized_current),
        )
    }
    return OmniscapeResult(n_targets=result.n_targets, **maps)


def _omniscape_run(
    grid,
    res,
    src,
    layers,
    *,
    radius,
    buffer,
    block_size,
    flow_potential,
    null_window,
    correct_artifacts,
    neighbors,
    connection,
    mask_nodata,
    dtype,
) -> OmniscapeResult:
    """Run the moving window on validated arrays."""
    nrows, ncols = res.shape
    br = (block_size - 1) // 2
    reach = radius + buffer
    correction = (
        _omniscape_correction(radius, buffer, block_size, neighbors, connection, dtype)
        if correct_artifacts and block_size > 1
        else None
    )
    cum = np.zeros(res.shape, dtype=dtype)
    fp = np.zeros(res.shape, dtype=dtype) if flow_potential else None
    source_disk = _disk(reach, radius)
    resistance_disk = _disk(reach, reach)
    cache: dict = {}
    n_targets = 0
    for ty in range(br, nrows - br, block_size):
        for tx in range(br, ncols - br, block_size):
            block = (slice(ty - br, ty + br + 1), slice(tx - br, tx + br + 1))
            strength = src[block].sum(dtype=dtype)
            if strength <= 0:
                continue
            r0, r1 = max(ty - reach, 0), min(ty + reach + 1, nrows)
            c0, c1 = max(tx - reach, 0), min(tx + reach + 1, ncols)
            h, w = r1 - r0, c1 - c0
            inside = (
                slice(r0 - ty + reach, r0 - ty + reach + h),
                slice(c0 - tx + reach, c0 - tx + reach + w),
            )
            src_w = np.where(source_disk[inside], src[r0:r1, c0:c1], 0.0).astype(dtype)
            # Omniscape.jl switches off the block at the window's nominal centre.
            src_w[max(reach - br, 0) : reach + br + 1, max(reach - br, 0) : reach + br + 1] = 0.0
            total = src_w[src_w > 0].sum(dtype=dtype)
            if total <= 0:
                continue
            src_w = src_w * (strength / total)
            for present, target, cond in layers:
                value = _condition_value(target[block], cond.comparison)
                here = present[r0:r1, c0:c1]
                if not np.isfinite(value):
                    src_w[:] = 0.0
                elif cond.comparison == "within":
                    diff = here - value
                    src_w[(diff > cond.upper) | (diff < cond.lower)] = 0.0
                else:
                    src_w[np.isfinite(here) & (here != value)] = 0.0
            if not np.any(src_w > 0):
                continue
            wy, wx = ty - r0, tx - c0
            res_w = np.where(resistance_disk[inside], res[r0:r1, c0:c1], np.nan)
            n_targets += 1
            cur = _window_current(res_w, src_w, wy, wx, neighbors, connection, None, dtype)
            if fp is not None:
                ones = (
                    np.ones(res_w.shape)
                    if null_window == "square"
                    else np.where(resistance_disk[inside], 1.0, np.nan)
                )
                pot = _window_current(ones, src_w, wy, wx, neighbors, connection, cache, dtype)
            if correction is not None:
                cut = correction[
                    _correction_span(ty, reach, nrows, h), _correction_span(tx, reach, ncols, w)
                ]
                cur = cur * cut
                if fp is not None:
                    pot = pot * cut
            cum[r0:r1, c0:c1] += cur
            if fp is not None:
                fp[r0:r1, c0:c1] += pot
    absent = ~np.isfinite(res)
    norm = None
    if fp is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            norm = cum / fp
        norm[np.isnan(norm)] = 0.0
    maps = {"cumulative_current": cum, "flow_potential": fp, "normalized_current": norm}
    out = {}
    for name, values in maps.items():
        if values is None:
            out[name] = None
            continue
        if mask_nodata:
            values[absent] = np.nan
        out[name] = _wrap(values, grid, name)
    return OmniscapeResult(n_targets=n_targets, **out)
