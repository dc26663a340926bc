r"""Evaluate conservation actions: connectivity measures on the baseline and each scenario.

:class:`ScenarioEvaluator` prepares once what does not change between scenarios
(the two cores, their edge seeds and short-circuit regions, the habitat patches)
and measures a resistance surface; :func:`evaluate_actions` and
:func:`evaluate_combination` are thin functions over it, and
:func:`gpec_teach.widgets.corridor_and_current` shares it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _cost
from .._raster import Grid
from .._validation import check_choice, check_positive, check_probability, describe
from ..circuit import DEFAULT_CONNECTION, effective_resistance
from ..graph import patch_graph_from_matrix, probability_of_connectivity
from .actions import BASELINE, parse_actions

__all__ = ["MEASURES", "ScenarioEvaluator", "evaluate_actions", "evaluate_combination"]

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


class ScenarioEvaluator:
    """Everything that does not change between scenarios, computed once.

    The two cores (:class:`gpec_teach._cost.CorePair`: cells, edge seeds,
    short-circuit regions), the patch labels, cells, edge seeds and areas;
    :meth:`measures` then needs one Dijkstra engine, two (plus ``n - 1`` for *n*
    patches) cost-distance runs seeded from edge cells only, and one circuit
    solve per scenario. Options as in :func:`evaluate_actions`.
    """

    def __init__(
        self,
        resistance,
        *,
        core_a,
        core_b,
        cutoff=None,
        patches=None,
        dispersal_distance=None,
        probability=0.5,
        neighbors=8,
        connection=DEFAULT_CONNECTION,
        solver="auto",
        cellsize=None,
    ):
        _cost.check_neighbors(neighbors)
        check_choice("connection", connection, ("resistance", "conductance"))
        check_choice("solver", solver, ("auto", "direct", "amg"))
        self.cutoff = None if cutoff is None else check_positive("cutoff", cutoff, allow_zero=True)
        if (patches is None) != (dispersal_distance is None):
            given, missing = (
                ("patches", "dispersal_distance")
                if dispersal_distance is None
                else ("dispersal_distance", "patches")
            )
            raise ValueError(
                f"{given} was given without {missing}: EC needs both the labelled habitat "
                "patches and the median dispersal distance (cost units). Give both or neither."
            )
        self.dispersal_distance = (
            None
            if dispersal_distance is None
            else check_positive("dispersal_distance", dispersal_distance)
        )
        self.probability = check_probability("probability", probability)
        self.neighbors = neighbors
        self.connection = connection
        self.solver = solver
        self.grid = _cost.resistance_grid(resistance, cellsize)
        self.shape = self.grid.values.shape
        self.cell_ha = self.grid.cellsize**2 / 1e4
        self.pair = _cost.core_pair(self.grid, core_a, core_b)
        self.labels = None
        if patches is not None:
            self._prepare_patches(patches)

    def _prepare_patches(self, patches) -> None:
        labels = _cost.patch_labels("patches", patches, self.grid, None, by_position=True)
        ids = np.unique(labels[labels > 0])
        if ids.size < 2:
            raise ValueError(
                f"patches must hold at least two patches (labels > 0). Got {ids.size}."
            )
        self.labels = labels
        self.ids = ids
        self.patch_cells = _cost.patch_cells(labels, ids)
        self.patch_seeds = [_cost.edge_cells(c, self.shape) for c in self.patch_cells]
        self.areas = np.array([c.size for c in self.patch_cells]) * self.cell_ha

    @property
    def names(self) -> list[str]:
        """Names of the measures this evaluator computes, in table order."""
        out = ["effective_resistance", "effective_conductance", "least_cost_distance"]
        if self.cutoff is not None:
            out.append("corridor_area_ha")
        if self.labels is not None:
            out.append("EC")
        return out

    def engine(self, values: np.ndarray):
        """Return a cost engine on a copy of *values* (same cell size) and its nodata mask."""
        return _cost.engine(Grid(values.copy(), self.grid.cellsize), self.neighbors)

    def measures(self, values: np.ndarray) -> dict[str, float]:
        """Measure one resistance surface (the baseline's grid): ``{measure: value}``."""
        out: dict[str, float] = {}
        mcp, nodata = self.engine(values)
        r_eff = float(
            effective_resistance(
                values,
                self.pair.cell_a,
                self.pair.cell_b,
                neighbors=self.neighbors,
                connection=self.connection,
                short_circuit=self.pair.regions,
                solver=self.solver,
            )
        )
        out["effective_resistance"] = r_eff
        out["effective_conductance"] = 0.0 if np.isinf(r_eff) else 1.0 / r_eff
        lcd, nl = _cost.pair_corridor(
            mcp, self.pair, self.shape[1], corridor=self.cutoff is not None
        )
        out["least_cost_distance"] = lcd
        if self.cutoff is not None:
            inside = 0 if nl is None else (np.isfinite(nl) & (nl <= self.cutoff) & ~nodata).sum()
            out["corridor_area_ha"] = float(inside * self.cell_ha)
        if self.labels is not None:
            out["EC"] = self._ec(mcp)
        return out

    def _ec(self, mcp) -> float:
        d = _cost.lcd_matrix(mcp, self.labels, self.ids, self.patch_cells, self.patch_seeds)
        graph = patch_graph_from_matrix(d, attributes=self.areas, ids=self.ids)
        pc = probability_of_connectivity(
            graph, dispersal_distance=self.dispersal_distance, probability=self.probability
        )
        return pc.EC


def _table(evaluator: ScenarioEvaluator, scenarios: list[dict], baseline: dict):
    """Assemble the wide result table: one row per scenario, baseline first."""
    has_cost = scenarios[0]["cost"] is not None
    records = [{"action": BASELINE, "n_cells": 0, "value": np.nan, **baseline}]
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


def evaluate_actions(
    resistance,
    actions,
    *,
    core_a,
    core_b,
    cutoff: float | None = None,
    patches=None,
    dispersal_distance: float | None = None,
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
    * ``EC`` (with *patches* and *dispersal_distance*): equivalent connected area (ha)
      :math:`EC = \sqrt{\sum_i \sum_j a_i a_j p^*_{ij}}` with
      :math:`p_{ij} = P^{d_{ij} / D}` (:math:`P` = *probability*, :math:`D` =
      *dispersal_distance*) and :math:`d_{ij}` the least-cost distance between patches
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
        *dispersal_distance*, adds ``EC``. Patches are fixed: an action changes
        resistance, not the patch set (for new habitat patches see
        :func:`gpec_teach.graph.ec_change_from_new_patch`).
    dispersal_distance : float, optional
        Median dispersal distance :math:`D` in cost units (the units of the
        least-cost distances), see :func:`gpec_teach.graph.dispersal_probability`.
    probability : float, default 0.5
        :math:`P`, dispersal probability at *dispersal_distance* (0.5: median distance).
    neighbors : {8, 4}, default 8
        Used by both the circuit and the least-cost measures.
    connection : {"conductance", "resistance"}, default "conductance"
        Circuit link rule (average conductance, as in Circuitscape, or average
        resistance), see :data:`gpec_teach.circuit.DEFAULT_CONNECTION` and
        :func:`gpec_teach.circuit.raster_graph`.
    solver : {"auto", "direct", "amg"}, default "auto"
        Circuit solver, see :class:`gpec_teach.circuit.LaplacianSolver`.
    cellsize : float, optional
        Cell side in metres; read from a georeferenced raster, **required**
        for a plain array (least-cost distances are in resistance x metres,
        corridor areas and EC in ha; a missing cellsize raises instead of
        silently using 1).

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
        Overlapping cores, *patches* without *dispersal_distance* (or the reverse), fewer
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
    >>> t = evaluate_actions(r, {"gap": (gap, 1.0, 50.0)}, core_a=a, core_b=b, neighbors=4,
    ...                      cellsize=1)
    >>> t[["action", "effective_resistance", "least_cost_distance", "cost"]].round(3)
         action  effective_resistance  least_cost_distance  cost
    0  baseline                 0.947                  2.0   0.0
    1       gap                 0.783                  2.0  50.0
    >>> round(float(t.loc[1, "gain_effective_conductance_per_cost"]), 6)
    0.004444
    """
    ev = ScenarioEvaluator(
        resistance,
        core_a=core_a,
        core_b=core_b,
        cutoff=cutoff,
        patches=patches,
        dispersal_distance=dispersal_distance,
        probability=probability,
        neighbors=neighbors,
        connection=connection,
        solver=solver,
        cellsize=cellsize,
    )
    rows = parse_actions(actions, ev.grid)
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
    dispersal_distance: float | None = None,
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
    core_a, core_b, cutoff, patches, dispersal_distance, probability, neighbors, connection,
    solver, cellsize
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
    >>> t = evaluate_combination(r, acts, ["north", "south"], core_a=a, core_b=b, neighbors=4,
    ...                          cellsize=1)
    >>> t[["action", "effective_resistance", "gain_effective_conductance"]].round(3)
              action  effective_resistance  gain_effective_conductance
    0       baseline                   inf                       0.000
    1  north + south                  1.75                       0.571
    """
    ev = ScenarioEvaluator(
        resistance,
        core_a=core_a,
        core_b=core_b,
        cutoff=cutoff,
        patches=patches,
        dispersal_distance=dispersal_distance,
        probability=probability,
        neighbors=neighbors,
        connection=connection,
        solver=solver,
        cellsize=cellsize,
    )
    rows = {row["action"]: row for row in parse_actions(actions, ev.grid)}
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
