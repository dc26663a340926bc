"""The notebook template of ../shared/CURRICULUM.md, enforced for every notebook.

Each rule is one test, parametrised over the notebooks, so a failure reads
``test_rule[NN_slug]`` and its message names the notebook, the rule and what to fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from test_episodes import PENDING

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
REQUIRED_SECTIONS = (
    "Overview",
    "Prerequisites",
    "Imports",
    "Key points",
    "What's next",
    "References",
)
MAX_CODE_LINES = 20
MAX_BYTES = 2 * 1024 * 1024
NAME_RE = re.compile(r"^\d{2}_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
EXERCISE_RE = re.compile(r"^[`:]{3,}\{exercise(?:-start)?\}.*?\n:label:\s*(\S+)", re.M)
SOLUTION_RE = re.compile(r"^[`:]{3,}\{solution(?:-start)?\}\s+(\S+)(?P<opts>(?:\n:[^\n]*)*)", re.M)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _headings(nb: dict) -> list[tuple[int, int, str]]:
    """(cell index, level, text) of every markdown heading outside code fences."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        fence = False
        for line in _source(cell).splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fence = not fence
                continue
            match = HEADING_RE.match(line)
            if match and not fence:
                found.append((index, len(match.group(1)), match.group(2)))
    return found


def _section_index(nb: dict, title: str) -> int | None:
    for index, level, text in _headings(nb):
        if level == 2 and text.strip().lower() == title.lower():
            return index
    return None


def _section_text(nb: dict, title: str) -> str:
    start = _section_index(nb, title)
    if start is None:
        return ""
    level2 = [i for i, level, _ in _headings(nb) if level == 2 and i > start]
    end = level2[0] if level2 else len(nb["cells"])
    return "\n".join(_source(c) for c in nb["cells"][start:end] if c["cell_type"] == "markdown")


def _is_setup_cell(cell: dict) -> bool:
    """The Colab setup cell of .ci/colab_cell.py: hidden from the site, exempt from the template."""
    return "colab-setup" in cell.get("metadata", {}).get("tags", [])


def _fail(path: Path, rule: str, detail: str) -> None:
    pytest.fail(f"notebooks/{path.name} breaks the rule '{rule}': {detail}", pytrace=False)


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files: list[str] = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return files


notebook_param = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_toc_lists_every_notebook_and_only_existing_files():
    listed = _toc_files()
    for entry in listed:
        candidates = [ROOT / f"{entry}{ext}" for ext in ("", ".md", ".ipynb")]
        assert any(c.is_file() for c in candidates), (
            f"_toc.yml lists {entry}, which does not exist"
        )
    listed_notebooks = {e for e in listed if e.startswith("notebooks/")}
    missing = [p.name for p in NOTEBOOKS if f"notebooks/{p.stem}" not in listed_notebooks]
    assert not missing, f"notebooks missing from _toc.yml: {', '.join(missing)}"
    order = [e for e in listed if e.startswith("notebooks/")]
    assert order == sorted(order), f"_toc.yml lists notebooks out of NN order: {order}"


