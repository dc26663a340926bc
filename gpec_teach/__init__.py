"""gpec_teach: the helper package of the GPEC ecological connectivity curriculum.

Methods are grouped in one module per family (``gpec_teach.circuit``,
``gpec_teach.graph``, ...). The most used functions are re-exported here and
imported lazily on first use, so ``import gpec_teach`` stays fast and does not
load scipy, geopandas or the map libraries until they are needed.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Public name -> submodule that defines it. Submodules are imported on first access.
_EXPORTS: dict[str, str] = {
    "check_environment": "checkup",
    "check": "exercises",
}

_SUBMODULES = (
    "checkup",
    "data",
    "resistance",
    "least_cost",
    "circuit",
    "circuitscape_io",
    "fragmentation",
    "graph",
    "protconn",
    "movement",
    "monitoring",
    "maps",
    "widgets",
    "exercises",
)

__all__ = ["__version__", *_SUBMODULES, *sorted(_EXPORTS)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gpec_teach' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
