r"""Importance of patches and links (dPC, dIIC and their fractions) and EC gains."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from .._validation import check_choice, check_positive
from ._checks import (
    PatchGraph,
    check_attributes,
    check_graph,
    check_landscape_area,
    patch_position,
)
from ._solution import csr_slots, fractions, iic_solution, pc_solution, probabilities
from .indices import IICResult, PCResult, summarize
from .probability import dispersal_probability

__all__ = [
    "PatchImportance",
    "ec_change_from_new_link",
    "ec_change_from_new_patch",
    "link_importance",
    "patch_importance",
]

_INDICES = ("PC", "IIC")


@dataclass(frozen=True, eq=False)
class PatchImportance:
    """Importance of every patch (:func:`patch_importance`) and the index it was measured on.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per patch, in graph order, indexed by patch id: the attribute,
        ``dPC`` (or ``dIIC``), its ``intra``, ``flux`` and ``connector`` fractions
        (in %, each >= 0, adding up to dPC) and ``rank`` (1 = most important).
    summary : PCResult or IICResult
        The index of the whole graph (numerator, EC and the index when the landscape
        area is known).
    """

    table: pd.DataFrame
    summary: PCResult | IICResult

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of :attr:`table`."""
        return self.table.copy()


def patch_importance(
    graph: PatchGraph,
    *,
    index: str = "PC",
    dispersal_distance: float | None = None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    threshold: float | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
    landscape_area: float | None = None,
) -> PatchImportance:
    r"""Rank patches by importance, dPC or dIIC, with intra, flux and connector fractions.

    The importance of patch *k* is the percentage loss of the index when *k* is
    removed, split as in Saura & Rubio (2010):

    .. math::

        dI_k = 100\,\frac{I - I_{\text{remove } k}}{I}
             = dI_k^{intra} + dI_k^{flux} + dI_k^{connector}

    .. math::

        dPC_k^{intra} = 100\,\frac{a_k^2}{PC_{num}}, \qquad
        dPC_k^{flux} = 100\,\frac{2\, a_k \sum_{j \ne k} a_j p^*_{kj}}{PC_{num}}

    and :math:`dPC^{connector}_k` the loss of :math:`\sum_{i,j \ne k} a_i a_j
    p^*_{ij}` when *k* is no longer available as a stepping stone (for IIC,
    :math:`1/(1+nl_{ij})` replaces :math:`p^*_{ij}`). The landscape area
    cancels out: dI does not depend on it.

    Intra and flux come from one all-pairs solution. Connector is computed by
    removal only where it can be non-zero: a patch that is not an intermediate
    node of any best path has no connector role, and for the others only the
    affected rows and pairs are recomputed. With centroid (Euclidean) distances
    and the exponential kernel no stepping stone can beat a direct link, so the
    connector fraction is 0 and no path search is made.

    Parameters
    ----------
    graph : PatchGraph
    index : {"PC", "IIC"}, default "PC"
    dispersal_distance, probability, kernel, min_probability, truncate
        PC dispersal kernel and truncation; see
        :func:`probability_of_connectivity`.
    threshold : float, optional
        IIC link threshold (required for ``index="IIC"``).
    landscape_area : float, optional
        Only used for the index in ``summary`` (default ``graph.landscape_area``).

    Returns
    -------
    PatchImportance
        ``table``: one row per patch, in graph order, indexed by patch id: the
        attribute, ``dPC`` (or ``dIIC``), ``dPCintra``, ``dPCflux``,
        ``dPCconnector`` (in %, each >= 0, the three fractions add up to dPC) and
        ``rank`` (1 = most important); sort with
        ``result.table.sort_values("dPC", ascending=False)``. ``summary``: the
        index of the whole graph (:class:`PCResult` or :class:`IICResult`).

    References
    ----------
    Saura, S. & Rubio, L. (2010). Ecography 33, https://doi.org/10.1111/j.1600-0587.2009.05760.x

    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    Patch 2 sits between 1 and 3 (distances 1 km, 1 km and 3 km, median
    dispersal 1 km), so it is a connector: p*_13 = 0.5 * 0.5 = 0.25 through it,
    0.125 without it. PCnum = 3 + 2 (0.5 + 0.5 + 0.25) = 5.5; removing 2 leaves
    2 + 2 * 0.125 = 2.25, so dPC_2 = 100 * 3.25 / 5.5 = 59.09 % = intra
    100 / 5.5 + flux 100 * 2 (0.5 + 0.5) / 5.5 + connector 100 * 2 (0.25 - 0.125) / 5.5.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000, 3000], [1000, 0, 1000], [3000, 1000, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> result = patch_importance(g, dispersal_distance=1000)
    >>> result.table[["dPC", "dPCintra", "dPCflux", "dPCconnector"]].round(3)
           dPC  dPCintra  dPCflux  dPCconnector
    id
    1   45.455    18.182   27.273         0.000
    2   59.091    18.182   36.364         4.545
    3   45.455    18.182   27.273         0.000
    """
    graph = check_graph(graph)
    check_choice("index", index, _INDICES)
    if index == "PC":
        if threshold is not None:
            raise ValueError(
                "threshold is for index='IIC'; PC uses dispersal_distance/probability/kernel. "
                f"Got threshold={threshold!r}."
            )
        sol = pc_solution(
            graph, dispersal_distance, probability, kernel, min_probability, truncate
        )
    else:
        if threshold is None:
            raise ValueError("threshold is required for index='IIC'. Got threshold=None.")
        if dispersal_distance is not None or kernel is not None:
            raise ValueError(
                "dispersal_distance and kernel are for index='PC'; IIC uses threshold. Got "
                f"dispersal_distance={dispersal_distance!r}."
            )
        sol = iic_solution(graph, threshold)
    num = sol.numerator
    intra, flux, connector = fractions(sol)
    name = f"d{index}"
    df = pd.DataFrame(
        {
            graph.attribute_name: graph.attributes,
            name: 100.0 * (intra + flux + connector) / num,
            f"{name}intra": 100.0 * intra / num,
            f"{name}flux": 100.0 * flux / num,
            f"{name}connector": 100.0 * connector / num,
        },
        index=pd.Index(graph.ids, name="id"),
    )
    df["rank"] = df[name].rank(ascending=False, method="min").astype(int)
    la = graph.landscape_area if landscape_area is None else landscape_area
    return PatchImportance(df, summarize(sol, check_landscape_area(la, graph.attributes)))


