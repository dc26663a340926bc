"""The steps of ``gpec-teach run``: each reads its inputs, calls the public API, writes files.

Every step writes its files under ``<output>/<step>/`` and a manifest
``<output>/.gpec/<step>.json`` (the options it ran with and its files), so a later run,
or a run of one step with ``--only``, reuses the outputs of earlier steps from disk.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

import gpec_teach as gt

from ..export import save_raster, save_vector
from .config import STEPS, Config, resistance_table

__all__ = ["run_step", "step_key", "is_cached", "RESULTS_GPKG"]

RESULTS_GPKG = "results.gpkg"


def step_key(config: Config, step: str) -> str:
    """Hash of what a step's outputs depend on: its options, its inputs and upstream options."""
    parts = {"landcover": str(config.values["landcover"]), step: config.section(step)}
    for need in STEPS[step]:
        parts[need] = config.section(need)
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _manifest(config: Config, step: str) -> Path:
    return config.output / ".gpec" / f"{step}.json"


def is_cached(config: Config, step: str) -> bool:
    """Tell whether the step's outputs on disk were made with the same options."""
    path = _manifest(config, step)
    if not path.is_file():
        return False
    info = json.loads(path.read_text(encoding="utf-8"))
    files = [config.output / f for f in info.get("files", [])]
    return info.get("key") == step_key(config, step) and all(f.exists() for f in files)


def _landcover(config: Config):
    import rioxarray

    lc = rioxarray.open_rasterio(config.values["landcover"]).squeeze("band", drop=True)
    return lc


def _land_ha(lc) -> float:
    nodata = lc.rio.nodata
    valid = np.isfinite(lc.values.astype("float64"))
    if nodata is not None:
        valid &= lc.values != nodata
    cell = abs(lc.rio.resolution()[0] * lc.rio.resolution()[1])
    return float(valid.sum() * cell / 10_000.0)


def _read_raster(path: Path):
    import rioxarray

    return rioxarray.open_rasterio(path, masked=True).squeeze("band", drop=True)


def _need(config: Config, step: str, name: str) -> Path:
    path = config.output / step / name
    if not path.exists():
        raise FileNotFoundError(
            f"step needs {path.relative_to(config.output)} from step '{step}': run "
            f"`gpec-teach run {config.path.name} --only {step}` first (or run without --only)."
        )
    return path


# --------------------------------------------------------------------------- steps
def resistance(config: Config, log) -> dict:
    """Land cover -> resistance (reclassification table), roads burned in optionally."""
    opts = config.section("resistance")
    lc = _landcover(config)
    res = gt.reclassify(lc, resistance_table(opts["table"]))
    roads = opts.get("roads")
    if roads:
        import geopandas as gpd

        lines = gpd.read_file(roads["file"])
        if roads.get("query"):
            lines = lines.query(roads["query"])
        res = gt.burn_lines(
            res,
            lines,
            values=roads["values"],
            widths=roads.get("widths"),
            class_column=roads.get("class_column"),
        )
        log.info("roads burned: %d lines", len(lines))
    path = save_raster(
        res,
        config.output / "resistance" / "resistance.tif",
        overwrite=True,
        style={"kind": "continuous", "colormap": "cividis"},
    )
    finite = np.isfinite(res.values)
    return {
        "files": [path],
        "table": pd.DataFrame(
            {
                "cells": [int(res.size)],
                "nodata": [int(np.isnan(res.values).sum())],
                "barriers": [int(np.isinf(res.values).sum())],
                "min": [float(res.values[finite].min())],
                "max": [float(res.values[finite].max())],
            }
        ),
    }


