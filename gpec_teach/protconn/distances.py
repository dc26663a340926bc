"""Distances between ProtConn's nodes: edge to edge (default) or between centroids."""

from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_positive
from .._vector import edge_distances, metres_per_unit, points_of, read_frame
from ..graph import DISTANCE_METHODS

__all__ = ["path_preserving_distances", "protected_area_distances"]


def protected_area_distances(
    nodes, *, max_distance_km: float | None = None, distance_method: str = "edge"
) -> np.ndarray:
    """Distances between ProtConn nodes, in km: edge to edge (default) or between centroids.

    Parameters
    ----------
    nodes : geopandas.GeoDataFrame
        Nodes from :func:`protected_area_nodes` (or any polygons), projected
        CRS in metres.
    max_distance_km : float, optional
        Only pairs closer than this are measured; others get ``np.inf`` (no
        direct link). Default: every pair (exact, :math:`O(n^2)`).
    distance_method : {"edge", "centroid", "inside_centroid"}, default "edge"
        ``"edge"``: shortest distance between the polygons (0 for touching
        PAs), as in Saura et al. (2017) and the JRC DOPA assessments.
        ``"centroid"`` / ``"inside_centroid"``: straight line between the
        plain centroids / the centroids moved onto the surface when they
        fall outside (the two conventions of
        :func:`gpec_teach.graph.patch_points`; Makurhini's
        ``distance = list(type = "centroid")`` before / since 2021). Land
        nodes (``kind == "land"``, for ProtConn_Bound) have no meaningful
        centroid: their distances stay edge to edge (0 to the PAs on them),
        as Makurhini sets them.

    Returns
    -------
    numpy.ndarray
        Symmetric ``(n, n)`` matrix in km: 0 on the diagonal (and for touching
        nodes with ``"edge"``), ``np.inf`` for pairs beyond ``max_distance_km``.

    References
    ----------
    Saura, S. et al. (2017). Ecological Indicators 76, 144-158,
    https://doi.org/10.1016/j.ecolind.2016.12.047

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> nodes = gpd.GeoSeries([box(0, 0, 1000, 1000), box(3000, 0, 4000, 1000)], crs="EPSG:3035")
    >>> protected_area_distances(nodes)
    array([[0., 2.],
           [2., 0.]])
    >>> protected_area_distances(nodes, distance_method="centroid")  # centres 500 m and 3500 m
    array([[0., 3.],
           [3., 0.]])
    """
    check_choice("distance_method", distance_method, DISTANCE_METHODS)
    frame = read_frame("nodes", nodes)
    m = metres_per_unit(frame.crs)
    limit = None
    if max_distance_km is not None:
        limit = check_positive("max_distance_km", max_distance_km) * 1000.0 / m
    geoms = frame.geometry.to_numpy()
    n = len(geoms)
    if distance_method == "edge":
        return edge_distances(geoms, max_distance=limit) * (m / 1000.0)
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0.0)
    land = frame["kind"].to_numpy() == "land" if "kind" in frame else np.zeros(n, dtype=bool)
    idx = np.flatnonzero(~land)
    if idx.size > 1:
        pts = points_of(geoms[idx], distance_method)
        rows, cols = np.triu_indices(idx.size, k=1)
        values = np.hypot(*(pts[rows] - pts[cols]).T)
        if limit is not None:
            values = np.where(values <= limit, values, np.inf)
        d[idx[rows], idx[cols]] = d[idx[cols], idx[rows]] = values * (m / 1000.0)
    if land.any():
        # land nodes have no meaningful centroid: edge to edge (0 to the PAs on them)
        edges = edge_distances(geoms, max_distance=limit, sources=np.flatnonzero(land))
        rows = np.isin(np.arange(n), np.flatnonzero(land))
        mask = rows[:, None] | rows[None, :]
        np.fill_diagonal(mask, False)
        d[mask] = edges[mask] * (m / 1000.0)
    return d


