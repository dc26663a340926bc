"""Running Omniscape.jl ``.ini`` jobs with :func:`gpec_teach.circuit.omniscape`.

Part of :mod:`gpec_teach.omniscape_io`, which re-exports the public names and
documents the semantics. Rasters go through :mod:`gpec_teach._raster_io`.
"""

from __future__ import annotations

import shutil
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .._raster_io import RasterFile, read_raster_file, write_raster_file
from ._omniscape import OmniscapeCondition, omniscape
from ._omniscape_job import OmniscapeJob, OmniscapeWarning, read_omniscape_ini

__all__ = ["OmniscapeRun", "run_omniscape_ini"]


def _read_raster(path: Path, key: str) -> RasterFile:
    """Read one input raster of the job (the option name in error messages)."""
    return read_raster_file(path, label=f"{key} = {path}")


_OUTPUT_NAMES = {
    "cumulative_current": "cum_currmap",
    "flow_potential": "flow_potential",
    "normalized_current": "normalized_cum_currmap",
    "classified_resistance": "classified_resistance",
}


def _check_aligned(job: OmniscapeJob, key: str, other: RasterFile, ref: RasterFile) -> None:
    if other.values.shape != ref.values.shape:
        raise ValueError(
            f"{key} has {other.values.shape[0]} rows x {other.values.shape[1]} columns but "
            f"resistance_file has {ref.values.shape[0]} x {ref.values.shape[1]} "
            f"({job.path.name}): Omniscape needs rasters of the same size; resample {key} to "
            "the resistance grid."
        )
    if (other.crs != ref.crs or other.transform != ref.transform) and not job.flag(
        "allow_different_projections"
    ):
        warnings.warn(
            f"{job.path.name}: {key} and resistance_file have different projections or "
            "origins; they may not be aligned. Proceeding anyway (set "
            "allow_different_projections = true to silence this).",
            OmniscapeWarning,
            stacklevel=3,
        )


def _read_reclass_table(path: Path) -> list[tuple[float, float]]:
    """Read an Omniscape reclass table: ``old new`` per line, ``new`` may be missing."""
    pairs = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        parts = line.replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValueError(
                f"reclass_table {path.name}, line {number}: expected two columns (old value, "
                f"new value), got {line!r}. Write one pair per line, e.g. '5<TAB>missing'."
            )
        old, new = (p.strip().strip('"').strip("'") for p in parts)
        try:
            pairs.append((float(old), np.nan if new.lower() == "missing" else float(new)))
        except ValueError:
            raise ValueError(
                f"reclass_table {path.name}, line {number}: {line!r} is not two numbers "
                "(the new value may be 'missing' for nodata)."
            ) from None
    return pairs


def _reclassify(values: np.ndarray, pairs) -> np.ndarray:
    """Replace each old value by its new one (matched on the original values)."""
    out = values.copy()
    for old, new in pairs:
        out[values == old] = new
    return out


@dataclass(frozen=True)
class OmniscapeRun:
    """Results of :func:`run_omniscape_ini`.

    Attributes
    ----------
    job : OmniscapeJob
        The parsed job.
    cumulative_current : numpy.ndarray
        Cumulative current (A); NaN on nodata cells when ``mask_nodata`` is true.
    flow_potential, normalized_current : numpy.ndarray or None
        Computed when ``calc_flow_potential`` or ``calc_normalized_current`` is true
        (normalised current only for the latter).
    classified_resistance : numpy.ndarray or None
        The resistance after ``reclass_table`` (when reclassified).
    n_targets : int
        Number of moving-window solves.
    seconds : float
        Wall time of the run.
    transform, crs
        Georeferencing of the resistance raster (and of every output).
    files : dict
        Written files by Omniscape's name (``cum_currmap``, ``flow_potential``,
        ``normalized_cum_currmap``, ``classified_resistance``, ``config``).
    output_dir : Path or None
        Folder the files were written to.
    """

    job: OmniscapeJob
    cumulative_current: np.ndarray
    flow_potential: np.ndarray | None
    normalized_current: np.ndarray | None
    classified_resistance: np.ndarray | None
    n_targets: int
    seconds: float
    transform: object = None
    crs: object = None
    files: dict = field(default_factory=dict)
    output_dir: Path | None = None

    def maps(self) -> dict[str, np.ndarray]:
        """Return the computed maps by Omniscape's output name (``cum_currmap`` ...)."""
        out = {}
        for attr, name in _OUTPUT_NAMES.items():
            value = getattr(self, attr)
            if value is not None:
                out[name] = value
        return out