def _core_polygons(config: Config, lc):
    """Cores as polygons with the user's ids, and as a raster of ids."""
    import geopandas as gpd
    from rasterio.features import rasterize
    from scipy import ndimage

    opts = config.section("cores")
    if opts["polygons"] is not None:
        cores = gpd.read_file(opts["polygons"])
        idc = opts["id_column"]
        if idc not in cores.columns:
            raise ValueError(
                f"cores.id_column: column {idc!r} is not in {opts['polygons'].name}; its "
                f"columns are {list(cores.columns)}."
            )
        cores = cores.dissolve(by=idc).reset_index()
        ids = rasterize(
            ((g, int(i)) for g, i in zip(cores.geometry, cores[idc], strict=True)),
            out_shape=lc.shape,
            transform=lc.rio.transform(),
            fill=0,
            dtype="int32",
        )
        cores["area_ha"] = cores.area / 10_000.0
        return cores[[idc, "area_ha", "geometry"]], lc.copy(data=ids), idc
    cell = abs(lc.rio.resolution()[0])
    habitat = np.isin(lc.values, opts["habitat_classes"])
    interior = ndimage.distance_transform_edt(habitat) * cell > opts["edge_m"]
    labels, _ = gt.label_patches(
        lc.copy(data=interior).rio.write_nodata(None), neighbors=opts["neighbors"]
    )
    pieces = gt.patch_table(interior, cellsize=cell, neighbors=opts["neighbors"])
    keep = pieces.loc[pieces["area_ha"] >= opts["min_area_ha"], "patch_id"]
    ids = np.where(np.isin(labels.values, keep), labels.values, 0).astype("int32")
    grid = lc.copy(data=ids).rio.write_nodata(None)
    polys = gt.patches_to_polygons(grid, id_column="core_id")
    return polys[["core_id", "area_ha", "geometry"]], grid, "core_id"


def cores(config: Config, log) -> dict:
    """Cores from the user's polygons or from a habitat rule (edge, minimum area)."""
    lc = _landcover(config)
    polys, grid, idc = _core_polygons(config, lc)
    if len(polys) < 2:
        raise ValueError(
            f"cores: found {len(polys)} core area(s); at least two are needed. Lower "
            "cores.min_area_ha or cores.edge_m, or add habitat classes."
        )
    log.info("cores: %d, %.0f ha", len(polys), polys["area_ha"].sum())
    gpkg = save_vector(
        polys,
        config.output / RESULTS_GPKG,
        layer="cores",
        overwrite=True,
        style={"kind": "single"},
    )
    ids = grid.astype("float64").where(grid > 0)
    tif = save_raster(
        ids,
        config.output / "cores" / "core_ids.tif",
        overwrite=True,
        style={"kind": "classes", "classes": {int(i): str(i) for i in polys[idc]}},
    )
    (config.output / "cores").mkdir(parents=True, exist_ok=True)
    (config.output / "cores" / "id_column.txt").write_text(idc, encoding="utf-8")
    csv = config.output / "cores" / "cores.csv"
    polys.drop(columns="geometry").to_csv(csv, index=False)
    return {"files": [gpkg, tif, csv], "table": polys.drop(columns="geometry")}


def _load_cores(config: Config):
    import geopandas as gpd

    _need(config, "cores", "core_ids.tif")
    idc = (config.output / "cores" / "id_column.txt").read_text(encoding="utf-8").strip()
    polys = gpd.read_file(config.output / RESULTS_GPKG, layer="cores")
    grid = _read_raster(config.output / "cores" / "core_ids.tif")
    return polys, grid, idc


def corridors(config: Config, log) -> dict:
    """Least-cost corridors and a Linkage-Mapper-style network between the cores."""
    opts = config.section("corridors")
    res = _read_raster(_need(config, "resistance", "resistance.tif"))
    polys, _, idc = _load_cores(config)
    net = gt.corridor_network(
        res,
        polys,
        pairs=opts["pairs"],
        cutoff=opts["cutoff"],
        max_cost_distance=opts["max_cost_distance"],
        max_euclidean_distance=opts["max_euclidean_distance"],
        neighbors=opts["neighbors"],
        id_column=idc,
    )
    tif = save_raster(
        net.corridors,
        config.output / "corridors" / "corridors.tif",
        overwrite=True,
        style={"kind": "continuous", "colormap": "viridis_r"},
    )
    csv = config.output / "corridors" / "links.csv"
    net.links.to_csv(csv, index=False)
    files = [tif, csv]
    lines = net.to_geodataframe()
    if len(lines):
        files.append(
            save_vector(
                lines.reset_index(drop=True),
                config.output / RESULTS_GPKG,
                layer="corridor_paths",
                overwrite=True,
                style={"kind": "graduated", "column": "cost_distance", "colormap": "viridis_r"},
            )
        )
    log.info("corridors: %d links kept of %d", int(net.links["kept"].sum()), len(net.links))
    return {"files": files, "table": net.links[net.links["kept"]]}


