"""Build the offline kit: one archive a trainer copies to a USB stick.

The kit holds the built site (its three editions, English, French and Spanish, in
``site/en``, ``site/fr`` and ``site/es``) with every script served locally (so maps and widgets work
with no internet), the notebooks, the teaching data, the ``gpec_teach`` package and the
learner lock file, plus ``README-OFFLINE.md`` with what to do in the room. With
``--wheelhouse`` it also carries every package of ``requirements-learner.lock`` as a wheel
for Python 3.11 on Linux x86-64, Windows (amd64) and macOS (Intel and Apple silicon), so
the notebooks install and run without internet on the participants' own laptops.

``pip download`` evaluates environment markers on the machine that runs it, not on the
target platform, so the kit downloads exact pins only (``--no-deps``), chooses for each
platform the lock lines whose marker holds there (``pywinpty`` and ``colorama`` on
Windows, ``appnope`` on macOS), and asks pip for binary wheels of that platform. A package
with no wheel for a platform is built into a wheel here when it is pure Python (such a
wheel installs everywhere); otherwise it is listed in ``wheelhouse/MISSING.txt`` and in
the kit's README, with what to do.

Usage (``make kit`` builds the book first)::

    python .ci/make_kit.py [--wheelhouse] [--out DIR]
    python .ci/make_kit.py --check-wheels   # which wheels exist per platform (no download)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LOCK = "requirements-learner.lock"
PYTHON_VERSION = "3.11"
#: Editions of the built site (``_build/html/<lang>/``), all shipped in the kit.
EDITIONS = ("en", "fr", "es")
#: The micro version pip checks ``Requires-Python`` against (``3.11`` would mean 3.11.0, and
#: soupsieve 4.1.2 requires 3.11.5): 3.11.9 is the last 3.11 with python.org installers.
PYTHON_FULL_VERSION = "3.11.9"
CONTENT = (
    "notebooks",
    "data",
    "gpec_teach",
    "pyproject.toml",
    LOCK,
    "LICENSE",
    "LICENSE-CONTENT.md",
    "CITATION.cff",
    "README.md",
)


@dataclass(frozen=True)
class Platform:
    """A target of the wheelhouse: pip platform tags and the environment markers there."""

    name: str
    label: str
    tags: tuple[str, ...]
    markers: dict = field(hash=False)


def _markers(sys_platform: str, system: str, os_name: str, machine: str) -> dict:
    return {
        "python_version": PYTHON_VERSION,
        "python_full_version": PYTHON_FULL_VERSION,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": sys_platform,
        "platform_system": system,
        "os_name": os_name,
        "platform_machine": machine,
        "extra": "",
    }


def manylinux_tags(glibc_minor: int, arch: str = "x86_64") -> tuple[str, ...]:
    """Platform tags of a Linux with glibc 2.<glibc_minor>, newest first.

    pip does not widen a ``manylinux_2_28`` tag to older glibc versions by itself.

    >>> manylinux_tags(17)[:2], manylinux_tags(17)[-3:]
    (('manylinux_2_17_x86_64', 'manylinux_2_16_x86_64'), ('manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64'))
    """
    modern = tuple(f"manylinux_2_{minor}_{arch}" for minor in range(glibc_minor, 4, -1))
    return modern + tuple(
        f"{legacy}_{arch}" for legacy in ("manylinux2014", "manylinux2010", "manylinux1")
    )


#: The four platforms of the wheelhouse. pip widens a macOS tag to every older macOS.
PLATFORMS = (
    Platform(
        "linux-x86_64",
        "Linux x86-64 (glibc 2.28 or newer: Ubuntu 20.04, Debian 10, Fedora 29 and later)",
        manylinux_tags(28),
        _markers("linux", "Linux", "posix", "x86_64"),
    ),
    Platform(
        "windows-amd64",
        "Windows 10 or 11, 64-bit (amd64)",
        ("win_amd64",),
        _markers("win32", "Windows", "nt", "AMD64"),
    ),
    Platform(
        "macos-x86_64",
        "macOS 15 or newer on an Intel Mac (rasterio 1.4.4 has no wheel for older ones)",
        ("macosx_15_0_x86_64",),
        _markers("darwin", "Darwin", "posix", "x86_64"),
    ),
    Platform(
        "macos-arm64",
        "macOS 14 or newer on Apple silicon (M1 and later; rasterio 1.4.4 needs 14)",
        ("macosx_14_0_arm64",),
        _markers("darwin", "Darwin", "posix", "arm64"),
    ),
)


def lock_pins(text: str) -> list[Requirement]:
    """Return the requirements of a lock file (comments, blank and ``-r`` lines skipped)."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def platform_pins(requirements: list[Requirement], platform: Platform) -> list[str]:
    r"""Return the ``name==version`` pins that apply on *platform* (markers evaluated there).

    >>> reqs = lock_pins("numpy==2.4.6\npywinpty==3.1.2; os_name == 'nt'")
    >>> platform_pins(reqs, PLATFORMS[1]), platform_pins(reqs, PLATFORMS[0])
    (['numpy==2.4.6', 'pywinpty==3.1.2'], ['numpy==2.4.6'])
    """
    chosen = []
    for req in requirements:
        if req.marker is None or req.marker.evaluate(dict(platform.markers)):
            chosen.append(f"{req.name}{req.specifier}")
    return chosen


