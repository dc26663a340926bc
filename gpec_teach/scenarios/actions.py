r"""Conservation actions: a set of cells whose resistance changes, validated once.

:func:`apply_action` applies one action; :func:`parse_actions` checks a whole
action list for :func:`~gpec_teach.scenarios.evaluate_actions`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _cost
from .._raster import Grid, is_dataarray, read_raster, wrap_like
from .._validation import check_positive, check_same_crs, describe, is_integer

__all__ = ["BASELINE", "apply_action", "parse_actions"]

#: Name of the unchanged landscape in the result tables (reserved for actions).
BASELINE = "baseline"


def _action_mask(name: str, cells, grid: Grid) -> np.ndarray:
    """Boolean mask of the grid's shape from a boolean grid or a list of (row, col)."""
    shape = grid.values.shape
    if is_dataarray(cells):
        cells, _, _, _, other = read_raster(name, cells)
        if grid.crs is not None and other is not None:
            check_same_crs("resistance", grid.crs, name, other)
    if isinstance(cells, np.ndarray) and cells.dtype == np.bool_:
        if cells.shape != shape:
            raise ValueError(
                f"{name} must have the shape of the resistance grid {shape}. "
                f"Got a boolean mask of shape {cells.shape}."
            )
        mask = cells.copy()
    elif isinstance(cells, Sequence | np.ndarray) and not isinstance(cells, str):
        items = np.asarray(cells, dtype=object) if len(cells) else np.empty((0, 2))
        ok = items.ndim == 2 and items.shape[1] == 2 and all(is_integer(v) for v in items.ravel())
        if not ok:
            if isinstance(cells, np.ndarray) and cells.ndim == 2 and cells.shape == shape:
                raise TypeError(
                    f"{name} must be a boolean mask; got an array of dtype {cells.dtype}. "
                    f"Convert it, for example {name} > 0."
                )
            raise TypeError(
                f"{name} must be a boolean mask of the resistance's shape {shape} or a list "
                f"of integer (row, col) cells. Got {describe(cells)}."
            )
        mask = np.zeros(shape, dtype=bool)
        for r, c in items.tolist():
            if not (0 <= r < shape[0] and 0 <= c < shape[1]):
                raise ValueError(
                    f"{name} cell (row, col)=({r}, {c}) is outside the grid "
                    f"({shape[0]} rows x {shape[1]} columns)."
                )
            mask[r, c] = True
    else:
        raise TypeError(
            f"{name} must be a boolean mask of the resistance's shape {shape} or a list of "
            f"integer (row, col) cells. Got {describe(cells)}."
        )
    if not mask.any():
        raise ValueError(f"{name} is empty: it selects no cell. An action must change a cell.")
    nodata = mask & np.isnan(grid.values)
    if nodata.any():
        r, c = np.argwhere(nodata)[0]
        raise ValueError(
            f"{name} covers {int(nodata.sum())} nodata cell(s), first at (row, col)=({r}, {c}); "
            "they are outside the study area and cannot be restored. Drop them, for "
            f"example {name} & np.isfinite(resistance)."
        )
    return mask


def _check_value(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a positive, finite resistance. Got {name}={describe(value)}."
        )
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be a positive, finite resistance (the new resistance of the "
            f"action's cells, for example 1 for restored habitat). Got {name}={value!r}."
        )
    return value