def circuit(config: Config, log) -> dict:
    """Pairwise resistances, current and pinch points, or an Omniscape-style current map."""
    opts = config.section("circuit")
    res = _read_raster(_need(config, "resistance", "resistance.tif"))
    polys, grid, idc = _load_cores(config)
    out = config.output / "circuit"
    style = {"kind": "continuous", "colormap": "magma"}
    files = []
    if opts["mode"] == "omniscape":
        r = res.values
        cutoff = opts["source_max_resistance"]
        sources = np.where(np.isfinite(r) & (r > 0), 1.0 / r, 0.0)
        if cutoff is not None:
            sources[r > cutoff] = 0.0
        result = gt.omniscape(
            res,
            res.copy(data=sources),
            radius=opts["radius_cells"],
            block_size=opts["block_size"],
            neighbors=opts["neighbors"],
        )
        files.append(
            save_raster(
                result.cumulative_current, out / "current.tif", overwrite=True, style=style
            )
        )
        if result.normalized_current is not None:
            files.append(
                save_raster(
                    result.normalized_current,
                    out / "normalized_current.tif",
                    overwrite=True,
                    style=style,
                )
            )
        return {"files": files, "table": None}
    result = gt.pairwise_resistance(res, polys, id_column=idc, neighbors=opts["neighbors"])
    # The current inside the cores (focal regions) dwarfs the rest: the colour ramp is
    # stretched over the cells outside them, so the corridors do not all look alike.
    in_cores = np.nan_to_num(np.asarray(grid.values, dtype="float64"), nan=0.0) > 0
    style = {**style, "exclude": in_cores}
    files.append(
        save_raster(result.cumulative_current, out / "current.tif", overwrite=True, style=style)
    )
    csv = out / "resistances.csv"
    table = result.resistances
    table.to_csv(csv)
    files.append(csv)
    if opts["pinch_points"]:
        corridor = _read_raster(_need(config, "corridors", "corridors.tif"))
        ids = np.nan_to_num(grid.values, nan=0.0).astype("int64")
        cut = opts["corridor_cutoff"]
        mask = np.isfinite(corridor.values) if cut is None else corridor.values <= cut
        pinch = gt.pinch_points(res, ids, mask, neighbors=opts["neighbors"])
        current = res.copy(data=np.asarray(pinch.current, dtype="float64"))
        files.append(save_raster(current, out / "pinch_points.tif", overwrite=True, style=style))
    log.info("circuit: %d cores, solver %s", len(polys), result.solver)
    return {"files": files, "table": table}


