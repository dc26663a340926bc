"""ProtConn's graph nodes: PAs clipped to a region, transboundary PAs and land parts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._validation import check_positive, check_same_crs
from .._vector import metres_per_unit, polygonal, read_frame, repair_polygons
from .clean import SLIVER_M2

__all__ = ["areas_inside_region", "polygon_parts", "protected_area_nodes", "region_geometry"]


def region_geometry(region, name: str = "region"):
    """Return the union of a region layer as one valid (multi)polygon, and its CRS."""
    frame = read_frame(name, region)
    if len(frame) == 0:
        raise ValueError(f"{name} is empty: it has no polygon.")
    geoms = frame.geometry.to_numpy()
    if any(g is None or g.is_empty for g in geoms):
        raise ValueError(f"{name} has missing or empty geometries. Drop them first.")
    geoms = repair_polygons(geoms, name, list(frame.index), stacklevel=4)
    geom = polygonal(shapely.union_all(geoms))
    if geom is None or geom.area <= 0:
        raise ValueError(f"{name} must be polygons with a positive area.")
    return geom, frame.crs


def areas_inside_region(protected_areas, region) -> pd.DataFrame:
    """Area of every protected area inside and outside a region, in km2.

    Parameters
    ----------
    protected_areas : geopandas.GeoDataFrame
        Cleaned PAs (:func:`clean_protected_areas`), projected CRS in metres.
    region : geopandas.GeoDataFrame or GeoSeries
        The region (its polygons are merged), same CRS.

    Returns
    -------
    pandas.DataFrame
        Columns ``pa_id``, ``area_km2``, ``inside_km2``, ``outside_km2`` and
        ``share_inside`` (0-1), one row per PA.

    References
    ----------
    Saura, S. et al. (2017). Ecological Indicators 76, 144-158,
    https://doi.org/10.1016/j.ecolind.2016.12.047

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pas = gpd.GeoDataFrame({"pa_id": ["a"]}, geometry=[box(-1000, 0, 1000, 1000)], crs="EPSG:3035")
    >>> region = gpd.GeoSeries([box(0, 0, 5000, 5000)], crs="EPSG:3035")
    >>> areas_inside_region(pas, region)[["inside_km2", "outside_km2"]].to_numpy().tolist()
    [[1.0, 1.0]]
    """
    frame = read_frame("protected_areas", protected_areas, what="protected areas")
    geom, crs = region_geometry(region)
    check_same_crs("protected_areas", frame.crs, "region", crs)
    m2 = metres_per_unit(frame.crs) ** 2
    geoms = frame.geometry.to_numpy()
    total = shapely.area(geoms) * m2 / 1e6
    inside = shapely.area(shapely.intersection(geoms, geom)) * m2 / 1e6
    ids = frame["pa_id"].to_numpy() if "pa_id" in frame else frame.index.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, inside / total, np.nan)
    return pd.DataFrame(
        {
            "pa_id": ids,
            "area_km2": total,
            "inside_km2": inside,
            "outside_km2": total - inside,
            "share_inside": share,
        }
    )


def protected_area_nodes(
    protected_areas,
    region,
    *,
    transboundary: bool = True,
    transboundary_buffer_km: float = 100.0,
    land: bool = True,
):
    """Graph nodes of ProtConn: PAs clipped to a region, transboundary PAs, land parts.

    - ``"domestic"``: the part of each PA inside the region, one node per
      polygon part; its area is counted (:math:`a_i`);
    - ``"transboundary"``: the parts of PAs outside the region (PAs of
      neighbouring countries, or the outer part of a PA crossing the border)
      whose edge lies within ``transboundary_buffer_km`` of the region; they are
      stepping stones with no area of their own (DOPA method, Saura et al.
      2017); their whole geometry is kept;
    - ``"land"``: the polygon parts (mainland, islands) of the region, used
      only for ProtConn_Bound (Saura et al. 2018).

    Parameters
    ----------
    protected_areas : geopandas.GeoDataFrame
        Cleaned, non-overlapping PAs (:func:`clean_protected_areas`), including
        those of neighbouring countries; projected CRS in metres.
    region : geopandas.GeoDataFrame or GeoSeries
        Region polygons (land only: clip the sea away first), same CRS.
    transboundary : bool, default True
        Keep PAs outside the region as stepping stones.
    transboundary_buffer_km : float, default 100
        Search distance for transboundary PAs (the largest standard dispersal
        distance). Must be positive.
    land : bool, default True
        Add the land-part nodes.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``pa_id`` (None for land parts), ``kind``, ``area_km2``
        (geometric area of the node) and geometry, domestic nodes first.

    Raises
    ------
    ValueError
        CRSs differ or are geographic; PAs overlap (clean them first).

    References
    ----------
    Saura, S. et al. (2017). Ecological Indicators 76, 144-158,
    https://doi.org/10.1016/j.ecolind.2016.12.047

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pas = gpd.GeoDataFrame({"pa_id": ["in", "across"]},
    ...     geometry=[box(1000, 1000, 2000, 2000), box(4000, 0, 6000, 1000)], crs="EPSG:3035")
    >>> region = gpd.GeoSeries([box(0, 0, 5000, 5000)], crs="EPSG:3035")
    >>> protected_area_nodes(pas, region)[["pa_id", "kind", "area_km2"]].to_numpy().tolist()
    [['in', 'domestic', 1.0], ['across', 'domestic', 1.0], ['across', 'transboundary', 1.0], [None, 'land', 25.0]]
    """
    frame = read_frame("protected_areas", protected_areas, what="protected areas")
    geom, crs = region_geometry(region)
    check_same_crs("protected_areas", frame.crs, "region", crs)
    buffer_km = check_positive("transboundary_buffer_km", transboundary_buffer_km)
    check_node_polygons(frame)
    return region_nodes(frame, geom, transboundary, buffer_km, land)


def check_node_polygons(frame) -> None:
    """Raise when PAs are missing, empty or overlapping (before making nodes of them)."""
    m = metres_per_unit(frame.crs)
    ids = frame["pa_id"].to_numpy() if "pa_id" in frame else frame.index.to_numpy()
    geoms = frame.geometry.to_numpy()
    if any(g is None or g.is_empty for g in geoms):
        raise ValueError("protected_areas has missing or empty geometries. Drop them first.")
    _check_no_overlap(geoms, ids, m)


def region_nodes(frame, geom, transboundary: bool, buffer_km: float, land: bool = True):
    """Return the nodes of :func:`protected_area_nodes` from checked PAs and a region.

    No validation: *frame* holds non-overlapping PAs (checked once by the caller, which
    :func:`protconn_by_region` does for all its regions together).
    """
    m = metres_per_unit(frame.crs)
    ids = frame["pa_id"].to_numpy() if "pa_id" in frame else frame.index.to_numpy()
    geoms = frame.geometry.to_numpy()
    rows: list[tuple] = []
    shapely.prepare(geom)
    # a PA wholly inside (or wholly outside) the region keeps its own geometry: the
    # same node in every region, so protconn_by_region measures its distances once
    covered = shapely.covered_by(geoms, geom)
    apart = ~shapely.intersects(geoms, geom)
    inside = shapely.intersection(geoms, geom)
    inside[covered] = geoms[covered]
    for pid, g in zip(ids, inside, strict=True):
        rows.extend((pid, "domestic", part) for part in polygon_parts(g, m))
    if transboundary:
        outside = shapely.difference(geoms, geom)
        outside[apart] = geoms[apart]
        reach = buffer_km * 1000.0 / m
        for pid, g in zip(ids, outside, strict=True):
            for part in polygon_parts(g, m):
                if shapely.dwithin(part, geom, reach):
                    rows.append((pid, "transboundary", part))
    if land:
        rows.extend((None, "land", part) for part in polygon_parts(geom, m))
    out = gpd.GeoDataFrame(
        {"pa_id": pd.Series([r[0] for r in rows], dtype=object), "kind": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=frame.crs,
    )
    out["area_km2"] = out.geometry.area * m * m / 1e6
    return out[["pa_id", "kind", "area_km2", "geometry"]]


def polygon_parts(geom, m: float) -> list:
    """Return the polygon parts of *geom* larger than the sliver area (CRS units: m per unit)."""
    geom = polygonal(geom)
    if geom is None:
        return []
    parts = shapely.get_parts(geom)
    return [p for p in parts if p.area * m * m > SLIVER_M2]


def _check_no_overlap(geoms, ids, m: float) -> None:
    """Raise when two PAs overlap by more than the sliver area."""
    if len(geoms) < 2:
        return
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if left.size == 0:
        return
    overlap = shapely.area(shapely.intersection(geoms[left], geoms[right])) * m * m
    bad = np.flatnonzero(overlap > SLIVER_M2)
    if bad.size:
        i, j = left[bad[0]], right[bad[0]]
        raise ValueError(
            f"protected_areas overlap ({bad.size} pairs, first {ids[i]!r} and {ids[j]!r}: "
            f"{overlap[bad[0]] / 1e6:.4g} km2), so land would be counted twice. "
            "Clean them first with clean_protected_areas(...)."
        )
