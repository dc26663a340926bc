"""Running Circuitscape ``.ini`` jobs with :mod:`gpec_teach.circuit` (see :func:`run_ini`).

Part of :mod:`gpec_teach.circuitscape_io`, which re-exports the public names and
documents the semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _laplacian as kernels
from .._validation import check_choice
from ._advanced import advanced
from ._circuitscape_files import (
    POLICIES,
    CircuitscapeJob,
    apply_pairs,
    job_pairs,
    read_habitat,
    read_ini,
    read_numbers,
    read_points,
    read_polygons,
    source_ground_grid,
    strengths,
    write_raster,
    write_table,
)
from ._focal import merge_regions
from ._graph import raster_graph
from ._network import network_advanced, network_pairwise
from ._pairwise import pairwise_resistance
from ._solver import LaplacianSolver

__all__ = ["CircuitscapeResult", "run_ini"]


@dataclass(frozen=True)
class CircuitscapeResult:
    """Outputs of :func:`run_ini`, as Circuitscape would write them.

    Attributes
    ----------
    job : CircuitscapeJob
        The parsed job.
    resistances : numpy.ndarray or None
        Pairwise: the matrix of ``<name>_resistances.out`` (first row
        ``0, id1, id2, ...``, first column ids, -1 = disconnected or not
        solved, Circuitscape's code). One-to-all / all-to-one: two columns
        ``id, resistance``. Network advanced: ``node,
        voltage``.
    grids : dict
        ``{"cum_curmap": array, "curmap_1_2": array, ...}`` with Circuitscape's
        values (0 off the graph, -9999 where set to nodata).
    tables : dict
        Network outputs, ``{"voltages_0_1": (k, 2) array, ...}``.
    files : dict
        ``{name: Path}`` of files written (empty unless ``write=True``).
    result : object
        The underlying :mod:`gpec_teach.circuit` result (``inf`` = no path there).
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


@dataclass
class _Outputs:
    """The outputs a runner fills in, turned into a :class:`CircuitscapeResult` at the end."""

    job: CircuitscapeJob
    resistances: np.ndarray | None = None
    grids: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
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
    """Return the ``<a>_<b>`` part of Circuitscape's per-pair file names."""
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
    >>> from gpec_teach.circuitscape_io import write_ascii_grid
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
        outputs = _run_network(job, solver)
    else:
        outputs = _run_raster(job, solver)
    result = CircuitscapeResult(**vars(outputs))
    if write:
        result = replace(result, files=_write_outputs(result, output_dir))
    return result


def _raster_options(job: CircuitscapeJob):
    """Return the graph keywords the job asks for."""
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


def _run_raster(job: CircuitscapeJob, solver: str) -> _Outputs:
    values, header, kind = read_habitat(job)
    polygons = read_polygons(job, header)
    opts = _raster_options(job)
    out = _Outputs(job=job, header=header)
    scenario = job.options["scenario"]
    if scenario == "advanced":
        return _run_raster_advanced(job, values, header, kind, polygons, opts, solver, out)
    points = read_points(job, header)
    if scenario == "pairwise":
        return _run_raster_pairwise(job, values, kind, polygons, points, opts, solver, out)
    return _run_raster_one_all(job, values, kind, polygons, points, opts, solver, out)


def _base_nodemap(values, kind, polygons, opts) -> np.ndarray:
    """Node of every cell with the short-circuit regions only (-1 = no node)."""
    return raster_graph(values, values=kind, short_circuit=polygons, **opts).nodemap


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
    ids, pairs = apply_pairs(job, list(points))
    base = _base_nodemap(values, kind, polygons, opts)
    # a focal point with no node (nodata or masked cell) is kept and reported as -1
    live = [f for f in ids if any(base[r, c] >= 0 for r, c in points[f])]
    todo = [(a, b) for a, b in (pairs if pairs is not None else []) if a in live and b in live]
    matrix = np.full((len(ids), len(ids)), -1.0)
    np.fill_diagonal(matrix, 0.0)
    want_pair_maps = flags["volt"] or (flags["cur"] and not flags["cum_only"]) or zero_focal
    res = None
    if len(live) >= 2 and (pairs is None or todo):
        res = pairwise_resistance(
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


def _merged_regions(polygons, shape, cells_of_ids) -> np.ndarray | None:
    """Short-circuit regions plus one region per active focal id (as Circuitscape)."""
    if not cells_of_ids:
        return polygons
    flat = [np.ravel_multi_index(tuple(np.asarray(cells).T), shape) for cells in cells_of_ids]
    return merge_regions(polygons, shape, flat)


def _run_raster_one_all(job, values, kind, polygons, points, opts, solver, out):
    """One-to-all / all-to-one, one circuit per focal id, as Circuitscape.jl runs them."""
    habitat_valid = np.isfinite(values)
    flags = _flags(job)
    one_to_all = job.options["scenario"] == "one-to-all"
    zero_focal = job.flag("set_focal_node_currents_to_zero")
    pairs = job_pairs(job)
    ids = list(points)
    if pairs is not None and pairs.mode == "include":
        ids = [f for f in ids if f in pairs.ids]
    strength = strengths(job, ids)
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
            graph = raster_graph(values, values=kind, short_circuit=regions, **opts)
            graphs[key] = (graph, graph.laplacian(), graph.components())
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
    matrix = kernels.grounded_matrix(sub.tocsr(), direct)
    rhs = np.where(direct, 0.0, src[nodes])
    v_sub = np.asarray(LaplacianSolver(matrix, solver=solver).solve(rhs), dtype=float)
    v_sub[direct] = 0.0
    v = np.zeros(nn)
    v[nodes] = v_sub
    cur = kernels.node_currents(nn, graph.i, graph.j, graph.conductance, v)
    cur_map = kernels.to_raster(cur, nodemap, fill=0.0)
    volt_map = kernels.to_raster(v, nodemap, fill=0.0)
    if one_to_all:
        r = float(v[check] / strength[n])
        return (-1.0 if r == 0.0 else r), volt_map, cur_map
    return 0.0, volt_map, cur_map


def _run_raster_advanced(job, values, header, kind, polygons, opts, solver, out):
    if job.file("source_file") is None or job.file("ground_file") is None:
        raise ValueError(f"{job.path}: advanced mode needs source_file and ground_file.")
    sources = source_ground_grid(job, "source_file", header)
    grounds = source_ground_grid(job, "ground_file", header)
    ground_is = "resistance" if job.flag("ground_file_is_resistances") else "conductance"
    if ground_is == "conductance":
        grounds = np.where(grounds == 0, np.nan, grounds)  # zero conductance: no ground
    policy = job.options["remove_src_or_gnd"].strip().lower()
    res = advanced(
        values,
        np.where(np.isfinite(sources), sources, 0.0),
        grounds,
        ground_is=ground_is,
        direct_grounds=job.flag("use_direct_grounds"),
        unit_currents=job.flag("use_unit_currents"),
        policy=policy if policy in POLICIES else "keepall",
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


def _run_network(job: CircuitscapeJob, solver: str) -> _Outputs:
    edges = read_numbers(job.file("habitat_file"))
    kind = "resistance" if job.flag("habitat_map_is_resistances") else "conductance"
    out = _Outputs(job=job)
    scenario = job.options["scenario"]
    if scenario == "pairwise":
        focal = read_numbers(job.file("point_file")).ravel().astype(np.int64)
        focal = list(dict.fromkeys(int(f) for f in focal))
        focal, pairs = apply_pairs(job, focal)
        res = network_pairwise(edges, focal, values=kind, pairs=pairs, solver=solver)
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
    sources = read_numbers(job.file("source_file"))[:, :2]
    grounds = read_numbers(job.file("ground_file"))[:, :2]
    res = network_advanced(
        edges,
        sources,
        grounds,
        values=kind,
        ground_is="resistance" if job.flag("ground_file_is_resistances") else "conductance",
        direct_grounds=job.flag("use_direct_grounds"),
        unit_currents=job.flag("use_unit_currents"),
        policy=job.options["remove_src_or_gnd"].strip().lower()
        if job.options["remove_src_or_gnd"].strip().lower() in POLICIES
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


def _write_outputs(result: CircuitscapeResult, output_dir) -> dict:
    """Write the outputs in Circuitscape's layout; return ``{name: Path}``."""
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
    files: dict = {}
    if result.resistances is not None:
        name = "voltages" if job.options["scenario"] == "advanced" else "resistances"
        if name == "resistances":
            p = Path(f"{prefix}_resistances.out")
            files["resistances"] = write_table(p, result.resistances)
            if job.options["scenario"] == "pairwise":
                matrix = result.resistances
                ids = matrix[0, 1:]
                rows = [
                    (ids[x], ids[y], matrix[y + 1, x + 1])
                    for x in range(len(ids))
                    for y in range(x + 1, len(ids))
                ]
                p3 = Path(f"{prefix}_resistances_3columns.out")
                files["resistances_3columns"] = write_table(p3, rows)
    for name, grid in result.grids.items():
        files[name] = write_raster(Path(f"{prefix}_{name}"), grid, header, fmt=fmt)
    for name, table in result.tables.items():
        p = Path(f"{prefix}_{name}.txt")
        files[name] = write_table(p, table)
    return files