def download_command(
    pins: list[str], platform: Platform, dest: Path, *, report: Path | None = None
) -> list[str]:
    """Return the pip command that fetches binary wheels of *pins* for *platform* into *dest*.

    With *report*, a dry run: pip resolves each pin to a wheel file (reading only its
    metadata) and writes the choices to that JSON report, downloading nothing.
    """
    if report is None:
        head = [sys.executable, "-m", "pip", "download", "--dest", str(dest)]
    else:
        head = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--target",
            str(dest),
            "--report",
            str(report),
        ]
    options = [
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        PYTHON_FULL_VERSION,
        "--implementation",
        "cp",
        "--abi",
        "cp311",
    ]
    for tag in platform.tags:
        options += ["--platform", tag]
    return head + options + list(pins)


_NO_MATCH = re.compile(r"No matching distribution found for ([A-Za-z0-9._\-]+==[^\s;]+)")


def unavailable_pin(stderr: str) -> str | None:
    """Return the pin pip found no wheel for, from its error text (None: another error).

    >>> unavailable_pin("ERROR: No matching distribution found for whitebox==2.3.6")
    'whitebox==2.3.6'
    """
    match = _NO_MATCH.search(stderr)
    return match.group(1) if match else None


def fetch_wheels(
    pins: list[str], platform: Platform, dest: Path, *, dry_run: bool = False, run=subprocess.run
) -> list[str]:
    """Fetch wheels of *pins* for *platform*; return the pins that have none there.

    pip stops at the first pin without a wheel: that pin is set aside and pip runs again on
    the rest, so a platform needs one run plus one per missing package. *run* is
    :func:`subprocess.run` (tests pass a fake).
    """
    remaining, missing = list(pins), []
    while remaining:
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json" if dry_run else None
            target = Path(tmp) / "target" if dry_run else dest
            done = run(
                download_command(remaining, platform, target, report=report),
                capture_output=True,
                text=True,
            )
        if done.returncode == 0:
            return missing
        pin = unavailable_pin(done.stderr)
        if pin is None or pin not in remaining:
            raise SystemExit(f"pip failed for {platform.name}:\n{done.stderr}")
        remaining.remove(pin)
        missing.append(pin)
    return missing


def build_pure_wheels(
    pins: list[str], dest: Path, *, run=subprocess.run
) -> tuple[list[str], list[str]]:
    """Build wheels here for pins that have none; return (built pure-Python, not portable).

    A wheel tagged ``py3-none-any`` (or ``py2.py3``) installs on every platform; any other
    wheel built here would only suit this machine and is deleted.
    """
    built, compiled = [], []
    for pin in pins:
        with tempfile.TemporaryDirectory() as tmp:
            done = run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "wheel",
                    "--quiet",
                    "--no-deps",
                    "--disable-pip-version-check",
                    "--wheel-dir",
                    tmp,
                    pin,
                ],
                capture_output=True,
                text=True,
            )
            wheels = list(Path(tmp).glob("*.whl")) if done.returncode == 0 else []
            if wheels and all(w.name.endswith("-none-any.whl") for w in wheels):
                for wheel in wheels:
                    shutil.copy2(wheel, dest / wheel.name)
                built.append(pin)
            else:
                compiled.append(pin)
    return built, compiled


