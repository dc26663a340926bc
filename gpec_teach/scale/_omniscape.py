"""Omniscape's moving window on tiled GeoTIFFs, one task per tile of targets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._raster import Grid
from .._validation import check_choice, describe
from ..circuit._graph import DEFAULT_CONNECTION, check_graph_options, resistance_values
from ..circuit._omniscape import (
    OmniscapeCondition,
    _omniscape_correction,
    _omniscape_region,
    check_window_options,
)
from ._run import check_client, run_tiles
from ._tiles import TileLayout, TileWriter, _check_file, check_chunks, raster_info, read_window

__all__ = ["OmniscapeTiles", "omniscape"]

#: Output file stems of the maps (the names of :class:`gpec_teach.circuit.OmniscapeResult`).
NAMES = {
    "cumulative_current": "cumulative_current",
    "flow_potential": "flow_potential",
    "normalized_current": "normalized_current",
}


@dataclass(frozen=True)
class OmniscapeTiles:
    """Result of :func:`omniscape` at scale: the maps as COG files.

    Attributes
    ----------
    files : dict
        Path of each map written, by name (``cumulative_current``,
        ``flow_potential``, ``normalized_current``, or Omniscape.jl's names for
        ``.ini`` jobs).
    n_targets : int
        Number of moving-window solves (as :func:`gpec_teach.circuit.omniscape`).
    shape : tuple
        Rows and columns of the rasters.
    chunks : tuple
        Tile rows and columns used.
    n_tiles : int
        Number of tiles (tasks of each kind).
    seconds : float
        Wall time.
    """

    files: dict
    n_targets: int
    shape: tuple
    chunks: tuple
    n_tiles: int
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def read(self, name: str) -> np.ndarray:
        """Read one map into memory (for rasters that fit; NaN = nodata)."""
        check_choice("name", name, tuple(self.files))
        return read_window(self.files[name], (0, self.shape[0]), (0, self.shape[1]))


@dataclass(frozen=True)
class Inputs:
    """Where a task reads its windows and how it turns them into the solver's arrays."""

    resistance: str
    sources: str | None
    values: str = "resistance"
    source_threshold: float = 0.0
    source_from_resistance: bool = False
    r_cutoff: float = float("inf")
    reclass: tuple = ()
    refuse_nonpositive: bool = False
    conditions: tuple = ()  # (present path, future path or None, OmniscapeCondition)
    precision: str = "double"


def _reclassify(values: np.ndarray, pairs) -> np.ndarray:
    out = values.copy()
    for old, new in pairs:
        out[values == old] = new
    return out


def prepare(inputs: Inputs, bounds):
    """Read rows ``r0:r1``, columns ``c0:c1`` of every input and apply :func:`omniscape`'s rules.

    Returns the resistance, the source strengths and the condition layers of the
    window, as :func:`gpec_teach.circuit.omniscape` prepares them for the whole grid.
    """
    r0, r1, c0, c1 = bounds
    rows, cols = (r0, r1), (c0, c1)
    raw = read_window(inputs.resistance, rows, cols)
    if inputs.refuse_nonpositive:
        bad = np.isfinite(raw) & (raw <= 0)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ValueError(
                f"resistance_file has cell(s) <= 0, first at (row, col)=({r + r0}, {c + c0}) "
                f"with value {raw[r, c]!r}: Omniscape needs a positive resistance or "
                "conductance in every cell; mark those cells as nodata."
            )
    if inputs.reclass:
        raw = _reclassify(raw, inputs.reclass)
    res = resistance_values(Grid(raw, 1.0), inputs.values, None, name="resistance")
    if inputs.source_from_resistance:
        with np.errstate(divide="ignore"):
            strength = raw if inputs.values == "conductance" else 1.0 / raw
            cut = 1.0 / inputs.r_cutoff
        src = np.where(np.isfinite(strength) & (strength >= cut), strength, 0.0)
    else:
        src = read_window(inputs.sources, rows, cols)
        src = np.where(np.isfinite(src), src, 0.0)
        if np.any(src < 0):
            raise ValueError(
                "sources must be non-negative source strengths; found negative cells in rows "
                f"{r0}:{r1}, columns {c0}:{c1}."
            )
        src = np.where(src < inputs.source_threshold, 0.0, src)
    layers = []
    for present_path, future_path, cond in inputs.conditions:
        present = read_window(present_path, rows, cols)
        target = present if future_path is None else read_window(future_path, rows, cols)
        layers.append((present, target, cond))
    if inputs.precision == "single":
        res = res.astype(np.float32).astype(np.float64)
        src = src.astype(np.float32)
        layers = [(p.astype(np.float32), t.astype(np.float32), c) for p, t, c in layers]
    return res, src, layers


