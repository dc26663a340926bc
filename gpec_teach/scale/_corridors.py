"""Least-cost corridors at scale: cost distance from each core, bounded, one task per core."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _cost
from .._raster import Grid
from .._validation import check_positive
from ..least_cost.distance import path_from_cells
from ._run import _submit, check_client, run_tiles
from ._tiles import TileLayout, TileWriter, _check_file, check_chunks, raster_info, read_window

__all__ = ["BoundedNetwork", "corridor_network"]


@dataclass(frozen=True)
class BoundedNetwork:
    """Result of :func:`corridor_network` at scale.

    Attributes
    ----------
    links : pandas.DataFrame
        The links found within the bound, one row per pair: ``core1``, ``core2``,
        ``status`` (``"corridor"`` kept, ``"passes_through_core"`` dropped),
        ``kept``, ``cost_distance`` (LCD) and ``path_length``. Pairs farther
        apart than *max_cost_distance* (or not joined at all) are not listed.
    files : dict
        ``{"corridors": Path}``: the mosaic of the kept links' normalised
        corridors (minimum over links), NaN beyond *cutoff*.
    bound : float
        The cost-distance bound of every core's search, ``max_cost_distance + cutoff``.
    window_cells : int
        Cells added around each core's bounding box to hold every cell within the bound.
    shape, chunks, seconds
    """

    links: pd.DataFrame
    files: dict
    bound: float
    window_cells: int
    shape: tuple
    chunks: tuple
    seconds: float = 0.0

    def read(self, name: str = "corridors") -> np.ndarray:
        """Read the corridor mosaic into memory (for rasters that fit)."""
        return read_window(self.files[name], (0, self.shape[0]), (0, self.shape[1]))


def _scan(res_path, cores_path, layout, i, j):
    """Bounding box of every core in tile (i, j) and the tile's smallest resistance."""
    r0, r1, c0, c1 = layout.bounds(i, j)
    res = read_window(res_path, (r0, r1), (c0, c1))
    lab = read_window(cores_path, (r0, r1), (c0, c1))
    ok = np.isfinite(res) & (res > 0)
    rmin = float(res[ok].min()) if ok.any() else math.inf
    boxes = {}
    lab = np.where(np.isfinite(lab), lab, 0)
    for core in np.unique(lab[lab > 0]).tolist():
        rows, cols = np.nonzero(lab == core)
        boxes[int(core)] = (
            r0 + int(rows.min()),
            r0 + int(rows.max()) + 1,
            c0 + int(cols.min()),
            c0 + int(cols.max()) + 1,
        )
    return boxes, rmin


def _merge(a, b):
    return (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))


