"""Run Omniscape.jl ``.ini`` jobs with :func:`gpec_teach.circuit.omniscape`.

Practitioners who already use Omniscape.jl can run an existing job unchanged::

    run = run_omniscape_ini("my_job.ini")                  # writes <project_name>/
    run = run_omniscape_ini("my_job.ini", write=False)     # maps in memory only
    run = run_omniscape_ini("my_job.ini", output_dir="out")

The options are Omniscape.jl's (its user guide, "Arguments"): ``resistance_file``,
``source_file``, ``radius``, ``block_size``, ``buffer``, ``source_threshold``,
``source_from_resistance`` with ``r_cutoff``, ``resistance_is_conductance``,
``connect_four_neighbors_only``, ``calc_flow_potential``,
``calc_normalized_current``, ``correct_artifacts``, ``mask_nodata``,
``write_raw_currmap``, ``write_as_tif``, ``reclassify_resistance`` with
``reclass_table`` and ``write_reclassified_resistance``, ``precision``, the
conditional-connectivity options (``conditional``, ``n_conditions``,
``compare_to_future``, ``conditionN_file``, ``conditionN_future_file``,
``comparisonN``, ``conditionN_lower``, ``conditionN_upper``) and
``allow_different_projections``. ``parallelize``, ``parallel_batch_size``,
``solver`` and ``suppress_cs_messages`` are accepted and do not change the result
(every window is solved exactly, by a sparse LU factorisation). Options missing
from a file take Omniscape.jl's defaults; unknown keys are ignored with a warning,
as Omniscape.jl does. A job Omniscape.jl would refuse (a required key missing, no
source layer, a value out of range, a resistance of 0 or less, rasters of different
sizes) raises a :class:`ValueError` that names the key and the fix, before any
computation.

Rasters are read with rasterio (Arc/Info ASCII with its ``.prj``, GeoTIFF, or any
format GDAL reads) and the outputs are written in Omniscape.jl's layout and names:
``cum_currmap``, ``flow_potential``, ``normalized_cum_currmap`` and
``classified_resistance``, as ``.tif`` (``write_as_tif = true``, the default) or
``.asc``, with nodata -9999 and the CRS and transform of the resistance raster,
plus a copy of the job as ``config.ini``.

Omniscape computes with average conductance between neighbouring cells (it calls
Circuitscape with ``connect_using_avg_resistances = False``); the runner asks for
that rule explicitly.

References
----------
Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021). Omniscape.jl:
software to compute omnidirectional landscape connectivity. Journal of Open Source
Software 6 (57): 2829. https://doi.org/10.21105/joss.02829

McRae, B. H., Popper, K., Jones, A., Schindel, M., Buttrick, S., Hall, K. R.,
Unnasch, R. S. & Platt, J. (2016). Conserving nature's stage: mapping
omnidirectional connectivity for resilient terrestrial landscapes in the Pacific
Northwest. The Nature Conservancy, Portland, Oregon.
"""

from __future__ import annotations

import math
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import circuit as _c
from ._validation import GPECWarning

__all__ = [
    "OMNISCAPE_DEFAULTS",
    "OmniscapeJob",
    "OmniscapeRun",
    "OmniscapeWarning",
    "read_omniscape_ini",
    "run_omniscape_ini",
]

#: Omniscape.jl's defaults for the options a job does not set.
OMNISCAPE_DEFAULTS: dict[str, str] = {
    "resistance_is_conductance": "false",
    "source_file": "",
    "parallelize": "true",
    "parallel_batch_size": "10",
    "block_size": "1",
    "buffer": "0",
    "source_threshold": "0",
    "source_from_resistance": "false",
    "r_cutoff": "Inf",
    "precision": "double",
    "connect_four_neighbors_only": "false",
    "solver": "cg+amg",
    "calc_flow_potential": "false",
    "calc_normalized_current": "false",
    "correct_artifacts": "true",
    "write_raw_currmap": "true",
    "write_as_tif": "true",
    "mask_nodata": "true",
    "suppress_cs_messages": "false",
    "conditional": "false",
    "n_conditions": "1",
    "compare_to_future": "none",
    "condition1_file": "",
    "condition2_file": "",
    "condition1_future_file": "",
    "condition2_future_file": "",
    "comparison1": "within",
    "comparison2": "within",
    "condition1_lower": "0",
    "condition2_lower": "0",
    "condition1_upper": "0",
    "condition2_upper": "0",
    "reclassify_resistance": "false",
    "reclass_table": "",
    "write_reclassified_resistance": "false",
    "allow_different_projections": "false",
}

