r"""Resistance surfaces: how hard it is for an animal to cross each cell.

A resistance surface is a raster whose value in a cell is the cost (per unit
distance) of moving through it: 1 for the easiest habitat, larger numbers for
harder cover. Every connectivity method of this curriculum starts from one:
least-cost corridors (:mod:`gpec_teach.least_cost`) and circuit theory
(:mod:`gpec_teach.circuit`). This module builds them:

* :func:`reclassify` land-cover classes with a table (expert opinion or
  literature values), including absolute barriers;
* :func:`suitability_to_resistance` with the linear or negative-exponential
  transforms of Keeley et al. (2016);
* :func:`combine` several layers (sum, maximum, weighted sum);
* :func:`burn_lines` roads (or fences, canals) from a GeoDataFrame, by class
  and width;
* :func:`coarsen` to a larger cell, with a stated effect on barriers and
  corridors;
* :func:`resistance_to_conductance` and :func:`conductance_to_resistance`.

Conventions shared by all ``gpec_teach`` modules: ``NaN`` (or the raster's
nodata) is a missing cell, absent from any analysis; ``np.inf`` is an absolute
barrier (not traversable); resistance must be positive (zero and negative are
errors). Every function accepts a numpy array or a georeferenced rioxarray
DataArray, and returns the same kind.

The family is a subpackage: :mod:`~gpec_teach.resistance.classes` (reclassify,
suitability transforms, the class-table reader), :mod:`~gpec_teach.resistance.layers`
(combine, burn lines) and :mod:`~gpec_teach.resistance.convert` (coarsen,
resistance <-> conductance).

References
----------
Adriaensen, F., Chardon, J. P., De Blust, G., Swinnen, E., Villalba, S.,
Gulinck, H. & Matthysen, E. (2003). The application of 'least-cost' modelling
as a functional landscape model. Landscape and Urban Planning 64 (4): 233-247.
https://doi.org/10.1016/S0169-2046(02)00242-6

Zeller, K. A., McGarigal, K. & Whiteley, A. R. (2012). Estimating landscape
resistance to movement: a review. Landscape Ecology 27 (6): 777-797.
https://doi.org/10.1007/s10980-012-9737-0

Keeley, A. T. H., Beier, P. & Gagnon, J. W. (2016). Estimating landscape
resistance from habitat suitability: effects of data source and nonlinearities.
Landscape Ecology 31 (9): 2151-2162. https://doi.org/10.1007/s10980-016-0387-5
"""

from .classes import reclassify, suitability_to_resistance
from .convert import coarsen, conductance_to_resistance, resistance_to_conductance
from .layers import burn_lines, combine

__all__ = [
    "burn_lines",
    "coarsen",
    "combine",
    "conductance_to_resistance",
    "reclassify",
    "resistance_to_conductance",
    "suitability_to_resistance",
]
