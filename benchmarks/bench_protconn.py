"""Benchmark: ProtConn for one region with 50, 200 and 800 synthetic protected areas.

The region is a 300 x 200 km mainland plus a 40 x 40 km island 15 km off its coast
(so ProtConn_Bound has work to do). PAs are seeded random discs (33-vertex polygons,
lognormal radii, some overlapping) with designation years; a further 20 % of the
count lies in a neighbouring country east of the region (transboundary stepping
stones). Timed:

- ``protconn_standard``: the whole chain for 1, 10 and 100 km (clean the PAs, clip
  to the region, select transboundary PAs, edge-to-edge distances, three ProtConn
  runs with fractions and ProtConn_Bound);
- ``protconn_from_matrix``: one dispersal distance on precomputed nodes and
  distances (the graph part alone).

Run: ``.venv/bin/python benchmarks/bench_protconn.py``
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import measure, print_table  # noqa: E402

KM = 1000.0
SIZES = (50, 200, 800)


def landscape(n: int, seed: int = 0):
    """Seeded PAs (domestic + 20 % foreign) and the region; EPSG:3035, metres."""
    import geopandas as gpd
    from shapely.geometry import Point, box

    rng = np.random.default_rng(seed)
    mainland = box(0, 0, 300 * KM, 200 * KM)
    island = box(315 * KM, 80 * KM, 355 * KM, 120 * KM)
    n_foreign = n // 5
    geoms = []
    for k in range(n + n_foreign):
        r = min(rng.lognormal(np.log(2 * KM), 0.6), 12 * KM)
        if k >= n:  # neighbouring country, south of the mainland
            x, y = rng.uniform(0, 300 * KM), rng.uniform(-60 * KM, -r)
        elif rng.random() < 0.05:  # a few on the island
            x, y = rng.uniform(318 * KM, 352 * KM), rng.uniform(83 * KM, 117 * KM)
        else:
            x, y = rng.uniform(r, 300 * KM - r), rng.uniform(r, 200 * KM - r)
        geoms.append(Point(x, y).buffer(r, quad_segs=8))
    pas = gpd.GeoDataFrame(
        {
            "WDPAID": np.arange(1, len(geoms) + 1),
            "STATUS_YR": rng.integers(1960, 2024, len(geoms)),
            "STATUS": "Designated",
        },
        geometry=geoms,
        crs="EPSG:3035",
    )
    region = gpd.GeoSeries([mainland, island], crs="EPSG:3035")
    return pas, region


def setup_chain(n: int):
    return landscape(n)


def run_chain(state) -> str:
    from gpec_teach.protconn import protconn_standard

    pas, region = state
    t = protconn_standard(pas, region)
    pc = ", ".join(f"{v:.2f}" for v in t["ProtConn"])
    return (
        f"Prot {t['Prot'].iloc[0]:.2f} %; ProtConn 1/10/100 km {pc} %; "
        f"{int(t['n_protected'].iloc[0])} domestic + {int(t['n_transboundary'].iloc[0])} "
        "transboundary nodes"
    )


def setup_matrix(n: int):
    from gpec_teach.protconn import (
        clean_protected_areas,
        protected_area_distances,
        protected_area_nodes,
    )

    pas, region = landscape(n)
    nodes = protected_area_nodes(clean_protected_areas(pas), region)
    d = protected_area_distances(nodes)
    a = np.where(nodes["kind"] == "domestic", nodes["area_km2"], 0.0)
    area = float(region.area.sum()) / 1e6
    return a, d, nodes["kind"].to_numpy(), area


def run_matrix(state) -> str:
    from gpec_teach.protconn import protconn_from_matrix

    a, d, kinds, area = state
    r = protconn_from_matrix(a, d, region_area=area, dispersal_distance=10.0, kinds=kinds)
    return f"{d.shape[0]} nodes; ProtConn {r.ProtConn:.3f} %, Bound {r.ProtConn_Bound:.3f} %"


def main() -> None:
    results = []
    for n in SIZES:
        results.append(
            measure(
                "protconn_standard (1/10/100 km, full chain)",
                f"{n} PAs",
                partial(setup_chain, n),
                run_chain,
            )
        )
    for n in SIZES:
        results.append(
            measure(
                "protconn_from_matrix (10 km)", f"{n} PAs", partial(setup_matrix, n), run_matrix
            )
        )
    print_table(results, "ProtConn: one region, synthetic PAs")


if __name__ == "__main__":
    main()
