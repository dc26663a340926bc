"""One all-pairs solution of a patch graph, reused by every index and fraction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import _graph_kernels as _k
from .._validation import check_choice, check_positive
from .._vector import POINT_METHODS
from ._checks import PatchGraph, check_min_probability
from .probability import dispersal_probability

__all__ = [
    "TRUNCATE",
    "Solution",
    "csr_slots",
    "fractions",
    "iic_solution",
    "pc_solution",
    "probabilities",
]

#: What ``min_probability`` drops: direct links, or also pairs with a weak best path.
TRUNCATE: tuple[str, ...] = ("links", "paths")


def probabilities(graph: PatchGraph, dispersal_distance, probability, kernel) -> np.ndarray:
    """Direct dispersal probabilities between the patches of *graph*."""
    return dispersal_probability(
        graph.distances,
        dispersal_distance=dispersal_distance,
        probability=probability,
        kernel=kernel,
    )


@dataclass(frozen=True)
class Solution:
    """One all-pairs solution reused by every fraction of an index."""

    index: str
    weights: np.ndarray
    value: np.ndarray  # p*_ij (PC) or 1 / (1 + nl_ij) (IIC)
    cost_graph: sp.csr_array | None = None
    costs: np.ndarray | None = None
    pred: np.ndarray | None = None
    limit: float = np.inf
    stepping_stones: bool = True

    @property
    def numerator(self) -> float:
        return float(self.weights @ self.value @ self.weights)

    def transform(self, costs: np.ndarray) -> np.ndarray:
        if self.index == "PC":
            return np.exp(-costs)
        return 1.0 / (1.0 + costs)


def pc_solution(
    graph: PatchGraph,
    dispersal_distance,
    probability,
    kernel,
    min_probability,
    truncate,
    *,
    need_paths: bool = False,
) -> Solution:
    """PC solution: p* for every pair; paths and costs unless no stepping stone can exist."""
    min_probability = check_min_probability(min_probability)
    check_choice("truncate", truncate, TRUNCATE)
    p = probabilities(graph, dispersal_distance, probability, kernel)
    a = graph.attributes
    limit = -np.log(min_probability) if (truncate == "paths" and min_probability > 0) else np.inf
    metric = graph.distance_method in POINT_METHODS and kernel is None
    if metric and not need_paths and (min_probability == 0 or truncate == "paths"):
        # Euclidean distances obey the triangle inequality d_ij <= d_ik + d_kj, so with
        # the exponential kernel p_ij >= p_ik p_kj: no stepping-stone path beats the
        # direct link and p* = p without any shortest-path search.
        value = np.where(p >= min_probability, p, 0.0) if min_probability > 0 else p
        return Solution("PC", a, value, stepping_stones=False, limit=limit)
    cost = _k.cost_graph(p, min_probability)
    costs, pred = _k.solve_all_pairs(cost, limit=limit)
    value = _k.pstar_from_costs(costs)
    direct = np.where(p >= min_probability, p, 0.0)
    np.fill_diagonal(direct, 1.0)
    stepping = bool((value > direct * (1.0 + 1e-12) + 1e-300).any())
    return Solution("PC", a, value, cost, costs, pred, limit, stepping)


def iic_solution(graph: PatchGraph, threshold) -> Solution:
    """IIC solution: 1 / (1 + nl) with nl the number of links on the shortest path."""
    threshold = check_positive("threshold", threshold, allow_zero=True)
    adjacency = graph.distances <= threshold
    np.fill_diagonal(adjacency, False)
    rows, cols = np.nonzero(adjacency)
    n = len(graph)
    cost = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    costs, pred = _k.solve_all_pairs(cost)
    value = 1.0 / (1.0 + costs)
    return Solution("IIC", graph.attributes, value, cost, costs, pred, np.inf, True)


def fractions(sol: Solution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Losses (not yet in %) of removing each node: intra, flux, connector."""
    a = sol.weights
    intra = a**2
    flux = 2.0 * a * (sol.value @ a - a * np.diag(sol.value))
    if not sol.stepping_stones or sol.pred is None:
        connector = np.zeros_like(a)
    else:
        connector = _k.removal_losses(
            a, sol.cost_graph, sol.costs, sol.pred, sol.transform, limit=sol.limit
        )
        # Round-off: a true zero can come out as -1e-10 relative; keep it at 0.
        connector = np.maximum(connector, 0.0)
    return intra, flux, connector


def csr_slots(matrix: sp.csr_array, i: int, j: int) -> np.ndarray:
    """Positions in ``matrix.data`` of the entries (i, j) and (j, i)."""
    slots = []
    for r, c in ((i, j), (j, i)):
        start, stop = matrix.indptr[r], matrix.indptr[r + 1]
        hit = np.flatnonzero(matrix.indices[start:stop] == c)
        slots.extend(start + hit)
    return np.asarray(slots, dtype=np.int64)