def link_importance(
    graph: PatchGraph,
    *,
    dispersal_distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
) -> pd.DataFrame:
    r"""Rank links by importance: the percentage loss of PC when a link is removed.

    .. math::

        dPC_{(u,v)} = 100\,\frac{PC_{num} - PC_{num,\ \text{without link } (u,v)}}{PC_{num}}

    Only the pairs whose best path uses the link are recomputed. With no
    stepping-stone path in the landscape (for example centroid distances and
    the exponential kernel), removing a link only changes the pair it joins,
    whose best alternative is then a two-step path.

    Parameters
    ----------
    graph : PatchGraph
    dispersal_distance, probability, kernel, min_probability, truncate
        See :func:`probability_of_connectivity`. Links with
        :math:`p_{uv} <` ``min_probability`` are not listed.

    Returns
    -------
    pandas.DataFrame
        One row per link (``id_i``, ``id_j``, ``distance``, ``probability``,
        ``dPC`` in %, >= 0, and ``rank``), sorted by decreasing dPC. A link that
        no best path uses has dPC = 0.

    References
    ----------
    Saura, S. & Rubio, L. (2010). Ecography 33, https://doi.org/10.1111/j.1600-0587.2009.05760.x

    Examples
    --------
    Three 1 ha patches 1, 1 and 3 km apart (PCnum = 5.5, see
    :func:`patch_importance`). Without link 1-2, p*_12 = 0.5 * 0.125 = 0.0625
    through patch 3: PCnum = 3 + 2 (0.0625 + 0.5 + 0.125) = 4.375, a loss of
    100 * 1.125 / 5.5 = 20.45 %. Link 1-3 is not on any best path.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000, 3000], [1000, 0, 1000], [3000, 1000, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> link_importance(g, dispersal_distance=1000)[["id_i", "id_j", "dPC"]].round(3)
       id_i  id_j     dPC
    0     1     2  20.455
    1     2     3  20.455
    2     1     3   0.000
    """
    graph = check_graph(graph)
    sol = pc_solution(
        graph, dispersal_distance, probability, kernel, min_probability, truncate, need_paths=True
    )
    upper = sp.triu(sol.cost_graph, k=1, format="coo")
    u, v = upper.row.astype(np.int64), upper.col.astype(np.int64)
    loss = _link_losses(sol, u, v)
    p = probabilities(graph, dispersal_distance, probability, kernel)
    df = pd.DataFrame(
        {
            "id_i": graph.ids[u],
            "id_j": graph.ids[v],
            "distance": graph.distances[u, v],
            "probability": p[u, v],
            "dPC": 100.0 * np.maximum(loss, 0.0) / sol.numerator,
        }
    )
    df = df.sort_values("dPC", ascending=False, kind="stable").reset_index(drop=True)
    df["rank"] = df["dPC"].rank(ascending=False, method="min").astype(int)
    return df


