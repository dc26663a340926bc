"""Patch graphs and graph-based connectivity indices (IIC, PC, EC, dI).

A landscape is seen as a graph: habitat patches are nodes with an attribute
(usually area) and pairs of patches are linked with a dispersal probability that
falls with the distance between them. From this graph we compute the Integral
Index of Connectivity (IIC), the Probability of Connectivity (PC), the equivalent
connected area (EC) and the importance of every patch and link.

References
----------
Pascual-Hortal, L. & Saura, S. (2006). Comparison and development of new
graph-based landscape connectivity indices. Landscape and Urban Planning 77 (4),
https://doi.org/10.1016/j.landurbplan.2005.10.003

Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83 (2-3), https://doi.org/10.1016/j.landurbplan.2007.03.005

Saura, S. & Rubio, L. (2010). A common currency for the different ways in which
patches and links can contribute to habitat availability and connectivity in the
landscape. Ecography 33 (3), https://doi.org/10.1111/j.1600-0587.2009.05760.x
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from . import _graph_kernels as _k
from ._validation import check_positive, check_probability, describe

__all__ = [
    "dispersal_probability",
    "equivalent_connected_area",
    "max_product_probability",
    "pc_numerator",
]


# --------------------------------------------------------------------------- checks
def _square_matrix(name: str, values, *, allow_inf: bool = True) -> np.ndarray:
    """Return *values* as a square float64 matrix, or raise with a clear message."""
    arr = np.asarray(values)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric square matrix. Got {describe(values)}.")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(
            f"{name} must be a square matrix (n patches x n patches). Got shape {arr.shape}."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: the patch set has no patch.")
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        i, j = np.argwhere(np.isnan(arr))[0]
        raise ValueError(
            f"{name} contains NaN (first at [{i}, {j}]). Use np.inf for pairs that "
            "cannot be reached."
        )
    if not allow_inf and np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values; expected finite numbers.")
    return arr


def _check_symmetric(name: str, arr: np.ndarray) -> None:
    finite = np.isfinite(arr)
    same_inf = finite == finite.T
    close = np.isclose(np.where(finite, arr, 0.0), np.where(finite.T, arr.T, 0.0), rtol=1e-9)
    bad = ~(same_inf & close)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} must be symmetric (links are undirected). Got {name}[{i}, {j}]="
            f"{arr[i, j]!r} but {name}[{j}, {i}]={arr[j, i]!r}. Symmetrise it first, "
            f"for example np.minimum({name}, {name}.T)."
        )


def _check_attributes(attributes, n: int | None = None, *, name: str = "attributes"):
    arr = np.asarray(attributes)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a 1-D array of numbers. Got {describe(attributes)}.")
    arr = arr.astype(np.float64).ravel() if arr.ndim == 0 else arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per patch). Got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: the patch set has no patch.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite. Got a NaN or infinite value.")
    if (arr <= 0).any():
        i = int(np.argmax(arr <= 0))
        raise ValueError(
            f"{name} must be positive (patch area or quality). Got {name}[{i}]={arr[i]!r}. "
            "Remove empty patches before building the graph."
        )
    if n is not None and arr.size != n:
        raise ValueError(
            f"{name} has {arr.size} values but the matrix has {n} patches; they must match."
        )
    return arr


def _check_pstar(pstar) -> np.ndarray:
    arr = _square_matrix("pstar", pstar.toarray() if sp.issparse(pstar) else pstar)
    if (arr < 0).any() or (arr > 1 + 1e-12).any():
        raise ValueError("pstar must hold probabilities between 0 and 1.")
    return arr


# ----------------------------------------------------------------------- probabilities
def dispersal_probability(
    distances,
    *,
    distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    r"""Direct dispersal probability between patches from their distance.

    The negative exponential kernel of Saura & Pascual-Hortal (2007):

    .. math::

        p_{ij} = e^{-k d_{ij}}, \qquad k = \frac{-\ln P}{D}

    so that :math:`p_{ij} = P` when :math:`d_{ij} = D`; with the default
    ``probability=0.5``, ``distance`` is the *median* dispersal distance.

    Parameters
    ----------
    distances : array_like
        Distances :math:`d_{ij} \ge 0` (map units, usually metres): a square
        matrix, or any array of distances. ``np.inf`` means "unreachable" and
        gives probability 0.
    distance : float or None
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
    >>> dispersal_probability([[0, 1000], [1000, 0]], distance=1000)
    array([[1. , 0.5],
           [0.5, 1. ]])
    >>> dispersal_probability([0, 2000], distance=1000, probability=0.5)
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
            f"distances must be non-negative. Got a minimum of {d.min()!r}. "
            "Distances between patches are 0 (touching) or more."
        )
    if kernel is not None:
        if not callable(kernel):
            raise TypeError(f"kernel must be a callable kernel(d) -> p. Got {describe(kernel)}.")
        if distance is not None:
            raise ValueError(
                "Give either distance (negative exponential kernel) or kernel, not both. "
                f"Got distance={distance!r} and a kernel."
            )
        p = np.asarray(kernel(d), dtype=np.float64)
        if p.shape != d.shape:
            raise ValueError(
                f"kernel must return one probability per distance (shape {d.shape}). "
                f"Got shape {p.shape}."
            )
        if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
            raise ValueError("kernel must return probabilities between 0 and 1.")
    else:
        if distance is None:
            raise ValueError(
                "distance is required: the dispersal distance at which the probability "
                "equals `probability` (or pass a kernel). Got distance=None."
            )
        distance = check_positive("distance", distance)
        probability = check_probability("probability", probability)
        k = -np.log(probability) / distance
        with np.errstate(over="ignore"):
            p = np.exp(-k * d)
    if p.ndim == 2 and p.shape[0] == p.shape[1]:
        p = p.copy()
        np.fill_diagonal(p, 1.0)
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
    min_probability = _check_min_probability(min_probability)
    if sp.issparse(p):
        if p.ndim != 2 or p.shape[0] != p.shape[1] or p.shape[0] == 0:
            raise ValueError(f"p must be a non-empty square matrix. Got shape {p.shape}.")
        data = sp.coo_array(p).data
        if np.isnan(data).any() or (data < 0).any() or (data > 1).any():
            raise ValueError("p must hold probabilities between 0 and 1.")
        _check_symmetric("p", sp.csr_array(p).toarray()) if p.shape[0] <= 5000 else None
        graph = _k.cost_graph_from_sparse(p, min_probability)
    else:
        arr = _check_probability_matrix(p)
        graph = _k.cost_graph(arr, min_probability)
    return _k.pstar_from_costs(_k.all_pairs(graph))


