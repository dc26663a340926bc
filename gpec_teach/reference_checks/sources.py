"""Where the reference cases live, and the expected values quoted from the sources.

The reference cases carry their own licences, so they are read **in place** from a
folder outside this repository (``../shared/reference`` next to the repository, or
``$GPEC_REFERENCE_DIR``), never copied. :data:`PUBLISHED` holds the headline expected
values quoted from the sources, so the book can state them even where the folder is
absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = [
    "PUBLISHED",
    "published_values",
    "reference_dir",
    "realdata_dir",
    "require_reference_dir",
]

#: Expected values quoted from the sources (used when the reference folder is absent).
PUBLISHED: dict[str, list[tuple[str, str, float, str]]] = {
    "circuitscape": [
        ("sgVerify2", "effective resistance R(4, 5)", 0.75, "Circuitscape.jl 5.17.1 test suite"),
        (
            "sgVerify2",
            "effective resistance R(1, 2), same short-circuit polygon",
            0.0,
            "Circuitscape.jl 5.17.1 test suite",
        ),
        ("sgVerify6", "effective resistance R(2, 7)", 1.4, "Circuitscape.jl 5.17.1 test suite"),
        (
            "sgVerify6",
            "R(1, 7), disconnected pair (reported as -1)",
            -1.0,
            "Circuitscape.jl 5.17.1 test suite",
        ),
    ],
    "makurhini": [
        ("404 habitat patches", "PCnum (ha^2)", 2.136028e11, "Makurhini 3.0, vignette PC_IIC"),
        ("404 habitat patches", "EC(PC) (ha)", 4.621718e5, "Makurhini 3.0, vignette PC_IIC"),
        ("404 habitat patches", "PC", 2.801281e-2, "Makurhini 3.0, vignette PC_IIC"),
        (
            "404 habitat patches",
            "dPC of patch 10 (%)",
            0.8901452,
            "Makurhini 3.0, vignette PC_IIC",
        ),
        (
            "404 habitat patches",
            "MESH, habitat-area denominator (km^2)",
            1443.4320,
            "Makurhini 3.0",
        ),
    ],
    "fragstats": [
        ("landscape raster", "TA (ha)", 0.09, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "NP", 28.0, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "MESH (ha)", 0.0094, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "DIVISION", 0.8958, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "SPLIT", 9.5926, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "LPI (%)", 17.6667, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
    ],
}


def reference_dir() -> Path | None:
    """Folder of the reference cases, or None when it is not on this machine.

    ``$GPEC_REFERENCE_DIR`` when set, else ``../shared/reference`` next to the
    repository that holds this package.
    """
    return _shared_folder("GPEC_REFERENCE_DIR", "reference")


def realdata_dir() -> Path | None:
    """Folder of the real open data (Makurhini's polygons), or None when it is absent.

    ``$GPEC_REALDATA_DIR`` when set, else ``../shared/realdata`` next to the
    repository that holds this package.
    """
    return _shared_folder("GPEC_REALDATA_DIR", "realdata")


def _shared_folder(variable: str, name: str) -> Path | None:
    """``$variable`` when set, else ``../shared/<name>`` beside the repository; None if absent."""
    env = os.environ.get(variable)
    # this file is <repository>/gpec_teach/reference_checks/sources.py
    path = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / name
    return path if path.is_dir() else None


def published_values() -> pd.DataFrame:
    """Return the expected values quoted in :data:`PUBLISHED`, one row each."""
    rows = [
        (tool, case, quantity, value, source)
        for tool, entries in PUBLISHED.items()
        for case, quantity, value, source in entries
    ]
    return pd.DataFrame(rows, columns=["tool", "case", "quantity", "published", "source"])


def require_reference_dir(root: Path | None = None) -> Path:
    """Return *root*, or :func:`reference_dir`; raise when neither is on this machine."""
    root = Path(root) if root is not None else reference_dir()
    if root is None or not Path(root).is_dir():
        raise FileNotFoundError(
            "The reference cases are not on this machine: set GPEC_REFERENCE_DIR to the "
            "folder holding circuitscape_suite/, omniscape/, fragstats/ and makurhini_pc/."
        )
    return Path(root)
