"""The solver engine of :mod:`gpec_teach.circuit`: one factorisation, many solves.

:class:`LaplacianSolver` holds one sparse LU factorisation (SuperLU with the
symmetric ``MMD_AT_PLUS_A`` ordering) or one smoothed-aggregation algebraic
multigrid hierarchy (pyamg) used as a conjugate-gradient preconditioner, and
reuses it for every right-hand side. :func:`choose_method` is the one rule that
turns ``solver="auto"`` into a method; :class:`PairwiseBasis` gives the unit
potentials from which every pair (and all-to-one) follows by superposition.
Every circuit mode and the Omniscape moving window solve through this module.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, cg, splu

from .. import _laplacian as kernels
from .._validation import check_choice, check_positive, describe

__all__ = ["DIRECT_SOLVER_LIMIT", "ConvergenceError", "LaplacianSolver"]

#: Grids with more nodes than this use the multigrid solver when ``solver="auto"``.
#: Below it a sparse LU is faster for several focal points and fits in memory
#: (about 150 MB of factors for a 390 x 390 grid with 8 neighbors).
DIRECT_SOLVER_LIMIT = 150_000


SOLVERS = ("auto", "direct", "amg")


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
        check_choice("solver", solver, SOLVERS)
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
        solver = choose_method(solver, self.n)
        self.method = solver
        self.iterations: list[int] = []
        if solver == "direct":
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
        from pyamg.aggregation import standard_aggregation
        from pyamg.strength import symmetric_strength_of_connection

        # The finest level's aggregates are computed here, from pyamg's default
        # strength of connection (symmetric, theta 0), and handed to pyamg as
        # "predefined": the hierarchy is the one pyamg builds with its defaults,
        # but the strength matrix (as large as the Laplacian) is freed before the
        # prolongator is smoothed, instead of living through the whole level. The
        # smoother does not read the strength matrix (no filtering), so the
        # Laplacian stands in for it.
        strength = symmetric_strength_of_connection(self.matrix)
        aggregates = standard_aggregation(strength)[0]
        del strength
        with _lean_spectral_radius(pyamg):
            return self._sa_solver(pyamg, aggregates, expected_solves)

    def _sa_solver(self, pyamg, aggregates, expected_solves):
        return pyamg.smoothed_aggregation_solver(
            self.matrix,
            B=np.ones((self.n, 1)),
            symmetry="hermitian",
            strength=[("predefined", {"C": self.matrix}), "symmetric"],
            aggregate=[("predefined", {"AggOp": aggregates}), "standard"],
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


def _spectral_radius(
    A, tol=0.01, maxiter=15, restart=5, symmetric=None, initial_guess=None, return_vector=False
):
    """Estimate a spectral radius as pyamg does, without its largest temporary.

    The same restarted Arnoldi iteration (pyamg's own ``_approximate_eigenvalues``,
    the same random start), but the restart vector is summed column by column
    instead of through a stacked ``n x maxiter`` copy of the Krylov basis (120 MB
    for a million-node grid). The estimate agrees with pyamg's to rounding.
    """
    from pyamg.util.linalg import _approximate_eigenvalues

    if hasattr(A, "rho") and not return_vector:
        return A.rho
    v0 = np.random.rand(A.shape[1], 1) if initial_guess is None else initial_guess  # noqa: NPY002
    v0 = np.array(v0, dtype=A.dtype).reshape(-1, 1)
    for _ in range(restart + 1):
        evect, ev, H, V, breakdown = _approximate_eigenvalues(A, maxiter, False, initial_guess=v0)
        nvecs = ev.shape[0]
        top = int(np.abs(ev).argmax())
        error = H[nvecs, nvecs - 1] * evect[-1, top]
        v0 = np.zeros((A.shape[0], 1), dtype=np.result_type(V[0].dtype, evect.dtype))
        for k, v in enumerate(V[:-1]):
            v0 += v * evect[k, top]
        del V
        if np.abs(error) / np.abs(ev[top]) < tol or breakdown:
            break
    rho = float(np.abs(ev[top]))
    A.rho = rho
    return (rho, v0) if return_vector else rho


class _lean_spectral_radius:
    """Context in which pyamg's prolongation smoother uses :func:`_spectral_radius`."""

    def __init__(self, pyamg):
        import pyamg.aggregation.smooth as smooth

        self.module = smooth

    def __enter__(self):
        self.saved = self.module.approximate_spectral_radius
        self.module.approximate_spectral_radius = _spectral_radius

    def __exit__(self, *exc):
        self.module.approximate_spectral_radius = self.saved
        return False


