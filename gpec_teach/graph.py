"""Patch graphs and graph-based connectivity indices (IIC, PC, EC, dI).

A landscape is seen as a graph: habitat patches are nodes with an attribute
(usually area) and pairs of patches are linked with a dispersal probability that
falls with the distance between them. From this graph we compute the Integral
Index of Connectivity (IIC), the Probability of Connectivity (PC), the equivalent
connected area (EC) and the importance of every patch and link.

References
----------
Pascual-Hortal, L. & Saura, S. (2006). Comparison and development of new
graph-based landscape connectivity indices: towards the priorization of habitat
patches and corridors for conservation. Landscape Ecology 21 (7), 959-967,
https://doi.org/10.1007/s10980-006-0013-z

Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83 (2-3), https://doi.org/10.1016/j.landurbplan.2007.03.005

Saura, S. & Rubio, L. (2010). A common currency for the different ways in which
patches and links can contribute to habitat availability and connectivity in the
landscape. Ecography 33 (3), https://doi.org/10.1111/j.1600-0587.2009.05760.x
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import _graph_kernels as _k
from ._validation import (
    InvalidGeometryWarning,
    check_choice,
    check_positive,
    check_probability,
    check_projected_crs,
    describe,
)

__all__ = [
    "POINT_METHODS",
    "PatchGraph",
    "dispersal_probability",
    "ec_change_from_new_link",
    "ec_change_from_new_patch",
    "equivalent_connected_area",
    "integral_index_of_connectivity",
    "link_importance",
    "max_product_probability",
    "patch_graph_from_matrix",
    "patch_graph_from_polygons",
    "patch_graph_from_raster",
    "patch_importance",
    "patch_points",
    "pc_numerator",
    "probability_of_connectivity",
    "to_networkx",
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
            f"{float(arr[i, j])!r} but {name}[{j}, {i}]={float(arr[j, i])!r}. Symmetrise it first, "
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
            f"{name} must be positive (patch area or quality). Got {name}[{i}]={float(arr[i])!r}. "
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
            f"distances must be non-negative. Got a minimum of {float(d.min())!r}. "
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
        csr = sp.csr_array(p)
        if csr.nnz and abs(csr - csr.T).max() > 1e-12:
            raise ValueError(
                "p must be symmetric (links are undirected). Symmetrise it first, for "
                "example p.maximum(p.T)."
            )
        graph = _k.cost_graph_from_sparse(p, min_probability)
    else:
        arr = _check_probability_matrix(p)
        graph = _k.cost_graph(arr, min_probability)
    return _k.pstar_from_costs(_k.solve_all_pairs(graph)[0])


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
            f"{float(arr.min())!r} to {float(arr.max())!r}."
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


# ------------------------------------------------------------------------ patch graphs
_DISTANCE_METHODS = ("centroid", "edge", "inside_centroid", "point_on_surface")
#: Point conventions for centroid distances (``"point_on_surface"`` is an alias).
POINT_METHODS: tuple[str, ...] = ("centroid", "inside_centroid")
_POINT_ALIASES = {"point_on_surface": "inside_centroid"}
_TRUNCATE = ("links", "paths")
_INDICES = ("PC", "IIC")


@dataclass(frozen=True, eq=False)
class PatchGraph:
    """Habitat patches (nodes) and the distances between them (links).

    Build it with :func:`patch_graph_from_polygons`,
    :func:`patch_graph_from_raster` or :func:`patch_graph_from_matrix`; every
    index of this module takes it as its first argument.

    Attributes
    ----------
    ids : numpy.ndarray
        Patch identifiers, in node order.
    attributes : numpy.ndarray
        Node attribute :math:`a_i > 0` (area in ha by default).
    distances : numpy.ndarray
        Symmetric ``(n, n)`` distance matrix in metres (or the units of a given
        matrix); ``np.inf`` = unreachable; the diagonal is 0.
    distance_method : str
        ``"centroid"`` (plain polygon centroids), ``"inside_centroid"``
        (centroid, or a point on the surface when the centroid falls outside
        the patch), ``"edge"`` or ``"matrix"`` (given by the user, for example
        least-cost distances).
    attribute_name : str
        Name of the attribute (``"area_ha"`` for areas).
    landscape_area : float or None
        Landscape area :math:`A_L` in attribute units, needed for PC and IIC
        (not for EC or dPC).
    points : numpy.ndarray or None
        ``(n, 2)`` map coordinates of one point per patch (for maps): the
        points the centroid distances were measured between, or inside
        centroids for edge distances.
    crs : pyproj.CRS or None
        Coordinate reference system of the patches.
    """

    ids: np.ndarray
    attributes: np.ndarray
    distances: np.ndarray
    distance_method: str
    attribute_name: str = "attribute"
    landscape_area: float | None = None
    points: np.ndarray | None = None
    crs: object = None

    def __len__(self) -> int:
        return int(self.ids.size)

    def __repr__(self) -> str:
        return (
            f"PatchGraph({len(self)} patches, distances={self.distance_method!r}, "
            f"attribute={self.attribute_name!r}, total={self.attributes.sum():.6g}, "
            f"landscape_area={self.landscape_area!r})"
        )


def _check_landscape_area(landscape_area, attributes: np.ndarray) -> float | None:
    if landscape_area is None:
        return None
    value = check_positive("landscape_area", landscape_area)
    total = float(attributes.sum())
    if value < total * (1 - 1e-9):
        raise ValueError(
            f"landscape_area must be at least the total patch attribute ({total:.6g}). "
            f"Got landscape_area={landscape_area!r}. Give it in the units of the "
            "attribute (ha for areas)."
        )
    return value


def _check_distance_matrix(distances) -> np.ndarray:
    d = _square_matrix("distances", distances)
    if (d < 0).any():
        i, j = np.argwhere(d < 0)[0]
        raise ValueError(
            f"distances must be non-negative. Got distances[{i}, {j}]={float(d[i, j])!r}. "
            "Use 0 for touching patches and np.inf for unreachable pairs."
        )
    _check_symmetric("distances", d)
    d = d.copy()
    np.fill_diagonal(d, 0.0)
    return d


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
    import pandas as pd

    frame_ids = None
    if isinstance(distances, pd.DataFrame):
        if not distances.index.equals(distances.columns):
            raise ValueError(
                "distances DataFrame must have the same patch ids, in the same order, in "
                "its index and its columns. Reorder with df.loc[ids, ids]."
            )
        frame_ids = distances.index.to_numpy()
        distances = distances.to_numpy(dtype=float)
    d = _check_distance_matrix(distances)
    n = d.shape[0]
    a = _check_attributes(attributes, n)
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
        landscape_area=_check_landscape_area(landscape_area, a),
        points=points,
        crs=crs,
    )


def _area_unit_factor(crs) -> float:
    """Metres per CRS unit (1 for metres)."""
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    return float(crs.axis_info[0].unit_conversion_factor) if crs.axis_info else 1.0


def _repair_geometries(geoms, name: str):
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    if any(g is None for g in geoms):
        raise ValueError(f"{name} has missing (None) geometries. Drop them first.")
    valid = shapely.is_valid(geoms)
    if not valid.all():
        bad = np.flatnonzero(~valid)
        reason = shapely.is_valid_reason(geoms[bad[0]])
        warnings.warn(
            f"{name} has {bad.size} invalid geometries (first at position {bad[0]}: "
            f"{reason}); repaired with shapely.make_valid. Check them in a GIS.",
            InvalidGeometryWarning,
            stacklevel=3,
        )
        repaired = shapely.make_valid(geoms[bad])
        # keep the polygonal part of a repair that returns a collection
        polys = []
        for g in repaired:
            if g.geom_type == "GeometryCollection":
                parts = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
                g = shapely.union_all(parts) if parts else shapely.Polygon()
            polys.append(g)
        geoms = geoms.copy()
        geoms[bad] = polys
    kinds = shapely.get_type_id(geoms)
    polygonal = np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
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


def _edge_distances(geoms, max_distance: float | None) -> np.ndarray:
    import shapely

    n = len(geoms)
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0.0)
    if max_distance is None:
        rows, cols = np.triu_indices(n, k=1)
    else:
        tree = shapely.STRtree(geoms)
        rows, cols = tree.query(geoms, predicate="dwithin", distance=max_distance)
        upper = rows < cols
        rows, cols = rows[upper], cols[upper]
    values = shapely.distance(geoms[rows], geoms[cols])
    d[rows, cols] = values
    d[cols, rows] = values
    return d


def _canonical_point_method(name: str, value) -> str:
    check_choice(name, value, _DISTANCE_METHODS)
    return _POINT_ALIASES.get(value, value)


def _points_of(geoms, method: str) -> np.ndarray:
    """``(n, 2)`` coordinates of one point per geometry (inputs already checked)."""
    import shapely

    points = shapely.centroid(geoms)
    if method == "inside_centroid":
        outside = ~shapely.contains(geoms, points)
        if outside.any():
            points[outside] = shapely.point_on_surface(geoms[outside])
    return shapely.get_coordinates(points)


def patch_points(patches, *, method: str = "centroid") -> np.ndarray:
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
    method : {"centroid", "inside_centroid"}, default "centroid"
        The convention (see above).

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
    >>> patch_points([ell], method="centroid")
    array([[110., 110.]])
    >>> patch_points([ell], method="inside_centroid")
    array([[ 50., 200.]])
    """
    import shapely

    method = _canonical_point_method("method", method)
    if method == "edge":
        raise ValueError(
            "method must be a point convention, 'centroid' or 'inside_centroid'. Got "
            "method='edge': edge distances have no representative point."
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
    return _points_of(geoms, method)


def patch_graph_from_polygons(
    patches,
    *,
    distance: str = "centroid",
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
    distance : {"centroid", "inside_centroid", "edge"}, default "centroid"
        ``"centroid"``: Euclidean distance between plain polygon centroids
        (:func:`patch_points`). ``"inside_centroid"`` (alias
        ``"point_on_surface"``): the same, but a patch whose centroid falls
        outside it is represented by a point on its surface.
        ``"edge"``: shortest distance between patch edges (0 for touching
        patches). For least-cost distances use :func:`patch_graph_from_matrix`.

        Which centroid? Makurhini used the plain centroid until 2021 and a
        point on the surface for outside centroids since; Conefor takes the
        distances it is given, usually from a GIS centroid tool (the plain
        centroid). The default is the plain centroid because it is unique and
        depends on the geometry alone (the interior point is one arbitrary
        choice among many), and it reproduces the published results of
        Makurhini before 2021 and of Conefor studies. Pass
        ``"inside_centroid"`` to reproduce Makurhini 2021 and later (for
        example its 404-patch PC example, see the validation appendix). On
        real, irregular patches the two differ: 32 of Makurhini's 142
        ``vegetation_patches`` have their centroid outside, moved by up to
        7.5 km (52 of its 404 ``habitat_nodes``, up to 15.8 km), which
        changes PC by about 1 % on the latter. Neither allows a stepping stone (the triangle inequality
        holds), so dPC connector fractions are 0 with both.
    attribute : str, default "area"
        ``"area"``: polygon area in hectares. Any other value names a numeric,
        positive column of ``patches`` (for example a quality-weighted area).
    id_column : str, optional
        Column with the patch ids (default: the index).
    landscape_area : float, optional
        Landscape area :math:`A_L` in attribute units (ha for areas), needed for
        PC and IIC.
    max_distance : float, optional
        For ``distance="edge"``: pairs farther apart than this (metres) get
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
    >>> g = patch_graph_from_polygons(gdf, distance="edge")
    >>> g.attributes, float(g.distances[0, 1])
    (array([1., 1.]), 200.0)
    """
    import geopandas as gpd

    if isinstance(patches, gpd.GeoSeries):
        patches = gpd.GeoDataFrame(geometry=patches)
    if not isinstance(patches, gpd.GeoDataFrame):
        raise TypeError(
            f"patches must be a geopandas GeoDataFrame of polygons. Got {describe(patches)}. "
            "Read a file with geopandas.read_file(path)."
        )
    distance = _canonical_point_method("distance", distance)
    if len(patches) == 0:
        raise ValueError("patches is empty: the patch set has no patch.")
    if patches.crs is None:
        raise ValueError(
            "patches has no CRS. Set it with patches.set_crs(...) and reproject to a "
            "projected CRS in metres with patches.to_crs(...)."
        )
    check_projected_crs("patches", patches.crs)
    if max_distance is not None:
        max_distance = check_positive("max_distance", max_distance)
    geoms = _repair_geometries(patches.geometry.to_numpy(), "patches")
    to_m = _area_unit_factor(patches.crs)

    import shapely

    if attribute == "area":
        a = shapely.area(geoms) * to_m**2 / 1e4
        name = "area_ha"
    else:
        if attribute not in patches.columns:
            raise ValueError(
                f"attribute must be 'area' or a column of patches. Got attribute={attribute!r}; "
                f"columns are {list(patches.columns)}."
            )
        a = patches[attribute].to_numpy()
        name = str(attribute)
    a = _check_attributes(a, name=f"attribute {attribute!r}")
    if id_column is None:
        ids = patches.index.to_numpy()
    else:
        if id_column not in patches.columns:
            raise ValueError(
                f"id_column must be a column of patches. Got id_column={id_column!r}; columns "
                f"are {list(patches.columns)}."
            )
        ids = patches[id_column].to_numpy()
    if len(set(ids.tolist())) != ids.size:
        raise ValueError("patch ids must be unique; found repeated ids. Pass id_column=...")
    return _graph_from_geoms(
        geoms, ids, a, name, distance, landscape_area, max_distance, to_m, patches.crs
    )


def _graph_from_geoms(
    geoms, ids, a, name, distance, landscape_area, max_distance, to_m, crs
) -> PatchGraph:
    points = _points_of(geoms, "inside_centroid" if distance == "edge" else distance)
    if distance in POINT_METHODS:
        from scipy.spatial.distance import cdist

        d = cdist(points, points) * to_m
    else:
        d = _edge_distances(geoms, None if max_distance is None else max_distance / to_m) * to_m
    return PatchGraph(
        ids=ids,
        attributes=a,
        distances=d,
        distance_method=distance,
        attribute_name=name,
        landscape_area=_check_landscape_area(landscape_area, a),
        points=points,
        crs=crs,
    )


def patch_graph_from_raster(
    labels,
    *,
    cellsize: float | None = None,
    distance: str = "edge",
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
        Cell side in metres; read from a georeferenced DataArray, 1 for arrays.
    distance : {"edge", "centroid", "inside_centroid"}, default "edge"
        See :func:`patch_graph_from_polygons` (the patch polygon is the union
        of its cells).
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
    import rasterio.features
    from affine import Affine

    from ._raster import unwrap

    distance = _canonical_point_method("distance", distance)
    grid = unwrap("labels", labels, cellsize=cellsize, allow_all_nodata=True)
    values = grid.values
    valid = np.isfinite(values)
    if (values[valid] != np.round(values[valid])).any():
        raise ValueError(
            "labels must hold integer patch labels (0 or nodata = background). Got "
            "non-integer values; label the habitat first."
        )
    lab = np.where(valid & (values > 0), values, 0).astype(np.int64)
    if not (lab > 0).any():
        raise ValueError("labels has no patch: every cell is background (0) or nodata.")
    if grid.template is not None and hasattr(grid.template, "rio"):
        transform = grid.template.rio.transform()
        crs = grid.crs
        if crs is not None:
            check_projected_crs("labels", crs)
    else:
        c = grid.cellsize
        transform = Affine(c, 0.0, 0.0, 0.0, -c, lab.shape[0] * c)
        crs = None
    if lab.max() >= 2**31:
        raise ValueError("labels must be below 2**31.")
    shapes = rasterio.features.shapes(
        lab.astype(np.int32), mask=lab > 0, connectivity=4, transform=transform
    )
    from collections import defaultdict

    import shapely
    from shapely.geometry import shape

    parts = defaultdict(list)
    for geom, v in shapes:
        parts[int(v)].append(shape(geom))
    ids = np.array(sorted(parts), dtype=np.int64)
    geoms = np.array([shapely.union_all(parts[i]) for i in ids.tolist()], dtype=object)
    cell_ha = grid.cellsize**2 / 1e4
    a = np.bincount(lab.ravel())[ids] * cell_ha
    if landscape_area is None:
        landscape_area = float(valid.sum()) * cell_ha
    if max_distance is not None:
        max_distance = check_positive("max_distance", max_distance)
    to_m = 1.0 if crs is None else _area_unit_factor(crs)
    return _graph_from_geoms(
        geoms, ids, a, "area_ha", distance, landscape_area, max_distance, to_m, crs
    )


def _check_graph(graph) -> PatchGraph:
    if not isinstance(graph, PatchGraph):
        raise TypeError(
            f"graph must be a PatchGraph. Got {describe(graph)}. Build one with "
            "patch_graph_from_polygons, patch_graph_from_raster or patch_graph_from_matrix."
        )
    return graph


def _probabilities(graph: PatchGraph, distance, probability, kernel) -> np.ndarray:
    return dispersal_probability(
        graph.distances, distance=distance, probability=probability, kernel=kernel
    )


def to_networkx(
    graph: PatchGraph,
    *,
    distance: float | None = None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
):
    r"""Export a patch graph to :class:`networkx.Graph` for exploration.

    Nodes are the patch ids with the attribute (and ``x``, ``y`` when known);
    links join pairs at a finite distance, with a ``distance`` attribute and,
    when a dispersal ``distance`` or ``kernel`` is given, a ``probability``
    :math:`p_{ij} = e^{-k d_{ij}}` (:func:`dispersal_probability`) and a
    ``cost`` :math:`-\ln p_{ij}` (use ``weight="cost"`` in networkx shortest
    paths to find maximum-product paths).

    Parameters
    ----------
    graph : PatchGraph
    distance, probability, kernel
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
    >>> G = to_networkx(g, distance=1000)
    >>> G.nodes[1], G.edges[1, 2]["probability"]
    ({'attribute': 2.0}, 0.5)
    """
    import networkx as nx

    graph = _check_graph(graph)
    min_probability = _check_min_probability(min_probability)
    p = None
    if distance is not None or kernel is not None:
        p = _probabilities(graph, distance, probability, kernel)
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


# ------------------------------------------------------------------ all-pairs solution
@dataclass
class _Solution:
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


def _pc_solution(
    graph: PatchGraph,
    distance,
    probability,
    kernel,
    min_probability,
    truncate,
    *,
    need_paths: bool = False,
) -> _Solution:
    min_probability = _check_min_probability(min_probability)
    check_choice("truncate", truncate, _TRUNCATE)
    p = _probabilities(graph, distance, probability, kernel)
    a = graph.attributes
    limit = -np.log(min_probability) if (truncate == "paths" and min_probability > 0) else np.inf
    metric = graph.distance_method in POINT_METHODS and kernel is None
    if metric and not need_paths and (min_probability == 0 or truncate == "paths"):
        # Euclidean distances obey the triangle inequality d_ij <= d_ik + d_kj, so with
        # the exponential kernel p_ij >= p_ik p_kj: no stepping-stone path beats the
        # direct link and p* = p without any shortest-path search.
        value = np.where(p >= min_probability, p, 0.0) if min_probability > 0 else p
        return _Solution("PC", a, value, stepping_stones=False, limit=limit)
    cost = _k.cost_graph(p, min_probability)
    costs, pred = _k.solve_all_pairs(cost, limit=limit)
    value = _k.pstar_from_costs(costs)
    direct = np.where(p >= min_probability, p, 0.0)
    np.fill_diagonal(direct, 1.0)
    stepping = bool((value > direct * (1.0 + 1e-12) + 1e-300).any())
    return _Solution("PC", a, value, cost, costs, pred, limit, stepping)


def _iic_solution(graph: PatchGraph, threshold) -> _Solution:
    threshold = check_positive("threshold", threshold, allow_zero=True)
    adjacency = graph.distances <= threshold
    np.fill_diagonal(adjacency, False)
    rows, cols = np.nonzero(adjacency)
    n = len(graph)
    cost = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    costs, pred = _k.solve_all_pairs(cost)
    value = 1.0 / (1.0 + costs)
    return _Solution("IIC", graph.attributes, value, cost, costs, pred, np.inf, True)


def _fractions(sol: _Solution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _summary(sol: _Solution, landscape_area) -> dict[str, float]:
    num = sol.numerator
    out = {f"{sol.index}num": num, "EC": float(np.sqrt(num))}
    if landscape_area is not None:
        out[sol.index] = num / landscape_area**2
    return out


# ----------------------------------------------------------------------------- indices
def probability_of_connectivity(
    graph: PatchGraph,
    *,
    distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
    landscape_area: float | None = None,
) -> dict[str, float]:
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
    distance : float or None
        Dispersal distance :math:`D` (same units as the graph distances, metres)
        at which :math:`p = ` ``probability``; None with a ``kernel``.
    probability : float, default 0.5
        Probability at ``distance`` (0.5 = median dispersal distance).
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
    dict
        ``{"PCnum": ..., "EC": ..., "PC": ...}``; ``"PC"`` (between 0 and 1) only
        when the landscape area is known. Unreachable patches add nothing.

    References
    ----------
    Saura, S. & Pascual-Hortal, L. (2007). Landscape and Urban Planning 83,
    https://doi.org/10.1016/j.landurbplan.2007.03.005

    Examples
    --------
    Two 2 ha and 3 ha patches 1 km apart, median dispersal 1 km, 10 ha landscape:
    PCnum = 4 + 9 + 2 * 6 * 0.5 = 19, PC = 19 / 100.

    >>> g = patch_graph_from_matrix([[0, 1000], [1000, 0]], attributes=[2.0, 3.0],
    ...                             landscape_area=10)
    >>> probability_of_connectivity(g, distance=1000)
    {'PCnum': 19.0, 'EC': 4.358898943540674, 'PC': 0.19}
    """
    graph = _check_graph(graph)
    la = graph.landscape_area if landscape_area is None else landscape_area
    la = _check_landscape_area(la, graph.attributes)
    sol = _pc_solution(graph, distance, probability, kernel, min_probability, truncate)
    return _summary(sol, la)


def integral_index_of_connectivity(
    graph: PatchGraph, *, threshold: float, landscape_area: float | None = None
) -> dict[str, float]:
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
    dict
        ``{"IICnum": ..., "EC": ..., "IIC": ...}``; ``"IIC"`` (0 to 1) only when
        the landscape area is known. ``EC`` is :math:`\sqrt{IIC_{num}}`.

    References
    ----------
    Pascual-Hortal, L. & Saura, S. (2006). Landscape Ecology 21, 959-967,
    https://doi.org/10.1007/s10980-006-0013-z

    Examples
    --------
    Three 1 ha patches in a chain: pairs (1,2), (2,3) one link, (1,3) two links.
    IICnum = 3 + 2 * (1/2 + 1/2 + 1/3) = 17/3.

    >>> g = patch_graph_from_matrix([[0, 1, 2], [1, 0, 1], [2, 1, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> round(integral_index_of_connectivity(g, threshold=1)["IICnum"], 6)
    5.666667
    """
    graph = _check_graph(graph)
    la = graph.landscape_area if landscape_area is None else landscape_area
    la = _check_landscape_area(la, graph.attributes)
    return _summary(_iic_solution(graph, threshold), la)


def patch_importance(
    graph: PatchGraph,
    *,
    index: str = "PC",
    distance: float | None = None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    threshold: float | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
    landscape_area: float | None = None,
):
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
    distance, probability, kernel, min_probability, truncate
        PC dispersal kernel and truncation; see
        :func:`probability_of_connectivity`.
    threshold : float, optional
        IIC link threshold (required for ``index="IIC"``).
    landscape_area : float, optional
        Only used for the summary stored in ``.attrs``.

    Returns
    -------
    pandas.DataFrame
        One row per patch, in graph order, indexed by patch id: the attribute,
        ``dPC`` (or ``dIIC``), ``dPCintra``, ``dPCflux``, ``dPCconnector`` (in %,
        each >= 0, the three fractions add up to dPC) and ``rank`` (1 = most
        important). ``.attrs`` holds the index summary (``PCnum``, ``EC`` and
        ``PC`` when the landscape area is known). Sort with
        ``df.sort_values("dPC", ascending=False)``.

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

    >>> g = patch_graph_from_matrix([[0, 1000, 3000], [1000, 0, 1000], [3000, 1000, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> df = patch_importance(g, distance=1000)
    >>> df[["dPC", "dPCintra", "dPCflux", "dPCconnector"]].round(3)
           dPC  dPCintra  dPCflux  dPCconnector
    id
    1   45.455    18.182   27.273         0.000
    2   59.091    18.182   36.364         4.545
    3   45.455    18.182   27.273         0.000
    """
    import pandas as pd

    graph = _check_graph(graph)
    check_choice("index", index, _INDICES)
    if index == "PC":
        if threshold is not None:
            raise ValueError(
                "threshold is for index='IIC'; PC uses distance/probability/kernel. "
                f"Got threshold={threshold!r}."
            )
        sol = _pc_solution(graph, distance, probability, kernel, min_probability, truncate)
    else:
        if threshold is None:
            raise ValueError("threshold is required for index='IIC'. Got threshold=None.")
        if distance is not None or kernel is not None:
            raise ValueError(
                "distance and kernel are for index='PC'; IIC uses threshold. Got "
                f"distance={distance!r}."
            )
        sol = _iic_solution(graph, threshold)
    num = sol.numerator
    intra, flux, connector = _fractions(sol)
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
    df.attrs.update(_summary(sol, _check_landscape_area(la, graph.attributes)))
    return df


def link_importance(
    graph: PatchGraph,
    *,
    distance: float | None,
    probability: float = 0.5,
    kernel: Callable[[np.ndarray], np.ndarray] | None = None,
    min_probability: float = 0.0,
    truncate: str = "links",
):
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
    distance, probability, kernel, min_probability, truncate
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

    >>> g = patch_graph_from_matrix([[0, 1000, 3000], [1000, 0, 1000], [3000, 1000, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> link_importance(g, distance=1000)[["id_i", "id_j", "dPC"]].round(3)
       id_i  id_j     dPC
    0     1     2  20.455
    1     2     3  20.455
    2     1     3   0.000
    """
    import pandas as pd

    graph = _check_graph(graph)
    sol = _pc_solution(
        graph, distance, probability, kernel, min_probability, truncate, need_paths=True
    )
    a = sol.weights
    num = sol.numerator
    upper = sp.triu(sol.cost_graph, k=1, format="coo")
    u, v = upper.row.astype(np.int64), upper.col.astype(np.int64)
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
    else:
        from scipy.sparse.csgraph import dijkstra

        pred = sol.pred
        work = sol.cost_graph.copy()
        for e in range(u.size):
            i, j = u[e], v[e]
            affected = np.flatnonzero((pred[:, j] == i) | (pred[:, i] == j))
            if affected.size == 0:
                continue
            slots = _csr_slots(work, i, j)
            saved = work.data[slots].copy()
            work.data[slots] = np.inf
            new = dijkstra(work, directed=False, indices=affected, limit=sol.limit)
            work.data[slots] = saved
            new_value = np.exp(-new)
            new_value[np.arange(affected.size), affected] = 1.0
            loss[e] = float(a[affected] @ ((sol.value[affected] - new_value) @ a))
    p = _probabilities(graph, distance, probability, kernel)
    df = pd.DataFrame(
        {
            "id_i": graph.ids[u],
            "id_j": graph.ids[v],
            "distance": graph.distances[u, v],
            "probability": p[u, v],
            "dPC": 100.0 * np.maximum(loss, 0.0) / num,
        }
    )
    df = df.sort_values("dPC", ascending=False, kind="stable").reset_index(drop=True)
    df["rank"] = df["dPC"].rank(ascending=False, method="min").astype(int)
    return df


def _csr_slots(matrix: sp.csr_array, i: int, j: int) -> np.ndarray:
    """Positions in ``matrix.data`` of the entries (i, j) and (j, i)."""
    slots = []
    for r, c in ((i, j), (j, i)):
        start, stop = matrix.indptr[r], matrix.indptr[r + 1]
        hit = np.flatnonzero(matrix.indices[start:stop] == c)
        slots.extend(start + hit)
    return np.asarray(slots, dtype=np.int64)


def _patch_position(graph: PatchGraph, patch, name: str) -> int:
    hits = np.flatnonzero(graph.ids == patch)
    if hits.size != 1:
        raise ValueError(
            f"{name} must be a patch id of the graph. Got {name}={describe(patch)}; ids are "
            f"{describe(graph.ids.tolist())}."
        )
    return int(hits[0])


def ec_change_from_new_link(
    graph: PatchGraph,
    patch_i,
    patch_j,
    *,
    link_distance: float,
    distance: float | None,
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
    distance, probability, kernel, min_probability, truncate
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

    >>> g = patch_graph_from_matrix([[0, 3000], [3000, 0]], attributes=[1.0, 1.0])
    >>> round(ec_change_from_new_link(g, 1, 2, link_distance=1000, distance=1000), 4)
    0.2321
    """
    graph = _check_graph(graph)
    i = _patch_position(graph, patch_i, "patch_i")
    j = _patch_position(graph, patch_j, "patch_j")
    if i == j:
        raise ValueError(f"patch_i and patch_j must differ. Got both={patch_i!r}.")
    link_distance = check_positive("link_distance", link_distance, allow_zero=True)
    sol = _pc_solution(graph, distance, probability, kernel, min_probability, truncate)
    p_new = float(
        dispersal_probability(
            np.array([link_distance]), distance=distance, probability=probability, kernel=kernel
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
    distance: float | None,
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
    distance, probability, kernel, min_probability, truncate
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

    >>> g = patch_graph_from_matrix([[0, 2000], [2000, 0]], attributes=[1.0, 1.0])
    >>> round(ec_change_from_new_patch(g, 1.0, [1000, 1000], distance=1000), 4)
    0.7641
    """
    graph = _check_graph(graph)
    a_q = float(_check_attributes([attribute], name="attribute")[0])
    d = np.asarray(distances, dtype=float)
    if d.shape != (len(graph),):
        raise ValueError(
            f"distances must give one distance per existing patch ({len(graph)}). "
            f"Got shape {d.shape}."
        )
    if np.isnan(d).any() or (d < 0).any():
        raise ValueError("distances must be non-negative (np.inf for unreachable).")
    sol = _pc_solution(graph, distance, probability, kernel, min_probability, truncate)
    p_q = dispersal_probability(d, distance=distance, probability=probability, kernel=kernel)
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
