"""Omniscape.jl ``.ini`` jobs: reading and checking every option before any computation.

Part of :mod:`gpec_teach.omniscape_io` (which re-exports the public names).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

from .._validation import GPECWarning

__all__ = ["OMNISCAPE_DEFAULTS", "OmniscapeJob", "OmniscapeWarning", "read_omniscape_ini"]

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


class OmniscapeWarning(GPECWarning):
    """An Omniscape job option that is ignored or adjusted (Omniscape.jl warns too)."""


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
    numbers = _window_options(path, options, flag)
    files, workdir = _input_files(path, options, flag, base)
    conditions = _condition_specs(path, options, base, files) if flag["conditional"] else []
    return OmniscapeJob(
        path=path,
        options=options,
        files=files,
        workdir=workdir,
        neighbors=4 if flag["connect_four_neighbors_only"] else 8,
        conditions=tuple(conditions),
        unknown=unknown,
        **numbers,
    )


def _window_options(path: Path, options: dict, flag: dict) -> dict:
    """Check the numeric options; return radius, block_size, buffer, thresholds, precision."""
    radius = _integer(path, "radius", options["radius"], minimum=1)
    block_size = _integer(path, "block_size", options["block_size"], minimum=1)
    if block_size % 2 == 0:
        warnings.warn(
            f"{path.name}: block_size = {block_size} is even; Omniscape.jl uses "
            f"block_size + 1 = {block_size + 1}, and so do we.",
            OmniscapeWarning,
            stacklevel=3,
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
            stacklevel=3,
        )
    _number(path, "parallel_batch_size", options["parallel_batch_size"])
    return {
        "radius": radius,
        "block_size": block_size,
        "buffer": buffer,
        "source_threshold": source_threshold,
        "r_cutoff": r_cutoff,
        "precision": precision,
    }


def _input_files(path: Path, options: dict, flag: dict, base: Path | None):
    """Resolve the resistance, source and reclass files; return them and the work folder."""
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
    return files, workdir


def _condition_specs(path: Path, options: dict, base: Path | None, files: dict) -> list[dict]:
    """Check the conditional-connectivity options; resolve their rasters into *files*."""
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
    return [
        _condition_spec(path, options, base, files, k, future)
        for k in range(1, int(n_conditions) + 1)
    ]


def _condition_spec(path, options, base, files, k: int, future: str) -> dict:
    """Check condition *k*: its comparison, bounds and rasters."""
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
            why = "conditional = true" if role == "present" else f"compare_to_future = {future}"
            raise ValueError(
                f"{key} is required when {why} (condition {k}), but {path.name} gives "
                f"none: add {key} = <raster>."
            )
        files[key] = _resolve(path, key, options[key], base)[0]
    return {
        "comparison": comparison,
        "lower": lower,
        "upper": upper,
        "present": keys["present"],
        "future": keys.get("future"),
    }
