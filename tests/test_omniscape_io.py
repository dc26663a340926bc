"""Tests of gpec_teach.omniscape_io on tiny hand-made Omniscape jobs in tmp_path."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import rasterio

from gpec_teach import circuit as C
from gpec_teach.omniscape_io import OmniscapeWarning, read_omniscape_ini, run_omniscape_ini


def write_asc(path, values, *, nodata=-9999, prj=None):
    values = np.asarray(values, dtype=float)
    head = (
        f"ncols {values.shape[1]}\nnrows {values.shape[0]}\nxllcorner 0\nyllcorner 0\n"
        f"cellsize 1\nnodata_value {nodata}\n"
    )
    body = "\n".join(" ".join(repr(float(v)) for v in row) for row in values)
    path.write_text(head + body + "\n")
    if prj:
        path.with_suffix(".prj").write_text(prj)
    return path


def job(tmp_path, text, *, resistance=None, sources=None, **rasters):
    r = np.ones((3, 6)) if resistance is None else resistance
    write_asc(tmp_path / "r.asc", r)
    s = np.zeros(np.shape(r)) if sources is None else sources
    if sources is None:
        s[1, 2:4] = 1.0
    write_asc(tmp_path / "s.asc", s)
    for name, values in rasters.items():
        write_asc(tmp_path / f"{name}.asc", values)
    ini = tmp_path / "job.ini"
    ini.write_text(text)
    return ini


BASE = "resistance_file = r.asc\nsource_file = s.asc\nradius = 1\nproject_name = out\n"


def run(ini, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OmniscapeWarning)
        return run_omniscape_ini(ini, **kw)


# ------------------------------------------------------------------ hand-worked jobs
def test_two_sources_hand_worked_and_files(tmp_path):
    # two cells of strength 1 side by side: each window sends 1 A from one to the other,
    # so each carries 1 + 1 = 2 A; defaults write cum_currmap.tif and config.ini
    out = run(job(tmp_path, BASE))
    assert out.n_targets == 2
    np.testing.assert_allclose(out.cumulative_current[1, 2:4], [2.0, 2.0], rtol=1e-12)
    assert sorted(out.files) == ["config", "cum_currmap"]
    assert out.files["cum_currmap"].name == "cum_currmap.tif"
    assert out.output_dir == tmp_path / "out"
    again = run(tmp_path / "job.ini")  # Omniscape never overwrites: out_1
    assert again.output_dir == tmp_path / "out_1"


def test_ascii_output_keeps_crs_and_nodata(tmp_path):
    r = np.ones((3, 6))
    r[0, 0] = -9999
    ini = job(tmp_path, BASE + "write_as_tif = false\ncalc_flow_potential = true\n", resistance=r)
    write_asc(
        tmp_path / "r.asc",
        r,
        prj='GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",'
        '6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
    )
    out = run(ini, output_dir=tmp_path / "o")
    assert out.files["cum_currmap"].suffix == ".asc"
    assert out.files["flow_potential"].name == "flow_potential.asc"
    with rasterio.open(out.files["cum_currmap"]) as ds:
        assert out.crs is not None and ds.crs == out.crs
        assert "WGS 84" in ds.crs.to_wkt()
        assert ds.nodata == -9999
        assert ds.read(1)[0, 0] == -9999
    assert np.isnan(out.cumulative_current[0, 0])


def test_mask_nodata_false_keeps_values(tmp_path):
    r = np.ones((3, 6))
    r[0, 2] = -9999
    out = run(
        job(
            tmp_path, BASE + "mask_nodata = false\ncalc_normalized_current = true\n", resistance=r
        ),
        write=False,
    )
    assert out.cumulative_current[0, 2] == 0.0  # no node: no current, but not masked
    assert out.flow_potential[0, 2] > 0  # the uniform landscape has the cell
    assert out.normalized_current[0, 2] == 0.0


def test_even_block_size_raised_and_unknown_keys_warn(tmp_path):
    ini = job(
        tmp_path,
        BASE.replace("radius = 1", "radius = 3") + "block_size = 2\nfoo = 1\nsolver = nonsense\n",
    )
    with pytest.warns(OmniscapeWarning) as record:
        parsed = read_omniscape_ini(ini)
    messages = " ".join(str(w.message) for w in record)
    assert parsed.block_size == 3 and parsed.unknown == ("foo",)
    assert "block_size + 1 = 3" in messages and "foo" in messages and "nonsense" in messages


def test_source_threshold_drops_weak_targets(tmp_path):
    s = np.zeros((3, 6))
    s[1, 2], s[1, 3] = 1.0, 0.1
    out = run(job(tmp_path, BASE + "source_threshold = 0.2\n", sources=s), write=False)
    assert out.n_targets == 0  # the only other source is below the threshold
    assert np.all(out.cumulative_current == 0)


def test_sources_from_resistance_with_cutoff(tmp_path):
    r = np.full((3, 6), 5.0)
    r[1, 2:4] = 0.5  # sources 1 / 0.5 = 2 where resistance <= r_cutoff
    ini = job(
        tmp_path,
        "resistance_file = r.asc\nradius = 1\nproject_name = o\n"
        "source_from_resistance = true\nr_cutoff = 1\n",
        resistance=r,
    )
    out = run(ini, write=False)
    s = np.where(r <= 1, 1 / r, 0.0)
    ref = C.omniscape(r, s, radius=1, flow_potential=False)
    assert out.n_targets == 2
    np.testing.assert_allclose(out.cumulative_current, ref.cumulative_current, rtol=1e-12)


def test_resistance_is_conductance(tmp_path):
    g = np.full((3, 6), 2.0)
    ini = job(tmp_path, BASE + "resistance_is_conductance = true\n", resistance=g)
    out = run(ini, write=False)
    ref = run(job(tmp_path, BASE, resistance=1 / g), write=False)
    np.testing.assert_allclose(out.cumulative_current, ref.cumulative_current, rtol=1e-12)


def test_options_map_to_omniscape_function(tmp_path):
    rng = np.random.default_rng(3)
    r = rng.uniform(1, 10, (9, 9))
    s = rng.uniform(0, 1, (9, 9))
    text = (
        "resistance_file = r.asc\nsource_file = s.asc\nradius = 3\nbuffer = 1\n"
        "block_size = 3\nproject_name = o\nconnect_four_neighbors_only = true\n"
        "calc_normalized_current = true\n"
    )
    out = run(job(tmp_path, text, resistance=r, sources=s), write=False)
    ref = C.omniscape(r, s, radius=3, buffer=1, block_size=3, neighbors=4)
    np.testing.assert_allclose(out.cumulative_current, ref.cumulative_current, rtol=1e-9)
    np.testing.assert_allclose(out.normalized_current, ref.normalized_current, rtol=1e-9)


def test_reclass_table_and_missing(tmp_path):
    r = np.array([[1.0, 2, 2, 2, 2, 1], [1, 2, 2, 2, 2, 1], [1, 2, 2, 2, 2, 1]])
    (tmp_path / "reclass.txt").write_text('1\t"missing"\n2\t4\n')
    ini = job(
        tmp_path,
        BASE + "reclassify_resistance = true\nreclass_table = reclass.txt\n"
        "write_reclassified_resistance = true\nwrite_as_tif = false\n",
        resistance=r,
    )
    out = run(ini, output_dir=tmp_path / "o")
    assert np.isnan(out.classified_resistance[:, 0]).all()
    assert np.all(out.classified_resistance[:, 1:5] == 4)
    assert out.files["classified_resistance"].name == "classified_resistance.asc"
    ref = C.omniscape(
        np.where(r == 1, np.nan, 4.0),
        np.loadtxt(tmp_path / "s.asc", skiprows=6),
        radius=1,
        flow_potential=False,
    )
    np.testing.assert_allclose(
        out.cumulative_current, ref.cumulative_current, rtol=1e-12, equal_nan=True
    )


def test_conditional_within_and_future(tmp_path):
    # the two sources differ by 1 in the condition: "within 0.5" separates them
    cond = np.zeros((3, 6))
    cond[1, 3] = 1.0
    text = BASE + (
        "conditional = true\ncondition1_file = c.asc\ncomparison1 = within\n"
        "condition1_lower = -0.5\ncondition1_upper = 0.5\n"
    )
    out = run(job(tmp_path, text, c=cond), write=False)
    assert out.n_targets == 0 and np.all(out.cumulative_current == 0)
    # in the future both targets reach the other's present value: the window of the
    # target at (1, 2) (future value 1) connects to the source at (1, 3) (present 1)
    future = cond.copy()
    future[1, 2], future[1, 3] = 1.0, 0.0
    text2 = text + "compare_to_future = 1\ncondition1_future_file = f.asc\n"
    out2 = run(job(tmp_path, text2, c=cond, f=future), write=False)
    assert out2.n_targets == 2
    np.testing.assert_allclose(out2.cumulative_current[1, 2:4], [2.0, 2.0], rtol=1e-12)


def test_conditional_equal(tmp_path):
    classes = np.full((3, 6), 3.0)
    text = BASE + "conditional = true\ncondition1_file = c.asc\ncomparison1 = equal\n"
    out = run(job(tmp_path, text, c=classes), write=False)
    np.testing.assert_allclose(out.cumulative_current[1, 2:4], [2.0, 2.0], rtol=1e-12)
    classes[1, 3] = 4.0
    out = run(job(tmp_path, text, c=classes), write=False)
    assert out.n_targets == 0


def test_single_precision_writes_float32(tmp_path):
    out = run(job(tmp_path, BASE + "precision = single\n"), output_dir=tmp_path / "o")
    assert out.cumulative_current.dtype == np.float32
    with rasterio.open(out.files["cum_currmap"]) as ds:
        assert ds.dtypes[0] == "float32"


# ------------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (
            "n_conditions = 3\nconditional = true\ncondition1_file = s.asc\n",
            "n_conditions must be 1 or 2",
        ),
        (
            "conditional = true\ncondition1_file = s.asc\ncompare_to_future = foo\n",
            "compare_to_future must be one of none, 1, 2, both",
        ),
        (
            "conditional = true\ncondition1_file = s.asc\ncomparison1 = foo\n",
            "comparison1 must be within or equal",
        ),
        (
            "conditional = true\ncondition1_file = s.asc\ncondition1_lower = 1\n"
            "condition1_upper = -1\n",
            "condition1_lower .* is above condition1_upper",
        ),
        ("conditional = true\n", "condition1_file is required when conditional = true"),
        (
            "conditional = true\ncondition1_file = s.asc\ncompare_to_future = 1\n",
            "condition1_future_file is required when compare_to_future = 1",
        ),
        ("mask_nodata = yes\n", "mask_nodata must be true or false"),
        ("precision = half\n", "precision must be double or single"),
        ("buffer = -1\n", "buffer must be a non-negative whole number"),
        ("block_size = 5\n", "block_size \\(5\\) must not exceed radius \\(1\\)"),
        ("source_threshold = -1\n", "source_threshold must be 0 or more"),
        ("reclassify_resistance = true\n", "reclass_table is required"),
        ("source_threshold = abc\n", "source_threshold must be a number"),
    ],
)
def test_refusals_name_the_key(tmp_path, extra, match):
    ini = job(tmp_path, BASE + extra)
    with pytest.raises(ValueError, match=match):
        run(ini, output_dir=tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_refusals_of_missing_keys_and_sources(tmp_path):
    ini = job(tmp_path, "resistance_file = r.asc\n")
    with pytest.raises(ValueError, match="radius, project_name are required"):
        read_omniscape_ini(ini)
    ini = job(tmp_path, "resistance_file = r.asc\nradius = 1.5\nproject_name = o\n")
    with pytest.raises(ValueError, match="radius must be a positive whole number"):
        read_omniscape_ini(ini)
    ini = job(tmp_path, "resistance_file = r.asc\nradius = 1\nproject_name = o\n")
    with pytest.raises(ValueError, match="source_file is required when source_from_resistance"):
        read_omniscape_ini(ini)
    ini = job(tmp_path, BASE.replace("s.asc", "nothere.asc"))
    with pytest.raises(FileNotFoundError, match="source_file = nothere.asc"):
        read_omniscape_ini(ini)
    with pytest.raises(FileNotFoundError, match="job file not found"):
        read_omniscape_ini(tmp_path / "none.ini")


def test_refusals_of_raster_values(tmp_path):
    r = np.ones((3, 6))
    r[2, 1] = 0.0
    ini = job(tmp_path, BASE, resistance=r)
    with pytest.raises(ValueError, match="resistance_file r.asc has 1 cell\\(s\\) <= 0"):
        run(ini, output_dir=tmp_path / "o")
    assert not (tmp_path / "o").exists()
    ini = job(tmp_path, BASE, sources=-np.ones((3, 6)))
    with pytest.raises(ValueError, match="source_file has 18 negative cell"):
        run(ini, write=False)
    ini = job(tmp_path, BASE)
    write_asc(tmp_path / "s.asc", np.ones((2, 6)))
    with pytest.raises(ValueError, match="source_file has 2 rows x 6 columns"):
        run(ini, write=False)
    (tmp_path / "bad.txt").write_text("1 2 3\n")
    ini = job(tmp_path, BASE + "reclassify_resistance = true\nreclass_table = bad.txt\n")
    with pytest.raises(ValueError, match="expected two columns"):
        run(ini, write=False)
