"""Polygons as focal regions everywhere cores go, through one rasteriser (issue 19 item 2).

``pinch_points`` reads its cores with the focal adapter of the circuit modes
(``parse_focal``), so a GeoDataFrame of polygons works as in ``pairwise_resistance``;
every polygon-to-cells conversion goes through ``_raster.polygon_cells``.
"""

from __future__ import annotations

from functools import partial

import _grids
import geopandas as gpd
import numpy as np
import pytest
import rasterio.features
import rioxarray  # noqa: F401  (registers the .rio accessor)
from shapely.geometry import Polygon, box

import gpec_teach as gt
from gpec_teach import _cost
from gpec_teach._raster import polygon_cells, unwrap
from gpec_teach.circuit._focal import FocalCells, parse_focal

CRS = "EPSG:3035"


georef = partial(_grids.georef, x0=1000.0, y0=5000.0)


def test_polygon_cells_match_a_full_grid_rasterisation():
    # random triangles and a multipolygon on a 40 x 50 grid: the windowed burn of each
    # geometry gives exactly the cells of GDAL's full-grid rasterisation
    rng = np.random.default_rng(0)
    da = georef(np.ones((40, 50)), cellsize=30.0)
    grid = unwrap("r", da)
    t = da.rio.transform()
    geoms = []
    for _ in range(25):
        pts = rng.uniform([1000, 5000 - 1200], [1000 + 1500, 5000], size=(3, 2))
        geoms.append(Polygon(pts))
    geoms.append(box(900.0, 3700.0, 1100.0, 3900.0).union(box(2000.0, 4000.0, 2100.0, 4100.0)))
    geoms.append(box(-5000.0, -5000.0, -4000.0, -4000.0))  # off the grid: no cell
    for geom, cells in zip(geoms, polygon_cells(geoms, grid), strict=True):
        full = rasterio.features.geometry_mask(
            [geom], out_shape=(40, 50), transform=t, invert=True
        )
        np.testing.assert_array_equal(cells, np.flatnonzero(full))
    assert polygon_cells([None], grid)[0].size == 0


def test_rasterize_keeps_the_last_polygon_where_they_overlap():
    # two overlapping boxes over a 3 x 4 grid of 100 m cells (origin 1000, 5000): the
    # second (id 7) wins the shared column, as in GDAL's replace rule
    grid = unwrap("r", georef(np.ones((3, 4))))
    a = box(1000.0, 4700.0, 1300.0, 5000.0)  # columns 0-2
    b = box(1200.0, 4700.0, 1400.0, 5000.0)  # columns 2-3
    labels = _cost.rasterize("patches", [a, b], grid, [3, 7])
    expect = rasterio.features.rasterize(
        [(a, 3), (b, 7)], out_shape=(3, 4), transform=grid.template.rio.transform(), dtype="int64"
    )
    np.testing.assert_array_equal(labels, expect)
    assert labels[0].tolist() == [3, 3, 7, 7]


def _pinch_case():
    # 5 x 7 grid of unit cells; cores in the first and last column, a corridor along row 2
    r = np.ones((5, 7))
    grid_ids = np.zeros((5, 7))
    grid_ids[1:4, 0], grid_ids[1:4, 6] = 1, 2
    corridor = np.zeros((5, 7), bool)
    corridor[2, :] = True
    da = georef(r)
    polys = gpd.GeoDataFrame(
        {"id": [1, 2]},
        geometry=[box(1000.0, 4600.0, 1100.0, 4900.0), box(1600.0, 4600.0, 1700.0, 4900.0)],
        crs=CRS,
    )
    return da, grid_ids, corridor, polys


def test_pinch_points_takes_polygons_as_cores_like_a_grid_of_ids():
    da, grid_ids, corridor, polys = _pinch_case()
    by_grid = gt.pinch_points(da, grid_ids, corridor, neighbors=4)
    by_poly = gt.pinch_points(da, polys, corridor, neighbors=4)
    # core 1 - five corridor cells - core 2: six 1-ohm links in series
    assert float(by_poly.resistances.loc[1, 2]) == pytest.approx(6.0)
    np.testing.assert_array_equal(by_poly.corridor.values, by_grid.corridor.values)
    np.testing.assert_allclose(by_poly.current.values, by_grid.current.values, atol=1e-12)


def test_pinch_points_keeps_the_users_polygon_ids():
    da, _, corridor, polys = _pinch_case()
    polys = polys.assign(site=[40, 17])
    out = gt.pinch_points(da, polys, corridor, neighbors=4, id_column="site")
    assert list(out.resistances.index) == [17, 40]


def test_pinch_points_polygons_errors():
    da, _, corridor, polys = _pinch_case()
    with pytest.raises(ValueError, match="cores has no column 'id'|id_column"):
        gt.pinch_points(da, polys.drop(columns="id"), corridor, neighbors=4)
    with pytest.raises(ValueError, match="at least two core ids"):
        gt.pinch_points(da, polys.iloc[:1], corridor, neighbors=4)
    far = polys.copy()
    far.geometry = [box(0.0, 0.0, 10.0, 10.0), polys.geometry.iloc[1]]
    with pytest.raises(ValueError, match="cores polygon 1 covers no cell centre"):
        gt.pinch_points(da, far, corridor, neighbors=4)
    with pytest.raises(ValueError, match="CRS"):
        gt.pinch_points(da, polys.to_crs("EPSG:3857"), corridor, neighbors=4)


def test_pinch_points_refuses_fractional_core_ids():
    r = np.ones((3, 5))
    cores = np.zeros((3, 5))
    cores[:, 0], cores[:, 4] = 1, 2.5
    corridor = np.ones((3, 5), bool)
    with pytest.raises(ValueError, match="cores grid must hold integer focal ids"):
        gt.pinch_points(r, cores, corridor, neighbors=4)


def test_focal_cells_pass_through_and_check_their_grid():
    grid = unwrap("r", np.ones((2, 3)))
    cells = FocalCells({2: np.array([5]), 1: np.array([0, 1])}, (2, 3))
    out = parse_focal(cells, grid)
    assert list(out) == [1, 2]
    with pytest.raises(ValueError, match=r"focal was read for a grid of shape \(3, 3\)"):
        parse_focal(FocalCells({1: np.array([0])}, (3, 3)), grid)
