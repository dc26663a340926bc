"""Makurhini (R): PC, EC and dPC of its 404 habitat patches, and its conventions on real data."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._validation import InvalidGeometryWarning
from ..graph import (
    patch_graph_from_matrix,
    patch_graph_from_polygons,
    patch_importance,
    patch_points,
    probability_of_connectivity,
)
from ..protconn import protconn_by_region
from .sources import realdata_dir, reference_dir, require_reference_dir

__all__ = ["MakurhiniConventions", "makurhini_table", "makurhini_conventions"]

# Makurhini's case: p_ij = 0.5 at 10 km, areas in ha, landscape area in ha.
_MAKURHINI_DISTANCE_M = 10_000.0
_MAKURHINI_LANDSCAPE_HA = 2_761_373.5
_MAKURHINI_DPC = {  # patch: (dPC, dPCintra, dPCflux) in %, as published
    1: (0.0016597, 0.0000034, 0.0016563),
    2: (0.0052722, 0.0000227, 0.0052495),
    3: (0.1965744, 0.0568530, 0.1397214),
    4: (0.0038579, 0.0000069, 0.0038510),
    5: (0.0044296, 0.0000160, 0.0044136),
    6: (0.0007537, 0.0000003, 0.0007534),
    7: (0.0012423, 0.0000009, 0.0012414),
    8: (0.0016418, 0.0000016, 0.0016403),
    9: (0.0055884, 0.0000194, 0.0055690),
    10: (0.8901452, 0.4057714, 0.4843738),
}


def makurhini_table(root: Path | None = None) -> pd.DataFrame:
    r"""PC, EC and dPC of Makurhini's 404 habitat patches: published values beside ours.

    Centroid distances, :math:`p_{ij} = \exp(d_{ij} \ln 0.5 / 10\,000\ \text{m})`,
    areas in ha, no truncation of small probabilities, landscape area 2 761 373.5 ha.

    Returns
    -------
    pandas.DataFrame
        ``quantity``, ``published``, ``ours``, ``difference`` (ours minus published),
        ``agrees`` (within half a unit of the published last digit).
    """
    nodes = pd.read_csv(require_reference_dir(root) / "makurhini_pc" / "habitat_nodes_404.csv")
    xy = nodes[["x_m", "y_m"]].to_numpy()
    distances = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    graph = patch_graph_from_matrix(
        distances,
        attributes=nodes["area_ha"].to_numpy(),
        ids=nodes["Id"].to_numpy(),
        attribute_name="area_ha",
        landscape_area=_MAKURHINI_LANDSCAPE_HA,
    )
    pc = probability_of_connectivity(graph, dispersal_distance=_MAKURHINI_DISTANCE_M)
    importance = patch_importance(graph, dispersal_distance=_MAKURHINI_DISTANCE_M).table
    rows = [
        ("PCnum (ha^2)", 2.136028e11, pc.PCnum, 0.0000005e11),
        ("EC(PC) (ha)", 4.621718e5, pc.EC, 0.0000005e5),
        ("PC", 2.801281e-2, pc.PC, 0.0000005e-2),
    ]
    for patch, values in _MAKURHINI_DPC.items():
        for label, published in zip(("dPC", "dPCintra", "dPCflux"), values, strict=True):
            rows.append(
                (f"{label} of patch {patch} (%)", published, importance.loc[patch, label], 5e-8)
            )
    area_km2 = nodes["area_km2"].to_numpy()
    mesh = float((area_km2**2).sum() / area_km2.sum())
    rows.append(("MESH, habitat-area denominator (km^2)", 1443.4320, mesh, 0.00005))
    table = pd.DataFrame(rows, columns=["quantity", "published", "ours", "half_unit"])
    table["difference"] = table["ours"] - table["published"]
    table["agrees"] = (table["difference"].abs() <= table["half_unit"] * 1.0001).astype(bool)
    return table.drop(columns="half_unit")


#: Makurhini's README examples on its own data: EC over time of ``list_forest_patches``
#: (p = 0.05 at 5 km, landscape = ``study_area``) and PC of ``vegetation_patches``
#: (p = 0.05 at 10 km).
_FOREST_YEARS = (1993, 2003, 2007, 2011)
_FOREST_KERNEL = (5_000.0, 0.05)
_VEGETATION_KERNEL = (10_000.0, 0.05)
_CONVENTIONS = ("centroid", "inside_centroid")


@dataclass(frozen=True)
class MakurhiniConventions:
    """Tables of :func:`makurhini_conventions` (see there for their columns).

    Attributes
    ----------
    centroids, vegetation, ec_over_time, protconn : pandas.DataFrame
    habitat_nodes : pandas.DataFrame or None
        None when the reference folder (published values) is absent.
    """

    centroids: pd.DataFrame
    habitat_nodes: pd.DataFrame | None
    vegetation: pd.DataFrame
    ec_over_time: pd.DataFrame
    protconn: pd.DataFrame

    def items(self):
        """Yield ``(name, table)`` for every table present, in the order above."""
        for name in ("centroids", "habitat_nodes", "vegetation", "ec_over_time", "protconn"):
            table = getattr(self, name)
            if table is not None:
                yield name, table


def _read_layer(folder: Path, name: str):
    path = folder / f"{name}.gpkg"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the real data folder.")
    frame = gpd.read_file(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InvalidGeometryWarning)
        frame = frame.set_geometry(frame.geometry.make_valid())
    return frame


def makurhini_conventions(
    realdata: Path | None = None, reference: Path | None = None
) -> MakurhiniConventions:
    r"""Makurhini's two centroid conventions and two ProtConn fraction formulas, on real patches.

    Makurhini measures centroid distances from the plain polygon centroid
    (before 2021) or from a point on the surface when the centroid falls
    outside the patch (since 2021); :func:`gpec_teach.graph.patch_points`
    names them ``"centroid"`` and ``"inside_centroid"``. Its ProtConn
    fractions are ratios of square roots, ours exact shares of the PC
    numerator (:func:`gpec_teach.protconn.protconn_from_matrix`). This runs
    both on Makurhini's own data (``../shared/realdata``).

    Parameters
    ----------
    realdata : Path, optional
        Folder of the real data; :func:`realdata_dir` by default.
    reference : Path, optional
        Folder of the reference cases (for the published PC values of the 404
        habitat nodes); :func:`reference_dir` by default. Without it the
        ``habitat_nodes`` table is None.

    Returns
    -------
    MakurhiniConventions
        ``centroids``: per layer, the patches whose centroid falls outside
        and how far the point moves (km). ``habitat_nodes``: PCnum, EC, PC
        and dPC of patch 10 of the 404 habitat nodes (p = 0.5 at 10 km) under
        each convention beside Makurhini 3.0's published values, with
        ``agrees`` (within half a unit of the last published digit).
        ``vegetation``: EC and dPC of the 142 vegetation patches under each
        convention. ``ec_over_time``: EC (ha) of the forest fragments of
        1993-2011 under each convention and with edge distances.
        ``protconn``: ProtConn and its fractions, exact and Makurhini's, for
        the 2011 fragments standing in for protected areas in the two halves
        of the study area (edge and centroid distances). ``items()`` yields
        the tables present as ``(name, table)`` pairs.

    Examples
    --------
    >>> import tempfile
    >>> makurhini_conventions(Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    FileNotFoundError: ...vegetation_patches.gpkg is missing from the real data folder.
    """
    folder = realdata if realdata is not None else realdata_dir()
    if folder is None or not Path(folder).is_dir():
        raise FileNotFoundError(
            "The real data are not on this machine: set GPEC_REALDATA_DIR to the folder "
            "holding habitat_nodes.gpkg, vegetation_patches.gpkg and forest_*.gpkg."
        )
    folder = Path(folder)
    layers = {
        "vegetation_patches": _read_layer(folder, "vegetation_patches"),
        "habitat_nodes": _read_layer(folder, "habitat_nodes"),
        **{f"forest_{y}": _read_layer(folder, f"forest_{y}") for y in _FOREST_YEARS},
    }
    study = _read_layer(folder, "study_area")
    ref = reference if reference is not None else reference_dir()
    return MakurhiniConventions(
        centroids=_centroid_shifts(layers),
        habitat_nodes=_habitat_nodes_table(layers["habitat_nodes"], ref),
        vegetation=_vegetation_table(layers["vegetation_patches"]),
        ec_over_time=_ec_over_time(layers, study),
        protconn=_protconn_by_half(layers["forest_2011"], study),
    )


def _centroid_shifts(layers: dict) -> pd.DataFrame:
    """Per layer: patches whose centroid falls outside, and how far the point moves."""
    rows = []
    for name, frame in layers.items():
        plain = patch_points(frame, distance_method="centroid")
        inside = patch_points(frame, distance_method="inside_centroid")
        shift = np.hypot(*(plain - inside).T) / 1000.0
        moved = shift > 0
        rows.append(
            (
                name,
                len(frame),
                int(moved.sum()),
                float(shift.max()),
                float(shift[moved].mean()) if moved.any() else 0.0,
            )
        )
    return pd.DataFrame(
        rows,
        columns=["layer", "patches", "centroid outside", "largest move (km)", "mean move (km)"],
    )


def _habitat_nodes_table(habitat_nodes, ref) -> pd.DataFrame | None:
    """PCnum, EC, PC and dPC of patch 10 under each convention beside the published values."""
    if ref is None or not (Path(ref) / "makurhini_pc" / "habitat_nodes_404.csv").is_file():
        return None
    nodes = pd.read_csv(Path(ref) / "makurhini_pc" / "habitat_nodes_404.csv")
    frame = habitat_nodes.merge(nodes[["Id", "area_ha"]], on="Id", validate="1:1")
    published = [
        ("PCnum (ha^2)", "PCnum", 2.136028e11, 0.0000005e11),
        ("EC(PC) (ha)", "EC", 4.621718e5, 0.0000005e5),
        ("PC", "PC", 2.801281e-2, 0.0000005e-2),
        ("dPC of patch 10 (%)", "dPC10", _MAKURHINI_DPC[10][0], 5e-8),
    ]
    results = {}
    for conv in _CONVENTIONS:
        g = patch_graph_from_polygons(
            frame,
            distance_method=conv,
            attribute="area_ha",
            id_column="Id",
            landscape_area=_MAKURHINI_LANDSCAPE_HA,
        )
        pc = probability_of_connectivity(g, dispersal_distance=_MAKURHINI_DISTANCE_M)
        dpc = patch_importance(g, dispersal_distance=_MAKURHINI_DISTANCE_M).table
        results[conv] = {**pc.to_dict(), "dPC10": float(dpc.loc[10, "dPC"])}
    rows = []
    for label, key, value, half in published:
        row = {"quantity": label, "published (Makurhini 3.0)": value}
        for conv in _CONVENTIONS:
            row[conv] = results[conv][key]
            row[f"{conv} agrees"] = bool(abs(results[conv][key] - value) <= half * 1.0001)
        rows.append(row)
    return pd.DataFrame(rows)


def _vegetation_table(vegetation) -> pd.DataFrame:
    """EC and dPC of the vegetation patches under the two centroid conventions."""
    distance, probability = _VEGETATION_KERNEL
    veg = {
        conv: patch_importance(
            patch_graph_from_polygons(vegetation, distance_method=conv, id_column="id"),
            dispersal_distance=distance,
            probability=probability,
        )
        for conv in _CONVENTIONS
    }
    ec_a, ec_b = veg["centroid"].summary.EC, veg["inside_centroid"].summary.EC
    a, b = veg["centroid"].table, veg["inside_centroid"].table
    top_a = set(a.nsmallest(10, "rank").index)
    top_b = set(b.nsmallest(10, "rank").index)
    return pd.DataFrame(
        {
            "quantity": [
                "EC (ha)",
                "largest |dPC difference| (percentage points)",
                "patches whose dPC changes by more than 1 %",
                "top-10 patches in common",
            ],
            "centroid": [ec_a, np.nan, np.nan, np.nan],
            "inside_centroid": [ec_b, np.nan, np.nan, np.nan],
            "difference": [
                ec_b - ec_a,
                float((a["dPC"] - b["dPC"]).abs().max()),
                int(((a["dPC"] - b["dPC"]).abs() > 0.01 * a["dPC"]).sum()),
                len(top_a & top_b),
            ],
        }
    )


def _ec_over_time(layers: dict, study) -> pd.DataFrame:
    """EC (ha) of the forest fragments of each year under each distance convention."""
    landscape_ha = float(shapely.area(study.geometry.union_all())) / 1e4
    distance, probability = _FOREST_KERNEL
    rows = []
    for year in _FOREST_YEARS:
        frame = layers[f"forest_{year}"]
        row = {"year": year}
        for conv in (*_CONVENTIONS, "edge"):
            g = patch_graph_from_polygons(frame, distance_method=conv, landscape_area=landscape_ha)
            pc = probability_of_connectivity(
                g, dispersal_distance=distance, probability=probability
            )
            row["habitat (ha)"] = float(g.attributes.sum())
            row[f"EC {conv} (ha)"] = pc.EC
        rows.append(row)
    ec = pd.DataFrame(rows)
    ec["EC change, centroid vs inside (%)"] = 100 * (
        ec["EC inside_centroid (ha)"] / ec["EC centroid (ha)"] - 1
    )
    return ec


def _protconn_by_half(pas, study) -> pd.DataFrame:
    """ProtConn and its fractions, exact and Makurhini's, in the two halves of the study area."""
    geom = study.geometry.union_all()
    x0, y0, x1, y1 = geom.bounds
    xm = (x0 + x1) / 2
    halves = gpd.GeoDataFrame(
        {"region": ["west half", "east half"]},
        geometry=[
            geom.intersection(shapely.box(x0, y0, xm, y1)),
            geom.intersection(shapely.box(xm, y0, x1, y1)),
        ],
        crs=study.crs,
    )
    rows = []
    for method in ("edge", "centroid"):
        for fractions in ("exact", "makurhini"):
            t = protconn_by_region(
                pas,
                halves,
                region_column="region",
                dispersal_distances_km=[10],
                transboundary_buffer_km=10,
                distance_method=method,
                fractions=fractions,
            )
            t.insert(1, "distances", method)
            t.insert(2, "fractions", fractions)
            rows.append(t)
    keep = [
        "region",
        "distances",
        "fractions",
        "Prot",
        "ProtConn",
        "ProtConn_Prot",
        "ProtConn_Within",
        "ProtConn_Contig",
        "ProtConn_Trans",
        "ProtConn_Unprot",
    ]
    return pd.concat(rows, ignore_index=True)[keep]