def _part(inputs: Inputs, opts: dict, layout: TileLayout, i: int, j: int, region):
    """One task: the targets in *region* (of tile (i, j)), on it grown by the window reach."""
    r0, r1, c0, c1 = region
    reach = opts["radius"] + opts["buffer"]
    n, m = layout.shape
    grown = (max(r0 - reach, 0), min(r1 + reach, n), max(c0 - reach, 0), min(c1 + reach, m))
    res, src, layers = prepare(inputs, grown)
    cum, fp, n = _omniscape_region(
        res,
        src,
        layers,
        origin=(grown[0], grown[2]),
        shape=layout.shape,
        targets=region,
        radius=opts["radius"],
        buffer=opts["buffer"],
        block_size=opts["block_size"],
        flow_potential=opts["flow_potential"],
        null_window=opts["null_window"],
        correction=opts["correction"],
        neighbors=opts["neighbors"],
        connection=opts["connection"],
        dtype=np.float64,
    )
    return (i, j), grown, cum, fp, n


def _assemble(inputs: Inputs, opts: dict, layout: TileLayout, i: int, j: int, parts):
    """Overlap-add of the parts that reach tile (i, j); normalised current and nodata mask."""
    r0, r1, c0, c1 = layout.bounds(i, j)
    cum = np.zeros((r1 - r0, c1 - c0))
    fp = np.zeros_like(cum) if opts["flow_potential"] else None
    n_here = 0
    for tile, grown, pcum, pfp, n in parts:
        if tile == (i, j):
            n_here = n
        g0, g1, h0, h1 = grown
        a0, a1, b0, b1 = max(r0, g0), min(r1, g1), max(c0, h0), min(c1, h1)
        if a0 >= a1 or b0 >= b1:
            continue
        cum[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] += pcum[a0 - g0 : a1 - g0, b0 - h0 : b1 - h0]
        if fp is not None:
            fp[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] += pfp[a0 - g0 : a1 - g0, b0 - h0 : b1 - h0]
    maps = {"cumulative_current": cum}
    if fp is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            norm = cum / fp
        norm[np.isnan(norm)] = 0.0
        maps["flow_potential"] = fp
        maps["normalized_current"] = norm
    if opts["mask_nodata"]:
        res = prepare(inputs, (r0, r1, c0, c1))[0]
        absent = ~np.isfinite(res)
        for values in maps.values():
            values[absent] = np.nan
    return maps, n_here


def _conditions(conditions, shape) -> tuple:
    if conditions is None:
        return ()
    if isinstance(conditions, OmniscapeCondition):
        conditions = [conditions]
    out = []
    for k, cond in enumerate(conditions):
        if not isinstance(cond, OmniscapeCondition):
            raise TypeError(
                f"conditions[{k}] must be an OmniscapeCondition whose present (and future) "
                f"are GeoTIFF paths. Got {describe(cond)}."
            )
        check_choice(f"conditions[{k}].comparison", cond.comparison, ("within", "equal"))
        paths = []
        for role in ("present", "future"):
            value = getattr(cond, role)
            if value is None:
                paths.append(None)
                continue
            info = raster_info(_check_file(f"conditions[{k}].{role}", value))
            if info.shape != shape:
                raise ValueError(
                    f"conditions[{k}].{role} has shape {info.shape} but resistance has {shape}; "
                    "resample it to the resistance grid."
                )
            paths.append(info.path)
        out.append((paths[0], paths[1], cond))
    return tuple(out)


