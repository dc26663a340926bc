"""Circuitscape's files: ``.ini`` jobs, grids with their headers, point and pair lists.

Part of :mod:`gpec_teach.circuitscape_io` (which re-exports the public names);
rasters are read and written through :mod:`gpec_teach._raster_io`.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from affine import Affine

from .._raster_io import NODATA, is_raster_file, read_raster_file, write_raster_file
from .._validation import check_choice, describe

__all__ = [
    "CircuitscapeJob",
    "read_ascii_grid",
    "read_ini",
    "read_raster",
    "write_ascii_grid",
    "write_raster",
]

#: Circuitscape's rules for a node that is both a source and a ground.
POLICIES = ("keepall", "rmvsrc", "rmvgnd", "rmvall")


#: Circuitscape.jl's defaults for options missing from an .ini file.
DEFAULTS = {
    "data_type": "raster",
    "scenario": "not entered",
    "habitat_file": "",
    "habitat_map_is_resistances": "True",
    "connect_four_neighbors_only": "False",
    "connect_using_avg_resistances": "False",
    "use_polygons": "False",
    "polygon_file": "",
    "point_file": "",
    "source_file": "",
    "ground_file": "",
    "ground_file_is_resistances": "True",
    "use_unit_currents": "False",
    "use_direct_grounds": "False",
    "remove_src_or_gnd": "keepall",
    "use_mask": "False",
    "mask_file": "None",
    "use_included_pairs": "False",
    "included_pairs_file": "",
    "use_variable_source_strengths": "False",
    "variable_source_file": "None",
    "use_reclass_table": "False",
    "reclass_file": "",
    "output_file": "output.out",
    "write_cur_maps": "False",
    "write_volt_maps": "False",
    "write_cum_cur_map_only": "False",
    "write_max_cur_maps": "False",
    "log_transform_maps": "False",
    "set_null_currents_to_nodata": "False",
    "set_null_voltages_to_nodata": "False",
    "set_focal_node_currents_to_zero": "False",
    "compress_grids": "False",
    "write_as_tif": "False",
    "solver": "cg+amg",
}


_TRUE = {"true", "1", "yes", "on"}


_SCENARIOS = ("pairwise", "one-to-all", "all-to-one", "advanced")


#: Scenario spellings Circuitscape.jl accepts besides the canonical ones.
_SCENARIO_ALIASES = {"one_to_all": "one-to-all", "all_to_one": "all-to-one"}


def _open_text(path: Path):
    """Open a text file, gzipped or not."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt")
    return open(path)


def read_raster(path) -> tuple[np.ndarray, dict]:
    r"""Read a raster (Arc/Info ASCII grid or GeoTIFF, optionally gzipped) with rasterio.

    Nodata cells (the file's nodata value, and -9999 as in Circuitscape) become
    NaN. ASCII grids are read in double precision.

    Parameters
    ----------
    path : str or Path
        ``.asc``, ``.asc.gz``, ``.tif`` or any single-band raster GDAL reads.
        Rows run north to south.

    Returns
    -------
    values : numpy.ndarray
        ``(nrows, ncols)`` float64 array, NaN on nodata.
    header : dict
        ``ncols, nrows, xllcorner, yllcorner, cellsize, nodata`` (lower-left
        corner coordinates), ``crs`` (a ``rasterio.crs.CRS`` or None) and
        ``transform`` (the affine transform).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        GDAL cannot read it as a raster (the message names the file).

    Examples
    --------
    >>> import tempfile, os
    >>> text = "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -9999\n1 -9999\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "g.asc")
    ...     _ = open(p, "w").write(text)
    ...     values, header = read_raster(p)
    >>> values.tolist(), header["cellsize"], header["crs"]
    ([[1.0, nan]], 10.0, None)
    """
    raster = read_raster_file(path)
    values = raster.values
    values[values == NODATA] = np.nan  # Circuitscape's nodata, whatever the header says
    nodata, transform = raster.nodata, raster.transform
    nrows, ncols = values.shape
    header = {
        "ncols": ncols,
        "nrows": nrows,
        "xllcorner": float(transform.c),
        "yllcorner": float(transform.f + transform.e * nrows),
        "cellsize": float(transform.a),
        "nodata": NODATA if nodata is None or not np.isfinite(nodata) else float(nodata),
        "crs": raster.crs,
        "transform": transform,
    }
    return values, header