def path_preserving_distances(geoms, subsets, *, min_reach: float = 0.0) -> np.ndarray:
    r"""Edge-to-edge distances with the pairs that no shortest path needs left unmeasured.

    ProtConn only uses distances through maximum-product paths, that is shortest
    paths on the distances (:math:`p^*_{ij} = P^{\,s_{ij}/D}` with :math:`s_{ij}` the
    shortest path length, for every dispersal distance :math:`D`). A direct link
    :math:`(u, v)` that is no shorter than some other path between *u* and *v* can be
    dropped without changing any shortest path length. The pairs whose bounding
    boxes lie within a reach :math:`T` are measured exactly and give the shortest
    paths :math:`s^T_{uv}` over those links; another pair is measured only if the
    gap between the boxes (a lower bound of its distance) is at most
    :math:`s^T_{uv}`. Every other pair has :math:`d_{uv} > s^T_{uv}` and stays
    ``inf``. This is done for every node subset in *subsets* (the graph of all
    nodes, of the PAs, of the domestic PAs: a link needless in one graph may be
    needed in a smaller one), so the shortest paths inside each subset, and in
    any superset of one, are those of the full matrix.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Valid polygons (CRS units).
    subsets : list of numpy.ndarray of bool
        Node subsets whose shortest paths must be kept.
    min_reach : float, default 0
        Pairs at most this far apart (CRS units) are always measured (ProtConn's
        contiguity tolerance).

    Returns
    -------
    numpy.ndarray
        Symmetric ``(n, n)`` matrix (CRS units), 0 on the diagonal, ``inf`` for the
        pairs left out; every finite entry equals :func:`edge_distances`'.

    Examples
    --------
    The middle square is a stepping stone: the direct link 0-2 (4 units) is no
    shorter than the path through it (1 + 1 = 2), so it is not measured.

    >>> from shapely.geometry import box
    >>> geoms = np.array([box(0, 0, 1, 1), box(2, 0, 4, 1), box(5, 0, 6, 1)])
    >>> path_preserving_distances(geoms, [np.ones(3, dtype=bool)])
    array([[ 0.,  1., inf],
           [ 1.,  0.,  1.],
           [inf,  1.,  0.]])
    """
    import scipy.sparse as sp
    import shapely
    from scipy.sparse.csgraph import dijkstra

    from .._graph_kernels import prune_replaceable_links
    from .._vector import _box_gap, measure_edge_pairs

    geoms = np.asarray(geoms, dtype=object)
    n = geoms.size
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0.0)
    if n < 2:
        return d
    bounds = shapely.bounds(geoms)
    lower = _box_gap(bounds, bounds)
    reach = _reach(lower, min_reach)
    a, b = np.nonzero(np.triu(lower <= reach, k=1))
    measure_edge_pairs(geoms, a, b, d)
    measured = np.isfinite(d)
    for subset in subsets:
        idx = np.flatnonzero(subset)
        if idx.size < 2:
            continue
        sub = d[np.ix_(idx, idx)]
        r, c = np.nonzero(np.isfinite(sub))
        keep = r != c
        # explicit zeros are links for csgraph; a tiny cost keeps them (a bound only)
        w = np.maximum(sub[r[keep], c[keep]], np.finfo(float).tiny)
        graph = sp.csr_array((w, (r[keep], c[keep])), shape=(idx.size, idx.size))
        # links with two shorter detours change no path length: far fewer links to search
        paths = dijkstra(prune_replaceable_links(graph), directed=False)
        # a relative slack: a link that ties with a path (to rounding) is measured
        cand = ~measured[np.ix_(idx, idx)] & (lower[np.ix_(idx, idx)] <= paths * (1.0 + 1e-9))
        a, b = np.nonzero(np.triu(cand, k=1))
        measure_edge_pairs(geoms, idx[a], idx[b], d)
        measured = np.isfinite(d)
    return d


def _reach(lower: np.ndarray, min_reach: float) -> float:
    """Reach of the links measured first, from the box gaps *lower* (a heuristic for speed).

    Starts at the largest gap from a node to its nearest box and doubles while the
    box links leave more than a few pairs per node between separate groups of nodes
    (those pairs would all be measured), or while it is below *min_reach*; stops
    before the links hold a quarter of all pairs. Any reach gives the same result.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n = lower.shape[0]
    gaps = lower + np.diag(np.full(n, np.inf))
    reach = max(float(gaps.min(axis=1).max()), min_reach, np.finfo(float).tiny)
    while True:
        links = gaps <= reach
        if links.sum() > 0.25 * n * n:
            return reach
        _, label = connected_components(sp.csr_array(links), directed=False)
        sizes = np.bincount(label).astype(float)
        apart = (n * n - float(np.sum(sizes**2))) / 2
        if apart <= 4 * n and reach >= min_reach:
            return reach
        reach *= 2.0
