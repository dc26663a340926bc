"""Run Circuitscape ``.ini`` jobs with :mod:`gpec_teach.circuit`, and read/write its files.

Practitioners who already use Circuitscape can run an existing job unchanged::

    result = run_ini("my_job.ini")              # results in memory
    result = run_ini("my_job.ini", write=True)  # plus Circuitscape's output files

Supported: raster and network data; pairwise, one-to-all, all-to-one and
advanced scenarios; rasters as Arc/Info ASCII grids (``.asc``, optionally
gzipped) or GeoTIFF, read with rasterio (the CRS is kept); focal points as a
grid or a text list ``id x y``; sources and grounds as grids or text lists
``value x y``; network edge lists ``node node value``; short-circuit regions
(polygons), focal regions, masks, included-pairs files (list and matrix
formats), variable source strengths, reclassification tables, and the output
options. Options missing from a file take Circuitscape.jl's defaults: 8
neighbours and *average conductance* (``connect_using_avg_resistances =
False``, also the default of Circuitscape 4 and of :mod:`gpec_teach.circuit`).

The runner follows Circuitscape.jl's documented semantics where they differ
from the Python API of :mod:`gpec_teach.circuit`:

* a focal point on a nodata or masked cell is kept and reported with ``-1``
  (the Python API raises a clear error instead);
* one-to-all and all-to-one inject (or withdraw) 1 A per focal *id* (a focal
  region is one node), or the id's strength from the variable source file;
* with an included-pairs file, one-to-all grounds only the ids paired with the
  source, and an id with no pair gets ``-1`` (and no map); in all-to-one the
  ids paired with the grounded id inject their strength and the other kept ids
  1 A, as Circuitscape.jl does; all-to-one reports ``0`` for a solved id and
  ``-1`` otherwise;
* advanced mode accepts negative sources and text lists of sources and grounds.

Output files follow Circuitscape.jl's layout and choice of files:
``<name>_resistances.out`` (and ``_3columns`` for pairwise), per-pair or per-id
``_curmap_<a>_<b>`` / ``_voltmap_<a>_<b>`` maps, ``_cum_curmap`` and
``_max_curmap``, advanced ``_curmap`` / ``_voltmap``, and for networks
``_voltages_<a>_<b>.txt``, ``_node_currents_<a>_<b>.txt`` and
``_branch_currents_<a>_<b>.txt`` (``_cum`` for the sums). Grids are written as
ASCII grids with a ``.prj`` when the habitat raster has a CRS, or as GeoTIFF
(with the CRS) when the job sets ``write_as_tif``. Like Circuitscape.jl 5,
``compress_grids`` is accepted but grids are written uncompressed (the file
names then match Circuitscape.jl's); :func:`write_ascii_grid` can gzip.

References
----------
McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology 89
(10): 2712-2724. https://doi.org/10.1890/07-1861.1

Anantharaman, R., Hall, K., Shah, V. B. & Edelman, A. (2020). Circuitscape in
Julia: high performance connectivity modelling to support conservation decisions.
Proceedings of the JuliaCon Conferences 1 (1): 58. https://doi.org/10.21105/jcon.00058
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _laplacian as _lap
from . import circuit as _c
from ._validation import check_choice, describe

#: Circuitscape's rules for a node that is both a source and a ground.
_POLICIES = ("keepall", "rmvsrc", "rmvgnd", "rmvall")

__all__ = [
    "CircuitscapeJob",
    "CircuitscapeResult",
    "read_ascii_grid",
    "read_ini",
    "read_raster",
    "run_ini",
    "write_ascii_grid",
    "write_raster",
]

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
NODATA = -9999.0


# ============================================================================ files
def _open_text(path: Path):
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt")
    return open(path)


def _gdal_path(path: Path) -> str:
    return f"/vsigzip/{path}" if path.suffix == ".gz" else str(path)


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
    import rasterio
    from rasterio.errors import RasterioIOError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Raster file not found: {path}.")
    is_ascii = ".asc" in path.name.lower()
    options = {"DATATYPE": "Float64"} if is_ascii else {}
    try:
        with rasterio.open(_gdal_path(path), **options) as ds:
            values = ds.read(1).astype(float)
            nodata = ds.nodata
            transform = ds.transform
            crs = ds.crs
    except RasterioIOError as err:
        raise ValueError(
            f"{path} could not be read as a raster (ASCII grid or GeoTIFF): {err}"
        ) from None
    if nodata is not None and np.isfinite(nodata):
        values[values == nodata] = np.nan
    values[values == NODATA] = np.nan
    nrows, ncols = values.shape
    header = {
        "ncols": ncols,
        "nrows": nrows,
        "xllcorner": float(transform.c),
        "yllcorner": float(transform.f + transform.e * nrows),
        "cellsize": float(transform.a),
        "nodata": NODATA if nodata is None or not np.isfinite(nodata) else float(nodata),
        "crs": crs if crs else None,
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


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def _crs_wkt(header: dict) -> str | None:
    crs = header.get("crs")
    if crs is None:
        return None
    return crs.to_wkt() if hasattr(crs, "to_wkt") else str(crs)


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
    values = np.asarray(values, dtype=float)
    nodata = header.get("nodata", NODATA)
    path = Path(str(path) + ".gz") if compress and not str(path).endswith(".gz") else Path(path)
    rows = []
    for row in np.round(values, 8):
        rows.append(" ".join(_fmt(nodata) if np.isnan(v) else _fmt(float(v)) for v in row))
    text = (
        f"ncols         {int(header['ncols'])}\n"
        f"nrows         {int(header['nrows'])}\n"
        f"xllcorner     {header['xllcorner']}\n"
        f"yllcorner     {header['yllcorner']}\n"
        f"cellsize      {header['cellsize']}\n"
        f"NODATA_value  {_fmt(nodata)}\n" + "\n".join(rows) + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    wkt = _crs_wkt(header)
    if wkt:
        stem = str(path)[: -len(".asc.gz")] if str(path).endswith(".asc.gz") else path.stem
        prj = path.with_name(Path(stem).name + ".prj")
        prj.write_text(wkt)
    return path


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
    import rasterio
    from rasterio.transform import from_origin

    values = np.asarray(values, dtype=float)
    nodata = float(header.get("nodata", NODATA))
    nrows, ncols = values.shape
    transform = header.get("transform") or from_origin(
        float(header["xllcorner"]),
        float(header["yllcorner"]) + nrows * float(header["cellsize"]),
        float(header["cellsize"]),
        float(header["cellsize"]),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=nrows,
        width=ncols,
        count=1,
        dtype="float64",
        crs=header.get("crs"),
        transform=transform,
        nodata=nodata,
    ) as ds:
        ds.write(np.where(np.isnan(values), nodata, values), 1)
    return path


def _write_table(path: Path, rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        for row in rows:
            fh.write(" ".join(_fmt(float(v)) for v in row) + "\n")
    return path


# ============================================================================== ini
@dataclass
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


# ========================================================================== readers
def _read_numbers(path: Path) -> np.ndarray:
    with _open_text(path) as fh:
        rows = [line.split() for line in fh if line.strip()]
    return np.asarray(rows, dtype=float)


def _is_raster_file(path: Path) -> bool:
    """Tell a GeoTIFF or ASCII grid from a text list by content (as Circuitscape does)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        head = fh.read(64)
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return True
    words = head.decode("latin-1").split()
    return bool(words) and words[0].lower() in ("ncols", "nrows")


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


