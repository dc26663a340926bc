"""Omniscape.jl's reference jobs: every job run with ``run_omniscape_ini``, every map compared."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio

from ..omniscape_io import run_omniscape_ini
from .sources import require_reference_dir

__all__ = ["OMNISCAPE_RTOL", "compare_omniscape_output", "omniscape_table"]

#: Omniscape.jl's test tolerance (``isapprox(..., rtol = 1e-6)`` in its ``arrays_equal``).
OMNISCAPE_RTOL = 1e-6

#: Omniscape jobs whose expected outputs sit under another project's folder: config4b and
#: config4c use the same rasters for the future as for the present, so compare_to_future
#: changes nothing and their maps are those of test4a.
_OMNISCAPE_SAME_AS = {"config4b": "test4a", "config4c": "test4a"}


def compare_omniscape_output(expected: Path, ours) -> dict:
    r"""Compare one Omniscape.jl output raster with our map, as Omniscape.jl's tests do.

    Omniscape.jl's ``arrays_equal`` sets nodata to -9999 on both sides and calls
    Julia's ``isapprox(A, B; rtol = 1e-6)``, a norm-wise test:
    :math:`\lVert A - B \rVert \le 10^{-6} \max(\lVert A \rVert, \lVert B \rVert)`.
    The -9999 cells enter the norms, which makes the test looser on grids with
    nodata, so the stricter measures over the valid cells are returned too.

    Parameters
    ----------
    expected : Path
        An expected raster (``.tif`` or ``.asc``).
    ours : numpy.ndarray
        Our map on the same grid (NaN = nodata).

    Returns
    -------
    dict
        ``same_nodata`` (the nodata cells coincide), ``omniscape_isapprox`` (Omniscape's
        own test), ``norm_relative`` (the norm-wise relative difference over the valid
        cells), ``max_relative`` (the largest cell-wise relative difference),
        ``agrees`` (``same_nodata`` and ``omniscape_isapprox``).
    """
    with rasterio.open(expected) as src:
        theirs = np.ma.filled(src.read(1, masked=True).astype(np.float64), np.nan)
    mine = np.asarray(ours, dtype=np.float64)
    if theirs.shape != mine.shape:
        return {
            "same_nodata": False,
            "omniscape_isapprox": False,
            "norm_relative": float("inf"),
            "max_relative": float("inf"),
            "agrees": False,
        }
    valid_t, valid_m = np.isfinite(theirs), np.isfinite(mine)
    a, b = np.where(valid_t, theirs, -9999.0), np.where(valid_m, mine, -9999.0)
    isapprox = bool(
        np.linalg.norm(a - b) <= OMNISCAPE_RTOL * max(np.linalg.norm(a), np.linalg.norm(b))
    )
    both = valid_t & valid_m
    t, m = theirs[both], mine[both]
    scale = max(np.linalg.norm(t), np.linalg.norm(m))
    norm_rel = float(np.linalg.norm(t - m) / scale) if scale > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(t - m) / np.abs(t)
    rel = np.where(t == m, 0.0, rel)
    same = bool(np.array_equal(valid_t, valid_m))
    return {
        "same_nodata": same,
        "omniscape_isapprox": isapprox,
        "norm_relative": norm_rel,
        "max_relative": float(rel.max()) if rel.size else 0.0,
        "agrees": same and isapprox,
    }


def omniscape_table(root: Path | None = None) -> pd.DataFrame:
    """Run every Omniscape.jl reference job and compare every expected output.

    Jobs that Omniscape.jl refuses (``bad_*``, ``config7``, ``no_source_provided``)
    must raise a :class:`ValueError` before computing: one row each, ``output`` =
    ``(refused)``. The other jobs are run with
    :func:`gpec_teach.omniscape_io.run_omniscape_ini` into a temporary folder and every
    expected raster of ``output_verify/<project_name>`` is compared with the map we
    compute (:func:`compare_omniscape_output`).

    Parameters
    ----------
    root : Path, optional
        The reference folder (holding ``omniscape/``); :func:`reference_dir` by default.

    Returns
    -------
    pandas.DataFrame
        One row per expected file: ``job``, ``output``, ``same_nodata``,
        ``omniscape_isapprox``, ``norm_relative``, ``max_relative``, ``agrees``,
        ``seconds`` (run time of the job).
    """
    root = require_reference_dir(root) / "omniscape"
    rows = []
    columns = [
        "job",
        "output",
        "same_nodata",
        "omniscape_isapprox",
        "norm_relative",
        "max_relative",
        "agrees",
        "seconds",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for ini in sorted((root / "input").glob("*.ini")):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    run = run_omniscape_ini(ini, output_dir=Path(tmp) / ini.stem)
            except ValueError:  # refused before computing, as Omniscape.jl refuses it
                rows.append((ini.stem, "(refused)", None, None, None, None, True, 0.0))
                continue
            project = _OMNISCAPE_SAME_AS.get(ini.stem, run.job.options["project_name"])
            folder = root / "output_verify" / project
            if not folder.is_dir():
                rows.append(
                    (ini.stem, "(no expected output)", None, None, None, None, None, run.seconds)
                )
                continue
            maps = run.maps()
            for expected in sorted(folder.iterdir()):
                if expected.suffix not in (".tif", ".asc"):
                    continue
                if expected.stem not in maps:
                    continue  # an output this job does not compute (config4c)
                c = compare_omniscape_output(expected, maps[expected.stem])
                rows.append(
                    (
                        ini.stem,
                        f"{project}/{expected.name}",
                        c["same_nodata"],
                        c["omniscape_isapprox"],
                        c["norm_relative"],
                        c["max_relative"],
                        c["agrees"],
                        run.seconds,
                    )
                )
    return pd.DataFrame(rows, columns=columns)
