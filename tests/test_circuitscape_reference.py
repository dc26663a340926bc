"""Validation against Circuitscape.jl's own test suite (../shared/reference/circuitscape_suite).

Every job of ``input/`` is run unchanged with ``run_ini``, and every expected file of
``output_verify`` that Circuitscape.jl itself writes for that job is compared with ours
the way Circuitscape.jl's tests compare them: resistances element-wise within 1e-3 (sqrt
of its tol 1e-6); grids and current/voltage tables by the sum of squared differences
below 1e-6 (tables keyed by node ids, a missing entry counting as 0). Expected files that
Circuitscape.jl no longer writes (``*_curmap_max``, maps a job does not ask for) are not
compared, as in Circuitscape.jl (``reference_checks.circuitscape_jl_writes``). The reference
files are read in place, never copied into this repository.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from gpec_teach.circuitscape_io import read_ascii_grid, read_ini, run_ini
from gpec_teach.reference_checks import circuitscape_jl_writes, compare_circuitscape_output

pytestmark = pytest.mark.reference

SUITE = "circuitscape_suite"


def _suite() -> Path:
    env = os.environ.get("GPEC_REFERENCE_DIR")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "reference"
    return root / SUITE


def _compared_files() -> list[tuple[str, str]]:
    """``(job .ini relative to the suite, expected file name)`` for every compared file."""
    root = _suite()
    if not (root / "output_verify").is_dir():
        return [("<reference folder absent>", "")]
    cases = []
    for ini in sorted(root.glob("input/**/*.ini")):
        job = read_ini(ini, base_dir=root)
        unpaired = job.unpaired_ids()
        for e in sorted((root / "output_verify").glob(f"{job.name}_*")):
            suffix = e.name[len(job.name) + 1 :]
            if e.suffix != ".ini" and circuitscape_jl_writes(
                job.options, suffix, unpaired_ids=unpaired
            ):
                cases.append((str(ini.relative_to(root)), e.name))
    return cases


@cache
def _run_job(ini: str, out_dir: str, solver: str = "auto"):
    root = _suite()
    return run_ini(root / ini, base_dir=root, write=True, output_dir=out_dir, solver=solver)


@pytest.fixture(scope="module")
def out_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("circuitscape_suite_out")


def _compare(expected: Path, ours: Path) -> None:
    measure, value, tol = compare_circuitscape_output(expected, ours)
    if measure.startswith("max"):
        assert value <= tol, f"{expected.name}: {measure} {value:.3e} > {tol:g}"
    else:
        assert value < tol, f"{expected.name}: {measure} {value:.3e} >= {tol:g}"


@pytest.mark.parametrize(("ini", "filename"), _compared_files())
def test_output_matches_circuitscape(reference_dir, out_root, ini, filename):
    folder = reference_dir / SUITE / "output_verify"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: Circuitscape.jl's test suite is not installed")
    out_dir = out_root / ini.replace("/", "_")
    result = _run_job(ini, str(out_dir))
    written = {p.name.rsplit(".", 1)[0]: p for p in result.files.values()}
    stem = filename.rsplit(".", 1)[0]
    assert stem in written, f"run_ini did not write {filename}; wrote {sorted(written)}"
    _compare(folder / filename, written[stem])


def test_every_job_of_the_suite_is_compared(reference_dir):
    root = reference_dir / SUITE
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    inis = {str(p.relative_to(root)) for p in root.glob("input/**/*.ini")}
    assert len(inis) >= 41
    compared = {ini for ini, _ in _compared_files()}
    assert compared == inis


@pytest.mark.parametrize(
    "ini",
    [
        "input/raster/pairwise/2/sgVerify2.ini",
        "input/raster/pairwise/5/sgVerify5.ini",
        "input/raster/one_to_all/2/oneToAllVerify2.ini",
        "input/raster/all_to_one/12/allToOneVerify12.ini",
        "input/network/sgNetworkVerify1.ini",
    ],
)
def test_amg_solver_gives_the_same_resistances(reference_dir, tmp_path, ini):
    """Forcing the multigrid solver reproduces the direct-solver results."""
    if not (reference_dir / SUITE).is_dir():
        pytest.skip(f"{reference_dir / SUITE} is absent")
    direct = _run_job(ini, str(tmp_path / "d"), "direct")
    amg = _run_job(ini, str(tmp_path / "a"), "amg")
    np.testing.assert_allclose(amg.resistances, direct.resistances, atol=1e-6)


def test_hand_checkable_values_sgverify2(reference_dir, tmp_path):
    """README facts: R(1,2)=0 (one polygon), R(4,5)=0.75, cum map [6 6 8 7 4; 0 0 0 1 1]."""
    root = reference_dir / SUITE
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    out = run_ini(root / "input/raster/pairwise/2/sgVerify2.ini", base_dir=root)
    r = out.result.resistances
    assert r.loc[1, 2] == 0.0
    # 4 and 5 are joined by a direct 1-ohm link in parallel with a 3-ohm detour
    # through the lower row: 1 * 3 / (1 + 3) = 0.75
    assert r.loc[4, 5] == pytest.approx(0.75)
    np.testing.assert_allclose(out.grids["cum_curmap"], [[6, 6, 8, 7, 4], [0, 0, 0, 1, 1]])


def test_disconnected_pairs_are_minus_one_sgverify6(reference_dir):
    root = reference_dir / SUITE
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    job = read_ini(root / "input/raster/pairwise/6/sgVerify6.ini", base_dir=root)
    assert not job.flag("use_polygons")
    out = run_ini(job.path, base_dir=root)
    r = out.result.resistances
    # the Python result says "no path" with inf; the written table keeps Circuitscape's -1
    assert r.loc[1, 7] == np.inf and r.loc[3, 7] == np.inf and r.loc[4, 7] == np.inf
    ids = list(out.resistances[0, 1:])
    assert out.resistances[ids.index(1) + 1, ids.index(7) + 1] == -1
    assert r.loc[2, 7] == pytest.approx(1.4)
    # no map is produced for a disconnected pair
    assert (1, 7) not in out.result.current_maps


# ------------------------------------------- reader/runner unit tests (no reference)
from gpec_teach import circuit as C  # noqa: E402
from gpec_teach.circuitscape_io import write_ascii_grid  # noqa: E402

HEADER = {"ncols": 4, "nrows": 3, "xllcorner": 100.0, "yllcorner": 200.0, "cellsize": 10.0}


def _ini(folder: Path, **options) -> Path:
    text = "\n".join(f"{k} = {v}" for k, v in options.items())
    path = folder / "job.ini"
    path.write_text("[Circuitscape mode]\n" + text + "\n")
    return path


def _resistance(folder: Path) -> np.ndarray:
    r = np.array([[1.0, 2.0, 3.0, 1.0], [2.0, np.nan, 1.0, 4.0], [1.0, 1.0, 2.0, 1.0]])
    write_ascii_grid(folder / "r.asc", r, HEADER)
    return r


def test_ascii_grid_round_trip_and_center_header(tmp_path):
    values = np.array([[1.5, np.nan], [0.0, 7.0]])
    write_ascii_grid(tmp_path / "g.asc", values, {**HEADER, "ncols": 2, "nrows": 2})
    back, header = read_ascii_grid(tmp_path / "g.asc")
    np.testing.assert_array_equal(np.isnan(back), np.isnan(values))
    assert back[1, 1] == 7.0 and header["xllcorner"] == 100.0
    (tmp_path / "c.asc").write_text("ncols 1\nnrows 1\nxllcenter 5\nyllcenter 5\ncellsize 10\n3\n")
    _, header = read_ascii_grid(tmp_path / "c.asc")
    assert header["xllcorner"] == 0.0 and header["nodata"] == -9999.0
    write_ascii_grid(tmp_path / "z.asc", values, {**HEADER, "ncols": 2, "nrows": 2}, compress=True)
    assert read_ascii_grid(tmp_path / "z.asc.gz")[0][1, 1] == 7.0


def test_text_point_list_matches_array_call(tmp_path):
    r = _resistance(tmp_path)
    # id x y: cell (row 0, col 0) has centre x=105, y=225; (2, 3): x=135, y=205
    (tmp_path / "pts.txt").write_text("1 105 225\n2 135 205\n3 125 215\n")
    ini = _ini(
        tmp_path,
        data_type="raster",
        scenario="pairwise",
        habitat_file="r.asc",
        point_file="pts.txt",
        connect_four_neighbors_only="False",
        connect_using_avg_resistances="True",
        write_cur_maps="True",
        set_null_currents_to_nodata="True",
        output_file="out/job.out",
    )
    out = run_ini(ini, write=True)
    ref = C.pairwise_resistance(r, [(0, 0), (2, 3), (1, 2)], connection="resistance")
    np.testing.assert_allclose(out.resistances[1:, 1:], ref.resistances.to_numpy())
    cum, _ = read_ascii_grid(tmp_path / "out" / "job_cum_curmap.asc")
    assert np.isnan(cum[1, 1])  # nodata cell written as -9999
    assert (tmp_path / "out" / "job_curmap_1_2.asc").exists()
    assert (tmp_path / "out" / "job_resistances_3columns.out").exists()


def test_defaults_are_circuitscape_code_defaults(tmp_path):
    # missing connection options: 8 neighbours and average conductance
    r = _resistance(tmp_path)
    write_ascii_grid(tmp_path / "p.asc", [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 2]], HEADER)
    ini = _ini(tmp_path, scenario="pairwise", habitat_file="r.asc", point_file="p.asc")
    out = run_ini(ini)
    ref = C.effective_resistance(r, (0, 0), (2, 3), connection="conductance")
    assert out.resistances[1, 2] == pytest.approx(ref)


@pytest.mark.parametrize(
    ("content", "solved"),
    [
        ("mode include\n1 3\n", {(1, 3)}),
        ("mode exclude\n1 3\n", {(1, 2), (2, 3)}),
        ("min 1\nmax 5\n0 1 2 3\n1 0 9 2\n2 9 0 0\n3 2 0 0\n", {(1, 3)}),
    ],
)
def test_included_pairs_files(tmp_path, content, solved):
    _resistance(tmp_path)
    write_ascii_grid(tmp_path / "p.asc", [[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 0]], HEADER)
    (tmp_path / "pairs.txt").write_text(content)
    ini = _ini(
        tmp_path,
        scenario="pairwise",
        habitat_file="r.asc",
        point_file="p.asc",
        use_included_pairs="True",
        included_pairs_file="pairs.txt",
    )
    table = run_ini(ini).result.resistances
    got = {(a, b) for a in table.index for b in table.columns if a < b and table.loc[a, b] > 0}
    assert got == solved


def test_mask_reclass_and_conductance_habitat(tmp_path):
    write_ascii_grid(tmp_path / "h.asc", [[1, 1, 1, 5], [1, 5, 5, 5], [1, 1, 1, 1]], HEADER)
    write_ascii_grid(tmp_path / "m.asc", [[1, 1, 1, 1], [1, 1, 1, 1], [1, 0, 1, 1]], HEADER)
    write_ascii_grid(tmp_path / "p.asc", [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 2]], HEADER)
    (tmp_path / "reclass.txt").write_text("5 2\n")
    ini = _ini(
        tmp_path,
        scenario="pairwise",
        habitat_file="h.asc",
        point_file="p.asc",
        habitat_map_is_resistances="False",
        use_mask="True",
        mask_file="m.asc",
        use_reclass_table="True",
        reclass_file="reclass.txt",
        connect_using_avg_resistances="True",
    )
    cond = np.array([[1, 1, 1, 2], [1, 2, 2, 2], [1, np.nan, 1, 1]], dtype=float)
    ref = C.effective_resistance(
        cond, (0, 0), (2, 3), values="conductance", connection="resistance"
    )
    assert run_ini(ini).resistances[1, 2] == pytest.approx(ref)


def test_raster_advanced_ini(tmp_path):
    r = _resistance(tmp_path)
    src = np.zeros((3, 4))
    src[0, 0] = 2.0
    gnd = np.full((3, 4), np.nan)
    gnd[2, 3] = 0.0
    write_ascii_grid(tmp_path / "s.asc", src, HEADER)
    write_ascii_grid(tmp_path / "g.asc", gnd, HEADER)
    ini = _ini(
        tmp_path,
        scenario="advanced",
        habitat_file="r.asc",
        source_file="s.asc",
        ground_file="g.asc",
        write_cur_maps="True",
        write_volt_maps="True",
        connect_using_avg_resistances="True",
        output_file="adv.out",
    )
    out = run_ini(ini, write=True)
    ref = C.advanced(r, src, gnd, connection="resistance")
    np.testing.assert_allclose(out.grids["voltmap"], np.nan_to_num(ref.voltage))
    assert (tmp_path / "adv_curmap.asc").exists()


def test_network_advanced_ini(tmp_path):
    (tmp_path / "g.txt").write_text("0 1 100\n0 2 100\n1 3 100\n2 3 100\n")
    (tmp_path / "s.txt").write_text("0 1\n")
    (tmp_path / "gr.txt").write_text("2 0\n")
    ini = _ini(
        tmp_path,
        data_type="network",
        scenario="advanced",
        habitat_file="g.txt",
        habitat_map_is_resistances="True",
        source_file="s.txt",
        ground_file="gr.txt",
        ground_file_is_resistances="True",
    )
    out = run_ini(ini)
    np.testing.assert_allclose(out.resistances[:, 1], [75, 50, 0, 25])


def test_ini_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="job file not found"):
        read_ini(tmp_path / "nope.ini")
    ini = _ini(tmp_path, scenario="sideways")
    with pytest.raises(ValueError, match="scenario must be one of"):
        read_ini(ini)
    ini = _ini(tmp_path, scenario="pairwise", habitat_file="missing.asc", point_file="p.asc")
    with pytest.raises(FileNotFoundError, match="habitat_file = missing.asc .* was not found"):
        run_ini(ini)
    (tmp_path / "g.txt").write_text("0 1 1\n")
    ini = _ini(tmp_path, data_type="network", scenario="one-to-all", habitat_file="g.txt")
    with pytest.raises(ValueError, match="network data supports the pairwise and advanced"):
        run_ini(ini)
    (tmp_path / "bad.asc").write_text("ncols 2\nnrows 2\ncellsize 1\n1 2 3\n")
    with pytest.raises(ValueError, match="bad.asc could not be read as a raster"):
        read_ascii_grid(tmp_path / "bad.asc")


# ------------------------------ Circuitscape.jl semantics of run_ini (issue 15, no reference)
STRIP = {"ncols": 4, "nrows": 1, "xllcorner": 0.0, "yllcorner": 0.0, "cellsize": 1.0}


def _strip_job(folder: Path, points, scenario, **options) -> Path:
    write_ascii_grid(folder / "r.asc", [[1.0, 1.0, 1.0, 1.0]], STRIP)
    write_ascii_grid(folder / "p.asc", [points], STRIP)
    opts = {
        "scenario": scenario,
        "habitat_file": "r.asc",
        "point_file": "p.asc",
        "connect_four_neighbors_only": "True",
        "output_file": "out.out",
        **options,
    }
    return _ini(folder, **opts)


def test_all_to_one_injects_one_amp_per_focal_id_not_per_cell(tmp_path):
    # strip of four 1-ohm cells; id 1 = cells 0 and 1 (a focal region), id 2 = cell 3.
    # Ground 2: id 1 injects 1 A (not 2 A) through the links 1-2 and 2-3: 1 A in cells 2, 3.
    ini = _strip_job(tmp_path, [1, 1, 0, 2], "all-to-one", write_cur_maps="True")
    out = run_ini(ini)
    np.testing.assert_allclose(out.grids["curmap_2"][0, 2:], [1.0, 1.0])
    assert out.resistances.tolist() == [[1.0, 0.0], [2.0, 0.0]]  # solved ids report 0


def test_one_to_all_grounds_only_paired_ids_and_unpaired_is_minus_one(tmp_path):
    # ids 1, 2, 3 on cells 0, 1, 3; pairs file links 1-3 only. One-to-all from 1 grounds
    # only 3: R = 3 links of 1 ohm = 3 ohm (grounding 2 too would give 1 ohm); 2 -> -1.
    (tmp_path / "pairs.txt").write_text("mode include\n1 3\n2 0\n")
    ini = _strip_job(
        tmp_path,
        [1, 2, 0, 3],
        "one_to_all",  # Circuitscape.jl's other spelling
        use_included_pairs="True",
        included_pairs_file="pairs.txt",
    )
    out = run_ini(ini)
    assert out.resistances.tolist() == [[1.0, 3.0], [2.0, -1.0], [3.0, 3.0]]
    # all-to-one: solved ids report 0, the unpaired id -1 (not 0)
    ini = _strip_job(
        tmp_path,
        [1, 2, 0, 3],
        "all-to-one",
        use_included_pairs="True",
        included_pairs_file="pairs.txt",
    )
    assert run_ini(ini).resistances[:, 1].tolist() == [0.0, -1.0, 0.0]


def test_focal_point_on_nodata_is_kept_with_minus_one(tmp_path):
    write_ascii_grid(tmp_path / "r.asc", [[1.0, 1.0, float("nan"), 1.0]], STRIP)
    write_ascii_grid(tmp_path / "p.asc", [[1, 2, 3, 0]], STRIP)
    ini = _ini(
        tmp_path,
        scenario="pairwise",
        habitat_file="r.asc",
        point_file="p.asc",
        connect_four_neighbors_only="True",
    )
    # 1-2: one 1-ohm link; 3 sits on nodata: kept, -1 (the Python API raises instead)
    assert run_ini(ini).resistances.tolist() == [
        [0.0, 1.0, 2.0, 3.0],
        [1.0, 0.0, 1.0, -1.0],
        [2.0, 1.0, 0.0, -1.0],
        [3.0, -1.0, -1.0, 0.0],
    ]
    with pytest.raises(ValueError, match="lies on a nodata"):
        C.pairwise_resistance([[1.0, 1.0, float("nan"), 1.0]], [(0, 0), (0, 2)])


def test_advanced_negative_sources_and_text_lists(tmp_path):
    # +2 A at cell 0, -1 A at cell 3 (withdrawn), cell 1 tied directly to ground (0 ohm):
    # 2 A flow 0 -> 1 (v0 = 2 V); 1 A flows 1 -> 2 -> 3 (v3 = -2 V).
    write_ascii_grid(tmp_path / "r.asc", [[1.0, 1.0, 1.0, 1.0]], STRIP)
    (tmp_path / "s.txt").write_text("2 0.5 0.5\n-1 3.5 0.5\n")  # value x y (cell centres)
    (tmp_path / "g.txt").write_text("0 1.5 0.5\n")
    ini = _ini(
        tmp_path,
        scenario="advanced",
        habitat_file="r.asc",
        source_file="s.txt",
        ground_file="g.txt",
        connect_four_neighbors_only="True",
        write_volt_maps="True",
    )
    np.testing.assert_allclose(run_ini(ini).grids["voltmap"], [[2.0, 0.0, -1.0, -2.0]])


def test_geotiff_input_and_output_keep_the_crs(tmp_path):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.crs import CRS

    from gpec_teach.circuitscape_io import read_raster, write_raster

    header = {**STRIP, "crs": CRS.from_epsg(32633)}
    write_raster(tmp_path / "r", [[1.0, 1.0, 1.0, 1.0]], header, fmt="tif")
    write_raster(tmp_path / "p", [[1, 0, 0, 2]], header, fmt="tif")
    base = {
        "scenario": "pairwise",
        "habitat_file": "r.tif",
        "point_file": "p.tif",
        "connect_four_neighbors_only": "True",
        "write_cur_maps": "True",
    }
    out = run_ini(_ini(tmp_path, output_file="a.out", **base), write=True)
    assert out.resistances[1, 2] == pytest.approx(3.0)
    assert (tmp_path / "a_cum_curmap.prj").exists()  # ASCII output with its CRS
    out = run_ini(_ini(tmp_path, output_file="b.out", write_as_tif="True", **base), write=True)
    path = out.files["cum_curmap"]
    assert path.suffix == ".tif"
    values, back = read_raster(path)
    assert back["crs"] == CRS.from_epsg(32633)
    np.testing.assert_allclose(values, [[1.0, 1.0, 1.0, 1.0]])
    assert rasterio is not None
