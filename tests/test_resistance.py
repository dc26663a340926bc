"""Tests of gpec_teach.resistance: hand-worked tables and transforms, invariants,
georeferencing carried through, burned roads as barriers, coarsening effects, bad input."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from _grids import georef
from shapely.geometry import LineString, Point

from gpec_teach import least_cost as LC
from gpec_teach import resistance as R
from gpec_teach._validation import NodataInRangeWarning

INF = np.inf
NAN = np.nan


# ========================================================================= reclassify
TABLE = {1: 1.0, 2: 10.0, 3: INF}


def test_reclassify_dict_hand_worked():
    # forest 1 -> 1, cropland 2 -> 10, reservoir 3 -> inf (barrier)
    out = R.reclassify([[1, 2], [3, 1]], TABLE)
    assert out.tolist() == [[1.0, 10.0], [INF, 1.0]]
    assert out.dtype == np.float64


def test_reclassify_dataframe_and_csv_give_the_same(tmp_path):
    df = pd.DataFrame({"class": [1, 2, 3], "resistance": [1.0, 10.0, INF]})
    csv = tmp_path / "table.csv"
    df.to_csv(csv, index=False)
    lc = np.array([[1, 2, 3], [3, 2, 1]])
    expected = R.reclassify(lc, TABLE)
    np.testing.assert_array_equal(R.reclassify(lc, df), expected)
    np.testing.assert_array_equal(R.reclassify(lc, csv), expected)
    np.testing.assert_array_equal(R.reclassify(lc, str(csv)), expected)
    # custom column names
    df2 = df.rename(columns={"class": "code", "resistance": "cost"})
    out = R.reclassify(lc, df2, class_column="code", value_column="cost")
    np.testing.assert_array_equal(out, expected)


def test_reclassify_csv_reads_inf_as_barrier(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("class,resistance\n1,1\n5,inf\n")
    assert R.reclassify([[1, 5]], csv).tolist() == [[1.0, INF]]


def test_reclassify_nodata_stays_nan_and_extra_table_rows_ignored():
    out = R.reclassify([[1, 0], [NAN, 2]], {1: 2.0, 2: 3.0, 9: 99.0}, nodata=0)
    np.testing.assert_array_equal(out, [[2.0, NAN], [NAN, 3.0]])


def test_reclassify_dataarray_keeps_georeferencing_and_reads_nodata():
    lc = georef([[1, 255], [2, 1]], nodata=255)
    out = R.reclassify(lc, {1: 1, 2: 5})
    assert isinstance(out, xr.DataArray)
    assert out.rio.crs.to_epsg() == 3035
    assert out.rio.transform() == lc.rio.transform()
    np.testing.assert_array_equal(out.values, [[1.0, NAN], [5.0, 1.0]])
    assert np.isnan(out.rio.nodata)


def test_reclassify_missing_classes_are_all_listed():
    with pytest.raises(ValueError, match=r"class\(es\) 4, 7, which occur in landcover"):
        R.reclassify([[1, 4], [7, 2]], {1: 1, 2: 2})


@pytest.mark.parametrize(
    ("table", "error", "match"),
    [
        ({1: 0.0}, ValueError, r"class 1 must be positive. Got 0.0"),
        ({1: -3}, ValueError, r"class 1 must be positive. Got -3.0"),
        ({1: NAN}, ValueError, r"class 1 is missing \(NaN\)"),
        ({1: "barrier"}, TypeError, r"class 1 must be a number \(np.inf for"),
        ({}, ValueError, "table is empty"),
        ([1, 2], TypeError, "table must be a dict"),
    ],
)
def test_reclassify_bad_tables(table, error, match):
    with pytest.raises(error, match=match):
        R.reclassify([[1]], table)


def test_reclassify_duplicate_class_and_missing_column(tmp_path):
    df = pd.DataFrame({"class": [1, 1], "resistance": [1.0, 2.0]})
    with pytest.raises(ValueError, match="lists class 1 more than once"):
        R.reclassify([[1]], df)
    with pytest.raises(ValueError, match=r"no column 'resistance'. Got columns \['class', 'r'\]"):
        R.reclassify([[1]], pd.DataFrame({"class": [1], "r": [1.0]}))
    with pytest.raises(FileNotFoundError, match="table file not found"):
        R.reclassify([[1]], tmp_path / "missing.csv")


def test_reclassify_bad_grids():
    with pytest.raises(ValueError, match="landcover must be a 2-D grid"):
        R.reclassify([1, 2, 3], TABLE)
    with pytest.raises(TypeError, match="landcover must be a numeric 2-D grid"):
        R.reclassify([["forest", "crop"]], TABLE)
    with pytest.raises(ValueError, match="landcover has no valid cell"):
        R.reclassify([[0, 0]], TABLE, nodata=0)


# ========================================================================= transforms
def test_linear_transform_hand_worked():
    # R = 100 - 99 h: h = 0.25 -> 75.25
    out = R.suitability_to_resistance([[0.0, 0.25, 1.0]], method="linear")
    np.testing.assert_allclose(out, [[100.0, 75.25, 1.0]])


def test_negative_exponential_hand_worked():
    # c = 8, h = 0.5: 100 - 99 (1 - e^-4) / (1 - e^-8)
    #               = 100 - 99 * 0.9816844 / 0.9996645 = 100 - 97.2194 = 2.7806
    out = R.suitability_to_resistance([[0.5]], method="negative_exponential", c=8)
    expected = 100 - 99 * (1 - np.exp(-4)) / (1 - np.exp(-8))
    assert out[0, 0] == pytest.approx(expected, rel=1e-12)
    assert out[0, 0] == pytest.approx(2.7806, abs=1e-4)


def test_scale_and_max_resistance():
    # suitability out of 100; Rmax = 10: R = 10 - 9 * 0.4 = 6.4
    out = R.suitability_to_resistance([[40.0]], method="linear", scale=100, max_resistance=10)
    assert out[0, 0] == pytest.approx(6.4)


@pytest.mark.parametrize("c", [-4.0, 0.25, 1.0, 8.0, 32.0])
def test_transform_family_properties(c):
    h = np.linspace(0, 1, 101)[None, :]
    neg = R.suitability_to_resistance(h, method="negative_exponential", c=c)
    lin = R.suitability_to_resistance(h, method="linear")
    # endpoints: h = 0 -> Rmax, h = 1 -> 1; monotone decreasing; within [1, Rmax]
    assert neg[0, 0] == pytest.approx(100) and neg[0, -1] == pytest.approx(1)
    assert np.all(np.diff(neg[0]) < 0)
    assert neg.min() >= 1 and neg.max() <= 100
    # c > 0 lies below the line (resistance low until suitability is low), c < 0 above
    inner = slice(1, -1)
    if c > 0:
        assert np.all(neg[0, inner] < lin[0, inner])
    else:
        assert np.all(neg[0, inner] > lin[0, inner])


def test_small_c_tends_to_linear():
    h = np.linspace(0, 1, 11)[None, :]
    neg = R.suitability_to_resistance(h, method="negative_exponential", c=1e-6)
    np.testing.assert_allclose(neg, R.suitability_to_resistance(h, method="linear"), atol=1e-4)


def test_transform_keeps_nan_and_georeferencing():
    s = georef([[0.5, NAN]])
    out = R.suitability_to_resistance(s, method="linear")
    assert out.rio.crs == s.rio.crs
    assert out.values[0, 0] == pytest.approx(50.5) and np.isnan(out.values[0, 1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "linear", "c": 2}, "c applies to method='negative_exponential' only"),
        ({"method": "negative_exponential"}, "needs the shape parameter c"),
        ({"method": "negative_exponential", "c": 0}, "c must be a finite non-zero number"),
        ({"method": "linear", "max_resistance": 1}, "max_resistance must be greater than 1"),
        ({"method": "logistic"}, "method must be one of 'linear', 'negative_exponential'"),
    ],
)
def test_transform_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        R.suitability_to_resistance([[0.5]], **kwargs)


def test_transform_suitability_out_of_range_names_value_and_fix():
    with pytest.raises(ValueError, match=r"Got 55.0 at \(row, col\)=\(0, 1\). For scores out"):
        R.suitability_to_resistance([[0.2, 55.0]], method="linear")
    with pytest.raises(ValueError, match="between 0 and scale"):
        R.suitability_to_resistance([[INF]], method="linear")


# =========================================================================== combine
def test_combine_hand_worked():
    base = [[1.0, 5.0, NAN], [2.0, INF, 1.0]]
    roads = [[0.0, 20.0, 1.0], [3.0, 1.0, 0.0]]
    # sum: 1+0, 5+20, nodata; 2+3, inf, 1+0
    np.testing.assert_array_equal(R.combine([base, roads]), [[1, 25, NAN], [5, INF, 1]])
    np.testing.assert_array_equal(
        R.combine([base, roads], method="max"), [[1, 20, NAN], [3, INF, 1]]
    )
    # weighted: 2*base + 0.5*roads -> 2, 20, nodata; 5.5, inf, 2
    np.testing.assert_array_equal(
        R.combine([base, roads], method="weighted_sum", weights=[2, 0.5]),
        [[2, 20, NAN], [5.5, INF, 2]],
    )


def test_combine_dataarrays_keep_georeferencing_and_check_crs():
    a = georef([[1.0, 2.0]])
    out = R.combine([a, np.array([[1.0, 1.0]])])
    assert isinstance(out, xr.DataArray) and out.rio.crs.to_epsg() == 3035
    b = georef([[1.0, 2.0]], crs="EPSG:32633")
    with pytest.raises(ValueError, match=r"layers\[0\]: EPSG:3035, layers\[1\]: EPSG:32633"):
        R.combine([a, b])
    shifted = georef([[1.0, 2.0]], x0=50.0)
    with pytest.raises(ValueError, match=r"layers\[1\] is not aligned with layers\[0\]"):
        R.combine([a, shifted])


@pytest.mark.parametrize(
    ("layers", "kwargs", "match"),
    [
        ([[[1.0]]], {}, "at least two grids"),
        ([[[1.0]], [[1.0, 2.0]]], {}, r"layers\[1\] has shape \(1, 2\)"),
        ([[[1.0]], [[-1.0]]], {}, r"layers\[1\] has a negative value -1.0"),
        ([[[0.0]], [[0.0]]], {}, "combined resistance is 0"),
        ([[[1.0]], [[1.0]]], {"method": "weighted_sum"}, "needs weights="),
        ([[[1.0]], [[1.0]]], {"method": "weighted_sum", "weights": [1]}, "one value per layer"),
        ([[[1.0]], [[1.0]]], {"weights": [1, 2]}, "weights apply to method='weighted_sum'"),
        ([[[1.0]], [[1.0]]], {"method": "mean"}, "method must be one of 'sum', 'max'"),
    ],
)
def test_combine_bad_input(layers, kwargs, match):
    with pytest.raises(ValueError, match=match):
        R.combine(layers, **kwargs)


def test_combine_negative_weight():
    with pytest.raises(ValueError, match=r"weights\[1\] must be a positive number"):
        R.combine([[[1.0]], [[1.0]]], method="weighted_sum", weights=[1, -2])


# ========================================================================= burn lines
def road(coords, crs="EPSG:3035", **cols):
    return gpd.GeoDataFrame(cols or None, geometry=[LineString(coords)], crs=crs)


def test_burn_horizontal_road_one_cell_and_with_width():
    base = georef(np.ones((5, 6)))  # 100 m cells, y from 500 (top) to 0
    # a road along y = 250 lies on the boundary-free middle row (row 2: y 200..300)
    out = R.burn_lines(base, road([(0, 250), (600, 250)]), values=50.0)
    assert out.values[2].tolist() == [50.0] * 6
    assert (out.values[[0, 1, 3, 4]] == 1).all()
    # 300 m wide: 150 m each side -> y 100..400 -> rows 1, 2, 3
    wide = R.burn_lines(base, road([(0, 250), (600, 250)]), values=50.0, widths=300.0)
    assert (wide.values[1:4] == 50).all() and (wide.values[[0, 4]] == 1).all()


def test_burn_per_class_values_widths_and_overlap_takes_max():
    base = georef(np.ones((6, 6)))
    lines = gpd.GeoDataFrame(
        {"kind": ["motorway", "track"]},
        geometry=[LineString([(0, 350), (600, 350)]), LineString([(250, 0), (250, 600)])],
        crs="EPSG:3035",
    )
    out = R.burn_lines(
        base,
        lines,
        values={"motorway": INF, "track": 5.0},
        widths={"motorway": 20.0, "track": 10.0},
        class_column="kind",
    )
    v = out.values
    assert np.isinf(v[2]).all()  # motorway row (y 300..400), barrier, wins the crossing
    col = np.delete(v[:, 2], 2)  # track column (x 200..300), except the crossing
    assert (col == 5.0).all()
    assert (v[:, [0, 1, 3, 4, 5]][[0, 1, 3, 4, 5]] == 1).all()


def test_burn_how_add_replace_and_nodata_stays():
    base = georef([[2.0, 2.0, NAN]])
    line = road([(0, 50), (300, 50)])
    assert R.burn_lines(base, line, values=3.0, how="add").values.tolist()[0][:2] == [5.0, 5.0]
    out = R.burn_lines(base, line, values=1.0, how="replace").values
    assert out[0, :2].tolist() == [1.0, 1.0] and np.isnan(out[0, 2])
    assert R.burn_lines(base, line, values=1.0).values[0, :2].tolist() == [2.0, 2.0]  # max


def test_regression_diagonal_road_cannot_be_crossed_with_8_neighbours():
    # A fenced motorway running almost diagonally is rasterised (all_touched) as a
    # staircase in which some cells touch only at a corner. An 8-neighbour step
    # slips between two such cells: the barrier leaks unless the gaps are sealed.
    n = 12
    base = georef(np.ones((n, n)))
    line = road([(0, 10), (n * 100.0, n * 100.0 - 10)])
    leaky = R.burn_lines(base, line, values=INF, seal_diagonals=False)
    m = np.isinf(leaky.values)
    assert (m[:-1, :-1] & m[1:, 1:] & ~m[:-1, 1:] & ~m[1:, :-1]).any() or (
        m[:-1, 1:] & m[1:, :-1] & ~m[:-1, :-1] & ~m[1:, 1:]
    ).any()
    above, below = (0, 0), (n - 1, n - 1)
    assert np.isfinite(LC.cost_distance(leaky.values, above, cellsize=1.0)[below])
    sealed = R.burn_lines(base, line, values=INF)
    assert np.isinf(LC.cost_distance(sealed.values, above, cellsize=1.0)[below])
    # sealing only adds cells next to the line
    assert (np.isinf(sealed.values) | ~m).all() and np.isinf(sealed.values).sum() > m.sum()


def test_burn_bad_input():
    base = georef(np.ones((3, 3)))
    line = road([(0, 50), (300, 50)])
    with pytest.raises(ValueError, match=r"resistance: EPSG:3035, lines: EPSG:32633"):
        R.burn_lines(base, road([(0, 50), (300, 50)], crs="EPSG:32633"), values=5.0)
    with pytest.raises(ValueError, match="lines has no CRS"):
        R.burn_lines(base, gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])]), values=5)
    with pytest.raises(TypeError, match="resistance must be a georeferenced xarray.DataArray"):
        R.burn_lines(np.ones((3, 3)), line, values=5.0)
    pts = gpd.GeoDataFrame(geometry=[Point(50, 50)], crs="EPSG:3035")
    with pytest.raises(
        ValueError, match=r"LineString or MultiLineString geometries. Got \['Point'\]"
    ):
        R.burn_lines(base, pts, values=5.0)
    kinds = road([(0, 50), (300, 50)], kind=["minor"])
    with pytest.raises(ValueError, match="give class_column="):
        R.burn_lines(base, kinds, values={"minor": 5.0})
    with pytest.raises(ValueError, match="values has no value for line class"):
        R.burn_lines(base, kinds, values={"major": 5.0}, class_column="kind")
    with pytest.raises(ValueError, match="lines has no column 'type'"):
        R.burn_lines(base, kinds, values=5.0, class_column="type")
    with pytest.raises(ValueError, match=r"widths must be a positive finite number. Got inf"):
        R.burn_lines(base, line, values=5.0, widths=INF)
    with pytest.raises(ValueError, match="how must be one of 'max', 'replace', 'add'"):
        R.burn_lines(base, line, values=5.0, how="min")
    geo = georef(np.ones((3, 3)), cellsize=0.01, crs="EPSG:4326")
    with pytest.raises(ValueError, match="geographic CRS"):
        R.burn_lines(geo, road([(0, 0.005), (0.03, 0.005)], crs="EPSG:4326"), values=5.0)


# ============================================================================ coarsen
def test_coarsen_mean_and_max_hand_worked_with_road():
    # one-cell road of 100 across a 4 x 4 grid of ones:
    # mean: (1 + 1 + 100 + 100) / 4 = 50.5 ; max: 100
    r = np.ones((4, 4))
    r[2, :] = 100.0
    np.testing.assert_array_equal(R.coarsen(r, 2), [[1, 1], [50.5, 50.5]])
    np.testing.assert_array_equal(R.coarsen(r, 2, method="max"), [[1, 1], [100, 100]])


def test_coarsen_barriers_any_vs_majority():
    # block 1: one inf among four cells; block 2: three inf and a 2
    r = np.array([[INF, 1.0, INF, INF], [1.0, 3.0, INF, 2.0]])
    assert R.coarsen(r, 2).tolist() == [[INF, INF]]
    # majority: block 1 -> mean of finite (1 + 1 + 3) / 3 ; block 2 -> 3 of 4 -> barrier
    out = R.coarsen(r, 2, barriers="majority")
    assert out[0, 0] == pytest.approx(5 / 3) and np.isinf(out[0, 1])
    assert R.coarsen(r, 2, method="max", barriers="majority")[0, 0] == 3.0


def test_coarsen_nodata_ignore_vs_propagate():
    r = np.array([[NAN, 2.0, NAN, NAN], [4.0, 6.0, NAN, NAN]])
    # ignore: (2 + 4 + 6) / 3 = 4 ; the all-NaN block stays NaN
    np.testing.assert_array_equal(R.coarsen(r, 2), [[4.0, NAN]])
    np.testing.assert_array_equal(R.coarsen(r, 2, nodata="propagate"), [[NAN, NAN]])


def test_coarsen_boundary_expand_and_trim():
    r = np.arange(1, 16, dtype=float).reshape(3, 5)
    ex = R.coarsen(r, 2)
    assert ex.shape == (2, 3)
    # partial last column block: rows 0-1 of column 4 -> (5 + 10) / 2 = 7.5
    assert ex[0, 2] == 7.5
    # bottom-right corner block holds the single cell 15
    assert ex[1, 2] == 15.0
    # partial bottom blocks are not NaN-propagated by the padding
    assert R.coarsen(r, 2, nodata="propagate")[1, 0] == pytest.approx((11 + 12) / 2)
    tr = R.coarsen(r, 2, boundary="trim")
    np.testing.assert_array_equal(tr, [[(1 + 2 + 6 + 7) / 4, (3 + 4 + 8 + 9) / 4]])


def test_coarsen_dataarray_transform_and_coords():
    da = georef(np.ones((6, 4)), cellsize=100.0, x0=1000.0, y0=5000.0)
    out = R.coarsen(da, 2)
    assert out.shape == (3, 2)
    t = out.rio.transform()
    assert (t.a, t.e, t.c, t.f) == (200.0, -200.0, 1000.0, 5000.0)
    assert out.x.values.tolist() == [1100.0, 1300.0]
    assert out.y.values.tolist() == [4900.0, 4700.0, 4500.0]
    assert out.rio.crs.to_epsg() == 3035
    assert out.rio.resolution() == (200.0, -200.0)


def test_coarsen_uniform_grid_is_unchanged_property():
    rng = np.random.default_rng(3)
    for _ in range(5):
        v = float(rng.uniform(1, 100))
        f = int(rng.integers(2, 5))
        out = R.coarsen(np.full((7, 9), v), f, method=str(rng.choice(["mean", "max"])))
        assert np.allclose(out, v)


def test_coarsen_mean_lies_between_min_and_max_property():
    rng = np.random.default_rng(4)
    r = rng.uniform(1, 50, (12, 12))
    mean, mx = R.coarsen(r, 3), R.coarsen(r, 3, method="max")
    mn = -R.coarsen(-r + 51, 3, method="max") + 51  # block minimum via max
    assert np.all(mean <= mx) and np.all(mean >= mn)
    # mean preserves the total when the grid is an exact multiple of the factor
    assert mean.sum() * 9 == pytest.approx(r.sum())


@pytest.mark.parametrize(
    ("factor", "kwargs", "error", "match"),
    [
        (1, {}, ValueError, "factor must be an integer of at least 2"),
        (2.5, {}, ValueError, r"Got factor=2.5"),
        (10, {"boundary": "trim"}, ValueError, "larger than the grid"),
        (2, {"method": "median"}, ValueError, "method must be one of 'mean', 'max'"),
        (2, {"nodata": "drop"}, ValueError, "nodata must be one of 'ignore', 'propagate'"),
        (2, {"barriers": "all"}, ValueError, "barriers must be one of 'any', 'majority'"),
    ],
)
def test_coarsen_bad_input(factor, kwargs, error, match):
    with pytest.raises(error, match=match):
        R.coarsen(np.ones((4, 4)), factor, **kwargs)


def test_coarsen_rejects_zero_and_negative_resistance():
    with pytest.raises(
        ValueError, match=r"zero or negative resistance, first at \(row, col\)=\(0, 1\)"
    ):
        R.coarsen([[1.0, 0.0], [1.0, 1.0]], 2)
    with pytest.raises(ValueError, match=r"value -2.0 \(negative\)"):
        R.coarsen([[1.0, -2.0], [1.0, 1.0]], 2)
    with pytest.raises(ValueError, match="has -inf at"):
        R.coarsen([[1.0, -INF], [1.0, 1.0]], 2)


# ======================================================================== conductance
def test_conductance_roundtrip_and_barriers():
    r = np.array([[1.0, 4.0, INF, NAN]])
    c = R.resistance_to_conductance(r)
    np.testing.assert_array_equal(c, [[1.0, 0.25, 0.0, NAN]])
    np.testing.assert_array_equal(R.conductance_to_resistance(c), r)
    rng = np.random.default_rng(5)
    x = rng.uniform(0.1, 100, (8, 8))
    np.testing.assert_allclose(R.conductance_to_resistance(R.resistance_to_conductance(x)), x)


def test_conductance_bad_input_and_geographic_warning():
    with pytest.raises(ValueError, match="zero or negative resistance"):
        R.resistance_to_conductance([[0.0]])
    with pytest.raises(
        ValueError, match=r"conductance must be a non-negative finite number. Got -1.0"
    ):
        R.conductance_to_resistance([[-1.0]])
    with pytest.raises(ValueError, match=r"Got inf"):
        R.conductance_to_resistance([[INF]])
    geo = georef([[1.0, 2.0]], cellsize=0.01, crs="EPSG:4326")
    with pytest.raises(ValueError, match=r"resistance is in a geographic CRS.*rio\.reproject"):
        R.resistance_to_conductance(geo)
    with pytest.raises(ValueError, match="resistance has no valid cell"):
        R.resistance_to_conductance([[NAN, NAN]])


def test_suitability_nodata_inside_the_valid_range_warns():
    """Regression (notebook 04): a suitability raster copied from the land cover keeps
    nodata = 0, so every suitability of 0 silently became nodata."""
    da = xr.DataArray(
        np.array([[0.0, 0.5], [1.0, 0.0]]),
        dims=("y", "x"),
        coords={"y": [1.5, 0.5], "x": [0.5, 1.5]},
    )
    da = da.rio.write_nodata(0)
    with pytest.warns(NodataInRangeWarning, match=r"nodata=0.*2 cells"):
        out = R.suitability_to_resistance(da, method="linear")
    assert np.isnan(out.values[0, 0])
    fixed = da.rio.write_nodata(np.nan, encoded=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NodataInRangeWarning)
        out = R.suitability_to_resistance(fixed, method="linear")
    assert out.values[0, 0] == 100.0