_REQUIRED = {
    "resistance_file": "the resistance raster, .asc or .tif",
    "radius": "the moving-window radius in cells",
    "project_name": "the output folder",
}
#: Older Omniscape.jl versions spelled this key differently.
_ALIASES = {"resistance_file_is_conductance": "resistance_is_conductance"}
_SUPPORTED = {*OMNISCAPE_DEFAULTS, *_REQUIRED}
_BOOLEANS = (
    "resistance_is_conductance",
    "parallelize",
    "source_from_resistance",
    "connect_four_neighbors_only",
    "calc_flow_potential",
    "calc_normalized_current",
    "correct_artifacts",
    "write_raw_currmap",
    "write_as_tif",
    "mask_nodata",
    "suppress_cs_messages",
    "conditional",
    "reclassify_resistance",
    "write_reclassified_resistance",
    "allow_different_projections",
)
_SOLVERS = ("cg+amg", "cholmod")
NODATA = -9999.0

# Output names of Omniscape.jl (without extension).
_OUTPUT_NAMES = {
    "cumulative_current": "cum_currmap",
    "flow_potential": "flow_potential",
    "normalized_current": "normalized_cum_currmap",
    "classified_resistance": "classified_resistance",
}


class OmniscapeWarning(GPECWarning):
    """An Omniscape job option that is ignored or adjusted (Omniscape.jl warns too)."""


# ============================================================================= jobs
@dataclass(frozen=True)
class OmniscapeJob:
    """A parsed and checked Omniscape.jl ``.ini`` job.

    Attributes
    ----------
    path : Path
        The ``.ini`` file.
    options : dict
        Every option as a string (lower-case keys), Omniscape.jl's defaults
        filled in for the missing ones.
    files : dict
        Resolved path of every input file the job uses, by option name.
    workdir : Path
        Folder the relative paths were resolved from (Omniscape.jl resolves them
        against the folder Julia runs in); ``project_name`` is relative to it.
    radius, block_size, buffer : int
        Window radius, block side (even sizes raised to the next odd one, as
        Omniscape.jl does) and buffer, in cells.
    source_threshold, r_cutoff : float
        Source strengths below *source_threshold* become 0 (sources read from a
        file); with sources from resistance, cells of resistance above
        *r_cutoff* are no sources.
    precision : {"double", "single"}
    neighbors : {8, 4}
    conditions : tuple of dict
        One dict per condition: ``comparison``, ``lower``, ``upper`` and the
        option names of its ``present`` and ``future`` rasters.
    unknown : tuple of str
        Keys that Omniscape.jl does not know (ignored).
    """

    path: Path
    options: dict
    files: dict
    workdir: Path
    radius: int
    block_size: int
    buffer: int
    source_threshold: float
    r_cutoff: float
    precision: str
    neighbors: int
    conditions: tuple = ()
    unknown: tuple = ()

    def flag(self, key: str) -> bool:
        """Return a boolean option."""
        return self.options[key].strip().lower() == "true"

    @property
    def project_dir(self) -> Path:
        """The output folder the job names (before Omniscape's ``_1``, ``_2`` suffix)."""
        return self.workdir / self.options["project_name"]


