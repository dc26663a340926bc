"""Run Circuitscape ``.ini`` jobs with :mod:`gpec_teach.circuit`, and read/write its files.

Practitioners who already use Circuitscape can run an existing job unchanged::

    result = run_ini("my_job.ini")              # results in memory
    result = run_ini("my_job.ini", write=True)  # plus Circuitscape's output files

Supported: raster and network data; pairwise, one-to-all, all-to-one and
advanced scenarios; Arc/Info ASCII grids (``.asc``, optionally gzipped), focal
points as a grid or a text list ``id x y``, network edge lists ``node node
value``, short-circuit regions (polygons), focal regions, masks, included-pairs
files (list and matrix formats), variable source strengths, reclassification
tables, and the output options (current/voltage maps, cumulative-only, maximum
maps, log transform, null-to-nodata). Options missing from a file take
Circuitscape.jl's defaults (note: the code default is 8 neighbours and *average
conductance*, whereas the GUI writes average resistance explicitly).

Output files follow Circuitscape's layout: ``<name>_resistances.out``,
``<name>_resistances_3columns.out``, ``<name>_cum_curmap.asc``,
``<name>_curmap_<a>_<b>.asc``, ``<name>_voltmap_<a>_<b>.asc``, and for networks
``<name>_voltages_<a>_<b>.txt``, ``<name>_node_currents_<a>_<b>.txt``,
``<name>_branch_currents_<a>_<b>.txt`` (``_cum`` for the sums).

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

from . import circuit as _c
from ._validation import check_choice, describe

__all__ = [
    "CircuitscapeJob",
    "CircuitscapeResult",
    "read_ascii_grid",
    "read_ini",
    "run_ini",
    "write_ascii_grid",
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
    "solver": "cg+amg",
}

_TRUE = {"true", "1", "yes", "on"}
_SCENARIOS = ("pairwise", "one-to-all", "all-to-one", "advanced")
NODATA = -9999.0


# ============================================================================ files
def _open_text(path: Path):
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt")
    return open(path)


def read_ascii_grid(path) -> tuple[np.ndarray, dict]:
    r"""Read an Arc/Info ASCII grid (``.asc`` or ``.asc.gz``); nodata becomes NaN.

    Parameters
    ----------
    path : str or Path
        The grid file. Header keys (case-insensitive): ``ncols``, ``nrows``,
        ``xllcorner``/``xllcenter``, ``yllcorner``/``yllcenter``, ``cellsize``,
        optional ``NODATA_value``. Rows run north to south.

    Returns
    -------
    values : numpy.ndarray
        ``(nrows, ncols)`` float array, NaN where the file holds the nodata value.
    header : dict
        ``ncols, nrows, xllcorner, yllcorner, cellsize, nodata`` (corner
        coordinates; a ``*center`` header is converted).

    Raises
    ------
    ValueError
        Malformed header or a data block of the wrong size.

    Examples
    --------
    >>> import tempfile, os
    >>> text = "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -9999\n1 -9999\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "g.asc")
    ...     _ = open(p, "w").write(text)
    ...     values, header = read_ascii_grid(p)
    >>> values.tolist(), header["cellsize"]
    ([[1.0, nan]], 10.0)
    """
    path = Path(path)
    with _open_text(path) as fh:
        lines = fh.read().splitlines()
    header: dict = {}
    k = 0
    while k < len(lines) and lines[k].strip() and lines[k].split()[0][0].isalpha():
        parts = lines[k].split()
        if len(parts) < 2:
            raise ValueError(f"{path}: malformed header line {k + 1}: {lines[k]!r}.")
        header[parts[0].lower()] = float(parts[1])
        k += 1
    for key in ("ncols", "nrows", "cellsize"):
        if key not in header:
            raise ValueError(f"{path}: the header has no {key} line.")
    ncols, nrows = int(header["ncols"]), int(header["nrows"])
    cell = header["cellsize"]
    xll = header.get("xllcorner", header.get("xllcenter", 0.0) - cell / 2)
    yll = header.get("yllcorner", header.get("yllcenter", 0.0) - cell / 2)
    nodata = header.get("nodata_value")
    text = " ".join(lines[k:]).split()
    if len(text) != nrows * ncols:
        raise ValueError(
            f"{path}: expected {nrows} x {ncols} = {nrows * ncols} values after the header, "
            f"found {len(text)}."
        )
    values = np.asarray(text, dtype=float).reshape(nrows, ncols)
    if nodata is not None:
        values[values == nodata] = np.nan
    meta = {
        "ncols": ncols,
        "nrows": nrows,
        "xllcorner": xll,
        "yllcorner": yll,
        "cellsize": cell,
        "nodata": NODATA if nodata is None else nodata,
    }
    return values, meta


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def write_ascii_grid(path, values, header: dict, *, compress: bool = False) -> Path:
    """Write a grid in Circuitscape's ASCII layout (values rounded to 8 decimals).

    NaN cells are written as ``header["nodata"]`` (default -9999).

    Parameters
    ----------
    path : str or Path
        Output file (``.gz`` is appended when *compress* is True).
    values : array_like
        2-D grid.
    header : dict
        ``ncols, nrows, xllcorner, yllcorner, cellsize`` and optionally ``nodata``.
    compress : bool, default False
        Gzip the file (Circuitscape's ``compress_grids``).

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
    options["scenario"] = options["scenario"].strip().lower()
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


def _read_points(job: CircuitscapeJob, header: dict) -> dict[int, list[tuple[int, int]]]:
    """Focal points ``{id: [(row, col), ...]}`` from a grid or an ``id x y`` list."""
    path = job.file("point_file")
    if path is None:
        raise ValueError(f"{job.path}: point_file is required for this scenario.")
    points: dict[int, list[tuple[int, int]]] = {}
    if ".asc" in path.name:
        values, _ = read_ascii_grid(path)
        for r, c in np.argwhere(np.isfinite(values) & (values > 0)):
            points.setdefault(int(values[r, c]), []).append((int(r), int(c)))
    else:
        table = _read_numbers(path)
        cell = header["cellsize"]
        for fid, x, y in table[:, :3]:
            if fid <= 0:
                continue
            row = math.ceil(header["nrows"] - (y - header["yllcorner"]) / cell) - 1
            col = math.ceil((x - header["xllcorner"]) / cell) - 1
            points.setdefault(int(fid), []).append((row, col))
    return dict(sorted(points.items()))


def _read_included_pairs(path: Path):
    """Return ``(mode, point ids, pairs)`` from an included-pairs file.

    ``mode`` is "include" (matrix files too) or "exclude". In include mode focal
    points absent from the file are dropped, as in Circuitscape; in exclude mode
    every focal point is kept and only the listed pairs are skipped.
    """
    with _open_text(path) as fh:
        lines = [line.split() for line in fh if line.strip()]
    first = lines[0][0].lower()
    if first == "min":
        low, high = float(lines[0][1]), float(lines[1][1])
        matrix = np.asarray(lines[2:], dtype=float)
        ids = [int(v) for v in matrix[0, 1:]]
        body = matrix[1:, 1:]
        pairs = {
            (min(a, b), max(a, b))
            for x, a in enumerate(ids)
            for y, b in enumerate(ids)
            if a != b and low <= body[x, y] <= high and low <= body[y, x] <= high
        }
        return "include", ids, pairs
    if first != "mode":
        raise ValueError(f"{path}: included pairs file must start with 'mode' or 'min'.")
    mode = lines[0][1].lower()
    if mode not in ("include", "exclude"):
        raise ValueError(f"{path}: mode must be 'include' or 'exclude'. Got {mode!r}.")
    listed = [(int(float(a)), int(float(b))) for a, b in lines[1:]]
    ids = sorted({v for pair in listed for v in pair if v != 0})
    return mode, ids, {(min(a, b), max(a, b)) for a, b in listed if a != b}


def _apply_pairs(job: CircuitscapeJob, focal_ids):
    """Focal ids kept and the pairs to solve (None = all) for an included-pairs file."""
    if not job.flag("use_included_pairs"):
        return list(focal_ids), None
    mode, ids, pairs = _read_included_pairs(job.file("included_pairs_file"))
    if mode == "include":
        return [f for f in focal_ids if f in ids], sorted(pairs)
    kept = list(focal_ids)
    every = {(a, b) for k, a in enumerate(kept) for b in kept[k + 1 :]}
    return kept, sorted(every - pairs)


def _habitat(job: CircuitscapeJob):
    path = job.file("habitat_file")
    if path is None:
        raise ValueError(f"{job.path}: habitat_file is required.")
    values, header = read_ascii_grid(path)
    if job.flag("use_reclass_table"):
        table = _read_numbers(job.file("reclass_file"))
        original = values.copy()
        for old, new in table[:, :2]:
            values[original == old] = new
    if job.flag("use_mask"):
        mask, _ = read_ascii_grid(job.file("mask_file"))
        values[~(np.isfinite(mask) & (mask > 0))] = np.nan
    is_res = job.flag("habitat_map_is_resistances")
    if not is_res:
        values[values == 0] = np.nan  # zero conductance: no node (Circuitscape)
    return values, header, ("resistance" if is_res else "conductance")


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


def _run_raster(job: CircuitscapeJob, solver: str) -> CircuitscapeResult:
    values, header, kind = _habitat(job)
    habitat_valid = np.isfinite(values)
    opts = _raster_options(job)
    polygons = None
    if job.flag("use_polygons"):
        polygons, _ = read_ascii_grid(job.file("polygon_file"))
        polygons = np.where(np.isfinite(polygons), polygons, 0)
    out = CircuitscapeResult(job=job, header=header)
    scenario = job.options["scenario"]
    if scenario == "advanced":
        return _run_raster_advanced(job, values, header, kind, polygons, opts, solver, out)
    points = _read_points(job, header)
    keep_ids, pairs = _apply_pairs(job, list(points))
    points = {k: v for k, v in points.items() if k in keep_ids}
    cum_only = job.flag("write_cum_cur_map_only")
    want_cur = job.flag("write_cur_maps") and not cum_only
    want_volt = job.flag("write_volt_maps") and not cum_only
    want_max = job.flag("write_max_cur_maps")
    want_cum = job.flag("write_cur_maps") or cum_only
    focal_cells = _focal_cells_set(points)
    if scenario == "pairwise":
        res = _c.pairwise_resistance(
            values,
            points,
            values=kind,
            short_circuit=polygons,
            pairs=pairs,
            current_maps=True,
            pair_maps=want_cur or want_volt,
            solver=solver,
            **opts,
        )
        out.result = res
        ids = list(res.resistances.index)
        table = res.resistances.to_numpy()
        out.resistances = np.vstack(
            [np.concatenate([[0.0], ids]), np.column_stack([ids, table])]
        ).astype(float)
        for (a, b), cmap in res.current_maps.items():
            if want_cur:
                cmap = _zero_focal(job, cmap, focal_cells)
                out.grids["curmap_" + _pair_name(a, b)] = _grid_out(
                    job, cmap, habitat_valid, kind="current"
                )
        for (a, b), vmap in res.voltage_maps.items():
            if want_volt:
                out.grids["voltmap_" + _pair_name(a, b)] = _grid_out(
                    job, vmap, habitat_valid, kind="voltage"
                )
    else:
        strengths = None
        if job.flag("use_variable_source_strengths"):
            table = _read_numbers(job.file("variable_source_file"))
            strengths = {int(a): float(b) for a, b in table[:, :2]}
        func = _c.one_to_all if scenario == "one-to-all" else _c.all_to_one
        res = func(
            values,
            points,
            source_strengths=strengths,
            values=kind,
            short_circuit=polygons,
            id_maps=want_cur or want_volt,
            solver=solver,
            **opts,
        )
        out.result = res
        ids = list(points)
        if res.resistances is not None:
            rvals = [float(res.resistances.loc[i]) for i in ids]
        else:
            rvals = [0.0] * len(ids)
        out.resistances = np.column_stack([ids, rvals]).astype(float)
        for fid in ids:
            if want_cur and fid in res.current_maps:
                cmap = _zero_focal(job, res.current_maps[fid], focal_cells)
                out.grids[f"curmap_{fid}"] = _grid_out(job, cmap, habitat_valid, kind="current")
            if want_volt and fid in res.voltage_maps:
                out.grids[f"voltmap_{fid}"] = _grid_out(
                    job, res.voltage_maps[fid], habitat_valid, kind="voltage"
                )
    if want_cum:
        cum = _zero_focal(job, res.cumulative_current, focal_cells)
        out.grids["cum_curmap"] = _grid_out(job, cum, habitat_valid, kind="current", cum=True)
    if want_max:
        mx = _zero_focal(job, res.max_current, focal_cells)
        out.grids["max_curmap"] = _grid_out(job, mx, habitat_valid, kind="current", cum=True)
    return out


def _focal_cells_set(points):
    return [rc for cells in points.values() for rc in cells]


def _zero_focal(job, grid, cells):
    if not job.flag("set_focal_node_currents_to_zero"):
        return grid
    grid = np.array(grid, dtype=float)
    for r, c in cells:
        grid[r, c] = 0.0
    return grid


def _run_raster_advanced(job, values, header, kind, polygons, opts, solver, out):
    src_path, gnd_path = job.file("source_file"), job.file("ground_file")
    if src_path is None or gnd_path is None:
        raise ValueError(f"{job.path}: advanced mode needs source_file and ground_file.")
    for p in (src_path, gnd_path):
        if ".asc" not in p.name:
            raise ValueError(
                f"{p}: raster advanced mode reads sources and grounds as ASCII grids "
                "(.asc); convert the text list to a grid."
            )
    sources, _ = read_ascii_grid(src_path)
    grounds, _ = read_ascii_grid(gnd_path)
    ground_is = "resistance" if job.flag("ground_file_is_resistances") else "conductance"
    if ground_is == "conductance":
        grounds = np.where(grounds == 0, np.nan, grounds)
    res = _c.advanced(
        values,
        np.where(np.isfinite(sources), sources, 0.0),
        grounds,
        ground_is=ground_is,
        direct_grounds=job.flag("use_direct_grounds"),
        unit_currents=job.flag("use_unit_currents"),
        policy=job.options["remove_src_or_gnd"].strip().lower()
        if job.options["remove_src_or_gnd"].strip().lower() in _c._POLICIES
        else "keepall",
        values=kind,
        short_circuit=polygons,
        solver=solver,
        **opts,
    )
    out.result = res
    valid = np.isfinite(values)
    if job.flag("write_cur_maps"):
        out.grids["curmap"] = _grid_out(job, res.current, valid, kind="current")
    if job.flag("write_volt_maps"):
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
        out.resistances = np.vstack(
            [np.concatenate([[0.0], ids]), np.column_stack([ids, res.resistances.to_numpy()])]
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
        if job.options["remove_src_or_gnd"].strip().lower() in _c._POLICIES
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
    compress = job.flag("compress_grids")
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
        p = Path(f"{prefix}_{name}.asc")
        result.files[name] = write_ascii_grid(p, grid, header, compress=compress)
    for name, table in result.tables.items():
        p = Path(f"{prefix}_{name}.txt")
        result.files[name] = _write_table(p, table)
