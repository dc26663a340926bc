"""gpec_teach.scale: the distributed moving window equals the single-process one.

Equality to 1e-10 relative (the sums only change order) for cumulative current, flow
potential and normalised current, on random grids and the teaching landscape, whatever
the chunking, with no client, a threaded LocalCluster of 2 workers and a process
LocalCluster of 1 worker.
"""

from __future__ import annotations

import numpy as np
import pytest

from gpec_teach.circuit import OmniscapeCondition
from gpec_teach.circuit import omniscape as omniscape_single
from gpec_teach.scale import _omniscape as scale_omniscape_module
from gpec_teach.scale import omniscape, raster_info, read_window, write_cog

distributed = pytest.importorskip("distributed")

MAPS = ("cumulative_current", "flow_potential", "normalized_current")


@pytest.fixture(scope="module")
def threads2():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def processes1():
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _random_case(seed=3, shape=(29, 37)):
    rng = np.random.default_rng(seed)
    res = np.exp(rng.normal(0.0, 1.0, shape))
    res[rng.random(shape) < 0.05] = np.nan
    src = np.where(rng.random(shape) < 0.4, rng.random(shape), 0.0)
    return res, src


def assert_same(single, tiles, maps=MAPS):
    for name in maps:
        a = np.asarray(getattr(single, name))
        b = tiles.read(name)
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        ok = np.isfinite(a)
        scale = np.maximum(np.abs(a[ok]), 1e-300)
        rel = np.abs(a[ok] - b[ok]) / scale
        assert rel.max(initial=0.0) <= 1e-10, (name, rel.max())
        assert np.any(a[ok] > 0), name  # the comparison is not between two empty maps
    assert tiles.n_targets == single.n_targets


@pytest.fixture(scope="module")
def random_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("random")
    res, src = _random_case()
    return res, src, write_cog(res, d / "r.tif"), write_cog(src, d / "s.tif")


@pytest.mark.parametrize("chunks", [7, (11, 16), 100])
@pytest.mark.parametrize("opts", [{"radius": 4}, {"radius": 5, "block_size": 3, "buffer": 2}])
def test_random_grid_equal_in_process_any_chunking(random_files, tmp_path, chunks, opts):
    res, src, r, s = random_files
    single = omniscape_single(res, src, **opts)
    tiles = omniscape(r, s, output_dir=tmp_path, chunks=chunks, **opts)
    assert_same(single, tiles)