def _read_points(job: CircuitscapeJob, header: dict) -> dict[int, list[tuple[int, int]]]:
    """Focal points ``{id: [(row, col), ...]}`` from a grid or an ``id x y`` list.

    Ids are sorted; zero, negative and nodata values are not focal points. Cells
    of a grid come in column-major order, as Circuitscape.jl reads them.
    """
    path = job.file("point_file")
    if path is None:
        raise ValueError(f"{job.path}: point_file is required for this scenario.")
    points: dict[int, list[tuple[int, int]]] = {}
    if _is_raster_file(path):
        values, _ = read_raster(path)
        _check_shape(path, values, header)
        ok = np.isfinite(values) & (values > 0)
        for c, r in np.argwhere(ok.T):
            points.setdefault(int(values[r, c]), []).append((int(r), int(c)))
    else:
        for fid, row, col in _xy_cells(_read_numbers(path), header, path):
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


def _job_pairs(job: CircuitscapeJob) -> _Pairs | None:
    if not job.flag("use_included_pairs"):
        return None
    return _read_included_pairs(job.file("included_pairs_file"))


def _apply_pairs(job: CircuitscapeJob, focal_ids):
    """Focal ids kept and the pairs to solve (None = all) for an included-pairs file.

    Include mode drops the focal ids the file does not name (Circuitscape);
    exclude mode keeps every id and skips the listed pairs.
    """
    pairs = _job_pairs(job)
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


