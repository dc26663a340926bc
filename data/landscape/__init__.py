"""The fictional GPEC teaching landscape, one module per layer.

Run through ``data/make_landscape.py``. Everything is drawn from one fixed seed
(:data:`facts.SEED`); each layer has its own named random stream (``stream("roads")``,
...), so changing one layer does not change the random numbers of the others.

Modules, in the order :func:`generate.generate` uses them:

- ``facts``: the fixed facts (grid, CRS, classes, countries, species) and ``stream``;
- ``grid``: numerical and geometric helpers shared by the layers;
- ``terrain``: land mass, elevation, flow routing;
- ``countries``: the three countries and their towns;
- ``roads_rivers``: roads between towns and rivers from the elevation model;
- ``protected_areas``: WDPA-like protected areas;
- ``landcover``: natural land cover and the 2000/2010/2020 epochs;
- ``movement``: GPS tracks; ``occurrences``: species records; ``counts``: crossing sites
  and camera counts;
- ``writing``: files and checksums; ``quicklook``: the overview map; ``datasheet``: the
  data sheet README.md.
"""

import os

# GeoPackage files carry a "last change" timestamp: pin it before GDAL is loaded.
os.environ["OGR_CURRENT_DATE"] = "2025-01-01T00:00:00.000Z"
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pyogrio  # noqa: E402

pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2025-01-01T00:00:00.000Z"})

from .generate import generate  # noqa: E402
from .writing import write_all  # noqa: E402

__all__ = ["generate", "write_all"]
