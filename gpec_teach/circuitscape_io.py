"""Run Circuitscape ``.ini`` jobs with :mod:`gpec_teach.circuit`, and read/write its files.

Practitioners who already use Circuitscape can run an existing job unchanged::

    result = run_ini("my_job.ini")              # results in memory
    result = run_ini("my_job.ini", write=True)  # plus Circuitscape's output files

Supported: raster and network data; pairwise, one-to-all, all-to-one and
advanced scenarios; rasters as Arc/Info ASCII grids (``.asc``, optionally
gzipped) or GeoTIFF, read with rasterio (the CRS is kept); focal points as a
grid or a text list ``id x y``; sources and grounds as grids or text lists
``value x y``; network edge lists ``node node value``; short-circuit regions
(polygons), focal regions, masks, included-pairs files (list and matrix
formats), variable source strengths, reclassification tables, and the output
options. Options missing from a file take Circuitscape.jl's defaults: 8
neighbours and *average conductance* (``connect_using_avg_resistances =
False``, also the default of Circuitscape 4 and of :mod:`gpec_teach.circuit`).

The runner follows Circuitscape.jl's documented semantics where they differ
from the Python API of :mod:`gpec_teach.circuit`:

* a focal point on a nodata or masked cell is kept and reported with ``-1``
  (the Python API raises a clear error instead);
* one-to-all and all-to-one inject (or withdraw) 1 A per focal *id* (a focal
  region is one node), or the id's strength from the variable source file;
* with an included-pairs file, one-to-all grounds only the ids paired with the
  source, and an id with no pair gets ``-1`` (and no map); in all-to-one the
  ids paired with the grounded id inject their strength and the other kept ids
  1 A, as Circuitscape.jl does; all-to-one reports ``0`` for a solved id and
  ``-1`` otherwise;
* advanced mode accepts negative sources and text lists of sources and grounds;
* "no path" is written ``-1`` in the files and in :attr:`CircuitscapeResult.resistances`
  (Circuitscape's code), while the Python result in ``.result`` says ``inf``.

Output files follow Circuitscape.jl's layout and choice of files:
``<name>_resistances.out`` (and ``_3columns`` for pairwise), per-pair or per-id
``_curmap_<a>_<b>`` / ``_voltmap_<a>_<b>`` maps, ``_cum_curmap`` and
``_max_curmap``, advanced ``_curmap`` / ``_voltmap``, and for networks
``_voltages_<a>_<b>.txt``, ``_node_currents_<a>_<b>.txt`` and
``_branch_currents_<a>_<b>.txt`` (``_cum`` for the sums). Grids are written as
ASCII grids with a ``.prj`` when the habitat raster has a CRS, or as GeoTIFF
(with the CRS) when the job sets ``write_as_tif``, with rasterio (the raster I/O
shared with :mod:`gpec_teach.omniscape_io`). Like Circuitscape.jl 5,
``compress_grids`` is accepted but grids are written uncompressed (the file
names then match Circuitscape.jl's); :func:`write_ascii_grid` can gzip.

The code lives in :mod:`gpec_teach.circuit` (``_circuitscape_files``: jobs and
files; ``_circuitscape_run``: the runner); this module is its public face.

References
----------
McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology 89
(10): 2712-2724. https://doi.org/10.1890/07-1861.1

Anantharaman, R., Hall, K., Shah, V. B. & Edelman, A. (2020). Circuitscape in
Julia: high performance connectivity modelling to support conservation decisions.
Proceedings of the JuliaCon Conferences 1 (1): 58. https://doi.org/10.21105/jcon.00058
"""

from .circuit._circuitscape_files import (
    CircuitscapeJob,
    read_ascii_grid,
    read_ini,
    read_raster,
    write_ascii_grid,
    write_raster,
)
from .circuit._circuitscape_run import CircuitscapeResult, run_ini

__all__ = [
    "CircuitscapeJob",
    "CircuitscapeResult",
    "read_ascii_grid",
    "read_ini",
    "read_raster",
    "run_ini",
    "write_ascii_grid",
    "write_raster",
]