def _check_min_probability(min_probability) -> float:
    if isinstance(min_probability, bool) or not isinstance(min_probability, numbers.Real):
        raise TypeError(
            f"min_probability must be a number in [0, 1). Got "
            f"min_probability={describe(min_probability)}."
        )
    value = float(min_probability)
    if not 0.0 <= value < 1.0:
        raise ValueError(
            f"min_probability must be in [0, 1) (0 keeps every link). Got "
            f"min_probability={min_probability!r}."
        )
    return value


def _check_probability_matrix(p, name: str = "p") -> np.ndarray:
    arr = _square_matrix(name, p, allow_inf=False)
    if (arr < 0).any() or (arr > 1).any():
        raise ValueError(
            f"{name} must hold probabilities between 0 and 1. Got values from "
            f"{arr.min()!r} to {arr.max()!r}."
        )
    _check_symmetric(name, arr)
    return arr


# ----------------------------------------------------------------------------- indices
def pc_numerator(attributes, pstar) -> float:
    r"""Numerator of the Probability of Connectivity, :math:`PC_{num}`.

    .. math::

        PC_{num} = \sum_{i=1}^{n} \sum_{j=1}^{n} a_i a_j p^*_{ij}

    including :math:`i = j` (:math:`p^*_{ii} = 1`: the habitat within a patch).
    Units: attribute units squared (ha\ :sup:`2` for areas in ha).

    Parameters
    ----------
    attributes : array_like
        Patch attribute :math:`a_i > 0` (area or quality-weighted area).
    pstar : array_like
        Maximum-product probabilities (:func:`max_product_probability`).

    Returns
    -------
    float
        :math:`PC_{num}`, between :math:`\sum a_i^2` and :math:`(\sum a_i)^2`.

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    Two patches of 2 and 3 ha with :math:`p^* = 0.5`:
    :math:`4 + 9 + 2 \cdot 2 \cdot 3 \cdot 0.5 = 19`.

    >>> pc_numerator([2, 3], [[1, 0.5], [0.5, 1]])
    19.0
    """
    pstar = _check_pstar(pstar)
    a = _check_attributes(attributes, pstar.shape[0])
    return float(a @ pstar @ a)


def equivalent_connected_area(attributes, pstar) -> float:
    r"""Equivalent connected area :math:`EC(PC)`.

    .. math::

        EC = \sqrt{\sum_{i=1}^{n} \sum_{j=1}^{n} a_i a_j p^*_{ij}} = \sqrt{PC_{num}}

    The size of a single patch that would provide the same amount of reachable
    habitat as the whole patch network (Saura et al. 2011). In the units of the
    attribute (ha for areas in ha), between :math:`\sqrt{\sum a_i^2}` (no
    connection) and :math:`\sum a_i` (fully connected); never above the total
    habitat area.

    Parameters
    ----------
    attributes : array_like
        Patch attribute :math:`a_i > 0`.
    pstar : array_like
        Maximum-product probabilities (:func:`max_product_probability`).

    Returns
    -------
    float
        EC in attribute units.

    References
    ----------
    Saura, S., Estreguil, C., Mouton, C. & Rodríguez-Freire, M. (2011). Network
    analysis to assess landscape connectivity trends. Ecological Indicators 11,
    https://doi.org/10.1016/j.ecolind.2010.06.011

    Examples
    --------
    >>> equivalent_connected_area([2, 3], [[1, 0.5], [0.5, 1]])  # sqrt(19)
    4.358898943540674
    """
    return float(np.sqrt(pc_numerator(attributes, pstar)))
