"""Validation against Makurhini (R) on its 404 habitat patches of the Trans-Mexican Volcanic Belt.

Reads ``makurhini_pc/habitat_nodes_404.csv`` in place from the reference folder (see
``tests/conftest.py``); the published values are those listed in
``../shared/reference/README.md`` (Makurhini 3.0, vignette ``PC_IIC``, object
``PC_example_3``): centroid distances, p_ij = exp(d_ij ln(0.5) / 10 000 m), areas in ha,
landscape area 2 761 373.5 ha. Tolerances follow the published precision (7 significant
digits for PCnum/EC/PC, 7 decimals for dPC in %).

The last tests rebuild the graph from the real polygons (``../shared/realdata/habitat_nodes.gpkg``)
and check which centroid convention reproduces the published values: Makurhini 3.0 uses
a point on the surface for patches whose centroid falls outside them
(``distance_method="inside_centroid"``); the plain centroid does not reproduce these values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gpec_teach.graph import (
    patch_graph_from_matrix,
    patch_importance,
    probability_of_connectivity,
)

pytestmark = pytest.mark.reference

LANDSCAPE_AREA_HA = 2_761_373.5
MEDIAN_DISPERSAL_M = 10_000.0

# Patch id: (dPC, dPCintra, dPCflux) in %, as published (dPCconnector = 0 for all ten).
PUBLISHED_DPC = {
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


@pytest.fixture(scope="module")
def nodes(reference_dir):
    path = reference_dir / "makurhini_pc" / "habitat_nodes_404.csv"
    if not path.is_file():
        pytest.skip(f"Makurhini reference table not found at {path}")
    return pd.read_csv(path)


def _centroid_graph(nodes, *, as_matrix: bool):
    """The Makurhini graph, built two ways.

    ``as_matrix=False`` builds it from the points with ``distance_method="centroid"`` (the
    metric shortcut: p* = p without a path search); ``as_matrix=True`` passes the same
    distances as a plain matrix, so the full all-pairs search and the stepping-stone
    detection run. Both must give the published numbers.
    """
    import geopandas as gpd

    from gpec_teach.graph import patch_graph_from_polygons

    xy = nodes[["x_m", "y_m"]].to_numpy()
    if as_matrix:
        d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        return patch_graph_from_matrix(
            d,
            attributes=nodes["area_ha"].to_numpy(),
            ids=nodes["Id"].to_numpy(),
            attribute_name="area_ha",
            landscape_area=LANDSCAPE_AREA_HA,
        )
    # Tiny squares around the reference points: their centroids are the points; the
    # attribute is the published area (column), not the square's area.
    side = 1.0
    squares = gpd.GeoSeries.from_xy(xy[:, 0], xy[:, 1]).buffer(side / 2, cap_style="square")
    frame = gpd.GeoDataFrame(
        {"Id": nodes["Id"], "area_ha": nodes["area_ha"]}, geometry=squares, crs="ESRI:102008"
    )
    return patch_graph_from_polygons(
        frame,
        distance_method="centroid",
        attribute="area_ha",
        id_column="Id",
        landscape_area=LANDSCAPE_AREA_HA,
    )


@pytest.mark.parametrize("as_matrix", [False, True], ids=["centroid-shortcut", "matrix"])
def test_pc_ec_match_makurhini(nodes, as_matrix):
    graph = _centroid_graph(nodes, as_matrix=as_matrix)
    out = probability_of_connectivity(graph, dispersal_distance=MEDIAN_DISPERSAL_M)
    assert out.PCnum == pytest.approx(2.136028e11, rel=5e-7)
    assert out.EC == pytest.approx(4.621718e5, rel=5e-7)
    assert out.PC == pytest.approx(2.801281e-2, rel=5e-7)


@pytest.mark.parametrize("as_matrix", [False, True], ids=["centroid-shortcut", "matrix"])
def test_dpc_fractions_match_makurhini_for_patches_1_to_10(nodes, as_matrix):
    graph = _centroid_graph(nodes, as_matrix=as_matrix)
    df = patch_importance(graph, dispersal_distance=MEDIAN_DISPERSAL_M).table
    for pid, (dpc, intra, flux) in PUBLISHED_DPC.items():
        row = df.loc[pid]
        assert row["dPC"] == pytest.approx(dpc, abs=6e-8), pid
        assert row["dPCintra"] == pytest.approx(intra, abs=6e-8), pid
        assert row["dPCflux"] == pytest.approx(flux, abs=6e-8), pid
        assert row["dPCconnector"] == 0.0, pid
    # centroid distances: no stepping stone anywhere, so no connector at all
    assert (df["dPCconnector"] == 0.0).all()
    np.testing.assert_allclose(
        df["dPC"], df["dPCintra"] + df["dPCflux"] + df["dPCconnector"], rtol=1e-12
    )


@pytest.mark.parametrize("as_matrix", [False, True], ids=["centroid-links", "matrix"])
def test_makurhini_default_truncation_of_small_probabilities(nodes, as_matrix):
    # Makurhini's current default drops links with p_ij < 0.01; pairs can still connect
    # through other patches, which gives PCnum = 2.135845e11 (README of the reference).
    graph = _centroid_graph(nodes, as_matrix=as_matrix)
    out = probability_of_connectivity(
        graph, dispersal_distance=MEDIAN_DISPERSAL_M, min_probability=0.01
    )
    assert out.PCnum == pytest.approx(2.135845e11, rel=5e-7)
    exact = probability_of_connectivity(graph, dispersal_distance=MEDIAN_DISPERSAL_M)
    assert out.PCnum < exact.PCnum


def test_truncation_variant_dpc_fractions_add_up(nodes):
    # With truncated links the centroid shortcut no longer holds (dropped pairs connect
    # through stepping stones), so connectors may appear; the fractions still add up and
    # the large patches keep their rank.
    graph = _centroid_graph(nodes, as_matrix=True)
    result = patch_importance(graph, dispersal_distance=MEDIAN_DISPERSAL_M, min_probability=0.01)
    df = result.table
    assert result.summary.PCnum == pytest.approx(2.135845e11, rel=5e-7)
    np.testing.assert_allclose(
        df["dPC"], df["dPCintra"] + df["dPCflux"] + df["dPCconnector"], rtol=1e-12
    )
    assert (df[["dPCintra", "dPCflux", "dPCconnector"]] >= 0).all().all()
    exact = patch_importance(graph, dispersal_distance=MEDIAN_DISPERSAL_M)
    # intra depends on PCnum only: it moves by the ratio of the two PCnum
    np.testing.assert_allclose(
        df["dPCintra"] * result.summary.PCnum,
        exact.table["dPCintra"] * exact.summary.PCnum,
        rtol=1e-9,
    )
    # truncation changes dPC of patches 1-10 by less than the published precision allows
    # for a rounding to 4 significant digits of the large ones
    assert df.loc[10, "dPC"] == pytest.approx(PUBLISHED_DPC[10][0], rel=5e-3)


# ------------------------------------------------------------ real polygons, two conventions
@pytest.fixture(scope="module")
def habitat_polygons(realdata_dir, nodes):
    import geopandas as gpd

    path = realdata_dir / "habitat_nodes.gpkg"
    if not path.is_file():
        pytest.skip(f"habitat_nodes.gpkg not found at {path}")
    frame = gpd.read_file(path)
    # the published attribute (area in ha) beside the polygons, matched on Id
    return frame.merge(nodes[["Id", "area_ha"]], on="Id", how="left", validate="1:1")


def _polygon_graph(frame, distance, attribute="area_ha"):
    from gpec_teach._validation import InvalidGeometryWarning
    from gpec_teach.graph import patch_graph_from_polygons

    with pytest.warns(InvalidGeometryWarning, match="1 invalid geometries"):
        return patch_graph_from_polygons(
            frame,
            distance_method=distance,
            attribute=attribute,
            id_column="Id",
            landscape_area=LANDSCAPE_AREA_HA,
        )


def test_inside_centroid_of_real_polygons_reproduces_makurhini(habitat_polygons, nodes):
    graph = _polygon_graph(habitat_polygons, "inside_centroid")
    # the points are the published ones (to the 4 decimals of the table)
    xy = nodes.set_index("Id").loc[graph.ids, ["x_m", "y_m"]].to_numpy()
    np.testing.assert_allclose(graph.points, xy, atol=1e-4)
    out = probability_of_connectivity(graph, dispersal_distance=MEDIAN_DISPERSAL_M)
    assert out.PCnum == pytest.approx(2.136028e11, rel=5e-7)
    assert out.EC == pytest.approx(4.621718e5, rel=5e-7)
    assert out.PC == pytest.approx(2.801281e-2, rel=5e-7)
    df = patch_importance(graph, dispersal_distance=MEDIAN_DISPERSAL_M).table
    for pid, (dpc, intra, flux) in PUBLISHED_DPC.items():
        assert df.loc[pid, "dPC"] == pytest.approx(dpc, abs=6e-8), pid
        assert df.loc[pid, "dPCintra"] == pytest.approx(intra, abs=6e-8), pid
        assert df.loc[pid, "dPCflux"] == pytest.approx(flux, abs=6e-8), pid
    # with the polygon areas instead of the published column (they differ by < 3e-6)
    areas = _polygon_graph(habitat_polygons, "inside_centroid", attribute="area")
    got = probability_of_connectivity(areas, dispersal_distance=MEDIAN_DISPERSAL_M)
    assert got.PCnum == pytest.approx(2.136028e11, rel=1e-5)


def test_plain_centroid_of_real_polygons_differs_from_makurhini_3(habitat_polygons):
    plain = _polygon_graph(habitat_polygons, "centroid")
    inside = _polygon_graph(habitat_polygons, "inside_centroid")
    moved = np.hypot(*(plain.points - inside.points).T)
    # 52 of the 404 patches have their centroid outside; both conventions agree elsewhere
    assert int((moved > 0).sum()) == 52
    out = probability_of_connectivity(plain, dispersal_distance=MEDIAN_DISPERSAL_M)
    # about 1 % lower PCnum: further than the 7 published digits allow
    assert out.PCnum == pytest.approx(2.114559e11, rel=1e-5)
    assert abs(out.PCnum / 2.136028e11 - 1) > 5e-3