def _habitat(job: CircuitscapeJob):
    path = job.file("habitat_file")
    if path is None:
        raise ValueError(f"{job.path}: habitat_file is required.")
    values, header = read_raster(path)
    if job.flag("use_reclass_table"):
        table = _read_numbers(job.file("reclass_file"))
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


def _polygons(job: CircuitscapeJob, header: dict) -> np.ndarray | None:
    if not job.flag("use_polygons"):
        return None
    polygons = _read_grid_like(job, "polygon_file", header)
    return np.where(np.isfinite(polygons) & (polygons > 0), polygons, 0).astype(np.int64)


# ========================================================================== results
@dataclass
class CircuitscapeResult:
    """Outputs of :func:`run_ini`, as Circuitscape would write them.

    Attributes
    ----------
    job : CircuitscapeJob
        The parsed job.
    resistances : numpy.ndarray or None
        Pairwise: the matrix of ``<name>_resistances.out`` (first row
        ``0, id1, id2, ...``, first column ids, -1 = disconnected). One-to-all /
        all-to-one: two columns ``id, resistance``. Network advanced: ``node,
        voltage``.
    grids : dict
        ``{"cum_curmap": array, "curmap_1_2": array, ...}`` with Circuitscape's
        values (0 off the graph, -9999 where set to nodata).
    tables : dict
        Network outputs, ``{"voltages_0_1": (k, 2) array, ...}``.
    files : dict
        ``{name: Path}`` of files written (empty unless ``write=True``).
    result : object
        The underlying :mod:`gpec_teach.circuit` result.
    header : dict or None
        Grid header of the habitat raster (raster jobs).
    """

    job: CircuitscapeJob
    resistances: np.ndarray | None = None
    grids: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    result: object = None
    header: dict | None = None


def _grid_out(job, values, habitat_valid, *, kind: str, cum: bool = False):
    """Apply Circuitscape's output conventions to one map."""
    out = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    if kind == "current" and job.flag("log_transform_maps") and not cum:
        with np.errstate(divide="ignore"):
            out = np.where(out > 0, np.log10(np.where(out > 0, out, 1.0)), np.nan)
    null = "set_null_currents_to_nodata" if kind == "current" else "set_null_voltages_to_nodata"
    if job.flag(null):
        out[~habitat_valid] = np.nan
    return out


def _file_value(resistance) -> float:
    """Circuitscape's file code for a resistance: -1 for "no path" (inf) or not computed."""
    value = float(resistance)
    return value if np.isfinite(value) else -1.0


def _pair_name(a, b) -> str:
    return f"{a}_{b}"


