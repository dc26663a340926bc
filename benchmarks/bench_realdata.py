"""Real-data benchmarks (issue 19, item 4): the current code beside the old path, one run.

Reads ``../shared/realdata`` in place (``GPEC_REALDATA_DIR`` points elsewhere); skipped
with a message when absent. Cases:

* (a) pairwise resistance on the NLCD raster of Augusta (440 x 678 = 298,320 cells, a
  teaching reclassification) with 4 polygon cores (focal regions, 600 m discs) beside
  the same 4 foci as points (the note gives regions / points; target <= 1.5);
* (b) edge-to-edge distances between the 404 habitat polygons (repaired): the current
  branch-and-bound ``edge_distances`` beside the old all-pairs ``shapely.distance``
  (target < 5 s), and the same within a 10 km threshold;
* (c) ``protconn_by_region`` with the 404 habitat polygons as protected areas over 3
  regions (vertical thirds of ``tmvs_region``) beside a hand-written loop of
  ``protconn_standard`` over the regions;
* (d) pairwise circuit with 4 points on a 1000 x 1000 grid (one million cells): peak MB
  (target < 600 MB).

Run: ``.venv/bin/python benchmarks/bench_realdata.py`` (or ``benchmarks/run.py realdata``).
Timings on a shared machine are noisy: compare the ratios within one run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure, print_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("GPEC_REALDATA_DIR", ROOT.parent / "shared" / "realdata"))

#: A teaching reclassification of the NLCD classes (resistance; water a barrier).
NLCD_RESISTANCE = {
    11: np.inf, 21: 50, 22: 100, 23: 200, 24: 500, 31: 20, 41: 1, 42: 1, 43: 1,
    52: 5, 71: 10, 81: 20, 82: 30, 90: 2, 95: 5,
}  # fmt: skip


# ----------------------------------------------------------------------------- (a)
def setup_foci():
    import geopandas as gpd
    import rioxarray
    from shapely.geometry import Point

    import gpec_teach as gt

    lc = rioxarray.open_rasterio(DATA / "augusta_nlcd.tif", masked=True).squeeze("band", drop=True)
    res = gt.reclassify(lc, NLCD_RESISTANCE)
    t = res.rio.transform()
    nr, nc = res.shape
    centres = [t @ (nc * fc + 0.5, nr * fr + 0.5) for fr in (0.25, 0.75) for fc in (0.25, 0.75)]
    ids = [1, 2, 3, 4]
    points = gpd.GeoDataFrame({"id": ids}, geometry=[Point(xy) for xy in centres], crs=res.rio.crs)
    discs = points.copy()
    discs["geometry"] = points.buffer(600.0)
    return res, points, discs


def run_points(state):
    import gpec_teach as gt

    res, points, _ = state
    out = gt.pairwise_resistance(res, points)
    return f"solver {out.solver}"


def run_regions(state):
    import gpec_teach as gt

    res, _, discs = state
    out = gt.pairwise_resistance(res, discs)
    return f"solver {out.solver}"


# ----------------------------------------------------------------------------- (b)
def setup_polygons():
    import geopandas as gpd
    import shapely

    nodes = gpd.read_file(DATA / "habitat_nodes.gpkg")
    return shapely.make_valid(nodes.geometry.values)


def run_edges_new(geoms, limit=None):
    from gpec_teach._vector import edge_distances

    d = edge_distances(geoms, max_distance=limit)
    return f"{int(np.isfinite(d).sum() - len(geoms)) // 2} pairs measured"


def run_edges_new_10km(geoms):
    return run_edges_new(geoms, 10_000.0)


def run_edges_old(geoms, limit=None):
    """The old path: every pair (or the STRtree dwithin pairs) through shapely.distance."""
    import shapely

    n = len(geoms)
    if limit is None:
        rows, cols = np.triu_indices(n, 1)
    else:
        rows, cols = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=limit)
        keep = rows < cols
        rows, cols = rows[keep], cols[keep]
    shapely.distance(geoms[rows], geoms[cols])
    return f"{rows.size} pairs measured"


def run_edges_old_10km(geoms):
    return run_edges_old(geoms, 10_000.0)


# ----------------------------------------------------------------------------- (c)
def setup_protconn():
    import geopandas as gpd
    import shapely

    nodes = gpd.read_file(DATA / "habitat_nodes.gpkg")
    nodes["geometry"] = shapely.make_valid(nodes.geometry.values)
    region = gpd.read_file(DATA / "tmvs_region.gpkg")
    xmin, ymin, xmax, ymax = region.total_bounds
    cuts = np.linspace(xmin, xmax, 4)
    parts = [
        shapely.intersection(region.union_all(), shapely.box(a, ymin, b, ymax))
        for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    regions = gpd.GeoDataFrame(
        {"region": ["west", "centre", "east"]}, geometry=parts, crs=region.crs
    )
    return nodes[["geometry"]], regions


def run_protconn_by_region(state):
    import gpec_teach as gt

    pas, regions = state
    out = gt.protconn_by_region(
        pas, regions, region_column="region", dispersal_distances_km=(10.0,)
    )
    return f"{len(out)} rows"


def run_protconn_loop(state):
    import gpec_teach as gt

    pas, regions = state
    rows = [
        gt.protconn_standard(pas, regions.iloc[[k]], dispersal_distances_km=(10.0,))
        for k in range(len(regions))
    ]
    return f"{len(rows)} regions"


# ----------------------------------------------------------------------------- (d)
def setup_million():
    from bench_circuit import fractal_resistance

    return fractal_resistance(1000)


def run_million(res):
    import gpec_teach as gt

    pts = [(100, 100), (100, 900), (900, 100), (900, 900)]
    out = gt.pairwise_resistance(res, pts)
    return f"solver {out.solver}"


def main() -> None:
    if not DATA.is_dir():
        print(f"\n_realdata: skipped, no real data at {DATA} (set GPEC_REALDATA_DIR)_")
        return
    a = [
        measure("(a) pairwise, 4 points", "298,320 cells", setup_foci, run_points, repeat=1),
        measure("(a) pairwise, 4 polygons", "298,320 cells", setup_foci, run_regions, repeat=1),
    ]
    a[1].note += f"; regions / points = {a[1].seconds / a[0].seconds:.2f} (target <= 1.5)"
    b = [
        measure("(b) edge distances, old (all pairs)", "404 polygons", setup_polygons,
                run_edges_old, repeat=1),
        measure("(b) edge distances, new", "404 polygons", setup_polygons, run_edges_new,
                repeat=1),
        measure("(b) within 10 km, old (STRtree)", "404 polygons", setup_polygons,
                run_edges_old_10km, repeat=1),
        measure("(b) within 10 km, new", "404 polygons", setup_polygons, run_edges_new_10km,
                repeat=1),
    ]  # fmt: skip
    c = [
        measure("(c) hand-written loop of protconn_standard", "404 PAs x 3 regions",
                setup_protconn, run_protconn_loop, repeat=1),
        measure("(c) protconn_by_region", "404 PAs x 3 regions", setup_protconn,
                run_protconn_by_region, repeat=1),
    ]  # fmt: skip
    c[1].note += f"; by_region / loop = {c[1].seconds / c[0].seconds:.2f} (target < 1)"
    d = [measure("(d) pairwise, 4 points", "1000 x 1000", setup_million, run_million, repeat=1)]
    print_table(a + b + c + d, "Real data: current code beside the old path (one run)")


if __name__ == "__main__":
    main()