def fill_wheelhouse(
    dest: Path, lock_text: str, platforms=PLATFORMS, *, run=subprocess.run
) -> dict[str, list[str]]:
    """Download the learner lock's wheels for every platform into *dest* (one folder).

    Returns platform name -> pins left without a wheel (pure-Python ones are built here
    and are not listed). Writes ``MISSING.txt`` when something is left.
    """
    dest.mkdir(parents=True, exist_ok=True)
    requirements = lock_pins(lock_text)
    lacking = {
        p.name: fetch_wheels(platform_pins(requirements, p), p, dest, run=run) for p in platforms
    }
    wanted = sorted({pin for pins in lacking.values() for pin in pins})
    built, _ = build_pure_wheels(wanted, dest, run=run) if wanted else ([], [])
    left = {name: [pin for pin in pins if pin not in built] for name, pins in lacking.items()}
    lines = [f"{name}: {pin}" for name, pins in left.items() for pin in pins]
    if lines:
        (dest / "MISSING.txt").write_text(
            "No wheel for these platforms: install them with internet (pip builds them from source,"
            " which needs a C compiler: on macOS `xcode-select --install`), or use Binder or Colab.\n"
            + "\n".join(lines)
            + "\n"
        )
    return left


def check_wheels(
    lock_text: str, platforms=PLATFORMS, *, run=subprocess.run
) -> dict[str, list[str]]:
    """Which learner pins have no wheel, per platform, without downloading the wheels."""
    requirements = lock_pins(lock_text)
    return {
        p.name: fetch_wheels(platform_pins(requirements, p), p, Path("."), dry_run=True, run=run)
        for p in platforms
    }


README = """\
# GPEC Connectivity Curriculum: offline kit {version}

Everything here works without internet.

## Read the book

Open `site/index.html` in a web browser: it opens the English edition. The French and
Spanish editions are `site/fr/index.html` and `site/es/index.html`, and every page links
to the same page in the other languages (top right). Maps and widgets work from the files
in `site/<language>/_static/vendor/` (see `MANIFEST.json` there for their packages and
licences); only the background map tiles need internet, and the layers show without them.

If your browser blocks pages opened from a file, serve the folder instead:

    python -m http.server --directory site 8000

and open <http://localhost:8000>.

## Run the notebooks

You need Python 3.11, 3.11.5 or newer (3.11.9 from <https://www.python.org/downloads/>; on Windows tick "Add
python.exe to PATH" in the installer, which also installs the `py` launcher). Open a
terminal in this folder (Windows: PowerShell or Command Prompt; no `make` needed).

{install}

Start with `00_python_for_gis.ipynb`: its code word tells you and your trainer that the
installation matches the tested one.

## What is inside

| folder or file | what |
| --- | --- |
| `site/` | the book, as published, with all scripts local |
| `notebooks/` | the lessons |
| `data/` | the fictional teaching landscape and its data sheet (`data/README.md`) |
| `gpec_teach/`, `pyproject.toml` | the helper package |
| `requirements-learner.lock` | the exact versions the notebooks were tested with |
{wheel_row}
Licences: code BSD-3-Clause (`LICENSE`), text and notebooks CC BY 4.0
(`LICENSE-CONTENT.md`), synthetic data CC0.
"""

#: The same three steps on every system; only the venv's folder names differ.
STEPS = """\
**{system}**

    {python} -m venv .venv
    {bin}python -m pip install {index}-r requirements-learner.lock
    {bin}python -m pip install {index}--no-deps --no-build-isolation -e .
    {bin}jupyter lab notebooks
"""

SYSTEMS = (
    ("Windows (PowerShell or Command Prompt)", "py -3.11", ".venv\\Scripts\\"),
    ("macOS and Linux", "python3.11", ".venv/bin/"),
)


