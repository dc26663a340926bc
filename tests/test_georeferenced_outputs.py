"""Every raster result is georeferenced like its input (issue 19, item 2).

A DataArray with a CRS and a transform in gives DataArrays with the same coordinates,
CRS and transform out; a plain array in gives a plain array out. Also: no third-party
deprecation warning in a user's chain, and statsmodels only imported to fit a model.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from functools import partial
from pathlib import Path

import _grids
import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)

import gpec_teach as gt

ROOT = Path(__file__).resolve().parents[1]


georef = partial(_grids.georef, x0=1000.0, y0=5000.0, dtype=None)


def same_grid(out, like) -> None:
    assert type(out).__name__ == "DataArray"
    assert out.rio.crs == like.rio.crs
    assert out.rio.transform() == like.rio.transform()
    np.testing.assert_array_equal(out.x.values, like.x.values)
    np.testing.assert_array_equal(out.y.values, like.y.values)


NLCC = [[0.0, 3.0, np.nan], [1.5, np.inf, 8.0]]


def test_corridor_mask_of_a_dataarray_is_a_dataarray_on_its_grid():
    corridor = georef(NLCC)
    mask = gt.corridor_mask(corridor, cutoff=2)
    same_grid(mask, corridor)
    # cells 0 and 1.5 are within 2 cost units; NaN and inf are never in the corridor
    np.testing.assert_array_equal(mask.values, [[True, False, False], [True, False, False]])
    assert mask.dtype == bool


def test_corridor_mask_of_an_array_stays_an_array():
    mask = gt.corridor_mask(NLCC, cutoff=2)
    assert isinstance(mask, np.ndarray)


def test_pinch_points_corridor_is_georeferenced():
    r = georef(np.ones((3, 5)))
    cores = np.zeros((3, 5))
    cores[:, 0], cores[:, 4] = 1, 2
    corridor = np.zeros((3, 5), bool)
    corridor[1, :] = True
    out = gt.pinch_points(r, cores, corridor, neighbors=4)
    same_grid(out.corridor, r)
    same_grid(out.current, r)
    # the corridor row and the two core columns
    assert int(out.corridor.values.sum()) == 5 + 2 * 2


def test_patch_table_gives_map_coordinates_of_centroids():
    # two patches of class 1: cells (0,0),(0,1) and cell (2,3); 100 m cells, origin (1000, 5000)
    grid = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    table = gt.patch_table(georef(grid), cls=1)
    # patch 1: mean (row, col) = (0, 0.5) -> x = 1000 + (0.5 + 0.5) * 100 = 1100,
    # y = 5000 - (0 + 0.5) * 100 = 4950
    assert table.loc[0, ["centroid_x", "centroid_y"]].tolist() == [1100.0, 4950.0]
    # patch 2: (2, 3) -> x = 1000 + 3.5 * 100 = 1350, y = 5000 - 2.5 * 100 = 4750
    assert table.loc[1, ["centroid_x", "centroid_y"]].tolist() == [1350.0, 4750.0]
    assert table.loc[1, ["centroid_row", "centroid_col"]].tolist() == [2.0, 3.0]


def test_patch_table_of_an_array_has_no_map_coordinates():
    table = gt.patch_table(np.array([[1, 0], [0, 1]]), cellsize=10, cls=1, neighbors=4)
    assert "centroid_x" not in table.columns
    assert {"centroid_row", "centroid_col"} <= set(table.columns)


def test_label_patches_and_cost_distance_keep_the_grid():
    classes = georef(np.array([[1, 1, 0], [0, 0, 1]]))
    labels, n = gt.label_patches(classes, cls=1, neighbors=4)
    same_grid(labels, classes)
    assert n == 2
    cost = gt.cost_distance(georef(np.ones((2, 3))), [(0, 0)], neighbors=4)
    same_grid(cost, classes)
    # two steps of 100 m through cells of cost 1: 100 per step
    assert float(cost.values[0, 2]) == pytest.approx(200.0)


CHAIN = textwrap.dedent(
    """
    import warnings
    import numpy as np, xarray as xr, geopandas as gpd, rioxarray
    from affine import Affine
    from shapely.geometry import box
    import gpec_teach as gt

    n, s = 30, 100.0
    da = xr.DataArray(np.ones((n, n)), dims=("y", "x"),
                      coords={"y": n * s - (np.arange(n) + .5) * s, "x": (np.arange(n) + .5) * s})
    r = da.rio.write_crs("EPSG:3035").rio.write_transform(Affine(s, 0, 0, 0, -s, n * s))
    cores = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[box(200, 200, 500, 500),
                             box(2400, 2400, 2700, 2700)], crs="EPSG:3035")
    cost = gt.cost_distance(r, cores.iloc[[0]])
    corr = gt.least_cost_corridor(r, cores.iloc[[0]], cores.iloc[[1]])
    mask = gt.corridor_mask(corr, cutoff=500)
    out = gt.pairwise_resistance(r, cores)
    table = gt.patch_table(mask)
    assert out.cumulative_current.rio.crs is not None and table.shape[0] >= 1
    gt.save_raster(cost, OUT)
    print("ok")
    """
)


def test_user_chain_shows_no_deprecation_warning(tmp_path):
    """A short chain under -W error for (Pending)DeprecationWarning, in a fresh interpreter."""
    script = tmp_path / "chain.py"
    script.write_text(f"OUT = {str(tmp_path / 'cost.tif')!r}\n" + CHAIN)
    proc = subprocess.run(
        [
            sys.executable,
            "-W",
            "error::DeprecationWarning",
            "-W",
            "error::PendingDeprecationWarning",
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().endswith("ok")


def test_monitoring_does_not_import_statsmodels():
    code = "import sys, gpec_teach.monitoring; print('statsmodels' in sys.modules)"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"
