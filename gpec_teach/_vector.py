"""Vector helpers shared by the graph, ProtConn and movement modules.

One way to take a GeoDataFrame argument: :func:`read_frame` checks its type, that
it has a CRS and, with the one CRS policy of :mod:`gpec_teach._validation`, that the
CRS is projected (distances and areas need metres). The other helpers read an id
column, repair invalid polygons (with an
:class:`~gpec_teach._validation.InvalidGeometryWarning`), place one point per polygon
by a named ``distance_method`` and measure edge-to-edge distances.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validation import (
    InvalidGeometryWarning,
    check_choice,
    check_projected_crs,
    describe,
    is_integer,
)

__all__ = [
    "POINT_METHODS",
    "edge_distances",
    "id_values",
    "metres_per_unit",
    "points_of",
    "polygonal",
    "read_frame",
    "repair_polygons",
]

#: Point conventions of centroid distances (see :func:`points_of`).
POINT_METHODS: tuple[str, ...] = ("centroid", "inside_centroid")

_POLYGON_TYPES = ("Polygon", "MultiPolygon")


def read_frame(name: str, frame, *, require_crs: bool = True, what: str = "polygons"):
    """Return *frame* as a GeoDataFrame after checking its type and CRS (the one policy).

    A GeoSeries is wrapped in a GeoDataFrame. A missing CRS raises when
    *require_crs* (with the call that sets it); a geographic CRS raises through
    :func:`~gpec_teach._validation.check_projected_crs` (unless inside
    :func:`gpec_teach.allow_geographic`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> read_frame("patches", gpd.GeoSeries([box(0, 0, 1, 1)], crs="EPSG:3035")).shape
    (1, 1)
    >>> read_frame("patches", gpd.GeoSeries([box(0, 0, 1, 1)]))
    Traceback (most recent call last):
    ...
    ValueError: patches has no CRS. Set it with patches = patches.set_crs(...) and reproject to a projected CRS in metres with patches.to_crs(...).
    """
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame | gpd.GeoSeries):
        raise TypeError(
            f"{name} must be a geopandas GeoDataFrame (or GeoSeries) of {what}. Got "
            f"{describe(frame)}. Read a file with geopandas.read_file(path), or wrap a shapely "
            "geometry: geopandas.GeoSeries([geom], crs=...)."
        )
    if frame.crs is None:
        if require_crs:
            raise ValueError(
                f"{name} has no CRS. Set it with {name} = {name}.set_crs(...) and reproject "
                f"to a projected CRS in metres with {name}.to_crs(...)."
            )
    else:
        check_projected_crs(name, frame.crs)
    if isinstance(frame, gpd.GeoSeries):
        frame = gpd.GeoDataFrame(geometry=frame)
    return frame


def metres_per_unit(crs) -> float:
    """Metres per unit of the first axis of *crs* (1 for metres; 1 when *crs* is None).

    Examples
    --------
    >>> metres_per_unit("EPSG:3035"), metres_per_unit(None)
    (1.0, 1.0)
    """
    if crs is None:
        return 1.0
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    return float(crs.axis_info[0].unit_conversion_factor) if crs.axis_info else 1.0


def id_values(name: str, frame, id_column: str | None, *, unique: bool = True) -> np.ndarray:
    """Ids of the rows of *frame*: the column *id_column*, or the index when None.

    Examples
    --------
    >>> import pandas as pd
    >>> id_values("patches", pd.DataFrame({"id": [3, 4]}), "id")
    array([3, 4])
    >>> id_values("patches", pd.DataFrame({"id": [3, 4]}), "name")
    Traceback (most recent call last):
    ...
    ValueError: id_column must be a column of patches. Got id_column='name'; columns are ['id'].
    """
    if id_column is None:
        ids = frame.index.to_numpy()
    else:
        if id_column not in frame.columns:
            raise ValueError(
                f"id_column must be a column of {name}. Got id_column={id_column!r}; columns "
                f"are {[str(c) for c in frame.columns]}."
            )
        ids = frame[id_column].to_numpy()
    if unique and len(set(ids.tolist())) != ids.size:
        raise ValueError(
            f"{name} ids must be unique; found repeated ids. Pass id_column=... naming a "
            "column with one id per row."
        )
    return ids


def label_ids(
    name: str, frame, id_column: str | None, *, index_source: str = "index"
) -> np.ndarray:
    """Ids that label raster cells: positive integers from *id_column*, or from the index.

    Used wherever features become labelled cells (cores and patches of the cost engine,
    focal regions of the circuit modes), so results merge back on the user's own ids:
    a missing column raises (no silent renumbering) and 0 is never an id (background).
    A GeoSeries (no columns) is labelled by its index; *index_source* is how messages
    name the index.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> cores = gpd.GeoDataFrame({"code": [7, 9]}, geometry=[Point(0, 0), Point(1, 1)])
    >>> label_ids("cores", cores, "code").tolist()
    [7, 9]
    >>> label_ids("cores", cores, "id")
    Traceback (most recent call last):
    ...
    ValueError: cores has no column id_column='id', so its features cannot be labelled with your ids. Columns: ['code']. Pass id_column='<the column with your ids>', or id_column=None to use cores.index.
    """
    if hasattr(frame, "columns") and id_column is not None:
        if id_column not in frame.columns:
            columns = [str(c) for c in frame.columns if c != frame.geometry.name]
            raise ValueError(
                f"{name} has no column id_column={id_column!r}, so its features cannot be "
                f"labelled with your ids. Columns: {columns}. Pass id_column='<the column "
                f"with your ids>', or id_column=None to use {name}.index."
            )
        ids, source = frame[id_column].to_numpy(), f"column {id_column!r}"
    else:
        ids, source = frame.index.to_numpy(), index_source
    if not all(is_integer(i) and i > 0 for i in ids.tolist()):
        raise ValueError(
            f"{name} ids ({source}) must be positive integers. Got {ids.tolist()[:10]} (0 "
            "marks background cells). Pass id_column= naming a column of positive integer ids, "
            f"or number the rows yourself, e.g. {name}.index = range(1, len({name}) + 1), "
            "and merge results back on that."
        )
    return ids


def polygonal(geom):
    """Return the polygonal part of a geometry, or None when it has none.

    Examples
    --------
    >>> from shapely.geometry import GeometryCollection, LineString, box
    >>> polygonal(GeometryCollection([box(0, 0, 1, 1), LineString([(0, 0), (2, 2)])])).area
    1.0
    >>> polygonal(LineString([(0, 0), (1, 1)])) is None
    True
    """
    import shapely

    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in _POLYGON_TYPES:
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in _POLYGON_TYPES]
        return shapely.union_all(parts) if parts else None
    return None


def repair_polygons(geoms, name: str, labels=None, *, stacklevel: int = 3) -> np.ndarray:
    """Repair invalid geometries with ``shapely.make_valid``, warning once.

    Each repaired geometry keeps its polygonal part (None when nothing polygonal is
    left). *labels* name the rows in the warning (default: positions).

    Examples
    --------
    >>> import warnings
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     fixed = repair_polygons([bowtie], "patches")
    >>> float(fixed[0].area), caught[0].category.__name__
    (2.0, 'InvalidGeometryWarning')
    """
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    valid = shapely.is_valid(geoms)
    if valid.all():
        return geoms
    bad = np.flatnonzero(~valid)
    first = bad[0] if labels is None else labels[bad[0]]
    warnings.warn(
        f"{name} has {bad.size} invalid geometries (first: {first!r}, "
        f"{shapely.is_valid_reason(geoms[bad[0]])}); repaired with shapely.make_valid. "
        "Check them in a GIS.",
        InvalidGeometryWarning,
        stacklevel=stacklevel,
    )
    geoms = geoms.copy()
    geoms[bad] = [polygonal(g) for g in shapely.make_valid(geoms[bad])]
    return geoms


def points_of(geoms, distance_method: str) -> np.ndarray:
    """``(n, 2)`` coordinates of one point per polygon, by a named convention.

    ``"centroid"``: the plain centroid; ``"inside_centroid"``: the centroid, or a
    point on the surface (``shapely.point_on_surface``) where the centroid falls
    outside the polygon. The geometries are not checked here.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> ell = np.array([Polygon([(0, 0), (300, 0), (300, 100), (100, 100), (100, 300), (0, 300)])])
    >>> points_of(ell, "centroid"), points_of(ell, "inside_centroid")
    (array([[110., 110.]]), array([[ 50., 200.]]))
    """
    import shapely

    check_choice("distance_method", distance_method, POINT_METHODS)
    geoms = np.asarray(geoms, dtype=object)
    points = shapely.centroid(geoms)
    if distance_method == "inside_centroid":
        outside = ~shapely.contains(geoms, points)
        if outside.any():
            points[outside] = shapely.point_on_surface(geoms[outside])
    return shapely.get_coordinates(points)


#: Segments per boundary piece of :func:`edge_distances` (pieces are the unit of pruning).
_PIECE = 16


def _boundary_pieces(geoms):
    """Cut every boundary ring into pieces of :data:`_PIECE` segments.

    Returns ``(owner, lines, box, first)``: the polygon of each piece, the pieces as
    linestrings, their bounding boxes ``(xmin, ymin, xmax, ymax)`` and their first vertex,
    sorted by owner.
    """
    import shapely

    parts, owner_of_part = shapely.get_parts(shapely.boundary(geoms), return_index=True)
    coords, ring = shapely.get_coordinates(parts, return_index=True)
    starts = np.flatnonzero(np.r_[True, ring[1:] != ring[:-1]])
    lengths = np.diff(np.r_[starts, ring.size])
    npieces = np.maximum(1, -(-(lengths - 1) // _PIECE))
    piece_ring = np.repeat(np.arange(starts.size), npieces)
    k = np.arange(piece_ring.size) - np.repeat(np.cumsum(npieces) - npieces, npieces)
    p0 = starts[piece_ring] + k * _PIECE
    p1 = np.minimum(p0 + _PIECE, starts[piece_ring] + lengths[piece_ring] - 1)
    counts = p1 - p0 + 1  # consecutive pieces share their end vertex
    offsets = np.cumsum(counts) - counts
    idx = np.repeat(p0 - offsets, counts) + np.arange(counts.sum())
    lines = shapely.linestrings(coords[idx], indices=np.repeat(np.arange(p0.size), counts))
    xs, ys = coords[idx, 0], coords[idx, 1]
    box = np.column_stack(
        [
            np.minimum.reduceat(xs, offsets),
            np.minimum.reduceat(ys, offsets),
            np.maximum.reduceat(xs, offsets),
            np.maximum.reduceat(ys, offsets),
        ]
    )
    owner = owner_of_part[ring[p0]]
    order = np.argsort(owner, kind="stable")
    return owner[order], lines[order], box[order], coords[p0][order]


def _box_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance between the boxes of *a* (rows) and *b* (columns): a lower bound."""
    gx = np.maximum(0.0, np.maximum(b[None, :, 0] - a[:, None, 2], a[:, None, 0] - b[None, :, 2]))
    gy = np.maximum(0.0, np.maximum(b[None, :, 1] - a[:, None, 3], a[:, None, 1] - b[None, :, 3]))
    return np.hypot(gx, gy)


def _pair_gap(ba: np.ndarray, bb: np.ndarray) -> np.ndarray:
    """Distance between boxes ``ba[k]`` and ``bb[k]`` (row by row): a lower bound."""
    gx = np.maximum(0.0, np.maximum(bb[:, 0] - ba[:, 2], ba[:, 0] - bb[:, 2]))
    gy = np.maximum(0.0, np.maximum(bb[:, 1] - ba[:, 3], ba[:, 1] - bb[:, 3]))
    return np.hypot(gx, gy)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ``arange(starts[k], starts[k] + counts[k])`` and the *k* of each item."""
    which = np.repeat(np.arange(counts.size), counts)
    offsets = np.cumsum(counts) - counts
    return np.arange(counts.sum()) - offsets[which] + starts[which], which


def edge_distances(geoms, *, max_distance: float | None = None, sources=None) -> np.ndarray:
    r"""Edge-to-edge distances between polygons, in CRS units (0 for touching ones).

    The distance between two polygons that do not intersect is the shortest distance
    between their boundaries, that is the minimum over pairs of boundary segments. Each
    boundary is cut into pieces of 16 segments. For a pair of polygons an upper bound
    :math:`U` of their distance comes from their convex hulls (the closest point
    :math:`x` of one hull to the other: :math:`d(A, B) \le d(A, x) + d(x, B)`); only
    the pieces whose bounding box lies within :math:`U` of the other polygon's box,
    and of each other, can hold the closest points (branch and bound), and those
    piece pairs are measured exactly by GEOS (``shapely.distance``). The result equals
    ``shapely.distance`` on the whole polygons, in a small fraction of the time for
    polygons with many vertices. With *max_distance*, the pairs are first found with
    an STR tree (``dwithin``).

    Parameters
    ----------
    geoms : array of shapely geometries
        Valid polygons or multipolygons (repair them first).
    max_distance : float, optional
        Pairs farther apart than this (CRS units) are not measured and stay ``inf``.
    sources : array of int, optional
        Measure only the pairs with at least one polygon in *sources* (default: all).

    Returns
    -------
    numpy.ndarray
        Symmetric ``(n, n)`` matrix, 0 on the diagonal, ``inf`` where not measured.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> edge_distances(np.array([box(0, 0, 1, 1), box(3, 0, 4, 1)]))
    array([[0., 2.],
           [2., 0.]])
    """
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    n = geoms.size
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0.0)
    is_source = np.ones(n, dtype=bool)
    if sources is not None:
        is_source = np.isin(np.arange(n), np.asarray(sources, dtype=np.int64))
    if n < 2 or not is_source.any():
        return d
    # the polygon pairs (a < b) to measure: every pair, or those within max_distance
    if max_distance is None:
        a, b = np.triu_indices(n, k=1)
    else:
        a, b = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=max_distance)
    keep = (a < b) & (is_source[a] | is_source[b])
    measure_edge_pairs(geoms, a[keep], b[keep], d, max_distance=max_distance)
    if max_distance is not None:
        d[d > max_distance] = np.inf
        np.fill_diagonal(d, 0.0)
    return d


def measure_edge_pairs(geoms, a, b, d, *, max_distance=None) -> None:
    """Write the edge-to-edge distances of the polygon pairs ``(a[k], b[k])`` into *d*.

    The measure of :func:`edge_distances` (the same numbers) for a given list of pairs
    with ``a < b``, written symmetrically into the ``(n, n)`` array *d*; the other
    entries of *d* are left as they are. With *max_distance*, a pair farther apart may
    get any value above it (the caller sets those to ``inf``).
    """
    import shapely

    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size == 0:
        return
    n = geoms.size
    bounds = shapely.bounds(geoms)
    near = _pair_gap(bounds[a], bounds[b]) == 0
    hit = np.zeros(a.size, dtype=bool)
    hit[near] = shapely.intersects(geoms[a[near]], geoms[b[near]])
    d[a[hit], b[hit]] = d[b[hit], a[hit]] = 0.0  # touching, overlapping or nested
    a, b = a[~hit], b[~hit]
    if a.size:
        owner, lines, box, first = _boundary_pieces(geoms)
        pieces = (lines, box, first, np.searchsorted(owner, np.arange(n + 1)))
        _measure_pairs(geoms, a, b, bounds, pieces, d, max_distance)


def _measure_pairs(geoms, a, b, bounds, pieces, d, max_distance=None) -> None:
    """Exact distances of the disjoint polygon pairs ``(a[k], b[k])`` (``a < b``) into *d*.

    For each pair, the piece of each polygon nearest (by boxes) to the other polygon's
    box gives, measured exactly, an upper bound :math:`U` of the pair's distance.
    Only pieces whose box lies within :math:`U` of the other polygon's box, and pairs
    of such pieces whose boxes lie within :math:`U` (tightened by the closest first
    vertices of those piece pairs) of each other, can hold the closest points; those
    are measured exactly and the smallest value kept. Memory is linear in the number
    of pairs (no extra ``n x n`` arrays).
    """
    import shapely

    lines, box, vertex, start = pieces
    n = geoms.size
    key = a * n + b  # sorted, since a < b come from a sorted pair list
    order = np.argsort(key, kind="stable")
    a, b, key = a[order], b[order], key[order]
    # pairs of each polygon, as (partner, pair index), for the row-wise passes below
    ends = np.r_[a, b]
    partner = np.r_[b, a]
    pair_of = np.r_[np.arange(a.size), np.arange(a.size)]
    by_end = np.argsort(ends, kind="stable")
    ends, partner, pair_of = ends[by_end], partner[by_end], pair_of[by_end]
    polys = np.unique(ends)
    cuts = np.searchsorted(ends, np.r_[polys, n])

    near_a = np.empty(a.size, dtype=np.int64)  # piece of a nearest to b's box
    near_b = np.empty(a.size, dtype=np.int64)
    for k, p in enumerate(polys):
        own = np.arange(start[p], start[p + 1])
        q, pair = partner[cuts[k] : cuts[k + 1]], pair_of[cuts[k] : cuts[k + 1]]
        best = own[np.argmin(_box_gap(box[own], bounds[q]), axis=0)]
        is_a = a[pair] == p
        near_a[pair[is_a]] = best[is_a]
        near_b[pair[~is_a]] = best[~is_a]
    upper = shapely.distance(lines[near_a], lines[near_b])
    # box gaps are computed in floating point and can exceed an equal distance by a
    # rounding error: the bounds get a relative slack, so no closest pair is lost
    bound = upper * (1.0 + 1e-9)
    if max_distance is not None:  # beyond it a pair is reported as inf: look no farther
        np.minimum(bound, max_distance, out=bound)
    # two one-piece polygons: that measure is already their distance
    single = (start[a + 1] - start[a] == 1) & (start[b + 1] - start[b] == 1)
    bound[single] = -1.0  # no candidate below

    side_piece, side_pair, side_is_a = [], [], []
    for k, p in enumerate(polys):
        own = np.arange(start[p], start[p + 1])
        q, pair = partner[cuts[k] : cuts[k + 1]], pair_of[cuts[k] : cuts[k + 1]]
        r, c = np.nonzero(_box_gap(box[own], bounds[q]) <= bound[pair][None, :])
        side_piece.append(own[r])
        side_pair.append(pair[c])
        side_is_a.append(a[pair[c]] == p)
    piece, pair, is_a = (np.concatenate(v) for v in (side_piece, side_pair, side_is_a))
    # each candidate piece of a meets each candidate piece of b of the same pair
    left = np.argsort(pair[is_a], kind="stable")
    lpiece, lpair = piece[is_a][left], pair[is_a][left]
    right = np.argsort(pair[~is_a], kind="stable")
    rpiece, rpair = piece[~is_a][right], pair[~is_a][right]
    begin = np.searchsorted(rpair, lpair)
    count = np.searchsorted(rpair, lpair, side="right") - begin
    idx, which = _ranges(begin, count)
    li, ri, k = lpiece[which], rpiece[idx], lpair[which]
    ok = _pair_gap(box[li], box[ri]) <= bound[k]
    li, ri, k = li[ok], ri[ok], k[ok]
    # a tighter bound before the exact measures: the closest first vertices of the
    # remaining piece pairs (a distance between two points of the polygons)
    tight = bound.copy()
    np.minimum.at(tight, k, np.hypot(*(vertex[li] - vertex[ri]).T) * (1.0 + 1e-9))
    ok = _pair_gap(box[li], box[ri]) <= tight[k]
    li, ri, k = li[ok], ri[ok], k[ok]
    best = upper  # a measured piece pair; the closest one is among those left
    np.minimum.at(best, k, shapely.distance(lines[li], lines[ri]))
    d[a, b] = d[b, a] = best
