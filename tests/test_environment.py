"""The two lock files, environment.yml (Binder), the offline kit, the Colab cell and the
package metadata agree.

requirements-learner.lock is what learners run (Binder, Colab, the kit); requirements-dev.lock
adds what developers and CI need and starts with ``-r requirements-learner.lock``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[1]
LEARNER = "requirements-learner.lock"
DEV = "requirements-dev.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)==([A-Za-z0-9_.+\-!]+)(?:\s*;\s*(.+))?$")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lines(name: str) -> list[str]:
    raw = (line.split("#", 1)[0].strip() for line in (ROOT / name).read_text().splitlines())
    return [line for line in raw if line]


def _pins(name: str) -> dict[str, tuple[str, str | None]]:
    """Canonical name -> (version, marker) of a lock file; asserts every line is an exact pin."""
    pins = {}
    for line in _lines(name):
        if line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{name}: '{line}' is not an exact pin (name==version, optional ; marker)"
        key = _canon(match.group(1))
        assert key not in pins, f"{name}: {match.group(1)} is pinned twice"
        pins[key] = (match.group(2), match.group(3))
    return pins


def _ci(name: str):
    """Import a script of .ci/ as a module."""
    spec = importlib.util.spec_from_file_location(f"ci_{name}", ROOT / ".ci" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_locks_are_exact_pins_and_the_dev_lock_includes_the_learner_lock():
    learner, dev = _pins(LEARNER), _pins(DEV)
    assert len(learner) > 100 and len(dev) > 10
    includes = [line for line in _lines(DEV) if line.startswith("-")]
    assert includes == [f"-r {LEARNER}"], (
        f"{DEV} must include the learner lock once with `-r {LEARNER}` (found {includes}), so "
        "installing it installs both"
    )
    assert _lines(DEV)[0] == f"-r {LEARNER}", f"`-r {LEARNER}` must be the first line of {DEV}"
    assert not [line for line in _lines(LEARNER) if line.startswith("-")], (
        f"{LEARNER} must not include other files"
    )


def test_locks_are_disjoint():
    both = sorted(_pins(LEARNER).keys() & _pins(DEV).keys())
    assert not both, f"pinned in both locks (keep each package in one): {both}; run `make lock`"


def test_make_venv_installs_learner_and_dev():
    makefile = (ROOT / "Makefile").read_text()
    assert f"-r {DEV}" in makefile, (
        "make venv must install requirements-dev.lock (which includes the learner lock)"
    )
    assert "requirements.lock" not in makefile, (
        "the Makefile still names the old requirements.lock"
    )


def test_platform_pins_of_the_learner_in_are_in_the_lock():
    wanted = [line for line in _lines("requirements-learner.in") if ";" in line]
    assert wanted, "requirements-learner.in should pin the Windows/macOS-only packages"
    lock = set(_lines(LEARNER))
    assert [line for line in wanted if line not in lock] == [], "run `make lock`"
    pins = _pins(LEARNER)
    assert Marker(pins["pywinpty"][1]).evaluate({"os_name": "nt"})
    assert not Marker(pins["pywinpty"][1]).evaluate({"os_name": "posix"})
    assert Marker(pins["appnope"][1]).evaluate({"sys_platform": "darwin"})


def test_environment_yml_matches_the_learner_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps, "environment.yml must pin python=3.11 like the lock"
    pip_section = next(d for d in deps if isinstance(d, dict) and "pip" in d)["pip"]
    assert pip_section == [line for line in _lines(LEARNER)], (
        f"environment.yml and {LEARNER} disagree; run `make lock` (or .ci/sync_environment.py)"
    )
    dev_on_binder = sorted(set(_pins(DEV)) & {_canon(PIN.match(p).group(1)) for p in pip_section})
    assert not dev_on_binder, f"Binder would install developer tools: {dev_on_binder}"


def test_locks_have_the_stack():
    learner, dev = _pins(LEARNER), _pins(DEV)
    needed_learner = [
        "jupyterlab",
        "jupyterlab-myst",
        "ipykernel",
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
        "statsmodels",
        "jinja2",
        "markdown-it-py",
        "pyyaml",
        "setuptools",
    ]
    needed_dev = [
        "jupyter-book",
        "sphinx-exercise",
        "sphinxcontrib-bibtex",
        "sphinx-design",
        "nbval",
        "pytest",
        "ruff",
        "selenium",
    ]
    assert [n for n in needed_learner if n not in learner] == [], f"{LEARNER} lacks them"
    assert [n for n in needed_dev if n not in dev] == [], f"{DEV} lacks them"
    major = int(dev["jupyter-book"][0].split(".")[0])
    assert major == 1, f"Jupyter Book 1 is required (found {dev['jupyter-book'][0]})"


def test_installed_versions_match_the_locks():
    wrong = {}
    for name, (version, marker) in {**_pins(LEARNER), **_pins(DEV)}.items():
        if marker and not Marker(marker).evaluate():
            continue  # a package of another platform (pywinpty, appnope, ...)
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong[name] = (version, "missing")
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"installed packages differ from the locks (locked, installed): {wrong}"


def _top_level_imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_top_level_imports_parser():
    found = _top_level_imports("import a.b, c\nfrom d.e import f\nfrom . import g\n")
    assert found == {"a", "c", "d"}


def test_every_import_resolves_to_a_learner_package():
    """What gpec_teach and the notebooks import must be installed by the learner lock alone."""
    imports: dict[str, set[str]] = {}
    for path in sorted((ROOT / "gpec_teach").rglob("*.py")):
        for name in _top_level_imports(path.read_text(encoding="utf-8")):
            imports.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for name in _top_level_imports("".join(cell["source"])):
                    imports.setdefault(name, set()).add(f"notebooks/{path.name}")
    third_party = {
        name: where
        for name, where in imports.items()
        if name not in sys.stdlib_module_names and name not in {"gpec_teach", "__future__"}
    }
    assert {"numpy", "geopandas", "rioxarray", "matplotlib"} <= third_party.keys()
    distributions = importlib.metadata.packages_distributions()
    learner = _pins(LEARNER)
    unresolved = {
        name: sorted(where)[:3]
        for name, where in third_party.items()
        if not any(_canon(d) in learner for d in distributions.get(name, []))
    }
    assert not unresolved, (
        f"imports that no package of {LEARNER} provides (add it to requirements-learner.in "
        f"and run `make lock`): {unresolved}"
    )


# --- the offline kit (.ci/make_kit.py), without downloading ---------------------------------


@pytest.fixture(scope="module")
def kit():
    return _ci("make_kit")


def test_kit_platform_tags(kit):
    names = [p.name for p in kit.PLATFORMS]
    assert names == ["linux-x86_64", "windows-amd64", "macos-x86_64", "macos-arm64"]
    linux, windows, mac_intel, mac_arm = kit.PLATFORMS
    assert linux.tags[0] == "manylinux_2_28_x86_64"
    assert {"manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"} <= set(
        linux.tags
    )
    assert "manylinux_2_29_x86_64" not in linux.tags
    assert windows.tags == ("win_amd64",)
    assert mac_intel.tags[0].endswith("_x86_64") and mac_arm.tags[0].endswith("_arm64")
    assert all(p.markers["python_version"] == "3.11" for p in kit.PLATFORMS)


def test_kit_chooses_the_pins_of_each_platform(kit):
    reqs = kit.lock_pins((ROOT / LEARNER).read_text())
    chosen = {p.name: kit.platform_pins(reqs, p) for p in kit.PLATFORMS}
    assert "pywinpty==3.1.2" in chosen["windows-amd64"]
    assert "colorama==0.4.6" in chosen["windows-amd64"]
    assert "appnope==1.0.0" in chosen["macos-arm64"] and "appnope==1.0.0" in chosen["macos-x86_64"]
    assert not any(
        p.startswith(("pywinpty", "appnope", "colorama")) for p in chosen["linux-x86_64"]
    )
    plain = len([line for line in _lines(LEARNER) if ";" not in line])
    assert len(chosen["linux-x86_64"]) == plain
    assert all(";" not in pin for pins in chosen.values() for pin in pins)


def test_kit_download_command(kit, tmp_path):
    windows = kit.PLATFORMS[1]
    cmd = kit.download_command(["numpy==2.4.6"], windows, tmp_path)
    assert cmd[1:4] == ["-m", "pip", "download"]
    for option in ("--no-deps", "--only-binary=:all:"):
        assert option in cmd
    assert cmd[cmd.index("--platform") + 1] == "win_amd64"
    assert cmd[cmd.index("--python-version") + 1].startswith("3.11.")  # Requires-Python
    assert cmd[cmd.index("--implementation") + 1] == "cp"
    assert cmd[-1] == "numpy==2.4.6" and "-r" not in cmd
    dry = kit.download_command(["numpy==2.4.6"], windows, tmp_path, report=tmp_path / "r.json")
    assert "--dry-run" in dry and "download" not in dry
    linux = kit.download_command(["x==1"], kit.PLATFORMS[0], tmp_path)
    assert linux.count("--platform") == len(kit.PLATFORMS[0].tags)


class _FakePip:
    """Stands for subprocess.run: pip finds no wheel for the pins in `absent`."""

    def __init__(self, absent=(), pure=()):
        self.absent, self.pure, self.calls = set(absent), set(pure), []

    def __call__(self, cmd, **kwargs):
        self.calls.append(cmd)
        if cmd[3] == "wheel":  # build_pure_wheels: pip wheel ... --wheel-dir DIR pin
            pin, folder = cmd[-1], Path(cmd[cmd.index("--wheel-dir") + 1])
            name, version = pin.split("==")
            tag = "py3-none-any" if pin in self.pure else "cp311-cp311-linux_x86_64"
            (folder / f"{name}-{version}-{tag}.whl").write_bytes(b"")
            return subprocess.CompletedProcess(cmd, 0, "", "")
        for pin in cmd:
            if pin in self.absent:
                err = f"ERROR: Could not find a version\nERROR: No matching distribution found for {pin}\n"
                return subprocess.CompletedProcess(cmd, 1, "", err)
        return subprocess.CompletedProcess(cmd, 0, "", "")


def test_kit_sets_aside_pins_without_a_wheel(kit, tmp_path):
    fake = _FakePip(absent={"b==2"})
    missing = kit.fetch_wheels(["a==1", "b==2", "c==3"], kit.PLATFORMS[1], tmp_path, run=fake)
    assert missing == ["b==2"]
    assert len(fake.calls) == 2 and "b==2" not in fake.calls[1] and "c==3" in fake.calls[1]


def test_kit_stops_on_another_pip_error(kit, tmp_path):
    def broken(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: network is unreachable")

    with pytest.raises(SystemExit, match="pip failed for windows-amd64"):
        kit.fetch_wheels(["a==1"], kit.PLATFORMS[1], tmp_path, run=broken)


def test_kit_wheelhouse_builds_pure_wheels_and_lists_the_rest(kit, tmp_path):
    lock = "a==1\npure==1.0\ncompiled==2.0\npywinpty==3.1.2; os_name == 'nt'\n"
    fake = _FakePip(absent={"pure==1.0", "compiled==2.0"}, pure={"pure==1.0"})
    left = kit.fill_wheelhouse(tmp_path / "wh", lock, kit.PLATFORMS[:2], run=fake)
    assert left == {"linux-x86_64": ["compiled==2.0"], "windows-amd64": ["compiled==2.0"]}
    assert (tmp_path / "wh" / "pure-1.0-py3-none-any.whl").is_file()
    assert not list((tmp_path / "wh").glob("compiled-*"))
    assert "windows-amd64: compiled==2.0" in (tmp_path / "wh" / "MISSING.txt").read_text()
    windows_downloads = [c for c in fake.calls if "win_amd64" in c]
    assert any("pywinpty==3.1.2" in c for c in windows_downloads)


def test_kit_readme_works_on_windows_without_make(kit):
    text = kit.install_text(list(kit.PLATFORMS))
    assert "py -3.11 -m venv .venv" in text
    windows = (
        ".venv\\Scripts\\python -m pip install --no-index --find-links wheelhouse "
        "-r requirements-learner.lock"
    )
    assert windows in text
    assert ".venv\\Scripts\\jupyter lab notebooks" in text and "make" not in text
    online = kit.install_text(None)
    assert "--no-index" not in online and "internet" in online
    assert LEARNER in kit.CONTENT and "requirements.lock" not in kit.CONTENT
    left = kit.install_text(list(kit.PLATFORMS), {"macos-arm64": ["x==1"]})
    assert "macos-arm64: x==1" in left and "MISSING.txt" in left


def test_readme_has_the_windows_instructions():
    readme = (ROOT / "README.md").read_text()
    assert readme.splitlines()[0].startswith("# ")
    assert "make book" in readme[:1500] and "make test" in readme[:1500]
    for needed in ("py -3.11 -m venv .venv", f"-r {LEARNER}", "jupyter lab"):
        assert needed in readme, f"README.md lacks `{needed}`"


# --- the Colab button and the setup cell (.ci/colab_cell.py) -------------------------------


@pytest.fixture(scope="module")
def colab():
    return _ci("colab_cell")


def test_config_has_the_colab_button():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert config["repository"]["url"].startswith("https://github.com/")


def test_every_notebook_starts_with_the_current_setup_cell(colab):
    url, ref = colab.repository((ROOT / "_config.yml").read_text())
    cell = colab.setup_cell(url, ref)
    stale = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        # executed or not: the run count and nbconvert's timings may differ, not the code
        if not colab._same(cells[0], cell) or sum(colab.is_setup_cell(c) for c in cells) != 1:
            stale.append(path.name)
    assert not stale, f"run `python .ci/colab_cell.py` (outdated setup cell): {stale}"
    assert "remove-cell" in cell["metadata"]["tags"]
    assert f"{url}/archive/{ref}.tar.gz" in "".join(cell["source"])


def test_colab_script_is_idempotent(colab, tmp_path):
    path = tmp_path / "nb.ipynb"
    original = (ROOT / "notebooks" / "01_connectivity_concepts.ipynb").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    assert colab.main(["--check", str(path)]) == 0
    nb = json.loads(original)
    nb["cells"] = nb["cells"][1:] + [nb["cells"][0]]  # the cell moved to the end
    path.write_text(colab.dumps(nb), encoding="utf-8")
    assert colab.main(["--check", str(path)]) == 1
    assert colab.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == original
    assert colab.main([str(path)]) == 0 and path.read_text(encoding="utf-8") == original


def test_colab_repository_must_be_github(colab):
    with pytest.raises(SystemExit, match="repository.url must be a GitHub URL"):
        colab.repository("repository:\n  url: https://gitlab.com/o/r\n")


def test_colab_setup_plan(colab, tmp_path):
    namespace: dict = {}
    exec(compile(colab.LOGIC, "setup-cell", "exec"), namespace)
    plan = namespace["_gpec_setup_plan"]
    (tmp_path / "SHA256SUMS").write_text("")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert plan(True, tmp_path) == []
    assert plan(False, tmp_path) == ["install"]
    assert plan(True, None) == ["fetch"]
    assert plan(True, empty) == ["fetch"]
    assert plan(False, None) == ["install", "fetch"]


#: Runs the setup cell with pip and the download replaced by recorders; prints to stderr
#: what it would have done, so stdout holds only what the cell printed.
_HARNESS = """
import importlib.util, json, os, subprocess, sys, urllib.request
calls = []
def fake_run(cmd, **kwargs):
    calls.append(["run", *map(str, cmd)])
    return subprocess.CompletedProcess(cmd, 0)
