r"""Interactive explorers for the notebooks, with static snapshots for the website.

Two explorers let learners move a slider and see connectivity respond:

* :func:`dispersal_explorer`: equivalent connected area (EC) and the most
  important patches (dPC with its intra, flux and connector fractions) as the
  median dispersal distance changes (Saura & Pascual-Hortal 2007; Saura & Rubio
  2010);
* :func:`resistance_explorer`: the least-cost corridor and the circuit current
  between two cores as the resistance of a few land-cover classes changes
  (McRae et al. 2008; McRae & Kavanagh 2011).

Each explorer is split in three layers, so tests and the static book can use
them without a browser:

1. a **pure computation** returning tables or arrays
   (:func:`dispersal_table`, :func:`top_patches`, :func:`corridor_and_current`);
2. a **static figure** of one state (``static=True``, or the explorer's
   ``snapshot()`` method), with a note on how to launch the live version;
3. the **ipywidgets** container itself (the default return value).

ipywidgets and matplotlib are imported inside the functions, never at import
time, so ``import gpec_teach`` stays fast. The corridor and current share the
cost engine (:mod:`gpec_teach._cost`) and the two-core set-up of
:class:`gpec_teach.scenarios.evaluate.ScenarioEvaluator`.

The package has three modules: :mod:`~gpec_teach.widgets.dispersal`,
:mod:`~gpec_teach.widgets.corridor` and the shared pieces in
:mod:`~gpec_teach.widgets.common`.

References
----------
Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83 (2-3): 91-103. https://doi.org/10.1016/j.landurbplan.2007.03.005

Saura, S. & Rubio, L. (2010). A common currency for the different ways in which
patches and links can contribute to habitat availability and connectivity in
the landscape. Ecography 33 (3): 523-537.
https://doi.org/10.1111/j.1600-0587.2009.05760.x

McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology
89 (10): 2712-2724. https://doi.org/10.1890/07-1861.1

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle, WA. https://linkagemapper.org
"""

from .common import LIVE_NOTE
from .corridor import CorridorCurrent, corridor_and_current, resistance_explorer
from .dispersal import dispersal_explorer, dispersal_table, top_patches

__all__ = [
    "LIVE_NOTE",
    "CorridorCurrent",
    "corridor_and_current",
    "dispersal_explorer",
    "dispersal_table",
    "resistance_explorer",
    "top_patches",
]