def _sources(job: OmniscapeJob, resistance: np.ndarray, ref: RasterFile) -> np.ndarray:
    """Source strengths: from source_file (NaN -> 0, below threshold -> 0), or from resistance."""
    if job.flag("source_from_resistance"):
        with np.errstate(divide="ignore"):
            strength = resistance if job.flag("resistance_is_conductance") else 1.0 / resistance
            cut = 1.0 / job.r_cutoff
        return np.where(np.isfinite(strength) & (strength >= cut), strength, 0.0)
    raster = _read_raster(job.files["source_file"], "source_file")
    _check_aligned(job, "source_file", raster, ref)
    values = np.where(np.isfinite(raster.values), raster.values, 0.0)
    if np.any(values < 0):
        r, c = np.argwhere(values < 0)[0]
        raise ValueError(
            f"source_file has {int((values < 0).sum())} negative cell(s), first at (row, col)="
            f"({r}, {c}) with value {values[r, c]!r} ({job.path.name}): source strengths must "
            "be 0 or more; set those cells to 0 or nodata."
        )
    return np.where(values < job.source_threshold, 0.0, values)


def _conditions(job: OmniscapeJob, ref: RasterFile) -> list:
    layers = {}
    out = []
    for spec in job.conditions:
        arrays = {}
        for role in ("present", "future"):
            key = spec[role]
            if key is None:
                continue
            if key not in layers:
                raster = _read_raster(job.files[key], key)
                _check_aligned(job, key, raster, ref)
                layers[key] = raster.values
            arrays[role] = layers[key]
        out.append(
            OmniscapeCondition(
                arrays["present"],
                future=arrays.get("future"),
                comparison=spec["comparison"],
                lower=spec["lower"],
                upper=spec["upper"],
            )
        )
    return out


