"""Tests for gpec_teach.fragmentation: patches and FRAGSTATS-style metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import ndimage

from gpec_teach.fragmentation import (
    class_metrics,
    compare_epochs,
    label_patches,
    landscape_metrics,
    mesh_from_areas,
    patch_table,
)

# ----------------------------------------------------------------------------- fixtures
# The hand-worked grid, cellsize 100 m (1 ha cells), landscape area A = 12 ha:
#
#   1 1 2 2        class 1: patch P1 = {(0,0), (0,1), (1,0)} (3 ha) and P3 = {(2,3)} (1 ha)
#   1 2 2 2        class 2: patch P2 = the other 8 cells (8 ha), one patch
#   2 2 2 1        scan order of first cells: P1 (0,0), P2 (0,2), P3 (2,3)
GRID = np.array([[1, 1, 2, 2], [1, 2, 2, 2], [2, 2, 2, 1]])
CELL = 100.0


def smooth_classes(shape, n_classes, seed):
    """Seeded, spatially autocorrelated classes (smoothed noise cut at quantiles)."""
    rng = np.random.default_rng(seed)
    field = ndimage.gaussian_filter(rng.random(shape), 2.0)
    cuts = np.quantile(field, np.linspace(0, 1, n_classes + 1)[1:-1])
    return np.digitize(field, cuts).astype(np.int16) + 1


# ----------------------------------------------------------------------------- label_patches
def test_label_patches_hand_worked():
    labels, n = label_patches(GRID)
    assert n == 3
    expected = np.array([[1, 1, 2, 2], [1, 2, 2, 2], [2, 2, 2, 3]])
    np.testing.assert_array_equal(labels, expected)
    assert labels.dtype == np.int32


def test_label_patches_one_class():
    labels, n = label_patches(GRID, cls=1)
    assert n == 2
    np.testing.assert_array_equal(labels, [[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 2]])


def test_four_versus_eight_neighbors():
    # A diagonal line touches only by corners: one patch with 8 neighbours,
    # four patches with 4 neighbours.
    diagonal = np.eye(4, dtype=bool)
    assert label_patches(diagonal)[1] == 1
    assert label_patches(diagonal, neighbors=4)[1] == 4
    # On a chessboard the 0 cells touch too (8 neighbours): 2 patches; 4 neighbours: 8.
    chess = np.indices((4, 4)).sum(axis=0) % 2
    assert label_patches(chess)[1] == 2
    assert label_patches(chess, neighbors=4)[1] == 16


def test_label_patches_agrees_with_scipy_per_class():
    classes = smooth_classes((60, 70), 4, seed=3)
    _, n = label_patches(classes, neighbors=4)
    expected = sum(ndimage.label(classes == c)[1] for c in range(1, 5))
    assert n == expected


def test_boolean_mask_labels_habitat_only():
    mask = np.array([[True, False, True], [False, False, True]])
    labels, n = label_patches(mask, neighbors=4)
    assert n == 2
    np.testing.assert_array_equal(labels, [[1, 0, 2], [0, 0, 2]])


def test_nodata_cells_never_belong_to_patches():
    grid = np.array([[1.0, np.nan, 1.0], [1.0, -9999.0, 1.0]])
    labels, n = label_patches(grid, nodata=-9999)
    assert n == 2
    assert labels[0, 1] == 0 and labels[1, 1] == 0


def test_nodata_breaks_a_patch():
    # 1 1 1 with the middle cell nodata: two patches, not one.
    grid = np.array([[1, -1, 1]])
    assert label_patches(grid, nodata=-1)[1] == 2
    assert label_patches(grid)[1] == 3  # without nodata, -1 is a class of its own


# ----------------------------------------------------------------------------- patch_table
def test_patch_table_hand_worked():
    table = patch_table(GRID, cellsize=CELL)
    assert table["patch_id"].tolist() == [1, 2, 3]
    assert table["class"].tolist() == [1, 2, 1]
    assert table["n_cells"].tolist() == [3, 8, 1]
    assert table["area_ha"].tolist() == pytest.approx([3.0, 8.0, 1.0])
    # P1: (0,0) top+left boundary = 2; (0,1) top boundary + right + bottom = 3;
    #     (1,0) left boundary + right + bottom = 3  -> 8 sides = 800 m.
    # P2: 8 cells * 4 sides = 32 minus 2 * 9 sides shared inside the patch
    #     ((0,2)-(0,3), (1,1)-(1,2), (1,2)-(1,3), (2,0)-(2,1), (2,1)-(2,2), (0,2)-(1,2),
    #     (0,3)-(1,3), (1,1)-(2,1), (1,2)-(2,2)) = 14 sides -> 1400 m.
    # P3: a single cell, 4 sides (2 on the boundary) -> 400 m.
    assert table["perimeter_m"].tolist() == pytest.approx([800.0, 1400.0, 400.0])
    # P1 centroid: rows (0, 0, 1), columns (0, 1, 0).
    assert table.loc[0, ["centroid_row", "centroid_col"]].tolist() == pytest.approx([1 / 3, 1 / 3])
    assert table.loc[2, ["centroid_row", "centroid_col"]].tolist() == [2.0, 3.0]


def test_patch_perimeter_counts_nodata_sides():
    # A single class-1 cell with a nodata cell to its right: all 4 sides are perimeter.
    grid = np.array([[1.0, np.nan], [2.0, 2.0]])
    table = patch_table(grid, cellsize=10, cls=1)
    assert table["perimeter_m"].tolist() == [40.0]


def test_patch_areas_sum_to_class_area():
    classes = smooth_classes((80, 90), 5, seed=1)
    table = patch_table(classes, cellsize=30)
    by_class = table.groupby("class")["area_ha"].sum()
    counts = pd.Series(np.unique(classes, return_counts=True)[1], index=range(1, 6))
    np.testing.assert_allclose(by_class, counts * 30**2 / 1e4)


# ----------------------------------------------------------------------------- class_metrics
def test_class_metrics_hand_worked():
    m = class_metrics(GRID, cellsize=CELL).set_index("class")
    c1, c2 = m.loc[1], m.loc[2]
    # Class 1: CA = 3 + 1 = 4 ha of A = 12 ha.
    assert c1["CA"] == pytest.approx(4.0)
    assert c1["PLAND"] == pytest.approx(100 * 4 / 12)
    assert c1["NP"] == 2
    assert c1["PD"] == pytest.approx(100 * 2 / 12)  # per 100 ha
    assert c1["LPI"] == pytest.approx(100 * 3 / 12)
    # Edges between 1 and 2 inside the grid: P1 has 4, P3 has 2 -> 6 sides of 100 m.
    assert c1["TE"] == pytest.approx(600.0)
    assert c1["ED"] == pytest.approx(600.0 / 12)
    assert c1["AREA_MN"] == pytest.approx(2.0)
    # MESH = (3^2 + 1^2) / 12 = 0.8333; DIVISION = 1 - 10/144; SPLIT = 144/10.
    assert c1["MESH"] == pytest.approx(10 / 12)
    assert c1["DIVISION"] == pytest.approx(1 - 10 / 144)
    assert c1["SPLIT"] == pytest.approx(14.4)
    # Class 2: one 8 ha patch; with two classes its edge equals class 1's edge.
    assert c2["NP"] == 1
    assert c2["TE"] == pytest.approx(600.0)
    assert c2["MESH"] == pytest.approx(64 / 12)


def test_class_metrics_count_boundary():
    # Boundary sides: class 1 has (0,0) x2, (0,1), (1,0), (2,3) x2 = 6; class 2 has 8.
    m = class_metrics(GRID, cellsize=CELL, count_boundary=True).set_index("class")
    assert m.loc[1, "TE"] == pytest.approx(600 + 600)
    assert m.loc[2, "TE"] == pytest.approx(600 + 800)


def test_class_metrics_habitat_denominator():
    # mesh_denominator="habitat": A_r = CA = 4 ha, MESH = 10 / 4 = 2.5 ha.
    m = class_metrics(GRID, cellsize=CELL, cls=1, mesh_denominator="habitat").iloc[0]
    assert m["MESH"] == pytest.approx(2.5)
    assert m["DIVISION"] == pytest.approx(1 - 2.5 / 4)
    assert m["SPLIT"] == pytest.approx(4 / 2.5)


def test_cls_selects_rows_but_not_the_landscape_area():
    m_all = class_metrics(GRID, cellsize=CELL).set_index("class")
    m_one = class_metrics(GRID, cellsize=CELL, cls=[2])
    assert m_one["class"].tolist() == [2]
    pd.testing.assert_series_equal(m_one.set_index("class").loc[2], m_all.loc[2])


def test_nodata_is_outside_the_landscape_area():
    grid = np.array([[1, 1, 0], [0, 0, 0]])
    with_nodata = class_metrics(grid, cellsize=100, nodata=0)
    # Only the two class-1 cells are valid: A = 2 ha, PLAND = 100 %, MESH = 2 ha.
    assert with_nodata["PLAND"].tolist() == [100.0]
    assert with_nodata["MESH"].tolist() == [pytest.approx(2.0)]
    assert with_nodata["TE"].tolist() == [0.0]  # no edge to nodata by default


def test_boolean_mask_reports_the_habitat_as_class_1():
    mask = GRID == 1
    m = class_metrics(mask, cellsize=CELL)
    assert m["class"].tolist() == [1]
    assert m["NP"].tolist() == [2]
    assert m["MESH"].tolist() == [pytest.approx(10 / 12)]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("denominator", ["landscape", "habitat"])
def test_class_invariants(seed, denominator):
    classes = smooth_classes((70, 50), 4, seed)
    m = class_metrics(classes, cellsize=25, mesh_denominator=denominator)
    total = classes.size * 25**2 / 1e4
    reference = total if denominator == "landscape" else m["CA"]
    assert m["PLAND"].sum() == pytest.approx(100.0)
    assert m["CA"].sum() == pytest.approx(total)
    np.testing.assert_allclose(m["DIVISION"], 1 - m["MESH"] / reference)
    np.testing.assert_allclose(m["SPLIT"], reference / m["MESH"])
    np.testing.assert_allclose(m["AREA_MN"] * m["NP"], m["CA"])
    assert ((m["DIVISION"] >= 0) & (m["DIVISION"] < 1)).all()
    assert (m["MESH"] <= reference + 1e-12).all()
    assert (m["LPI"] <= m["PLAND"] + 1e-12).all()


def test_class_edges_are_twice_the_landscape_edge():
    classes = smooth_classes((50, 60), 3, seed=7)
    m = class_metrics(classes, cellsize=10)
    land = landscape_metrics(classes, cellsize=10)
    assert m["TE"].sum() == pytest.approx(2 * land["TE"])


def test_four_neighbors_gives_more_patches_and_lower_mesh():
    classes = smooth_classes((60, 60), 3, seed=5)
    m8 = class_metrics(classes, cellsize=10).set_index("class")
    m4 = class_metrics(classes, cellsize=10, neighbors=4).set_index("class")
    assert (m4["NP"] >= m8["NP"]).all()
    assert (m4["MESH"] <= m8["MESH"] + 1e-12).all()
    np.testing.assert_allclose(m4["CA"], m8["CA"])  # areas do not depend on the rule
    np.testing.assert_allclose(m4["TE"], m8["TE"])  # neither does edge


# ----------------------------------------------------------------------------- landscape
def test_landscape_metrics_hand_worked():
    s = landscape_metrics(GRID, cellsize=CELL)
    assert s["TA"] == pytest.approx(12.0)
    assert s["NP"] == 3
    assert s["PD"] == pytest.approx(25.0)
    assert s["LPI"] == pytest.approx(100 * 8 / 12)
    assert s["TE"] == pytest.approx(600.0)  # each 1|2 side once
    assert s["AREA_MN"] == pytest.approx(4.0)
    # MESH = (9 + 64 + 1) / 12; DIVISION = 1 - 74 / 144; SPLIT = 144 / 74.
    assert s["MESH"] == pytest.approx(74 / 12)
    assert s["DIVISION"] == pytest.approx(1 - 74 / 144)
    assert s["SPLIT"] == pytest.approx(144 / 74)


def test_landscape_invariants():
    classes = smooth_classes((40, 45), 6, seed=11)
    s = landscape_metrics(classes, cellsize=20)
    assert s["DIVISION"] == pytest.approx(1 - s["MESH"] / s["TA"])
    assert s["SPLIT"] == pytest.approx(s["TA"] / s["MESH"])
    table = patch_table(classes, cellsize=20)
    assert s["NP"] == len(table)
    assert s["MESH"] == pytest.approx(mesh_from_areas(table["area_ha"], s["TA"]))


def test_single_class_landscape_is_one_patch():
    s = landscape_metrics(np.full((3, 3), 5), cellsize=100)
    assert s["NP"] == 1
    assert s["MESH"] == pytest.approx(9.0)
    assert s["DIVISION"] == pytest.approx(0.0)
    assert s["SPLIT"] == pytest.approx(1.0)
    assert s["TE"] == 0.0


def test_large_grid_is_fast():
    import time

    classes = smooth_classes((1000, 1200), 6, seed=0)
    t0 = time.perf_counter()
    class_metrics(classes, cellsize=30)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, f"class_metrics on 1000 x 1200 took {elapsed:.2f} s"


# ----------------------------------------------------------------------------- epochs
def test_compare_epochs_class_level():
    before = np.array([[1, 1, 1, 0], [1, 1, 1, 0]])
    after = np.array([[1, 0, 1, 0], [1, 0, 1, 0]])  # a road cuts the forest in two
    t = compare_epochs({2020: after, 2000: before}, cellsize=100, cls=1)
    assert list(t.columns) == ["epoch", "class", "metric", "value", "change", "change_pct"]
    ca = t[t.metric == "CA"].set_index("epoch")
    assert ca["value"].tolist() == [6.0, 4.0]  # epochs sorted: 2000 is the baseline
    assert ca["change"].tolist() == [0.0, -2.0]
    assert ca.loc[2020, "change_pct"] == pytest.approx(-100 / 3)
    mesh = t[t.metric == "MESH"].set_index("epoch")["value"]
    # 2000: 6^2 / 8 = 4.5 ha; 2020: (2^2 + 2^2) / 8 = 1 ha.
    assert mesh.tolist() == pytest.approx([4.5, 1.0])


def test_compare_epochs_landscape_level():
    before = np.array([[1, 1, 2], [1, 1, 2]])
    after = np.array([[1, 2, 2], [1, 2, 2]])
    t = compare_epochs({2000: before, 2010: after}, cellsize=100, level="landscape")
    assert "class" not in t.columns
    np_ = t[t.metric == "NP"].set_index("epoch")
    assert np_["change"].tolist() == [0.0, 0.0]
    first = t[t.epoch == 2000]
    assert (first["change"] == 0).all()


def test_compare_epochs_class_lost():
    before = np.array([[1, 2], [2, 2]])
    after = np.array([[2, 2], [2, 2]])
    t = compare_epochs({2000: before, 2010: after}, cellsize=100)
    lost = t[(t["class"] == 1) & (t.epoch == 2010)].set_index("metric")["value"]
    assert lost["CA"] == 0 and lost["NP"] == 0 and lost["MESH"] == 0
    assert lost["DIVISION"] == 1.0
    ca = t[(t["class"] == 1) & (t.metric == "CA")]
    assert ca["change_pct"].tolist() == [0.0, -100.0]


def test_compare_epochs_rejects_different_grids():
    with pytest.raises(ValueError, match="must be on one grid"):
        compare_epochs({1: np.ones((2, 2)), 2: np.ones((3, 2))}, cellsize=1)


def test_compare_epochs_rejects_bad_layers():
    with pytest.raises(TypeError, match="layers must be a non-empty dict"):
        compare_epochs([np.ones((2, 2))], cellsize=1)
    with pytest.raises(ValueError, match="level must be one of 'class', 'landscape'"):
        compare_epochs({1: np.ones((2, 2))}, cellsize=1, level="patch")
    with pytest.raises(ValueError, match="no cells of class 9 in any of the layers"):
        compare_epochs({1: np.ones((2, 2))}, cellsize=1, cls=9)


# ----------------------------------------------------------------------------- mesh
def test_mesh_from_areas():
    # (30^2 + 10^2) / 100 = 10 ha; one patch covering everything: MESH = A.
    assert mesh_from_areas([30, 10], 100) == 10.0
    assert mesh_from_areas([100], 100) == 100.0
    assert isinstance(mesh_from_areas(np.array([1.0]), 4), float)


def test_mesh_from_areas_errors():
    with pytest.raises(ValueError, match="total_area must be a positive number"):
        mesh_from_areas([1, 2], 0)
    with pytest.raises(ValueError, match="more than total_area"):
        mesh_from_areas([60, 60], 100)
    with pytest.raises(ValueError, match="finite and non-negative"):
        mesh_from_areas([-1, 2], 10)
    with pytest.raises(TypeError, match="areas must be a 1-D list of numbers"):
        mesh_from_areas(["a"], 10)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "func", [patch_table, class_metrics, landscape_metrics], ids=lambda f: f.__name__
)
def test_errors_shared_by_the_metric_functions(func):
    with pytest.raises(ValueError, match="classes must be a 2-D grid"):
        func(np.ones(4), cellsize=1)
    with pytest.raises(ValueError, match="cellsize must be a positive number. Got cellsize=0"):
        func(GRID, cellsize=0)
    with pytest.raises(ValueError, match="cellsize must be a positive number"):
        func(GRID, cellsize=-30)
    with pytest.raises(TypeError, match="cellsize is required for a plain array"):
        func(GRID)
    with pytest.raises(ValueError, match="neighbors must be one of 4, 8. Got neighbors=6"):
        func(GRID, cellsize=1, neighbors=6)
    with pytest.raises(ValueError, match="every cell is nodata"):
        func(np.full((2, 2), np.nan), cellsize=1)
    with pytest.raises(ValueError, match="every cell is nodata"):
        func(np.full((2, 2), -9999), cellsize=1, nodata=-9999)
    with pytest.raises(TypeError, match="classes must be a 2-D grid of integer class codes"):
        func(np.array([["a", "b"]]), cellsize=1)


def test_cls_errors():
    with pytest.raises(ValueError, match="no cells of class 7 in classes"):
        label_patches(GRID, cls=7)
    with pytest.raises(ValueError, match="no cells of class 7"):
        class_metrics(GRID, cellsize=1, cls=[1, 7])
    with pytest.raises(TypeError, match="cls must be an integer class code"):
        patch_table(GRID, cellsize=1, cls="forest")
    with pytest.raises(ValueError, match="cls is empty"):
        class_metrics(GRID, cellsize=1, cls=[])
    with pytest.raises(ValueError, match="no True cell"):
        label_patches(np.zeros((2, 2), dtype=bool))


def test_other_option_errors():
    with pytest.raises(ValueError, match="mesh_denominator must be one of 'landscape', 'habitat'"):
        class_metrics(GRID, cellsize=1, mesh_denominator="patches")
    with pytest.raises(TypeError, match="count_boundary must be True or False"):
        class_metrics(GRID, cellsize=1, count_boundary="yes")
    with pytest.raises(ValueError, match="must hold integer class codes"):
        class_metrics(np.array([[1.5, 2.0]]), cellsize=1)
    with pytest.raises(ValueError, match="classes is empty"):
        class_metrics(np.zeros((0, 3)), cellsize=1)


def test_dataarray_input_carries_grid():
    xr = pytest.importorskip("xarray")
    pytest.importorskip("rioxarray")
    da = xr.DataArray(
        GRID.astype(np.int16),
        dims=("y", "x"),
        coords={"y": [250.0, 150.0, 50.0], "x": [50.0, 150.0, 250.0, 350.0]},
    ).rio.write_crs("EPSG:3035")
    m = class_metrics(da)  # cellsize 100 m read from the coordinates
    assert m.set_index("class").loc[1, "CA"] == pytest.approx(4.0)
    labels, n = label_patches(da)
    assert n == 3 and labels.dims == ("y", "x")
    assert labels.rio.crs == da.rio.crs