def choose_method(solver: str, n: int) -> str:
    """Apply the one "auto" rule: direct LU up to :data:`DIRECT_SOLVER_LIMIT` nodes, AMG above."""
    if solver == "auto":
        return "direct" if n <= DIRECT_SOLVER_LIMIT else "amg"
    return solver


def solver_options(solver, rtol, maxiter) -> dict:
    """Check the solver keywords shared by every mode; return them as a dict."""
    check_choice("solver", solver, SOLVERS)
    check_positive("rtol", rtol)
    return {"solver": solver, "rtol": rtol, "maxiter": maxiter}


def floating_grounds(lap: sp.csr_matrix, comp: np.ndarray, direct: np.ndarray) -> np.ndarray:
    """Ground one node in every component that has no ground (RHS is zero there)."""
    grounded_comp = np.zeros(comp.max(initial=-1) + 1, dtype=bool)
    grounded_comp[comp[direct]] = True
    _, first = np.unique(comp, return_index=True)
    extra = direct.copy()
    extra[first[~grounded_comp]] = True
    return extra


def grounded_solver(lap, comp, direct, *, expected_solves: int = 1, **opts):
    """Return a :class:`LaplacianSolver` for *lap* with the *direct* nodes tied to 0 V.

    A component without a grounded node gets one (its first node), so the matrix
    is nonsingular. Returns ``(solver, grounded)`` with the mask actually used.
    """
    grounded = floating_grounds(lap, comp, direct)
    matrix = kernels.grounded_matrix(lap, grounded)
    return LaplacianSolver(matrix, expected_solves=expected_solves, **opts), grounded


class PairwiseBasis:
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
        method = choose_method(solver, n)
        opts = {"solver": method, "rtol": rtol, "maxiter": maxiter, "expected_solves": len(free)}
        if method == "direct":
            direct = np.zeros(n, dtype=bool)
            direct[list(ground_of.values())] = True
            self.solver = grounded_solver(lap, comp, direct, **opts)[0]
        else:
            matrix = kernels.with_unit_isolated(lap)
            self.solver = LaplacianSolver(matrix, components=comp, **opts)
        # column-major: each potential is a contiguous vector, solved in place one
        # right-hand side at a time (no n x k right-hand side, no stacked copy)
        self.x = np.empty((n, len(free)), order="F")
        if method == "direct" and free:
            rhs = np.zeros((n, len(free)))
            rhs[free, np.arange(len(free))] = 1.0
            self.x[:] = np.asarray(self.solver.solve(rhs)).reshape(n, len(free))
            del rhs
        for k, v in enumerate(free if method == "amg" else []):
            rhs = np.zeros(n)
            rhs[v] = 1.0
            rhs[ground_of[int(comp[v])]] = -1.0
            self.x[:, k] = self.solver.solve(rhs)

    def potential(self, node: int) -> np.ndarray:
        """Return the unit potential of *node* (zeros for the reference node of its component)."""
        k = self.column.get(int(node))
        return np.zeros(self.n) if k is None else self.x[:, k]

    def pair(self, a: int, b: int) -> tuple[float, np.ndarray]:
        """Effective resistance and voltages (NaN off the component), ``v_a = 0``."""
        v = self.potential(b) - self.potential(a)
        v -= v[a]
        if self.several:
            v[self.comp != self.comp[a]] = np.nan
        return float(v[b]), v