def _parse_lines(path: Path) -> dict[str, str]:
    """Return the ``key = value`` pairs of an ``.ini`` (sections ignored, as Omniscape)."""
    options: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("[", "#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().lower()
        options[_ALIASES.get(key, key)] = value.strip()
    return options


def _flag_value(path: Path, key: str, value: str) -> bool:
    text = value.strip().lower()
    if text not in ("true", "false"):
        raise ValueError(
            f"{key} must be true or false. Got {key} = {value!r} in {path.name}: write "
            f"{key} = true or {key} = false."
        )
    return text == "true"


def _number(path: Path, key: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"{key} must be a number. Got {key} = {value!r} in {path.name}: write a "
            f"number, for instance {key} = {OMNISCAPE_DEFAULTS.get(key, '5')}."
        ) from None


def _integer(path: Path, key: str, value: str, *, minimum: int) -> int:
    number = _number(path, key, value)
    if not math.isfinite(number) or number != round(number) or number < minimum:
        kind = "a positive" if minimum > 0 else "a non-negative"
        raise ValueError(
            f"{key} must be {kind} whole number of cells. Got {key} = {value!r} in "
            f"{path.name}: write {key} = {max(minimum, 1)} or more."
        )
    return int(round(number))


def _resolve(path: Path, key: str, value: str, base_dir: Path | None) -> tuple[Path, Path]:
    """Return (file, folder it was found from) for a relative or absolute path."""
    candidate = Path(value)
    if candidate.is_absolute():
        if candidate.exists():
            return candidate, candidate.parent
        tried = [candidate.parent]
    else:
        folders = [base_dir] if base_dir is not None else [path.parent, *path.parent.parents]
        for folder in folders:
            if (folder / candidate).exists():
                return folder / candidate, folder
        tried = folders
    listed = ", ".join(str(f) for f in tried[:3]) + (" ..." if len(tried) > 3 else "")
    raise FileNotFoundError(
        f"{key} = {value} in {path} was not found (looked in {listed}). Fix the path, or "
        "pass base_dir= to say which folder the paths are relative to."
    )


def read_omniscape_ini(path, *, base_dir=None) -> OmniscapeJob:
    r"""Parse an Omniscape.jl ``.ini`` file and check every option.

    Section headers are ignored (as Omniscape.jl does). Everything that can be
    checked without computing is checked here: required keys, numbers, allowed
    values, the source layer, the conditional options and that every input file
    exists. Unknown keys and an unknown ``solver`` only warn, as in Omniscape.jl;
    an even ``block_size`` is raised to the next odd number with a warning.

    Parameters
    ----------
    path : str or Path
        The ``.ini`` file.
    base_dir : str or Path, optional
        Folder that relative paths (inputs and ``project_name``) start from. By
        default each input path is looked up next to the ``.ini`` and then in its
        parent folders (Omniscape.jl resolves them against the folder Julia was
        started from); ``project_name`` is then relative to the folder where the
        resistance file was found.

    Returns
    -------
    OmniscapeJob

    Raises
    ------
    FileNotFoundError
        The ``.ini`` or one of its input files does not exist.
    ValueError
        A required key is missing or a value is not allowed (the message names the
        key and the fix).

    References
    ----------
    Landau et al. (2021), https://doi.org/10.21105/joss.02829.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = open(os.path.join(d, "r.asc"), "w").write(
    ...         "ncols 3\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 1 1\n")
    ...     ini = os.path.join(d, "job.ini")
    ...     _ = open(ini, "w").write("[Required]\nresistance_file = r.asc\nradius = 3\n"
    ...                              "block_size = 2\nproject_name = out\n"
    ...                              "source_from_resistance = true\n")
    ...     with warnings.catch_warnings(record=True):
    ...         warnings.simplefilter("always")
    ...         job = read_omniscape_ini(ini)
    >>> job.radius, job.block_size, job.r_cutoff, job.flag("write_as_tif")
    (3, 3, inf, True)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Omniscape job file not found: {path}.")
    base = None if base_dir is None else Path(base_dir)
    given = _parse_lines(path)
    missing = [key for key in _REQUIRED if not given.get(key, "").strip()]
    if missing:
        needs = "; ".join(f"{key} = <{_REQUIRED[key]}>" for key in missing)
        raise ValueError(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required in an "
            f"Omniscape job, but {path.name} does not set {'it' if len(missing) == 1 else 'them'}"
            f": add {needs}."
        )
    unknown = tuple(sorted(k for k in given if k not in _SUPPORTED))
    if unknown:
        warnings.warn(
            f"{path.name}: unsupported keys ignored (Omniscape.jl ignores them too): "
            f"{', '.join(unknown)}.",
            OmniscapeWarning,
            stacklevel=2,
        )
    options = {**OMNISCAPE_DEFAULTS, **given}
    for key in _BOOLEANS:
        _flag_value(path, key, options[key])
    flag = {key: options[key].strip().lower() == "true" for key in _BOOLEANS}

    radius = _integer(path, "radius", options["radius"], minimum=1)
    block_size = _integer(path, "block_size", options["block_size"], minimum=1)
    if block_size % 2 == 0:
        warnings.warn(
            f"{path.name}: block_size = {block_size} is even; Omniscape.jl uses "
            f"block_size + 1 = {block_size + 1}, and so do we.",
            OmniscapeWarning,
            stacklevel=2,
        )
        block_size += 1
    if block_size > radius:
        raise ValueError(
            f"block_size ({block_size}) must not exceed radius ({radius}) in {path.name}: "
            "the target block would swallow the window. Lower block_size or raise radius."
        )
    buffer = _integer(path, "buffer", options["buffer"], minimum=0)
    source_threshold = _number(path, "source_threshold", options["source_threshold"])
    if not source_threshold >= 0:
        raise ValueError(
            f"source_threshold must be 0 or more. Got source_threshold = "
            f"{options['source_threshold']!r} in {path.name}: write source_threshold = 0 to "
            "keep every source."
        )
    r_cutoff = _number(path, "r_cutoff", options["r_cutoff"])
    if flag["source_from_resistance"] and not r_cutoff > 0:
        raise ValueError(
            f"r_cutoff must be a positive resistance when source_from_resistance = true. Got "
            f"r_cutoff = {options['r_cutoff']!r} in {path.name}: no cell would be a source. "
            "Remove r_cutoff (no cut-off) or give the highest resistance a source may have."
        )
    precision = options["precision"].strip().lower()
    if precision not in ("double", "single"):
        raise ValueError(
            f"precision must be double or single. Got precision = {options['precision']!r} "
            f"in {path.name}: write precision = double (the default) or precision = single."
        )
    solver = options["solver"].strip().lower()
    if solver not in _SOLVERS:
        warnings.warn(
            f"{path.name}: unsupported solver = {options['solver']!r} (Omniscape.jl then uses "
            "cg+amg). Every window is solved exactly here, whatever the solver.",
            OmniscapeWarning,
            stacklevel=2,
        )
    _number(path, "parallel_batch_size", options["parallel_batch_size"])

    files: dict[str, Path] = {}
    resistance_file, workdir = _resolve(path, "resistance_file", options["resistance_file"], base)
    files["resistance_file"] = resistance_file
    if base is not None:
        workdir = base
    if not flag["source_from_resistance"]:
        if not options["source_file"].strip():
            raise ValueError(
                f"source_file is required when source_from_resistance = false, but "
                f"{path.name} gives none: add source_file = <source strength raster>, or set "
                "source_from_resistance = true to use 1 / resistance as source strength."
            )
        files["source_file"] = _resolve(path, "source_file", options["source_file"], base)[0]
    if flag["reclassify_resistance"]:
        if not options["reclass_table"].strip():
            raise ValueError(
                f"reclass_table is required when reclassify_resistance = true, but "
                f"{path.name} gives none: add reclass_table = <two-column text file>, or set "
                "reclassify_resistance = false."
            )
        files["reclass_table"] = _resolve(path, "reclass_table", options["reclass_table"], base)[0]

    conditions: list[dict] = []
    if flag["conditional"]:
        n_conditions = options["n_conditions"].strip()
        if n_conditions not in ("1", "2"):
            raise ValueError(
                f"n_conditions must be 1 or 2. Got n_conditions = {options['n_conditions']!r} "
                f"in {path.name}: Omniscape compares at most two conditions; write "
                "n_conditions = 1 or n_conditions = 2."
            )
        future = options["compare_to_future"].strip().lower()
        if future not in ("none", "1", "2", "both"):
            raise ValueError(
                f"compare_to_future must be one of none, 1, 2, both. Got compare_to_future = "
                f"{options['compare_to_future']!r} in {path.name}: name the condition(s) whose "
                "targets use future values, or none."
            )
        for k in range(1, int(n_conditions) + 1):
            comparison = options[f"comparison{k}"].strip().lower()
            if comparison not in ("within", "equal"):
                raise ValueError(
                    f"comparison{k} must be within or equal. Got comparison{k} = "
                    f"{options[f'comparison{k}']!r} in {path.name}: write comparison{k} = "
                    "within (a range around the target's value) or equal (categories)."
                )
            lower = _number(path, f"condition{k}_lower", options[f"condition{k}_lower"])
            upper = _number(path, f"condition{k}_upper", options[f"condition{k}_upper"])
            if comparison == "within" and lower > upper:
                raise ValueError(
                    f"condition{k}_lower ({lower:g}) is above condition{k}_upper ({upper:g}) in "
                    f"{path.name}: no source could match; swap them."
                )
            keys = {"present": f"condition{k}_file"}
            if future in (str(k), "both"):
                keys["future"] = f"condition{k}_future_file"
            for role, key in keys.items():
                if not options[key].strip():
                    why = (
                        "conditional = true"
                        if role == "present"
                        else f"compare_to_future = {future}"
                    )
                    raise ValueError(
                        f"{key} is required when {why} (condition {k}), but {path.name} gives "
                        f"none: add {key} = <raster>."
                    )
                files[key] = _resolve(path, key, options[key], base)[0]
            conditions.append(
                {
                    "comparison": comparison,
                    "lower": lower,
                    "upper": upper,
                    "present": keys["present"],
                    "future": keys.get("future"),
                }
            )
    return OmniscapeJob(
        path=path,
        options=options,
        files=files,
        workdir=workdir,
        radius=radius,
        block_size=block_size,
        buffer=buffer,
        source_threshold=source_threshold,
        r_cutoff=r_cutoff,
        precision=precision,
        neighbors=4 if flag["connect_four_neighbors_only"] else 8,
        conditions=tuple(conditions),
        unknown=unknown,
    )


# =========================================================================== rasters
@dataclass(frozen=True)
class _Raster:
    values: np.ndarray  # float64, nodata as NaN
    transform: object
    crs: object


def _read_raster(path: Path, key: str) -> _Raster:
    """Read band 1 of a raster file (nodata -> NaN) with its transform and CRS."""
    import rasterio
    from rasterio.errors import RasterioIOError

    try:  # ASCII grids as float64: GDAL reads them as float32 unless told
        with rasterio.Env(AAIGRID_DATATYPE="Float64"), rasterio.open(path) as src:
            band = src.read(1, masked=True)
            values = np.ma.filled(band.astype(np.float64), np.nan)
            return _Raster(values, src.transform, src.crs)
    except RasterioIOError as err:
        raise ValueError(
            f"{key} = {path} could not be read as a raster ({err}). Give an Arc/Info ASCII "
            "grid (.asc) or a GeoTIFF (.tif)."
        ) from None


def _check_aligned(job: OmniscapeJob, key: str, other: _Raster, ref: _Raster) -> None:
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


def _write_raster(stem: Path, values: np.ndarray, ref: _Raster, fmt: str, dtype) -> Path:
    """Write one map in Omniscape's format (nodata -9999, the resistance grid's CRS)."""
    import rasterio

    path = stem.with_suffix(".tif" if fmt == "tif" else ".asc")
    data = np.where(np.isfinite(values), values, NODATA).astype(dtype)
    profile = {
        "driver": "GTiff" if fmt == "tif" else "AAIGrid",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": np.dtype(dtype).name,
        "nodata": NODATA,
        "transform": ref.transform,
        "crs": ref.crs,
    }
    if fmt == "asc":
        profile["SIGNIFICANT_DIGITS"] = 17 if np.dtype(dtype) == np.float64 else 9
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


# =============================================================================== run
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


def _sources(job: OmniscapeJob, resistance: np.ndarray, ref: _Raster) -> np.ndarray:
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


def _conditions(job: OmniscapeJob, ref: _Raster) -> list:
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
            _c.OmniscapeCondition(
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
    rules: average conductance between neighbours, sources within ``radius`` of
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
    result = _c.omniscape(
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
                files[name] = _write_raster(folder / name, values, ref, fmt, dtype)
        files["config"] = Path(shutil.copyfile(job.path, folder / "config.ini"))
    return OmniscapeRun(
        **{
            **run.__dict__,
            "seconds": time.perf_counter() - start,
            "files": files,
            "output_dir": folder,
        }
    )
