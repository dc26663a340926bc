r"""Dispersal probabilities between patches and maximum-product path probabilities."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from .. import _graph_kernels as _k
from .._validation import check_positive, check_probability, describe
from ._checks import check_min_probability, check_probability_matrix

__all__ = ["dispersal_probability", "max_product_probability"]


def dispersal_probability(
    distances,
    *,
    dispersal_distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    r"""Direct dispersal probability between patches from their distance.

    The negative exponential kernel of Saura & Pascual-Hortal (2007):

    .. math::

        p_{ij} = e^{-k d_{ij}}, \qquad k = \frac{-\ln P}{D}

    so that :math:`p_{ij} = P` when :math:`d_{ij} = D`; with the default
    ``probability=0.5``, ``dispersal_distance`` is the *median* dispersal distance.

    Parameters
    ----------
    distances : array_like
        Distances :math:`d_{ij} \ge 0` (map units, usually metres): a square
        matrix, or any array of distances. ``np.inf`` means "unreachable" and
        gives probability 0.
    dispersal_distance : float or None
        :math:`D`, the distance at which the probability equals ``probability``,
        in the units of ``distances``. Must be None when ``kernel`` is given.
    probability : float, default 0.5
        :math:`P`, strictly between 0 and 1.
    kernel : callable, optional
        A user dispersal kernel ``kernel(d) -> p`` mapping an array of distances
        to probabilities in [0, 1] (for example a Gaussian or a step). Replaces
        the negative exponential.

    Returns
    -------
    numpy.ndarray
        Probabilities in [0, 1], same shape as ``distances``. For a square matrix
        the diagonal is set to 1 (a patch reaches itself: :math:`p_{ii} = 1`).

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    >>> dispersal_probability([[0, 1000], [1000, 0]], dispersal_distance=1000)
    array([[1. , 0.5],
           [0.5, 1. ]])
    >>> dispersal_probability([0, 2000], dispersal_distance=1000, probability=0.5)
    array([1.  , 0.25])
    """
    d = np.asarray(distances)
    if d.dtype == object or not np.issubdtype(d.dtype, np.number):
        raise TypeError(f"distances must be an array of numbers. Got {describe(distances)}.")
    d = d.astype(np.float64)
    if d.size == 0:
        raise ValueError("distances is empty: the patch set has no patch.")
    if np.isnan(d).any():
        raise ValueError("distances contains NaN. Use np.inf for pairs that cannot be reached.")
    if (d < 0).any():
        raise ValueError(
            f"distances must be non-negative. Got a minimum of {float(d.min())!r}. "
            "Distances between patches are 0 (touching) or more."
        )
    if kernel is not None:
        p = _kernel_probability(d, kernel, dispersal_distance)
    else:
        if dispersal_distance is None:
            raise ValueError(
                "dispersal_distance is required: the distance at which the probability "
                "equals `probability` (or pass a kernel). Got dispersal_distance=None."
            )
        dispersal_distance = check_positive("dispersal_distance", dispersal_distance)
        probability = check_probability("probability", probability)
        k = -np.log(probability) / dispersal_distance
        with np.errstate(over="ignore"):
            p = np.exp(-k * d)
    if p.ndim == 2 and p.shape[0] == p.shape[1]:
        p = p.copy()
        np.fill_diagonal(p, 1.0)
    return p


def _kernel_probability(d: np.ndarray, kernel, dispersal_distance) -> np.ndarray:
    """Probabilities from a user kernel, checked (shape, range; no dispersal_distance)."""
    if not callable(kernel):
        raise TypeError(f"kernel must be a callable kernel(d) -> p. Got {describe(kernel)}.")
    if dispersal_distance is not None:
        raise ValueError(
            "Give either dispersal_distance (negative exponential kernel) or kernel, not "
            f"both. Got dispersal_distance={dispersal_distance!r} and a kernel."
        )
    p = np.asarray(kernel(d), dtype=np.float64)
    if p.shape != d.shape:
        raise ValueError(
            f"kernel must return one probability per distance (shape {d.shape}). "
            f"Got shape {p.shape}."
        )
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("kernel must return probabilities between 0 and 1.")
    return p


def max_product_probability(p, *, min_probability: float = 0.0) -> np.ndarray:
    r"""Maximum-product path probability :math:`p^*_{ij}` between every pair of patches.

    .. math::

        p^*_{ij} = \max_{\text{paths } i \to j} \prod_{(u,v) \in \text{path}} p_{uv}
                 = \exp\left(-\min_{\text{paths}} \sum -\ln p_{uv}\right)

    computed as shortest paths on link costs :math:`-\ln p_{uv}` (Dijkstra).
    A stepping-stone path can beat the direct link, so
    :math:`p^*_{ij} \ge p_{ij}`.

    Parameters
    ----------
    p : array_like or scipy sparse matrix
        Square symmetric matrix of direct probabilities in [0, 1]. 0 (or absent
        in sparse input) means "no link". Touching patches (probability 1) keep
        :math:`p^* = 1`: the zero-cost pitfall of ``scipy.sparse.csgraph`` is
        avoided.
    min_probability : float, default 0.0
        Truncation: links with :math:`p_{ij} <` ``min_probability`` are dropped
        before the paths are searched (Makurhini's ``threshold``; its default
        0.01 is *not* ours: we drop nothing by default). Paths through the
        remaining links can still give :math:`p^*_{ij}` below the threshold.

    Returns
    -------
    numpy.ndarray
        Dense ``(n, n)`` matrix in [0, 1], diagonal 1, 0 for patches in
        different components (unreachable).

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    Patches 0 and 2 are linked better through the stepping stone 1
    (0.5 x 0.5 = 0.25 > 0.1):

    >>> p = [[1, 0.5, 0.1], [0.5, 1, 0.5], [0.1, 0.5, 1]]
    >>> max_product_probability(p)
    array([[1.  , 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 1.  ]])
    """
    min_probability = check_min_probability(min_probability)
    if sp.issparse(p):
        if p.ndim != 2 or p.shape[0] != p.shape[1] or p.shape[0] == 0:
            raise ValueError(f"p must be a non-empty square matrix. Got shape {p.shape}.")
        data = sp.coo_array(p).data
        if np.isnan(data).any() or (data < 0).any() or (data > 1).any():
            raise ValueError("p must hold probabilities between 0 and 1.")
        csr = sp.csr_array(p)
        if csr.nnz and abs(csr - csr.T).max() > 1e-12:
            raise ValueError(
                "p must be symmetric (links are undirected). Symmetrise it first, for "
                "example p.maximum(p.T)."
            )
        graph = _k.cost_graph_from_sparse(p, min_probability)
    else:
        arr = check_probability_matrix(p)
        graph = _k.cost_graph(arr, min_probability)
    return _k.pstar_from_costs(_k.solve_all_pairs(graph)[0])
