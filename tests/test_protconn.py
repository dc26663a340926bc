"""Tests for gpec_teach.protconn: cleaning, nodes, distances, ProtConn and its fractions."""

from __future__ import annotations

import itertools
import math
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box

from gpec_teach._validation import GPECWarning, InvalidGeometryWarning
from gpec_teach.protconn import (
    STANDARD_DISTANCES_KM,
    areas_inside_region,
    clean_protected_areas,
    protconn,
    protconn_by_region,
    protconn_from_matrix,
    protconn_standard,
    protected_area_distances,
    protected_area_nodes,
)

CRS = "EPSG:3035"  # ETRS89 / LAEA Europe: projected, equal-area, metres
KM = 1000.0


def frame(geoms, **columns):
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=CRS)


def region_box(x0=0, y0=0, x1=10 * KM, y1=10 * KM):
    return gpd.GeoSeries([box(x0, y0, x1, y1)], crs=CRS)


def random_pas(n, seed, *, side=50 * KM, max_size=3 * KM):
    """Seeded random rectangles (may overlap) inside a side x side region."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.2 * KM, max_size, (n, 2))
    xy = rng.uniform(0, side - max_size, (n, 2))
    geoms = [box(x, y, x + a, y + b) for (x, y), (a, b) in zip(xy, w, strict=True)]
    years = rng.integers(1970, 2020, n)
    return frame(geoms, STATUS_YR=years, WDPAID=np.arange(1, n + 1))


# ====================================================================== hand-worked cases
def test_three_squares_hand_worked():
    # Region 10 x 10 km = 100 km2.
    # PA1 2x2 km = 4 km2; PA2 1 km2 sharing PA1's east edge (contiguous);
    # PA3 1 km2, 2 km east of PA2 and 3 km east of PA1.
    pas = frame(
        [
            box(1 * KM, 1 * KM, 3 * KM, 3 * KM),
            box(3 * KM, 1 * KM, 4 * KM, 2 * KM),
            box(6 * KM, 1 * KM, 7 * KM, 2 * KM),
        ]
    )
    r = protconn(pas, region_box(), dispersal_distance_km=2)
    # median dispersal 2 km: p(2 km) = 0.5, p(3 km) = 0.5**1.5 = 0.354
    # p*12 = 1 (touching); p*23 = 0.5; p*13 = max(0.354, 1 * 0.5) = 0.5 via PA2
    # PCnum = 16 + 1 + 1 + 2 * (4*1*1 + 1*1*0.5 + 4*1*0.5) = 18 + 2 * 6.5 = 31
    assert r.PCnum == pytest.approx(31.0)
    assert r.EC == pytest.approx(math.sqrt(31))  # 5.568 km2
    assert r.ProtConn == pytest.approx(math.sqrt(31))  # 100 * 5.568 / 100
    assert r.Prot == pytest.approx(6.0)  # 100 * (4 + 1 + 1) / 100
    assert r.ProtUnconn == pytest.approx(6.0 - math.sqrt(31))
    assert r.RelConn == pytest.approx(100 * math.sqrt(31) / 6)
    # fractions in percent of ProtConn: Within 18/31, Contig 2*4/31, Unprot 2*(0.5+2)/31
    assert r.ProtConn_Within == pytest.approx(100 * 18 / 31)
    assert r.ProtConn_Contig == pytest.approx(100 * 8 / 31)
    assert r.ProtConn_Prot == pytest.approx(100 * 26 / 31)
    assert r.ProtConn_Unprot == pytest.approx(100 * 5 / 31)
    assert r.ProtConn_Trans == 0.0
    # one piece of land: the Bound correction changes nothing
    assert r.ProtConn_Bound == pytest.approx(r.ProtConn)
    assert r.ProtUnconn_Design == pytest.approx(6.0 - math.sqrt(31))
    assert (r.n_protected, r.n_transboundary) == (3, 0)


def test_two_squares_matrix_level():
    # PAs 10 and 20 km2, 10 km apart, median 10 km, region 100 km2:
    # PCnum = 100 + 400 + 2*10*20*0.5 = 700; EC = 26.458; ProtConn = 26.458 %
    r = protconn_from_matrix([10, 20], [[0, 10], [10, 0]], region_area=100, dispersal_distance=10)
    assert r.ProtConn == pytest.approx(math.sqrt(700))
    assert r.ProtConn_Within == pytest.approx(100 * 500 / 700)
    assert r.ProtConn_Unprot == pytest.approx(100 * 200 / 700)
    assert math.isnan(r.ProtConn_Bound)  # no land nodes given
    # another probability at another distance: p = 0.25 at 20 km is the same kernel
    same = protconn_from_matrix(
        [10, 20], [[0, 10], [10, 0]], region_area=100, dispersal_distance=20, probability=0.25
    )
    assert same.ProtConn == pytest.approx(r.ProtConn)


def test_transboundary_pa_bridges_two_domestic_pas():
    # Domestic A and B (1 km2 each) on the east border, 6 km apart; a foreign PA F
    # just outside the border touches both.
    a = box(9 * KM, 1 * KM, 10 * KM, 2 * KM)
    b = box(9 * KM, 8 * KM, 10 * KM, 9 * KM)
    f = box(10 * KM, 1 * KM, 11 * KM, 9 * KM)
    pas = frame([a, b, f], ISO3=["XAA", "XAA", "XBB"])
    with_f = protconn(pas, region_box(), dispersal_distance_km=1)
    without = protconn(pas, region_box(), dispersal_distance_km=1, transboundary=False)
    # with F: p*AB = 1 through F: PCnum = 1 + 1 + 2*1 = 4, EC = 2 km2, ProtConn = 2 %
    assert with_f.ProtConn == pytest.approx(2.0)
    # without F: p_AB = 0.5**6 = 1/64: PCnum = 2 + 2/64, EC = 1.4252
    assert without.ProtConn == pytest.approx(math.sqrt(2 + 2 / 64))
    assert with_f.ProtConn > without.ProtConn
    # F is not counted in Prot (2 km2 of 100) in either case
    assert with_f.Prot == pytest.approx(2.0) == without.Prot
    assert with_f.n_transboundary == 1 and without.n_transboundary == 0
    # fractions: the A-B terms (2 of 4) go through F -> Trans = 50 %, Within = 50 %
    assert with_f.ProtConn_Trans == pytest.approx(50.0)
    assert with_f.ProtConn_Within == pytest.approx(50.0)
    assert with_f.ProtConn_Unprot == pytest.approx(0.0, abs=1e-12)
    assert without.ProtConn_Unprot == pytest.approx(100 * (2 / 64) / (2 + 2 / 64))


def test_island_region_bound_hand_worked():
    # Two 10 x 10 km islands, 10 km of sea apart (A_L = 200 km2). A and B (1 km2) on
    # island 1, 5 km apart; C (1 km2) on island 2, 14 km from B and 20 km from A.
    region = gpd.GeoSeries(
        [box(0, 0, 10 * KM, 10 * KM), box(20 * KM, 0, 30 * KM, 10 * KM)], crs=CRS
    )
    pas = frame(
        [
            box(1 * KM, 1 * KM, 2 * KM, 2 * KM),
            box(7 * KM, 1 * KM, 8 * KM, 2 * KM),
            box(22 * KM, 1 * KM, 23 * KM, 2 * KM),
        ]
    )
    r = protconn(pas, region, dispersal_distance_km=10)
    # p(5) = 0.5**0.5 = 0.70711, p(14) = 0.5**1.4 = 0.37893, p(20) = 0.25
    # p*AC = max(0.25, 0.70711 * 0.37893 = 0.26794) = 0.26794
    pab, pbc, pac = 0.5**0.5, 0.5**1.4, 0.5**0.5 * 0.5**1.4
    pcnum = 3 + 2 * (pab + pbc + pac)  # 5.70796
    assert r.PCnum == pytest.approx(pcnum)
    assert r.ProtConn == pytest.approx(100 * math.sqrt(pcnum) / 200)  # 1.19457 %
    # Design: each island is a perfectly permeable stepping stone, the sea is not:
    # p*AB = 1, p*AC = p*BC = p(10 km of sea) = 0.5 -> PCnum = 3 + 2 * (1 + 0.5 + 0.5) = 7
    design = 100 * (math.sqrt(7) - math.sqrt(pcnum)) / 200  # 0.12831
    assert r.ProtUnconn_Design == pytest.approx(design)
    assert r.ProtConn_Bound == pytest.approx(1.5 - design)  # 1.37169
    assert r.ProtConn < r.ProtConn_Bound < r.Prot
    assert r.region_area == pytest.approx(200.0)


def test_touching_pas_are_contiguous_and_tolerance():
    # Two 1 km2 squares 0.5 m apart: contiguous with the default 1 m tolerance.
    pas = frame([box(0, 0, KM, KM), box(KM + 0.5, 0, 2 * KM + 0.5, KM)])
    region = region_box(-KM, -KM, 9 * KM, 9 * KM)
    r = protconn(pas, region, dispersal_distance_km=1)
    assert r.ProtConn == pytest.approx(2.0)  # fully connected: EC = 2 km2 of 100
    assert r.ProtConn_Contig == pytest.approx(50.0)  # 2*1*1 / (1 + 1 + 2)
    strict = protconn(pas, region, dispersal_distance_km=1, contiguity_tolerance_m=0.0)
    assert strict.ProtConn_Contig == 0.0
    assert strict.ProtConn_Unprot > 49.9  # p = 0.5**0.0005, crossing 0.5 m of unprotected land


def test_fraction_units_options():
    pas = frame(
        [
            box(1 * KM, 1 * KM, 3 * KM, 3 * KM),
            box(3 * KM, 1 * KM, 4 * KM, 2 * KM),
            box(6 * KM, 1 * KM, 7 * KM, 2 * KM),
        ]
    )
    pc = protconn(pas, region_box(), dispersal_distance_km=2, fraction_units="protconn")
    reg = protconn(pas, region_box(), dispersal_distance_km=2, fraction_units="region")
    nest = protconn(pas, region_box(), dispersal_distance_km=2, fraction_units="nested")
    parts = ("ProtConn_Prot", "ProtConn_Trans", "ProtConn_Unprot")
    assert sum(getattr(pc, k) for k in parts) == pytest.approx(100.0)
    assert sum(getattr(reg, k) for k in parts) == pytest.approx(reg.ProtConn)
    assert reg.ProtConn_Within + reg.ProtConn_Contig == pytest.approx(reg.ProtConn_Prot)
    # region units = protconn units * ProtConn / 100 (Makurhini's "_land" columns)
    for k in (*parts, "ProtConn_Within", "ProtConn_Contig"):
        assert getattr(reg, k) == pytest.approx(getattr(pc, k) * pc.ProtConn / 100)
    # nested: Within and Contig as percent of ProtConn[Prot]: 18/26 and 8/26
    assert nest.ProtConn_Within == pytest.approx(100 * 18 / 26)
    assert nest.ProtConn_Within + nest.ProtConn_Contig == pytest.approx(100.0)
    assert nest.ProtConn_Prot == pytest.approx(pc.ProtConn_Prot)


# ======================================================= independent cross-check (paths)
def brute_force_fractions(a, d, kinds, distance):
    """Classify every pair by enumerating all simple paths with networkx (no csgraph)."""
    n = len(a)
    k = -math.log(0.5) / distance
    G = nx.Graph()
    pas = [i for i in range(n) if kinds[i] != "land"]
    G.add_nodes_from(pas)
    for i, j in itertools.combinations(pas, 2):
        G.add_edge(i, j)
    dom = [i for i in pas if kinds[i] == "domestic"]
    W = C = T = U = 0.0
    for i in dom:
        W += a[i] ** 2
    for i, j in itertools.permutations(dom, 2):
        best, best_dom, contig = 0.0, 0.0, False
        for path in nx.all_simple_paths(G, i, j):
            prob = math.prod(math.exp(-k * d[u][v]) for u, v in itertools.pairwise(path))
            best = max(best, prob)
            if all(kinds[v] == "domestic" for v in path):
                best_dom = max(best_dom, prob)
                contig |= all(d[u][v] == 0 for u, v in itertools.pairwise(path))
        term = a[i] * a[j] * best
        if contig:
            C += term
        elif best > best_dom * (1 + 1e-9):
            T += term
        else:
            U += term
    return W, C, T, U


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_fractions_match_path_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = 6
    a = rng.uniform(0.5, 5, n)
    kinds = np.array(["domestic"] * 4 + ["transboundary"] * 2, dtype=object)
    d = rng.uniform(0, 8, (n, n))
    d = np.triu(d, 1)
    d = d + d.T
    d[0, 1] = d[1, 0] = 0.0  # a touching pair
    d[2, 4] = d[4, 2] = 0.0  # a domestic PA touching a transboundary one
    W, C, T, U = brute_force_fractions(a, d, kinds, 3.0)
    r = protconn_from_matrix(a, d, region_area=1000, dispersal_distance=3.0, kinds=kinds)
    total = W + C + T + U
    assert r.PCnum == pytest.approx(total)
    assert r.ProtConn_Within == pytest.approx(100 * W / total)
    assert r.ProtConn_Contig == pytest.approx(100 * C / total)
    assert r.ProtConn_Trans == pytest.approx(100 * T / total)
    assert r.ProtConn_Unprot == pytest.approx(100 * U / total)
    assert r.Prot == pytest.approx(100 * a[:4].sum() / 1000)


def test_geometry_chain_matches_matrix_level():
    pas = clean_protected_areas(random_pas(15, 7))
    region = region_box(0, 0, 50 * KM, 50 * KM)
    nodes = protected_area_nodes(pas, region)
    d = protected_area_distances(nodes)
    a = np.where(nodes["kind"] == "domestic", nodes["area_km2"], 0.0)
    m = protconn_from_matrix(
        a,
        d,
        region_area=2500,
        dispersal_distance=10,
        kinds=nodes["kind"],
        contiguity_tolerance=1e-3,
    )
    g = protconn(pas, region, dispersal_distance_km=10, clean=False)
    for key, value in m.to_dict().items():
        assert getattr(g, key) == pytest.approx(value, nan_ok=True), key


# ================================================================= property tests
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariants_random_regions(seed):
    pas = random_pas(25, seed)
    region = region_box(0, 0, 50 * KM, 50 * KM)
    table = protconn_standard(pas, region)
    assert table["distance_km"].tolist() == list(STANDARD_DISTANCES_KM)
    for _, r in table.iterrows():
        assert 0 <= r["ProtConn"] <= r["Prot"] + 1e-9
        assert r["ProtConn"] - 1e-9 <= r["ProtConn_Bound"] <= r["Prot"] + 1e-9
        assert r["ProtConn_Prot"] + r["ProtConn_Trans"] + r["ProtConn_Unprot"] == pytest.approx(
            100.0
        )
        assert r["ProtConn_Within"] + r["ProtConn_Contig"] == pytest.approx(r["ProtConn_Prot"])
        assert r["EC"] <= r["protected_area"] + 1e-9
        for col in ("ProtConn_Within", "ProtConn_Contig", "ProtConn_Trans", "ProtConn_Unprot"):
            assert 0 <= r[col] <= 100 + 1e-9
    # ProtConn grows with the dispersal distance; Prot does not change
    assert table["ProtConn"].is_monotonic_increasing
    assert table["Prot"].nunique() == 1


@pytest.mark.parametrize("seed", [3, 4])
def test_adding_a_pa_never_lowers_protconn(seed):
    pas = random_pas(12, seed)
    region = region_box(0, 0, 50 * KM, 50 * KM)
    previous = {1: 0.0, 10: 0.0}
    for k in range(1, len(pas) + 1):
        for dist in previous:
            value = protconn(pas.iloc[:k], region, dispersal_distance_km=dist).ProtConn
            assert value >= previous[dist] - 1e-9, (k, dist)
            previous[dist] = value


def test_overlap_rule_does_not_change_protconn():
    # ProtConn only depends on the union of protected land; the rule for who keeps an
    # overlap (or dissolving) only moves weight between Within and Contig.
    pas = random_pas(30, 11, max_size=6 * KM)
    region = region_box(0, 0, 50 * KM, 50 * KM)
    results = {}
    for rule in ("earliest", "order", "dissolve"):
        clean = clean_protected_areas(pas, overlaps=rule)
        results[rule] = protconn(clean, region, dispersal_distance_km=10, clean=False)
    for rule in ("order", "dissolve"):
        assert results[rule].ProtConn == pytest.approx(results["earliest"].ProtConn)
        assert results[rule].Prot == pytest.approx(results["earliest"].Prot)
        assert results[rule].ProtConn_Prot == pytest.approx(results["earliest"].ProtConn_Prot)
    assert results["dissolve"].ProtConn_Contig == 0.0
    assert results["earliest"].ProtConn_Contig > 0.0


def test_regression_overlap_pieces_stay_contiguous():
    # Bug pinned: after removing the overlap of two rotated rectangles, the newer PA's
    # remainder and the older PA are separated by float noise (2e-14 m), not exactly 0.
    # They must still count as contiguous (Contig), not as "connected through
    # unprotected land" (Unprot).
    older = affinity.rotate(box(0, 0, 1234, 1495), 73)
    newer = affinity.rotate(box(677, 1315, 3203, 3579), 17)
    pas = clean_protected_areas(frame([older, newer], STATUS_YR=[1980, 2000]))
    gap = pas.geometry.iloc[0].distance(pas.geometry.iloc[1])
    assert 0 < gap < 1e-9  # the float noise the tolerance absorbs
    region = region_box(-5 * KM, -5 * KM, 5 * KM, 5 * KM)
    r = protconn(pas, region, dispersal_distance_km=1, clean=False)
    assert r.ProtConn == pytest.approx(r.Prot)
    assert r.ProtConn_Unprot == 0.0
    assert r.ProtConn_Contig > 0
    # at the matrix level the same noise without a tolerance would be "Unprot"
    d = [[0, 2e-17], [2e-17, 0]]  # km
    noisy = protconn_from_matrix([1, 1], d, region_area=100, dispersal_distance=1)
    assert noisy.ProtConn_Contig == 0.0 and noisy.ProtConn_Unprot == pytest.approx(50.0)
    snapped = protconn_from_matrix(
        [1, 1], d, region_area=100, dispersal_distance=1, contiguity_tolerance=1e-3
    )
    assert snapped.ProtConn_Contig == pytest.approx(50.0)


def test_no_pa_in_region_gives_zero():
    pas = frame([box(50 * KM, 0, 51 * KM, KM)])  # far outside
    r = protconn(pas, region_box(), dispersal_distance_km=10)
    assert r.Prot == 0.0 and r.ProtConn == 0.0
    assert math.isnan(r.RelConn) and math.isnan(r.ProtConn_Within)


# ============================================================== cleaning and geometry
def test_clean_filters_status_designation_and_year():
    pas = frame(
        [box(i * 2 * KM, 0, i * 2 * KM + KM, KM) for i in range(5)],
        WDPAID=[1, 2, 3, 4, 5],
        STATUS=["Designated", "Proposed", "Designated", "Inscribed", "Designated"],
        DESIG_ENG=["National Park", "National Park", "UNESCO-MAB Biosphere Reserve", "x", "y"],
        STATUS_YR=[1990, 1990, 1990, 2010, 0],
    )
    assert clean_protected_areas(pas)["pa_id"].tolist() == [1, 4, 5]
    assert clean_protected_areas(pas, year=2000)["pa_id"].tolist() == [1, 5]
    assert clean_protected_areas(pas, year=2000, unknown_year="exclude")["pa_id"].tolist() == [1]
    everything = clean_protected_areas(pas, exclude_status=(), exclude_designations=())
    assert len(everything) == 5
    assert clean_protected_areas(pas, year=1900, unknown_year="exclude").empty


def test_clean_buffers_points_to_reported_area():
    pas = gpd.GeoDataFrame(
        {"REP_AREA": [3.0, 0.0], "WDPAID": [7, 8]},
        geometry=[Point(0, 0), Point(10 * KM, 0)],
        crs=CRS,
    )
    with pytest.warns(GPECWarning, match="Dropped 1 point record"):
        out = clean_protected_areas(pas)
    assert out["pa_id"].tolist() == [7]
    # circle of 3 km2 (polygon with 64 sides: 0.16 % less than the true circle)
    assert out["area_km2"].iloc[0] == pytest.approx(3.0, rel=2e-3)


def test_clean_repairs_invalid_polygon_with_warning():
    bowtie = Polygon([(0, 0), (KM, KM), (KM, 0), (0, KM)])  # self-intersecting
    pas = frame([bowtie, box(3 * KM, 0, 4 * KM, KM)])
    with pytest.warns(InvalidGeometryWarning, match="1 invalid geometries.*make_valid"):
        out = clean_protected_areas(pas)
    assert out.geometry.is_valid.all()
    assert out["area_km2"].iloc[0] == pytest.approx(0.5)  # two triangles of 0.25 km2


def test_clean_overlaps_earliest_keeps_overlap_and_drops_duplicates():
    pas = frame(
        [box(0, 0, 2 * KM, 2 * KM), box(KM, 0, 3 * KM, 2 * KM), box(0, 0, 2 * KM, 2 * KM)],
        STATUS_YR=[2010, 1990, 2015],
        WDPAID=[1, 2, 3],
    )
    out = clean_protected_areas(pas)
    # PA 2 (1990) keeps its 4 km2; PA 1 (2010) keeps the 2 km2 west of it; PA 3 is a
    # later duplicate of PA 1 and nothing is left of it
    assert dict(zip(out["pa_id"], out["area_km2"].round(6), strict=True)) == {1: 2.0, 2: 4.0}
    assert out.geometry.union_all().area == pytest.approx(6 * KM * KM)
    dissolved = clean_protected_areas(pas, overlaps="dissolve")
    assert len(dissolved) == 1 and dissolved["area_km2"].iloc[0] == pytest.approx(6.0)
    assert dissolved["STATUS_YR"].iloc[0] == 1990
    assert sorted(dissolved["members"].iloc[0]) == [1, 2, 3]


def test_nodes_clip_and_select_transboundary_within_buffer():
    region = region_box()
    pas = frame(
        [
            box(1 * KM, 1 * KM, 2 * KM, 2 * KM),  # inside
            box(9 * KM, 4 * KM, 11 * KM, 5 * KM),  # across the border: 1 km2 in, 1 km2 out
            box(20 * KM, 0, 21 * KM, KM),  # 10 km outside
            box(60 * KM, 0, 61 * KM, KM),  # 50 km outside
        ],
        pa_id=["in", "across", "near", "far"],
    )
    nodes = protected_area_nodes(pas, region, transboundary_buffer_km=20)
    table = nodes[["pa_id", "kind"]].to_numpy().tolist()
    assert table == [
        ["in", "domestic"],
        ["across", "domestic"],
        ["across", "transboundary"],
        ["near", "transboundary"],
        [None, "land"],
    ]
    assert nodes["area_km2"].tolist() == pytest.approx([1, 1, 1, 1, 100])
    wide = protected_area_nodes(pas, region, transboundary_buffer_km=100, land=False)
    assert (wide["kind"] == "transboundary").sum() == 3
    assert (
        not protected_area_nodes(pas, region, transboundary=False)["kind"]
        .eq("transboundary")
        .any()
    )
    inside = areas_inside_region(pas, region)
    assert inside["inside_km2"].tolist() == pytest.approx([1, 1, 0, 0])
    assert inside["outside_km2"].tolist() == pytest.approx([0, 1, 1, 1])
    assert inside["share_inside"].tolist() == pytest.approx([1, 0.5, 0, 0])


def test_pa_crossing_the_border_counts_only_inside_part():
    # A 2 km2 PA half outside: Prot counts 1 km2; the outer half is a stepping stone
    # that touches the inner half.
    pas = frame([box(9 * KM, 4 * KM, 11 * KM, 5 * KM)])
    r = protconn(pas, region_box(), dispersal_distance_km=10)
    assert r.Prot == pytest.approx(1.0)
    assert r.ProtConn == pytest.approx(1.0)
    assert r.n_transboundary == 1


def test_distances_edge_to_edge_and_max_distance():
    nodes = gpd.GeoSeries(
        [box(0, 0, KM, KM), box(KM, 0, 2 * KM, KM), box(5 * KM, 4 * KM, 6 * KM, 5 * KM)], crs=CRS
    )
    d = protected_area_distances(nodes)
    # 0 and 1 touch; 1 to 2: dx = 3 km, dy = 3 km -> sqrt(18) = 4.243 km
    assert d[0, 1] == 0.0
    assert d[1, 2] == pytest.approx(math.sqrt(18))
    assert d[0, 2] == pytest.approx(5.0)  # dx 4, dy 3
    near = protected_area_distances(nodes, max_distance_km=4.5)
    assert near[1, 2] == pytest.approx(math.sqrt(18)) and np.isinf(near[0, 2])


def test_feet_crs_areas_in_km2():
    # EPSG:2227 (California zone 3, US survey feet): 1 km2 = 10.7639e6 ft2
    ft = 1 / 0.3048006096012192
    pas = gpd.GeoDataFrame(geometry=[box(0, 0, 1000 * ft, 1000 * ft)], crs="EPSG:2227")
    region = gpd.GeoSeries([box(-5000 * ft, -5000 * ft, 5000 * ft, 5000 * ft)], crs="EPSG:2227")
    r = protconn(pas, region, dispersal_distance_km=1)
    assert r.region_area == pytest.approx(100.0)
    assert r.Prot == pytest.approx(1.0)


# ======================================================== epochs and regions (tidy)
def test_by_region_tidy_years_and_transboundary_between_regions():
    regions = gpd.GeoDataFrame(
        {"country": ["XAA", "XBB"]},
        geometry=[box(0, 0, 10 * KM, 10 * KM), box(10 * KM, 0, 20 * KM, 10 * KM)],
        crs=CRS,
    )
    pas = frame(
        [
            box(8 * KM, 1 * KM, 10 * KM, 3 * KM),  # XAA, at the border, 1990
            box(10 * KM, 1 * KM, 12 * KM, 3 * KM),  # XBB, touching it, 2005
            box(1 * KM, 8 * KM, 2 * KM, 9 * KM),  # XAA, 2015
        ],
        STATUS_YR=[1990, 2005, 2015],
    )
    t = protconn_by_region(pas, regions, region_column="country", year=[2000, 2020])
    assert list(t.columns[:3]) == ["region", "year", "distance_km"]
    assert len(t) == 2 * 2 * 3
    xaa = t[(t["region"] == "XAA") & (t["distance_km"] == 10)].set_index("year")
    assert xaa.loc[2000, "Prot"] == pytest.approx(4.0)
    assert xaa.loc[2020, "Prot"] == pytest.approx(5.0)
    xbb = t[(t["region"] == "XBB") & (t["distance_km"] == 10)].set_index("year")
    assert xbb.loc[2000, "Prot"] == 0.0 and xbb.loc[2000, "ProtConn"] == 0.0
    assert xbb.loc[2020, "n_transboundary"] == 2  # both XAA PAs are within 100 km
    # per epoch ProtConn never falls when PAs are only added
    for _, g in t.groupby(["region", "distance_km"]):
        assert g.sort_values("year")["ProtConn"].is_monotonic_increasing
    single = protconn_standard(pas, regions.iloc[[0]], year=2020)
    expected = t[(t["region"] == "XAA") & (t["year"] == 2020)]
    assert single["ProtConn"].to_numpy() == pytest.approx(expected["ProtConn"].to_numpy())


def test_year_option_in_protconn():
    pas = frame(
        [box(1 * KM, 1 * KM, 2 * KM, 2 * KM), box(4 * KM, 1 * KM, 5 * KM, 2 * KM)],
        STATUS_YR=[1990, 2010],
    )
    assert protconn(pas, region_box(), year=2000).Prot == pytest.approx(1.0)
    assert protconn(pas, region_box(), year=2020).Prot == pytest.approx(2.0)
    assert protconn(pas, region_box(), year=1950).ProtConn == 0.0


# ============================================================================ bad input
def test_error_crs_differ():
    pas = frame([box(0, 0, KM, KM)])
    region = gpd.GeoSeries([box(0, 0, 10 * KM, 10 * KM)], crs="EPSG:32633")
    with pytest.raises(ValueError, match=r"different CRSs \(protected_areas: EPSG:3035, region"):
        protconn(pas, region)
    regions = gpd.GeoDataFrame(geometry=[box(0, 0, 10 * KM, 10 * KM)], crs="EPSG:32633")
    with pytest.raises(ValueError, match="different CRSs"):
        protconn_by_region(pas, regions)


def test_error_geographic_crs():
    pas = gpd.GeoDataFrame(geometry=[box(0, 0, 0.1, 0.1)], crs="EPSG:4326")
    region = gpd.GeoSeries([box(-1, -1, 1, 1)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="geographic CRS.*Reproject it first"):
        protconn(pas, region)
    with pytest.raises(ValueError, match="geographic CRS"):
        clean_protected_areas(pas)


def test_error_missing_crs_and_wrong_type():
    pas = gpd.GeoDataFrame(geometry=[box(0, 0, KM, KM)])
    with pytest.raises(ValueError, match="protected_areas has no CRS"):
        clean_protected_areas(pas)
    with pytest.raises(
        TypeError, match="region must be a geopandas GeoDataFrame \\(or GeoSeries\\)"
    ):
        protconn(frame([box(0, 0, KM, KM)]), box(0, 0, 10 * KM, 10 * KM))


def test_error_empty_pa_set():
    empty = frame([])
    with pytest.raises(ValueError, match="protected_areas is empty"):
        protconn(empty, region_box())
    with pytest.raises(ValueError, match="protected_areas is empty"):
        clean_protected_areas(empty)
    with pytest.raises(ValueError, match="regions is empty"):
        protconn_by_region(frame([box(0, 0, KM, KM)]), gpd.GeoDataFrame(geometry=[], crs=CRS))


def test_invalid_geometry_warns_in_protconn():
    bowtie = Polygon([(0, 0), (KM, KM), (KM, 0), (0, KM)])
    with pytest.warns(InvalidGeometryWarning, match="invalid geometries"):
        r = protconn(frame([bowtie]), region_box(-KM, -KM, 9 * KM, 9 * KM))
    assert r.Prot == pytest.approx(0.5)
    bad_region = gpd.GeoSeries(
        [Polygon([(0, 0), (10 * KM, 10 * KM), (10 * KM, 0), (0, 10 * KM)])], crs=CRS
    )
    with pytest.warns(InvalidGeometryWarning, match="region has 1 invalid"):
        protconn(frame([box(KM, 4 * KM, 2 * KM, 5 * KM)]), bad_region)


@pytest.mark.parametrize("value", [0, -5, float("nan"), float("inf")])
def test_error_non_positive_dispersal_distance(value):
    pas = frame([box(0, 0, KM, KM)])
    with pytest.raises(ValueError, match=r"distance_km must be a positive number\. Got"):
        protconn(pas, region_box(), dispersal_distance_km=value)
    with pytest.raises(ValueError, match="distances_km must be a positive number"):
        protconn_standard(pas, region_box(), dispersal_distances_km=[1, value])
    with pytest.raises(ValueError, match="distance must be a positive number"):
        protconn_from_matrix([1], [[0]], region_area=10, dispersal_distance=value)


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.2])
def test_error_probability_outside_0_1(value):
    pas = frame([box(0, 0, KM, KM)])
    with pytest.raises(ValueError, match=r"probability must be strictly between 0 and 1\. Got"):
        protconn(pas, region_box(), probability=value)
    with pytest.raises(ValueError, match="probability must be strictly between 0 and 1"):
        protconn_by_region(
            pas, gpd.GeoDataFrame(geometry=region_box(), crs=CRS), probability=value
        )


def test_error_unknown_options():
    pas = frame([box(0, 0, KM, KM)])
    with pytest.raises(
        ValueError, match="fraction_units must be one of 'protconn', 'region', 'nested'"
    ):
        protconn(pas, region_box(), fraction_units="land")
    with pytest.raises(
        ValueError, match="overlaps must be one of 'earliest', 'order', 'dissolve'"
    ):
        clean_protected_areas(pas, overlaps="first")
    with pytest.raises(ValueError, match=r"kinds\[1\] must be one of 'domestic'"):
        protconn_from_matrix(
            [1, 1],
            [[0, 1], [1, 0]],
            region_area=10,
            dispersal_distance=1,
            kinds=["domestic", "foreign"],
        )


def test_error_year_without_column_and_bad_year():
    pas = frame([box(0, 0, KM, KM)])
    with pytest.raises(ValueError, match="year=2000 needs a designation-year column.*'STATUS_YR'"):
        protconn(pas, region_box(), year=2000)
    with pytest.raises(TypeError, match="year must be an integer year"):
        clean_protected_areas(frame([box(0, 0, KM, KM)], STATUS_YR=[1990]), year="2000")
    with pytest.raises(ValueError, match="year filtering is part of cleaning"):
        protconn(pas, region_box(), year=2000, clean=False)


def test_error_lines_and_points():
    lines = frame([LineString([(0, 0), (KM, KM)])])
    with pytest.raises(ValueError, match="must hold polygons or points. Got a LineString"):
        clean_protected_areas(lines)
    pts = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=CRS)
    with pytest.raises(ValueError, match="1 point records. Use points='buffer'"):
        clean_protected_areas(pts, points="error")
    with pytest.raises(ValueError, match="needs the reported area column 'REP_AREA'"):
        clean_protected_areas(pts)


def test_error_overlapping_nodes_and_matrix_checks():
    pas = frame([box(0, 0, 2 * KM, 2 * KM), box(KM, 0, 3 * KM, 2 * KM)], pa_id=["a", "b"])
    with pytest.raises(
        ValueError, match="protected_areas overlap.*'a' and 'b'.*clean_protected_areas"
    ):
        protected_area_nodes(pas, region_box())
    with pytest.raises(ValueError, match="larger than region_area"):
        protconn_from_matrix([60, 50], [[0, 1], [1, 0]], region_area=100, dispersal_distance=1)
    with pytest.raises(
        ValueError,
        match=r"areas must be positive for domestic protected areas\. Got areas\[1\]=0.0",
    ):
        protconn_from_matrix([1, 0], [[0, 1], [1, 0]], region_area=100, dispersal_distance=1)
    with pytest.raises(ValueError, match="distances must be symmetric"):
        protconn_from_matrix([1, 1], [[0, 1], [2, 0]], region_area=100, dispersal_distance=1)
    with pytest.raises(ValueError, match=r"square matrix with one row per node \(2 x 2\)"):
        protconn_from_matrix([1, 1], [[0, 1, 2]], region_area=100, dispersal_distance=1)
    with pytest.raises(
        ValueError, match="region_area must be a positive number. Got region_area=0"
    ):
        protconn_from_matrix([1], [[0]], region_area=0, dispersal_distance=1)


def test_no_warning_on_clean_input():
    pas = random_pas(10, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        protconn(pas, region_box(0, 0, 50 * KM, 50 * KM))
    assert isinstance(protconn_standard(pas, region_box(0, 0, 50 * KM, 50 * KM)), pd.DataFrame)


# ========================================= Makurhini's fractions and centroid distances
def test_makurhini_fractions_hand_worked_contiguous():
    # A = 4 and B = 1 touch (d = 0); C = 1 is 2 km from B and 3 km from A; D = 1 km.
    # p: AB = 1, BC = 0.25, AC = 0.125 but p*_AC = 1 * 0.25 through B.
    # PCnum = 16 + 1 + 1 + 2 (4 * 1 + 4 * 0.25 + 1 * 0.25) = 28.5.
    # Exact: Within 18, Contig 8 (pair AB), Unprot 2.5.
    # Makurhini: blocks {A, B} = 5 and {C} = 1: Prot = sqrt(26 / 28.5),
    # Within = sqrt(18 / 28.5), Contig = Prot - Within, Unprot = 100 - Prot.
    d = [[0, 0, 3], [0, 0, 2], [3, 2, 0]]
    kw = dict(region_area=100, dispersal_distance=1)
    exact = protconn_from_matrix([4, 1, 1], d, **kw)
    mk = protconn_from_matrix([4, 1, 1], d, fractions="makurhini", **kw)
    assert exact.PCnum == pytest.approx(28.5) and mk.PCnum == pytest.approx(28.5)
    assert mk.ProtConn == pytest.approx(exact.ProtConn) == pytest.approx(np.sqrt(28.5))
    assert exact.ProtConn_Prot == pytest.approx(100 * 26 / 28.5)
    assert exact.ProtConn_Within == pytest.approx(100 * 18 / 28.5)
    assert exact.ProtConn_Unprot == pytest.approx(100 * 2.5 / 28.5)
    assert mk.ProtConn_Prot == pytest.approx(100 * np.sqrt(26 / 28.5))  # 95.51
    assert mk.ProtConn_Within == pytest.approx(100 * np.sqrt(18 / 28.5))  # 79.47
    assert mk.ProtConn_Contig == pytest.approx(100 * (np.sqrt(26 / 28.5) - np.sqrt(18 / 28.5)))
    assert mk.ProtConn_Trans == 0.0
    assert mk.ProtConn_Unprot == pytest.approx(100 - 100 * np.sqrt(26 / 28.5))  # 4.49
    # the square-root ratios are larger than the exact shares (Prot, Within) ...
    assert mk.ProtConn_Prot > exact.ProtConn_Prot
    assert mk.ProtConn_Within > exact.ProtConn_Within
    # ... and nested gives Makurhini's current pair literally: Contig = 100 - Within
    nested = protconn_from_matrix(
        [4, 1, 1], d, fractions="makurhini", fraction_units="nested", **kw
    )
    assert nested.ProtConn_Within == pytest.approx(100 * np.sqrt(18 / 28.5))
    assert nested.ProtConn_Contig == pytest.approx(100 - 100 * np.sqrt(18 / 28.5))
    region = protconn_from_matrix(
        [4, 1, 1], d, fractions="makurhini", fraction_units="region", **kw
    )
    for key in ("Prot", "Within", "Contig", "Trans", "Unprot"):
        assert getattr(region, f"ProtConn_{key}") == pytest.approx(
            getattr(mk, f"ProtConn_{key}") * mk.ProtConn / 100
        )


def test_makurhini_fractions_hand_worked_transboundary():
    # Domestic X = Y = 1 km2, 4 km apart; a transboundary PA T 1 km from each; D = 1 km.
    # p*_XY = 0.5 * 0.5 = 0.25 through T (direct 0.5**4 = 0.0625).
    # PCnum = 1 + 1 + 2 * 0.25 = 2.5; without T: 1 + 1 + 2 * 0.0625 = 2.125.
    # Exact: Within 2 / 2.5 = 80 %, Trans 0.5 / 2.5 = 20 %, Unprot 0.
    # Makurhini: Prot = Within = sqrt(2 / 2.5) = 89.44 %,
    # Trans = (sqrt(2.5) - sqrt(2.125)) / sqrt(2.5) = 7.80 %, Unprot = the rest = 2.76 %.
    d = [[0, 4, 1], [4, 0, 1], [1, 1, 0]]
    kinds = ["domestic", "domestic", "transboundary"]
    kw = dict(region_area=50, dispersal_distance=1, kinds=kinds)
    exact = protconn_from_matrix([1, 1, 5], d, **kw)
    mk = protconn_from_matrix([1, 1, 5], d, fractions="makurhini", **kw)
    assert exact.PCnum == pytest.approx(2.5)
    assert exact.ProtConn_Within == pytest.approx(80.0)
    assert exact.ProtConn_Trans == pytest.approx(20.0)
    assert exact.ProtConn_Unprot == pytest.approx(0.0, abs=1e-12)
    prot = 100 * np.sqrt(2 / 2.5)
    trans = 100 * (np.sqrt(2.5) - np.sqrt(2.125)) / np.sqrt(2.5)
    assert mk.ProtConn_Prot == pytest.approx(prot)
    assert mk.ProtConn_Within == pytest.approx(prot)
    assert mk.ProtConn_Contig == pytest.approx(0.0, abs=1e-12)
    assert mk.ProtConn_Trans == pytest.approx(trans)
    assert mk.ProtConn_Unprot == pytest.approx(100 - prot - trans)
    assert mk.ProtConn_Prot + mk.ProtConn_Trans + mk.ProtConn_Unprot == pytest.approx(100)


def test_makurhini_fractions_stay_in_range_on_random_landscapes():
    for seed in range(5):
        pas = random_pas(25, seed)
        region = region_box(0, 0, 40 * KM, 40 * KM)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GPECWarning)
            r = protconn(pas, region, dispersal_distance_km=3, fractions="makurhini")
            e = protconn(pas, region, dispersal_distance_km=3)
        assert r.ProtConn == pytest.approx(e.ProtConn)
        for key in ("Prot", "Within", "Contig", "Trans", "Unprot"):
            assert 0.0 <= getattr(r, f"ProtConn_{key}") <= 100.0 + 1e-9
        assert r.ProtConn_Within <= r.ProtConn_Prot + 1e-9
        # square roots of shares: Makurhini's Prot is the square root of the exact share
        assert r.ProtConn_Prot == pytest.approx(100 * np.sqrt(e.ProtConn_Prot / 100))
        assert r.ProtConn_Within == pytest.approx(100 * np.sqrt(e.ProtConn_Within / 100))


def test_protconn_centroid_distances_hand_worked():
    # Two 1 km2 PAs with edges 1 km apart, centres 2 km apart, D = 1 km:
    # edge: EC = sqrt(1 + 1 + 2 * 0.5) = sqrt(3); centroid: sqrt(1 + 1 + 2 * 0.25) = sqrt(2.5)
    pas = frame([box(1 * KM, 1 * KM, 2 * KM, 2 * KM), box(3 * KM, 1 * KM, 4 * KM, 2 * KM)])
    edge = protconn(pas, region_box(), dispersal_distance_km=1)
    cen = protconn(pas, region_box(), dispersal_distance_km=1, distance_method="centroid")
    inside = protconn(
        pas, region_box(), dispersal_distance_km=1, distance_method="inside_centroid"
    )
    assert edge.EC == pytest.approx(np.sqrt(3.0))
    assert cen.EC == pytest.approx(np.sqrt(2.5))
    assert inside.EC == pytest.approx(np.sqrt(2.5))  # squares: centroid inside
    # one land part: every PA is fully connected through land, Bound = ProtConn
    # (land nodes keep edge distances, 0 to the PAs on them, as in Makurhini)
    assert cen.ProtConn_Bound == pytest.approx(cen.ProtConn)
    table = protconn_standard(
        pas, region_box(), dispersal_distances_km=[1], distance_method="centroid"
    )
    assert table.loc[0, "EC"] == pytest.approx(np.sqrt(2.5))


def test_protconn_centroid_distances_keep_contiguity_from_polygons():
    # Two touching 1 km2 PAs, centres 1 km apart, D = 1 km: p = 0.5 with centroid
    # distances (not 1), PCnum = 1 + 1 + 2 * 0.5 = 3; the pair still moves through
    # protected land only, so it is Contig: Within 2 / 3, Contig 1 / 3.
    pas = frame([box(1 * KM, 1 * KM, 2 * KM, 2 * KM), box(2 * KM, 1 * KM, 3 * KM, 2 * KM)])
    r = protconn(pas, region_box(), dispersal_distance_km=1, distance_method="centroid")
    assert r.PCnum == pytest.approx(3.0)
    assert r.ProtConn_Within == pytest.approx(200 / 3)
    assert r.ProtConn_Contig == pytest.approx(100 / 3)
    mk = protconn(
        pas,
        region_box(),
        dispersal_distance_km=1,
        distance_method="centroid",
        fractions="makurhini",
    )
    # one block of 2 km2: sqrt(4) / sqrt(3) > 1, capped at 100 % (Makurhini dissolves
    # touching PAs into one node first, so its EC is 2 and Prot is 100 %)
    assert mk.ProtConn_Prot == 100.0
    assert mk.ProtConn_Unprot == 0.0


def test_protected_area_distances_centroid_conventions():
    # L-shaped PA (centroid (1.1, 1.1) km outside; interior point (0.5, 2.0) km)
    # and a 1 km square centred at (5.5, 0.5) km
    ell = Polygon([(0, 0), (3 * KM, 0), (3 * KM, KM), (KM, KM), (KM, 3 * KM), (0, 3 * KM)])
    nodes = frame([ell, box(5 * KM, 0, 6 * KM, KM)])
    plain = protected_area_distances(nodes, distance_method="centroid")
    inside = protected_area_distances(nodes, distance_method="inside_centroid")
    assert plain[0, 1] == pytest.approx(np.hypot(4.4, 0.6))
    assert inside[0, 1] == pytest.approx(np.hypot(5.0, 1.5))
    assert protected_area_distances(nodes)[0, 1] == pytest.approx(2.0)
    far = protected_area_distances(nodes, distance_method="centroid", max_distance_km=4)
    assert np.isinf(far[0, 1])


def test_error_unknown_fractions_and_distance_method():
    pas = frame([box(0, 0, KM, KM)])
    with pytest.raises(ValueError, match="fractions must be one of 'exact', 'makurhini'"):
        protconn(pas, region_box(), fractions="sqrt")
    with pytest.raises(ValueError, match="fractions must be one of 'exact', 'makurhini'"):
        protconn_from_matrix([1], [[0]], region_area=10, dispersal_distance=1, fractions="jrc")
    with pytest.raises(
        ValueError, match="distance_method must be one of 'edge', 'centroid', 'inside_centroid'"
    ):
        protconn(pas, region_box(), distance_method="least_cost")
    with pytest.raises(ValueError, match="distance_method must be one of"):
        protconn_standard(pas, region_box(), distance_method="centre")
    with pytest.raises(ValueError, match="distance_method must be one of"):
        protconn_by_region(
            pas, gpd.GeoDataFrame(geometry=region_box(), crs=CRS), distance_method="x"
        )
    with pytest.raises(ValueError, match="method must be one of 'edge', 'centroid'"):
        protected_area_distances(pas, distance_method="middle")


def test_clean_protected_areas_ids_missing_column_raises_and_default_keys():
    # issue 15: a named id column must exist; by default WDPAID, else the index
    pas = frame([box(0, 0, KM, KM), box(2 * KM, 0, 3 * KM, KM)], NAME=["a", "b"]).set_axis([8, 3])
    with pytest.raises(
        ValueError,
        match=r"id_column must be a column of protected_areas. Got id_column='WDPA_PID'.*NAME",
    ):
        clean_protected_areas(pas, id_column="WDPA_PID")
    assert clean_protected_areas(pas)["pa_id"].tolist() == [8, 3]
    assert clean_protected_areas(pas, id_column="NAME")["pa_id"].tolist() == ["a", "b"]
    with_wdpa = pas.assign(WDPAID=[555, 777])
    assert clean_protected_areas(with_wdpa)["pa_id"].tolist() == [555, 777]
