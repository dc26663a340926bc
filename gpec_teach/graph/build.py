r"""Patch graphs: build one from polygons, a labelled raster or a distance matrix.

Every constructor measures distances between patches by a ``distance_method``:
``"edge"`` (edge to edge, the default everywhere in :mod:`gpec_teach`, as in
ProtConn), ``"centroid"`` or ``"inside_centroid"`` (between one point per patch);
a matrix given by the user (least-cost distances) is ``"matrix"``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd
import rasterio.features
import shapely
from affine import Affine
from scipy.spatial.distance import cdist
from shapely.geometry import shape

from .._raster import unwrap
from .._validation import check_choice, check_positive, describe
from .._vector import (
    POINT_METHODS,
    edge_distances,
    id_values,
    metres_per_unit,
    points_of,
    read_frame,
    repair_polygons,
)
from ._checks import (
    PatchGraph,
    check_attributes,
    check_distance_matrix,
    check_graph,
    check_landscape_area,
    check_min_probability,
)
from ._solution import probabilities

__all__ = [
    "DISTANCE_METHODS",
    "POINT_METHODS",
    "PatchGraph",
    "patch_graph_from_matrix",
    "patch_graph_from_polygons",
    "patch_graph_from_raster",
    "patch_points",
    "to_networkx",
]

#: How distances between patches are measured (``"point_on_surface"`` is an alias
#: of ``"inside_centroid"``).
DISTANCE_METHODS: tuple[str, ...] = ("edge", "centroid", "inside_centroid")
_POINT_ALIASES = {"point_on_surface": "inside_centroid"}


def patch_graph_from_matrix(
    distances,
    *,
    attributes,
    ids=None,
    attribute_name: str = "attribute",
    landscape_area: float | None = None,
    points=None,
    crs=None,
) -> PatchGraph:
    r"""Build a patch graph from a distance matrix (for example least-cost distances).

    Parameters
    ----------
    distances : array_like or pandas.DataFrame
        Symmetric ``(n, n)`` matrix of distances :math:`d_{ij} \ge 0` between
        patches, in metres or cost units (the dispersal distance of the indices
        must use the same units). ``np.inf`` means unreachable. The diagonal is
        ignored. A DataFrame's index gives the patch ids (its columns must match).
    attributes : array_like
        Patch attribute :math:`a_i > 0`, one per patch (area in ha, or
        quality-weighted area).
    ids : array_like, optional
        Patch identifiers (default: the DataFrame index, else 1..n).
    attribute_name : str, default "attribute"
        Name shown in result tables.
    landscape_area : float, optional
        Landscape area :math:`A_L` in attribute units (needed for PC and IIC).
    points : array_like, optional
        ``(n, 2)`` coordinates of the patches, for maps.
    crs : optional
        CRS of ``points``.

    Returns
    -------
    PatchGraph

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    >>> g = patch_graph_from_matrix([[0, 500], [500, 0]], attributes=[2.0, 3.0])
    >>> g
    PatchGraph(2 patches, distances='matrix', attribute='attribute', total=5, landscape_area=None)
    >>> g.ids
    array([1, 2])
    """
    frame_ids = None
    if isinstance(distances, pd.DataFrame):
        if not distances.index.equals(distances.columns):
            raise ValueError(
                "distances DataFrame must have the same patch ids, in the same order, in "
                "its index and its columns. Reorder with df.loc[ids, ids]."
            )
        frame_ids = distances.index.to_numpy()
        distances = distances.to_numpy(dtype=float)
    d = check_distance_matrix(distances)
    n = d.shape[0]
    a = check_attributes(attributes, n)
    if ids is None:
        ids = frame_ids if frame_ids is not None else np.arange(1, n + 1)
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size != n:
        raise ValueError(
            f"ids has {ids.size} values but distances has {n} patches; they must match."
        )
    if len(set(ids.tolist())) != n:
        raise ValueError("ids must be unique; found repeated patch ids.")
    if points is not None:
        points = np.asarray(points, dtype=float)
        if points.shape != (n, 2):
            raise ValueError(f"points must have shape ({n}, 2). Got shape {points.shape}.")
    return PatchGraph(
        ids=ids,
        attributes=a,
        distances=d,
        distance_method="matrix",
        attribute_name=str(attribute_name),
        landscape_area=check_landscape_area(landscape_area, a),
        points=points,
        crs=crs,
    )


def patch_points(patches, *, distance_method: str = "centroid") -> np.ndarray:
    r"""One representative point per patch, under a named centroid convention.

    Centroid-to-centroid distances depend on which point stands for a patch.
    Two conventions are in use:

    - ``"centroid"``: the plain polygon centroid (centre of mass),

      .. math::

          \bar x = \frac{1}{A} \iint_P x \, dA, \qquad
          \bar y = \frac{1}{A} \iint_P y \, dA

      It is unique and depends only on the geometry. For a C- or U-shaped
      patch it can fall outside the patch. GIS centroid tools give it, so it
      is Conefor's usual input, and Makurhini used it before 2021.
    - ``"inside_centroid"``: the centroid when it lies inside the patch, else
      a point on the surface (``shapely.point_on_surface``, the GEOS interior
      point). This is what Makurhini has done since 2021. ``"point_on_surface"``
      is accepted as an alias.

    Parameters
    ----------
    patches : geopandas.GeoDataFrame, geopandas.GeoSeries or array of shapely polygons
        The patches (no CRS check here: the points are in the input's
        coordinates).
    distance_method : {"centroid", "inside_centroid"}, default "centroid"
        The convention (see above). The default differs from the constructors'
        ``"edge"`` because an edge distance has no representative point.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` array of x, y coordinates, in the order of the input rows.

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Godínez-Gómez, O. & Correa Ayram, C. A. Makurhini: analyzing landscape
    connectivity (R package), ``distancefile(type = "centroid")``,
    https://github.com/connectscape/Makurhini

    Examples
    --------
    An L-shaped patch (a 300 x 100 bar and a 100 x 200 bar on its left end):
    its centroid, :math:`((30\,000 \cdot 150 + 20\,000 \cdot 50) / 50\,000,
    (30\,000 \cdot 50 + 20\,000 \cdot 200) / 50\,000) = (110, 110)`, lies in
    the corner outside the patch. GEOS takes the horizontal line halfway
    between the two vertex heights nearest to the middle of the bounding box
    (:math:`y = (100 + 300) / 2 = 200`) and returns the middle of its widest
    segment inside the patch: (50, 200).

    >>> from shapely.geometry import Polygon
    >>> ell = Polygon([(0, 0), (300, 0), (300, 100), (100, 100), (100, 300), (0, 300)])
    >>> patch_points([ell], distance_method="centroid")
    array([[110., 110.]])
    >>> patch_points([ell], distance_method="inside_centroid")
    array([[ 50., 200.]])
    """
    distance_method = _canonical_method(distance_method)
    if distance_method == "edge":
        raise ValueError(
            "distance_method must be a point convention, 'centroid' or 'inside_centroid'. "
            "Got distance_method='edge': edge distances have no representative point."
        )
    geoms = getattr(patches, "geometry", patches)
    geoms = np.asarray(getattr(geoms, "values", geoms), dtype=object).ravel()
    if geoms.size == 0:
        raise ValueError("patches is empty: the patch set has no patch.")
    if not all(isinstance(g, shapely.Geometry) and not g.is_empty for g in geoms):
        raise TypeError(
            "patches must hold non-empty shapely (multi)polygons. Got "
            f"{describe(patches)}. Drop missing geometries first."
        )
    return points_of(geoms, distance_method)


def _canonical_method(value) -> str:
    """Check a distance method (alias "point_on_surface" allowed) and resolve the alias."""
    check_choice("distance_method", value, (*DISTANCE_METHODS, *_POINT_ALIASES))
    return _POINT_ALIASES.get(value, value)


def patch_graph_from_polygons(
    patches,
    *,
    distance_method: str = "edge",
    attribute: str = "area",
    id_column: str | None = None,
    landscape_area: float | None = None,
    max_distance: float | None = None,
) -> PatchGraph:
    r"""Build a patch graph from habitat polygons.

    Parameters
    ----------
    patches : geopandas.GeoDataFrame or geopandas.GeoSeries
        One (multi)polygon per habitat patch, in a *projected* CRS (metres).
        Invalid polygons are repaired with ``shapely.make_valid`` and an
        :class:`~gpec_teach._validation.InvalidGeometryWarning`.
    distance_method : {"edge", "centroid", "inside_centroid"}, default "edge"
        How the distance between two patches is measured. ``"edge"``: shortest
        distance between patch edges (0 for touching patches). ``"centroid"``:
        Euclidean distance between plain polygon centroids
        (:func:`patch_points`). ``"inside_centroid"`` (alias
        ``"point_on_surface"``): the same, but a patch whose centroid falls
        outside it is represented by a point on its surface. For least-cost
        distances use :func:`patch_graph_from_matrix`.

        Why edge by default? Conefor and Makurhini compute with the distances
        they are given, so the choice is the analyst's; edge-to-edge distance is
        what an animal leaving a patch must cross, it is the definition of
        ProtConn (Saura et al. 2017; Makurhini's ``MK_ProtConn`` and
        :func:`gpec_teach.protconn.protconn` use it), and it is the one default of
        every graph constructor and of ProtConn in this package.

        Which centroid, for centroid distances? Makurhini used the plain
        centroid until 2021 and a point on the surface for outside centroids
        since; Conefor studies usually take a GIS centroid tool's (the plain
        centroid). Pass ``"centroid"`` to reproduce Makurhini before 2021 and
        Conefor studies, ``"inside_centroid"`` for Makurhini 2021 and later (for
        example its 404-patch PC example, see the validation appendix). On
        real, irregular patches the two differ: 32 of Makurhini's 142
        ``vegetation_patches`` have their centroid outside, moved by up to
        7.5 km (52 of its 404 ``habitat_nodes``, up to 15.8 km), which changes
        PC by about 1 % on the latter. Neither allows a stepping stone (the
        triangle inequality holds), so dPC connector fractions are 0 with both.
    attribute : str, default "area"
        ``"area"``: polygon area in hectares. Any other value names a numeric,
        positive column of ``patches`` (for example a quality-weighted area).
    id_column : str, optional
        Column with the patch ids (default: the index).
    landscape_area : float, optional
        Landscape area :math:`A_L` in attribute units (ha for areas), needed for
        PC and IIC.
    max_distance : float, optional
        For ``distance_method="edge"``: pairs farther apart than this (metres) get
        ``np.inf`` (no link) instead of an exact distance, which is much faster
        for many patches. Choose it where the dispersal probability is
        negligible (about 10 times the median dispersal distance gives
        :math:`p \approx 0.001`).

    Returns
    -------
    PatchGraph

    Raises
    ------
    ValueError
        If the CRS is missing or geographic (reproject with ``to_crs``), the
        set is empty, or a geometry is not a polygon.

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 100), box(300, 0, 400, 100)],
    ...                        crs="EPSG:3035")
    >>> g = patch_graph_from_polygons(gdf)
    >>> g.attributes, float(g.distances[0, 1])
    (array([1., 1.]), 200.0)
    """
    distance_method = _canonical_method(distance_method)
    patches = read_frame("patches", patches)
    if len(patches) == 0:
        raise ValueError("patches is empty: the patch set has no patch.")
    if max_distance is not None:
        max_distance = check_positive("max_distance", max_distance)
    geoms = _checked_polygons(patches.geometry.to_numpy(), "patches")
    to_m = metres_per_unit(patches.crs)
    if attribute == "area":
        a, name = shapely.area(geoms) * to_m**2 / 1e4, "area_ha"
    else:
        if attribute not in patches.columns:
            raise ValueError(
                f"attribute must be 'area' or a column of patches. Got attribute={attribute!r}; "
                f"columns are {list(patches.columns)}."
            )
        a, name = patches[attribute].to_numpy(), str(attribute)
    a = check_attributes(a, name=f"attribute {attribute!r}")
    ids = id_values("patches", patches, id_column)
    return _graph_from_geoms(
        geoms, ids, a, name, distance_method, landscape_area, max_distance, to_m, patches.crs
    )


def _checked_polygons(geoms, name: str) -> np.ndarray:
    """Polygons repaired if invalid; missing, non-polygonal or empty ones raise."""
    geoms = np.asarray(geoms, dtype=object)
    if any(g is None for g in geoms):
        raise ValueError(f"{name} has missing (None) geometries. Drop them first.")
    geoms = repair_polygons(geoms, name, stacklevel=4)
    missing = np.array([g is None for g in geoms])
    if missing.any():
        i = int(np.argmax(missing))
        raise ValueError(
            f"{name} has an empty or zero-area polygon at position {i} (after repair). "
            "Drop it or fix it in a GIS (for example with buffer(0))."
        )
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon
    if not polygonal.all():
        i = int(np.argmax(~polygonal))
        raise ValueError(
            f"{name} must hold polygons (habitat patches). Got a {geoms[i].geom_type} at "
            f"position {i}; buffer points or lines first, or drop them."
        )
    empty = shapely.is_empty(geoms) | (shapely.area(geoms) <= 0)
    if empty.any():
        i = int(np.argmax(empty))
        raise ValueError(
            f"{name} has an empty or zero-area polygon at position {i} (after repair). "
            "Drop it or fix it in a GIS (for example with buffer(0))."
        )
    return geoms


def _graph_from_geoms(
    geoms, ids, a, name, distance_method, landscape_area, max_distance, to_m, crs
) -> PatchGraph:
    """Build the patch graph of checked polygons (distances in metres)."""
    is_point_method = distance_method in POINT_METHODS
    points = points_of(geoms, distance_method if is_point_method else "inside_centroid")
    if is_point_method:
        d = cdist(points, points) * to_m
    else:
        limit = None if max_distance is None else max_distance / to_m
        d = edge_distances(geoms, max_distance=limit) * to_m
    return PatchGraph(
        ids=ids,
        attributes=a,
        distances=d,
        distance_method=distance_method,
        attribute_name=name,
        landscape_area=check_landscape_area(landscape_area, a),
        points=points,
        crs=crs,
    )


def patch_graph_from_raster(
    labels,
    *,
    cellsize: float | None = None,
    distance_method: str = "edge",
    landscape_area: float | None = None,
    max_distance: float | None = None,
) -> PatchGraph:
    r"""Build a patch graph from a labelled patch raster.

    Cells with the same positive integer label form one patch (label the
    habitat first, for example with ``gpec_teach.fragmentation``). Every patch
    becomes the polygon made of its cells, so edge distances are exact
    distances between cell edges (0 for patches whose cells touch).

    Parameters
    ----------
    labels : array_like or xarray.DataArray
        2-D grid of patch labels. 0, negative values and NaN/nodata are
        background (matrix).
    cellsize : float, optional
        Cell side in metres; read from a georeferenced DataArray, required for
        arrays (areas and distances are in map units).
    distance_method : {"edge", "centroid", "inside_centroid"}, default "edge"
        See :func:`patch_graph_from_polygons` (the patch polygon is the union
        of its cells; edge is the one default of the constructors).
    landscape_area : float, optional
        :math:`A_L` in ha; by default the area of all valid (non-nodata) cells.
    max_distance : float, optional
        See :func:`patch_graph_from_polygons`.

    Returns
    -------
    PatchGraph
        Ids are the labels; the attribute is the patch area in ha.

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    >>> labels = np.array([[1, 1, 0, 0, 2],
    ...                    [1, 0, 0, 0, 2]])
    >>> g = patch_graph_from_raster(labels, cellsize=100)
    >>> g.ids, g.attributes, float(g.distances[0, 1])
    (array([1, 2]), array([3., 2.]), 200.0)
    """
    distance_method = _canonical_method(distance_method)
    grid = unwrap(
        "labels", labels, cellsize=cellsize, require_cellsize=True, allow_all_nodata=True
    )
    lab = _integer_labels(grid.values)
    if grid.template is not None and hasattr(grid.template, "rio"):
        transform, crs = grid.template.rio.transform(), grid.crs
    else:
        c = grid.cellsize
        transform, crs = Affine(c, 0.0, 0.0, 0.0, -c, lab.shape[0] * c), None
    ids, geoms = _label_polygons(lab, transform)
    cell_ha = grid.cellsize**2 / 1e4
    a = np.bincount(lab.ravel())[ids] * cell_ha
    if landscape_area is None:
        landscape_area = float(np.isfinite(grid.values).sum()) * cell_ha
    if max_distance is not None:
        max_distance = check_positive("max_distance", max_distance)
    to_m = metres_per_unit(crs)
    return _graph_from_geoms(
        geoms, ids, a, "area_ha", distance_method, landscape_area, max_distance, to_m, crs
    )


def _integer_labels(values: np.ndarray) -> np.ndarray:
    """Positive integer labels as int64 (0 = background); non-integers or no patch raise."""
    valid = np.isfinite(values)
    if (values[valid] != np.round(values[valid])).any():
        raise ValueError(
            "labels must hold integer patch labels (0 or nodata = background). Got "
            "non-integer values; label the habitat first."
        )
    lab = np.where(valid & (values > 0), values, 0).astype(np.int64)
    if not (lab > 0).any():
        raise ValueError("labels has no patch: every cell is background (0) or nodata.")
    if lab.max() >= 2**31:
        raise ValueError("labels must be below 2**31.")
    return lab


def _label_polygons(lab: np.ndarray, transform) -> tuple[np.ndarray, np.ndarray]:
    """Sorted labels and, for each, the polygon made of its cells (map coordinates)."""
    shapes = rasterio.features.shapes(
        lab.astype(np.int32), mask=lab > 0, connectivity=4, transform=transform
    )
    parts = defaultdict(list)
    for geom, v in shapes:
        parts[int(v)].append(shape(geom))
    ids = np.array(sorted(parts), dtype=np.int64)
    geoms = np.array([shapely.union_all(parts[i]) for i in ids.tolist()], dtype=object)
    return ids, geoms


def to_networkx(
    graph: PatchGraph,
    *,
    dispersal_distance: float | None = None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
):
    r"""Export a patch graph to :class:`networkx.Graph` for exploration.

    Nodes are the patch ids with the attribute (and ``x``, ``y`` when known);
    links join pairs at a finite distance, with a ``distance`` attribute and,
    when a ``dispersal_distance`` or ``kernel`` is given, a ``probability``
    :math:`p_{ij} = e^{-k d_{ij}}` (:func:`dispersal_probability`) and a
    ``cost`` :math:`-\ln p_{ij}` (use ``weight="cost"`` in networkx shortest
    paths to find maximum-product paths).

    Parameters
    ----------
    graph : PatchGraph
    dispersal_distance, probability, kernel
        Dispersal kernel, as in :func:`dispersal_probability` (optional).
    min_probability : float, default 0.0
        Links with a probability below this are left out.

    Returns
    -------
    networkx.Graph

    References
    ----------
    Hagberg, A., Schult, D. & Swart, P. (2008). Exploring network structure,
    dynamics, and function using NetworkX. Proceedings of SciPy 2008.
    Saura, S. & Pascual-Hortal, L. (2007), https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    >>> g = patch_graph_from_matrix([[0, 1000], [1000, 0]], attributes=[2.0, 3.0])
    >>> G = to_networkx(g, dispersal_distance=1000)
    >>> G.nodes[1], G.edges[1, 2]["probability"]
    ({'attribute': 2.0}, 0.5)
    """
    import networkx as nx

    graph = check_graph(graph)
    min_probability = check_min_probability(min_probability)
    p = None
    if dispersal_distance is not None or kernel is not None:
        p = probabilities(graph, dispersal_distance, probability, kernel)
    G = nx.Graph()
    for idx, pid in enumerate(graph.ids.tolist()):
        attrs = {graph.attribute_name: float(graph.attributes[idx])}
        if graph.points is not None:
            attrs["x"], attrs["y"] = (float(v) for v in graph.points[idx])
        G.add_node(pid, **attrs)
    rows, cols = np.triu_indices(len(graph), k=1)
    d = graph.distances[rows, cols]
    keep = np.isfinite(d)
    if p is not None:
        pv = p[rows, cols]
        keep &= (pv > 0) & (pv >= min_probability)
    ids = graph.ids.tolist()
    for r, c in zip(rows[keep], cols[keep], strict=True):
        attrs = {"distance": float(graph.distances[r, c])}
        if p is not None:
            attrs["probability"] = float(p[r, c])
            attrs["cost"] = float(abs(-np.log(p[r, c])))
        G.add_edge(ids[r], ids[c], **attrs)
    return G