def run_ini(
    path,
    *,
    base_dir=None,
    write: bool = False,
    output_dir=None,
    solver: str = "auto",
) -> CircuitscapeResult:
    r"""Run a Circuitscape ``.ini`` job with :mod:`gpec_teach.circuit`.

    Parameters
    ----------
    path : str or Path
        The ``.ini`` file.
    base_dir : str or Path, optional
        Folder that relative input paths start from (see :func:`read_ini`).
    write : bool, default False
        Also write the output files in Circuitscape's layout.
    output_dir : str or Path, optional
        Where to write them; default: the folder of ``output_file`` (resolved
        like the inputs, else next to the ``.ini``).
    solver : {"auto", "direct", "amg"}, default "auto"
        Solver for every system (the ``.ini``'s ``solver`` option, cholmod or
        cg+amg, only changes speed: results agree to the solver tolerance).

    Returns
    -------
    CircuitscapeResult
        Resistances, grids and tables exactly as Circuitscape writes them, plus
        the file paths when *write* is True.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing input files or unsupported options (the message names them).

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     h = {"ncols": 3, "nrows": 1, "xllcorner": 0, "yllcorner": 0, "cellsize": 1}
    ...     _ = write_ascii_grid(os.path.join(d, "r.asc"), [[1, 1, 1]], h)
    ...     _ = write_ascii_grid(os.path.join(d, "p.asc"), [[1, 0, 2]], h)
    ...     ini = os.path.join(d, "job.ini")
    ...     _ = open(ini, "w").write(
    ...         "data_type = raster\nscenario = pairwise\nhabitat_file = r.asc\n"
    ...         "point_file = p.asc\nconnect_four_neighbors_only = True\n"
    ...         "connect_using_avg_resistances = True\noutput_file = job.out\n")
    ...     out = run_ini(ini)
    >>> out.resistances.tolist()
    [[0.0, 1.0, 2.0], [1.0, 0.0, 2.0], [2.0, 2.0, 0.0]]
    """
    job = read_ini(path, base_dir=base_dir)
    check_choice("solver", solver, ("auto", "direct", "amg"))
    if job.options["data_type"] == "network":
        result = _run_network(job, solver)
    else:
        result = _run_raster(job, solver)
    if write:
        _write_outputs(result, output_dir)
    return result


# ------------------------------------------------------------------------- raster
def _raster_options(job: CircuitscapeJob):
    return {
        "neighbors": 4 if job.flag("connect_four_neighbors_only") else 8,
        "connection": "resistance" if job.flag("connect_using_avg_resistances") else "conductance",
    }


def _flags(job: CircuitscapeJob) -> dict:
    """Which maps Circuitscape.jl writes for this job."""
    cum_only = job.flag("write_cum_cur_map_only")
    cur = job.flag("write_cur_maps")
    return {
        "cur": cur,
        "cum_only": cum_only,
        "volt": job.flag("write_volt_maps"),
        "cum": cur or cum_only,
        "max": (cur or cum_only) and job.flag("write_max_cur_maps"),
    }


def _run_raster(job: CircuitscapeJob, solver: str) -> CircuitscapeResult:
    values, header, kind = _habitat(job)
    polygons = _polygons(job, header)
    opts = _raster_options(job)
    out = CircuitscapeResult(job=job, header=header)
    scenario = job.options["scenario"]
    if scenario == "advanced":
        return _run_raster_advanced(job, values, header, kind, polygons, opts, solver, out)
    points = _read_points(job, header)
    if scenario == "pairwise":
        return _run_raster_pairwise(job, values, kind, polygons, points, opts, solver, out)
    return _run_raster_one_all(job, values, kind, polygons, points, opts, solver, out)


def _base_nodemap(values, kind, polygons, opts) -> np.ndarray:
    """Node of every cell with the short-circuit regions only (-1 = no node)."""
    return _c.raster_graph(values, values=kind, short_circuit=polygons, **opts).nodemap


def _node_cells(nodemap: np.ndarray, cells) -> np.ndarray:
    """Mask of the given cells and of every cell sharing a node with one of them."""
    mask = np.zeros(nodemap.shape, dtype=bool)
    for r, c in cells:
        mask[r, c] = True
        if nodemap[r, c] >= 0:
            mask |= nodemap == nodemap[r, c]
    return mask


