"""Validation against FRAGSTATS 2.0 on landscapemetrics' ``landscape`` raster.

Reads ``fragstats/landscape.asc`` (30 x 30 cells of 1 m, classes 1/2/3) and FRAGSTATS'
own output tables ``landscape.patch``, ``landscape.class`` and ``landscape.land`` in place
from the reference folder (``gpec_teach.reference_checks.reference_dir()``; skipped when it is
absent). FRAGSTATS prints 4 decimals, so a value agrees when it is within half a unit of
the last printed digit (5e-5), plus a relative 1e-9 for float rounding of the large
densities. Every column that :mod:`gpec_teach.fragmentation` computes is checked for every
patch, class and the landscape; the other FRAGSTATS columns (shape, core, isolation,
diversity metrics) are not implemented.

Conventions this pins: 8-neighbour patches numbered in scan order (FRAGSTATS' PID), areas
in ha from a 1 m cell size, perimeters including the landscape boundary, and total edge
(TE, ED) *excluding* the landscape boundary (``count_boundary=False``): with the boundary
counted, class 1's TE would be 181 + its 30 boundary sides, not the published 181.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gpec_teach.circuitscape_io import read_ascii_grid
from gpec_teach.fragmentation import (
    CLASS_METRICS,
    LANDSCAPE_METRICS,
    class_metrics,
    label_patches,
    landscape_metrics,
    patch_table,
)
from gpec_teach.reference_checks import (
    fragstats_agrees as agrees,
)
from gpec_teach.reference_checks import (
    fragstats_table,
    read_fragstats,
    reference_dir,
)

pytestmark = pytest.mark.reference

CLASS_COLUMNS = CLASS_METRICS
LAND_COLUMNS = LANDSCAPE_METRICS


@pytest.fixture(scope="module")
def folder():
    root = reference_dir()
    if root is None:
        pytest.skip(
            "reference folder not found (../shared/reference next to the repository): set "
            "GPEC_REFERENCE_DIR to the folder holding fragstats/"
        )
    path = root / "fragstats"
    if not (path / "landscape.asc").is_file():
        pytest.skip(f"FRAGSTATS reference case not found at {path}")
    return path


@pytest.fixture(scope="module")
def raster(folder):
    values, header = read_ascii_grid(folder / "landscape.asc")
    assert values.shape == (30, 30)
    return values, float(header["cellsize"])


def test_raster_is_the_published_one(raster):
    values, cellsize = raster
    assert cellsize == 1.0
    assert np.isfinite(values).all()
    assert sorted(np.unique(values)) == [1.0, 2.0, 3.0]


def test_patch_ids_follow_fragstats_scan_order(raster, folder):
    values, _ = raster
    expected = read_fragstats(folder / "landscape.patch")
    _, n = label_patches(values)
    assert n == len(expected) == 28
    assert sorted(expected["PID"]) == list(range(1, 29))


def test_patch_level(raster, folder):
    values, cellsize = raster
    expected = read_fragstats(folder / "landscape.patch").set_index("PID").sort_index()
    ours = patch_table(values, cellsize=cellsize).set_index("patch_id")
    assert list(ours.index) == list(expected.index)
    assert (ours["class"] == expected["class"]).all()
    for mine, theirs in (("area_ha", "AREA"), ("perimeter_m", "PERIM")):
        ok = agrees(ours[mine], expected[theirs])
        bad = expected.index[~ok].tolist()
        assert ok.all(), f"{theirs} differs for patches {bad}"


def test_class_level(raster, folder):
    values, cellsize = raster
    expected = read_fragstats(folder / "landscape.class").set_index("class").sort_index()
    ours = class_metrics(values, cellsize=cellsize).set_index("class").sort_index()
    assert list(ours.index) == list(expected.index) == [1, 2, 3]
    for column in CLASS_COLUMNS:
        ok = agrees(ours[column], expected[column])
        assert ok.all(), (
            f"{column}: ours {ours[column].tolist()} vs FRAGSTATS {expected[column].tolist()}"
        )


def test_landscape_level(raster, folder):
    values, cellsize = raster
    expected = read_fragstats(folder / "landscape.land").iloc[0]
    ours = landscape_metrics(values, cellsize=cellsize)
    for column in LAND_COLUMNS:
        assert agrees(ours[column], expected[column]), (
            f"{column}: ours {ours[column]} vs FRAGSTATS {expected[column]}"
        )


def test_published_headline_values(raster):
    """The values quoted in the README and in gpec_teach.reference_checks.PUBLISHED."""
    values, cellsize = raster
    ours = landscape_metrics(values, cellsize=cellsize)
    published = {
        "TA": 0.09,
        "NP": 28,
        "MESH": 0.0094,
        "DIVISION": 0.8958,
        "SPLIT": 9.5926,
        "LPI": 17.6667,
    }
    for metric, value in published.items():
        assert agrees(ours[metric], value), f"{metric}: {ours[metric]} vs {value}"
    assert ours["MESH"] == pytest.approx(0.009382, abs=5e-7)  # README: unrounded MESH
    mesh = class_metrics(values, cellsize=cellsize).set_index("class")["MESH"]
    assert agrees(mesh.loc[[1, 2, 3]], [0.0013, 0.0012, 0.0069]).all()


def test_counting_the_boundary_breaks_the_fragstats_edge(raster, folder):
    """Regression: TE must exclude the landscape boundary to match FRAGSTATS."""
    values, cellsize = raster
    expected = read_fragstats(folder / "landscape.class").set_index("class").sort_index()
    with_boundary = class_metrics(values, cellsize=cellsize, count_boundary=True)
    boundary = pd.Series(
        np.bincount(
            np.concatenate([values[0], values[-1], values[:, 0], values[:, -1]]).astype(int),
            minlength=4,
        )[1:],
        index=[1, 2, 3],
    )
    te = with_boundary.set_index("class")["TE"].sort_index()
    assert np.allclose(te - boundary * cellsize, expected["TE"])


def test_validation_table_agrees_everywhere(folder):
    """The appendix table (gpec_teach.reference_checks.fragstats_table) shows full agreement."""
    table = fragstats_table(folder.parent)
    assert len(table) == 28 * 2 + 3 * 11 + 10
    assert table["agrees"].all(), table[~table["agrees"]]