def run_omniscape_tiles(
    inputs: Inputs, opts: dict, *, names: dict, output_dir, chunks, client, info
) -> OmniscapeTiles:
    """Run the tiled moving window and write the maps (shared by the ``.ini`` runner)."""
    start = time.perf_counter()
    client = check_client(client)
    layout = TileLayout(info.shape, check_chunks(chunks))
    output_dir = Path(output_dir)
    wanted = ["cumulative_current"]
    if opts["flow_potential"]:
        wanted += ["flow_potential", "normalized_current"]
    wanted = [k for k in wanted if k in names]
    dtype = "float32" if opts["precision"] == "single" else "float64"
    writer = TileWriter(
        {k: output_dir / f"{names[k]}.tif" for k in wanted},
        info.shape,
        info.transform,
        info.crs,
        dtype=dtype,
    )
    count = [0]

    def part(i, j, region):
        return _part(inputs, opts, layout, i, j, region)

    def assemble(i, j, parts):
        return _assemble(inputs, opts, layout, i, j, parts)

    def write(i, j, value):
        maps, n = value
        count[0] += n
        for key in wanted:
            writer.write(key, layout.bounds(i, j), maps[key])

    try:
        run_tiles(
            client,
            layout,
            opts["radius"] + opts["buffer"],
            part,
            assemble,
            write,
        )
    finally:
        files = writer.close()
    ni, nj = layout.ntiles
    return OmniscapeTiles(
        files={names[k]: p for k, p in files.items()},
        n_targets=count[0],
        shape=info.shape,
        chunks=layout.chunks,
        n_tiles=ni * nj,
        seconds=time.perf_counter() - start,
    )


