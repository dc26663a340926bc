r"""The cost-distance engine shared by least-cost paths, corridors, scenarios and widgets.

One step rule everywhere (``skimage.graph.MCP_Geometric``, ArcGIS *CostDistance*,
Linkage Mapper): a move between the centres of two neighbouring cells :math:`a`
and :math:`b` costs :math:`\ell_{ab} (R_a + R_b) / 2`, with :math:`\ell_{ab}` the
cell size (edge step) or the cell size times :math:`\sqrt 2` (diagonal step).
Nodata (NaN) and absolute barriers (``inf``) cannot be entered; "no path" is
``inf``.

The public functions of :mod:`gpec_teach.least_cost`, :mod:`gpec_teach.scenarios`
and :mod:`gpec_teach.widgets` are thin wrappers over the pieces here:

* :func:`resistance_grid` reads and checks a resistance surface (one adapter,
  :func:`gpec_teach._raster.unwrap`); :func:`engine` builds the Dijkstra engine;
* :func:`locations` and :func:`patch_labels` turn points, masks, label grids,
  geometries or GeoDataFrames into cells of the grid;
* :func:`find_costs`, :func:`costs_from_region` (seeded from a region's edge
  cells only), :func:`finish_cwd`, :func:`allocation`, :func:`nlcc`,
  :func:`lcd_matrix`, :func:`pair_corridor` do the cost work once;
* :class:`CorePair` holds two validated cores (cells, edge seeds, short-circuit
  regions) for the corridor and scenario code.

References
----------
van der Walt, S. et al. (2014). scikit-image: image processing in Python. PeerJ
2: e453 (``skimage.graph.MCP_Geometric``). https://doi.org/10.7717/peerj.453

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle, WA. https://linkagemapper.org
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.ndimage as ndi
from affine import Affine
from skimage.graph import MCP_Geometric

from ._raster import Grid, grid_transform, is_dataarray, polygon_cells, read_raster, unwrap
from ._validation import (
    check_choice,
    check_resistance_values,
    check_same_crs,
    describe,
    is_integer,
)
from ._vector import label_ids

__all__ = [
    "NEIGHBORS",
    "CorePair",
    "allocation",
    "cell_xy",
    "check_neighbors",
    "core_pair",
    "costs_from_region",
    "edge_cells",
    "engine",
    "find_costs",
    "finish_cwd",
    "lcd_matrix",
    "locations",
    "nlcc",
    "pair_corridor",
    "patch_cells",
    "patch_labels",
    "rasterize",
    "resistance_grid",
    "transform",
    "unreachable",
]

#: Allowed neighbourhoods: 8 (ArcGIS, Linkage Mapper, the default) or 4.
NEIGHBORS = (8, 4)


# ===================================================================== grid and engine
def check_neighbors(neighbors) -> None:
    """Raise unless *neighbors* is 8 or 4."""
    check_choice("neighbors", neighbors, NEIGHBORS)


def resistance_grid(resistance, cellsize, *, require_cellsize: bool = True) -> Grid:
    """Read a resistance surface: positive, ``inf`` = barrier, at least one passable cell.

    Cost distances are in cost x map units, so a plain array needs *cellsize*
    (``require_cellsize=True``, the default); callers whose outputs do not depend
    on the cell size (an allocation, a changed resistance) pass False.
    """
    grid = unwrap(
        "resistance",
        resistance,
        cellsize=cellsize,
        require_cellsize=require_cellsize,
        keep_inf=True,
    )
    check_resistance_values("resistance", grid.values)
    if not np.isfinite(grid.values).any():
        raise ValueError(
            "resistance has no passable cell: every valid cell is an absolute barrier (inf)."
        )
    return grid


def engine(grid: Grid, neighbors: int):
    """Return an ``MCP_Geometric`` on the grid and the nodata mask.

    NaN cells are set to ``inf`` (both impassable) **in place** in
    ``grid.values`` (our private copy of the input), which saves a full copy of
    the grid on large rasters. Use the returned mask, not ``grid.values``, for
    nodata afterwards.
    """
    nodata = np.isnan(grid.values)
    grid.values[nodata] = np.inf
    mcp = MCP_Geometric(
        grid.values, fully_connected=neighbors == 8, sampling=(grid.cellsize, grid.cellsize)
    )
    return mcp, nodata


def transform(grid: Grid) -> Affine:
    """Affine transform of the grid (for arrays: origin top-left at y = rows x cellsize)."""
    return grid_transform(grid)


def cell_xy(grid: Grid, rows: np.ndarray, cols: np.ndarray):
    """Map coordinates of cell centres."""
    t = transform(grid)
    x = t.c + (cols + 0.5) * t.a + (rows + 0.5) * t.b
    y = t.f + (cols + 0.5) * t.d + (rows + 0.5) * t.e
    return x, y


def _is_pair(v) -> bool:
    return (
        isinstance(v, (tuple, list, np.ndarray))
        and np.ndim(v) == 1
        and len(v) == 2
        and all(isinstance(a, numbers.Real) and not isinstance(a, bool) for a in v)
    )


# ================================================================= locations/patches
def _point_cell(name: str, point, grid: Grid) -> tuple[int, int, str]:
    a, b = point
    if is_integer(a) and is_integer(b):
        return int(a), int(b), f"{name} point (row, col)=({a}, {b})"
    if grid.template is None:
        raise TypeError(
            f"{name} point {tuple(point)} must be integer (row, col) indices for a plain "
            "array; map coordinates (x, y) need a georeferenced DataArray."
        )
    col, row = ~transform(grid) @ (float(a), float(b))
    return int(np.floor(row)), int(np.floor(col)), f"{name} point (x, y)=({a}, {b})"


def _check_point(r: int, c: int, label: str, grid: Grid) -> int:
    nr, nc = grid.values.shape
    if not (0 <= r < nr and 0 <= c < nc):
        raise ValueError(f"{label} is outside the grid ({nr} rows x {nc} columns).")
    v = grid.values[r, c]
    if np.isnan(v):
        raise ValueError(f"{label} lies on a nodata cell. Move it onto a valid cell.")
    if np.isinf(v):
        raise ValueError(
            f"{label} lies on an absolute barrier (resistance inf). Move it onto a passable cell."
        )
    return r * nc + c


def _point_cells(name: str, points, grid: Grid) -> np.ndarray:
    flat = [_check_point(*_point_cell(name, p, grid), grid) for p in points]
    return np.unique(np.asarray(flat, dtype=np.int64))


def rasterize(name: str, geoms, grid: Grid, values) -> np.ndarray:
    """Burn geometries into an int64 grid (cell centres inside; 0 elsewhere).

    Geometries are burned in order, so where polygons overlap the last one wins
    (GDAL's replace rule); the cells of each come from :func:`polygon_cells`.
    """
    if grid.template is None:
        raise TypeError(
            f"{name} holds geometries but resistance is a plain array; pass a georeferenced "
            "DataArray, or give (row, col) cells or a grid."
        )
    labels = np.zeros(grid.values.size, dtype=np.int64)
    kept = [(g, int(v)) for g, v in zip(geoms, values, strict=True) if g is not None]
    for cells, (_, v) in zip(polygon_cells([g for g, _ in kept], grid), kept, strict=True):
        labels[cells] = v
    return labels.reshape(grid.values.shape)


def _grid_like(name: str, obj, grid: Grid) -> np.ndarray:
    """Read a mask or label grid beside the resistance: same shape and CRS; nodata -> 0."""
    arr, nodata, _, _, crs = read_raster(name, obj)
    if crs is not None and grid.crs is not None:
        check_same_crs("resistance", grid.crs, name, crs)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric or boolean grid. Got {describe(obj)}.")
    if arr.shape != grid.values.shape:
        raise ValueError(
            f"{name} must have the shape of the resistance grid {grid.values.shape}. "
            f"Got shape {arr.shape}."
        )
    if nodata is not None and not np.isnan(nodata):
        arr = np.where(arr == nodata, 0, arr)  # an encoded nodata (0, 255, -9999) is no cell
    return arr


def _geometry_cells(name: str, spec, grid: Grid, passable: np.ndarray) -> np.ndarray:
    """Cells of a GeoDataFrame/GeoSeries (points: their cells; areas: cells inside)."""
    check_same_crs("resistance", grid.crs, name, spec.crs)
    geoms = list(spec.geometry if hasattr(spec, "columns") else spec)
    if not geoms:
        raise ValueError(f"{name} is empty: it has no geometry.")
    if all(g is not None and g.geom_type == "Point" for g in geoms):
        return _point_cells(name, [(g.x, g.y) for g in geoms], grid)
    mask = rasterize(name, geoms, grid, [1] * len(geoms)).ravel() > 0
    return _mask_cells(name, mask, passable)


def locations(name: str, spec, grid: Grid) -> np.ndarray:
    """Flat indices of the passable cells named by *spec* (points, a mask or geometries)."""
    nr, nc = grid.values.shape
    passable = np.isfinite(grid.values).ravel()
    geometry = getattr(spec, "geometry", None)
    if geometry is not None and hasattr(spec, "crs") and not isinstance(spec, np.ndarray):
        return _geometry_cells(name, spec, grid, passable)
    if hasattr(spec, "geom_type") and hasattr(spec, "bounds"):  # a shapely geometry
        if spec.geom_type == "Point":
            return _point_cells(name, [(spec.x, spec.y)], grid)
        mask = rasterize(name, [spec], grid, [1]).ravel() > 0
        return _mask_cells(name, mask, passable)
    if is_dataarray(spec) or (isinstance(spec, np.ndarray) and spec.shape == (nr, nc)):
        arr = _grid_like(name, spec, grid)
        mask = (np.nan_to_num(arr.astype(float), nan=0.0) > 0).ravel()
        return _mask_cells(name, mask, passable)
    if _is_pair(spec):
        return np.array([_check_point(*_point_cell(name, spec, grid), grid)])
    if isinstance(spec, (Sequence, np.ndarray)) and not isinstance(spec, str):
        items = list(spec)
        if items and all(_is_pair(p) for p in items):
            return _point_cells(name, items, grid)
    raise TypeError(
        f"{name} must be a (row, col) cell, an (x, y) map point (georeferenced raster), a "
        "list of them, a boolean/labelled grid of the resistance's shape, a shapely "
        f"geometry or a GeoDataFrame. Got {describe(spec)}."
    )


def _mask_cells(name: str, mask: np.ndarray, passable: np.ndarray) -> np.ndarray:
    if not mask.any():
        raise ValueError(f"{name} covers no cell of the grid.")
    cells = np.flatnonzero(mask & passable)
    if cells.size == 0:
        raise ValueError(
            f"{name} has no passable cell: all its {int(mask.sum())} cell(s) are nodata or "
            "absolute barriers."
        )
    return cells


def _polygon_labels(name: str, patches, grid: Grid, id_column, by_position) -> np.ndarray:
    check_same_crs("resistance", grid.crs, name, patches.crs)
    if by_position:
        ids = np.arange(1, len(patches) + 1)
    else:
        ids = label_ids(name, patches, id_column, index_source="index (id_column=None)")
    labels = rasterize(name, list(patches.geometry), grid, ids)
    empty = sorted(set(ids.tolist()) - set(np.unique(labels).tolist()))
    if empty:
        raise ValueError(
            f"{name} polygon(s) {empty} cover no cell centre of the grid; use a finer "
            "grid or drop them."
        )
    return labels


def _grid_labels(name: str, patches, grid: Grid) -> np.ndarray:
    arr = _grid_like(name, patches, grid).astype(float)
    ok = np.isfinite(arr) & (arr > 0)
    if np.any(arr[ok] != np.round(arr[ok])):
        raise ValueError(
            f"{name} must hold integer patch labels (0 or NaN = background). Got "
            "non-integer values; label the cores first (scipy.ndimage.label)."
        )
    return np.where(ok, arr, 0).astype(np.int64)


def patch_labels(
    name: str, patches, grid: Grid, id_column: str | None, *, by_position: bool = False
) -> np.ndarray:
    """Integer labels (0 = background) from a label grid or polygons; nodata/barriers -> 0.

    Polygons are labelled with the values of *id_column* (which must exist), or with
    the GeoDataFrame index when *id_column* is None; never silently renumbered.
    ``by_position=True`` (internal callers that report no ids) numbers the rows 1..n.
    """
    if hasattr(patches, "geometry") and hasattr(patches, "crs") and hasattr(patches, "columns"):
        labels = _polygon_labels(name, patches, grid, id_column, by_position)
    else:
        labels = _grid_labels(name, patches, grid)
    before = np.unique(labels[labels > 0])
    labels = np.where(np.isfinite(grid.values), labels, 0)
    lost = sorted(set(before.tolist()) - set(np.unique(labels[labels > 0]).tolist()))
    if lost:
        raise ValueError(
            f"{name} {lost} lie(s) entirely on nodata or barrier cells, so no path can start "
            "there. Fix the resistance raster or drop those patches."
        )
    return labels


def patch_cells(labels: np.ndarray, ids: np.ndarray) -> list[np.ndarray]:
    """Flat cell indices of each patch, in the order of *ids* (one sort, no mask per patch)."""
    flat = labels.ravel()
    order = np.argsort(flat, kind="stable")
    starts = np.searchsorted(flat[order], ids)
    ends = np.searchsorted(flat[order], ids, side="right")
    return [order[s:e] for s, e in zip(starts, ends, strict=True)]


# ====================================================================== cost runs
def find_costs(mcp, cells: np.ndarray, ncols: int, ends=None):
    """Run the engine from flat *cells* (optionally stopping at *ends*): ``(cwd, traceback)``."""
    starts = np.column_stack(np.divmod(cells, ncols))
    if ends is None:
        cwd, tb = mcp.find_costs(starts)
    else:
        cwd, tb = mcp.find_costs(
            starts, np.column_stack(np.divmod(ends, ncols)), find_all_ends=False
        )
    return cwd, tb


def edge_cells(cells: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Return the cells of a region with an 8-neighbour outside it (or on the grid edge).

    Every route out of a region leaves it from such a cell, so a cost-distance
    run seeded from them only gives the same costs outside the region as one
    seeded from all its cells (the region itself is then set to 0), at a
    fraction of the time for large cores.
    """
    mask = np.zeros(shape, dtype=bool)
    mask.ravel()[cells] = True
    inner = ndi.binary_erosion(mask, structure=np.ones((3, 3), bool), border_value=0)
    edge = np.flatnonzero((mask & ~inner).ravel())
    return edge if edge.size else cells


def costs_from_region(mcp, seeds: np.ndarray, cells: np.ndarray, ncols: int) -> np.ndarray:
    """Cost distance from a region run from *seeds* (its edge cells, or all); 0 on its *cells*."""
    cwd = np.array(find_costs(mcp, seeds, ncols)[0], dtype=np.float64, order="C")
    cwd.ravel()[cells] = 0.0
    return cwd


def finish_cwd(cwd: np.ndarray, nodata: np.ndarray) -> np.ndarray:
    """Float64 copy of a cost raster with NaN on nodata (``inf`` stays for unreachable)."""
    cwd = np.asarray(cwd, dtype=np.float64)
    cwd[nodata] = np.nan
    return cwd


def allocation(mcp, traceback: np.ndarray, start_cells: np.ndarray, start_labels: np.ndarray):
    """Label of the source each cell's least-cost route comes from (0 = none)."""
    nr, nc = traceback.shape
    n = nr * nc
    offsets = np.asarray(mcp.offsets).reshape(-1, 2)
    delta = offsets[:, 0].astype(np.int64) * nc + offsets[:, 1]
    tb = traceback.ravel().astype(np.int64)
    idx = np.arange(n, dtype=np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    reached = tb >= 0
    parent[reached] = idx[reached] - delta[tb[reached]]
    parent[start_cells] = start_cells
    labels = np.zeros(n, dtype=np.int64)
    labels[start_cells] = start_labels
    # pointer jumping: after k rounds every cell points 2**k steps up its route
    root = parent
    while True:
        ok = root >= 0
        nxt = root.copy()
        nxt[ok] = root[root[ok]]
        if np.array_equal(nxt, root):
            break
        root = nxt
    out = np.zeros(n, dtype=np.int64)
    ok = root >= 0
    out[ok] = labels[root[ok]]
    return out.reshape(nr, nc)


def nlcc(cwd_a: np.ndarray, cwd_b: np.ndarray, lcd: float) -> np.ndarray:
    """Normalised least-cost corridor ``CWD_A + CWD_B - LCD``, clipped at 0."""
    with np.errstate(invalid="ignore"):
        out = cwd_a + cwd_b - lcd
    # rounding can leave -1e-12 on the path; NLCC >= 0 by construction
    np.maximum(out, 0.0, out=out, where=~np.isnan(out))
    return out


def unreachable(a: str, b: str) -> ValueError:
    """Return the error for two places no route joins (never an infinite path silently)."""
    return ValueError(
        f"{b} cannot be reached from {a}: barriers (inf) or nodata cells separate them, so "
        "their least-cost distance is infinite. Check the barriers, or choose places in the "
        "same connected part of the grid."
    )


def lcd_matrix(mcp, labels: np.ndarray, ids: np.ndarray, cells, seeds) -> np.ndarray:
    """Symmetric least-cost distances between patches (``inf`` = no route, 0 on the diagonal).

    ``LCD_ij = min over the cells of j of CWD_i``, one run per patch (``n - 1`` in
    all), each seeded from *seeds* (the patch's cells, or only its edge cells: see
    :func:`core_pair` for what that changes).
    """
    n = ids.size
    d = np.zeros((n, n))
    ncols = labels.shape[1]
    for i in range(n - 1):
        cwd = costs_from_region(mcp, seeds[i], cells[i], ncols)
        row = np.asarray(ndi.minimum(cwd, labels, ids[i + 1 :]), dtype=float)
        d[i, i + 1 :] = row
        d[i + 1 :, i] = row
    return d


# ====================================================================== two cores
@dataclass(frozen=True)
class CorePair:
    """Two validated, disjoint cores on one grid, ready for repeated cost runs.

    Attributes
    ----------
    a, b : numpy.ndarray
        Flat indices of the passable cells of each core.
    seed_a, seed_b : numpy.ndarray
        Their edge cells (seeds of the cost runs, see :func:`edge_cells`).
    regions : numpy.ndarray
        Int grid: 1 on core A, 2 on core B, 0 elsewhere (short-circuit regions).
    cell_a, cell_b : tuple of int
        One ``(row, col)`` cell of each core.
    """

    a: np.ndarray
    b: np.ndarray
    seed_a: np.ndarray
    seed_b: np.ndarray
    regions: np.ndarray
    cell_a: tuple
    cell_b: tuple

    def focal_cells(self, ncols: int) -> dict[int, list[tuple[int, int]]]:
        """``{1: [(row, col), ...], 2: [...]}``: the cores as focal regions for a circuit."""
        return {
            k: [tuple(int(v) for v in divmod(int(i), ncols)) for i in cells]
            for k, cells in ((1, self.a), (2, self.b))
        }


def core_pair(grid: Grid, core_a, core_b, *, edge_seeds: bool = True) -> CorePair:
    """Validate two cores (see :func:`locations`) that must not overlap.

    With ``edge_seeds=True`` the cost runs start from the cores' edge cells only
    (fast for large cores, the same costs up to rounding: near-equal routes may be
    summed in another order, a difference of about 1e-15 relative); False seeds
    them from every cell, the reference behaviour of the public least-cost functions.
    """
    a = locations("core_a", core_a, grid)
    b = locations("core_b", core_b, grid)
    if np.intersect1d(a, b).size:
        raise ValueError(
            "core_a and core_b overlap; a corridor joins two separate cores: give two "
            "separate cores."
        )
    shape = grid.values.shape
    regions = np.zeros(shape, dtype=np.int64)
    regions.ravel()[a] = 1
    regions.ravel()[b] = 2
    return CorePair(
        a=a,
        b=b,
        seed_a=edge_cells(a, shape) if edge_seeds else a,
        seed_b=edge_cells(b, shape) if edge_seeds else b,
        regions=regions,
        cell_a=tuple(int(v) for v in divmod(int(a[0]), shape[1])),
        cell_b=tuple(int(v) for v in divmod(int(b[0]), shape[1])),
    )


def pair_corridor(mcp, pair: CorePair, ncols: int, *, corridor: bool = True):
    """Least-cost distance between the cores and, if asked and finite, their NLCC.

    Returns ``(lcd, nlcc)``; *nlcc* is None when ``corridor=False`` or when no
    route joins the cores (``lcd = inf``).
    """
    cwd_a = costs_from_region(mcp, pair.seed_a, pair.a, ncols)
    lcd = float(cwd_a.ravel()[pair.b].min())
    if not corridor or not np.isfinite(lcd):
        return lcd, None
    cwd_b = costs_from_region(mcp, pair.seed_b, pair.b, ncols)
    return lcd, nlcc(cwd_a, cwd_b, lcd)