def install_text(
    platforms: list[Platform] | None, missing: dict[str, list[str]] | None = None
) -> str:
    """Installation section of the kit's README: offline with a wheelhouse, else online.

    >>> "--no-index --find-links wheelhouse" in install_text(list(PLATFORMS))
    True
    >>> "py -3.11 -m venv .venv" in install_text(None)
    True
    """
    index = "--no-index --find-links wheelhouse " if platforms else ""
    steps = "\n".join(
        STEPS.format(system=s, python=py, bin=b, index=index) for s, py, b in SYSTEMS
    )
    if not platforms:
        return (
            "This kit has no wheelhouse, so installing needs internet once (do it before the "
            "workshop):\n\n" + steps + "\nA kit made with `make kit WHEELHOUSE=1` installs with "
            "no internet at all on Windows, macOS and Linux."
        )
    lines = [f"- {p.label}" for p in platforms]
    text = (
        "The `wheelhouse/` folder holds every package as a wheel for Python 3.11 on:\n\n"
        + "\n".join(lines)
        + "\n\nso no internet is needed:\n\n"
        + steps
    )
    left = {name: pins for name, pins in (missing or {}).items() if pins}
    if left:
        names = "; ".join(f"{name}: {', '.join(pins)}" for name, pins in left.items())
        text += (
            f"\nSome packages have no wheel for some systems ({names}); they are listed in "
            "`wheelhouse/MISSING.txt`. On those systems, run the second command once with "
            "internet and without `--no-index --find-links wheelhouse` (pip then builds them from "
            "source, which needs a C compiler: on macOS `xcode-select --install`), or use Binder "
            "or Colab.\n"
        )
    return text


def _offline_assets():
    spec = importlib.util.spec_from_file_location(
        "offline_assets", ROOT / ".ci" / "offline_assets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_kit(out: Path, *, wheelhouse: bool = False, cache: Path | None = None) -> Path:
    """Build the kit archive in *out*; return its path."""
    built = ROOT / "_build" / "html"
    missing = [lang for lang in EDITIONS if not (built / lang / "index.html").is_file()]
    if missing or not (built / "index.html").is_file():
        raise SystemExit(
            f"The site is not built (editions missing: {missing or 'none'}; root index.html: "
            f"{(built / 'index.html').is_file()}): run `make book` first."
        )
    version = (
        (ROOT / "gpec_teach" / "__init__.py").read_text().split('__version__ = "')[1].split('"')[0]
    )
    name = f"gpec-curriculum-kit-{version}"
    stage = out / name
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(built, stage / "site", ignore=shutil.ignore_patterns(".buildinfo", "_sources"))
    assets = _offline_assets()
    unmapped = sum(
        assets.localise(stage / "site" / lang, cache or Path.home() / ".cache" / "gpec-npm")
        for lang in EDITIONS
    )
    if unmapped:
        raise SystemExit(f"{unmapped} CDN URL(s) have no local copy: see the messages above.")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for item in CONTENT:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, stage / item, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, stage / item)
    missing = None
    if wheelhouse:
        missing = fill_wheelhouse(stage / "wheelhouse", (ROOT / LOCK).read_text())
        for platform_name, pins in missing.items():
            if pins:
                print(f"no wheel for {platform_name}: {', '.join(pins)}")
    (stage / "README-OFFLINE.md").write_text(
        README.format(
            version=version,
            install=install_text(list(PLATFORMS) if wheelhouse else None, missing),
            wheel_row="| `wheelhouse/` | every locked package as a wheel (Python 3.11: Linux x86-64, "
            "Windows amd64, macOS x86_64 and arm64) |\n"
            if wheelhouse
            else "",
        ),
        encoding="utf-8",
    )
    archive = out / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(stage, arcname=name)
    shutil.rmtree(stage)
    return archive


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheelhouse",
        action="store_true",
        help="add wheels for Python 3.11 on Linux x86-64, Windows amd64, macOS x86_64 and arm64",
    )
    parser.add_argument(
        "--check-wheels",
        action="store_true",
        help="only report, per platform, the learner pins without a wheel (downloads nothing)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    args = parser.parse_args()
    if args.check_wheels:
        missing = check_wheels((ROOT / LOCK).read_text())
        print(json.dumps(missing, indent=2))
        return
    archive = build_kit(args.out, wheelhouse=args.wheelhouse)
    print(f"Offline kit: {archive} ({archive.stat().st_size / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