def _link_losses(sol, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Loss of PCnum (not yet in %) when each link (u[e], v[e]) is removed."""
    a = sol.weights
    loss = np.zeros(u.size)
    if not sol.stepping_stones:
        # Each pair's best path is its direct link; without it, the best two-step path.
        val = sol.value
        for start in range(0, u.size, 256):
            uu, vv = u[start : start + 256], v[start : start + 256]
            two = val[uu] * val[vv]
            two[np.arange(uu.size), uu] = 0.0
            two[np.arange(uu.size), vv] = 0.0
            loss[start : start + 256] = 2 * a[uu] * a[vv] * (val[uu, vv] - two.max(axis=1))
        return loss
    pred = sol.pred
    work = sol.cost_graph.copy()
    for e in range(u.size):
        i, j = u[e], v[e]
        affected = np.flatnonzero((pred[:, j] == i) | (pred[:, i] == j))
        if affected.size == 0:
            continue
        slots = csr_slots(work, i, j)
        saved = work.data[slots].copy()
        work.data[slots] = np.inf
        new = dijkstra(work, directed=False, indices=affected, limit=sol.limit)
        work.data[slots] = saved
        new_value = np.exp(-new)
        new_value[np.arange(affected.size), affected] = 1.0
        loss[e] = float(a[affected] @ ((sol.value[affected] - new_value) @ a))
    return loss


def ec_change_from_new_link(
    graph: PatchGraph,
    patch_i,
    patch_j,
    *,
    link_distance: float,
    dispersal_distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
) -> float:
    r"""Gain in equivalent connected area from a new (restored) link between two patches.

    A restored corridor shortens the distance between patches *i* and *j* to
    ``link_distance``, so :math:`p_{ij}` becomes :math:`p^{new}`. Every best
    path either ignores the new link or uses it once:

    .. math::

        p'^*_{xy} = \max\left(p^*_{xy},\; p^*_{xi}\, p^{new} p^*_{jy},\;
        p^*_{xj}\, p^{new} p^*_{iy}\right)

    and the function returns :math:`\Delta EC = EC' - EC` (attribute units,
    ha; >= 0).

    Parameters
    ----------
    graph : PatchGraph
    patch_i, patch_j
        Ids of the two patches.
    link_distance : float
        New distance between them (metres; 0 for a fully restored connection).
    dispersal_distance, probability, kernel, min_probability, truncate
        See :func:`probability_of_connectivity`.

    Returns
    -------
    float
        :math:`\Delta EC \ge 0`.

    References
    ----------
    Saura, S. & Rubio, L. (2010). Ecography 33, https://doi.org/10.1111/j.1600-0587.2009.05760.x

    Examples
    --------
    Two 1 ha patches 3 km apart (p = 0.125); a corridor makes them 1 km apart
    (p = 0.5): EC goes from sqrt(2.25) = 1.5 to sqrt(3) = 1.732.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 3000], [3000, 0]], attributes=[1.0, 1.0])
    >>> round(ec_change_from_new_link(g, 1, 2, link_distance=1000, dispersal_distance=1000), 4)
    0.2321
    """
    graph = check_graph(graph)
    i = patch_position(graph, patch_i, "patch_i")
    j = patch_position(graph, patch_j, "patch_j")
    if i == j:
        raise ValueError(f"patch_i and patch_j must differ. Got both={patch_i!r}.")
    link_distance = check_positive("link_distance", link_distance, allow_zero=True)
    sol = pc_solution(graph, dispersal_distance, probability, kernel, min_probability, truncate)
    p_new = float(
        dispersal_probability(
            np.array([link_distance]),
            dispersal_distance=dispersal_distance,
            probability=probability,
            kernel=kernel,
        )[0]
    )
    before = sol.numerator
    if p_new < min_probability or p_new <= 0:
        return 0.0
    val = sol.value
    new = np.maximum(val, p_new * np.outer(val[:, i], val[j]))
    new = np.maximum(new, p_new * np.outer(val[:, j], val[i]))
    if truncate == "paths" and min_probability > 0:
        new[new < min_probability] = 0.0
    a = sol.weights
    return float(np.sqrt(a @ new @ a) - np.sqrt(before))


def ec_change_from_new_patch(
    graph: PatchGraph,
    attribute: float,
    distances,
    *,
    dispersal_distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
) -> float:
    r"""Gain in equivalent connected area from a new (restored) habitat patch.

    The new patch *q* has attribute :math:`a_q` and distances :math:`d_{qx}` to
    the existing patches. Its best path probabilities and the improved paths
    through it are

    .. math::

        p^*_{qy} = \max_x p_{qx} p^*_{xy}, \qquad
        p'^*_{xy} = \max\left(p^*_{xy},\; p^*_{xq} p^*_{qy}\right)

    and the function returns :math:`\Delta EC = EC' - EC` (attribute units, ha;
    > 0, it includes the new patch's own habitat).

    Parameters
    ----------
    graph : PatchGraph
    attribute : float
        :math:`a_q > 0` (ha for areas).
    distances : array_like
        Distances from the new patch to each existing patch, in graph order
        (``np.inf`` = unreachable).
    dispersal_distance, probability, kernel, min_probability, truncate
        See :func:`probability_of_connectivity`.

    Returns
    -------
    float
        :math:`\Delta EC`.

    References
    ----------
    Saura, S. & Rubio, L. (2010). Ecography 33, https://doi.org/10.1111/j.1600-0587.2009.05760.x

    Examples
    --------
    Two 1 ha patches 2 km apart (p = 0.25, PCnum = 2.5); a 1 ha patch restored
    halfway links both with p = 0.5: PCnum = 3 + 2 * (0.5 + 0.5 + 0.25) = 5.5.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 2000], [2000, 0]], attributes=[1.0, 1.0])
    >>> round(ec_change_from_new_patch(g, 1.0, [1000, 1000], dispersal_distance=1000), 4)
    0.7641
    """
    graph = check_graph(graph)
    a_q = float(check_attributes([attribute], name="attribute")[0])
    d = np.asarray(distances, dtype=float)
    if d.shape != (len(graph),):
        raise ValueError(
            f"distances must give one distance per existing patch ({len(graph)}). "
            f"Got shape {d.shape}."
        )
    if np.isnan(d).any() or (d < 0).any():
        raise ValueError("distances must be non-negative (np.inf for unreachable).")
    sol = pc_solution(graph, dispersal_distance, probability, kernel, min_probability, truncate)
    p_q = dispersal_probability(
        d, dispersal_distance=dispersal_distance, probability=probability, kernel=kernel
    )
    if min_probability > 0:
        p_q = np.where(p_q >= min_probability, p_q, 0.0)
    val = sol.value
    pq_star = (p_q[:, None] * val).max(axis=0)
    n = len(graph)
    new = np.empty((n + 1, n + 1))
    new[:n, :n] = np.maximum(val, np.outer(pq_star, pq_star))
    new[n, :n] = pq_star
    new[:n, n] = pq_star
    new[n, n] = 1.0
    if truncate == "paths" and min_probability > 0:
        new[new < min_probability] = 0.0
    a = np.append(sol.weights, a_q)
    return float(np.sqrt(a @ new @ a) - np.sqrt(sol.numerator))
