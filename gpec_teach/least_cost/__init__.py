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

The family is a subpackage: :mod:`~gpec_teach.least_cost.distance` (cost distance,
allocation, paths, the distance matrix), :mod:`~gpec_teach.least_cost.corridors`
(two-core corridors, masks) and :mod:`~gpec_teach.least_cost.network` (corridor
networks), all thin functions over the engine :mod:`gpec_teach._cost`.

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

from .corridors import corridor_mask, least_cost_corridor
from .distance import (
    CostDistanceMatrix,
    LeastCostPath,
    cost_allocation,
    cost_distance,
    least_cost_distance_matrix,
    least_cost_path,
)
from .network import CorridorNetwork, corridor_network

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