def read_ascii_grid(path) -> tuple[np.ndarray, dict]:
    r"""Read an Arc/Info ASCII grid (or any raster :func:`read_raster` reads).

    Kept for existing code; identical to :func:`read_raster`.

    Parameters
    ----------
    path : str or Path
        The grid file (``.asc``, ``.asc.gz``, GeoTIFF).

    Returns
    -------
    values, header
        As :func:`read_raster`.

    Examples
    --------
    >>> import tempfile, os
    >>> text = "ncols 1\nnrows 1\nxllcenter 5\nyllcenter 5\ncellsize 10\n3\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "c.asc")
    ...     _ = open(p, "w").write(text)
    ...     values, header = read_ascii_grid(p)
    >>> values.tolist(), header["xllcorner"]
    ([[3.0]], 0.0)
    """
    return read_raster(path)


def fmt_number(value: float) -> str:
    """Write a number as Circuitscape does in its tables: integers without decimals."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def write_ascii_grid(path, values, header: dict, *, compress: bool = False) -> Path:
    """Write a grid in Circuitscape's ASCII layout (values rounded to 8 decimals).

    NaN cells are written as ``header["nodata"]`` (default -9999). When the
    header carries a ``crs``, its WKT is written next to the grid as ``.prj``
    (as GDAL and Circuitscape.jl do).

    Parameters
    ----------
    path : str or Path
        Output file (``.gz`` is appended when *compress* is True).
    values : array_like
        2-D grid.
    header : dict
        ``ncols, nrows, xllcorner, yllcorner, cellsize`` and optionally
        ``nodata`` and ``crs``.
    compress : bool, default False
        Gzip the file.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, os
    >>> h = {"ncols": 2, "nrows": 1, "xllcorner": 0, "yllcorner": 0, "cellsize": 1}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_ascii_grid(os.path.join(d, "g.asc"), [[0.5, float("nan")]], h)
    ...     print(open(p).read().splitlines()[-1])
    0.5 -9999
    """
    return write_raster_file(
        path,
        values,
        transform=_transform(header, np.shape(values)[0]),
        crs=header.get("crs"),
        fmt="asc",
        nodata=float(header.get("nodata", NODATA)),
        decimals=8,
        compress=compress,
    )


def _transform(header: dict, nrows: int):
    """Return the header's affine transform, rebuilt from its corner and cell size if absent."""
    if header.get("transform") is not None:
        return header["transform"]
    cell = float(header["cellsize"])
    top = float(header["yllcorner"]) + nrows * cell
    return Affine(cell, 0.0, float(header["xllcorner"]), 0.0, -cell, top)


def write_raster(path, values, header: dict, *, fmt: str = "asc") -> Path:
    """Write a grid as an ASCII grid (``fmt="asc"``) or a GeoTIFF (``fmt="tif"``).

    NaN cells become the nodata value (-9999 by default); the CRS of the
    header is kept (a ``.prj`` sidecar for ASCII grids, embedded in GeoTIFF).

    Parameters
    ----------
    path : str or Path
        Output file without or with its extension (``.asc`` / ``.tif`` added
        when missing).
    values : array_like
        2-D grid.
    header : dict
        As returned by :func:`read_raster` (``transform`` optional: it is
        rebuilt from the corner and cell size).
    fmt : {"asc", "tif"}, default "asc"
        File format.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        Unknown *fmt*.

    Examples
    --------
    >>> import tempfile, os
    >>> h = {"ncols": 2, "nrows": 1, "xllcorner": 0, "yllcorner": 0, "cellsize": 1}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_raster(os.path.join(d, "g"), [[0.5, 2.0]], h, fmt="tif")
    ...     values, back = read_raster(p)
    >>> p.suffix, values.tolist()
    ('.tif', [[0.5, 2.0]])
    """
    check_choice("fmt", fmt, ("asc", "tif"))
    path = Path(path)
    if path.suffix.lower() != f".{fmt}":
        path = Path(f"{path}.{fmt}")
    if fmt == "asc":
        return write_ascii_grid(path, values, header)
    return write_raster_file(
        path,
        values,
        transform=_transform(header, np.shape(values)[0]),
        crs=header.get("crs"),
        fmt="tif",
        nodata=float(header.get("nodata", NODATA)),
    )


