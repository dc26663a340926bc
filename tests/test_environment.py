"""The lock file, environment.yml (Binder) and the package metadata agree."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([A-Za-z0-9_.+\-!]+)$")


def _lock() -> dict[str, str]:
    pins = {}
    for raw in (ROOT / "requirements.lock").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"requirements.lock: '{line}' is not an exact pin (name==version)"
        pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_environment_yml_matches_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps, "environment.yml must pin python=3.11 like the lock"
    pip_section = next(d for d in deps if isinstance(d, dict) and "pip" in d)["pip"]
    env_pins = {}
    for line in pip_section:
        match = PIN.match(line)
        assert match, f"environment.yml: '{line}' is not an exact pin"
        env_pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    lock = _lock()
    differ = {
        k: (lock.get(k), env_pins.get(k))
        for k in lock.keys() | env_pins.keys()
        if lock.get(k) != env_pins.get(k)
    }
    assert not differ, (
        f"environment.yml and requirements.lock disagree (lock, env): {differ}; run `make lock`"
    )


def test_lock_has_the_stack():
    lock = _lock()
    needed = [
        "jupyter-book",
        "sphinx-exercise",
        "sphinxcontrib-bibtex",
        "sphinx-design",
        "jupyterlab",
        "jupyterlab-myst",
        "ipywidgets",
        "leafmap",
        "folium",
        "geopandas",
        "rasterio",
        "rioxarray",
        "networkx",
        "scipy",
        "scikit-image",
        "pyamg",
        "matplotlib",
        "nbval",
        "pytest",
    ]
    missing = [name for name in needed if name not in lock]
    assert not missing, f"requirements.lock lacks {missing}"
    major = int(lock["jupyter-book"].split(".")[0])
    assert major == 1, f"Jupyter Book 1 is required (found {lock['jupyter-book']})"


def test_installed_versions_match_the_lock():
    lock = _lock()
    wrong = {}
    for name, version in lock.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong[name] = (version, "missing")
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, (
        f"installed packages differ from requirements.lock (locked, installed): {wrong}"
    )


def test_binder_installs_the_package():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install" in post_build and "-e ." in post_build
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ folder would make repo2docker ignore the root environment.yml and postBuild"
    )


def test_import_is_lazy_and_fast():
    code = (
        "import sys, time; t = time.perf_counter(); import gpec_teach; "
        "dt = time.perf_counter() - t; "
        "heavy = [m for m in ('scipy', 'geopandas', 'leafmap', 'folium', 'ipywidgets') if m in sys.modules]; "
        "print(dt, ','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    heavy = out.split()[1] if len(out.split()) > 1 else ""
    assert heavy == "", f"`import gpec_teach` loads heavy libraries eagerly: {heavy}"


def test_every_reexported_name_resolves():
    """Each name in gpec_teach._EXPORTS exists in its module (catches renames)."""
    import importlib

    import gpec_teach

    missing = []
    for name, module in gpec_teach._EXPORTS.items():
        try:
            mod = importlib.import_module(f"gpec_teach.{module}")
        except ModuleNotFoundError:
            missing.append(f"{module} (module not found)")
            continue
        if name not in getattr(mod, "__all__", ()):
            missing.append(f"{module}.{name}")
    assert not missing, f"re-exported but not public: {missing}"
    root = Path(gpec_teach.__file__).parent
    for module in gpec_teach._SUBMODULES:  # a module file or a subpackage (issue 18)
        assert (root / f"{module}.py").exists() or (root / module / "__init__.py").exists(), module


def test_no_reexported_name_shadows_a_submodule():
    """Regression: 'protconn' was both a submodule and a re-exported function, so
    gpec_teach.protconn was the module for some users and the function for others."""
    import gpec_teach

    clash = set(gpec_teach._EXPORTS) & set(gpec_teach._SUBMODULES)
    assert not clash, f"names that are both a function and a module: {sorted(clash)}"