def _core_run(res_path, cores_path, core, window, cellsize, neighbors, bound, max_cost, check):
    """Cost distance from one core on its window, cut at *bound*; its links to larger ids."""
    g0, g1, h0, h1 = window
    res = read_window(res_path, (g0, g1), (h0, h1))
    lab = read_window(cores_path, (g0, g1), (h0, h1))
    lab = np.where(np.isfinite(lab), lab, 0).astype(np.int64)
    grid = Grid(res.copy(), cellsize)
    mcp, _ = _cost.engine(grid, neighbors)
    ncols = res.shape[1]
    cells = np.flatnonzero(lab.ravel() == core)
    cwd, _ = _cost.find_costs(mcp, cells, ncols)
    cwd = np.array(cwd, dtype=np.float64)
    cwd[cwd > bound] = np.inf
    links = []
    flat = lab.ravel()
    for other in np.unique(flat[flat > core]).tolist():
        target = np.flatnonzero(flat == other)
        vals = cwd.ravel()[target]
        lcd = float(vals.min())
        if not lcd <= max_cost:
            continue
        end = int(target[np.argmin(vals)])
        trace = mcp.traceback((end // ncols, end % ncols))
        path = path_from_cells(np.asarray(trace, dtype=np.int64).reshape(-1, 2), grid, lcd)
        on_path = lab[path.cells[:, 0], path.cells[:, 1]]
        through = bool(check and np.any((on_path > 0) & (on_path != core) & (on_path != other)))
        links.append((int(other), lcd, float(path.length), through))
    return {"core": int(core), "window": window, "cwd": cwd, "links": links}


def _links_of(run):
    return run["core"], run["links"]


def _mosaic_tile(res_path, bounds, specs, runs, cutoff):
    """Minimum over the kept links of their NLCC on one output tile; NaN beyond *cutoff*."""
    r0, r1, c0, c1 = bounds
    out = np.full((r1 - r0, c1 - c0), np.inf)
    by_core = {run["core"]: run for run in runs}
    for a, b, lcd in specs:
        wa, wb = by_core[a]["window"], by_core[b]["window"]
        y0, y1 = max(r0, wa[0], wb[0]), min(r1, wa[1], wb[1])
        x0, x1 = max(c0, wa[2], wb[2]), min(c1, wa[3], wb[3])
        if y0 >= y1 or x0 >= x1:
            continue
        part_a = by_core[a]["cwd"][y0 - wa[0] : y1 - wa[0], x0 - wa[2] : x1 - wa[2]]
        part_b = by_core[b]["cwd"][y0 - wb[0] : y1 - wb[0], x0 - wb[2] : x1 - wb[2]]
        nl = _cost.nlcc(part_a, part_b, lcd)
        nl[nl > cutoff] = np.inf
        view = out[y0 - r0 : y1 - r0, x0 - c0 : x1 - c0]
        np.fmin(view, nl, out=view)
    out[~np.isfinite(out)] = np.nan
    res = read_window(res_path, (r0, r1), (c0, c1))
    out[np.isnan(res)] = np.nan
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def corridor_network(
    resistance,
    cores,
    *,
    max_cost_distance: float,
    cutoff: float,
    output_dir,
    chunks=512,
    client=None,
    neighbors: int = 8,
    drop_through_cores: bool = True,
) -> BoundedNetwork:
    r"""Least-cost corridor network from bounded cost distances, one task per core.

    Linkage Mapper's cost-distance cut-off made into the unit of parallel work
    (McRae & Kavanagh 2011): links longer than *max_cost_distance* are dropped,
    and corridor cells beyond *cutoff* are not mapped, so no cell whose cost
    distance from a core exceeds :math:`B = D_{max} + w` (*max_cost_distance*
    plus *cutoff*) matters for that core. A step costs at least
    :math:`r_{min}` per map unit (the smallest resistance), so those cells lie
    within :math:`\lceil B / (r_{min}\, s) \rceil` cells of the core's bounding
    box (:math:`s` the cell size). Each task reads that window only, runs the
    cost distance from the core (the engine of
    :func:`gpec_teach.least_cost.cost_distance`), and finds the least-cost
    distance and path to the cores of larger id in it; output tiles take the
    minimum of the kept links' normalised corridors
    :math:`\mathrm{NLCC}_{ij} = \mathrm{CWD}_i + \mathrm{CWD}_j - \mathrm{LCD}_{ij}`
    truncated at *cutoff*.

    The links and the mosaic equal those of
    ``gpec_teach.least_cost.corridor_network(resistance, cores, pairs="all",
    max_cost_distance=..., cutoff=..., drop_through_cores=...)`` (its kept links and
    corridors), without ever holding the raster: a task holds one core's window.

    Parameters
    ----------
    resistance : str or Path
        GeoTIFF of positive resistance per map unit (nodata = absent); its
        transform gives the cell size.
    cores : str or Path
        GeoTIFF of integer core ids, same grid (0 or nodata = background).
    max_cost_distance : float
        Longest link kept (cost units).
    cutoff : float
        Corridor width (cost units) of the mosaic.
    output_dir : str or Path
        Folder of ``corridors.tif``.
    chunks : int or (int, int), default 512
        Tile side of the scan and of the output.
    client : distributed.Client, optional
        None runs the tasks in this process.
    neighbors : {8, 4}, default 8
    drop_through_cores : bool, default True
        Drop links whose least-cost path crosses a third core.

    Returns
    -------
    BoundedNetwork

    Raises
    ------
    TypeError, FileNotFoundError, ValueError
        Not a path, missing file, bad option, rasters of different shapes, no
        positive resistance.

    References
    ----------
    McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
    Software. The Nature Conservancy. https://linkagemapper.org

    Examples
    --------
    Two one-cell cores 4 cells apart on resistance 1 (1 m cells): LCD 4.

    >>> import tempfile, os
    >>> from affine import Affine
    >>> from gpec_teach.scale import write_cog
    >>> c = np.zeros((3, 7)); c[1, 1] = 1; c[1, 5] = 2
    >>> t = Affine(1, 0, 0, 0, -1, 3)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = write_cog(np.ones((3, 7)), os.path.join(d, "r.tif"), transform=t)
    ...     k = write_cog(c, os.path.join(d, "c.tif"), transform=t)
    ...     net = corridor_network(r, k, max_cost_distance=10, cutoff=0.5, output_dir=d, chunks=4)
    ...     mosaic = net.read()
    >>> net.links[["core1", "core2", "cost_distance"]].values.tolist()
    [[1.0, 2.0, 4.0]]
    >>> np.round(mosaic[1], 3).tolist()  # the straight path is the corridor (NLCC 0)
    [nan, 0.0, 0.0, 0.0, 0.0, 0.0, nan]
    """
    max_cost = check_positive("max_cost_distance", max_cost_distance)
    cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    _cost.check_neighbors(neighbors)
    if not isinstance(drop_through_cores, bool):
        raise TypeError(
            f"drop_through_cores must be True or False. Got drop_through_cores={drop_through_cores!r}."
        )
    start = time.perf_counter()
    client = check_client(client)
    info = raster_info(_check_file("resistance", resistance), name="resistance")
    core_info = raster_info(_check_file("cores", cores), name="cores")
    if core_info.shape != info.shape:
        raise ValueError(
            f"cores has shape {core_info.shape} but resistance has {info.shape}; rasterize the "
            "cores on the resistance grid."
        )
    layout = TileLayout(info.shape, check_chunks(chunks))
    boxes: dict = {}
    rmin = [math.inf]

    def scan_write(i, j, value):
        found, low = value
        rmin[0] = min(rmin[0], low)
        for core, box in found.items():
            boxes[core] = _merge(boxes[core], box) if core in boxes else box

    run_tiles(
        client,
        layout,
        0,
        lambda i, j, region: _scan(info.path, core_info.path, layout, i, j),
        lambda i, j, parts: parts[0],
        scan_write,
    )
    if not math.isfinite(rmin[0]):
        raise ValueError("resistance has no positive finite cell: nothing can be crossed.")
    if len(boxes) < 2:
        raise ValueError(
            f"cores must hold at least two cores (ids > 0) to build a network. Got {len(boxes)}."
        )
    bound = max_cost + cutoff
    halo = int(math.floor(bound / (rmin[0] * info.cellsize))) + 1
    n, m = info.shape
    windows = {
        core: (max(b[0] - halo, 0), min(b[1] + halo, n), max(b[2] - halo, 0), min(b[3] + halo, m))
        for core, b in sorted(boxes.items())
    }
    check = drop_through_cores and len(boxes) >= 3
    runs = {
        core: _submit(
            client,
            _core_run,
            info.path,
            core_info.path,
            core,
            win,
            info.cellsize,
            neighbors,
            bound,
            max_cost,
            check,
        )
        for core, win in windows.items()
    }
    rows = []
    for core in windows:
        _, links = _submit(client, _links_of, runs[core]).result()
        for other, lcd, length, through in links:
            status = "passes_through_core" if through else "corridor"
            rows.append((core, other, status, status == "corridor", lcd, length))
    table = pd.DataFrame(
        rows, columns=["core1", "core2", "status", "kept", "cost_distance", "path_length"]
    )
    kept = [(int(a), int(b), float(d)) for a, b, d in table.loc[table["kept"], ["core1", "core2", "cost_distance"]].itertuples(index=False)]  # fmt: skip
    writer = TileWriter({"corridors": Path(output_dir) / "corridors.tif"}, info.shape, info.transform, info.crs)  # fmt: skip
    try:
        ni, nj = layout.ntiles
        for i in range(ni):
            outs = []
            for j in range(nj):
                bounds = layout.bounds(i, j)
                specs = [
                    s
                    for s in kept
                    if _overlaps(bounds, windows[s[0]]) and _overlaps(bounds, windows[s[1]])
                ]
                need = sorted({c for s in specs for c in s[:2]})
                outs.append(
                    _submit(
                        client,
                        _mosaic_tile,
                        info.path,
                        bounds,
                        specs,
                        [runs[c] for c in need],
                        cutoff,
                    )  # fmt: skip
                )
            for j, fut in enumerate(outs):
                writer.write("corridors", layout.bounds(i, j), fut.result())
    finally:
        files = writer.close()
    return BoundedNetwork(
        links=table,
        files=files,
        bound=bound,
        window_cells=halo,
        shape=info.shape,
        chunks=layout.chunks,
        seconds=time.perf_counter() - start,
    )
