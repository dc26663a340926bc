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

The family is a subpackage: :mod:`~gpec_teach.scenarios.actions` (apply and
check actions), :mod:`~gpec_teach.scenarios.evaluate` (the measures, computed by
:class:`~gpec_teach.scenarios.evaluate.ScenarioEvaluator` over the cost engine
:mod:`gpec_teach._cost` and the circuit solver) and
:mod:`~gpec_teach.scenarios.budget` (ranking and the budget choice).

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

from .actions import apply_action
from .budget import EXACT_LIMIT, BudgetChoice, choose_within_budget, rank_actions
from .evaluate import MEASURES, evaluate_actions, evaluate_combination

__all__ = [
    "EXACT_LIMIT",
    "BudgetChoice",
    "MEASURES",
    "apply_action",
    "choose_within_budget",
    "evaluate_actions",
    "evaluate_combination",
    "rank_actions",
]
