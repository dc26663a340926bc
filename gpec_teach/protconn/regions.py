r"""ProtConn of regions from protected-area polygons: one region, standard distances, a layer."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._validation import check_choice, check_positive, check_probability, check_same_crs
from .._vector import metres_per_unit, read_frame
from ..graph import DISTANCE_METHODS
from .clean import clean_protected_areas
from .distances import path_preserving_distances, protected_area_distances
from .indicator import (
    FRACTION_UNITS,
    FRACTIONS,
    KINDS,
    ProtConnResult,
    check_kinds,
    compute_protconn,
)
from .nodes import (
    check_node_polygons,
    polygon_parts,
    protected_area_nodes,
    region_geometry,
    region_nodes,
)

__all__ = ["STANDARD_DISTANCES_KM", "protconn", "protconn_by_region", "protconn_standard"]

#: Median dispersal distances (km) of the global ProtConn assessments (Saura et al. 2017, 2018).
STANDARD_DISTANCES_KM: tuple[float, ...] = (1.0, 10.0, 100.0)
#: Columns of the ProtConn tables (the dispersal distance is named ``distance_km``).
TABLE_COLUMNS: list[str] = ["distance_km", *ProtConnResult.field_names()[1:]]


@dataclass(frozen=True)
class _Options:
    """The checked options shared by protconn, protconn_standard and protconn_by_region."""

    probability: float
    fraction_units: str
    tol_km: float
    fractions: str
    distance_method: str


def _check_options(
    probability, fraction_units, contiguity_tolerance_m, fractions, distance_method
) -> _Options:
    """Validate the options of the polygon-level functions (errors name the argument)."""
    probability = check_probability("probability", probability)
    check_choice("fraction_units", fraction_units, FRACTION_UNITS)
    check_choice("distance_method", distance_method, DISTANCE_METHODS)
    check_choice("fractions", fractions, FRACTIONS)
    tol = check_positive("contiguity_tolerance_m", contiguity_tolerance_m, allow_zero=True)
    return _Options(probability, fraction_units, tol / 1000.0, fractions, distance_method)


def _prepare(protected_areas, region, clean, year, transboundary, buffer_km, opts: _Options):
    """Nodes, distances (km) and region area (km2) for one region (done once per region)."""
    method = opts.distance_method
    frame = read_frame("protected_areas", protected_areas, what="protected areas")
    geom, crs = region_geometry(region)
    check_same_crs("protected_areas", frame.crs, "region", crs)
    if len(frame) == 0:
        raise ValueError("protected_areas is empty: it has no protected area.")
    if not clean and year is not None:
        raise ValueError(
            "year filtering is part of cleaning: pass clean=True, or filter the PAs "
            "yourself with clean_protected_areas(..., year=...)."
        )
    pas = clean_protected_areas(frame, year=year) if clean else frame
    if len(pas) == 0:
        return _land_only(region, geom, method)
    m = metres_per_unit(pas.crs)
    nodes = protected_area_nodes(
        pas, region, transboundary=transboundary, transboundary_buffer_km=buffer_km
    )
    return nodes, _node_distances(nodes, opts), geom.area * m * m / 1e6


def _node_distances(nodes, opts: _Options) -> np.ndarray:
    """Distances (km) between the nodes of one region, as ProtConn uses them.

    Edge to edge, only the pairs some maximum-product path may need are measured
    (:func:`path_preserving_distances`; the others are ``inf``, which changes no
    path probability): in the graph of all nodes (ProtConn_Bound), of the PAs
    (ProtConn) and of the domestic PAs (the Trans fraction). Centroid distances
    are cheap: all of them.
    """
    if opts.distance_method != "edge":
        return protected_area_distances(nodes, distance_method=opts.distance_method)
    m = metres_per_unit(nodes.crs)
    kind = nodes["kind"].to_numpy()
    subsets = [np.ones(len(nodes), dtype=bool), kind != "land", kind == "domestic"]
    d = path_preserving_distances(
        nodes.geometry.to_numpy(), subsets, min_reach=opts.tol_km * 1000.0 / m
    )
    return d * (m / 1000.0)


def _land_nodes(region, geom):
    """Nodes of a region without any protected area (its land parts only)."""
    m = metres_per_unit(region.crs)
    parts = polygon_parts(geom, m)
    nodes = gpd.GeoDataFrame(
        {"pa_id": [None] * len(parts), "kind": ["land"] * len(parts)},
        geometry=parts,
        crs=region.crs,
    )
    nodes["area_km2"] = nodes.geometry.area * m * m / 1e6
    return nodes


def _land_only(region, geom, method):
    """Nodes and distances of a region without any protected area (land parts only)."""
    m = metres_per_unit(region.crs)
    nodes = _land_nodes(region, geom)
    d = protected_area_distances(nodes, distance_method=method)
    return nodes, d, geom.area * m * m / 1e6


def _prepare_regions(pas, reg, transboundary, buffer_km, opts: _Options) -> list[tuple]:
    """Nodes, distances (km) and area (km2) of every region (PAs cleaned once)."""
    m = metres_per_unit(reg.crs)
    if len(pas):  # the PAs are the same for every region: checked once
        check_node_polygons(pas)
    out = []
    for pos in range(len(reg)):
        one = reg.iloc[[pos]]
        geom, _ = region_geometry(one)
        if len(pas):
            nodes = region_nodes(pas, geom, transboundary, buffer_km)
        else:
            nodes = _land_nodes(one, geom)
        out.append((nodes, _node_distances(nodes, opts), geom.area * m * m / 1e6))
    return out


def _touching(nodes, tol_km: float) -> np.ndarray:
    """Boolean matrix of nodes whose polygons are at most *tol_km* apart (edge to edge)."""
    geoms = nodes.geometry.to_numpy()
    n = len(geoms)
    tree = shapely.STRtree(geoms)
    if tol_km > 0:
        tol = tol_km * 1000.0 / metres_per_unit(nodes.crs)
        left, right = tree.query(geoms, predicate="dwithin", distance=tol)
    else:
        left, right = tree.query(geoms, predicate="intersects")
    touching = np.zeros((n, n), dtype=bool)
    touching[left, right] = True
    return touching


def _run(nodes, d, region_area, dispersal_distance_km, opts: _Options) -> ProtConnResult:
    """ProtConn of prepared nodes at one dispersal distance (km)."""
    k = check_kinds(nodes["kind"].to_numpy(), len(nodes))
    a = np.where(k == KINDS.index("domestic"), nodes["area_km2"].to_numpy(float), 0.0)
    # with centroid distances, contiguity (Contig, Makurhini's dissolved blocks) comes
    # from the polygons, not from the distance matrix
    touching = None if opts.distance_method == "edge" else _touching(nodes, opts.tol_km)
    return compute_protconn(
        a,
        d.copy(),
        k,
        region_area,
        dispersal_distance_km,
        opts.probability,
        opts.fraction_units,
        opts.tol_km,
        opts.fractions,
        touching,
    )


def _row(result: ProtConnResult) -> dict:
    """Return a table row of a result (the dispersal distance as ``distance_km``)."""
    row = result.to_dict()
    return {"distance_km": row.pop("dispersal_distance"), **row}


def protconn(
    protected_areas,
    region,
    *,
    dispersal_distance_km: float = 10.0,
    probability: float = 0.5,
    year: int | None = None,
    transboundary: bool = True,
    transboundary_buffer_km: float = 100.0,
    fraction_units: str = "protconn",
    contiguity_tolerance_m: float = 1.0,
    clean: bool = True,
    distance_method: str = "edge",
    fractions: str = "exact",
) -> ProtConnResult:
    r"""ProtConn of one region from protected-area polygons.

    Runs :func:`clean_protected_areas` (WDPA defaults, optional ``year``),
    :func:`protected_area_nodes`, :func:`protected_area_distances` (edge to
    edge) and :func:`protconn_from_matrix`, where the formulas, the fraction
    definitions and ProtConn_Bound are documented:
    :math:`\mathrm{ProtConn} = 100\,EC/A_L` with
    :math:`EC = \sqrt{\sum_i\sum_j a_i a_j p^*_{ij}}`.

    Parameters
    ----------
    protected_areas : geopandas.GeoDataFrame
        PAs with WDPA-like columns (``STATUS_YR``, ``STATUS``, ``DESIG_ENG``,
        ``REP_AREA``, ``WDPAID``; all optional except ``STATUS_YR`` with
        ``year``), including those of neighbouring countries for the
        transboundary treatment. Projected CRS in metres (equal-area preferred).
    region : geopandas.GeoDataFrame or GeoSeries
        The region's land (polygons are merged), same CRS.
    dispersal_distance_km : float, default 10
        Median dispersal distance in km (standard values: 1, 10, 100).
    probability : float, default 0.5
        Dispersal probability at ``dispersal_distance_km``, in (0, 1).
    year : int, optional
        Only PAs designated up to this year (``STATUS_YR``).
    transboundary : bool, default True
        Use PAs outside the region as stepping stones (not counted in Prot).
    transboundary_buffer_km : float, default 100
        How far outside the region transboundary PAs are searched.
    fraction_units : {"protconn", "region", "nested"}, default "protconn"
        Units of the fractions (see :func:`protconn_from_matrix`).
    contiguity_tolerance_m : float, default 1.0
        Gaps up to this width (m) count as touching (digitising slivers).
    clean : bool, default True
        Run :func:`clean_protected_areas`; pass False for PAs already cleaned.
    distance_method : {"edge", "centroid", "inside_centroid"}, default "edge"
        How distances between PAs are measured
        (:func:`protected_area_distances`): edge to edge, as Saura et al.
        (2017), the JRC and Makurhini's ``MK_ProtConn`` compute ProtConn (the
        default, the same as the graph constructors' of
        :mod:`gpec_teach.graph`), or between plain
        centroids / centroids moved onto the surface when outside, to
        reproduce centroid-based runs (Makurhini's
        ``distance = list(type = "centroid")`` before / since 2021). With
        centroid distances touching PAs are not at distance 0, so they are not
        fully connected; Contig still counts the pairs of touching PAs (from
        the polygons).
    fractions : {"exact", "makurhini"}, default "exact"
        Exact shares of :math:`PC_{num}` or Makurhini's ratios of square roots
        (see :func:`protconn_from_matrix`).

    Returns
    -------
    ProtConnResult
        The fields of :func:`protconn_from_matrix`, with ``dispersal_distance``
        in km; areas (``EC``, ``region_area``, ``protected_area``) in
        km\ :sup:`2`, ``PCnum`` in km\ :sup:`4`, indicators in percent.

    Raises
    ------
    ValueError
        Different or geographic CRSs, empty PA layer, non-positive distance,
        probability outside (0, 1).

    References
    ----------
    Saura, S. et al. (2017). Ecological Indicators 76, 144-158,
    https://doi.org/10.1016/j.ecolind.2016.12.047

    Saura, S. et al. (2018). Biological Conservation 219, 53-67,
    https://doi.org/10.1016/j.biocon.2017.12.020

    Examples
    --------
    Two 1 km2 PAs 1 km apart in a 100 km2 region, median dispersal 1 km:
    :math:`EC = \sqrt{1 + 1 + 2 \cdot 0.5} = \sqrt{3}` = 1.732 km2.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pas = gpd.GeoDataFrame(geometry=[box(1000, 1000, 2000, 2000), box(3000, 1000, 4000, 2000)],
    ...                        crs="EPSG:3035")
    >>> region = gpd.GeoSeries([box(0, 0, 10000, 10000)], crs="EPSG:3035")
    >>> r = protconn(pas, region, dispersal_distance_km=1)
    >>> round(r.Prot, 3), round(r.ProtConn, 3), round(r.ProtConn_Unprot, 1)
    (2.0, 1.732, 33.3)
    """
    dispersal_distance_km = check_positive("dispersal_distance_km", dispersal_distance_km)
    opts = _check_options(
        probability, fraction_units, contiguity_tolerance_m, fractions, distance_method
    )
    prepared = _prepare(
        protected_areas, region, clean, year, transboundary, transboundary_buffer_km, opts
    )
    return _run(*prepared, dispersal_distance_km, opts)


def _check_distances_km(values) -> list[float]:
    """Dispersal distances in km, as a non-empty list of positive floats."""
    if isinstance(values, numbers.Real):
        values = [values]
    values = list(values)
    if not values:
        raise ValueError(
            "dispersal_distances_km is empty: give at least one dispersal distance in km."
        )
    return [check_positive("dispersal_distances_km", v) for v in values]


def protconn_standard(
    protected_areas,
    region,
    *,
    dispersal_distances_km: Sequence[float] = STANDARD_DISTANCES_KM,
    probability: float = 0.5,
    year: int | None = None,
    transboundary: bool = True,
    transboundary_buffer_km: float = 100.0,
    fraction_units: str = "protconn",
    contiguity_tolerance_m: float = 1.0,
    clean: bool = True,
    distance_method: str = "edge",
    fractions: str = "exact",
) -> pd.DataFrame:
    r"""ProtConn of one region for several dispersal distances (default 1, 10, 100 km).

    Same as :func:`protconn` (see it and :func:`protconn_from_matrix` for the
    formulas), but the PAs are cleaned and the distance matrix computed once
    and reused for every distance. ProtConn grows with the dispersal distance.

    Parameters
    ----------
    protected_areas, region
        As in :func:`protconn`.
    dispersal_distances_km : sequence of float, default (1, 10, 100)
        Median dispersal distances in km (Saura et al. 2017, 2018).
    probability, year, transboundary, transboundary_buffer_km, fraction_units, contiguity_tolerance_m, clean, distance_method, fractions
        As in :func:`protconn`.

    Returns
    -------
    pandas.DataFrame
        One row per distance; columns ``distance_km`` (the dispersal distance)
        and the other fields of :class:`ProtConnResult`.

    References
    ----------
    Saura, S. et al. (2018). Biological Conservation 219, 53-67,
    https://doi.org/10.1016/j.biocon.2017.12.020

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pas = gpd.GeoDataFrame(geometry=[box(1000, 1000, 2000, 2000), box(3000, 1000, 4000, 2000)],
    ...                        crs="EPSG:3035")
    >>> region = gpd.GeoSeries([box(0, 0, 10000, 10000)], crs="EPSG:3035")
    >>> protconn_standard(pas, region)["ProtConn"].round(3).tolist()
    [1.732, 1.966, 1.997]
    """
    values = _check_distances_km(dispersal_distances_km)
    opts = _check_options(
        probability, fraction_units, contiguity_tolerance_m, fractions, distance_method
    )
    prepared = _prepare(
        protected_areas, region, clean, year, transboundary, transboundary_buffer_km, opts
    )
    rows = [_row(_run(*prepared, v, opts)) for v in values]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def protconn_by_region(
    protected_areas,
    regions,
    *,
    region_column: str | None = None,
    dispersal_distances_km: Sequence[float] = STANDARD_DISTANCES_KM,
    year: int | Sequence[int] | None = None,
    probability: float = 0.5,
    transboundary: bool = True,
    transboundary_buffer_km: float = 100.0,
    fraction_units: str = "protconn",
    contiguity_tolerance_m: float = 1.0,
    distance_method: str = "edge",
    fractions: str = "exact",
) -> pd.DataFrame:
    r"""ProtConn for every region of a layer (countries, ecoregions), as a tidy table.

    For each region (row of ``regions``), PAs inside it are counted and PAs in
    the other regions or outside all of them, within
    ``transboundary_buffer_km``, are transboundary stepping stones. Formulas
    and fraction definitions: :func:`protconn_from_matrix`.

    Parameters
    ----------
    protected_areas : geopandas.GeoDataFrame
        All PAs (every country), WDPA-like columns, projected CRS in metres.
    regions : geopandas.GeoDataFrame
        One row per region (land only), same CRS.
    region_column : str, optional
        Column naming the regions; default: the index.
    dispersal_distances_km : sequence of float, default (1, 10, 100)
        Median dispersal distances in km.
    year : int or sequence of int, optional
        Designation year(s): one set of results per year (ProtConn per epoch),
        with a ``year`` column.
    probability, transboundary, transboundary_buffer_km, fraction_units, contiguity_tolerance_m, distance_method, fractions
        As in :func:`protconn`.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per region, (year,) and distance; columns ``region``,
        (``year``,) then the columns of :func:`protconn_standard`.

    References
    ----------
    Saura, S. et al. (2018). Biological Conservation 219, 53-67,
    https://doi.org/10.1016/j.biocon.2017.12.020

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"name": ["west", "east"]},
    ...     geometry=[box(0, 0, 10000, 10000), box(10000, 0, 20000, 10000)], crs="EPSG:3035")
    >>> pas = gpd.GeoDataFrame({"STATUS_YR": [1990, 2015]},
    ...     geometry=[box(1000, 1000, 3000, 3000), box(12000, 1000, 13000, 2000)], crs="EPSG:3035")
    >>> t = protconn_by_region(pas, regions, region_column="name",
    ...                        dispersal_distances_km=[10], year=[2000, 2020])
    >>> t[["region", "year", "Prot"]].to_numpy().tolist()
    [['west', 2000, 4.0], ['east', 2000, 0.0], ['west', 2020, 4.0], ['east', 2020, 1.0]]
    """
    frame = read_frame("protected_areas", protected_areas, what="protected areas")
    reg = read_frame("regions", regions)
    check_same_crs("protected_areas", frame.crs, "regions", reg.crs)
    if len(frame) == 0:
        raise ValueError("protected_areas is empty: it has no protected area.")
    if len(reg) == 0:
        raise ValueError("regions is empty: it has no region.")
    if region_column is not None and region_column not in reg:
        raise ValueError(
            f"region_column={region_column!r} is not a column of regions. "
            f"Columns: {', '.join(map(str, reg.columns))}."
        )
    values = _check_distances_km(dispersal_distances_km)
    opts = _check_options(
        probability, fraction_units, contiguity_tolerance_m, fractions, distance_method
    )
    check_positive("transboundary_buffer_km", transboundary_buffer_km)
    years = [year] if year is None or isinstance(year, numbers.Integral) else list(year)
    names = reg[region_column].tolist() if region_column else reg.index.tolist()
    rows = []
    for y in years:
        pas = clean_protected_areas(frame, year=y)
        prepared = _prepare_regions(pas, reg, transboundary, transboundary_buffer_km, opts)
        for name, (nodes, d, area) in zip(names, prepared, strict=True):
            head = {"region": name} if y is None else {"region": name, "year": y}
            rows.extend({**head, **_row(_run(nodes, d, area, v, opts))} for v in values)
    columns = ["region", *(["year"] if year is not None else []), *TABLE_COLUMNS]
    return pd.DataFrame(rows, columns=columns)