def _run_raster_pairwise(job, values, kind, polygons, points, opts, solver, out):
    habitat_valid = np.isfinite(values)
    flags = _flags(job)
    zero_focal = job.flag("set_focal_node_currents_to_zero")
    ids, pairs = _apply_pairs(job, list(points))
    base = _base_nodemap(values, kind, polygons, opts)
    # a focal point with no node (nodata or masked cell) is kept and reported as -1
    live = [f for f in ids if any(base[r, c] >= 0 for r, c in points[f])]
    todo = [(a, b) for a, b in (pairs if pairs is not None else []) if a in live and b in live]
    matrix = np.full((len(ids), len(ids)), -1.0)
    np.fill_diagonal(matrix, 0.0)
    want_pair_maps = flags["volt"] or (flags["cur"] and not flags["cum_only"]) or zero_focal
    res = None
    if len(live) >= 2 and (pairs is None or todo):
        res = _c.pairwise_resistance(
            values,
            {f: points[f] for f in live},
            values=kind,
            short_circuit=polygons,
            pairs=None if pairs is None else todo,
            current_maps=flags["cum"],
            pair_maps=want_pair_maps,
            solver=solver,
            **opts,
        )
        where = {f: k for k, f in enumerate(ids)}
        for a in live:
            for b in live:
                matrix[where[a], where[b]] = _file_value(res.resistances.loc[a, b])
    out.result = res
    out.resistances = np.vstack(
        [np.concatenate([[0.0], ids]), np.column_stack([ids, matrix])]
    ).astype(float)
    if res is None:
        if flags["cum"]:
            zero = np.zeros(values.shape)
            out.grids["cum_curmap"] = _grid_out(job, zero, habitat_valid, kind="current", cum=True)
            if flags["max"]:
                out.grids["max_curmap"] = zero.copy()
        return out
    cum = np.nan_to_num(np.asarray(res.cumulative_current, dtype=float)) if flags["cum"] else None
    mx = np.nan_to_num(np.asarray(res.max_current, dtype=float)) if flags["cum"] else None
    if zero_focal and flags["cum"]:
        cum, mx = np.zeros(values.shape), np.zeros(values.shape)
    for (a, b), cmap in res.current_maps.items():
        cmap = np.nan_to_num(np.asarray(cmap, dtype=float))
        if zero_focal:
            cmap[_node_cells(base, points[a] + points[b])] = 0.0
            if flags["cum"]:
                cum += cmap
                np.maximum(mx, cmap, out=mx)
        if flags["cur"] and not flags["cum_only"]:
            out.grids["curmap_" + _pair_name(a, b)] = _grid_out(
                job, cmap, habitat_valid, kind="current"
            )
    if flags["volt"]:
        for (a, b), vmap in res.voltage_maps.items():
            out.grids["voltmap_" + _pair_name(a, b)] = _grid_out(
                job, vmap, habitat_valid, kind="voltage"
            )
    if flags["cum"]:
        out.grids["cum_curmap"] = _grid_out(job, cum, habitat_valid, kind="current", cum=True)
    if flags["max"]:
        out.grids["max_curmap"] = _grid_out(job, mx, habitat_valid, kind="current", cum=True)
    return out


def _strengths(job: CircuitscapeJob, ids) -> dict:
    """Source strength per focal id: the variable source file, 1 A for ids not listed."""
    strength = dict.fromkeys(ids, 1.0)
    if job.flag("use_variable_source_strengths"):
        table = _read_numbers(job.file("variable_source_file"))
        for fid, amps in table[:, :2]:
            if int(fid) in strength:
                strength[int(fid)] = float(amps)
    return strength


def _merged_regions(polygons, shape, cells_of_ids) -> np.ndarray | None:
    """Short-circuit regions plus one region per active focal id (as Circuitscape)."""
    if not cells_of_ids:
        return polygons
    labels = np.zeros(shape, dtype=np.int64) if polygons is None else polygons.copy()
    nxt = int(labels.max(initial=0)) + 1
    for cells in cells_of_ids:
        rows, cols = zip(*cells, strict=True)
        touched = np.unique(labels[rows, cols])
        touched = touched[touched > 0]
        if touched.size:
            labels[np.isin(labels, touched)] = nxt
        labels[rows, cols] = nxt
        nxt += 1
    return labels