def _output_folder(job: OmniscapeJob, output_dir) -> Path:
    if output_dir is not None:
        folder = Path(output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    folder = job.project_dir
    if folder.exists():  # Omniscape.jl never overwrites: project_1, project_2, ...
        k = 1
        while Path(f"{folder}_{k}").exists():
            k += 1
        folder = Path(f"{folder}_{k}")
    folder.mkdir(parents=True)
    return folder


def run_omniscape_ini(path, *, output_dir=None, write: bool = True, base_dir=None) -> OmniscapeRun:
    r"""Run an Omniscape.jl ``.ini`` job unchanged and write its outputs.

    The job is read and checked (:func:`read_omniscape_ini`), its rasters are read
    (resistance values of 0 or less are refused, as Omniscape.jl does, and every
    raster must have the resistance grid's size), the resistance is reclassified if
    asked, sources are read or derived from the resistance, and
    :func:`gpec_teach.circuit.omniscape` runs the moving window with Omniscape's
    rules: average conductance between neighbors, sources within ``radius`` of
    each target sharing the strength of its block,

    .. math:: I_c = S_t \, \frac{s_c}{\sum_{c' \in W_t} s_{c'}},

    resistance clipped to ``radius + buffer``, flow potential on a uniform square
    window, the block-artefact correction, and ``mask_nodata``.

    Parameters
    ----------
    path : str or Path
        The ``.ini`` file.
    output_dir : str or Path, optional
        Folder for the outputs (created if needed, files in it overwritten). By
        default the job's ``project_name`` (relative to the folder its input paths
        were found from), with ``_1``, ``_2``, ... appended when it exists, as
        Omniscape.jl does.
    write : bool, default True
        Write the output rasters and a copy of the job (``config.ini``).
    base_dir : str or Path, optional
        Folder that relative paths start from (see :func:`read_omniscape_ini`).

    Returns
    -------
    OmniscapeRun
        The maps in memory (NaN = nodata), their georeferencing, the run time and
        the files written.

    Raises
    ------
    FileNotFoundError
        The ``.ini`` or an input file is missing.
    ValueError
        A job Omniscape.jl would refuse: required key missing, value out of range,
        no source layer, resistance of 0 or less, rasters of different sizes.

    References
    ----------
    Landau et al. (2021), https://doi.org/10.21105/joss.02829;
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    A 3 x 6 grid of resistance 1 with two sources side by side in the middle
    row: each window sends 1 A from one to the other (see
    :func:`gpec_teach.circuit.omniscape`).

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     head = "ncols 6\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 1\n"
    ...     _ = open(os.path.join(d, "r.asc"), "w").write(head + "1 1 1 1 1 1\n" * 3)
    ...     _ = open(os.path.join(d, "s.asc"), "w").write(
    ...         head + "0 0 0 0 0 0\n0 0 1 1 0 0\n0 0 0 0 0 0\n")
    ...     ini = os.path.join(d, "job.ini")
    ...     _ = open(ini, "w").write("resistance_file = r.asc\nsource_file = s.asc\n"
    ...                              "radius = 1\nproject_name = out\n")
    ...     run = run_omniscape_ini(ini)
    ...     written = sorted(run.files)
    >>> run.n_targets, [round(float(v), 9) for v in run.cumulative_current[1, 2:4]]
    (2, [2.0, 2.0])
    >>> written
    ['config', 'cum_currmap']
    """
    start = time.perf_counter()
    job = read_omniscape_ini(path, base_dir=base_dir)
    ref = _read_raster(job.files["resistance_file"], "resistance_file")
    resistance = ref.values
    finite = np.isfinite(resistance)
    bad = finite & (resistance <= 0)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        what = "conductance" if job.flag("resistance_is_conductance") else "resistance"
        raise ValueError(
            f"resistance_file {job.files['resistance_file'].name} has {int(bad.sum())} cell(s) "
            f"<= 0, first at (row, col)=({r}, {c}) with value {resistance[r, c]!r} "
            f"({job.path.name}): Omniscape needs a positive {what} in every cell; mark those "
            "cells as nodata or give them a positive value."
        )
    if not finite.any():
        raise ValueError(
            f"resistance_file {job.files['resistance_file'].name} has no valid cell: every "
            "cell is nodata."
        )
    classified = None
    if job.flag("reclassify_resistance"):
        resistance = _reclassify(resistance, _read_reclass_table(job.files["reclass_table"]))
        classified = resistance
    sources = _sources(job, resistance, ref)
    conditions = _conditions(job, ref)
    flow = job.flag("calc_flow_potential") or job.flag("calc_normalized_current")
    result = omniscape(
        resistance,
        sources,
        radius=job.radius,
        block_size=job.block_size,
        buffer=job.buffer,
        source_threshold=0.0,  # already applied to file sources, not to derived ones
        flow_potential=flow,
        null_window="square",
        correct_artifacts=job.flag("correct_artifacts"),
        values="conductance" if job.flag("resistance_is_conductance") else "resistance",
        neighbors=job.neighbors,
        connection="conductance",  # Omniscape: connect_using_avg_resistances = False
        conditions=conditions or None,
        mask_nodata=job.flag("mask_nodata"),
        precision=job.precision,
    )
    dtype = np.float32 if job.precision == "single" else np.float64
    run = OmniscapeRun(
        job=job,
        cumulative_current=result.cumulative_current,
        flow_potential=result.flow_potential,
        normalized_current=result.normalized_current
        if job.flag("calc_normalized_current")
        else None,
        classified_resistance=None if classified is None else classified.astype(dtype),
        n_targets=result.n_targets,
        seconds=0.0,
        transform=ref.transform,
        crs=ref.crs,
    )
    files: dict[str, Path] = {}
    folder = None
    if write:
        folder = _output_folder(job, output_dir)
        fmt = "tif" if job.flag("write_as_tif") else "asc"
        wanted = {
            "cum_currmap": job.flag("write_raw_currmap"),
            "flow_potential": job.flag("calc_flow_potential"),
            "normalized_cum_currmap": job.flag("calc_normalized_current"),
            "classified_resistance": job.flag("write_reclassified_resistance"),
        }
        for name, values in run.maps().items():
            if wanted[name]:
                files[name] = write_raster_file(
                    folder / f"{name}.{fmt}",
                    values,
                    transform=ref.transform,
                    crs=ref.crs,
                    fmt=fmt,
                    dtype=dtype,
                )
        files["config"] = Path(shutil.copyfile(job.path, folder / "config.ini"))
    return replace(run, seconds=time.perf_counter() - start, files=files, output_dir=folder)
