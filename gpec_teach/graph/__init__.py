"""Patch graphs and graph-based connectivity indices (IIC, PC, EC, dI).

A landscape is seen as a graph: habitat patches are nodes with an attribute
(usually area) and pairs of patches are linked with a dispersal probability that
falls with the distance between them. From this graph we compute the Integral
Index of Connectivity (IIC), the Probability of Connectivity (PC), the equivalent
connected area (EC) and the importance of every patch and link.

The subpackage has one module per step:

- :mod:`~gpec_teach.graph.build`: :class:`PatchGraph` from polygons, a labelled
  raster or a distance matrix (``distance_method``: how distances between patches
  are measured, ``"edge"`` by default), and the export to networkx;
- :mod:`~gpec_teach.graph.probability`: dispersal probabilities from distances
  (``dispersal_distance``: a distance in map units) and maximum-product paths;
- :mod:`~gpec_teach.graph.indices`: PC, IIC and EC of the whole graph;
- :mod:`~gpec_teach.graph.importance`: dPC/dIIC of patches and links and the EC
  gained from a new link or patch.

Everything public is re-exported here: ``from gpec_teach.graph import X``.

References
----------
Pascual-Hortal, L. & Saura, S. (2006). Comparison and development of new
graph-based landscape connectivity indices: towards the priorization of habitat
patches and corridors for conservation. Landscape Ecology 21 (7), 959-967,
https://doi.org/10.1007/s10980-006-0013-z

Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83 (2-3), https://doi.org/10.1016/j.landurbplan.2007.03.005

Saura, S. & Rubio, L. (2010). A common currency for the different ways in which
patches and links can contribute to habitat availability and connectivity in the
landscape. Ecography 33 (3), https://doi.org/10.1111/j.1600-0587.2009.05760.x
"""

from .build import (
    DISTANCE_METHODS,
    POINT_METHODS,
    PatchGraph,
    patch_graph_from_matrix,
    patch_graph_from_polygons,
    patch_graph_from_raster,
    patch_points,
    to_networkx,
)
from .importance import (
    PatchImportance,
    ec_change_from_new_link,
    ec_change_from_new_patch,
    link_importance,
    patch_importance,
)
from .indices import (
    IICResult,
    PCResult,
    equivalent_connected_area,
    integral_index_of_connectivity,
    pc_numerator,
    probability_of_connectivity,
)
from .probability import dispersal_probability, max_product_probability

__all__ = [
    "DISTANCE_METHODS",
    "IICResult",
    "PCResult",
    "POINT_METHODS",
    "PatchGraph",
    "PatchImportance",
    "dispersal_probability",
    "ec_change_from_new_link",
    "ec_change_from_new_patch",
    "equivalent_connected_area",
    "integral_index_of_connectivity",
    "link_importance",
    "max_product_probability",
    "patch_graph_from_matrix",
    "patch_graph_from_polygons",
    "patch_graph_from_raster",
    "patch_importance",
    "patch_points",
    "pc_numerator",
    "probability_of_connectivity",
    "to_networkx",
]
