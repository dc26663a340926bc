r"""National scale: the moving-window analyses on Dask, tile by tile from GeoTIFFs.

A country at 30-100 m is :math:`10^8`-:math:`10^9` cells, more than one process
holds. The analyses that scale are those whose work splits into independent
windows: Omniscape's moving window (McRae et al. 2016; Landau et al. 2021), cost
distance bounded by a cut-off around each core (Linkage Mapper's cost-distance
cut-offs) and moving-window landscape metrics. This subpackage runs them on a
:mod:`dask.distributed` cluster (Rocklin 2015): a ``LocalCluster`` on a laptop or
Binder, the same code on a SLURM/PBS cluster (dask-jobqueue) or Kubernetes
(dask-kubernetes, Dask Gateway).

Every task reads only the window it needs from a tiled GeoTIFF (COG) with
rasterio windowed reads, results are combined tile by tile (overlap-add of the
window currents, minimum of the corridors) and written into COGs; no process,
the driver included, holds the whole raster. With ``client=None`` the same tasks
run one after another in the calling process (same results, same memory bound).

Functions
---------
- :func:`omniscape`: :func:`gpec_teach.circuit.omniscape` on tiles.
- :func:`run_omniscape_ini`: Omniscape.jl ``.ini`` jobs, distributed.
- :func:`corridor_network`: least-cost corridors from cost distances bounded
  by a cut-off, one task per core.
- :func:`moving_window`: habitat share and effective mesh size in a circular
  window (:func:`gpec_teach.fragmentation.moving_window` on tiles).
- :func:`synthetic_landscape`: a national-size test raster, reproducibly.
- :func:`write_cog`, :func:`read_window`, :func:`raster_info`: the file side.

References
----------
Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021). Omniscape.jl:
software to compute omnidirectional landscape connectivity. JOSS 6 (57): 2829.
https://doi.org/10.21105/joss.02829

McRae, B. H. et al. (2016). Conserving nature's stage: mapping omnidirectional
connectivity for resilient terrestrial landscapes in the Pacific Northwest. The
Nature Conservancy.

Rocklin, M. (2015). Dask: parallel computation with blocked algorithms and task
scheduling. Proceedings of the 14th Python in Science Conference, 126-132.
https://doi.org/10.25080/Majora-7b98e3ed-013
"""

from ._corridors import BoundedNetwork, corridor_network
from ._ini import run_omniscape_ini
from ._memory import worker_peak_mb
from ._omniscape import OmniscapeTiles, omniscape
from ._synthetic import synthetic_landscape
from ._tiles import RasterInfo, raster_info, read_window, write_cog
from ._window import WindowTiles, moving_window

__all__ = [
    "BoundedNetwork",
    "OmniscapeTiles",
    "RasterInfo",
    "WindowTiles",
    "corridor_network",
    "moving_window",
    "omniscape",
    "raster_info",
    "run_omniscape_ini",
    "synthetic_landscape",
    "read_window",
    "write_cog",
    "worker_peak_mb",
]
