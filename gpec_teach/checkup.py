"""Environment check for learners and trainers (notebook 00).

:func:`check_environment` lists the Python version and the versions of the packages the
notebooks need, checks the teaching data, and derives a short **code word** from all of it.
Everyone whose environment matches the tested one gets the same code word, so a trainer can
ask a room "who does not see *heron-17*?" instead of reading version tables.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import sys
from dataclasses import dataclass

from . import data

__all__ = ["KEY_PACKAGES", "EnvironmentReport", "check_environment", "code_word"]

#: Packages whose versions matter for the results shown in the notebooks.
KEY_PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "geopandas",
    "shapely",
    "rasterio",
    "rioxarray",
    "networkx",
    "scikit-image",
    "pyamg",
    "matplotlib",
    "folium",
    "leafmap",
    "ipywidgets",
    "gpec_teach",
)

_WORDS = (
    "antelope badger bison crane dingo eland falcon gazelle gecko heron ibex impala jackal "
    "kestrel kudu lemur lynx marten moose newt okapi oryx otter owl panda pelican puma quail "
    "raven saiga salmon serval stork tapir tern toad vole walrus wapiti wolf yak zebra addax "
    "bongo civet dugong egret finch genet hyrax ibis jaguar koala llama magpie narwhal ocelot "
    "plover quokka rhea sable takin urial vicuna"
).split()


@dataclass(frozen=True)
class EnvironmentReport:
    """Result of :func:`check_environment`.

    Attributes
    ----------
    python : str
        Python version ``major.minor.micro``.
    packages : dict
        Package name -> installed version (``"missing"`` when not installed).
    data_status : str
        ``"ok"``, ``"no data yet"`` or a short description of what is wrong.
    code_word : str
        Short word derived from everything above (see :func:`code_word`).
    """

    python: str
    packages: dict
    data_status: str
    code_word: str

    @property
    def ok(self) -> bool:
        """True when no key package is missing and the data are intact."""
        return "missing" not in self.packages.values() and self.data_status == "ok"

    def table(self):
        """Return the report as a pandas DataFrame (component, version or status)."""
        import pandas as pd

        rows = [
            ("python", self.python),
            *self.packages.items(),
            ("teaching data", self.data_status),
        ]
        return pd.DataFrame(rows, columns=["component", "version or status"])


def code_word(text: str) -> str:
    """Return a short, memorable word derived from *text* (stable across machines).

    Examples
    --------
    >>> code_word("python 3.11 numpy 2.4")
    'takin-82'
    >>> code_word("python 3.11 numpy 2.4") == code_word("python 3.11 numpy 2.5")
    False
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"{_WORDS[digest[0] % len(_WORDS)]}-{int.from_bytes(digest[1:3], 'big') % 100:02d}"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _data_status() -> str:
    try:
        table = data.verify()
    except FileNotFoundError:
        return "no data yet"
    bad = table[table["status"] != "ok"]
    if bad.empty:
        return "ok"
    return "; ".join(f"{row.file}: {row.status}" for row in bad.itertuples())


def check_environment() -> EnvironmentReport:
    """Check Python, the key packages and the teaching data; return a report with a code word.

    The code word depends on the Python minor version (not on the micro release or the
    operating system), on the version of every package in :data:`KEY_PACKAGES` and on the
    state of the data. Learners with the pinned environment and intact data all get the
    code word printed in the trainer's guide.

    Returns
    -------
    EnvironmentReport

    Examples
    --------
    >>> report = check_environment()
    >>> report.python.startswith("3.")
    True
    >>> "numpy" in report.packages
    True
    """
    python = platform.python_version()
    packages = {name: _version(name) for name in KEY_PACKAGES}
    status = _data_status()
    major_minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    fingerprint = " ".join([major_minor, *(f"{k}={v}" for k, v in packages.items()), status])
    return EnvironmentReport(python, packages, status, code_word(fingerprint))