def fake_urlretrieve(url, *args):
    calls.append(["download", url])
    return os.environ["FAKE_ARCHIVE"], None
subprocess.run, urllib.request.urlretrieve = fake_run, fake_urlretrieve
if os.environ.get("HIDE_GPEC"):
    real = importlib.util.find_spec
    importlib.util.find_spec = lambda name, *a: None if name.startswith("gpec_teach") else real(name, *a)
exec(compile(sys.stdin.read(), "setup-cell", "exec"), {"__name__": "__main__"})
sys.stderr.write(json.dumps({"calls": calls, "data": os.environ.get("GPEC_DATA_DIR")}))
"""


def _run_cell(colab, cwd, **env):
    url, ref = colab.repository((ROOT / "_config.yml").read_text())
    environ = {k: v for k, v in os.environ.items() if k != "GPEC_DATA_DIR"}
    environ.update(PYTHONPATH=str(ROOT), **env)
    done = subprocess.run(
        [sys.executable, "-c", _HARNESS],
        input=colab.cell_source(url, ref),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        check=True,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_colab_cell_does_nothing_where_everything_is_installed(colab):
    stdout, report = _run_cell(colab, ROOT / "notebooks")
    assert stdout == "", f"the setup cell printed here: {stdout!r}"
    assert report["calls"] == [], f"the setup cell tried to install or download: {report}"
    assert report["data"] is None


def test_colab_cell_installs_and_fetches_when_missing(colab, tmp_path):
    source = tmp_path / "src" / "curriculum-main"
    (source / "data").mkdir(parents=True)
    (source / "pyproject.toml").write_text("[project]\nname = 'gpec_teach'\n")
    (source / "data" / "SHA256SUMS").write_text("")
    archive = tmp_path / "main.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname="curriculum-main")
    home = tmp_path / "home"
    stdout, report = _run_cell(
        colab,
        tmp_path,
        HIDE_GPEC="1",
        HOME=str(home),
        USERPROFILE=str(home),
        FAKE_ARCHIVE=str(archive),
    )
    kinds = [call[0] for call in report["calls"]]
    assert kinds == ["download", "run"], report
    assert report["calls"][0][1].endswith("/archive/main.tar.gz")
    pip = report["calls"][1]
    assert pip[2:5] == ["-m", "pip", "install"] and pip[-1].endswith("curriculum-main[maps]")
    extracted = home / "gpec-curriculum" / "main" / "curriculum-main"
    assert report["data"] == str(extracted / "data")
    assert "Installing gpec_teach" in stdout and "Ready" in stdout


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
    for module in gpec_teach._SUBMODULES:  # a module file or a subpackage
        assert (root / f"{module}.py").exists() or (root / module / "__init__.py").exists(), module


def test_no_reexported_name_shadows_a_submodule():
    """Regression: 'protconn' was both a submodule and a re-exported function, so
    gpec_teach.protconn was the module for some users and the function for others."""
    import gpec_teach

    clash = set(gpec_teach._EXPORTS) & set(gpec_teach._SUBMODULES)
    assert not clash, f"names that are both a function and a module: {sorted(clash)}"


def test_an_executed_setup_cell_is_still_current_but_not_one_with_output(colab):
    cell = colab.setup_cell("https://github.com/o/r", "main")
    executed = {**cell, "execution_count": 1, "metadata": {**cell["metadata"], "execution": {}}}
    assert colab._same(executed, cell)
    assert not colab._same({**executed, "outputs": [{"output_type": "stream"}]}, cell)
    assert not colab._same({**executed, "source": cell["source"][:-1]}, cell)
