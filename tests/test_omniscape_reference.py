"""Validation against Omniscape.jl's own test jobs (../shared/reference/omniscape).

Every ``.ini`` of ``omniscape/input`` is run unchanged through ``run_omniscape_ini``.
The jobs Omniscape.jl refuses (``bad_*``, ``config7``, ``no_source_provided``) must
raise a ValueError that names the offending key, before any output is written. For
the others, every expected raster of ``output_verify/<project_name>`` is compared with
our map the way Omniscape.jl's ``arrays_equal`` compares them (nodata -9999 on both
sides, ``isapprox`` with rtol 1e-6, norm-wise), plus a stricter check over the valid
cells only. The reference files are read in place, never copied into this repository.

Measured (see the validation appendix): double-precision jobs agree within a norm-wise
3.4e-6 over the valid cells (largest cell-wise difference 2.3e-5). That residue is the
tolerance of Omniscape's iterative solver (cg + AMG, relative tolerance 1e-6): solving
our windows with the same kind of solver moves our maps by as much (3.5e-6 norm-wise,
5e-5 cell-wise), so a cell-wise 1e-6 is out of reach of any exact solver. The single
precision job differs by 4e-5 because Omniscape.jl solves in float32.
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import rasterio

from gpec_teach.omniscape_io import run_omniscape_ini
from gpec_teach.reference_checks import compare_omniscape_output

pytestmark = pytest.mark.reference

#: Jobs Omniscape.jl refuses, with the key our error must name.
REFUSED = {
    "bad_compare_to_future": "compare_to_future",
    "bad_comparison1": "comparison1",
    "bad_comparison2": "comparison2",
    "bad_config": "radius, project_name",
    "bad_n_conditions": "n_conditions",
    "config7": "resistance_file",
    "no_source_provided": "source_file",
}
#: config4b and config4c give the future rasters the present ones, so compare_to_future
#: changes nothing: their maps are those of test4a.
SAME_AS = {"config4b": "test4a", "config4c": "test4a"}
#: Outputs we do not reproduce yet (see the validation appendix). In the flow potential
#: of the conditional, four-neighbour job, exactly the cells right of each target whose
#: window is not clipped on the left (target column >= radius + buffer) and below each
#: target whose window is not clipped at the top (159 cells, 13 to 1176 A above ours)
#: differ; every other cell, the targets and all four neighbours of those cells included,
#: agrees within 4.8e-6. The excess is isolated (no neighbour carries it), so it is not
#: a current of the solve (Kirchhoff would spread it); it appears whether or not the cell
#: is in the switched-off source block. The normalised current inherits the difference.
NOT_REPRODUCED = {
    ("test4a", "flow_potential"),
    ("test4a", "normalized_cum_currmap"),
}


def _root() -> Path:
    env = os.environ.get("GPEC_REFERENCE_DIR")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "reference"
    return root / "omniscape"


def _jobs() -> list[str]:
    folder = _root() / "input"
    if not folder.is_dir():
        return ["<reference folder absent>"]
    return sorted(p.stem for p in folder.glob("*.ini"))


def _cases() -> list[tuple[str, str]]:
    """(job, expected file) for every expected raster of every runnable job."""
    root = _root()
    if not root.is_dir():
        return [("<reference folder absent>", "")]
    cases = []
    for job in _jobs():
        if job in REFUSED:
            continue
        text = (root / "input" / f"{job}.ini").read_text()
        project = SAME_AS.get(job)
        if project is None:
            line = next(x for x in text.splitlines() if x.strip().startswith("project_name"))
            project = line.split("=", 1)[1].strip()
        folder = root / "output_verify" / project
        if folder.is_dir():
            cases += [
                (job, f"{project}/{p.name}")
                for p in sorted(folder.glob("*.*"))
                if p.suffix in (".tif", ".asc")
            ]
    return cases


@cache
def _run(job: str, out_dir: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_omniscape_ini(_root() / "input" / f"{job}.ini", output_dir=Path(out_dir) / job)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("omniscape_out"))


@pytest.mark.parametrize("job", _jobs())
def test_every_job_runs_or_is_refused(reference_dir, job, out_dir):
    ini = reference_dir / "omniscape" / "input" / f"{job}.ini"
    if job in REFUSED:
        target = Path(out_dir) / f"refused_{job}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ValueError, match=REFUSED[job]) as err:
                run_omniscape_ini(ini, output_dir=target)
        assert "Got" in str(err.value) or "add" in str(err.value) or "mark" in str(err.value)
        assert not target.exists(), "a refused job must not write anything"
        return
    run = _run(job, out_dir)
    assert run.n_targets > 0
    assert np.isfinite(run.cumulative_current).any()
    assert run.files["config"].name == "config.ini"


def _expected_case(reference_dir, job, expected, out_dir, *, xfail_known=True):
    project, name = expected.split("/")
    path = reference_dir / "omniscape" / "output_verify" / project / name
    run = _run(job, out_dir)
    stem = Path(name).stem
    maps = run.maps()
    if stem not in maps:
        pytest.skip(f"{job} does not compute {stem} (its options turn it off)")
    if xfail_known and (project, stem) in NOT_REPRODUCED:
        pytest.xfail(f"{project}/{stem}: not reproduced (see NOT_REPRODUCED)")
    return path, run, maps[stem]


@pytest.mark.parametrize(("job", "expected"), _cases())
def test_outputs_agree_as_omniscape_compares(reference_dir, job, expected, out_dir):
    path, run, ours = _expected_case(reference_dir, job, expected, out_dir)
    c = compare_omniscape_output(path, ours)
    assert c["same_nodata"], f"{expected}: nodata cells differ"
    assert c["omniscape_isapprox"], f"{expected}: Omniscape's isapprox fails ({c})"


@pytest.mark.parametrize(("job", "expected"), _cases())
def test_outputs_agree_over_valid_cells(reference_dir, job, expected, out_dir):
    # Stricter than Omniscape's own test (whose norms include the -9999 cells): the
    # norm-wise difference over valid cells, within the reference solver's tolerance.
    path, run, ours = _expected_case(reference_dir, job, expected, out_dir)
    if expected.startswith("test4a/cum_currmap"):
        pytest.xfail(
            "test4a cum_currmap: 0.1 to 0.7 % off on the cells next to each window's "
            "centre (norm-wise 4.6e-4), same cause as NOT_REPRODUCED"
        )
    c = compare_omniscape_output(path, ours)
    limit = 1e-4 if run.job.precision == "single" else 1e-5
    assert c["norm_relative"] <= limit, f"{expected}: {c}"


@pytest.mark.parametrize(("job", "expected"), _cases())
def test_written_files_hold_the_maps(reference_dir, job, expected, out_dir):
    path, run, ours = _expected_case(reference_dir, job, expected, out_dir, xfail_known=False)
    stem = Path(expected).stem
    if stem not in run.files:
        pytest.skip(f"{job} computes {stem} but does not write it (its options)")
    written = run.files[stem]
    assert written.suffix == path.suffix, "same format as Omniscape.jl writes"
    with rasterio.open(written) as ds, rasterio.open(path) as ref:
        values = np.ma.filled(ds.read(1, masked=True).astype(float), np.nan)
        assert ds.transform == ref.transform
        assert ds.crs == ref.crs
        assert ds.nodata == -9999
        if written.suffix == ".tif":
            assert ds.dtypes[0] == ("float32" if run.job.precision == "single" else "float64")
    np.testing.assert_allclose(values, np.asarray(ours, float), rtol=1e-6, equal_nan=True)