def _run_raster_one_all(job, values, kind, polygons, points, opts, solver, out):
    """One-to-all / all-to-one, one circuit per focal id, as Circuitscape.jl runs them."""
    habitat_valid = np.isfinite(values)
    flags = _flags(job)
    one_to_all = job.options["scenario"] == "one-to-all"
    zero_focal = job.flag("set_focal_node_currents_to_zero")
    pairs = _job_pairs(job)
    ids = list(points)
    if pairs is not None and pairs.mode == "include":
        ids = [f for f in ids if f in pairs.ids]
    strength = _strengths(job, ids)
    shape = values.shape
    graphs: dict = {}
    res_values = {}
    cum = np.zeros(shape)
    mx = np.zeros(shape)
    for n in ids:
        if pairs is None:
            partners = [f for f in ids if f != n]
        elif pairs.mode == "include":
            partners = [f for f in ids if f != n and pairs.link(n, f)]
        else:
            partners = [f for f in ids if f != n and not pairs.link(n, f)]
        if not partners:  # no pair: -1, no map (Circuitscape)
            res_values[n] = -1.0
            continue
        active = tuple(sorted([n, *partners]))
        multi = any(len(points[f]) > 1 for f in active)
        key = active if multi else ()
        if key not in graphs:
            regions = _merged_regions(polygons, shape, [points[f] for f in key])
            graph = _c.raster_graph(values, values=kind, short_circuit=regions, **opts)
            graphs[key] = (graph, graph.laplacian(), _c.RasterGraph.components(graph))
        graph, lap, comp = graphs[key]
        if one_to_all:
            feeders = {}
        else:  # all-to-one: ids not paired with n still inject 1 A (Circuitscape.jl)
            feeders = {f: (strength[f] if f in partners else 1.0) for f in ids if f != n}
        r, v, cur = _solve_one_all(
            graph, lap, comp, points, n, partners, strength, feeders, solver
        )
        res_values[n] = r
        if zero_focal and cur is not None:
            nodes = {int(graph.nodemap[rc]) for f in active for rc in points[f]}
            cur[np.isin(graph.nodemap, list(nodes - {-1}))] = 0.0
        if cur is None:
            cur = np.zeros(shape)
            v = np.zeros(shape)
        cum += cur
        np.maximum(mx, cur, out=mx)
        if flags["cur"] or flags["cum_only"]:  # per-id maps, as Circuitscape.jl writes them
            out.grids[f"curmap_{n}"] = _grid_out(job, cur, habitat_valid, kind="current")
        if flags["volt"]:
            out.grids[f"voltmap_{n}"] = _grid_out(job, v, habitat_valid, kind="voltage")
    out.resistances = np.column_stack([ids, [res_values[f] for f in ids]]).astype(float)
    out.result = pd.Series(res_values, name="resistance", dtype=float)
    if flags["cum"]:
        out.grids["cum_curmap"] = _grid_out(job, cum, habitat_valid, kind="current", cum=True)
    if flags["max"]:
        out.grids["max_curmap"] = _grid_out(job, mx, habitat_valid, kind="current", cum=True)
    return out


