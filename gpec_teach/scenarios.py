r"""Restoration and barrier-mitigation scenarios: evaluate, rank and choose actions.

A conservation *action* changes the resistance of a set of cells: habitat
restored on cropland, a road segment made crossable by an underpass, a fence
removed. This module applies such actions to a resistance surface
(:func:`apply_action`), measures what each one does to connectivity between two
cores and, optionally, to the equivalent connected area of a patch network
(:func:`evaluate_actions`), ranks actions by gain per unit cost
(:func:`rank_actions`) and picks the best set within a budget
(:func:`choose_within_budget`), the workflow of notebook 10 (prioritisation).

Measures (each computed on the baseline and on every scenario):

* **effective resistance** :math:`R_{AB}` between the two cores, with each core
  short-circuited into one node (circuit theory, McRae et al. 2008; see
  :func:`gpec_teach.circuit.effective_resistance`), and its inverse, the
  **effective conductance** :math:`G_{AB} = 1 / R_{AB}` (0 when a barrier
  separates the cores, so a gain stays finite when an underpass opens the first
  route);
* **least-cost distance** :math:`\mathrm{LCD}_{AB}` between the cores
  (:mod:`gpec_teach.least_cost`);
* **corridor area**: the area (ha) of the cells whose normalised least-cost
  corridor value :math:`\mathrm{NLCC} = \mathrm{CWD}_A + \mathrm{CWD}_B -
  \mathrm{LCD}_{AB}` is at most a cut-off (Linkage Mapper's corridor width);
* **EC**, the equivalent connected area (Saura et al. 2011) of the habitat
  patches, with least-cost distances between patches and the negative
  exponential dispersal kernel (:mod:`gpec_teach.graph`).

**Benefits are not additive.** The gain of two actions taken together is in
general *not* the sum of their single gains: two underpasses on the same road
partly duplicate each other (sub-additive), while restoring both halves of a
gap may be worth much more than either half (super-additive). Ranking and the
budget choice below treat single gains as additive, which is a first
approximation only; check the chosen set with :func:`evaluate_combination`.

References
----------
McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology
89 (10): 2712-2724. https://doi.org/10.1890/07-1861.1

McRae, B. H., Hall, S. A., Beier, P. & Theobald, D. M. (2012). Where to restore
ecological connectivity? Detecting barriers and quantifying restoration
benefits. PLoS ONE 7 (12): e52604. https://doi.org/10.1371/journal.pone.0052604

Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83 (2-3): 91-103. https://doi.org/10.1016/j.landurbplan.2007.03.005

Saura, S., Estreguil, C., Mouton, C. & Rodríguez-Freire, M. (2011). Network
analysis to assess landscape connectivity trends. Ecological Indicators 11 (2):
407-416. https://doi.org/10.1016/j.ecolind.2010.06.011

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle, WA. https://linkagemapper.org
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ._raster import Grid, _is_dataarray, wrap_like
from ._validation import check_choice, check_positive, check_probability, describe
from .circuit import DEFAULT_CONNECTION

__all__ = [
    "BudgetChoice",
    "MEASURES",
    "apply_action",
    "choose_within_budget",
    "evaluate_actions",
    "evaluate_combination",
    "rank_actions",
]

#: Measures reported by :func:`evaluate_actions`, with the sign of an improvement:
#: ``+1`` when more is better, ``-1`` when less is better. ``gain_<measure>`` is
#: ``sign * (scenario - baseline)``, so a positive gain is always an improvement.
MEASURES: dict[str, int] = {
    "effective_resistance": -1,
    "effective_conductance": +1,
    "least_cost_distance": -1,
    "corridor_area_ha": +1,
    "EC": +1,
}

_BASELINE = "baseline"
_METHODS = ("exact", "greedy")
#: Largest number of actions :func:`choose_within_budget` enumerates (2**20 subsets).
EXACT_LIMIT = 20


# ================================================================= apply an action
def _resistance(resistance, cellsize=None) -> Grid:
    from .least_cost import _resistance_grid

    return _resistance_grid(resistance, cellsize)


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral | np.integer) and not isinstance(v, bool | np.bool_)


def _action_mask(name: str, cells, grid: Grid) -> np.ndarray:
    """Boolean mask of the grid's shape from a boolean grid or a list of (row, col)."""
    shape = grid.values.shape
    if _is_dataarray(cells):
        other = getattr(getattr(cells, "rio", None), "crs", None)
        if grid.crs is not None and other is not None:
            from ._validation import check_same_crs

            check_same_crs("resistance", grid.crs, name, other)
        cells = cells.values
        if cells.ndim == 3 and cells.shape[0] == 1:
            cells = cells[0]
    if isinstance(cells, np.ndarray) and cells.dtype == np.bool_:
        if cells.shape != shape:
            raise ValueError(
                f"{name} must have the shape of the resistance grid {shape}. "
                f"Got a boolean mask of shape {cells.shape}."
            )
        mask = cells.copy()
    elif isinstance(cells, Sequence | np.ndarray) and not isinstance(cells, str):
        items = np.asarray(cells, dtype=object) if len(cells) else np.empty((0, 2))
        ok = items.ndim == 2 and items.shape[1] == 2 and all(_is_int(v) for v in items.ravel())
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
    grid = _resistance(resistance)
    mask = _action_mask("cells", cells, grid)
    out = grid.values.copy()
    out[mask] = value
    return wrap_like(out, grid, name="resistance")