@notebook_param
def test_file_name_and_size(path):
    if not NAME_RE.match(path.name):
        _fail(
            path, "file name NN_slug.ipynb", "use two digits, an underscore and a lowercase slug"
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        _fail(path, "under 2 MB", f"the file is {size / 2**20:.2f} MB; shrink figures or maps")


@notebook_param
def test_front_matter_has_timings(path):
    meta = _load(path)["metadata"].get("gpec", {})
    for key in ("teaching", "exercises"):
        if not isinstance(meta.get(key), int) or meta[key] <= 0:
            _fail(
                path,
                "front matter",
                f"metadata.gpec.{key} (minutes, a positive integer) is missing",
            )


@notebook_param
def test_sections_in_template_order(path):
    nb = _load(path)
    headings = _headings(nb)
    if not headings or headings[0][1] != 1:
        _fail(path, "title", "the first heading must be the '# Title' of the notebook")
    if sum(1 for _, level, _ in headings if level == 1) != 1:
        _fail(path, "title", "use exactly one level-1 heading (the title)")
    positions = []
    for title in REQUIRED_SECTIONS:
        index = _section_index(nb, title)
        if index is None:
            _fail(path, f"section '## {title}'", "the section is missing")
        positions.append(index)
    if positions != sorted(positions):
        _fail(
            path,
            "section order",
            f"sections must come in the order {', '.join(REQUIRED_SECTIONS)}",
        )


@notebook_param
def test_overview_objectives_and_time_to_learn(path):
    nb = _load(path)
    overview = _section_text(nb, "Overview")
    objectives = overview.split("able to", 1)[1] if "able to" in overview else ""
    items = re.findall(r"^\s*(?:[-*]|\d+\.)\s+\S", objectives, re.M)
    if not 3 <= len(items) <= 5:
        _fail(
            path,
            "objectives",
            f"Overview needs 3-5 objectives after 'you will be able to' (found {len(items)})",
        )
    prereq = _section_text(nb, "Prerequisites")
    if not re.search(r"\|\s*Concept\s*\|\s*Importance\s*\|\s*Notes\s*\|", prereq):
        _fail(path, "prerequisites table", "add a table with columns Concept | Importance | Notes")
    time_line = re.search(r"Time to learn\**:?\**\s*\d+\s*minutes", prereq)
    if path.stem in PENDING:  # not yet in episodes (tests/test_episodes.py): the old line
        if not time_line:
            _fail(path, "time to learn", "add 'Time to learn: N minutes' to Prerequisites")
        return
    # In episodes, the generated Episodes table replaces the single line, just before Imports.
    if time_line:
        _fail(
            path,
            "episode minutes",
            "remove 'Time to learn': the generated Episodes table shows the minutes",
        )
    episodes, imports = _section_index(nb, "Episodes"), _section_index(nb, "Imports")
    if episodes is None or imports is None or not episodes < imports:
        _fail(
            path,
            "episode minutes",
            "the generated '## Episodes' cell must come before '## Imports': run "
            f"python -m gpec_teach.episodes notebooks/{path.name}",
        )
    meta = nb["cells"][episodes].get("metadata", {}).get("gpec", {})
    if meta.get("generated") != "episodes":
        _fail(path, "episode minutes", "the '## Episodes' cell must be the generated one")


@notebook_param
def test_imports_in_one_cell(path):
    nb = _load(path)
    start = _section_index(nb, "Imports")
    code = [
        (i, c)
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and not _is_setup_cell(c)
    ]
    if not code or start is None or code[0][0] < start:
        _fail(path, "imports", "the first code cell must come after the '## Imports' heading")
    for index, cell in code[1:]:
        if re.search(r"^\s*(import|from)\s+\w", _source(cell), re.M):
            _fail(
                path,
                "imports",
                f"code cell {index} imports something: move it to the Imports cell",
            )


@notebook_param
def test_exercises_have_collapsed_solutions(path):
    nb = _load(path)
    text = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    labels = EXERCISE_RE.findall(text)
    needed = 1 if path.name.startswith("00_") else 2
    if len(labels) < needed:
        _fail(
            path,
            "exercises",
            f"needs at least {needed} exercise(s) with a :label: (found {len(labels)})",
        )
    solutions = {m.group(1): m.group("opts") for m in SOLUTION_RE.finditer(text)}
    for label in labels:
        if label not in solutions:
            _fail(path, "solutions", f"exercise '{label}' has no solution block")
        if ":class: dropdown" not in solutions[label]:
            _fail(
                path,
                "solutions",
                f"the solution of '{label}' must be collapsed (:class: dropdown)",
            )


@notebook_param
def test_figures_have_caption_and_alt_text(path):
    nb = _load(path)
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            for alt in re.findall(r"!\[([^\]]*)\]\(", _source(cell)):
                if not alt.strip():
                    _fail(path, "alt text", f"markdown cell {index} has an image without alt text")
            continue
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if not images:
            continue
        meta = cell.get("metadata", {}).get("mystnb", {})
        if not meta.get("figure", {}).get("caption") or not meta.get("image", {}).get("alt"):
            _fail(
                path,
                "figure caption and alt text",
                f"code cell {index} draws a figure: set metadata mystnb.figure.caption and mystnb.image.alt",
            )


@notebook_param
def test_code_cells_short_and_at_most_one_def(path):
    nb = _load(path)
    defs = 0
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or _is_setup_cell(cell):
            continue
        source = _source(cell)
        lines = [line for line in source.splitlines() if line.strip()]
        if len(lines) > MAX_CODE_LINES:
            _fail(
                path,
                "short code cells",
                f"code cell {index} has {len(lines)} lines (max {MAX_CODE_LINES}); move logic to gpec_teach",
            )
        defs += len(re.findall(r"^\s*def\s", source, re.M))
    if defs > 1:
        _fail(
            path,
            "at most one def",
            f"found {defs} function definitions; put helpers in gpec_teach",
        )


@notebook_param
def test_committed_executed_with_a_checked_result(path):
    nb = _load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and not _is_setup_cell(c)]
    unexecuted = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and not _is_setup_cell(c) and c.get("execution_count") is None
    ]
    if unexecuted:
        _fail(
            path,
            "committed executed",
            f"code cells {unexecuted} have no output; run the notebook and save it",
        )
    errors = [
        o.get("ename")
        for c in code
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    if errors:
        _fail(path, "committed executed", f"saved outputs contain errors: {errors}")
    tagged = [c for c in code if "nbval-check-output" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        _fail(
            path,
            "checked result",
            "tag at least one result cell 'nbval-check-output' (JupyterLab: property inspector,"
            " cell tags); nbval then compares its output",
        )
    # Test markers belong in cell metadata, not in the code learners read on the site.
    marked = [i for i, c in enumerate(code) if re.search(r"#\s*NBVAL_", _source(c))]
    if marked:
        _fail(
            path,
            "no test markers on the page",
            f"code cells {marked} carry an '# NBVAL_...' comment: use the nbval cell tag instead",
        )


#: Paths of a build machine that must never appear in a committed output.
_MACHINE_PATH = re.compile(r"(/tmp/|/var/folders/|/home/runner/|/work/|/root/|ipykernel_\d+)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_free_of_reader_noise(path):
    """What the site shows from the saved outputs: real figures, clean tables, no machine paths."""
    nb = _load(path)
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = "".join(output.get("text", "")) + "".join(data.get("text/plain", ""))
            html = "".join(data.get("text/html", ""))
            if "<Figure size" in text and "image/png" not in data:
                _fail(path, "figures drawn", f"cell {index} shows '<Figure size ...>' as text")
            found = _MACHINE_PATH.search(text + html)
            if found:
                _fail(
                    path,
                    "no machine paths",
                    f"cell {index} shows the path {found.group(0)!r}: print names relative "
                    "to the notebook, or write to outputs/",
                )
            heads = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
            for body in heads:
                rows = re.findall(r"<tr>\s*<th>([^<]*)</th>", body)
                if len(rows) > 1 and rows == [str(i) for i in range(len(rows))]:
                    _fail(
                        path,
                        "no meaningless index",
                        f"cell {index} shows a table with row numbers 0..{len(rows) - 1} as its "
                        "index: set_index() on the column that names a row, or hide the index",
                    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_saved_widget_state(path):
    """Saved widget state (up to 130 kB per notebook) is never used: the site shows static
    snapshots and live widgets re-render when the cell runs. Strip it before committing."""
    if "widgets" in _load(path).get("metadata", {}):
        _fail(
            path,
            "no saved widget state",
            "remove metadata.widgets (JupyterLab: Settings > Save Widget State Automatically off)",
        )
