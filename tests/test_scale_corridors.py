"""Bounded corridors at scale equal the single-process corridor network where both fit."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from gpec_teach.least_cost import corridor_network as network_single
from gpec_teach.scale import corridor_network, write_cog

distributed = pytest.importorskip("distributed")

T = Affine(10.0, 0, 0, 0, -10.0, 0)


def _case(seed=2, shape=(60, 80)):
    rng = np.random.default_rng(seed)
    res = 2.0 + 2.0 * rng.random(shape)
    res[rng.random(shape) < 0.03] = np.nan
    cores = np.zeros(shape)
    spots = [(3, 4), (5, 30), (4, 60), (22, 15), (25, 45), (28, 72), (45, 5), (50, 35), (52, 66)]
    for k, (r, c) in enumerate(spots, 1):
        cores[r : r + 3, c : c + 4] = k
    res[cores > 0] = 2.0
    return res, cores


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("lc")
    res, cores = _case()
    return (
        res,
        cores,
        write_cog(res, d / "r.tif", transform=T),
        write_cog(cores, d / "c.tif", transform=T),
    )


def _compare(single, tiles):
    kept = single.links[single.links["kept"]].sort_values(["core1", "core2"])
    mine = tiles.links[tiles.links["kept"]].sort_values(["core1", "core2"])
    assert len(kept) >= 2
    assert kept[["core1", "core2"]].values.tolist() == mine[["core1", "core2"]].values.tolist()
    np.testing.assert_allclose(mine["cost_distance"], kept["cost_distance"], rtol=1e-10)
    np.testing.assert_allclose(mine["path_length"], kept["path_length"], rtol=1e-10)
    a = np.asarray(single.corridors)
    b = tiles.read()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = np.isfinite(a)
    assert ok.sum() > 50  # corridors, not just paths
    np.testing.assert_allclose(b[ok], a[ok], rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("chunks", [9, (16, 23), 100])
def test_equal_to_single_process_in_process(files, tmp_path, chunks):
    res, cores, r, c = files
    opts = {"max_cost_distance": 700.0, "cutoff": 60.0}
    single = network_single(res, cores, pairs="all", cellsize=10.0, **opts)
    tiles = corridor_network(r, c, output_dir=tmp_path, chunks=chunks, **opts)
    _compare(single, tiles)
    assert tiles.bound == 760.0 and tiles.window_cells == 39  # floor(760 / (2 x 10)) + 1
    # links beyond the bound are absent, not mislabelled
    far = single.links[single.links["status"] == "too_long_cost"]
    assert len(far) > 0 and not set(map(tuple, far[["core1", "core2"]].values)) & set(
        map(tuple, tiles.links[["core1", "core2"]].values)
    )


def test_equal_on_two_workers_with_4_neighbors(files, tmp_path):
    res, cores, r, c = files
    opts = {"max_cost_distance": 800.0, "cutoff": 30.0, "neighbors": 4}
    single = network_single(
        res, cores, pairs="all", cellsize=10.0, drop_through_cores=False, **opts
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        tiles = corridor_network(
            r, c, output_dir=tmp_path, chunks=15, client=client, drop_through_cores=False, **opts
        )
    _compare(single, tiles)


def test_errors(files, tmp_path):
    res, cores, r, c = files
    with pytest.raises(ValueError, match="max_cost_distance must be"):
        corridor_network(r, c, max_cost_distance=-1, cutoff=1, output_dir=tmp_path)
    with pytest.raises(ValueError, match="cutoff must be"):
        corridor_network(r, c, max_cost_distance=1, cutoff=-1, output_dir=tmp_path)
    with pytest.raises(TypeError, match="drop_through_cores must be True or False"):
        corridor_network(
            r, c, max_cost_distance=1, cutoff=1, output_dir=tmp_path, drop_through_cores=1
        )
    one = write_cog(np.where(cores == 1, 1.0, 0.0), tmp_path / "one.tif", transform=T)
    with pytest.raises(ValueError, match="at least two cores"):
        corridor_network(r, one, max_cost_distance=1, cutoff=1, output_dir=tmp_path)
    small = write_cog(np.ones((3, 3)), tmp_path / "s.tif")
    with pytest.raises(ValueError, match=r"cores has shape \(3, 3\)"):
        corridor_network(r, small, max_cost_distance=1, cutoff=1, output_dir=tmp_path)
