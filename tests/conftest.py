"""Shared fixtures: the external reference cases and the repository root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def reference_root() -> Path:
    """Folder of the published reference cases (``../shared/reference`` by default).

    ``GPEC_REFERENCE_DIR`` points elsewhere. The files are read in place and never
    copied into this repository (they carry their own licences).
    """
    env = os.environ.get("GPEC_REFERENCE_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Path of the reference cases; skips the test with the reason when absent."""
    path = reference_root()
    if not path.is_dir():
        pytest.skip(
            f"reference cases not found at {path}: set GPEC_REFERENCE_DIR to the folder "
            "holding circuitscape/, fragstats/ and makurhini_pc/ to run the validation"
        )
    return path


def realdata_root() -> Path:
    """Folder of the real open data (``../shared/realdata`` by default).

    ``GPEC_REALDATA_DIR`` points elsewhere. Read in place, never copied.
    """
    env = os.environ.get("GPEC_REALDATA_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    """Path of the real data folder; skips the test with the reason when absent."""
    path = realdata_root()
    if not path.is_dir():
        pytest.skip(
            f"real data not found at {path}: set GPEC_REALDATA_DIR to the folder holding "
            "habitat_nodes.gpkg, vegetation_patches.gpkg and forest_*.gpkg to run these tests"
        )
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return ROOT


def pytest_addoption(parser):
    parser.addoption(
        "--skip-regen",
        action="store_true",
        default=False,
        help="skip the tests that regenerate the teaching landscape (marked 'regen')",
    )
    parser.addoption(
        "--site",
        action="store_true",
        default=False,
        help="run the browser tests of the built site (marked 'site'; make test-site)",
    )
    parser.addoption(
        "--site-all-editions",
        action="store_true",
        default=False,
        help="with --site: check every page of the French and Spanish editions in the browser "
        "too (by default: all English pages, and home, a notebook, glossary and search of the others)",
    )
    parser.addoption(
        "--exports",
        action="store_true",
        default=False,
        help="check the files the notebooks wrote for QGIS (marked 'exports'; run after nbval)",
    )


def pytest_collection_modifyitems(config, items):
    skip_regen = pytest.mark.skip(reason="--skip-regen given: landscape regeneration not checked")
    skip_site = pytest.mark.skip(reason="browser tests of the built site run in `make test-site`")
    skip_exports = pytest.mark.skip(
        reason="the notebooks' QGIS exports are checked after nbval, in `make test-notebooks`"
    )
    for item in items:
        if "regen" in item.keywords and config.getoption("--skip-regen"):
            item.add_marker(skip_regen)
        if "site" in item.keywords and not config.getoption("--site"):
            item.add_marker(skip_site)
        if "exports" in item.keywords and not config.getoption("--exports"):
            item.add_marker(skip_exports)
