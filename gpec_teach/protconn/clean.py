r"""Cleaning WDPA-like protected-area records for coverage and ProtConn."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._validation import GPECWarning, check_choice, describe
from .._vector import id_values, metres_per_unit, polygonal, read_frame, repair_polygons

__all__ = [
    "SLIVER_M2",
    "WDPA_EXCLUDED_DESIGNATIONS",
    "WDPA_EXCLUDED_STATUS",
    "clean_protected_areas",
]

#: WDPA ``STATUS`` values left out of coverage statistics (not in force).
WDPA_EXCLUDED_STATUS: tuple[str, ...] = ("Proposed", "Not Reported")
#: WDPA ``DESIG_ENG`` values left out: biosphere reserves are not PAs as a whole.
WDPA_EXCLUDED_DESIGNATIONS: tuple[str, ...] = ("UNESCO-MAB Biosphere Reserve",)
#: Polygon parts smaller than this (m2) after clipping or overlap removal are dropped.
SLIVER_M2 = 1.0
_OVERLAPS = ("earliest", "order", "dissolve")
_POINTS = ("buffer", "drop", "error")
_UNKNOWN_YEAR = ("include", "exclude")


def clean_protected_areas(
    protected_areas,
    *,
    year: int | None = None,
    year_column: str = "STATUS_YR",
    unknown_year: str = "include",
    status_column: str = "STATUS",
    exclude_status: Sequence[str] = WDPA_EXCLUDED_STATUS,
    designation_column: str = "DESIG_ENG",
    exclude_designations: Sequence[str] = WDPA_EXCLUDED_DESIGNATIONS,
    points: str = "buffer",
    reported_area_column: str = "REP_AREA",
    overlaps: str = "earliest",
    id_column: str | None = None,
):
    r"""Prepare WDPA-like protected-area polygons for coverage and ProtConn.

    Steps, in order:

    1. keep records in force: drop ``STATUS`` in ``exclude_status`` and
       ``DESIG_ENG`` in ``exclude_designations`` (each only if the column
       exists; defaults follow the DOPA/WDPA coverage practice);
    2. with ``year``, keep PAs designated up to that year
       (``STATUS_YR <= year``); WDPA codes an unknown year as 0, handled by
       ``unknown_year``;
    3. points (WDPA reports some PAs as points with a reported area): with
       ``points="buffer"`` a circle of the reported area,
       :math:`r = \sqrt{A_{rep} / \pi}` (``REP_AREA`` in km\ :sup:`2`);
       points without a positive reported area are dropped with a warning;
    4. invalid polygons are repaired with ``shapely.make_valid`` and an
       :class:`~gpec_teach._validation.InvalidGeometryWarning`;
    5. overlaps are removed so no land is counted twice: with
       ``overlaps="earliest"`` the overlap goes to the PA designated first
       (ties: first row), with ``"order"`` to the earlier row, with
       ``"dissolve"`` touching and overlapping PAs are merged into one polygon
       per connected block (as Makurhini does; ProtConn[Contig] is then 0
       because contiguous PAs become one). ProtConn and Prot do not depend on
       this choice; the Within/Contig split does. PAs left with less than
       1 m\ :sup:`2` are dropped.

    Parameters
    ----------
    protected_areas : geopandas.GeoDataFrame
        PA polygons (and points), in a projected CRS in metres.
    year : int, optional
        Keep PAs with ``year_column <= year`` (ProtConn per epoch).
    year_column : str, default "STATUS_YR"
        Designation year column.
    unknown_year : {"include", "exclude"}, default "include"
        What to do with a year of 0 or missing when ``year`` is given.
    status_column, designation_column : str
        Columns of the status and English designation (WDPA names).
    exclude_status, exclude_designations : sequence of str
        Values to leave out (empty tuple to keep everything).
    points : {"buffer", "drop", "error"}, default "buffer"
        Handling of point records.
    reported_area_column : str, default "REP_AREA"
        Reported area in km\ :sup:`2`, used to buffer points.
    overlaps : {"earliest", "order", "dissolve"}, default "earliest"
        Who keeps overlapping land (see above).
    id_column : str, optional
        Column that identifies PAs; default ``WDPAID`` if present, else the index.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per PA with non-overlapping (multi)polygons, the original
        columns, ``pa_id`` and ``area_km2`` (its area after overlap removal).
        May be empty when nothing passes the filters.

    Raises
    ------
    ValueError
        Empty input, geographic CRS, missing year column, lines, or points with
        ``points="error"``.

    References
    ----------
    Saura, S. et al. (2017). Ecological Indicators 76, 144-158,
    https://doi.org/10.1016/j.ecolind.2016.12.047

    Examples
    --------
    Two overlapping squares (2 x 2 km and 2 x 2 km, 1 km overlap): the older
    PA keeps the overlap.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pas = gpd.GeoDataFrame({"STATUS_YR": [2010, 1990]},
    ...     geometry=[box(0, 0, 2000, 2000), box(1000, 0, 3000, 2000)], crs="EPSG:3035")
    >>> clean_protected_areas(pas)["area_km2"].round(3).tolist()
    [2.0, 4.0]
    """
    frame = read_frame("protected_areas", protected_areas, what="protected areas")
    if len(frame) == 0:
        raise ValueError("protected_areas is empty: it has no protected area.")
    check_choice("overlaps", overlaps, _OVERLAPS)
    check_choice("points", points, _POINTS)
    check_choice("unknown_year", unknown_year, _UNKNOWN_YEAR)
    m = metres_per_unit(frame.crs)
    frame = frame.copy()
    if id_column is None and "WDPAID" in frame:
        id_column = "WDPAID"
    frame["pa_id"] = id_values("protected_areas", frame, id_column, unique=False)
    keep = _in_force(
        frame, status_column, exclude_status, designation_column, exclude_designations
    )
    keep &= _designated_by(frame, year, year_column, unknown_year)
    frame = frame.loc[keep]
    frame, geoms = _polygons_or_points(frame, points, reported_area_column, m)
    geoms = repair_polygons(geoms, "protected_areas", frame["pa_id"].tolist())
    nonempty = np.array([g is not None and not g.is_empty and g.area > 0 for g in geoms], bool)
    frame, geoms = frame.loc[nonempty], geoms[nonempty]
    years = _years(frame, year_column)
    if overlaps == "dissolve":
        return _dissolve(frame, geoms, years, year_column, m)
    return _remove_overlaps(frame, geoms, years if overlaps == "earliest" else None, m)


def _years(frame, year_column: str) -> np.ndarray | None:
    """Designation years as floats, NaN for unknown (WDPA codes it 0); None without column."""
    if year_column not in frame:
        return None
    years = pd.to_numeric(frame[year_column], errors="coerce").to_numpy(dtype=float)
    years[years <= 0] = np.nan
    return years


def _in_force(frame, status_column, exclude_status, designation_column, exclude_designations):
    """Rows whose status and designation are not excluded (each only if its column exists)."""
    keep = np.ones(len(frame), dtype=bool)
    if status_column in frame and len(exclude_status):
        keep &= ~frame[status_column].isin(list(exclude_status)).to_numpy()
    if designation_column in frame and len(exclude_designations):
        keep &= ~frame[designation_column].isin(list(exclude_designations)).to_numpy()
    return keep


def _designated_by(frame, year, year_column: str, unknown_year: str) -> np.ndarray:
    """Rows designated up to *year* (all rows when *year* is None)."""
    if year is None:
        return np.ones(len(frame), dtype=bool)
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise TypeError(f"year must be an integer year such as 2010. Got year={describe(year)}.")
    years = _years(frame, year_column)
    if years is None:
        raise ValueError(
            f"year={year} needs a designation-year column, but {year_column!r} is not a "
            f"column of protected_areas. Pass year_column=... (WDPA: 'STATUS_YR')."
        )
    return np.where(~np.isnan(years), years <= year, unknown_year == "include")


def _polygons_or_points(frame, points: str, reported_area_column: str, m: float):
    """Refuse missing geometries and lines; buffer, drop or refuse point records."""
    geoms = frame.geometry.to_numpy()
    if any(g is None for g in geoms):
        bad = [frame["pa_id"].iloc[i] for i, g in enumerate(geoms) if g is None]
        raise ValueError(
            f"protected_areas has {len(bad)} missing (None) geometries (first: {bad[0]!r}). "
            "Drop them first, e.g. pas[pas.geometry.notna()]."
        )
    kinds = shapely.get_type_id(geoms)
    lines = np.isin(kinds, (1, 2, 5))
    if lines.any():
        i = int(np.argmax(lines))
        raise ValueError(
            f"protected_areas must hold polygons or points. Got a {geoms[i].geom_type} for "
            f"pa_id={frame['pa_id'].iloc[i]!r}; buffer lines first or drop them."
        )
    is_point = np.isin(kinds, (0, 4))
    if not is_point.any():
        return frame, geoms
    if points == "error":
        raise ValueError(
            f"protected_areas has {int(is_point.sum())} point records. Use points='buffer' "
            "(circle of the reported area) or points='drop'."
        )
    drop = is_point.copy()
    if points == "buffer":
        geoms, ok = _buffer_points(frame, geoms, is_point, reported_area_column, m)
        drop = is_point & ~ok
    if drop.any():
        warnings.warn(
            f"Dropped {int(drop.sum())} point record(s) without a positive reported area "
            f"({reported_area_column}).",
            GPECWarning,
            stacklevel=3,
        )
    return frame.loc[~drop], geoms[~drop]


def _buffer_points(frame, geoms, is_point, reported_area_column: str, m: float):
    """Circles of the reported area (km2) around points; returns (geoms, buffered)."""
    if reported_area_column not in frame:
        raise ValueError(
            f"points='buffer' needs the reported area column {reported_area_column!r} "
            "(km2) to size the circles. Pass reported_area_column=... or points='drop'."
        )
    rep = pd.to_numeric(frame[reported_area_column], errors="coerce").to_numpy(float)
    ok = is_point & (rep > 0)
    radius = np.sqrt(np.where(ok, rep, 0.0) * 1e6 / np.pi) / m
    geoms = geoms.copy()
    # a multipoint gets the whole reported area split over its points
    npts = np.array([shapely.get_num_geometries(g) if ok[i] else 1 for i, g in enumerate(geoms)])
    geoms[ok] = shapely.buffer(geoms[ok], radius[ok] / np.sqrt(npts[ok]), quad_segs=16)
    return geoms, ok


def _remove_overlaps(frame, geoms, years, m: float):
    """Give overlapping land to the earliest PA (by *years*, ties and None: row order)."""
    n = len(geoms)
    if years is not None:
        order = np.lexsort((np.arange(n), np.where(np.isnan(years), np.inf, years)))
    else:
        order = np.arange(n)
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    out = geoms.copy()
    if n > 1:
        left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        earlier = rank[right] < rank[left]
        left, right = left[earlier], right[earlier]
        for i in np.unique(left):
            others = shapely.union_all(geoms[right[left == i]])
            out[i] = polygonal(shapely.difference(geoms[i], others))
    area = np.array([0.0 if g is None else g.area * m * m for g in out])
    keep = area > SLIVER_M2
    result = frame.loc[keep].copy()
    result = gpd.GeoDataFrame(
        result.drop(columns=result.geometry.name), geometry=list(out[keep]), crs=frame.crs
    )
    result["area_km2"] = area[keep] / 1e6
    return result


def _dissolve(frame, geoms, years, year_column, m):
    """Merge touching and overlapping PAs into one polygon per connected block."""
    merged = shapely.union_all(geoms)
    parts = np.asarray(shapely.get_parts(merged), dtype=object)
    parts = parts[shapely.area(parts) * m * m > SLIVER_M2]
    tree = shapely.STRtree(geoms)
    data = {"pa_id": [], "members": []}
    if years is not None:
        data[year_column] = []
    for k, part in enumerate(parts):
        members = tree.query(part, predicate="intersects")
        data["pa_id"].append(f"dissolved_{k}")
        data["members"].append(list(frame["pa_id"].iloc[members]))
        if years is not None:
            ys = years[members]
            data[year_column].append(float(np.nanmin(ys)) if np.isfinite(ys).any() else 0.0)
    result = gpd.GeoDataFrame(data, geometry=list(parts), crs=frame.crs)
    result["area_km2"] = shapely.area(parts) * m * m / 1e6
    return result
