r"""Rank actions by benefit per unit cost and choose the best set within a budget.

The ranking and the 0/1 knapsack treat single gains as additive, a first
approximation only: check the chosen set with
:func:`~gpec_teach.scenarios.evaluate_combination`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_choice, check_positive, describe
from .actions import BASELINE
from .evaluate import MEASURES

__all__ = ["EXACT_LIMIT", "BudgetChoice", "choose_within_budget", "rank_actions"]

_METHODS = ("exact", "greedy")
#: Largest number of actions :func:`choose_within_budget` enumerates (2**20 subsets).
EXACT_LIMIT = 20


def _benefit_cost(table, benefit, cost):
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
    rows = table[table["action"] != BASELINE].copy()
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


@dataclass(frozen=True)
class BudgetChoice:
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
    table: pd.DataFrame
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
