"""FRAGSTATS 2.0's output tables for landscapemetrics' test raster, beside ours."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..circuitscape_io import read_ascii_grid
from ..fragmentation import (
    CLASS_METRICS,
    LANDSCAPE_METRICS,
    class_metrics,
    landscape_metrics,
    patch_table,
)
from .sources import require_reference_dir

__all__ = ["FRAGSTATS_HALF_UNIT", "read_fragstats", "fragstats_agrees", "fragstats_table"]

#: FRAGSTATS prints 4 decimals: agreement means within half a unit of the last digit.
FRAGSTATS_HALF_UNIT = 5e-5


def read_fragstats(path) -> pd.DataFrame:
    """Read a FRAGSTATS output table (comma separated, padded with spaces, ``N/A``).

    Class tables get an integer ``class`` column from FRAGSTATS' ``TYPE`` (``cls_3`` -> 3).
    """
    table = pd.read_csv(path, sep=r"\s*,\s*", engine="python", na_values=["N/A"])
    table.columns = [c.strip() for c in table.columns]
    if "TYPE" in table:
        table["class"] = table["TYPE"].str.strip().str.removeprefix("cls_").astype(int)
    return table


def fragstats_agrees(ours, theirs) -> np.ndarray:
    """Within half a unit of FRAGSTATS' 4th decimal (plus 1e-9 relative for large values)."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    return np.abs(ours - theirs) <= FRAGSTATS_HALF_UNIT + 1e-9 * np.abs(theirs)


def fragstats_table(root: Path | None = None) -> pd.DataFrame:
    """Patch, class and landscape metrics of FRAGSTATS' test raster: theirs beside ours.

    The raster is landscapemetrics' ``landscape`` (30 x 30 cells of 1 m, three classes);
    the expected values are FRAGSTATS 2.0's own output tables. Every metric that
    :mod:`gpec_teach.fragmentation` computes is compared, with FRAGSTATS' defaults
    (8 neighbours, landscape-area MESH, landscape boundary not counted as edge).

    Returns
    -------
    pandas.DataFrame
        ``level`` (patch, class, landscape), ``id`` (patch id, class code or ``""``),
        ``metric``, ``fragstats``, ``ours``, ``difference``, ``agrees``.
    """
    folder = require_reference_dir(root) / "fragstats"
    values, header = read_ascii_grid(folder / "landscape.asc")
    cellsize = float(header["cellsize"])
    rows = []
    patches = read_fragstats(folder / "landscape.patch").set_index("PID").sort_index()
    ours = patch_table(values, cellsize=cellsize).set_index("patch_id")
    for pid in patches.index:
        for mine, theirs in (("area_ha", "AREA"), ("perimeter_m", "PERIM")):
            rows.append(("patch", str(pid), theirs, patches.at[pid, theirs], ours.at[pid, mine]))
    classes = read_fragstats(folder / "landscape.class").set_index("class").sort_index()
    ours = class_metrics(values, cellsize=cellsize).set_index("class")
    for code in classes.index:
        for metric in CLASS_METRICS:
            rows.append(
                ("class", str(code), metric, classes.at[code, metric], ours.at[code, metric])
            )
    land = read_fragstats(folder / "landscape.land").iloc[0]
    ours = landscape_metrics(values, cellsize=cellsize)
    for metric in LANDSCAPE_METRICS:
        rows.append(("landscape", "", metric, land[metric], ours[metric]))
    table = pd.DataFrame(rows, columns=["level", "id", "metric", "fragstats", "ours"])
    table["fragstats"] = table["fragstats"].astype(float)
    table["ours"] = table["ours"].astype(float)
    table["difference"] = table["ours"] - table["fragstats"]
    table["agrees"] = fragstats_agrees(table["ours"], table["fragstats"])
    return table