@pytest.mark.parametrize("chunks", [6, (13, 9)])
def test_random_grid_equal_on_two_thread_workers(random_files, tmp_path, threads2, chunks):
    res, src, r, s = random_files
    opts = {"radius": 4, "block_size": 3, "null_window": "circle"}
    single = omniscape_single(res, src, **opts)
    tiles = omniscape(r, s, output_dir=tmp_path, chunks=chunks, client=threads2, **opts)
    assert_same(single, tiles)
    assert tiles.n_tiles == -(-29 // tiles.chunks[0]) * -(-37 // tiles.chunks[1])


def test_random_grid_equal_on_one_process_worker(random_files, tmp_path, processes1):
    res, src, r, s = random_files
    single = omniscape_single(res, src, radius=3, buffer=1, connection="resistance")
    tiles = omniscape(
        r, s, radius=3, buffer=1, connection="resistance", output_dir=tmp_path, chunks=10,
        client=processes1,
    )  # fmt: skip
    assert_same(single, tiles)


def _landscape(resolution):
    from gpec_teach import data

    lc = data.load("landcover", year=2020, resolution=resolution).values.astype(float)
    res = np.where(lc > 0, 1.0 + lc, np.nan)  # 0 = sea (nodata); codes 1..8 -> 2..9
    src = np.where(lc == 1, 1.0, 0.0)  # one class as habitat
    return res, src


def test_teaching_landscape_500m_equal_on_two_workers(tmp_path, threads2):
    res, src = _landscape(500)
    opts = {"radius": 6, "block_size": 3}
    single = omniscape_single(res, src, **opts)
    r, s = write_cog(res, tmp_path / "r.tif"), write_cog(src, tmp_path / "s.tif")
    for chunks in (64, (50, 90)):
        tiles = omniscape(
            r, s, output_dir=tmp_path / str(chunks), chunks=chunks, client=threads2, **opts
        )
        assert_same(single, tiles)


def test_conditions_and_single_precision_follow_the_single_process_run(tmp_path):
    res, src = _random_case(seed=8, shape=(21, 24))
    present = np.random.default_rng(1).normal(size=res.shape)
    p = write_cog(present, tmp_path / "p.tif")
    r, s = write_cog(res, tmp_path / "r.tif"), write_cog(src, tmp_path / "s.tif")
    cond = dict(lower=-0.8, upper=0.8)
    single = omniscape_single(
        res, src, radius=4, conditions=OmniscapeCondition(present, **cond), precision="single"
    )
    tiles = omniscape(
        r, s, radius=4, conditions=OmniscapeCondition(p, **cond), precision="single",
        output_dir=tmp_path / "o", chunks=8,
    )  # fmt: skip
    assert tiles.read("cumulative_current").dtype == np.float64  # read back as float64
    import rasterio

    with rasterio.open(tiles.files["cumulative_current"]) as f:
        assert f.dtypes[0] == "float32"
    for name in MAPS:  # float32 maps: equal to float32 rounding
        a, b = getattr(single, name), tiles.read(name)
        np.testing.assert_allclose(b, a, rtol=2e-7, atol=0)


def test_tasks_read_only_their_windows(random_files, tmp_path, monkeypatch):
    res, src, r, s = random_files
    reads = []
    real = scale_omniscape_module.read_window

    def spy(path, rows, cols):
        reads.append((rows[1] - rows[0]) * (cols[1] - cols[0]))
        return real(path, rows, cols)

    monkeypatch.setattr(scale_omniscape_module, "read_window", spy)
    radius, chunks = 3, 8
    omniscape(r, s, radius=radius, output_dir=tmp_path, chunks=chunks, flow_potential=False)
    assert reads and max(reads) <= (chunks + 2 * radius) ** 2 < res.size


def test_outputs_are_cogs_with_the_input_georeferencing(tmp_path):
    import rasterio
    from affine import Affine

    t = Affine(250.0, 0, 1000.0, 0, -250.0, 5000.0)
    r = write_cog(np.ones((6, 6)), tmp_path / "r.tif", transform=t, crs="EPSG:3035")
    s = write_cog(np.eye(6), tmp_path / "s.tif", transform=t, crs="EPSG:3035")
    out = omniscape(r, s, radius=2, output_dir=tmp_path / "o", chunks=4)
    with rasterio.open(out.files["normalized_current"]) as f:
        assert f.transform == t and f.crs.to_epsg() == 3035
        assert f.profile["tiled"] and f.driver == "GTiff"
    assert raster_info(out.files["flow_potential"]).shape == (6, 6)
    assert read_window(out.files["cumulative_current"], (0, 1), (0, 6)).shape == (1, 6)


def test_hand_worked_strip_across_tile_edges(tmp_path):
    s = np.zeros((3, 6))
    s[1, 2:4] = 1.0
    r = write_cog(np.ones((3, 6)), tmp_path / "r.tif")
    src = write_cog(s, tmp_path / "s.tif")
    out = omniscape(r, src, radius=1, output_dir=tmp_path, chunks=(1, 3), flow_potential=False)
    cur = out.read("cumulative_current")
    assert out.n_targets == 2  # each source is the target of one window
    np.testing.assert_allclose(cur[1, 2:4], [2.0, 2.0])  # 1 A in, 1 A out, per window
    assert set(out.files) == {"cumulative_current"}


def test_errors(tmp_path, random_files):
    _, _, r, s = random_files
    with pytest.raises(TypeError, match="resistance must be the path of a GeoTIFF"):
        omniscape(np.ones((3, 3)), s, radius=2, output_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="sources: raster file not found"):
        omniscape(r, tmp_path / "nope.tif", radius=2, output_dir=tmp_path)
    other = write_cog(np.ones((4, 4)), tmp_path / "o.tif")
    with pytest.raises(ValueError, match=r"sources has shape \(4, 4\)"):
        omniscape(r, other, radius=2, output_dir=tmp_path)
    with pytest.raises(ValueError, match="chunks must be a positive integer"):
        omniscape(r, s, radius=2, output_dir=tmp_path, chunks=0)
    with pytest.raises(TypeError, match="client must be a dask.distributed.Client"):
        omniscape(r, s, radius=2, output_dir=tmp_path, client="localhost")
    with pytest.raises(ValueError, match="radius must be a positive integer"):
        omniscape(r, s, radius=0, output_dir=tmp_path)
    with pytest.raises(ValueError, match="block_size must be a positive odd integer"):
        omniscape(r, s, radius=3, block_size=2, output_dir=tmp_path)
    with pytest.raises(TypeError, match=r"conditions\[0\] must be an OmniscapeCondition"):
        omniscape(r, s, radius=3, conditions=[1], output_dir=tmp_path)
    neg = write_cog(-np.ones((29, 37)), tmp_path / "neg.tif")
    with pytest.raises(ValueError, match="sources must be non-negative"):
        omniscape(r, neg, radius=3, output_dir=tmp_path / "n")
    with pytest.raises(ValueError, match="dtype must be 'float64' or 'float32'"):
        write_cog(np.ones((2, 2)), tmp_path / "x.tif", dtype="int8")
    with pytest.raises(ValueError, match="values must be a 2-D grid"):
        write_cog(np.ones(3), tmp_path / "x.tif")


@pytest.mark.parametrize(
    "extra",
    [
        "block_size = 3\nbuffer = 1\ncalc_normalized_current = true\n",
        "source_from_resistance = true\nr_cutoff = 3\nresistance_is_conductance = true\n"
        "calc_flow_potential = true\nprecision = single\n",
    ],
)
def test_ini_job_distributed_equals_the_single_process_runner(tmp_path, threads2, extra):
    from gpec_teach.omniscape_io import run_omniscape_ini as run_single
    from gpec_teach.scale import run_omniscape_ini

    res, src = _random_case(seed=11, shape=(19, 23))
    write_cog(res, tmp_path / "r.tif")
    write_cog(src, tmp_path / "s.tif")
    ini = tmp_path / "job.ini"
    ini.write_text(
        "resistance_file = r.tif\nsource_file = s.tif\nradius = 4\nproject_name = out\n" + extra
    )
    single = run_single(ini, write=False)
    tiles = run_omniscape_ini(ini, chunks=7, client=threads2, output_dir=tmp_path / "o")
    assert (tmp_path / "o" / "config.ini").is_file()
    maps = single.maps()
    assert "cum_currmap" in tiles.files and set(tiles.files) <= set(maps)
    written = {
        "cum_currmap",
        "normalized_cum_currmap" if "normalized" in extra else "flow_potential",
    }
    assert set(tiles.files) == written  # the maps the job asks to write, as Omniscape.jl
    for name in tiles.files:
        a, b = maps[name], tiles.read(name)
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        ok = np.isfinite(a)
        np.testing.assert_allclose(b[ok], a[ok], rtol=1e-10 if a.dtype == np.float64 else 2e-7)
    assert tiles.n_targets == single.n_targets


def test_ini_job_refuses_nonpositive_resistance(tmp_path):
    from gpec_teach.scale import run_omniscape_ini

    write_cog(np.zeros((5, 5)), tmp_path / "r.tif")
    write_cog(np.ones((5, 5)), tmp_path / "s.tif")
    ini = tmp_path / "job.ini"
    ini.write_text("resistance_file = r.tif\nsource_file = s.tif\nradius = 2\nproject_name = o\n")
    with pytest.raises(ValueError, match="resistance_file has cell"):
        run_omniscape_ini(ini, chunks=3)