def patches(config: Config, log) -> dict:
    """Patch graph of the cores with PC, EC and dPC; dPC joined to the cores' ids."""
    opts = config.section("patches")
    polys, grid, idc = _load_cores(config)
    land = _land_ha(_landcover(config))
    if config.section("cores")["polygons"] is None:  # habitat rule: the raster graph
        ids = grid.fillna(0).astype("int32")
        graph = gt.patch_graph_from_raster(
            ids, distance_method=opts["distance_method"], landscape_area=land
        )
    else:
        graph = gt.patch_graph_from_polygons(
            polys, id_column=idc, landscape_area=land, distance_method=opts["distance_method"]
        )
    kw = {"dispersal_distance": opts["dispersal_distance_m"], "probability": opts["probability"]}
    pc = gt.probability_of_connectivity(graph, **kw)
    imp = gt.patch_importance(graph, **kw).table
    imp.index = imp.index.astype("int64")
    joined = polys.merge(
        imp.drop(columns=[c for c in imp.columns if c in polys.columns]),
        left_on=idc,
        right_index=True,
        how="left",
    )
    gpkg = save_vector(
        joined,
        config.output / RESULTS_GPKG,
        layer="patch_importance",
        overwrite=True,
        style={"kind": "graduated", "column": "dPC"},
    )
    out = config.output / "patches"
    out.mkdir(parents=True, exist_ok=True)
    joined.drop(columns="geometry").to_csv(out / "patch_importance.csv", index=False)
    summary = pd.DataFrame(
        [
            {
                "patches": len(graph.ids),
                "habitat_ha": float(graph.attributes.sum()),
                "landscape_ha": land,
                "PC": pc.PC,
                "EC_ha": pc.EC,
                "dispersal_distance_m": opts["dispersal_distance_m"],
            }
        ]
    )
    summary.to_csv(out / "summary.csv", index=False)
    log.info("patches: PC %.6g, EC %.1f ha", pc.PC, pc.EC)
    return {"files": [gpkg, out / "patch_importance.csv", out / "summary.csv"], "table": summary}


def protconn(config: Config, log) -> dict:
    """ProtConn and its fractions by region; joined to the regions' polygons."""
    import geopandas as gpd

    opts = config.section("protconn")
    pas = gpd.read_file(opts["protected_areas"], layer=0)  # the first layer of a GeoPackage
    regions = gpd.read_file(opts["regions"], layer=0)
    table = gt.protconn_by_region(
        pas,
        regions,
        region_column=opts["region_column"],
        dispersal_distances_km=opts["dispersal_distances_km"],
        year=opts["year"],
        transboundary=opts["transboundary"],
    )
    out = config.output / "protconn"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "protconn.csv", index=False)
    key = opts["region_column"]
    first = table[table["distance_km"] == table["distance_km"].min()]
    if key is None:
        regions = regions.reset_index(names="region")
        key = "region"
    joined = regions.merge(first.rename(columns={"region": key}), on=key, how="left")
    gpkg = save_vector(
        joined,
        config.output / RESULTS_GPKG,
        layer="protconn_regions",
        overwrite=True,
        style={"kind": "graduated", "column": "ProtConn"},
    )
    return {"files": [out / "protconn.csv", gpkg], "table": table}


def fragmentation(config: Config, log) -> dict:
    """MESH and other class metrics of the habitat per epoch, and their change."""
    from tqdm.auto import tqdm

    opts = config.section("fragmentation")
    layers = {}
    for year, path in tqdm(
        sorted(opts["epochs"].items()), desc="epochs", leave=False, disable=log.quiet
    ):
        lc = _read_raster(path)
        codes = np.where(np.isin(lc.values, opts["habitat_classes"]), 1, 2).astype("uint8")
        codes[~np.isfinite(lc.values)] = 0
        layers[year] = lc.copy(data=codes).rio.write_nodata(0)
    tidy = gt.compare_epochs(
        layers, cls=1, neighbors=opts["neighbors"], mesh_denominator=opts["mesh_denominator"]
    )
    out = config.output / "fragmentation"
    out.mkdir(parents=True, exist_ok=True)
    tidy.to_csv(out / "fragmentation.csv", index=False)
    mesh = tidy[tidy["metric"] == "MESH"]
    log.info(
        "fragmentation: MESH %s ha", dict(zip(mesh["epoch"], mesh["value"].round(1), strict=True))
    )
    return {"files": [out / "fragmentation.csv"], "table": mesh}


_RUNNERS = {
    f.__name__: f
    for f in (resistance, cores, corridors, circuit, patches, protconn, fragmentation)
}


def run_step(config: Config, step: str, log) -> dict:
    """Run one step, write its manifest and return ``{"files": [...], "table": ...}``."""
    result = _RUNNERS[step](config, log)
    files = sorted({str(Path(f).resolve().relative_to(config.output)) for f in result["files"]})
    path = _manifest(config, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"key": step_key(config, step), "files": files}, indent=1), encoding="utf-8"
    )
    return result
