"""Run Omniscape.jl ``.ini`` jobs with :func:`gpec_teach.circuit.omniscape`.

Practitioners who already use Omniscape.jl can run an existing job unchanged::

    run = run_omniscape_ini("my_job.ini")                  # writes <project_name>/
    run = run_omniscape_ini("my_job.ini", write=False)     # maps in memory only
    run = run_omniscape_ini("my_job.ini", output_dir="out")

The options are Omniscape.jl's (its user guide, "Arguments"): ``resistance_file``,
``source_file``, ``radius``, ``block_size``, ``buffer``, ``source_threshold``,
``source_from_resistance`` with ``r_cutoff``, ``resistance_is_conductance``,
``connect_four_neighbors_only``, ``calc_flow_potential``,
``calc_normalized_current``, ``correct_artifacts``, ``mask_nodata``,
``write_raw_currmap``, ``write_as_tif``, ``reclassify_resistance`` with
``reclass_table`` and ``write_reclassified_resistance``, ``precision``, the
conditional-connectivity options (``conditional``, ``n_conditions``,
``compare_to_future``, ``conditionN_file``, ``conditionN_future_file``,
``comparisonN``, ``conditionN_lower``, ``conditionN_upper``) and
``allow_different_projections``. ``parallelize``, ``parallel_batch_size``,
``solver`` and ``suppress_cs_messages`` are accepted and do not change the result
(every window is solved exactly, by a sparse LU factorisation). Options missing
from a file take Omniscape.jl's defaults; unknown keys are ignored with a warning,
as Omniscape.jl does. A job Omniscape.jl would refuse (a required key missing, no
source layer, a value out of range, a resistance of 0 or less, rasters of different
sizes) raises a :class:`ValueError` that names the key and the fix, before any
computation.

Rasters are read with rasterio (Arc/Info ASCII with its ``.prj``, GeoTIFF, or any
format GDAL reads; the raster I/O shared with :mod:`gpec_teach.circuitscape_io`) and the outputs are written in Omniscape.jl's layout and names:
``cum_currmap``, ``flow_potential``, ``normalized_cum_currmap`` and
``classified_resistance``, as ``.tif`` (``write_as_tif = true``, the default) or
``.asc``, with nodata -9999 and the CRS and transform of the resistance raster,
plus a copy of the job as ``config.ini``.

Omniscape computes with average conductance between neighbouring cells (it calls
Circuitscape with ``connect_using_avg_resistances = False``); the runner asks for
that rule explicitly.

References
----------
Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021). Omniscape.jl:
software to compute omnidirectional landscape connectivity. Journal of Open Source
Software 6 (57): 2829. https://doi.org/10.21105/joss.02829

McRae, B. H., Popper, K., Jones, A., Schindel, M., Buttrick, S., Hall, K. R.,
Unnasch, R. S. & Platt, J. (2016). Conserving nature's stage: mapping
omnidirectional connectivity for resilient terrestrial landscapes in the Pacific
Northwest. The Nature Conservancy, Portland, Oregon.

The same jobs run distributed, tile by tile on a Dask cluster, with
:func:`gpec_teach.scale.run_omniscape_ini` (same maps, written as COGs).

The code lives in :mod:`gpec_teach.circuit` (``_omniscape_job``: reading and
checking jobs; ``_omniscape_run``: the runner); this module is its public face.
"""

from .circuit._omniscape_job import (
    OMNISCAPE_DEFAULTS,
    OmniscapeJob,
    OmniscapeWarning,
    read_omniscape_ini,
)
from .circuit._omniscape_run import OmniscapeRun, run_omniscape_ini

__all__ = [
    "OMNISCAPE_DEFAULTS",
    "OmniscapeJob",
    "OmniscapeRun",
    "OmniscapeWarning",
    "read_omniscape_ini",
    "run_omniscape_ini",
]
