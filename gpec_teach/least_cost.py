r"""Least-cost connectivity: cost distance, least-cost paths and corridors.

Least-cost modelling (Adriaensen et al. 2003) assumes an animal moving from a
source pays, in every cell it crosses, the cell's resistance times the distance
travelled in it. The **cost-weighted distance** (CWD) of a cell is the cost of
the cheapest route to it from the nearest source; the **least-cost path** is
that route; the **least-cost distance** (LCD) between two habitat cores is the
CWD of the cheapest cell of one core seen from the other.

Step-cost rule (the one of ``skimage.graph.MCP_Geometric``, of ArcGIS
*CostDistance* and so of Linkage Mapper): a move between the centres of two
neighbouring cells :math:`a` and :math:`b` costs

.. math:: c_{ab} = \ell_{ab} \, \frac{R_a + R_b}{2},
          \qquad \ell_{ab} = s \text{ (edge) or } s\sqrt{2} \text{ (diagonal)},

with :math:`R` the resistance (per unit distance) and :math:`s` the cell size
in map units, so costs are in "cost-weighted metres". Source cells cost 0.
:math:`\mathrm{CWD}(x)` is the minimum over routes of the summed step costs
(Dijkstra's algorithm; here ``MCP_Geometric``). Nodata cells (NaN) and
absolute barriers (``inf``) cannot be entered.

Corridors follow Linkage Mapper (McRae & Kavanagh 2011): the normalised
least-cost corridor between cores A and B is
:math:`\mathrm{NLCC}(x) = \mathrm{CWD}_A(x) + \mathrm{CWD}_B(x) - \mathrm{LCD}_{AB}`,
the extra cost of the best route from A to B forced through :math:`x`; it is 0
on the least-cost path, and a corridor is the set of cells with
:math:`\mathrm{NLCC} \le` a width cut-off.

References
----------
Adriaensen, F., Chardon, J. P., De Blust, G., Swinnen, E., Villalba, S.,
Gulinck, H. & Matthysen, E. (2003). The application of 'least-cost' modelling
as a functional landscape model. Landscape and Urban Planning 64 (4): 233-247.
https://doi.org/10.1016/S0169-2046(02)00242-6

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle, WA.
https://linkagemapper.org (user guide: McRae, B. H. & Kavanagh, D. M.,
Linkage Mapper User Guide).

van der Walt, S. et al. (2014). scikit-image: image processing in Python. PeerJ
2: e453 (``skimage.graph.MCP_Geometric``). https://doi.org/10.7717/peerj.453
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._raster import Grid, _is_dataarray, unwrap, wrap_like
from ._validation import (
    check_choice,
    check_positive,
    check_resistance_values,
    check_same_crs,
    describe,
)

__all__ = [
    "CorridorNetwork",
    "CostDistanceMatrix",
    "LeastCostPath",
    "corridor_mask",
    "corridor_network",
    "cost_allocation",
    "cost_distance",
    "least_cost_corridor",
    "least_cost_distance_matrix",
    "least_cost_path",
]

_NEIGHBORS = (8, 4)
_PAIRS = ("adjacent", "cost_adjacent", "euclidean_adjacent", "nearest", "all")
_NEAREST_BY = ("cost", "euclidean")
_KEPT = ("corridor", "nearest_neighbor", "cluster_link")

#: Cost-distance rasters kept in memory while building a corridor network; above
#: this (bytes) they are recomputed for the mosaic instead of cached.
CWD_CACHE_BYTES = 256 * 2**20


# ===================================================================== grid helpers
def _resistance_grid(resistance, cellsize) -> Grid:
    grid = unwrap("resistance", resistance, cellsize=cellsize, keep_inf=True)
    check_resistance_values("resistance", grid.values)
    if not np.isfinite(grid.values).any():
        raise ValueError(
            "resistance has no passable cell: every valid cell is an absolute barrier (inf)."
        )
    return grid


def _engine(grid: Grid, neighbors: int):
    """Return an ``MCP_Geometric`` on the grid and the nodata mask.

    NaN cells are set to ``inf`` (both impassable) **in place** in
    ``grid.values`` (our private copy of the input), which saves a full copy of
    the grid on large rasters. Use the returned mask, not ``grid.values``, for
    nodata afterwards.
    """
    from skimage.graph import MCP_Geometric

    nodata = np.isnan(grid.values)
    grid.values[nodata] = np.inf
    mcp = MCP_Geometric(
        grid.values, fully_connected=neighbors == 8, sampling=(grid.cellsize, grid.cellsize)
    )
    return mcp, nodata


def _check_neighbors(neighbors) -> None:
    check_choice("neighbors", neighbors, _NEIGHBORS)


def _transform(grid: Grid):
    from affine import Affine

    if grid.template is not None and hasattr(grid.template, "rio"):
        try:
            return grid.template.rio.transform()
        except Exception:  # pragma: no cover - DataArray without spatial dims
            pass
    s = grid.cellsize
    return Affine(s, 0.0, 0.0, 0.0, -s, grid.values.shape[0] * s)


def _cell_xy(grid: Grid, rows: np.ndarray, cols: np.ndarray):
    t = _transform(grid)
    x = t.c + (cols + 0.5) * t.a + (rows + 0.5) * t.b
    y = t.f + (cols + 0.5) * t.d + (rows + 0.5) * t.e
    return x, y


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


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
    if _is_int(a) and _is_int(b):
        return int(a), int(b), f"{name} point (row, col)=({a}, {b})"
    if grid.template is None:
        raise TypeError(
            f"{name} point {tuple(point)} must be integer (row, col) indices for a plain "
            "array; map coordinates (x, y) need a georeferenced DataArray."
        )
    t = _transform(grid)
    col, row = ~t * (float(a), float(b))
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


def _rasterize(name: str, geoms, grid: Grid, values) -> np.ndarray:
    import rasterio.features

    if grid.template is None:
        raise TypeError(
            f"{name} holds geometries but resistance is a plain array; pass a georeferenced "
            "DataArray, or give (row, col) cells or a grid."
        )
    shapes = [(g, int(v)) for g, v in zip(geoms, values, strict=True) if g is not None]
    return rasterio.features.rasterize(
        shapes,
        out_shape=grid.values.shape,
        transform=_transform(grid),
        fill=0,
        all_touched=False,
        dtype="int64",
    )


def _grid_like(name: str, obj, grid: Grid) -> np.ndarray:
    if _is_dataarray(obj):
        if grid.crs is not None and hasattr(obj, "rio") and obj.rio.crs is not None:
            check_same_crs("resistance", grid.crs, name, obj.rio.crs)
        arr = obj.values
        if arr.ndim == 3 and arr.shape[0] == 1:
            arr = arr[0]
    else:
        arr = np.asarray(obj)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric or boolean grid. Got {describe(obj)}.")
    if arr.shape != grid.values.shape:
        raise ValueError(
            f"{name} must have the shape of the resistance grid {grid.values.shape}. "
            f"Got shape {arr.shape}."
        )
    return arr


def _locations(name: str, spec, grid: Grid) -> np.ndarray:
    """Flat indices of the passable cells named by *spec* (points, a mask or geometries)."""
    nr, nc = grid.values.shape
    passable = np.isfinite(grid.values).ravel()
    geometry = getattr(spec, "geometry", None)
    if geometry is not None and hasattr(spec, "crs") and not isinstance(spec, np.ndarray):
        check_same_crs("resistance", grid.crs, name, spec.crs)
        geoms = list(spec.geometry if hasattr(spec, "columns") else spec)
        if not geoms:
            raise ValueError(f"{name} is empty: it has no geometry.")
        points = all(g is not None and g.geom_type == "Point" for g in geoms)
        if points:
            flat = [_check_point(*_point_cell(name, (g.x, g.y), grid), grid) for g in geoms]
            return np.unique(np.asarray(flat, dtype=np.int64))
        mask = _rasterize(name, geoms, grid, [1] * len(geoms)).ravel() > 0
        return _mask_cells(name, mask, passable)
    if hasattr(spec, "geom_type") and hasattr(spec, "bounds"):  # a shapely geometry
        if spec.geom_type == "Point":
            return np.array([_check_point(*_point_cell(name, (spec.x, spec.y), grid), grid)])
        mask = _rasterize(name, [spec], grid, [1]).ravel() > 0
        return _mask_cells(name, mask, passable)
    if _is_dataarray(spec) or (isinstance(spec, np.ndarray) and spec.shape == (nr, nc)):
        arr = _grid_like(name, spec, grid)
        mask = (np.nan_to_num(arr.astype(float), nan=0.0) > 0).ravel()
        return _mask_cells(name, mask, passable)
    if _is_pair(spec):
        return np.array([_check_point(*_point_cell(name, spec, grid), grid)])
    if isinstance(spec, (Sequence, np.ndarray)) and not isinstance(spec, str):
        items = list(spec)
        if items and all(_is_pair(p) for p in items):
            flat = [_check_point(*_point_cell(name, p, grid), grid) for p in items]
            return np.unique(np.asarray(flat, dtype=np.int64))
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


def _patch_labels(
    name: str, patches, grid: Grid, id_column: str | None, *, by_position: bool = False
) -> np.ndarray:
    """Integer labels (0 = background) from a label grid or polygons; nodata/barriers -> 0.

    Polygons are labelled with the values of *id_column* (which must exist), or with
    the GeoDataFrame index when *id_column* is None; never silently renumbered.
    ``by_position=True`` (internal callers that report no ids) numbers the rows 1..n.
    """
    if hasattr(patches, "geometry") and hasattr(patches, "crs") and hasattr(patches, "columns"):
        check_same_crs("resistance", grid.crs, name, patches.crs)
        if by_position:
            ids = np.arange(1, len(patches) + 1)
            source = "row numbers"
        elif id_column is not None:
            if id_column not in patches.columns:
                columns = [str(c) for c in patches.columns if c != patches.geometry.name]
                raise ValueError(
                    f"{name} has no column id_column={id_column!r}, so its polygons cannot "
                    f"be labelled with your patch ids. Columns: {columns}. Pass "
                    f"id_column='<the column with your patch ids>', or id_column=None to "
                    f"label the patches with {name}.index."
                )
            ids = patches[id_column].to_numpy()
            source = f"column {id_column!r}"
        else:
            ids = patches.index.to_numpy()
            source = "index (id_column=None)"
        if not all(_is_int(i) and i > 0 for i in ids.tolist()):
            raise ValueError(
                f"{name} ids ({source}) must be positive integers (0 is background). Got "
                f"{ids.tolist()[:10]}. Pass id_column= naming a column of positive integer "
                f"ids, or number the rows yourself, e.g. {name}.index = "
                f"range(1, len({name}) + 1), and merge results back on that."
            )
        labels = _rasterize(name, list(patches.geometry), grid, ids)
        empty = sorted(set(ids.tolist()) - set(np.unique(labels).tolist()))
        if empty:
            raise ValueError(
                f"{name} polygon(s) {empty} cover no cell centre of the grid; use a finer "
                "grid or drop them."
            )
    else:
        arr = _grid_like(name, patches, grid).astype(float)
        ok = np.isfinite(arr) & (arr > 0)
        if np.any(arr[ok] != np.round(arr[ok])):
            raise ValueError(
                f"{name} must hold integer patch labels (0 or NaN = background). Got "
                "non-integer values; label the cores first (scipy.ndimage.label)."
            )
        labels = np.where(ok, arr, 0).astype(np.int64)
    before = np.unique(labels[labels > 0])
    labels = np.where(np.isfinite(grid.values), labels, 0)
    lost = sorted(set(before.tolist()) - set(np.unique(labels[labels > 0]).tolist()))
    if lost:
        raise ValueError(
            f"{name} {lost} lie(s) entirely on nodata or barrier cells, so no path can start "
            "there. Fix the resistance raster or drop those patches."
        )
    return labels


def _find_costs(mcp, cells: np.ndarray, ncols: int, ends=None):
    starts = np.column_stack(np.divmod(cells, ncols))
    if ends is None:
        cwd, tb = mcp.find_costs(starts)
    else:
        cwd, tb = mcp.find_costs(
            starts, np.column_stack(np.divmod(ends, ncols)), find_all_ends=False
        )
    return cwd, tb


def _finish_cwd(cwd: np.ndarray, nodata: np.ndarray) -> np.ndarray:
    cwd = np.asarray(cwd, dtype=np.float64)
    cwd[nodata] = np.nan
    return cwd


# ==================================================================== cost distance
def cost_distance(resistance, sources, *, neighbors: int = 8, cellsize: float | None = None):
    r"""Cost-weighted distance from the nearest source to every cell.

    .. math:: \mathrm{CWD}(x) = \min_{\text{routes } s \to x}
              \sum_{\text{steps } (a, b)} \ell_{ab}\,\frac{R_a + R_b}{2}

    over all sources :math:`s` (source cells cost 0), with :math:`\ell_{ab}` the
    cell size :math:`s` for an edge step and :math:`s\sqrt2` for a diagonal one:
    the step-cost rule of ``skimage.graph.MCP_Geometric`` and ArcGIS
    *CostDistance*, used by Linkage Mapper (Adriaensen et al. 2003; McRae &
    Kavanagh 2011).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance per unit distance; NaN = nodata, ``inf`` = barrier.
    sources : see below
        A ``(row, col)`` cell; an ``(x, y)`` point on a georeferenced raster; a
        list of them; a boolean or labelled grid of the resistance's shape
        (cells > 0 are sources); a shapely geometry or a GeoDataFrame (same CRS).
        A point on a nodata or barrier cell is an error; such cells of a grid or
        polygon are skipped.
    neighbors : {8, 4}, default 8
        Moves to 8 neighbours (ArcGIS, Linkage Mapper) or 4.
    cellsize : float, optional
        Cell side in map units; read from a DataArray, 1 for arrays.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        CWD in cost units (resistance x map units), ``>= 0``; 0 on sources;
        ``inf`` on barriers and on cells no route reaches; NaN on nodata.

    Raises
    ------
    ValueError
        Bad resistance (zero, negative, all nodata), sources outside the grid or
        on nodata/barriers, CRS mismatch, unknown *neighbors*.

    References
    ----------
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6;
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org;
    ``skimage.graph.MCP_Geometric`` (van der Walt et al. 2014,
    https://doi.org/10.7717/peerj.453).

    Examples
    --------
    From the left cell of ``[1, 3, 5]`` with 10 m cells: one step costs
    ``10 (1 + 3) / 2 = 20``, the next ``10 (3 + 5) / 2 = 40``:

    >>> cost_distance([[1.0, 3.0, 5.0]], (0, 0), cellsize=10)
    array([[ 0., 20., 60.]])
    """
    _check_neighbors(neighbors)
    grid = _resistance_grid(resistance, cellsize)
    cells = _locations("sources", sources, grid)
    mcp, nodata = _engine(grid, neighbors)
    cwd, _ = _find_costs(mcp, cells, grid.values.shape[1])
    return wrap_like(_finish_cwd(cwd, nodata), grid, name="cost_distance")


def _allocation(mcp, traceback: np.ndarray, start_cells: np.ndarray, start_labels: np.ndarray):
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


def cost_allocation(
    resistance,
    sources,
    *,
    neighbors: int = 8,
    cellsize: float | None = None,
    id_column: str | None = "id",
):
    r"""Label every cell with the source it is cheapest to reach from.

    The cost allocation of Linkage Mapper's first step: cell :math:`x` belongs to
    source :math:`k^*(x) = \arg\min_k \mathrm{CWD}_k(x)` (same step costs as
    :func:`cost_distance`). Two cores whose allocation zones touch are
    "cost-adjacent": no third core lies between them in cost terms.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    sources : array_like, xarray.DataArray or geopandas.GeoDataFrame
        Integer labels (0/NaN = none), or polygons with ids in *id_column*.
    neighbors : {8, 4}, default 8
    cellsize : float, optional
    id_column : str or None, default "id"
        Column of the polygons holding the patch ids (positive integers);
        results are labelled with them, so they merge back on your own ids.
        A missing column raises (no silent renumbering). None labels the
        patches with the GeoDataFrame index (which must then hold positive
        integers). Ignored for label grids.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Integer labels; 0 on nodata, barriers and unreachable cells. Ties
        between sources go to the one the search reaches first.

    Raises
    ------
    ValueError
        Bad resistance; a source entirely on nodata/barriers; CRS mismatch;
        *id_column* missing from the polygons or ids not positive integers.

    References
    ----------
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org;
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    >>> cost_allocation([[1.0, 1.0, 9.0, 1.0]], [[1, 0, 0, 2]])
    array([[1, 1, 2, 2]])
    """
    _check_neighbors(neighbors)
    grid = _resistance_grid(resistance, cellsize)
    labels = _patch_labels("sources", sources, grid, id_column)
    cells = np.flatnonzero(labels.ravel() > 0)
    if cells.size == 0:
        raise ValueError("sources has no labelled cell (labels > 0).")
    mcp, _ = _engine(grid, neighbors)
    _, tb = _find_costs(mcp, cells, labels.shape[1])
    alloc = _allocation(mcp, tb, cells, labels.ravel()[cells])
    return wrap_like(alloc, grid, name="allocation")


# ==================================================================== least-cost path
@dataclass
class LeastCostPath:
    """A least-cost path between two places.

    Attributes
    ----------
    cells : numpy.ndarray
        ``(k, 2)`` integer ``(row, col)`` of the path's cells, from start to end.
    cost : float
        Least-cost distance (cost units): the summed step costs along the path.
    length : float
        Length in map units, centre to centre (edge steps = cell size,
        diagonal steps = cell size x sqrt(2)).
    mask : numpy.ndarray or xarray.DataArray
        Boolean raster, True on the path.
    line : shapely.LineString
        The path through the cell centres, in map coordinates (for plain arrays:
        x = (col + 0.5) s, y = (rows - row - 0.5) s).
    crs : pyproj.CRS or None
        CRS of *line* (None for plain arrays).
    """

    cells: np.ndarray
    cost: float
    length: float
    mask: object
    line: object
    crs: object = None

    def to_geodataframe(self):
        """Return the path as a one-row GeoDataFrame (columns cost, length, geometry)."""
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {"cost": [self.cost], "length": [self.length]}, geometry=[self.line], crs=self.crs
        )


def _path_from(mcp, end_flat: int, grid: Grid, cost: float) -> LeastCostPath:
    from shapely.geometry import LineString

    nr, nc = grid.values.shape
    cells = np.asarray(mcp.traceback((int(end_flat // nc), int(end_flat % nc))), dtype=np.int64)
    cells = cells.reshape(-1, 2)
    return _make_path(cells, grid, cost, LineString)


def _make_path(cells: np.ndarray, grid: Grid, cost: float, linestring) -> LeastCostPath:
    steps = np.abs(np.diff(cells, axis=0))
    diag = (steps.sum(axis=1) == 2).sum()
    length = grid.cellsize * (len(steps) - diag + diag * np.sqrt(2.0))
    mask = np.zeros(grid.values.shape, dtype=bool)
    mask[cells[:, 0], cells[:, 1]] = True
    x, y = _cell_xy(grid, cells[:, 0].astype(float), cells[:, 1].astype(float))
    coords = np.column_stack([x, y])
    if len(coords) == 1:
        coords = np.vstack([coords, coords])
    return LeastCostPath(
        cells=cells,
        cost=float(cost),
        length=float(length),
        mask=wrap_like(mask, grid, name="path"),
        line=linestring(coords),
        crs=grid.crs,
    )


def _unreachable(a: str, b: str) -> ValueError:
    return ValueError(
        f"{b} cannot be reached from {a}: barriers (inf) or nodata cells separate them, so "
        "their least-cost distance is infinite. Check the barriers, or choose places in the "
        "same connected part of the grid."
    )


def least_cost_path(
    resistance,
    start,
    end,
    *,
    neighbors: int = 8,
    cellsize: float | None = None,
) -> LeastCostPath:
    r"""Find the least-cost path between two points or patches.

    The path minimises the summed step costs
    :math:`\sum \ell_{ab} (R_a + R_b) / 2` (rule of
    ``skimage.graph.MCP_Geometric``; see :func:`cost_distance`). Between two
    patches it runs from the edge cell of *start* to the edge cell of *end*
    with the lowest cost distance, as Linkage Mapper's least-cost paths do.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    start, end
        Each a ``(row, col)`` cell, an ``(x, y)`` map point (georeferenced
        raster), a list of cells, a boolean grid (a patch), a shapely geometry
        or a GeoDataFrame; see :func:`cost_distance`.
    neighbors : {8, 4}, default 8
    cellsize : float, optional

    Returns
    -------
    LeastCostPath
        ``cells`` (``(row, col)`` from start to end), ``cost``, ``length``,
        ``mask`` (raster), ``line`` (LineString in map coordinates) and
        ``to_geodataframe()``. Where *start* and *end* share a cell the path is
        that one cell, with cost 0.

    Raises
    ------
    ValueError
        *end* unreachable from *start* (never an infinite path silently);
        points outside the grid or on nodata/barrier cells (the point is named).

    References
    ----------
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6;
    ``skimage.graph.MCP_Geometric`` (https://doi.org/10.7717/peerj.453).

    Examples
    --------
    A wall of resistance 9 with one gap of 1 in the middle row: the path goes
    through the gap, cost ``4 x (1 + 1) / 2 = 4``.

    >>> r = np.array([[1, 9, 1], [1, 1, 1], [1, 9, 1]], dtype=float)
    >>> p = least_cost_path(r, (0, 0), (0, 2), neighbors=4)
    >>> p.cells.tolist(), p.cost, p.length
    ([[0, 0], [1, 0], [1, 1], [1, 2], [0, 2]], 4.0, 4.0)
    """
    _check_neighbors(neighbors)
    grid = _resistance_grid(resistance, cellsize)
    a = _locations("start", start, grid)
    b = _locations("end", end, grid)
    from shapely.geometry import LineString

    common = np.intersect1d(a, b)
    if common.size:
        nc = grid.values.shape[1]
        cell = np.array([[common[0] // nc, common[0] % nc]])
        return _make_path(cell, grid, 0.0, LineString)
    mcp, _ = _engine(grid, neighbors)
    cwd, _ = _find_costs(mcp, a, grid.values.shape[1], ends=b)
    flat = cwd.ravel()[b]
    if not np.isfinite(flat).any():
        raise _unreachable("start", "end")
    best = int(b[np.argmin(flat)])
    return _path_from(mcp, best, grid, float(flat.min()))


# ============================================================ least-cost distance matrix
class CostDistanceMatrix(NamedTuple):
    """Least-cost distances between labelled patches.

    Attributes
    ----------
    distances : numpy.ndarray
        Symmetric ``(n, n)`` matrix (cost units), rows and columns ordered by
        ``ids``; 0 on the diagonal; ``inf`` for pairs no route joins. Pass it as
        ``distances`` to :func:`gpec_teach.graph.patch_graph_from_matrix`.
    ids : numpy.ndarray
        Patch labels, increasing.
    """

    distances: np.ndarray
    ids: np.ndarray

    def to_frame(self):
        """Return the matrix as a pandas DataFrame indexed by patch id (both axes)."""
        import pandas as pd

        return pd.DataFrame(self.distances, index=self.ids, columns=self.ids)


def least_cost_distance_matrix(
    resistance,
    patches,
    *,
    neighbors: int = 8,
    cellsize: float | None = None,
    id_column: str | None = "id",
) -> CostDistanceMatrix:
    r"""Least-cost distance between every pair of labelled patches.

    .. math:: \mathrm{LCD}_{ij} = \min_{x \in P_j} \mathrm{CWD}_{P_i}(x)

    where :math:`\mathrm{CWD}_{P_i}` is the cost distance from all cells of patch
    :math:`P_i` (see :func:`cost_distance`). Distances are measured edge to
    edge: the cost of leaving patch :math:`i` and of entering patch :math:`j`
    counts half a cell each, and moving inside a third patch costs its
    resistance (the patches are not shortcuts). Touching patches get the cost of
    one step, not 0. One cost-distance run per patch (``n - 1`` in all).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    patches : array_like, xarray.DataArray or geopandas.GeoDataFrame
        Integer labels (0/NaN = background), or polygons with ids in
        *id_column*. Patch cells on nodata/barriers are ignored.
    neighbors : {8, 4}, default 8
    cellsize : float, optional
    id_column : str or None, default "id"
        Column of the polygons holding the patch ids (positive integers);
        results are labelled with them, so they merge back on your own ids.
        A missing column raises (no silent renumbering). None labels the
        patches with the GeoDataFrame index (which must then hold positive
        integers). Ignored for label grids.

    Returns
    -------
    CostDistanceMatrix
        ``(distances, ids)``: a symmetric matrix ordered by label (``inf`` =
        unreachable) and the labels; ``to_frame()`` gives a DataFrame.

    Raises
    ------
    ValueError
        Fewer than two patches; a patch entirely on nodata/barriers; bad input;
        *id_column* missing from the polygons or ids not positive integers.

    References
    ----------
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6;
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org.

    Examples
    --------
    Patches 1, 2 and 3 in a row of resistance 1, 3, 1, 1, 1 (unit cells):
    1 -> 2 crosses the cell of resistance 3, ``(1 + 3) / 2 + (3 + 1) / 2 = 4``;
    2 -> 3 costs ``1 + 1 = 2``; 1 -> 3 costs ``4 + 2 = 6``.

    >>> d, ids = least_cost_distance_matrix([[1.0, 3.0, 1.0, 1.0, 1.0]], [[1, 0, 2, 0, 3]])
    >>> ids.tolist(), d.tolist()
    ([1, 2, 3], [[0.0, 4.0, 6.0], [4.0, 0.0, 2.0], [6.0, 2.0, 0.0]])
    """
    import scipy.ndimage as ndi

    _check_neighbors(neighbors)
    grid = _resistance_grid(resistance, cellsize)
    labels = _patch_labels("patches", patches, grid, id_column)
    ids = np.unique(labels[labels > 0])
    if ids.size < 2:
        raise ValueError(f"patches must hold at least two patches (labels > 0). Got {ids.size}.")
    n = ids.size
    d = np.zeros((n, n))
    mcp, _ = _engine(grid, neighbors)
    flat = labels.ravel()
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], ids)
    ends = np.append(bounds[1:], flat.size)
    for i in range(n - 1):
        cells = order[bounds[i] : ends[i]]
        cwd, _ = _find_costs(mcp, cells, labels.shape[1])
        row = np.asarray(ndi.minimum(cwd, labels, ids[i + 1 :]), dtype=float)
        d[i, i + 1 :] = row
        d[i + 1 :, i] = row
    return CostDistanceMatrix(d, ids)


# ============================================================================ corridors
def _nlcc(cwd_a: np.ndarray, cwd_b: np.ndarray, lcd: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out = cwd_a + cwd_b - lcd
    # rounding can leave -1e-12 on the path; NLCC >= 0 by construction
    np.maximum(out, 0.0, out=out, where=~np.isnan(out))
    return out


def least_cost_corridor(
    resistance,
    core_a,
    core_b,
    *,
    cutoff: float | None = None,
    neighbors: int = 8,
    cellsize: float | None = None,
):
    r"""Normalised least-cost corridor between two cores (Linkage Mapper).

    .. math::

        \mathrm{NLCC}(x) = \mathrm{CWD}_A(x) + \mathrm{CWD}_B(x) - \mathrm{LCD}_{AB}

    the extra cost (cost units) of the cheapest route from A to B that passes
    through cell :math:`x`, compared with the least-cost path (where it is 0).
    Cells with :math:`\mathrm{NLCC} \le` *cutoff* form the corridor; Linkage
    Mapper calls the cut-off the corridor width (McRae & Kavanagh 2011).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    core_a, core_b
        The two cores: boolean grids, cells or points, geometries or
        GeoDataFrames (see :func:`cost_distance`). They must not overlap.
    cutoff : float, optional
        Corridor width in cost units; cells above it become NaN (Linkage
        Mapper's truncation). None keeps every value.
    neighbors : {8, 4}, default 8
    cellsize : float, optional

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        NLCC in cost units, ``>= 0`` (0 on the least-cost path); NaN on nodata
        and, with *cutoff*, outside the corridor; ``inf`` on barriers and cells
        that cannot be reached. :func:`corridor_mask` turns it into the boolean
        corridor that :func:`gpec_teach.circuit.pinch_points` takes.

    Raises
    ------
    ValueError
        The cores cannot reach each other; they overlap; bad input.

    References
    ----------
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org;
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    Two cores at the ends of a uniform 3 x 5 grid (4 neighbours): the middle
    row is the path (NLCC 0); the rows beside it cost one extra step out and one
    back (``2 x 1 = 2``).

    >>> r = np.ones((3, 5))
    >>> a = np.zeros((3, 5), bool); a[1, 0] = True
    >>> b = np.zeros((3, 5), bool); b[1, 4] = True
    >>> least_cost_corridor(r, a, b, neighbors=4)
    array([[2., 2., 2., 2., 2.],
           [0., 0., 0., 0., 0.],
           [2., 2., 2., 2., 2.]])
    """
    _check_neighbors(neighbors)
    if cutoff is not None:
        cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    grid = _resistance_grid(resistance, cellsize)
    a = _locations("core_a", core_a, grid)
    b = _locations("core_b", core_b, grid)
    if np.intersect1d(a, b).size:
        raise ValueError("core_a and core_b overlap; a corridor joins two separate cores.")
    mcp, nodata = _engine(grid, neighbors)
    nc = grid.values.shape[1]
    cwd_a = np.array(_find_costs(mcp, a, nc)[0], dtype=np.float64)
    cwd_b = np.array(_find_costs(mcp, b, nc)[0], dtype=np.float64)
    lcd = float(cwd_a.ravel()[b].min())
    if not np.isfinite(lcd):
        raise _unreachable("core_a", "core_b")
    out = _finish_cwd(_nlcc(cwd_a, cwd_b, lcd), nodata)
    if cutoff is not None:
        out[out > cutoff] = np.nan
    return wrap_like(out, grid, name="corridor")


def corridor_mask(corridor, *, cutoff: float | None = None) -> np.ndarray:
    r"""Boolean corridor from a normalised least-cost corridor raster.

    .. math:: M(x) = \big[\,\mathrm{NLCC}(x) \le \text{cutoff}\,\big]

    The mask has the raster's shape and is what
    :func:`gpec_teach.circuit.pinch_points` takes as ``corridor`` (Linkage
    Mapper's Pinchpoint Mapper runs Circuitscape inside such a corridor).

    Parameters
    ----------
    corridor : array_like or xarray.DataArray
        NLCC values (cost units, >= 0), for example from
        :func:`least_cost_corridor` or :attr:`CorridorNetwork.corridors`; NaN =
        outside.
    cutoff : float, optional
        Width in cost units. None: every finite cell is in the corridor (use it
        on a raster already truncated).

    Returns
    -------
    numpy.ndarray
        Boolean array, same shape; False on NaN and ``inf`` cells.

    Raises
    ------
    ValueError
        Negative values (not a normalised corridor), negative cutoff.

    References
    ----------
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org.

    Examples
    --------
    >>> corridor_mask([[0.0, 3.0, np.nan], [1.5, np.inf, 8.0]], cutoff=2)
    array([[ True, False, False],
           [ True, False, False]])
    """
    if cutoff is not None:
        cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    arr = corridor.values if _is_dataarray(corridor) else np.asarray(corridor)
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.ndim != 2:
        raise TypeError(
            f"corridor must be a numeric 2-D raster of NLCC values. Got {describe(corridor)}."
        )
    arr = arr.astype(float)
    if (arr[~np.isnan(arr)] < 0).any():
        raise ValueError(
            "corridor has negative values, so it is not a normalised least-cost corridor "
            "(NLCC >= 0). Build it with least_cost_corridor()."
        )
    mask = np.isfinite(arr)
    if cutoff is not None:
        mask &= np.where(mask, arr, np.inf) <= cutoff
    return mask


# ==================================================================== corridor network
@dataclass
class CorridorNetwork:
    """A Linkage-Mapper-style network of least-cost corridors between cores.

    Attributes
    ----------
    links : pandas.DataFrame
        One row per candidate pair: ``link_id``, ``core1``, ``core2``,
        ``status`` (``"corridor"``, ``"nearest_neighbor"``, ``"cluster_link"``
        are kept; ``"too_long_euclidean"``, ``"too_long_cost"``,
        ``"passes_through_core"``, ``"unreachable"``, ``"not_nearest_neighbor"``
        are dropped), ``kept``, ``cost_adjacent``, ``euclidean_adjacent``,
        ``euclidean_distance`` (edge to edge, map units), ``cost_distance``
        (LCD, cost units), ``cwd_to_euclidean_ratio``, ``path_length`` (map
        units) and ``cwd_to_path_length_ratio`` (NaN where not computed or where
        the denominator is 0).
    corridors : numpy.ndarray or xarray.DataArray
        Mosaic of the kept links' normalised corridors (minimum over links, cost
        units), NaN outside every corridor (beyond the cut-off), on nodata, on
        barriers and on cells no kept link reaches.
    paths : dict
        ``{(core1, core2): LeastCostPath}`` for every link whose path was traced.
    cutoff : float or None
        Corridor width used for the mosaic.
    crs : pyproj.CRS or None
    """

    links: object
    corridors: object
    paths: dict = field(default_factory=dict)
    cutoff: float | None = None
    crs: object = None

    def mask(self, *, cutoff: float | None = None) -> np.ndarray:
        """Boolean corridor mask (see :func:`corridor_mask`) for pinch-point analysis."""
        return corridor_mask(self.corridors, cutoff=cutoff)

    def to_geodataframe(self, *, kept_only: bool = True):
        """Least-cost paths as lines with the link table's attributes."""
        import geopandas as gpd

        links = self.links[self.links["kept"]] if kept_only else self.links
        rows = [
            (k, self.paths[(c1, c2)].line)
            for k, c1, c2 in zip(links.index, links["core1"], links["core2"], strict=True)
            if (c1, c2) in self.paths
        ]
        table = links.loc[[k for k, _ in rows]]
        return gpd.GeoDataFrame(table, geometry=[g for _, g in rows], crs=self.crs)


def _adjacent_pairs(zones: np.ndarray, neighbors: int) -> set[tuple[int, int]]:
    shifts = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if neighbors == 8 else [])
    nr, nc = zones.shape
    pairs: set[tuple[int, int]] = set()
    for dr, dc in shifts:
        a = zones[: nr - dr, max(0, -dc) : nc - max(0, dc)]
        b = zones[dr:, max(0, dc) : nc + min(0, dc)]
        sel = (a > 0) & (b > 0) & (a != b)
        if sel.any():
            lo = np.minimum(a[sel], b[sel])
            hi = np.maximum(a[sel], b[sel])
            pairs.update(zip(lo.tolist(), hi.tolist(), strict=True))
    return pairs


def _euclidean_allocation(labels: np.ndarray, valid: np.ndarray) -> np.ndarray:
    import scipy.ndimage as ndi

    _, (ir, ic) = ndi.distance_transform_edt(labels == 0, return_indices=True)
    zones = labels[ir, ic]
    return np.where(valid, zones, 0)


def _edge_distances(labels: np.ndarray, ids: np.ndarray, grid: Grid) -> np.ndarray:
    """Exact edge-to-edge distances between the cells of each pair of cores."""
    import rasterio.features
    import shapely
    from shapely.geometry import shape

    parts: dict[int, list] = {int(i): [] for i in ids}
    for geom, v in rasterio.features.shapes(
        labels.astype(np.int32), mask=labels > 0, connectivity=4, transform=_transform(grid)
    ):
        parts[int(v)].append(shape(geom))
    polys = np.array([shapely.union_all(parts[int(i)]) for i in ids], dtype=object)
    n = ids.size
    d = np.zeros((n, n))
    for i in range(n - 1):
        d[i, i + 1 :] = shapely.distance(polys[i], polys[i + 1 :])
        d[i + 1 :, i] = d[i, i + 1 :]
    return d


def _check_optional_positive(name: str, value) -> float | None:
    return None if value is None else check_positive(name, value)


def corridor_network(
    resistance,
    cores,
    *,
    pairs: str = "adjacent",
    k: int | None = None,
    drop_through_cores: bool = True,
    max_cost_distance: float | None = None,
    max_euclidean_distance: float | None = None,
    nearest_neighbors: int | None = None,
    nearest_by: str = "cost",
    connect_clusters: bool = True,
    cutoff: float | None = None,
    neighbors: int = 8,
    cellsize: float | None = None,
    id_column: str | None = "id",
) -> CorridorNetwork:
    r"""Least-cost corridor network between a set of cores, as Linkage Mapper builds it.

    Steps (McRae & Kavanagh 2011, Linkage Mapper steps 1-5):

    1. **Candidate pairs** (*pairs*): cores whose cost-allocation zones touch
       (``"cost_adjacent"``, see :func:`cost_allocation`), whose Euclidean
       allocation zones touch across valid (non-nodata) cells
       (``"euclidean_adjacent"``), either
       (``"adjacent"``, Linkage Mapper's default "Cost-Weighted & Euclidean"),
       each core's *k* nearest by edge-to-edge distance (``"nearest"``), or all
       pairs (``"all"``).
    2. Drop pairs farther apart than *max_euclidean_distance*.
    3. For each remaining pair, the least-cost distance
       :math:`\mathrm{LCD}_{ij} = \min_{x \in j} \mathrm{CWD}_i(x)` and the
       least-cost path (step costs of :func:`cost_distance`). Drop links that no
       route joins, links with :math:`\mathrm{LCD} >` *max_cost_distance*, and
       (with *drop_through_cores*, as Linkage Mapper does by default) links
       whose least-cost path crosses a third core: that connection is already
       made through the intermediate core.
    4. Optionally (*nearest_neighbors* = N) keep only each core's N nearest
       links (by cost or Euclidean distance, *nearest_by*) and, with
       *connect_clusters*, join the resulting clusters ("constellations") with
       their shortest remaining links, shortest first.
    5. Normalised corridors
       :math:`\mathrm{NLCC}_{ij} = \mathrm{CWD}_i + \mathrm{CWD}_j - \mathrm{LCD}_{ij}`
       of the kept links, truncated at *cutoff* and mosaicked by taking the
       minimum over links.

    The ratio :math:`\mathrm{LCD} / d_{Euclid}` (cost-weighted to Euclidean
    distance) measures how much harder the link is than a straight walk
    through the easiest cover; Linkage Mapper reports it per link.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    cores : array_like, xarray.DataArray or geopandas.GeoDataFrame
        Integer core labels (0/NaN = background) or polygons with ids in
        *id_column*. At least two cores.
    pairs : {"adjacent", "cost_adjacent", "euclidean_adjacent", "nearest", "all"}
        Candidate pairs (step 1), default ``"adjacent"``.
    k : int, optional
        Neighbours per core for ``pairs="nearest"`` (required there only).
    drop_through_cores : bool, default True
        Drop links whose least-cost path passes through another core.
    max_cost_distance, max_euclidean_distance : float, optional
        Longest link kept, in cost units / map units.
    nearest_neighbors : int, optional
        Keep each core's N nearest links (step 4). None keeps all.
    nearest_by : {"cost", "euclidean"}, default "cost"
    connect_clusters : bool, default True
        With *nearest_neighbors*, reconnect clusters of cores.
    cutoff : float, optional
        Corridor width (cost units) for the mosaic; None = no truncation.
    neighbors : {8, 4}, default 8
    cellsize : float, optional
    id_column : str or None, default "id"
        Column of the polygons holding the patch ids (positive integers);
        results are labelled with them, so they merge back on your own ids.
        A missing column raises (no silent renumbering). None labels the
        patches with the GeoDataFrame index (which must then hold positive
        integers). Ignored for label grids.

    Returns
    -------
    CorridorNetwork
        Link table, corridor mosaic, least-cost paths; ``mask()`` and
        ``to_geodataframe()``.

    Raises
    ------
    ValueError
        Fewer than two cores; *k* missing (or given without ``pairs="nearest"``);
        bad options; bad input; *id_column* missing from the polygons or ids not
        positive integers.

    References
    ----------
    McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
    Software. The Nature Conservancy, https://linkagemapper.org;
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    Three cores in a row: 1-2 and 2-3 are adjacent; 1-3 is not a candidate
    (core 2 lies between them).

    >>> r = np.ones((3, 9))
    >>> cores = np.zeros((3, 9), int); cores[:, 0] = 1; cores[:, 4] = 2; cores[:, 8] = 3
    >>> net = corridor_network(r, cores, cutoff=1.0)
    >>> print(net.links[["core1", "core2", "status", "cost_distance"]].to_string(index=False))
     core1  core2   status  cost_distance
         1      2 corridor            4.0
         2      3 corridor            4.0
    >>> bool(net.mask().all())  # the cores span the grid: every cell is on a least-cost path
    True
    """
    import pandas as pd

    check_choice("pairs", pairs, _PAIRS)
    check_choice("nearest_by", nearest_by, _NEAREST_BY)
    _check_neighbors(neighbors)
    for name, flag in (
        ("drop_through_cores", drop_through_cores),
        ("connect_clusters", connect_clusters),
    ):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False. Got {name}={describe(flag)}.")
    if pairs == "nearest":
        if k is None:
            raise ValueError("pairs='nearest' needs k= (number of nearest cores per core).")
        if not _is_int(k) or k < 1:
            raise ValueError(f"k must be a positive integer. Got k={describe(k)}.")
    elif k is not None:
        raise ValueError(f"k applies to pairs='nearest' only. Got pairs={pairs!r}; remove k=.")
    if nearest_neighbors is not None and (not _is_int(nearest_neighbors) or nearest_neighbors < 1):
        raise ValueError(
            f"nearest_neighbors must be a positive integer. Got "
            f"nearest_neighbors={describe(nearest_neighbors)}."
        )
    max_cost_distance = _check_optional_positive("max_cost_distance", max_cost_distance)
    max_euclidean_distance = _check_optional_positive(
        "max_euclidean_distance", max_euclidean_distance
    )
    if cutoff is not None:
        cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    grid = _resistance_grid(resistance, cellsize)
    labels = _patch_labels("cores", cores, grid, id_column)
    ids = np.unique(labels[labels > 0])
    if ids.size < 2:
        raise ValueError(
            f"cores must hold at least two cores (labels > 0) to build a network. Got {ids.size}."
        )
    pos = {int(v): i for i, v in enumerate(ids.tolist())}
    nr, nc = labels.shape
    mcp, nodata = _engine(grid, neighbors)
    flat = labels.ravel()
    cells_of = {int(i): np.flatnonzero(flat == i) for i in ids}

    # ---- step 1: candidate pairs
    cost_adj: set[tuple[int, int]] = set()
    eucl_adj: set[tuple[int, int]] = set()
    if pairs in ("adjacent", "cost_adjacent"):
        all_cells = np.flatnonzero(flat > 0)
        _, tb = _find_costs(mcp, all_cells, nc)
        zones = _allocation(mcp, tb, all_cells, flat[all_cells])
        cost_adj = _adjacent_pairs(zones, neighbors)
    if pairs in ("adjacent", "euclidean_adjacent"):
        eucl_adj = _adjacent_pairs(_euclidean_allocation(labels, ~nodata), neighbors)
    edist = _edge_distances(labels, ids, grid)
    if pairs == "nearest":
        cand = set()
        for i in range(ids.size):
            d = edist[i].copy()
            d[i] = np.inf
            for j in np.argsort(d, kind="stable")[:k]:
                a, b = sorted((int(ids[i]), int(ids[j])))
                cand.add((a, b))
    elif pairs == "all":
        cand = {(int(a), int(b)) for ai, a in enumerate(ids) for b in ids[ai + 1 :]}
    else:
        cand = cost_adj | eucl_adj
    cand_list = sorted(cand)
    rows = []
    for n_link, (c1, c2) in enumerate(cand_list, start=1):
        rows.append(
            {
                "link_id": n_link,
                "core1": c1,
                "core2": c2,
                "status": "corridor",
                "cost_adjacent": (c1, c2) in cost_adj,
                "euclidean_adjacent": (c1, c2) in eucl_adj,
                "euclidean_distance": float(edist[pos[c1], pos[c2]]),
                "cost_distance": np.nan,
                "path_length": np.nan,
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "link_id",
            "core1",
            "core2",
            "status",
            "cost_adjacent",
            "euclidean_adjacent",
            "euclidean_distance",
            "cost_distance",
            "path_length",
        ],
    )

    # ---- step 2: Euclidean length
    if max_euclidean_distance is not None:
        too_long = table["euclidean_distance"] > max_euclidean_distance
        table.loc[too_long, "status"] = "too_long_euclidean"

    # ---- step 3: least-cost distances and paths
    per_core_cache = (ids.size * flat.size * 8) <= CWD_CACHE_BYTES
    cwd_cache: dict[int, np.ndarray] = {}
    paths: dict[tuple[int, int], LeastCostPath] = {}
    from shapely.geometry import LineString

    active = table.index[table["status"] == "corridor"]
    sources = sorted({int(table.at[r, "core1"]) for r in active})
    check_cores = drop_through_cores and ids.size >= 3
    for c1 in sources:
        cwd, _ = _find_costs(mcp, cells_of[c1], nc)
        cwd = np.array(cwd, dtype=np.float64)
        if per_core_cache:
            cwd_cache[c1] = cwd
        for r in active[(table.loc[active, "core1"] == c1).to_numpy()]:
            c2 = int(table.at[r, "core2"])
            target = cells_of[c2]
            vals = cwd.ravel()[target]
            lcd = float(vals.min())
            table.at[r, "cost_distance"] = lcd
            if not np.isfinite(lcd):
                table.at[r, "status"] = "unreachable"
                continue
            end = int(target[np.argmin(vals)])
            nrm, ncm = divmod(end, nc)
            cells = np.asarray(mcp.traceback((nrm, ncm)), dtype=np.int64).reshape(-1, 2)
            path = _make_path(cells, grid, lcd, LineString)
            paths[(c1, c2)] = path
            table.at[r, "path_length"] = path.length
            if max_cost_distance is not None and lcd > max_cost_distance:
                table.at[r, "status"] = "too_long_cost"
                continue
            if check_cores:
                on_path = labels[cells[:, 0], cells[:, 1]]
                if np.any((on_path > 0) & (on_path != c1) & (on_path != c2)):
                    table.at[r, "status"] = "passes_through_core"

    # ---- step 4: nearest-neighbour pruning and cluster connection
    if nearest_neighbors is not None:
        dist_col = "cost_distance" if nearest_by == "cost" else "euclidean_distance"
        valid = table.index[table["status"] == "corridor"]
        nn = set()
        for core in ids.tolist():
            mine = valid[
                (
                    (table.loc[valid, "core1"] == core) | (table.loc[valid, "core2"] == core)
                ).to_numpy()
            ]
            ranked = table.loc[mine].sort_values([dist_col, "link_id"], kind="stable")
            nn.update(ranked.index[:nearest_neighbors].tolist())
        table.loc[list(nn), "status"] = "nearest_neighbor"
        if connect_clusters:
            parent = {int(c): int(c) for c in ids.tolist()}

            def find(x):
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for r in nn:
                a, b = find(int(table.at[r, "core1"])), find(int(table.at[r, "core2"]))
                parent[max(a, b)] = min(a, b)
            rest = table.loc[table["status"] == "corridor"].sort_values(
                [dist_col, "link_id"], kind="stable"
            )
            for r in rest.index:
                a, b = find(int(table.at[r, "core1"])), find(int(table.at[r, "core2"]))
                if a != b:
                    parent[max(a, b)] = min(a, b)
                    table.at[r, "status"] = "cluster_link"
        table.loc[table["status"] == "corridor", "status"] = "not_nearest_neighbor"

    table["kept"] = table["status"].isin(_KEPT)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = table["euclidean_distance"].to_numpy()
        c = table["cost_distance"].to_numpy()
        p = table["path_length"].to_numpy()
        table["cwd_to_euclidean_ratio"] = np.where(e > 0, c / np.where(e > 0, e, 1), np.nan)
        table["cwd_to_path_length_ratio"] = np.where(p > 0, c / np.where(p > 0, p, 1), np.nan)
    table = table[
        [
            "link_id",
            "core1",
            "core2",
            "status",
            "kept",
            "cost_adjacent",
            "euclidean_adjacent",
            "euclidean_distance",
            "cost_distance",
            "cwd_to_euclidean_ratio",
            "path_length",
            "cwd_to_path_length_ratio",
        ]
    ].reset_index(drop=True)

    # ---- step 5: mosaic of normalised corridors
    def cwd_of(core: int) -> np.ndarray:
        if core in cwd_cache:
            return cwd_cache[core]
        out = np.array(_find_costs(mcp, cells_of[core], nc)[0], dtype=np.float64)
        if per_core_cache:
            cwd_cache[core] = out
        return out

    mosaic = np.full((nr, nc), np.inf)
    for r in table.index[table["kept"]]:
        c1, c2 = int(table.at[r, "core1"]), int(table.at[r, "core2"])
        nl = _nlcc(cwd_of(c1), cwd_of(c2), float(table.at[r, "cost_distance"]))
        if cutoff is not None:
            nl[nl > cutoff] = np.inf
        np.fmin(mosaic, nl, out=mosaic)
    mosaic[~np.isfinite(mosaic)] = np.nan
    mosaic[nodata] = np.nan
    return CorridorNetwork(
        links=table,
        corridors=wrap_like(mosaic, grid, name="corridors"),
        paths=paths,
        cutoff=cutoff,
        crs=grid.crs,
    )