# ==================================================================== the evaluator
def _edge_cells(cells: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Return the cells of a region with an 8-neighbour outside it (or on the grid edge).

    Every route out of a region leaves it from such a cell, so a cost-distance
    run seeded from them only gives the same costs outside the region as one
    seeded from all its cells (the region itself is then set to 0), at a
    fraction of the time for large cores.
    """
    import scipy.ndimage as ndi

    mask = np.zeros(shape, dtype=bool)
    mask.ravel()[cells] = True
    inner = ndi.binary_erosion(mask, structure=np.ones((3, 3), bool), border_value=0)
    edge = np.flatnonzero((mask & ~inner).ravel())
    return edge if edge.size else cells


class _Evaluator:
    """Everything that does not change between scenarios, computed once.

    Cores (flat cell indices, their edge cells and the short-circuit regions),
    patch labels, the patch cells and their areas; :meth:`measures` then needs
    one Dijkstra engine, two (plus ``n - 1`` for *n* patches) cost-distance
    runs seeded from edge cells only, and one circuit solve per scenario.
    """

    def __init__(
        self,
        resistance,
        *,
        core_a,
        core_b,
        cutoff,
        patches,
        distance,
        probability,
        neighbors,
        connection,
        solver,
        cellsize,
    ):
        from .least_cost import _locations, _patch_labels

        check_choice("neighbors", neighbors, (8, 4))
        check_choice("connection", connection, ("resistance", "conductance"))
        check_choice("solver", solver, ("auto", "direct", "amg"))
        self.cutoff = None if cutoff is None else check_positive("cutoff", cutoff, allow_zero=True)
        if (patches is None) != (distance is None):
            given, missing = (
                ("patches", "distance") if distance is None else ("distance", "patches")
            )
            raise ValueError(
                f"{given} was given without {missing}: EC needs both the labelled habitat "
                "patches and the median dispersal distance (cost units). Give both or neither."
            )
        self.distance = None if distance is None else check_positive("distance", distance)
        self.probability = check_probability("probability", probability)
        self.neighbors = neighbors
        self.connection = connection
        self.solver = solver
        self.grid = _resistance(resistance, cellsize)
        self.shape = self.grid.values.shape
        self.cell_ha = self.grid.cellsize**2 / 1e4
        self.a = _locations("core_a", core_a, self.grid)
        self.b = _locations("core_b", core_b, self.grid)
        if np.intersect1d(self.a, self.b).size:
            raise ValueError("core_a and core_b overlap; give two separate cores.")
        nc = self.shape[1]
        regions = np.zeros(self.shape, dtype=np.int64)
        regions.ravel()[self.a] = 1
        regions.ravel()[self.b] = 2
        self.regions = regions
        self.cell_a = tuple(int(v) for v in divmod(int(self.a[0]), nc))
        self.cell_b = tuple(int(v) for v in divmod(int(self.b[0]), nc))
        self.labels = None
        if patches is not None:
            labels = _patch_labels("patches", patches, self.grid, None, by_position=True)
            ids = np.unique(labels[labels > 0])
            if ids.size < 2:
                raise ValueError(
                    f"patches must hold at least two patches (labels > 0). Got {ids.size}."
                )
            flat = labels.ravel()
            order = np.argsort(flat, kind="stable")
            starts = np.searchsorted(flat[order], ids)
            ends = np.append(starts[1:], flat.size)
            self.labels = labels
            self.ids = ids
            self.patch_cells = [order[s:e] for s, e in zip(starts, ends, strict=True)]
            self.patch_seeds = [_edge_cells(c, self.shape) for c in self.patch_cells]
            self.areas = np.array([c.size for c in self.patch_cells]) * self.cell_ha
        self.seed_a = _edge_cells(self.a, self.shape)
        self.seed_b = _edge_cells(self.b, self.shape)

    def _cwd(self, mcp, seeds: np.ndarray, cells: np.ndarray) -> np.ndarray:
        from .least_cost import _find_costs

        cwd = np.array(_find_costs(mcp, seeds, self.shape[1])[0], dtype=np.float64, order="C")
        cwd.ravel()[cells] = 0.0
        return cwd

    @property
    def names(self) -> list[str]:
        out = ["effective_resistance", "effective_conductance", "least_cost_distance"]
        if self.cutoff is not None:
            out.append("corridor_area_ha")
        if self.labels is not None:
            out.append("EC")
        return out

    def measures(self, values: np.ndarray) -> dict[str, float]:
        from .circuit import effective_resistance
        from .least_cost import _engine, _nlcc

        out: dict[str, float] = {}
        grid = Grid(values.copy(), self.grid.cellsize)
        mcp, nodata = _engine(grid, self.neighbors)  # NaN -> inf in grid.values
        r_eff = effective_resistance(
            values,
            self.cell_a,
            self.cell_b,
            neighbors=self.neighbors,
            connection=self.connection,
            short_circuit=self.regions,
            solver=self.solver,
        )
        out["effective_resistance"] = float(r_eff)
        out["effective_conductance"] = 0.0 if np.isinf(r_eff) else 1.0 / float(r_eff)
        cwd_a = self._cwd(mcp, self.seed_a, self.a)
        lcd = float(cwd_a.ravel()[self.b].min())
        out["least_cost_distance"] = lcd
        if self.cutoff is not None:
            if np.isfinite(lcd):
                cwd_b = self._cwd(mcp, self.seed_b, self.b)
                nl = _nlcc(cwd_a, cwd_b, lcd)
                inside = np.isfinite(nl) & (nl <= self.cutoff) & ~nodata
                out["corridor_area_ha"] = float(inside.sum() * self.cell_ha)
            else:
                out["corridor_area_ha"] = 0.0
        if self.labels is not None:
            out["EC"] = self._ec(mcp)
        return out

    def _ec(self, mcp) -> float:
        import scipy.ndimage as ndi

        from .graph import patch_graph_from_matrix, probability_of_connectivity

        n = self.ids.size
        d = np.zeros((n, n))
        for i in range(n - 1):
            cwd = self._cwd(mcp, self.patch_seeds[i], self.patch_cells[i])
            row = np.asarray(ndi.minimum(cwd, self.labels, self.ids[i + 1 :]), dtype=float)
            d[i, i + 1 :] = row
            d[i + 1 :, i] = row
        graph = patch_graph_from_matrix(d, attributes=self.areas, ids=self.ids)
        pc = probability_of_connectivity(
            graph, dispersal_distance=self.distance, probability=self.probability
        )
        return pc.EC


# ====================================================================== action table
def _parse_actions(actions, grid: Grid) -> list[dict]:
    """Validate *actions*; return ``[{"action", "mask", "value", "cost"}]`` in order."""
    import pandas as pd

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
        if name == _BASELINE:
            raise ValueError(
                f"{_BASELINE!r} is reserved for the unchanged landscape; rename that action."
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


def _table(evaluator: _Evaluator, scenarios: list[dict], baseline: dict):
    """Assemble the wide result table: one row per scenario, baseline first."""
    import pandas as pd

    has_cost = scenarios[0]["cost"] is not None
    records = [{"action": _BASELINE, "n_cells": 0, "value": np.nan, **baseline}]
    if has_cost:
        records[0]["cost"] = 0.0
    for s in scenarios:
        rec = {"action": s["action"], "n_cells": s["n_cells"], "value": s["value"]}
        if has_cost:
            rec["cost"] = s["cost"]
        rec.update(s["measures"])
        records.append(rec)
    table = pd.DataFrame.from_records(records)
    for m in evaluator.names:
        base = baseline[m]
        vals = table[m].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = np.where(vals == base, 0.0, vals - base)
            pct = np.where(
                vals == base,
                0.0,
                100.0 * delta / base if (np.isfinite(base) and base != 0) else np.nan,
            )
        pct = np.where(np.isfinite(pct), pct, np.nan)
        table[f"delta_{m}"] = delta
        table[f"delta_{m}_pct"] = pct
        gain = MEASURES[m] * delta + 0.0  # + 0.0 turns -0.0 into 0.0
        table[f"gain_{m}"] = gain
        if has_cost:
            with np.errstate(invalid="ignore", divide="ignore"):
                table[f"gain_{m}_per_cost"] = np.where(
                    table["cost"].to_numpy() > 0, gain / table["cost"].to_numpy(), np.nan
                )
    return table


def _evaluator(resistance, kwargs) -> _Evaluator:
    return _Evaluator(resistance, **kwargs)


def evaluate_actions(
    resistance,
    actions,
    *,
    core_a,
    core_b,
    cutoff: float | None = None,
    patches=None,
    distance: float | None = None,
    probability: float = 0.5,
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    solver: str = "auto",
    cellsize: float | None = None,
):
    r"""Measure connectivity for the baseline and for each action applied alone.

    For every scenario (the unchanged *baseline*, then each action applied on
    its own with :func:`apply_action`) the function computes

    * ``effective_resistance`` :math:`R_{AB}` (ohm) between the two cores, each
      short-circuited into one node (McRae et al. 2008):
      :math:`R_{AB} = v_B` for :math:`L_{(A)} v = e_B`, with :math:`L` the graph
      Laplacian of :func:`gpec_teach.circuit.raster_graph`; ``inf`` when
      barriers separate the cores;
    * ``effective_conductance`` :math:`G_{AB} = 1 / R_{AB}` (siemens; 0 when
      separated);
    * ``least_cost_distance`` :math:`\mathrm{LCD}_{AB} = \min_{x \in B}
      \mathrm{CWD}_A(x)` (cost units; ``inf`` when unreachable), step costs of
      :func:`gpec_teach.least_cost.cost_distance`;
    * ``corridor_area_ha`` (with *cutoff*): area of the cells with
      :math:`\mathrm{CWD}_A + \mathrm{CWD}_B - \mathrm{LCD}_{AB} \le`
      *cutoff* (core cells included, as in
      :func:`gpec_teach.least_cost.corridor_mask`); 0 when unreachable;
    * ``EC`` (with *patches* and *distance*): equivalent connected area (ha)
      :math:`EC = \sqrt{\sum_i \sum_j a_i a_j p^*_{ij}}` with
      :math:`p_{ij} = P^{d_{ij} / D}` (:math:`P` = *probability*, :math:`D` =
      *distance*) and :math:`d_{ij}` the least-cost distance between patches
      (Saura & Pascual-Hortal 2007; Saura et al. 2011);

    and, for every measure :math:`m`, the change :math:`\Delta m = m - m_0`
    against the baseline :math:`m_0` (``delta_<m>``), the change in %
    (``delta_<m>_pct``, NaN where :math:`m_0` is 0 or ``inf``), and the gain
    ``gain_<m>`` :math:`= s_m \Delta m`, with :math:`s_m` the sign in
    :data:`MEASURES` (+1 when more is better, -1 when less is better), so a
    positive gain is always an improvement. With costs, ``gain_<m>_per_cost``
    is the gain divided by the cost.

    What does not depend on the action (the cores, their short-circuit regions,
    the patch labels and areas) is prepared once; each scenario then needs one
    circuit solve, two cost-distance runs and ``n - 1`` more for *n* patches.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Baseline resistance; NaN = nodata, ``inf`` = absolute barrier.
    actions : dict or pandas.DataFrame
        ``{name: (mask, value)}`` or ``{name: (mask, value, cost)}``, or a
        DataFrame with columns ``name``, ``mask``, ``value`` and optionally
        ``cost``. ``mask`` is what :func:`apply_action` takes as *cells*;
        ``value`` the new resistance; ``cost`` a positive cost (any currency or
        unit, the same for all). Either every action has a cost or none has.
        ``"baseline"`` is a reserved name.
    core_a, core_b
        The two cores: boolean grids, ``(row, col)`` cells, lists of cells,
        shapely geometries or GeoDataFrames (see
        :func:`gpec_teach.least_cost.cost_distance`). Core cells that are
        nodata or barriers in the baseline are ignored.
    cutoff : float, optional
        Corridor width (cost units); adds ``corridor_area_ha``.
    patches : array_like or xarray.DataArray, optional
        Integer habitat patch labels (0/NaN = matrix), same grid. With
        *distance*, adds ``EC``. Patches are fixed: an action changes
        resistance, not the patch set (for new habitat patches see
        :func:`gpec_teach.graph.ec_change_from_new_patch`).
    distance : float, optional
        Median dispersal distance :math:`D` in cost units (the units of the
        least-cost distances), see :func:`gpec_teach.graph.dispersal_probability`.
    probability : float, default 0.5
        :math:`P`, dispersal probability at *distance* (0.5: median distance).
    neighbors : {8, 4}, default 8
        Used by both the circuit and the least-cost measures.
    connection : {"conductance", "resistance"}, default "conductance"
        Circuit link rule (average conductance, as in Circuitscape, or average
        resistance), see :data:`gpec_teach.circuit.DEFAULT_CONNECTION` and
        :func:`gpec_teach.circuit.raster_graph`.
    solver : {"auto", "direct", "amg"}, default "auto"
        Circuit solver, see :class:`gpec_teach.circuit.LaplacianSolver`.
    cellsize : float, optional
        Cell side in metres; read from a DataArray, 1 for arrays (then areas
        are in "ha" of 1 x 1 cells: 1e-4 per cell).

    Returns
    -------
    pandas.DataFrame
        One row per scenario (``"baseline"`` first, then the actions in the
        given order) with ``action``, ``n_cells``, ``value``, ``cost`` (0 for
        the baseline; only with costs), the measures, and ``delta_<m>``,
        ``delta_<m>_pct``, ``gain_<m>``, ``gain_<m>_per_cost`` for each measure.
        Pass it to :func:`rank_actions` and :func:`choose_within_budget`.

    Raises
    ------
    ValueError
        Overlapping cores, *patches* without *distance* (or the reverse), fewer
        than two patches, bad actions (see :func:`apply_action`), duplicate or
        reserved names, costs given for some actions only, bad options.
    TypeError
        *actions* is not a dict or DataFrame.

    See Also
    --------
    evaluate_combination : several actions applied together.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    McRae et al. (2012), https://doi.org/10.1371/journal.pone.0052604;
    Saura & Pascual-Hortal (2007), https://doi.org/10.1016/j.landurbplan.2007.03.005;
    Saura et al. (2011), https://doi.org/10.1016/j.ecolind.2010.06.011.

    Examples
    --------
    A 3 x 3 grid of unit resistance, 4 neighbours, with a wall of resistance 9
    in the middle column except a gap in the middle row; the cores are the
    left and right columns (each short-circuited). By symmetry no current runs
    along the wall, so the circuit is three routes in parallel: the gap
    (``1 + 1`` ohm) and two wall routes. With average conductance (the
    default) a link between cells of 1 and 9 has ``g = (1 + 1/9) / 2 = 5/9``
    siemens, so a wall route is ``2 x 1.8 = 3.6`` ohm and
    :math:`R = 1 / (1/2 + 2/3.6) = 0.947` ohm. Restoring the top wall cell to 1
    gives :math:`1 / (1/2 + 1/2 + 1/3.6) = 0.783` ohm; the least-cost distance
    stays 2 (the old gap already held the best path). The conductance gain is
    ``1/3.6 = 0.278 - 0.056 = 0.222`` siemens for a cost of 50:

    >>> r = np.array([[1, 9, 1], [1, 1, 1], [1, 9, 1]], dtype=float)
    >>> a = np.zeros((3, 3), bool); a[:, 0] = True
    >>> b = np.zeros((3, 3), bool); b[:, 2] = True
    >>> gap = np.zeros((3, 3), bool); gap[0, 1] = True
    >>> t = evaluate_actions(r, {"gap": (gap, 1.0, 50.0)}, core_a=a, core_b=b, neighbors=4)
    >>> t[["action", "effective_resistance", "least_cost_distance", "cost"]].round(3)
         action  effective_resistance  least_cost_distance  cost
    0  baseline                 0.947                  2.0   0.0
    1       gap                 0.783                  2.0  50.0
    >>> round(float(t.loc[1, "gain_effective_conductance_per_cost"]), 6)
    0.004444
    """
    ev = _Evaluator(
        resistance,
        core_a=core_a,
        core_b=core_b,
        cutoff=cutoff,
        patches=patches,
        distance=distance,
        probability=probability,
        neighbors=neighbors,
        connection=connection,
        solver=solver,
        cellsize=cellsize,
    )
    rows = _parse_actions(actions, ev.grid)
    base_values = ev.grid.values
    baseline = ev.measures(base_values)
    scenarios = []
    for row in rows:
        values = base_values.copy()
        values[row["mask"]] = row["value"]
        scenarios.append(
            {
                "action": row["action"],
                "n_cells": int(row["mask"].sum()),
                "value": row["value"],
                "cost": row["cost"],
                "measures": ev.measures(values),
            }
        )
    return _table(ev, scenarios, baseline)


def evaluate_combination(
    resistance,
    actions,
    names: Sequence[str],
    *,
    core_a,
    core_b,
    cutoff: float | None = None,
    patches=None,
    distance: float | None = None,
    probability: float = 0.5,
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    solver: str = "auto",
    cellsize: float | None = None,
):
    r"""Measure connectivity with several actions applied together, to check a set.

    The named actions are applied one after the other (where two overlap, the
    later one's value wins) and the same measures as :func:`evaluate_actions`
    are computed for the baseline and the combination. Compare the
    combination's gain with the sum of the single gains: benefits are **not
    additive** in general (two underpasses on one road duplicate each other;
    two halves of one gap need each other), so the set picked by
    :func:`choose_within_budget` from single gains must be checked here.

    Parameters
    ----------
    resistance, actions
        As in :func:`evaluate_actions`.
    names : sequence of str
        Names of the actions to combine (at least one, no repeats).
    core_a, core_b, cutoff, patches, distance, probability, neighbors, connection, solver, cellsize
        As in :func:`evaluate_actions`.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``"baseline"`` and the combination (``action`` = the names
        joined by ``" + "``, ``cost`` = the summed costs, ``n_cells`` = cells
        changed), with the columns of :func:`evaluate_actions`.

    Raises
    ------
    ValueError
        Unknown, repeated or no names; the errors of :func:`evaluate_actions`.

    References
    ----------
    McRae et al. (2012), https://doi.org/10.1371/journal.pone.0052604.

    Examples
    --------
    A barrier column (``inf``) separates two cores; two underpasses at its
    ends. Alone, each gives 3.25 ohm (:math:`5/8 + 1 + 1 + 5/8`: 5/8 ohm is
    the ladder of unit links between a core and the cell in front of the
    underpass), a conductance gain of :math:`1/3.25 = 0.308` siemens. Together
    they give 1.75 ohm, a gain of 0.571, *less* than the sum 0.615: both
    underpasses draw current through the same cells next to the cores.

    >>> r = np.ones((3, 5)); r[:, 2] = np.inf
    >>> a = np.zeros((3, 5), bool); a[:, 0] = True
    >>> b = np.zeros((3, 5), bool); b[:, 4] = True
    >>> acts = {"north": ([(0, 2)], 1.0), "south": ([(2, 2)], 1.0)}
    >>> t = evaluate_combination(r, acts, ["north", "south"], core_a=a, core_b=b, neighbors=4)
    >>> t[["action", "effective_resistance", "gain_effective_conductance"]].round(3)
              action  effective_resistance  gain_effective_conductance
    0       baseline                   inf                       0.000
    1  north + south                  1.75                       0.571
    """
    ev = _Evaluator(
        resistance,
        core_a=core_a,
        core_b=core_b,
        cutoff=cutoff,
        patches=patches,
        distance=distance,
        probability=probability,
        neighbors=neighbors,
        connection=connection,
        solver=solver,
        cellsize=cellsize,
    )
    rows = {row["action"]: row for row in _parse_actions(actions, ev.grid)}
    if isinstance(names, str) or not isinstance(names, Sequence) or len(names) == 0:
        raise ValueError(
            f"names must be a non-empty list of action names. Got names={describe(names)}."
        )
    unknown = [n for n in names if n not in rows]
    if unknown:
        raise ValueError(f"names {unknown} are not actions; the actions are {sorted(rows)}.")
    if len(set(names)) != len(names):
        raise ValueError(f"names must not repeat an action. Got names={list(names)}.")
    values = ev.grid.values.copy()
    changed = np.zeros(ev.shape, dtype=bool)
    for n in names:
        values[rows[n]["mask"]] = rows[n]["value"]
        changed |= rows[n]["mask"]
    costs = [rows[n]["cost"] for n in names]
    scenario = {
        "action": " + ".join(names),
        "n_cells": int(changed.sum()),
        "value": np.nan,
        "cost": None if costs[0] is None else float(sum(costs)),
        "measures": ev.measures(values),
    }
    return _table(ev, [scenario], ev.measures(ev.grid.values))


# ============================================================ ranking and budgeting
def _benefit_cost(table, benefit, cost, *, need_cost: bool = True):
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"table must be a pandas DataFrame (from evaluate_actions). Got {describe(table)}."
        )
    if "action" not in table.columns:
        raise ValueError(
            "table needs an 'action' column with the action names. Got columns "
            f"{list(table.columns)}."
        )
    for label, col in (("benefit", benefit), ("cost", cost)):
        if not isinstance(col, str) or col not in table.columns:
            hint = ""
            if label == "benefit":
                gains = [c for c in table.columns if c.startswith("gain_")]
                hint = f" Gain columns: {gains}." if gains else ""
            raise ValueError(
                f"{label}={col!r} is not a column of table.{hint} Got columns "
                f"{list(table.columns)}."
            )
    if benefit in MEASURES and MEASURES[benefit] < 0:
        raise ValueError(
            f"benefit={benefit!r} is a state where less is better, not a gain. Use "
            f"benefit='gain_{benefit}' (baseline minus scenario)."
        )
    rows = table[table["action"] != _BASELINE].copy()
    if rows.empty:
        raise ValueError("table has no action besides the baseline.")
    names = rows["action"].tolist()
    if len(set(names)) != len(names):
        raise ValueError("table has repeated action names; names must be unique.")
    b = rows[benefit].to_numpy(dtype=float)
    if np.isnan(b).any():
        bad = rows["action"].to_numpy()[np.isnan(b)].tolist()
        raise ValueError(f"benefit column {benefit!r} is NaN for action(s) {bad}.")
    c = rows[cost].to_numpy(dtype=float)
    if not (np.isfinite(c) & (c > 0)).all():
        bad = rows["action"].to_numpy()[~(np.isfinite(c) & (c > 0))].tolist()
        raise ValueError(
            f"cost column {cost!r} must be positive and finite for every action; action(s) "
            f"{bad} are not. Give every action its real cost."
        )
    return rows, b, c


def rank_actions(table, *, benefit: str, cost: str = "cost"):
    r"""Rank actions by benefit per unit cost.

    .. math:: e_k = \frac{b_k}{c_k}

    with :math:`b_k` the benefit (a ``gain_<measure>`` column of
    :func:`evaluate_actions`) and :math:`c_k > 0` the cost of action *k*. Rank 1
    is the best (largest :math:`e_k`); ties are broken by action name
    (alphabetical), so the ranking is deterministic. The baseline row, if any,
    is dropped.

    Parameters
    ----------
    table : pandas.DataFrame
        Needs columns ``action``, *benefit* and *cost*.
    benefit : str
        Column of benefits, larger = better (for example ``"gain_EC"``).
        Measures where less is better (``"effective_resistance"``) are refused:
        use their gain column.
    cost : str, default "cost"
        Column of positive, finite costs.

    Returns
    -------
    pandas.DataFrame
        The actions, sorted by rank, with new columns ``benefit_per_cost`` and
        ``rank`` (1, 2, ... with no ties).

    Raises
    ------
    ValueError
        Missing column, NaN benefit, cost not positive, repeated names.

    References
    ----------
    McRae et al. (2012), https://doi.org/10.1371/journal.pone.0052604.

    Examples
    --------
    ``b`` and ``c`` tie (1 per unit cost): alphabetical order decides.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"action": ["c", "b", "a"], "gain": [4.0, 2.0, 9.0],
    ...                   "cost": [4.0, 2.0, 3.0]})
    >>> rank_actions(t, benefit="gain")[["action", "benefit_per_cost", "rank"]]
      action  benefit_per_cost  rank
    0      a               3.0     1
    1      b               1.0     2
    2      c               1.0     3
    """
    rows, b, c = _benefit_cost(table, benefit, cost)
    rows["benefit_per_cost"] = b / c
    rows = rows.sort_values(
        ["benefit_per_cost", "action"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)
    rows["rank"] = np.arange(1, len(rows) + 1)
    return rows


class BudgetChoice(NamedTuple):
    """Result of :func:`choose_within_budget`.

    Attributes
    ----------
    selected : list of str
        Names of the chosen actions, alphabetical.
    cost : float
        Their summed cost (at most the budget).
    benefit : float
        Their summed benefit (single gains added: see the caveat in
        :func:`choose_within_budget`).
    table : pandas.DataFrame
        The actions with a boolean ``selected`` column.
    method : str
        ``"exact"`` or ``"greedy"``.
    """

    selected: list
    cost: float
    benefit: float
    table: object
    method: str


def choose_within_budget(
    table, budget: float, *, benefit: str, cost: str = "cost", method: str = "exact"
) -> BudgetChoice:
    r"""Choose the set of actions with the largest summed benefit within a budget.

    The 0/1 knapsack problem:

    .. math::

        \max_{x \in \{0, 1\}^n} \sum_k b_k x_k
        \quad\text{subject to}\quad \sum_k c_k x_k \le B

    with :math:`b_k` the benefit and :math:`c_k > 0` the cost of action *k*
    and :math:`B` the budget.

    **Caveat: benefits are assumed additive**, which they are not in general:
    two actions on the same corridor interact (an underpass next to another
    adds little; two halves of a gap are worth more together). Treat the
    result as a short list and check it with :func:`evaluate_combination`.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``action``, *benefit* and *cost* (for example from
        :func:`evaluate_actions`; the baseline row is dropped).
    budget : float
        :math:`B \ge 0`, in the units of *cost*.
    benefit : str
        Column of benefits (larger = better), for example ``"gain_EC"``.
    cost : str, default "cost"
        Column of positive, finite costs.
    method : {"exact", "greedy"}, default "exact"
        ``"exact"`` enumerates all :math:`2^n` subsets (at most 20 actions,
        about a million subsets); ties in benefit go to the cheaper set.
        ``"greedy"`` adds actions by decreasing benefit per unit cost (ties by
        name) while they fit, skipping those with a benefit <= 0: fast, but
        not always optimal (a cheap, efficient action can crowd out a better
        pair).

    Returns
    -------
    BudgetChoice
        ``selected`` (names), ``cost``, ``benefit``, ``table`` (with a
        ``selected`` column) and ``method``.

    Raises
    ------
    ValueError
        More than 20 actions with ``method="exact"`` (use ``"greedy"``), bad
        budget, bad columns (see :func:`rank_actions`), unknown method.

    References
    ----------
    Martello, S. & Toth, P. (1990). Knapsack Problems: Algorithms and Computer
    Implementations. Wiley, Chichester. ISBN 0-471-92420-2.

    Examples
    --------
    Greedy takes ``a`` first (best benefit per cost, 7 / 6) and then nothing
    fits; the exact choice ``b + c`` gives 10:

    >>> import pandas as pd
    >>> t = pd.DataFrame({"action": ["a", "b", "c"], "gain": [7.0, 5.0, 5.0],
    ...                   "cost": [6.0, 5.0, 5.0]})
    >>> choose_within_budget(t, 10, benefit="gain").selected
    ['b', 'c']
    >>> choose_within_budget(t, 10, benefit="gain", method="greedy").selected
    ['a']
    """
    check_choice("method", method, _METHODS)
    budget = check_positive("budget", budget, allow_zero=True)
    rows, b, c = _benefit_cost(table, benefit, cost)
    names = rows["action"].to_numpy()
    order = np.argsort(names, kind="stable")  # alphabetical: deterministic ties
    b, c, names = b[order], c[order], names[order]
    rows = rows.iloc[order].reset_index(drop=True)
    n = len(names)
    tol = 1e-9 * max(budget, 1.0)
    if method == "exact":
        if n > EXACT_LIMIT:
            raise ValueError(
                f"method='exact' enumerates 2**n subsets and is limited to {EXACT_LIMIT} "
                f"actions. Got {n} actions. Use method='greedy', or shortlist the actions "
                "with rank_actions() first."
            )
        # subset s holds action k when bit k of s is set; sums built by doubling
        tot_b = np.zeros(1)
        tot_c = np.zeros(1)
        for k in range(n):
            tot_b = np.concatenate([tot_b, tot_b + b[k]])
            tot_c = np.concatenate([tot_c, tot_c + c[k]])
        feasible = tot_c <= budget + tol
        score = np.where(feasible, tot_b, -np.inf)
        best = score.max()
        close = feasible & ((score == best) | np.isclose(score, best, rtol=1e-12, atol=0.0))
        cand = np.flatnonzero(close)
        s = int(cand[np.argmin(tot_c[cand])])  # cheaper set on ties, then lowest index
        chosen = np.array([(s >> k) & 1 for k in range(n)], dtype=bool)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = b / c
        greedy = sorted(range(n), key=lambda k: (-ratio[k], names[k]))
        chosen = np.zeros(n, dtype=bool)
        spent = 0.0
        for k in greedy:
            if b[k] <= 0:
                continue
            if spent + c[k] <= budget + tol:
                chosen[k] = True
                spent += c[k]
    rows["selected"] = chosen
    return BudgetChoice(
        selected=[str(v) for v in names[chosen]],
        cost=float(c[chosen].sum()),
        benefit=float(b[chosen].sum()),
        table=rows,
        method=method,
    )