def apply_action(resistance, cells, *, value: float):
    r"""Return a copy of a resistance surface with the cells of one action changed.

    .. math:: R'(x) = \begin{cases} v & x \in S \\ R(x) & \text{otherwise} \end{cases}

    with :math:`S` the action's cells and :math:`v` their new resistance
    (restored habitat, or a road segment made crossable by an underpass).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = absolute barrier. Not
        modified.
    cells : array_like of bool, xarray.DataArray, or list of (row, col)
        The action's cells: a boolean mask of the resistance's shape, or integer
        ``(row, col)`` cells. Barrier cells (``inf``) may be changed (that is
        what an underpass does); nodata cells may not (they are outside the
        study area).
    value : float
        New resistance :math:`v > 0`, finite.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Float resistance of the same shape; a DataArray keeps the input's CRS,
        transform and coordinates. NaN and ``inf`` elsewhere are kept.

    Raises
    ------
    ValueError
        Mask of the wrong shape, empty mask, cells outside the grid or on
        nodata, *value* not positive and finite, bad resistance.
    TypeError
        *cells* is neither a boolean mask nor a list of integer cells.

    References
    ----------
    McRae et al. (2012), https://doi.org/10.1371/journal.pone.0052604.

    Examples
    --------
    An underpass through a wall of barriers (``inf``), modelled as resistance 2:

    >>> r = [[1.0, np.inf, 1.0], [1.0, np.inf, 1.0]]
    >>> apply_action(r, [(1, 1)], value=2)
    array([[ 1., inf,  1.],
           [ 1.,  2.,  1.]])
    """
    value = _check_value("value", value)
    grid = _cost.resistance_grid(resistance, None, require_cellsize=False)
    mask = _action_mask("cells", cells, grid)
    out = grid.values.copy()
    out[mask] = value
    return wrap_like(out, grid, name="resistance")


# ====================================================================== action table
def parse_actions(actions, grid: Grid) -> list[dict]:
    """Validate *actions*; return ``[{"action", "mask", "value", "cost"}]`` in order."""
    rows: list[dict] = []
    if isinstance(actions, pd.DataFrame):
        missing = [c for c in ("name", "mask", "value") if c not in actions.columns]
        if missing:
            raise ValueError(
                f"actions DataFrame is missing column(s) {missing}; it needs name, mask, "
                f"value and optionally cost. Got columns {list(actions.columns)}."
            )
        has_cost = "cost" in actions.columns
        for rec in actions.to_dict("records"):
            rows.append(
                {
                    "action": rec["name"],
                    "mask": rec["mask"],
                    "value": rec["value"],
                    "cost": rec["cost"] if has_cost else None,
                }
            )
    elif isinstance(actions, Mapping):
        for name, spec in actions.items():
            if not isinstance(spec, tuple | list) or len(spec) not in (2, 3):
                raise TypeError(
                    f"actions[{name!r}] must be a (mask, value) or (mask, value, cost) tuple. "
                    f"Got {describe(spec)}."
                )
            rows.append(
                {
                    "action": name,
                    "mask": spec[0],
                    "value": spec[1],
                    "cost": spec[2] if len(spec) == 3 else None,
                }
            )
    else:
        raise TypeError(
            "actions must be a dict {name: (mask, value)} or {name: (mask, value, cost)}, or "
            f"a DataFrame with columns name, mask, value, cost. Got {describe(actions)}."
        )
    if not rows:
        raise ValueError("actions is empty: give at least one action to evaluate.")
    seen: set[str] = set()
    for row in rows:
        name = row["action"]
        if not isinstance(name, str) or not name:
            raise TypeError(f"action names must be non-empty strings. Got {describe(name)}.")
        if name == BASELINE:
            raise ValueError(
                f"{BASELINE!r} is reserved for the unchanged landscape; rename that action."
            )
        if name in seen:
            raise ValueError(f"action names must be unique; {name!r} appears twice.")
        seen.add(name)
        row["value"] = _check_value(f"value of action {name!r}", row["value"])
        row["mask"] = _action_mask(f"mask of action {name!r}", row["mask"], grid)
    costs = [row["cost"] is not None for row in rows]
    if any(costs) and not all(costs):
        missing = [row["action"] for row in rows if row["cost"] is None]
        raise ValueError(
            f"some actions have a cost and others not (no cost: {missing}). Give a cost to "
            "every action, or to none."
        )
    for row in rows:
        if row["cost"] is not None:
            row["cost"] = check_positive(f"cost of action {row['action']!r}", row["cost"])
    return rows
