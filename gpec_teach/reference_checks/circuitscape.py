"""Circuitscape.jl's own test suite: every job run with ``run_ini``, every output compared.

Outputs are compared as Circuitscape.jl's tests compare them: resistances element-wise,
grids and network tables by the sum of squared differences.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..circuitscape_io import read_ini, read_raster, run_ini
from .sources import require_reference_dir

__all__ = [
    "CIRCUITSCAPE_RESISTANCE_TOL",
    "CIRCUITSCAPE_SSD_TOL",
    "compare_circuitscape_output",
    "circuitscape_jl_writes",
    "circuitscape_table",
]

#: Circuitscape's test tolerances: resistances element-wise within sqrt(1e-6); grids and
#: current tables by the sum of squared differences below 1e-6.
CIRCUITSCAPE_RESISTANCE_TOL = 1e-3
CIRCUITSCAPE_SSD_TOL = 1e-6


def _keyed(table: np.ndarray) -> dict:
    k = table.shape[1] - 1
    return {tuple(int(v) for v in row[:k]): float(row[k]) for row in table}


def compare_circuitscape_output(expected: Path, ours: Path) -> tuple[str, float, float]:
    """Compare one Circuitscape output file with ours, as Circuitscape's tests do.

    Returns
    -------
    (measure, value, tolerance)
        ``("max |difference|", ...)`` for resistance files; ``("sum of squared
        differences", ...)`` for grids (``.asc``) and network tables (keyed by node ids,
        a missing entry counting as 0, since Circuitscape omits zero currents). They
        agree when ``value <= tolerance`` (resistances) or ``value < tolerance``.
    """
    name = Path(expected).name
    if name.endswith((".asc", ".tif")):
        theirs = np.nan_to_num(read_raster(expected)[0], nan=-9999.0)
        mine = np.nan_to_num(read_raster(ours)[0], nan=-9999.0)
        if theirs.shape != mine.shape:
            return "shape differs", float("inf"), CIRCUITSCAPE_SSD_TOL
        return (
            "sum of squared differences",
            float(((theirs - mine) ** 2).sum()),
            CIRCUITSCAPE_SSD_TOL,
        )
    if "resistances" in name:
        theirs, mine = np.loadtxt(expected, ndmin=2), np.loadtxt(ours, ndmin=2)
        if theirs.shape != mine.shape:
            return "shape differs", float("inf"), CIRCUITSCAPE_RESISTANCE_TOL
        return "max |difference|", float(np.abs(theirs - mine).max()), CIRCUITSCAPE_RESISTANCE_TOL
    theirs, mine = _keyed(np.loadtxt(expected, ndmin=2)), _keyed(np.loadtxt(ours, ndmin=2))
    keys = set(theirs) | set(mine)
    ssd = sum((theirs.get(k, 0.0) - mine.get(k, 0.0)) ** 2 for k in keys)
    return "sum of squared differences", float(ssd), CIRCUITSCAPE_SSD_TOL


def _flag(options: dict, key: str) -> bool:
    return str(options.get(key, "False")).strip().lower() in ("true", "1", "yes", "on")


def circuitscape_jl_writes(options: dict, suffix: str, *, unpaired_ids=()) -> bool:
    """Whether Circuitscape.jl 5 writes the output ``<name>_<suffix>`` for a job.

    Circuitscape.jl's own tests compare only the files it writes; the expected
    files of older versions that it no longer writes (``*_curmap_max``, maps of
    jobs that do not ask for them) are left uncompared. The rule, from its output
    options: resistances always (3 columns in pairwise mode); per-pair current
    maps with ``write_cur_maps`` unless ``write_cum_cur_map_only``; per-id current
    maps of one-to-all / all-to-one and the advanced current map with either flag;
    the cumulative map with either flag, the maximum map also needs
    ``write_max_cur_maps``; voltage maps and network voltage tables with
    ``write_volt_maps``; network current tables with ``write_cur_maps``.

    Parameters
    ----------
    options : dict
        The job's options (``CircuitscapeJob.options``).
    suffix : str
        File name after ``<name>_``, e.g. ``"curmap_1_2.asc"``.
    unpaired_ids : collection of int, optional
        Focal ids the included-pairs file links to nothing: one-to-all and
        all-to-one write no map for them (``CircuitscapeJob.unpaired_ids()``).

    Returns
    -------
    bool

    Examples
    --------
    >>> opts = {"scenario": "pairwise", "write_cur_maps": "True"}
    >>> circuitscape_jl_writes(opts, "curmap_1_2.asc"), circuitscape_jl_writes(opts, "curmap_max.asc")
    (True, False)
    """
    scenario = str(options.get("scenario", "")).strip().lower().replace("_", "-")
    network = str(options.get("data_type", "raster")).strip().lower() == "network"
    cur, volt = _flag(options, "write_cur_maps"), _flag(options, "write_volt_maps")
    cum_only = _flag(options, "write_cum_cur_map_only")
    stem = suffix.rsplit(".", 1)[0]
    if stem == "resistances":
        return scenario != "advanced"
    if stem == "resistances_3columns":
        return scenario == "pairwise"
    if network:
        if stem.startswith("voltages"):
            return volt
        return stem.startswith(("node_currents", "branch_currents")) and cur
    if stem == "cum_curmap":
        return scenario != "advanced" and (cur or cum_only)
    if stem == "max_curmap":
        return (
            scenario != "advanced" and (cur or cum_only) and _flag(options, "write_max_cur_maps")
        )
    if stem == "curmap" or (stem.startswith("curmap_") and stem != "curmap_max"):
        if scenario == "pairwise":
            return cur and not cum_only
        return (cur or cum_only) and stem.split("_", 1)[-1] not in {str(i) for i in unpaired_ids}
    if stem.startswith("voltmap"):
        return volt and stem.split("_", 1)[-1] not in {str(i) for i in unpaired_ids}
    return False


def circuitscape_table(root: Path | None = None) -> pd.DataFrame:
    """Run every job of Circuitscape.jl's suite and compare every file it would write.

    Each ``.ini`` of ``circuitscape_suite/input`` is run unchanged with
    :func:`gpec_teach.circuitscape_io.run_ini`; each expected file of
    ``output_verify`` that Circuitscape.jl itself writes for that job
    (:func:`circuitscape_jl_writes`) is compared with ours as Circuitscape.jl's
    tests compare it (:func:`compare_circuitscape_output`).

    Parameters
    ----------
    root : Path, optional
        The reference folder (holding ``circuitscape_suite/``); :func:`reference_dir`
        by default.

    Returns
    -------
    pandas.DataFrame
        One row per compared file: ``job`` (the ``.ini`` path), ``output``,
        ``measure``, ``value``, ``tolerance``, ``agrees``.
    """
    root = require_reference_dir(root) / "circuitscape_suite"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, ini in enumerate(sorted(root.glob("input/**/*.ini"))):
            job = read_ini(ini, base_dir=root)
            label = str(ini.relative_to(root / "input"))
            unpaired = job.unpaired_ids()
            expected = [
                e
                for e in sorted((root / "output_verify").glob(f"{job.name}_*"))
                if e.suffix != ".ini"
                and circuitscape_jl_writes(
                    job.options, e.name[len(job.name) + 1 :], unpaired_ids=unpaired
                )
            ]
            try:
                result = run_ini(ini, base_dir=root, write=True, output_dir=Path(tmp) / str(k))
            except Exception as err:  # a failing job is a row of the table, not a crash
                for e in expected:
                    rows.append((label, e.name, f"error: {err}", float("inf"), 0.0, False))
                continue
            written = {p.name.rsplit(".", 1)[0]: p for p in result.files.values()}
            for e in expected:
                ours = written.get(e.name.rsplit(".", 1)[0])
                if ours is None:
                    rows.append((label, e.name, "not written", float("inf"), 0.0, False))
                    continue
                measure, value, tol = compare_circuitscape_output(e, ours)
                agrees = value <= tol if measure.startswith("max") else value < tol
                rows.append((label, e.name, measure, value, tol, bool(agrees)))
    return pd.DataFrame(rows, columns=["job", "output", "measure", "value", "tolerance", "agrees"])
