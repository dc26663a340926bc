r"""ProtConn: how much of a region is protected *and* connected.

The Protected Connected indicator (ProtConn; Saura et al. 2017, 2018) is the
percentage of a region (country, ecoregion) covered by protected land that is
reachable from protected land, for a species with a given median dispersal
distance:

.. math::

    \mathrm{ProtConn} = 100 \, \frac{EC}{A_L}, \qquad
    EC = \sqrt{\sum_{i=1}^{n} \sum_{j=1}^{n} a_i a_j p^*_{ij}}

where :math:`a_i` is the area of protected area (PA) *i* inside the region,
:math:`A_L` the region's area and :math:`p^*_{ij}` the maximum-product
dispersal probability between PAs *i* and *j* (edge-to-edge distances by default,
negative exponential kernel, :math:`p = 0.5` at the median dispersal distance).
ProtConn can never exceed the protected percentage Prot.

Work flow:

1. :func:`clean_protected_areas` filters WDPA-like records (status, designation,
   designation year), turns points with a reported area into circles, repairs
   invalid polygons (with a warning) and removes overlaps between PAs.
2. :func:`protected_area_nodes` clips the PAs to the region (the part inside is
   counted) and keeps PAs outside the region within a buffer as transboundary
   stepping stones (their area is not counted, as in the JRC DOPA method).
3. :func:`protected_area_distances` computes edge-to-edge distances (or
   centroid distances under either convention, to reproduce centroid-based
   tools: ``distance_method=``).
4. :func:`protconn_from_matrix` computes the indicator and its fractions
   (exact shares of the PC numerator, or Makurhini's ratios of square roots:
   ``fractions=``);
   :func:`protconn`, :func:`protconn_standard` and :func:`protconn_by_region`
   run the whole chain for one region, for the standard distances
   (1, 10, 100 km) and for every region of a layer.

Units: areas in km\ :sup:`2`, distances in km (metres in the CRS), indicators in
percent of the region's area unless stated otherwise.

References
----------
Saura, S., Bastin, L., Battistella, L., Mandrici, A. & Dubois, G. (2017).
Protected areas in the world's ecoregions: How well connected are they?
Ecological Indicators 76, 144-158. https://doi.org/10.1016/j.ecolind.2016.12.047

Saura, S., Bertzky, B., Bastin, L., Battistella, L., Mandrici, A. & Dubois, G.
(2018). Protected area connectivity: Shortfalls in global targets and
country-level priorities. Biological Conservation 219, 53-67.
https://doi.org/10.1016/j.biocon.2017.12.020

Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83, 91-103. https://doi.org/10.1016/j.landurbplan.2007.03.005

Modules: :mod:`~gpec_teach.protconn.clean` (cleaning),
:mod:`~gpec_teach.protconn.nodes` (nodes), :mod:`~gpec_teach.protconn.distances`
(distances, ``distance_method``), :mod:`~gpec_teach.protconn.indicator` (the array
level: ProtConn and fractions, ``dispersal_distance``) and
:mod:`~gpec_teach.protconn.regions` (polygons: one region, the standard distances,
a layer of regions, ``dispersal_distance_km``). Everything public is re-exported
here.
"""

from .clean import WDPA_EXCLUDED_DESIGNATIONS, WDPA_EXCLUDED_STATUS, clean_protected_areas
from .distances import protected_area_distances
from .indicator import ProtConnResult, protconn_from_matrix
from .nodes import areas_inside_region, protected_area_nodes
from .regions import STANDARD_DISTANCES_KM, protconn, protconn_by_region, protconn_standard

__all__ = [
    "STANDARD_DISTANCES_KM",
    "WDPA_EXCLUDED_DESIGNATIONS",
    "WDPA_EXCLUDED_STATUS",
    "ProtConnResult",
    "areas_inside_region",
    "clean_protected_areas",
    "protconn",
    "protconn_by_region",
    "protconn_from_matrix",
    "protconn_standard",
    "protected_area_distances",
    "protected_area_nodes",
]
