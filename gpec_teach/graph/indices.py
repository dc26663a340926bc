r"""Graph-based connectivity indices of a patch graph: PC, IIC and EC."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from ._checks import PatchGraph, check_attributes, check_graph, check_landscape_area, check_pstar
from ._solution import Solution, iic_solution, pc_solution

__all__ = [
    "IICResult",
    "PCResult",
    "equivalent_connected_area",
    "integral_index_of_connectivity",
    "pc_numerator",
    "probability_of_connectivity",
]


@dataclass(frozen=True)
class PCResult:
    r"""Probability of Connectivity of a patch graph (:func:`probability_of_connectivity`).

    Attributes
    ----------
    PCnum : float
        :math:`PC_{num} = \sum_i \sum_j a_i a_j p^*_{ij}`, attribute units squared.
    EC : float
        Equivalent connected area :math:`\sqrt{PC_{num}}`, attribute units.
    PC : float
        :math:`PC_{num} / A_L^2`, between 0 and 1; NaN when the landscape area is unknown.
    landscape_area : float or None
        :math:`A_L` used for PC, attribute units.
    """

    PCnum: float
    EC: float
    PC: float
    landscape_area: float | None = None

    def to_dict(self) -> dict[str, float]:
        """Return the fields as a dict (for printing or a table row)."""
        return asdict(self)


@dataclass(frozen=True)
class IICResult:
    r"""Integral Index of Connectivity of a patch graph (:func:`integral_index_of_connectivity`).

    Attributes
    ----------
    IICnum : float
        :math:`IIC_{num} = \sum_i \sum_j a_i a_j / (1 + nl_{ij})`, attribute units squared.
    EC : float
        :math:`\sqrt{IIC_{num}}`, attribute units.
    IIC : float
        :math:`IIC_{num} / A_L^2`, between 0 and 1; NaN when the landscape area is unknown.
    landscape_area : float or None
        :math:`A_L` used for IIC, attribute units.
    """

    IICnum: float
    EC: float
    IIC: float
    landscape_area: float | None = None

    def to_dict(self) -> dict[str, float]:
        """Return the fields as a dict (for printing or a table row)."""
        return asdict(self)


def summarize(sol: Solution, landscape_area: float | None) -> PCResult | IICResult:
    """Return the index summary of a solution (numerator, EC; the index when A_L is known)."""
    num = sol.numerator
    value = math.nan if landscape_area is None else num / landscape_area**2
    cls = PCResult if sol.index == "PC" else IICResult
    return cls(num, float(np.sqrt(num)), value, landscape_area)


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
    pstar = check_pstar(pstar)
    a = check_attributes(attributes, pstar.shape[0])
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


def probability_of_connectivity(
    graph: PatchGraph,
    *,
    dispersal_distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
    landscape_area: float | None = None,
) -> PCResult:
    r"""Probability of Connectivity (PC), its numerator and the equivalent connected area.

    .. math::

        PC = \frac{\sum_{i=1}^{n}\sum_{j=1}^{n} a_i a_j p^*_{ij}}{A_L^2},
        \qquad EC = \sqrt{\sum_i \sum_j a_i a_j p^*_{ij}}

    with :math:`a_i` the patch attribute (ha), :math:`A_L` the landscape area
    (ha), :math:`p_{ij} = e^{-k d_{ij}}` (:func:`dispersal_probability`) and
    :math:`p^*_{ij}` the maximum-product probability
    (:func:`max_product_probability`).

    Parameters
    ----------
    graph : PatchGraph
    dispersal_distance : float or None
        Dispersal distance :math:`D` (same units as the graph distances, metres)
        at which :math:`p = ` ``probability``; None with a ``kernel``.
    probability : float, default 0.5
        Probability at ``dispersal_distance`` (0.5 = median dispersal distance).
    kernel : callable, optional
        User kernel ``kernel(d) -> p`` instead of the negative exponential.
    min_probability : float, default 0.0
        Truncation of small probabilities; off by default. Makurhini drops
        :math:`p_{ij} < 0.01` by default, which gives slightly different numbers
        (on its 404-patch example, :math:`PC_{num}` = 2.135845e11 instead of
        2.136028e11).
    truncate : {"links", "paths"}, default "links"
        What ``min_probability`` drops. ``"links"`` (Makurhini, Conefor): direct
        links with :math:`p_{ij} <` ``min_probability``; pairs can still connect
        through other patches. ``"paths"``: in addition, pairs whose best path
        has :math:`p^*_{ij} <` ``min_probability`` count as unconnected (a
        search radius); much faster for large graphs. Each dropped pair
        underestimates :math:`PC_{num}` by less than
        ``2 * min_probability * a_i * a_j``.
    landscape_area : float, optional
        :math:`A_L` in attribute units; default ``graph.landscape_area``.

    Returns
    -------
    PCResult
        ``PCnum``, ``EC`` and ``PC`` (between 0 and 1; NaN when the landscape
        area is unknown). Unreachable patches add nothing.

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    Two 2 ha and 3 ha patches 1 km apart, median dispersal 1 km, 10 ha landscape:
    PCnum = 4 + 9 + 2 * 6 * 0.5 = 19, PC = 19 / 100.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000], [1000, 0]], attributes=[2.0, 3.0],
    ...                             landscape_area=10)
    >>> probability_of_connectivity(g, dispersal_distance=1000)
    PCResult(PCnum=19.0, EC=4.358898943540674, PC=0.19, landscape_area=10.0)
    """
    graph = check_graph(graph)
    la = graph.landscape_area if landscape_area is None else landscape_area
    la = check_landscape_area(la, graph.attributes)
    sol = pc_solution(graph, dispersal_distance, probability, kernel, min_probability, truncate)
    return summarize(sol, la)


def integral_index_of_connectivity(
    graph: PatchGraph, *, threshold: float, landscape_area: float | None = None
) -> IICResult:
    r"""Integral Index of Connectivity (IIC) with a binary link threshold.

    .. math::

        IIC = \frac{\sum_{i=1}^{n}\sum_{j=1}^{n} \dfrac{a_i a_j}{1 + nl_{ij}}}{A_L^2}

    Two patches are linked when :math:`d_{ij} \le` ``threshold``;
    :math:`nl_{ij}` is the number of links on the shortest topological path
    between *i* and *j* (:math:`nl_{ii} = 0`; unreachable pairs,
    :math:`nl = \infty`, add nothing).

    Parameters
    ----------
    graph : PatchGraph
    threshold : float
        Largest distance (graph units, metres) at which two patches are linked.
    landscape_area : float, optional
        :math:`A_L` in attribute units; default ``graph.landscape_area``.

    Returns
    -------
    IICResult
        ``IICnum``, ``EC`` (:math:`\sqrt{IIC_{num}}`) and ``IIC`` (0 to 1; NaN
        when the landscape area is unknown).

    References
    ----------
    Pascual-Hortal, L. & Saura, S. (2006). Landscape Ecology 21, 959-967,
    https://doi.org/10.1007/s10980-006-0013-z

    Examples
    --------
    Three 1 ha patches in a chain: pairs (1,2), (2,3) one link, (1,3) two links.
    IICnum = 3 + 2 * (1/2 + 1/2 + 1/3) = 17/3.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1, 2], [1, 0, 1], [2, 1, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> round(integral_index_of_connectivity(g, threshold=1).IICnum, 6)
    5.666667
    """
    graph = check_graph(graph)
    la = graph.landscape_area if landscape_area is None else landscape_area
    la = check_landscape_area(la, graph.attributes)
    return summarize(iic_solution(graph, threshold), la)