def write_table(path: Path, rows) -> Path:
    """Write rows of numbers, space-separated, as Circuitscape's text outputs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        for row in rows:
            fh.write(" ".join(fmt_number(float(v)) for v in row) + "\n")
    return path


@dataclass(frozen=True)
class CircuitscapeJob:
    """A parsed Circuitscape ``.ini`` job.

    Attributes
    ----------
    path : Path
        The ``.ini`` file.
    options : dict
        Every option (lower-case keys, string values), Circuitscape.jl defaults
        filled in for missing ones.
    base_dir : Path or None
        Folder against which relative input paths were resolved (None: each path
        was found next to the ``.ini`` or in one of its parent folders).
    """

    path: Path
    options: dict
    base_dir: Path | None = None

    def flag(self, key: str) -> bool:
        """Return an option as a boolean (``True``/``False`` in any case)."""
        return str(self.options.get(key, "False")).strip().lower() in _TRUE

    def file(self, key: str) -> Path | None:
        """Return the resolved path of a file option, or None when it is unset."""
        value = str(self.options.get(key, "")).strip()
        if not value or value.lower() == "none" or value.startswith("("):
            return None
        candidate = Path(value)
        if candidate.is_absolute():
            tried = [candidate]
        elif self.base_dir is not None:
            tried = [self.base_dir / candidate]
        else:
            tried = [
                folder / candidate for folder in [self.path.parent, *self.path.parent.parents]
            ]
        for p in tried:
            if p.exists():
                return p
        raise FileNotFoundError(
            f"{key} = {value} in {self.path} was not found (looked in "
            f"{', '.join(str(p.parent) for p in tried[:3])}{' ...' if len(tried) > 3 else ''}). "
            "Pass base_dir= to say which folder the paths are relative to."
        )

    def unpaired_ids(self) -> set:
        """Focal ids that the included-pairs file links to no other id (empty if none).

        One-to-all and all-to-one report ``-1`` for them and write no map.
        """
        if not self.flag("use_included_pairs"):
            return set()
        pairs = _read_included_pairs(self.file("included_pairs_file"))
        if pairs.mode != "include":
            return set()
        return {a for a in pairs.ids if not any(pairs.link(a, b) for b in pairs.ids if b != a)}

    @property
    def name(self) -> str:
        """Output prefix: the ``output_file`` name without ``.out``."""
        out = Path(str(self.options.get("output_file", "output.out")))
        return out.name[:-4] if out.name.endswith(".out") else out.stem


def read_ini(path, *, base_dir=None) -> CircuitscapeJob:
    r"""Parse a Circuitscape ``.ini`` file.

    Section headers are ignored (as Circuitscape does); ``key = value`` lines
    are read with keys lower-cased.

    Parameters
    ----------
    path : str or Path
        The ``.ini`` file.
    base_dir : str or Path, optional
        Folder that relative input paths start from. By default each path is
        looked up next to the ``.ini`` and then in its parent folders (Circuitscape
        resolves them against the working directory it was started from).

    Returns
    -------
    CircuitscapeJob

    Raises
    ------
    FileNotFoundError
        The ``.ini`` does not exist.
    ValueError
        Unknown data type or scenario.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "job.ini")
    ...     _ = open(p, "w").write("[Circuitscape mode]\nscenario = pairwise\n")
    ...     job = read_ini(p)
    >>> job.options["scenario"], job.flag("connect_four_neighbors_only")
    ('pairwise', False)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Circuitscape job file not found: {path}.")
    options = dict(DEFAULTS)
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("[", "#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        options[key.strip().lower()] = value.strip()
    scenario = options["scenario"].strip().lower()
    options["scenario"] = _SCENARIO_ALIASES.get(scenario, scenario)
    data_type = options["data_type"].strip().lower()
    options["data_type"] = data_type
    check_choice("data_type", data_type, ("raster", "network"))
    if options["scenario"] not in _SCENARIOS:
        raise ValueError(
            f"scenario must be one of {', '.join(_SCENARIOS)}. Got scenario="
            f"{describe(options['scenario'])} in {path}."
        )
    return CircuitscapeJob(path, options, None if base_dir is None else Path(base_dir))


def read_numbers(path: Path) -> np.ndarray:
    """Read a whitespace-separated table of numbers (gzipped or not)."""
    with _open_text(path) as fh:
        rows = [line.split() for line in fh if line.strip()]
    return np.asarray(rows, dtype=float)


def _xy_cells(table: np.ndarray, header: dict, path: Path) -> list[tuple[float, int, int]]:
    """``(value, row, col)`` of each ``value x y`` line (Circuitscape's cell rule)."""
    cell = header["cellsize"]
    out = []
    for value, x, y in table[:, :3]:
        row = math.ceil(header["nrows"] - (y - header["yllcorner"]) / cell) - 1
        col = math.ceil((x - header["xllcorner"]) / cell) - 1
        if not (0 <= row < header["nrows"] and 0 <= col < header["ncols"]):
            raise ValueError(
                f"{path}: the point ({x}, {y}) falls outside the habitat raster "
                f"({header['nrows']} rows x {header['ncols']} columns from "
                f"({header['xllcorner']}, {header['yllcorner']})). Fix its coordinates."
            )
        out.append((float(value), row, col))
    return out


def _check_shape(path: Path, grid: np.ndarray, header: dict) -> None:
    if grid.shape != (header["nrows"], header["ncols"]):
        raise ValueError(
            f"{path} has {grid.shape[0]} rows x {grid.shape[1]} columns; the habitat raster "
            f"has {header['nrows']} x {header['ncols']}. Give both the same grid."
        )


def read_points(job: CircuitscapeJob, header: dict) -> dict[int, list[tuple[int, int]]]:
    """Focal points ``{id: [(row, col), ...]}`` from a grid or an ``id x y`` list.

    Ids are sorted; zero, negative and nodata values are not focal points. Cells
    of a grid come in column-major order, as Circuitscape.jl reads them.
    """
    path = job.file("point_file")
    if path is None:
        raise ValueError(f"{job.path}: point_file is required for this scenario.")
    points: dict[int, list[tuple[int, int]]] = {}
    if is_raster_file(path):
        values, _ = read_raster(path)
        _check_shape(path, values, header)
        ok = np.isfinite(values) & (values > 0)
        for c, r in np.argwhere(ok.T):
            points.setdefault(int(values[r, c]), []).append((int(r), int(c)))
    else:
        for fid, row, col in _xy_cells(read_numbers(path), header, path):
            if fid > 0:
                points.setdefault(int(fid), []).append((row, col))
    return dict(sorted(points.items()))


@dataclass
class _Pairs:
    """An included-pairs file: ``mode``, the ids it names and which pairs it links."""

    mode: str
    ids: list
    linked: dict  # (a, b) -> bool, as read from row a (matrix files may be asymmetric)

    def link(self, a: int, b: int) -> bool:
        """Whether the file links *a* to *b* (row *a* of a matrix)."""
        return bool(self.linked.get((a, b), False))

    def solved(self, a: int, b: int) -> bool:
        """Whether the pair is solved: included both ways, or not excluded."""
        both = self.link(a, b) and self.link(b, a)
        return both if self.mode == "include" else not (self.link(a, b) or self.link(b, a))


def _read_included_pairs(path: Path) -> _Pairs:
    """Read a ``mode include|exclude`` list or a ``min``/``max`` matrix file.

    In a matrix, ``min <= value <= max`` links the pair; the diagonal is ignored.
    """
    with _open_text(path) as fh:
        lines = [line.split() for line in fh if line.strip()]
    if not lines:
        raise ValueError(f"{path}: the included pairs file is empty.")
    first = lines[0][0].lower()
    if first == "min":
        low, high = float(lines[0][1]), float(lines[1][1])
        matrix = np.asarray(lines[2:], dtype=float)
        ids = [int(v) for v in matrix[0, 1:]]
        body = matrix[1:, 1:]
        linked = {
            (a, b): bool(low <= body[x, y] <= high)
            for x, a in enumerate(ids)
            for y, b in enumerate(ids)
            if a != b
        }
        return _Pairs("include", ids, linked)
    if first != "mode":
        raise ValueError(f"{path}: included pairs file must start with 'mode' or 'min'.")
    mode = lines[0][1].lower()
    if mode not in ("include", "exclude"):
        raise ValueError(f"{path}: mode must be 'include' or 'exclude'. Got {mode!r}.")
    listed = [(int(float(a)), int(float(b))) for a, b, *_ in lines[1:]]
    ids = sorted({v for pair in listed for v in pair if v != 0})
    linked = {}
    for a, b in listed:
        if a != b and a != 0 and b != 0:
            linked[(a, b)] = linked[(b, a)] = True
    return _Pairs(mode, ids, linked)


def job_pairs(job: CircuitscapeJob) -> _Pairs | None:
    """Return the included-pairs file of the job, or None."""
    if not job.flag("use_included_pairs"):
        return None
    return _read_included_pairs(job.file("included_pairs_file"))


def apply_pairs(job: CircuitscapeJob, focal_ids):
    """Focal ids kept and the pairs to solve (None = all) for an included-pairs file.

    Include mode drops the focal ids the file does not name (Circuitscape);
    exclude mode keeps every id and skips the listed pairs.
    """
    pairs = job_pairs(job)
    if pairs is None:
        return list(focal_ids), None
    kept = [f for f in focal_ids if f in pairs.ids] if pairs.mode == "include" else list(focal_ids)
    todo = [(a, b) for k, a in enumerate(kept) for b in kept[k + 1 :] if pairs.solved(a, b)]
    return kept, todo


def _read_grid_like(job: CircuitscapeJob, key: str, header: dict) -> np.ndarray:
    path = job.file(key)
    values, _ = read_raster(path)
    _check_shape(path, values, header)
    return values


def read_habitat(job: CircuitscapeJob):
    """Read the habitat raster (reclassified, masked); return values, header and kind."""
    path = job.file("habitat_file")
    if path is None:
        raise ValueError(f"{job.path}: habitat_file is required.")
    values, header = read_raster(path)
    if job.flag("use_reclass_table"):
        table = read_numbers(job.file("reclass_file"))
        original = values.copy()
        for old, new in table[:, :2]:
            values[original == old] = new
    if job.flag("use_mask"):
        mask = _read_grid_like(job, "mask_file", header)
        values[~(np.isfinite(mask) & (mask > 0))] = np.nan
    is_res = job.flag("habitat_map_is_resistances")
    if not is_res:
        values[values == 0] = np.nan  # zero conductance: no node (Circuitscape)
    return values, header, ("resistance" if is_res else "conductance")


def read_polygons(job: CircuitscapeJob, header: dict) -> np.ndarray | None:
    """Read the short-circuit regions (0 = none), or None."""
    if not job.flag("use_polygons"):
        return None
    polygons = _read_grid_like(job, "polygon_file", header)
    return np.where(np.isfinite(polygons) & (polygons > 0), polygons, 0).astype(np.int64)


def strengths(job: CircuitscapeJob, ids) -> dict:
    """Source strength per focal id: the variable source file, 1 A for ids not listed."""
    strength = dict.fromkeys(ids, 1.0)
    if job.flag("use_variable_source_strengths"):
        table = read_numbers(job.file("variable_source_file"))
        for fid, amps in table[:, :2]:
            if int(fid) in strength:
                strength[int(fid)] = float(amps)
    return strength


def source_ground_grid(job, key, header) -> np.ndarray:
    """Read a source or ground file (a raster or a ``value x y`` text list) as a grid."""
    path = job.file(key)
    if is_raster_file(path):
        values, _ = read_raster(path)
        _check_shape(path, values, header)
        return values
    grid = np.full((header["nrows"], header["ncols"]), np.nan)
    for value, row, col in _xy_cells(read_numbers(path), header, path):
        if key == "source_file" and np.isfinite(grid[row, col]):
            grid[row, col] += value  # sources on one cell add up
        else:
            grid[row, col] = value
    return grid