def omniscape(
    resistance,
    sources,
    *,
    radius: int,
    output_dir,
    chunks=512,
    client=None,
    block_size: int = 1,
    buffer: int = 0,
    source_threshold: float = 0.0,
    flow_potential: bool = True,
    null_window: str = "square",
    correct_artifacts: bool = True,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    conditions=None,
    mask_nodata: bool = True,
    precision: str = "double",
) -> OmniscapeTiles:
    r"""Omniscape's moving window on GeoTIFFs too large for one machine, on Dask.

    The same analysis as :func:`gpec_teach.circuit.omniscape`, with the same
    arguments and the same per-window solver: every target ``t`` is grounded
    in turn, the sources of its circular window inject
    :math:`I_c = S_t \, s_c / \sum_{c' \in W_t} s_{c'}`, and the window currents
    add up (McRae et al. 2016; Landau et al. 2021). The grid is cut into tiles
    of *chunks* cells; one task takes the targets of one tile and reads only
    that tile grown by the window reach ``radius + buffer`` from the files
    (rasterio windowed reads); the window currents of the tasks that overlap an
    output tile are summed there (overlap-add) and the tile is written into
    Cloud-Optimized GeoTIFFs. The cumulative current, flow potential and
    normalised current equal the single-process maps up to the order of the
    floating-point additions (about 1e-15 relative), whatever *chunks* and
    the number of workers.

    Memory: a task holds its tile plus the reach on every side (a few maps of
    ``(chunk + 2 reach)^2`` float64 values) and one window's factorisation. The
    tiles are processed in blocks of 2 x 2, at most two blocks in flight (more
    on many workers, in proportion to their number), and a block's parts are
    freed once its tiles are written: neither a worker nor the driver holds
    more as the raster grows. The price: the targets within the reach of a
    block's edge are solved again for the neighbouring block, about
    :math:`((2c + 2r)/(2c))^2 - 1` more solves (4 % for tiles of 512 and a reach
    of 10).

    Parameters
    ----------
    resistance, sources : str or Path
        GeoTIFFs (ideally tiled COGs, see :func:`write_cog`) of the same shape;
        nodata = absent (resistance) or 0 (sources).
    radius : int
        Window radius in cells.
    output_dir : str or Path
        Folder of the output COGs ``cumulative_current.tif``,
        ``flow_potential.tif`` and ``normalized_current.tif`` (created).
    chunks : int or (int, int), default 512
        Tile side in cells (or rows, cols): the unit of work and of output.
        Tiles much larger than the reach keep the halo overheads (cells read
        :math:`((c + 2r)/c)^2`, solves repeated, see Memory) small.
    client : distributed.Client, optional
        Where the tasks run; None runs them one after the other in this process.
    block_size, buffer, source_threshold, flow_potential, null_window, correct_artifacts, values, neighbors, connection, mask_nodata, precision
        As in :func:`gpec_teach.circuit.omniscape`.
    conditions : OmniscapeCondition or list of them, optional
        As in :func:`gpec_teach.circuit.omniscape`, with GeoTIFF paths as
        ``present`` and ``future``.

    Returns
    -------
    OmniscapeTiles
        The written files, the number of solves and tiles, the wall time.

    Raises
    ------
    TypeError
        *resistance* or *sources* not a path, *client* not a Dask client.
    FileNotFoundError
        An input file is missing.
    ValueError
        Bad option (as the single-process function), rasters of different shapes,
        bad *chunks*.

    References
    ----------
    Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021).
    Omniscape.jl: software to compute omnidirectional landscape connectivity.
    JOSS 6 (57): 2829. https://doi.org/10.21105/joss.02829
    McRae, B. H. et al. (2016). Conserving nature's stage. The Nature Conservancy.
    Rocklin, M. (2015). Dask: parallel computation with blocked algorithms and
    task scheduling. Proc. 14th Python in Science Conf., 126-132.
    https://doi.org/10.25080/Majora-7b98e3ed-013

    Examples
    --------
    The strip of :func:`gpec_teach.circuit.omniscape` cut into tiles of 2 x 2
    cells: both sources still carry 2 A.

    >>> import tempfile, os
    >>> from gpec_teach.scale import write_cog
    >>> s = np.zeros((3, 6)); s[1, 2:4] = 1.0
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = write_cog(np.ones((3, 6)), os.path.join(d, "r.tif"))
    ...     src = write_cog(s, os.path.join(d, "s.tif"))
    ...     out = omniscape(r, src, radius=1, output_dir=d, chunks=2, flow_potential=False)
    ...     cur = out.read("cumulative_current")
    >>> out.n_targets, out.n_tiles, np.round(cur[1, 2:4], 9).tolist()
    (2, 6, [2.0, 2.0])
    """
    check_graph_options(values, neighbors, connection)
    radius, block_size, buffer = check_window_options(
        radius, block_size, buffer, source_threshold, null_window, precision
    )
    info = raster_info(_check_file("resistance", resistance), name="resistance")
    src_info = raster_info(_check_file("sources", sources), name="sources")
    if src_info.shape != info.shape:
        raise ValueError(
            f"sources has shape {src_info.shape} but resistance has {info.shape}; resample "
            "sources to the resistance grid."
        )
    inputs = Inputs(
        resistance=info.path,
        sources=src_info.path,
        values=values,
        source_threshold=float(source_threshold),
        conditions=_conditions(conditions, info.shape),
        precision=precision,
    )
    opts = {
        "radius": radius,
        "buffer": buffer,
        "block_size": block_size,
        "flow_potential": bool(flow_potential),
        "null_window": null_window,
        "correction": _omniscape_correction(radius, buffer, block_size, neighbors, connection)
        if correct_artifacts and block_size > 1
        else None,
        "neighbors": neighbors,
        "connection": connection,
        "mask_nodata": bool(mask_nodata),
        "precision": precision,
    }
    return run_omniscape_tiles(
        inputs, opts, names=NAMES, output_dir=output_dir, chunks=chunks, client=client, info=info
    )
