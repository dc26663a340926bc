"""Moving-window fragmentation: hand-worked cases, and the tiled run equals the single one."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from gpec_teach.fragmentation import moving_window as window_single
from gpec_teach.scale import moving_window, write_cog

distributed = pytest.importorskip("distributed")

T100 = Affine(100.0, 0, 0, 0, -100.0, 0)


def test_hand_worked_mesh_with_two_patches_in_one_window():
    # 1 ha cells, radius 2 around the centre of a 5 x 5 grid: 13 cells in the disk.
    # Habitat: column 0 rows 1-3 (3 cells, only (2, 0) is in the disk) and
    # column 4 rows 1-3 (only (2, 4) in the disk) plus the centre alone.
    m = np.zeros((5, 5), bool)
    m[1:4, 0] = m[1:4, 4] = True
    m[2, 2] = True
    out = window_single(m, radius=2, cellsize=100, edge="truncate")
    # three 1-cell patches in the window: MESH = 3 * 1^2 / 13 ha, PLAND = 3 / 13
    assert out["mesh"][2, 2] == pytest.approx(3 / 13)
    assert out["pland"][2, 2] == pytest.approx(300 / 13)


def test_patches_are_delineated_inside_the_window():
    # a U-shaped patch whose two arms join outside the window count as two patches
    m = np.zeros((7, 7), bool)
    m[0:4, 2] = m[0:4, 4] = True
    m[0, 2:5] = True
    out = window_single(m, radius=1, cellsize=100, edge="truncate")
    # window of (2, 3): itself and (1, 3), (3, 3) non-habitat, (2, 2), (2, 4) habitat
    assert out["pland"][2, 3] == pytest.approx(40.0)
    assert out["mesh"][2, 3] == pytest.approx((1 + 1) / 5)  # two 1-ha patches, not one


def test_nodata_is_left_out_and_edges():
    cl = np.array([[1, 1, 1], [1, 9, 2], [2, 2, 2]], float)
    out = window_single(cl, radius=1, cls=1, cellsize=100, nodata=9, edge="truncate")
    assert np.isnan(out["pland"][1, 1])  # nodata centre
    assert out["pland"][0, 1] == pytest.approx(100.0)  # (0,0),(0,1),(0,2) valid, (1,1) nodata
    strict = window_single(cl, radius=1, cls=1, cellsize=100, nodata=9)
    assert np.isnan(strict["pland"]).all()  # every window of a 3 x 3 grid reaches outside


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    rng = np.random.default_rng(5)
    cl = rng.integers(1, 4, size=(23, 31)).astype(float)
    cl[rng.random(cl.shape) < 0.05] = np.nan
    d = tmp_path_factory.mktemp("win")
    return cl, write_cog(cl, d / "cl.tif", transform=T100)


def _same(a, b):
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = np.isfinite(a)
    assert ok.any()
    np.testing.assert_allclose(b[ok], a[ok], rtol=1e-12, atol=0)


@pytest.mark.parametrize("edge", ["nodata", "truncate"])
@pytest.mark.parametrize("chunks", [5, (9, 14), 64])
def test_tiles_equal_single_process(classes, tmp_path, chunks, edge):
    cl, path = classes
    single = window_single(cl, radius=3, cls=[1, 3], cellsize=100, edge=edge, neighbors=4)
    tiles = moving_window(
        path, radius=3, cls=[1, 3], output_dir=tmp_path, chunks=chunks, edge=edge, neighbors=4
    )
    for name in ("pland", "mesh"):
        _same(single[name], tiles.read(name))


def test_tiles_on_two_workers_and_the_landscape(tmp_path):
    from gpec_teach import data

    lc = data.load("landcover", year=2020, resolution=500)
    single = window_single(lc, radius=3, cls=1)
    path = write_cog(lc, tmp_path / "lc.tif")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        tiles = moving_window(path, radius=3, cls=1, output_dir=tmp_path, chunks=70, client=client)
    for name in ("pland", "mesh"):
        _same(single[name], tiles.read(name))


def test_errors(classes, tmp_path):
    cl, path = classes
    with pytest.raises(ValueError, match="radius must be a positive integer"):
        window_single(cl, radius=0, cls=1, cellsize=100)
    with pytest.raises(ValueError, match="edge must be one of"):
        window_single(cl, radius=2, cls=1, cellsize=100, edge="mirror")
    with pytest.raises(ValueError, match="cls must be an integer habitat class code"):
        moving_window(path, radius=2, cls="forest", output_dir=tmp_path)
    with pytest.raises(TypeError, match="classes must be the path of a GeoTIFF"):
        moving_window(cl, radius=2, cls=1, output_dir=tmp_path)
