"""Validation against Circuitscape.jl's own test cases (../shared/reference/circuitscape).

Every expected file in ``output_verify`` is compared with what ``run_ini`` writes
for the matching ``.ini`` job, the way Circuitscape's test suite compares them:
resistances element-wise within 1e-3 (sqrt of its tol 1e-6); grids and current
tables by the sum of squared differences below 1e-6 (tables keyed by node ids,
a missing entry counting as 0, since Circuitscape omits zero currents). The
reference files are read in place, never copied into this repository.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from gpec_teach.circuitscape_io import read_ascii_grid, read_ini, run_ini

pytestmark = pytest.mark.reference

RESISTANCE_TOL = 1e-3  # Circuitscape: sqrt(1e-6)
SSD_TOL = 1e-6


def _reference_root() -> Path:
    env = os.environ.get("GPEC_REFERENCE_DIR")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "reference"
    return root / "circuitscape"


def _expected_files() -> list[str]:
    folder = _reference_root() / "output_verify"
    if not folder.is_dir():
        return ["<reference folder absent>"]
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".ini")


def _case_of(filename: str) -> str:
    return filename.split("_", 1)[0]


@cache
def _run_case(case: str, out_dir: str, solver: str = "auto"):
    root = _reference_root()
    inis = sorted(root.glob(f"input/**/{case}.ini"))
    assert inis, f"no .ini for case {case} under {root / 'input'}"
    return run_ini(inis[0], base_dir=root, write=True, output_dir=out_dir, solver=solver)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("circuitscape_out"))


def _keyed(table: np.ndarray) -> dict:
    k = table.shape[1] - 1
    return {tuple(int(v) for v in row[:k]): float(row[k]) for row in table}


def _compare(expected: Path, ours: Path) -> None:
    name = expected.name
    if name.endswith(".asc"):
        theirs, _ = read_ascii_grid(expected)
        mine, _ = read_ascii_grid(ours)
        theirs, mine = np.nan_to_num(theirs, nan=-9999.0), np.nan_to_num(mine, nan=-9999.0)
        assert theirs.shape == mine.shape
        ssd = float(((theirs - mine) ** 2).sum())
        assert ssd < SSD_TOL, f"{name}: sum of squared differences {ssd:.3e}"
    elif "resistances" in name:
        theirs = np.loadtxt(expected, ndmin=2)
        mine = np.loadtxt(ours, ndmin=2)
        assert theirs.shape == mine.shape, f"{name}: shape {mine.shape} != {theirs.shape}"
        diff = np.abs(theirs - mine)
        assert diff.max() <= RESISTANCE_TOL, f"{name}: max difference {diff.max():.3e}"
    else:  # network tables: node (or node pair) -> value
        theirs = _keyed(np.loadtxt(expected, ndmin=2))
        mine = _keyed(np.loadtxt(ours, ndmin=2))
        keys = set(theirs) | set(mine)
        ssd = sum((theirs.get(k, 0.0) - mine.get(k, 0.0)) ** 2 for k in keys)
        assert ssd < SSD_TOL, f"{name}: sum of squared differences {ssd:.3e}"


@pytest.mark.parametrize("filename", _expected_files())
def test_output_matches_circuitscape(reference_dir, out_dir, filename):
    folder = reference_dir / "circuitscape" / "output_verify"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the Circuitscape reference cases are not installed")
    result = _run_case(_case_of(filename), out_dir)
    written = {p.name: p for p in result.files.values()}
    assert filename in written, f"run_ini did not write {filename}; wrote {sorted(written)}"
    _compare(folder / filename, written[filename])


def test_every_reference_case_has_expected_outputs(reference_dir):
    root = reference_dir / "circuitscape"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    cases = sorted(p.stem for p in root.glob("input/**/*.ini"))
    assert cases, "no .ini job found"
    expected = {_case_of(n) for n in _expected_files()}
    assert set(cases) == expected


@pytest.mark.parametrize("case", ["sgVerify2", "sgVerify5", "oneToAllVerify2", "sgNetworkVerify1"])
def test_amg_solver_gives_the_same_resistances(reference_dir, tmp_path, case):
    """Forcing the multigrid solver reproduces the direct-solver results."""
    root = reference_dir / "circuitscape"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    direct = _run_case(case, str(tmp_path / "d"), "direct")
    amg = _run_case(case, str(tmp_path / "a"), "amg")
    np.testing.assert_allclose(amg.resistances, direct.resistances, atol=1e-6)


def test_hand_checkable_values_sgverify2(reference_dir, tmp_path):
    """README facts: R(1,2)=0 (one polygon), R(4,5)=0.75, cum map [6 6 8 7 4; 0 0 0 1 1]."""
    root = reference_dir / "circuitscape"
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
    root = reference_dir / "circuitscape"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    job = read_ini(root / "input/raster/pairwise/6/sgVerify6.ini", base_dir=root)
    assert not job.flag("use_polygons")
    out = run_ini(job.path, base_dir=root)
    r = out.result.resistances
    assert r.loc[1, 7] == -1 and r.loc[3, 7] == -1 and r.loc[4, 7] == -1
    assert r.loc[2, 7] == pytest.approx(1.4)
    # no map is produced for a disconnected pair
    assert (1, 7) not in out.result.current_maps
