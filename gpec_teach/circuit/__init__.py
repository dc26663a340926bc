"""Circuit-theory connectivity, compatible with Circuitscape and Omniscape.

A resistance raster is read as an electrical circuit: every valid cell is a node,
neighbouring cells are joined by resistors, and animals (or genes) are modelled
as electrical current that spreads over *all* paths at once, in proportion to
how easy each path is (McRae 2006; McRae et al. 2008). The effective resistance
between two places measures their isolation; the current map shows where
movement concentrates (corridors and pinch points).

The module follows Circuitscape.jl's conventions (Anantharaman et al. 2020), so a
Circuitscape job gives the same numbers here (see :mod:`gpec_teach.circuitscape_io`):

* **graph**: 8 neighbors (or 4), conductance between neighbors
  ``mean(c_a, c_b)`` ("average conductance", :data:`DEFAULT_CONNECTION`: the default of
  Circuitscape 4, Circuitscape.jl and Omniscape, ``connect_using_avg_resistances =
  False``) or ``1 / mean(r_a, r_b)`` ("average resistance", ``connection="resistance"``,
  what a job with ``connect_using_avg_resistances = True`` asks for), diagonal links
  divided by ``sqrt(2)``; NaN and ``inf`` cells are absent; short-circuit regions
  (polygons) are merged into one node;
* **modes**: pairwise, one-to-all, all-to-one, advanced (sources and grounds),
  and network (an edge list instead of a raster);
* **current maps**: the current through a cell is ``max(inflow, outflow)``: a
  focal cell carries the full injected current, any other cell half the sum of
  the absolute currents on its links;
* **disconnected pairs** get effective resistance ``inf`` (no current can flow
  between two separate components; Circuitscape's files write ``-1``, and so does
  :func:`gpec_teach.circuitscape_io.run_ini`).

Layout: one engine, thin modes. ``_solver`` (:class:`LaplacianSolver`, the one
"auto" rule, unit potentials shared by all pairs), ``_graph`` (the raster
circuit), ``_focal`` (focal points, regions and polygons), ``_setup`` (the setup
every raster mode opens with), then one module per mode: ``_pairwise``,
``_one_to_all``, ``_advanced``, ``_network``, ``_pinch``, ``_omniscape``; the
``.ini`` runners are :mod:`gpec_teach.circuitscape_io` and
:mod:`gpec_teach.omniscape_io`.

Solvers: :class:`LaplacianSolver` holds one sparse LU factorisation (SuperLU with
the symmetric ``MMD_AT_PLUS_A`` ordering) or one smoothed-aggregation algebraic
multigrid hierarchy (pyamg) used as a conjugate-gradient preconditioner, and
reuses it for every focal node: pairwise results for ``k`` focal points cost
``k - 1`` solves with superposition, not one setup per pair.

References
----------
McRae, B. H. (2006). Isolation by resistance. Evolution 60 (8): 1551-1561.
https://doi.org/10.1111/j.0014-3820.2006.tb00500.x

McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology
89 (10): 2712-2724. https://doi.org/10.1890/07-1861.1

Shah, V. B. & McRae, B. H. (2008). Circuitscape: a tool for landscape ecology.
Proceedings of the 7th Python in Science Conference (SciPy 2008): 62-66.
https://doi.org/10.25080/TCWV9851

Anantharaman, R., Hall, K., Shah, V. B. & Edelman, A. (2020). Circuitscape in
Julia: high performance connectivity modelling to support conservation
decisions. Proceedings of the JuliaCon Conferences 1 (1): 58.
https://doi.org/10.21105/jcon.00058

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle. (Pinchpoint Mapper: McRae, B. H.
(2012), https://circuitscape.org/linkagemapper/)

Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021). Omniscape.jl:
software to compute omnidirectional landscape connectivity. Journal of Open
Source Software 6 (57): 2829. https://doi.org/10.21105/joss.02829
"""

from ._advanced import AdvancedResult, advanced
from ._graph import DEFAULT_CONNECTION, RasterGraph, raster_graph
from ._network import (
    NetworkAdvancedResult,
    NetworkPairwiseResult,
    network_advanced,
    network_pairwise,
)
from ._omniscape import OmniscapeCondition, OmniscapeResult, omniscape
from ._one_to_all import OneToAllResult, all_to_one, one_to_all
from ._pairwise import PairwiseResult, effective_resistance, pairwise_resistance
from ._pinch import PinchPointResult, pinch_points
from ._solver import DIRECT_SOLVER_LIMIT, ConvergenceError, LaplacianSolver

__all__ = [
    "AdvancedResult",
    "ConvergenceError",
    "DEFAULT_CONNECTION",
    "DIRECT_SOLVER_LIMIT",
    "LaplacianSolver",
    "NetworkAdvancedResult",
    "NetworkPairwiseResult",
    "OmniscapeCondition",
    "OmniscapeResult",
    "OneToAllResult",
    "PairwiseResult",
    "PinchPointResult",
    "RasterGraph",
    "advanced",
    "all_to_one",
    "effective_resistance",
    "network_advanced",
    "network_pairwise",
    "omniscape",
    "one_to_all",
    "pairwise_resistance",
    "pinch_points",
    "raster_graph",
]
