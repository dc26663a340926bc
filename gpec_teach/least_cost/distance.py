r"""Cost distance, cost allocation, least-cost paths and the least-cost distance matrix.

Thin public functions over the engine in :mod:`gpec_teach._cost` (the step rule
of ``skimage.graph.MCP_Geometric``); see :mod:`gpec_teach.least_cost` for the
method and its references.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from .. import _cost
from .._raster import Grid, wrap_like

__all__ = [
    "CostDistanceMatrix",
    "LeastCostPath",
    "cost_allocation",
    "cost_distance",
    "least_cost_distance_matrix",
    "least_cost_path",
]


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
        Cell side in map units; read from a georeferenced raster, **required**
        for a plain array (costs are resistance x map units; a missing
        cellsize raises instead of silently using 1).

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
    _cost.check_neighbors(neighbors)
    grid = _cost.resistance_grid(resistance, cellsize)
    cells = _cost.locations("sources", sources, grid)
    mcp, nodata = _cost.engine(grid, neighbors)
    cwd, _ = _cost.find_costs(mcp, cells, grid.values.shape[1])
    return wrap_like(_cost.finish_cwd(cwd, nodata), grid, name="cost_distance")


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
        Cell side in map units; read from a georeferenced raster. Optional for
        a plain array: the allocation does not depend on it.
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
    _cost.check_neighbors(neighbors)
    grid = _cost.resistance_grid(resistance, cellsize, require_cellsize=False)
    labels = _cost.patch_labels("sources", sources, grid, id_column)
    cells = np.flatnonzero(labels.ravel() > 0)
    if cells.size == 0:
        raise ValueError("sources has no labelled cell (labels > 0).")
    mcp, _ = _cost.engine(grid, neighbors)
    _, tb = _cost.find_costs(mcp, cells, labels.shape[1])
    alloc = _cost.allocation(mcp, tb, cells, labels.ravel()[cells])
    return wrap_like(alloc, grid, name="allocation")


# ==================================================================== least-cost path
@dataclass(frozen=True)
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
        return gpd.GeoDataFrame(
            {"cost": [self.cost], "length": [self.length]}, geometry=[self.line], crs=self.crs
        )


def path_from_cells(cells: np.ndarray, grid: Grid, cost: float) -> LeastCostPath:
    """Build a :class:`LeastCostPath` from its ``(k, 2)`` cells (start to end) and cost."""
    steps = np.abs(np.diff(cells, axis=0))
    diag = (steps.sum(axis=1) == 2).sum()
    length = grid.cellsize * (len(steps) - diag + diag * np.sqrt(2.0))
    mask = np.zeros(grid.values.shape, dtype=bool)
    mask[cells[:, 0], cells[:, 1]] = True
    x, y = _cost.cell_xy(grid, cells[:, 0].astype(float), cells[:, 1].astype(float))
    coords = np.column_stack([x, y])
    if len(coords) == 1:
        coords = np.vstack([coords, coords])
    return LeastCostPath(
        cells=cells,
        cost=float(cost),
        length=float(length),
        mask=wrap_like(mask, grid, name="path"),
        line=LineString(coords),
        crs=grid.crs,
    )


def traced_path(mcp, end_flat: int, grid: Grid, cost: float) -> LeastCostPath:
    """Trace back the path of the engine's last run from flat cell *end_flat*."""
    nc = grid.values.shape[1]
    cells = np.asarray(mcp.traceback((int(end_flat // nc), int(end_flat % nc))), dtype=np.int64)
    return path_from_cells(cells.reshape(-1, 2), grid, cost)


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
        Cell side in map units; read from a georeferenced raster, **required**
        for a plain array (costs are resistance x map units; a missing
        cellsize raises instead of silently using 1).

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
    >>> p = least_cost_path(r, (0, 0), (0, 2), neighbors=4, cellsize=1)
    >>> p.cells.tolist(), p.cost, p.length
    ([[0, 0], [1, 0], [1, 1], [1, 2], [0, 2]], 4.0, 4.0)
    """
    _cost.check_neighbors(neighbors)
    grid = _cost.resistance_grid(resistance, cellsize)
    a = _cost.locations("start", start, grid)
    b = _cost.locations("end", end, grid)
    common = np.intersect1d(a, b)
    if common.size:
        nc = grid.values.shape[1]
        cell = np.array([[common[0] // nc, common[0] % nc]])
        return path_from_cells(cell, grid, 0.0)
    mcp, _ = _cost.engine(grid, neighbors)
    cwd, _ = _cost.find_costs(mcp, a, grid.values.shape[1], ends=b)
    flat = cwd.ravel()[b]
    if not np.isfinite(flat).any():
        raise _cost.unreachable("start", "end")
    best = int(b[np.argmin(flat)])
    return traced_path(mcp, best, grid, float(flat.min()))


# ============================================================ least-cost distance matrix
@dataclass(frozen=True)
class CostDistanceMatrix:
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
        Cell side in map units; read from a georeferenced raster, **required**
        for a plain array (costs are resistance x map units; a missing
        cellsize raises instead of silently using 1).
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

    >>> m = least_cost_distance_matrix([[1.0, 3.0, 1.0, 1.0, 1.0]], [[1, 0, 2, 0, 3]], cellsize=1)
    >>> m.ids.tolist(), m.distances.tolist()
    ([1, 2, 3], [[0.0, 4.0, 6.0], [4.0, 0.0, 2.0], [6.0, 2.0, 0.0]])
    """
    _cost.check_neighbors(neighbors)
    grid = _cost.resistance_grid(resistance, cellsize)
    labels = _cost.patch_labels("patches", patches, grid, id_column)
    ids = np.unique(labels[labels > 0])
    if ids.size < 2:
        raise ValueError(f"patches must hold at least two patches (labels > 0). Got {ids.size}.")
    mcp, _ = _cost.engine(grid, neighbors)
    cells = _cost.patch_cells(labels, ids)
    return CostDistanceMatrix(distances=_cost.lcd_matrix(mcp, labels, ids, cells, cells), ids=ids)
