"""Real-data benchmarks (issue 19, item 4): the current code beside the old path, one run.

Reads ``../shared/realdata`` in place (``GPEC_REALDATA_DIR`` points elsewhere); skipped
with a message when absent. Cases:

* (a) pairwise resistance on the NLCD raster of Augusta (440 x 678 = 298,320 cells, a
  teaching reclassification) with 4 polygon cores (focal regions, 600 m discs) beside
  the same 4 foci as points (the note gives regions / points; target <= 1.5). Focal
  regions follow Circuitscape: each pair shorts its own two regions, the others stay
  ordinary cells (shorting all of them at once fails 69 reference comparisons), so
  every pair is its own system: k (k - 1) / 2 solves against k - 1 for points;
* (b) edge-to-edge distances between the 404 habitat polygons (repaired): the current
  branch-and-bound ``edge_distances`` beside the old all-pairs ``shapely.distance``
  (target < 5 s), and the same within a 10 km threshold;
* (c) ``protconn_by_region`` with the 404 habitat polygons as protected areas over 3
  regions (vertical thirds of ``tmvs_region``) beside a hand-written loop of
  ``protconn_standard`` over the regions (both measure only the distances some
  maximum-product path may need; by_region cleans and checks the PAs once);
* (d) pairwise circuit with 4 points on a 1000 x 1000 grid (one million cells): peak MB
  (target < 600 MB).

Run: ``.venv/bin/python benchmarks/bench_realdata.py`` (or ``benchmarks/run.py realdata``).
With ``GPEC_BASELINE_DIR`` set to a checkout of the older code (for example
``git worktree add /tmp/base <rev>``), each case also runs on it and the table shows
before and after; without it the "before" column is n/a (except (c), whose "before" is the
hand-written loop). Every case runs once, each in a fresh process (peak RSS is its own).
Timings on a shared machine are noisy: compare the ratios within one run.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure  # noqa: E402

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


def _in_code(code_dir, setup):
    """Run *setup* with ``gpec_teach`` imported from *code_dir* (the baseline checkout)."""
    sys.path.insert(0, str(code_dir))
    import gpec_teach

    if not str(Path(gpec_teach.__file__).resolve()).startswith(str(Path(code_dir).resolve())):
        raise RuntimeError(f"gpec_teach came from {gpec_teach.__file__}, not {code_dir}")
    return setup()


def _run(label, size, setup, run, code_dir=None):
    if code_dir is not None:
        setup = partial(_in_code, code_dir, setup)
    return measure(label, size, setup, run, repeat=1)


def _fmt(r, what="s"):
    if r is None:
        return "n/a"
    if r.note.startswith("error"):
        return r.note
    return f"{r.peak_mb:.0f} MB" if what == "MB" else f"{r.seconds:.1f} s"


def main() -> None:
    if not DATA.is_dir():
        print(f"\n_realdata: skipped, no real data at {DATA} (set GPEC_REALDATA_DIR)_")
        return
    base = os.environ.get("GPEC_BASELINE_DIR")  # a checkout of the code before the change
    print("\n### Real data: before and after (one run, wall time on a shared machine)\n")
    print("| case | before | after | target |")
    print("|---|---:|---:|---|", flush=True)

    def row(case, before, after, target=""):
        print(f"| {case} | {before} | {after} | {target} |", flush=True)

    def both(setup, run):
        old = _run("before", "", setup, run, base) if base else None
        return old, _run("after", "", setup, run)

    m_old, m_new = both(setup_million, run_million)
    row("(d) pairwise, 4 points, 1000 x 1000 cells: peak RSS", _fmt(m_old, "MB"),
        _fmt(m_new, "MB"), "< 600 MB")  # fmt: skip
    e_old, e_new = both(setup_polygons, run_edges_new)
    row("(b) edge distances, 404 polygons, all pairs", _fmt(e_old), _fmt(e_new), "< 5 s")
    t_old, t_new = both(setup_polygons, run_edges_new_10km)
    row("(b) same within 10 km", _fmt(t_old), _fmt(t_new))
    pts_old, pts_new = both(setup_foci, run_points)
    reg_old, reg_new = both(setup_foci, run_regions)
    row("(a) pairwise, 4 points, 298,320 cells", _fmt(pts_old), _fmt(pts_new))
    row("(a) pairwise, 4 polygon regions", _fmt(reg_old), _fmt(reg_new))
    ratio_old = f"{reg_old.seconds / pts_old.seconds:.2f}" if base else "n/a"
    row("(a) regions / points", ratio_old, f"{reg_new.seconds / pts_new.seconds:.2f}", "<= 1.5")
    by_region = _run("by_region", "", setup_protconn, run_protconn_by_region)
    loop = _run("loop", "", setup_protconn, run_protconn_loop)
    row(
        "(c) 404 habitat polygons as PAs (1,247-2,298 nodes per region), 3 regions: loop of "
        "protconn_standard (before) vs protconn_by_region (after)",
        _fmt(loop),
        _fmt(by_region),
        "after < before",
    )


if __name__ == "__main__":
    main()