def _solve_one_all(graph, lap, comp, points, n, partners, strength, feeders, solver):
    """Solve one focal id; return ``(resistance, voltage map, current map)``.

    One-to-all (*feeders* empty): ``strength[n]`` amperes into *n*, every partner
    tied directly to ground (a ground on the source node is removed). All-to-one:
    *n* grounded, every id of *feeders* injects its amperes (a source on the
    ground node is removed). Only the component of *n* is solved; without a
    source or a ground there it returns ``(-1, None, None)``.
    """
    nodemap = graph.nodemap
    one_to_all = not feeders
    active = {n, *partners}

    def node_of(fid):
        # an active focal region is one node; another id enters at its first cell
        cells = points[fid] if fid in active else points[fid][:1]
        nodes = [int(nodemap[rc]) for rc in cells if nodemap[rc] >= 0]
        return nodes[0] if nodes else -1

    check = node_of(n)
    if check < 0:
        return -1.0, None, None
    in_comp = comp == comp[check]
    nn = graph.n_nodes
    src = np.zeros(nn)
    gnd = np.zeros(nn, dtype=bool)
    if one_to_all:
        src[check] = strength[n]
        for f in partners:
            k = node_of(f)
            if k >= 0 and k != check:  # rmvgnd: no ground on the source node
                gnd[k] = True
    else:
        gnd[check] = True
        for f, amps in feeders.items():
            k = node_of(f)
            if k >= 0 and k != check:  # rmvsrc: no source on the ground node
                src[k] += amps
    if not np.any(src[in_comp] != 0) or not np.any(gnd[in_comp]):
        return -1.0, None, None
    nodes = np.flatnonzero(in_comp)
    sub = lap[nodes][:, nodes]
    direct = gnd[nodes]
    matrix = _lap.grounded_matrix(sub.tocsr(), direct)
    rhs = np.where(direct, 0.0, src[nodes])
    v_sub = np.asarray(_c.LaplacianSolver(matrix, solver=solver).solve(rhs), dtype=float)
    v_sub[direct] = 0.0
    v = np.zeros(nn)
    v[nodes] = v_sub
    cur = _lap.node_currents(nn, graph.i, graph.j, graph.conductance, v)
    cur_map = _lap.to_raster(cur, nodemap, fill=0.0)
    volt_map = _lap.to_raster(v, nodemap, fill=0.0)
    if one_to_all:
        r = float(v[check] / strength[n])
        return (-1.0 if r == 0.0 else r), volt_map, cur_map
    return 0.0, volt_map, cur_map


def _source_ground_grid(job, key, header) -> np.ndarray:
    """Read a source or ground file (a raster or a ``value x y`` text list) as a grid."""
    path = job.file(key)
    if _is_raster_file(path):
        values, _ = read_raster(path)
        _check_shape(path, values, header)
        return values
    grid = np.full((header["nrows"], header["ncols"]), np.nan)
    for value, row, col in _xy_cells(_read_numbers(path), header, path):
        if key == "source_file" and np.isfinite(grid[row, col]):
            grid[row, col] += value  # sources on one cell add up
        else:
            grid[row, col] = value
    return grid


def _run_raster_advanced(job, values, header, kind, polygons, opts, solver, out):
    if job.file("source_file") is None or job.file("ground_file") is None:
        raise ValueError(f"{job.path}: advanced mode needs source_file and ground_file.")
    sources = _source_ground_grid(job, "source_file", header)
    grounds = _source_ground_grid(job, "ground_file", header)
    ground_is = "resistance" if job.flag("ground_file_is_resistances") else "conductance"
    if ground_is == "conductance":
        grounds = np.where(grounds == 0, np.nan, grounds)  # zero conductance: no ground
    policy = job.options["remove_src_or_gnd"].strip().lower()
    res = _c.advanced(
        values,
        np.where(np.isfinite(sources), sources, 0.0),
        grounds,
        ground_is=ground_is,
        direct_grounds=job.flag("use_direct_grounds"),
        unit_currents=job.flag("use_unit_currents"),
        policy=policy if policy in _POLICIES else "keepall",
        values=kind,
        short_circuit=polygons,
        solver=solver,
        **opts,
    )
    out.result = res
    valid = np.isfinite(values)
    flags = _flags(job)
    if flags["cum"]:
        out.grids["curmap"] = _grid_out(job, res.current, valid, kind="current")
    if flags["volt"]:
        out.grids["voltmap"] = _grid_out(job, res.voltage, valid, kind="voltage")
    return out


