"""Build the offline kit: one archive a trainer copies to a USB stick.

The kit holds the built site with every script served locally (so maps and widgets work
with no internet), the notebooks, the teaching data, the ``gpec_teach`` package and the
lock file, plus ``README-OFFLINE.md`` with what to do in the room. With ``--wheelhouse``
it also carries every locked package as a wheel for Linux x86-64 and Python 3.11, so
the notebooks install and run without internet.

Usage (``make kit`` builds the book first)::

    python .ci/make_kit.py [--wheelhouse] [--out DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = (
    "notebooks",
    "data",
    "gpec_teach",
    "pyproject.toml",
    "requirements.lock",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "CITATION.cff",
    "README.md",
)

README = """\
# GPEC Connectivity Curriculum: offline kit {version}

Everything here works without internet.

## Read the book

Open `site/index.html` in a web browser. Maps and widgets work from the files in
`site/_static/vendor/` (see `MANIFEST.json` there for their packages and licences); only
the background map tiles need internet, and the layers show without them.

If your browser blocks pages opened from a file, serve the folder instead:

    python3 -m http.server --directory site 8000

and open <http://localhost:8000>.

## Run the notebooks

You need Python 3.11 on Linux, macOS or Windows.

{install}

Then:

    .venv/bin/jupyter lab notebooks

(on Windows: `.venv\\Scripts\\jupyter lab notebooks`). Start with `00_python_for_gis.ipynb`: its
code word tells you and your trainer that the installation matches the tested one.

## What is inside

| folder or file | what |
| --- | --- |
| `site/` | the book, as published, with all scripts local |
| `notebooks/` | the lessons |
| `data/` | the fictional teaching landscape and its data sheet (`data/README.md`) |
| `gpec_teach/`, `pyproject.toml` | the helper package |
| `requirements.lock` | the exact versions the notebooks were tested with |
{wheel_row}
Licences: code BSD-3-Clause (`LICENSE`), text and notebooks CC BY 4.0
(`LICENSE-CONTENT.md`), synthetic data CC0.
"""

INSTALL_WHEELS = """\
With the wheelhouse in this kit (Linux x86-64 only), no internet is needed:

    python3.11 -m venv .venv
    .venv/bin/pip install --no-index --find-links wheelhouse -r requirements.lock
    .venv/bin/pip install --no-index --no-deps --no-build-isolation -e ."""

INSTALL_ONLINE = """\
This kit has no wheelhouse, so installing needs internet once (do it before the
workshop):

    python3.11 -m venv .venv
    .venv/bin/pip install -r requirements.lock
    .venv/bin/pip install --no-deps --no-build-isolation -e .

A kit made with `make kit WHEELHOUSE=1` installs with no internet at all (Linux x86-64)."""


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
    if not (built / "index.html").is_file():
        raise SystemExit("The site is not built: run `make book` first.")
    version = (
        (ROOT / "gpec_teach" / "__init__.py").read_text().split('__version__ = "')[1].split('"')[0]
    )
    name = f"gpec-curriculum-kit-{version}"
    stage = out / name
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(built, stage / "site", ignore=shutil.ignore_patterns(".buildinfo", "_sources"))
    unmapped = _offline_assets().localise(
        stage / "site", cache or Path.home() / ".cache" / "gpec-npm"
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
    if wheelhouse:
        # Wheels for this interpreter: make kit runs in .venv (CPython 3.11); the kit's
        # wheelhouse is for Linux x86-64, so build it on such a machine.
        if not (sys.platform == "linux" and platform.machine() == "x86_64"):
            raise SystemExit("--wheelhouse must run on Linux x86-64 (the wheels are for it).")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                "-r",
                str(ROOT / "requirements.lock"),
                "-d",
                str(stage / "wheelhouse"),
            ],
            check=True,
        )
    (stage / "README-OFFLINE.md").write_text(
        README.format(
            version=version,
            install=INSTALL_WHEELS if wheelhouse else INSTALL_ONLINE,
            wheel_row="| `wheelhouse/` | every locked package as a wheel (Linux x86-64, Python 3.11) |\n"
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
        "--wheelhouse", action="store_true", help="add wheels for Linux x86-64, Python 3.11"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    args = parser.parse_args()
    archive = build_kit(args.out, wheelhouse=args.wheelhouse)
    print(f"Offline kit: {archive} ({archive.stat().st_size / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
