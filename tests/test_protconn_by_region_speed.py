"""protconn_by_region: work shared over the regions, the numbers of a loop (issue 19 item 4c).

The PAs are cleaned and checked once for all regions; each region measures only the
distances some maximum-product path may need (``path_preserving_distances``), and the
table must hold the numbers of a hand-written loop of ``protconn_standard``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

import gpec_teach as gt
from gpec_teach.protconn import protected_area_nodes
from gpec_teach.protconn import regions as R

CRS = "EPSG:3035"


def _case():
    # three 10 km x 10 km regions side by side; PAs inside each, one across the west/centre
    # border, one multipolygon, one outside all regions (a transboundary stepping stone)
    # and a triangle, so edge distances are not all along the axes
    regions = gpd.GeoDataFrame(
        {"name": ["west", "centre", "east"]},
        geometry=[box(0, 0, 10_000, 10_000), box(10_000, 0, 20_000, 10_000),
                  box(20_000, 0, 30_000, 10_000)],
        crs=CRS,
    )  # fmt: skip
    pas = gpd.GeoDataFrame(
        {"STATUS_YR": [1990, 1995, 2000, 2005, 2010, 2012, 2015]},
        geometry=[
            box(1_000, 1_000, 3_000, 3_000),
            box(8_000, 4_000, 12_000, 6_000),  # across west | centre
            MultiPolygon([box(14_000, 1_000, 15_000, 2_000), box(16_000, 7_000, 17_500, 8_000)]),
            Polygon([(22_000, 2_000), (27_000, 3_000), (24_000, 6_500)]),
            box(31_000, 4_000, 33_000, 5_000),  # outside every region
            box(4_000, 7_000, 5_000, 9_500),
            box(26_000, 8_000, 29_000, 9_000),
        ],
        crs=CRS,
    )
    return pas, regions


def _loop(pas, regions, distances, **kw):
    frames = []
    for pos, name in enumerate(regions["name"]):
        t = gt.protconn_standard(pas, regions.iloc[[pos]], dispersal_distances_km=distances, **kw)
        frames.append(t.assign(region=name))
    out = pd.concat(frames, ignore_index=True)
    return out[["region", *out.columns[:-1]]]


@pytest.mark.parametrize("method", ["edge", "centroid"])
def test_by_region_gives_the_numbers_of_a_loop_over_regions(method):
    pas, regions = _case()
    fast = gt.protconn_by_region(
        pas,
        regions,
        region_column="name",
        dispersal_distances_km=[1.0, 5.0],
        distance_method=method,
    )
    slow = _loop(pas, regions, [1.0, 5.0], distance_method=method)
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-12, atol=1e-12)
    # west holds 2 x 2 km, the west half (2 x 2 km) of the across-border PA and
    # 1 x 2.5 km: 10.5 km2 of 100 km2
    assert fast.loc[fast.region == "west", "Prot"].iloc[0] == pytest.approx(10.5)


def test_a_pa_wholly_inside_or_outside_keeps_its_geometry_in_every_region():
    # the shared node is the very same geometry (so its distances are measured once);
    # the across-border PA is cut into one piece per side
    pas, regions = _case()
    west = protected_area_nodes(pas, regions.iloc[[0]])
    east = protected_area_nodes(pas, regions.iloc[[2]])
    first = pas.geometry.iloc[0]
    assert west.geometry.iloc[0].equals_exact(first, 0.0)
    assert any(g.equals_exact(first, 0.0) for g in east.geometry[east.kind == "transboundary"])
    pieces = west[west.kind != "land"].geometry.area.round().tolist()
    assert 4_000_000.0 in pieces  # the west half of the 4 km x 2 km PA


def test_by_region_checks_the_pas_once_for_all_regions(monkeypatch):
    # cleaning and the overlap check of the PAs are the same for every region: done once
    pas, regions = _case()
    calls = []
    real = R.check_node_polygons

    def counting(frame):
        calls.append(len(frame))
        return real(frame)

    monkeypatch.setattr(R, "check_node_polygons", counting)
    gt.protconn_by_region(pas, regions, region_column="name", dispersal_distances_km=[1.0])
    assert calls == [len(pas)]


def test_region_distances_leave_out_only_links_no_path_needs():
    # west's nodes: every finite distance is the exact edge distance, some pair is left
    # out, and the shortest paths (all nodes, PAs, domestic PAs) are those of all pairs
    from scipy.sparse.csgraph import dijkstra

    from gpec_teach._vector import edge_distances

    pas, regions = _case()
    nodes = protected_area_nodes(pas, regions.iloc[[1]])
    opts = R._check_options(0.5, "protconn", 1.0, "exact", "edge")
    d = R._node_distances(nodes, opts)
    full = edge_distances(nodes.geometry.to_numpy()) / 1000.0
    finite = np.isfinite(d)
    np.testing.assert_allclose(d[finite], full[finite], rtol=1e-15)
    assert not finite.all()
    kind = nodes["kind"].to_numpy()
    for subset in (np.ones(len(kind), dtype=bool), kind != "land", kind == "domestic"):
        idx = np.flatnonzero(subset)
        paths = [
            dijkstra(np.where(np.isfinite(m), m + 1.0, 0.0)[np.ix_(idx, idx)], directed=False)
            for m in (d, full)
        ]  # +1 per link: zero distances stay links in a dense csgraph input
        np.testing.assert_array_equal(*paths)


def test_by_region_without_any_pa_in_a_year():
    pas, regions = _case()
    t = gt.protconn_by_region(
        pas, regions, region_column="name", dispersal_distances_km=[1.0], year=[1980, 1992]
    )
    assert t.loc[t.year == 1980, "Prot"].tolist() == [0.0, 0.0, 0.0]
    assert np.isclose(t.loc[(t.year == 1992) & (t.region == "west"), "Prot"].iloc[0], 4.0)


def test_regions_that_share_no_node_give_the_numbers_of_the_loop():
    # every PA straddles a border: the pieces differ from region to region, so one
    # matrix over all distinct pieces would hold more pairs than the regions' own;
    # each region is then measured alone, with the numbers of the loop
    regions = gpd.GeoDataFrame(
        {"name": ["west", "east"]},
        geometry=[box(0, 0, 10_000, 10_000), box(10_500, 0, 20_000, 10_000)],
        crs=CRS,
    )  # a 500 m gap between the regions: no piece of one is a piece of the other
    pas = gpd.GeoDataFrame(
        geometry=[box(8_000, 1_000, 12_000, 2_000), box(9_000, 5_000, 11_000, 8_000)], crs=CRS
    )
    fast = gt.protconn_by_region(pas, regions, region_column="name", dispersal_distances_km=[1.0])
    slow = _loop(pas, regions, [1.0])
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-12, atol=1e-12)
    # west: 2 domestic pieces, 2 transboundary pieces, 1 land part; the same in the east
    assert [len(protected_area_nodes(pas, regions.iloc[[k]])) for k in (0, 1)] == [5, 5]
