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


def edge_distances(geoms, *, max_distance: float | None = None, sources=None) -> np.ndarray:
    """Edge-to-edge distances between polygons, in CRS units (0 for touching ones).

    Parameters
    ----------
    geoms : array of shapely geometries
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
    sources = np.arange(n) if sources is None else np.asarray(sources, dtype=np.int64)
    if n < 2 or sources.size == 0:
        return d
    if max_distance is None:
        rows = np.repeat(sources, n)
        cols = np.tile(np.arange(n), sources.size)
    else:
        query, cols = shapely.STRtree(geoms).query(
            geoms[sources], predicate="dwithin", distance=max_distance
        )
        rows = sources[query]
    # each unordered pair once
    keep = (rows != cols) & (~np.isin(cols, sources) | (rows < cols))
    rows, cols = rows[keep], cols[keep]
    values = shapely.distance(geoms[rows], geoms[cols])
    d[rows, cols] = values
    d[cols, rows] = values
    return d