# ------------------------------------------------------------------------ network
def _run_network(job: CircuitscapeJob, solver: str) -> CircuitscapeResult:
    edges = _read_numbers(job.file("habitat_file"))
    kind = "resistance" if job.flag("habitat_map_is_resistances") else "conductance"
    out = CircuitscapeResult(job=job)
    scenario = job.options["scenario"]
    if scenario == "pairwise":
        focal = _read_numbers(job.file("point_file")).ravel().astype(np.int64)
        focal = list(dict.fromkeys(int(f) for f in focal))
        focal, pairs = _apply_pairs(job, focal)
        res = _c.network_pairwise(edges, focal, values=kind, pairs=pairs, solver=solver)
        out.result = res
        ids = list(res.resistances.index)
        table = np.where(np.isfinite(res.resistances.to_numpy()), res.resistances.to_numpy(), -1.0)
        out.resistances = np.vstack(
            [np.concatenate([[0.0], ids]), np.column_stack([ids, table])]
        ).astype(float)
        if job.flag("write_volt_maps"):
            for (a, b), s in res.voltages.items():
                out.tables["voltages_" + _pair_name(a, b)] = np.column_stack([s.index, s.values])
        if job.flag("write_cur_maps"):
            for (a, b), s in res.node_currents.items():
                out.tables["node_currents_" + _pair_name(a, b)] = np.column_stack(
                    [s.index, s.values]
                )
            for (a, b), df in res.branch_currents.items():
                out.tables["branch_currents_" + _pair_name(a, b)] = df.to_numpy(dtype=float)
            s = res.cumulative_node_currents
            out.tables["node_currents_cum"] = np.column_stack([s.index, s.values])
            out.tables["branch_currents_cum"] = res.cumulative_branch_currents.to_numpy(
                dtype=float
            )
        return out
    if scenario != "advanced":
        raise ValueError(
            f"{job.path}: network data supports the pairwise and advanced scenarios "
            f"(as Circuitscape). Got scenario={job.options['scenario']!r}."
        )
    sources = _read_numbers(job.file("source_file"))[:, :2]
    grounds = _read_numbers(job.file("ground_file"))[:, :2]
    res = _c.network_advanced(
        edges,
        sources,
        grounds,
        values=kind,
        ground_is="resistance" if job.flag("ground_file_is_resistances") else "conductance",
        direct_grounds=job.flag("use_direct_grounds"),
        unit_currents=job.flag("use_unit_currents"),
        policy=job.options["remove_src_or_gnd"].strip().lower()
        if job.options["remove_src_or_gnd"].strip().lower() in _POLICIES
        else "keepall",
        solver=solver,
    )
    out.result = res
    volts = np.nan_to_num(res.voltages.to_numpy(), nan=0.0)
    out.resistances = np.column_stack([res.voltages.index, volts]).astype(float)
    if job.flag("write_volt_maps"):
        out.tables["voltages"] = out.resistances.copy()
    if job.flag("write_cur_maps"):
        s = res.node_currents
        out.tables["node_currents"] = np.column_stack([s.index, s.values])
        out.tables["branch_currents"] = res.branch_currents.to_numpy(dtype=float)
    return out


# ------------------------------------------------------------------------- writing
def _write_outputs(result: CircuitscapeResult, output_dir) -> None:
    job = result.job
    if output_dir is None:
        out_file = Path(str(job.options.get("output_file", "output.out")))
        if not out_file.is_absolute():
            out_file = (job.base_dir or job.path.parent) / out_file
        folder = out_file.parent
    else:
        folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / job.name
    fmt = "tif" if job.flag("write_as_tif") else "asc"
    header = result.header
    if result.resistances is not None:
        name = "voltages" if job.options["scenario"] == "advanced" else "resistances"
        if name == "resistances":
            p = Path(f"{prefix}_resistances.out")
            result.files["resistances"] = _write_table(p, result.resistances)
            if job.options["scenario"] == "pairwise":
                matrix = result.resistances
                ids = matrix[0, 1:]
                rows = [
                    (ids[x], ids[y], matrix[y + 1, x + 1])
                    for x in range(len(ids))
                    for y in range(x + 1, len(ids))
                ]
                p3 = Path(f"{prefix}_resistances_3columns.out")
                result.files["resistances_3columns"] = _write_table(p3, rows)
    for name, grid in result.grids.items():
        result.files[name] = write_raster(Path(f"{prefix}_{name}"), grid, header, fmt=fmt)
    for name, table in result.tables.items():
        p = Path(f"{prefix}_{name}.txt")
        result.files[name] = _write_table(p, table)
