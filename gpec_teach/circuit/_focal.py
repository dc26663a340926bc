"""Focal points and focal regions of :mod:`gpec_teach.circuit`: from user input to cells.

Every mode that takes focal points reads them with :func:`parse_focal`, which returns
``{focal id: flat cell indices}``; a focal id with several cells is a *focal region*
(short-circuited into one node, as in Circuitscape). Accepted forms:

* a sequence of ``(row, col)`` cells (ids 1..k), or ``(x, y)`` map coordinates for a
  georeferenced raster;
* a mapping ``{id: (row, col)}`` or ``{id: [(row, col), ...]}``;
* a grid of integer ids (0, negative or NaN = none), array or DataArray;
* a GeoDataFrame of points (each one cell) or polygons (each one focal region: the
  cells whose centre lies inside), with ids from its *id_column* (``"id"`` by
  default; a missing column raises) or, with ``id_column=None``, from its index. A
  GeoSeries is keyed to its index. Never silently renumbered.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from .._raster import Grid, polygon_cells, unwrap
from .._validation import check_same_crs, describe, is_integer
from .._vector import label_ids

__all__: list[str] = []


def _transform(grid: Grid, label):
    try:
        return grid.template.rio.transform()
    except Exception as exc:  # pragma: no cover - DataArray without rio
        raise ValueError(
            f"focal point {label} is given as map coordinates (x, y) but the raster "
            "has no transform; give (row, col) instead."
        ) from exc


def xy_to_cell(grid: Grid, x: float, y: float, label) -> tuple[int, int]:
    """``(row, col)`` of the cell holding map point ``(x, y)`` (may lie outside the grid)."""
    col, row = ~_transform(grid, label) @ (float(x), float(y))
    return int(np.floor(row)), int(np.floor(col))


def _position(point, fid, grid: Grid, name: str) -> tuple[tuple[int, int], str]:
    """One ``(row, col)`` or ``(x, y)`` pair as a cell and a label for messages."""
    if not isinstance(point, (tuple, list, np.ndarray)) or len(point) != 2:
        raise TypeError(f"{name} point {fid} must be a (row, col) pair. Got {describe(point)}.")
    a, b = point
    if is_integer(a) and is_integer(b):
        return (int(a), int(b)), f"{fid} at (row, col)=({a}, {b})"
    if grid.template is not None and all(isinstance(v, numbers.Real) for v in (a, b)):
        return xy_to_cell(grid, a, b, fid), f"{fid} at (x, y)=({a}, {b})"
    raise TypeError(
        f"{name} point {fid} must be integer (row, col) indices (or (x, y) map "
        f"coordinates for a georeferenced raster). Got {describe(point)}."
    )


def _from_geometries(focal, grid: Grid, name: str, id_column: str | None, add, add_cells) -> None:
    """Points (one cell each) and polygons (their cells) of a GeoDataFrame/GeoSeries."""
    if grid.crs is not None or focal.crs is not None:
        check_same_crs("resistance", grid.crs, name, focal.crs)
    if grid.template is None:
        raise TypeError(
            f"{name} is a GeoDataFrame but the resistance raster is a plain array; "
            "pass a georeferenced DataArray or give (row, col) cells."
        )
    ids = label_ids(name, focal, id_column)
    for fid, geom in zip(ids.tolist(), focal.geometry, strict=True):
        kind = getattr(geom, "geom_type", None)
        if kind == "Point":
            rc = xy_to_cell(grid, geom.x, geom.y, fid)
            add(fid, rc, f"{fid} at (x, y)=({geom.x}, {geom.y})")
        elif kind in ("Polygon", "MultiPolygon"):
            inside = polygon_cells([geom], grid)[0]
            if inside.size == 0:
                raise ValueError(
                    f"{name} polygon {fid} covers no cell centre of the grid; use a finer "
                    "grid, or give it as a point."
                )
            add_cells(fid, inside, f"{fid} (polygon)")
        else:
            raise ValueError(
                f"{name} must hold point or polygon geometries. Got {describe(geom)}."
            )


def _from_grid(focal, grid: Grid, name: str, add_cells) -> None:
    """Read a grid of integer focal ids (0, negative or NaN = none)."""
    ids = unwrap(name, focal, like=grid, allow_all_nodata=True).values
    ok = np.isfinite(ids) & (ids > 0)
    if np.any(ids[ok] != np.round(ids[ok])):
        raise ValueError(f"{name} grid must hold integer focal ids (0 or NaN = none).")
    flat = np.flatnonzero(ok)
    labels = ids.ravel()[flat].astype(np.int64)
    order = np.argsort(labels, kind="stable")
    uniq, starts = np.unique(labels[order], return_index=True)
    for fid, cells in zip(uniq.tolist(), np.split(flat[order], starts[1:]), strict=True):
        r, c = divmod(int(cells[0]), ids.shape[1])
        add_cells(fid, cells, f"{fid} at (row, col)=({r}, {c})")


def _from_mapping(focal: Mapping, grid: Grid, name: str, add) -> None:
    """``{id: cell}`` or ``{id: [cells]}``."""
    for fid, spec in focal.items():
        if not is_integer(fid) or fid <= 0:
            raise ValueError(f"{name} ids must be positive integers. Got id {describe(fid)}.")
        many = (
            isinstance(spec, (list, tuple))
            and len(spec) > 0
            and isinstance(spec[0], (list, tuple, np.ndarray))
        )
        for point in spec if many else [spec]:
            add(fid, *_position(point, fid, grid, name))


def _is_geo(focal) -> bool:
    return (
        getattr(focal, "geometry", None) is not None
        and hasattr(focal, "crs")
        and not isinstance(focal, np.ndarray)
    )


def _is_id_grid(focal, shape) -> bool:
    if type(focal).__name__ == "DataArray":
        return True
    return isinstance(focal, np.ndarray) and focal.ndim == 2 and focal.shape == shape


class FocalCells(dict):
    """Focal ids already read by :func:`parse_focal` (``{id: flat cells}`` of a grid).

    Functions that read their cores once (for example :func:`pinch_points`, which
    clips the resistance to a corridor around them) pass this to a circuit mode,
    which takes it as is instead of reading the cores a second time.
    """

    def __init__(self, cells: dict, shape) -> None:
        super().__init__(cells)
        self.shape = tuple(shape)


def parse_focal(
    focal, grid: Grid, *, name: str = "focal", id_column: str | None = "id"
) -> dict[int, np.ndarray]:
    """Return ``{focal id: flat cell indices}`` sorted by id (see the module docstring)."""
    shape = grid.values.shape
    if isinstance(focal, FocalCells):
        if focal.shape != tuple(shape):
            raise ValueError(
                f"{name} was read for a grid of shape {focal.shape}, not {tuple(shape)}."
            )
        return {fid: focal[fid] for fid in sorted(focal)}
    cells: dict[int, list[tuple[int, int]]] = {}
    flats: dict[int, list[np.ndarray]] = {}
    labels: dict[int, str] = {}

    def add(fid, rc, label):
        cells.setdefault(int(fid), []).append(rc)
        labels.setdefault(int(fid), label)

    def add_cells(fid, flat, label):
        """Cells already known to be inside the grid, as flat indices."""
        flats.setdefault(int(fid), []).append(np.asarray(flat, dtype=np.int64))
        labels.setdefault(int(fid), label)

    if _is_geo(focal):
        _from_geometries(focal, grid, name, id_column, add, add_cells)
    elif _is_id_grid(focal, shape):
        _from_grid(focal, grid, name, add_cells)
    elif isinstance(focal, Mapping):
        _from_mapping(focal, grid, name, add)
    elif isinstance(focal, (Sequence, np.ndarray)) and not isinstance(focal, str):
        for k, point in enumerate(focal, start=1):
            add(k, *_position(point, k, grid, name))
    else:
        raise TypeError(
            f"{name} must be a list of (row, col) cells, a dict id -> cell(s), a grid of "
            f"focal ids or a GeoDataFrame of points or polygons. Got {describe(focal)}."
        )
    nrows, ncols = shape
    out: dict[int, np.ndarray] = {}
    for fid in sorted(set(cells) | set(flats)):
        rc = np.asarray(cells.get(fid, []), dtype=np.int64).reshape(-1, 2)
        outside = (rc[:, 0] < 0) | (rc[:, 0] >= nrows) | (rc[:, 1] < 0) | (rc[:, 1] >= ncols)
        if outside.any():
            raise ValueError(
                f"{name} point {labels[fid]} is outside the grid ({nrows} rows x {ncols} columns)."
            )
        out[fid] = np.unique(np.concatenate([rc[:, 0] * ncols + rc[:, 1], *flats.get(fid, [])]))
    return out


def check_focal_on_nodes(focal: dict[int, np.ndarray], nodemap: np.ndarray, name: str) -> None:
    """Raise when a focal id has no cell on a node (all on nodata or barriers)."""
    flat = nodemap.ravel()
    ncols = nodemap.shape[1]
    for fid, idx in focal.items():
        if not np.any(flat[idx] >= 0):
            r, c = divmod(int(idx[0]), ncols)
            raise ValueError(
                f"{name} point {fid} at (row, col)=({r}, {c}) lies on a nodata or barrier "
                "cell, so no current can enter there. Move it onto a valid cell."
            )


def focal_nodes(focal: dict[int, np.ndarray], nodemap: np.ndarray) -> dict[int, int]:
    """Node of each focal id: the node of its first cell that has one."""
    flat = nodemap.ravel()
    return {fid: int(flat[idx][flat[idx] >= 0][0]) for fid, idx in focal.items()}


def merge_regions(base: np.ndarray | None, shape, regions: list[np.ndarray]) -> np.ndarray:
    """Union of short-circuit labels and focal regions (each region = one node).

    A focal region and every short-circuit region it touches become one region.
    """
    labels = np.zeros(int(np.prod(shape)), dtype=np.int64) if base is None else base.ravel().copy()
    nxt = int(labels.max(initial=0)) + 1
    for idx in regions:
        touched = np.unique(labels[idx])
        touched = touched[touched > 0]
        if touched.size:
            labels[np.isin(labels, touched)] = nxt
        labels[idx] = nxt
        nxt += 1
    return labels.reshape(shape)
