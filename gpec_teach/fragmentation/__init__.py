r"""Fragmentation: habitat patches and FRAGSTATS-style patch, class and landscape metrics.

A class raster (land cover codes, or a boolean habitat mask) is cut into *patches*:
groups of cells of one class that touch. From the patches we compute the classic
landscape metrics of FRAGSTATS (McGarigal & Marks 1995) at three levels:

- **patch**: area, perimeter, number of cells, centroid (:func:`patch_table`);
- **class**: total area (CA), share of the landscape (PLAND), number of patches (NP),
  patch density (PD), largest patch index (LPI), total edge (TE), edge density (ED),
  mean patch area (AREA_MN), effective mesh size (MESH), landscape division (DIVISION)
  and splitting index (SPLIT) (:func:`class_metrics`);
- **landscape**: the same over all patches of all classes (:func:`landscape_metrics`).

:func:`compare_epochs` puts several dates side by side as a tidy table of changes;
:func:`moving_window` maps habitat share and effective mesh size in a circular
window around every cell (FRAGSTATS' moving window).

Conventions (defaults reproduce FRAGSTATS 2.0, checked against its output for the
``landscape`` raster of landscapemetrics, see ``tests/test_reference_fragstats.py``):

- Patches use the **8-neighbor** rule by default (``neighbors=4`` for the 4-neighbor
  rule). Patch ids are numbered in scan order (row by row, from the top-left cell) of the
  first cell of each patch, over all classes, as FRAGSTATS numbers them.
- The **landscape area** :math:`A` is the area of all valid (non-nodata) cells, whatever
  their class. Nodata cells never belong to a patch.
- The **patch perimeter** counts every cell side of the patch that faces a cell with
  another value, including the landscape boundary and nodata cells.
- **Total edge** (TE, ED) counts only cell sides between two valid cells of different
  classes by default (``count_boundary=False``): sides on the landscape boundary or next
  to nodata are not edge, as in FRAGSTATS without a landscape border (and
  landscapemetrics' default). ``count_boundary=True`` counts them as edge too.
- **MESH** divides by the landscape area :math:`A` (FRAGSTATS, Jaeger 2000).
  ``mesh_denominator="habitat"`` divides by the total area of the class instead (the
  variant of Makurhini); DIVISION and SPLIT then use the same reference area.

Units: areas in ha, lengths in m (with ``cellsize`` in metres), densities per 100 ha,
edge density in m/ha, PLAND and LPI in %.

References
----------
McGarigal, K. & Marks, B. J. (1995). FRAGSTATS: spatial pattern analysis program for
quantifying landscape structure. Gen. Tech. Rep. PNW-GTR-351, USDA Forest Service.
https://doi.org/10.2737/PNW-GTR-351

Jaeger, J. A. G. (2000). Landscape division, splitting index, and effective mesh size:
new measures of landscape fragmentation. Landscape Ecology 15, 115-130.
https://doi.org/10.1023/A:1008129329289

Hesselbarth, M. H. K., Sciaini, M., With, K. A., Wiegand, K. & Nowosad, J. (2019).
landscapemetrics: an open-source R tool to calculate landscape metrics. Ecography 42,
1648-1657. https://doi.org/10.1111/ecog.04617

Modules: :mod:`~gpec_teach.fragmentation.patches` (labels, patch table),
:mod:`~gpec_teach.fragmentation.metrics` (class and landscape metrics, MESH) and
:mod:`~gpec_teach.fragmentation.epochs` (several dates); the shared class-raster
reader and kernels are in the private ``_landscape``. Everything public is
re-exported here.
"""

from .epochs import compare_epochs
from .metrics import (
    CLASS_METRICS,
    LANDSCAPE_METRICS,
    class_metrics,
    landscape_metrics,
    mesh_from_areas,
)
from .patches import label_patches, patch_table, patches_to_polygons
from .window import moving_window

__all__ = [
    "CLASS_METRICS",
    "LANDSCAPE_METRICS",
    "label_patches",
    "patch_table",
    "patches_to_polygons",
    "class_metrics",
    "landscape_metrics",
    "compare_epochs",
    "mesh_from_areas",
    "moving_window",
]
