"""Put the Colab setup cell at the top of every notebook (idempotent).

The site's "Colab" launch button opens a notebook on Google Colab, where neither
``gpec_teach`` nor the teaching data exist. The first code cell of every notebook, written
by this script, installs the package from the repository at the branch of ``_config.yml``
and fetches the data, ONLY when they are missing: in JupyterLab, on Binder, in the offline
kit and in ``make test`` it does nothing and prints nothing. The cell is tagged
``remove-cell`` (Jupyter Book leaves it out of the site) and ``colab-setup`` (how this
script and the tests find it).

On Colab the cell installs ``gpec_teach[maps]`` with pip, which resolves its dependencies
against the packages Colab already has instead of the exact pins of
``requirements-learner.lock``: replacing Colab's own numpy or pandas under the running
kernel would force a restart. The code word of notebook 00 can therefore differ on Colab.

Usage::

    python .ci/colab_cell.py           # insert or update the cell in notebooks/*.ipynb
    python .ci/colab_cell.py --check   # exit 1 if a notebook lacks the current cell
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab-setup"
CELL_ID = "gpec-colab-setup"

#: What the cell decides; kept apart so the tests can run it on its own.
LOGIC = '''\
# Setup for Google Colab and other fresh machines (hidden on the website): installs gpec_teach
# and fetches the teaching data ONLY when they are missing; in JupyterLab, on Binder and in
# the offline kit it does nothing. Written by .ci/colab_cell.py: change the script, not the cell.
import importlib.util
import os
import sys
from pathlib import Path


def _gpec_data_folder():
    """Return the folder gpec_teach would read the teaching data from, or None."""
    if os.environ.get("GPEC_DATA_DIR"):
        return Path(os.environ["GPEC_DATA_DIR"])
    if importlib.util.find_spec("gpec_teach") is None:
        return None
    from gpec_teach.data import data_dir

    try:
        return data_dir()
    except FileNotFoundError:
        return None


def _gpec_setup_plan(package_found, data_folder):
    """Return the steps needed: "install" gpec_teach, "fetch" the data ([] when both are here)."""
    data_found = data_folder is not None and (Path(data_folder) / "SHA256SUMS").is_file()
    steps = [] if package_found else ["install"]
    return steps if data_found else [*steps, "fetch"]
'''

ACTION = """

_GPEC_ARCHIVE = "{url}/archive/{ref}.tar.gz"
_gpec_found = importlib.util.find_spec("gpec_teach") is not None
_gpec_plan = _gpec_setup_plan(_gpec_found, _gpec_data_folder())
if _gpec_plan:
    import subprocess
    import tarfile
    import urllib.request

    _gpec_home = Path.home() / "gpec-curriculum" / "{ref}"
    if not _gpec_home.is_dir():
        print(f"Downloading the curriculum ({{_GPEC_ARCHIVE}}) ...")
        _gpec_file, _ = urllib.request.urlretrieve(_GPEC_ARCHIVE)
        with tarfile.open(_gpec_file) as _gpec_tar:
            _gpec_safe = {{"filter": "data"}} if hasattr(tarfile, "data_filter") else {{}}
            _gpec_tar.extractall(_gpec_home, **_gpec_safe)
    _gpec_source = next(p for p in _gpec_home.iterdir() if (p / "pyproject.toml").is_file())
    if "install" in _gpec_plan:
        print("Installing gpec_teach and its dependencies (about a minute) ...")
        _gpec_pip = [sys.executable, "-m", "pip", "install", "--quiet"]
        subprocess.run([*_gpec_pip, f"{{_gpec_source}}[maps]"], check=True)
        importlib.invalidate_caches()
    os.environ["GPEC_DATA_DIR"] = str(_gpec_source / "data")
    print(
        "Ready. If an import fails, restart the session (Runtime > Restart session) and run"
        " the notebook again: this cell then finds what it installed."
    )
"""


def repository(config_text: str) -> tuple[str, str]:
    r"""Return the repository URL and branch of a Jupyter Book ``_config.yml``.

    >>> repository("repository:\n  url: https://github.com/o/r/\n  branch: main\n")
    ('https://github.com/o/r', 'main')
    """
    config = yaml.safe_load(config_text) or {}
    repo = config.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(
            f"_config.yml: repository.url must be a GitHub URL for Colab, got {url!r}; "
            "set it to https://github.com/OWNER/NAME."
        )
    return url, str(repo.get("branch") or "main")


def cell_source(url: str, ref: str) -> str:
    """Return the code of the setup cell for the repository *url* at branch or tag *ref*."""
    return LOGIC + ACTION.format(url=url, ref=ref)


def setup_cell(url: str, ref: str) -> dict:
    """Return the setup cell as notebook JSON (unexecuted; hidden from the site)."""
    lines = cell_source(url, ref).splitlines(keepends=True)
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {"tags": ["remove-cell", TAG]},
        "outputs": [],
        "source": lines,
    }


def is_setup_cell(cell: dict) -> bool:
    """Tell whether *cell* is a setup cell written by this script (any version)."""
    return TAG in cell.get("metadata", {}).get("tags", [])


def _same(found: dict, cell: dict) -> bool:
    """Tell whether *found* is *cell*, executed or not (run counts and timings aside).

    An executed notebook keeps the cell's execution count and nbconvert's timing metadata;
    the cell must still have the current code and tags, and no output (it prints nothing
    where the package and the data are present).
    """
    return (
        found.get("cell_type") == cell["cell_type"]
        and "".join(found.get("source", [])) == "".join(cell["source"])
        and found.get("metadata", {}).get("tags") == cell["metadata"]["tags"]
        and not found.get("outputs")
    )


def apply(notebook: dict, cell: dict) -> bool:
    """Make *cell* the first cell of *notebook*, replacing older copies; return True if changed.

    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# T"]}]}
    >>> cell = setup_cell("https://github.com/o/r", "main")
    >>> apply(nb, cell), apply(nb, cell), len(nb["cells"])
    (True, False, 2)
    """
    cells = notebook["cells"]
    if cells and _same(cells[0], cell) and not any(is_setup_cell(c) for c in cells[1:]):
        return False
    notebook["cells"] = [cell] + [c for c in cells if not is_setup_cell(c)]
    return True


def dumps(notebook: dict) -> str:
    """Serialise a notebook the way Jupyter does (one-space indent, UTF-8, keys kept in order)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Insert or check the setup cell in every notebook; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report outdated notebooks")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    args = parser.parse_args(argv)
    url, ref = repository((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cell = setup_cell(url, ref)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    outdated = []
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if apply(notebook, cell):
            outdated.append(path.name)
            if not args.check:
                path.write_text(dumps(notebook), encoding="utf-8")
    verb = "lack the current setup cell" if args.check else "updated"
    print(f"{len(outdated)} of {len(paths)} notebooks {verb}: {', '.join(outdated) or '-'}")
    return 1 if args.check and outdated else 0


if __name__ == "__main__":
    sys.exit(main())
