r"""Episodes of a notebook: their declared minutes, an honest estimate, the table on the page.

A notebook is split into *episodes* of 15-30 minutes of teaching. Each episode begins with a
markdown cell whose first line is its ``## Title`` and whose cell metadata names it
(``{"gpec": {"episode": "01a"}}``). The notebook metadata lists the episodes in order::

    "gpec": {"episodes": [
        {"id": "01a", "title": "What connectivity is", "teaching": 15, "exercises": 10,
         "optional": false, "challenges": ["ex-01-structural"]},
        ...]}

``teaching`` is the time the trainer needs to present the episode with the learners typing
or running its code; ``exercises`` is the time learners work on its challenges (the
``{exercise}`` blocks whose ``:label:`` is listed in ``challenges``). ``optional`` marks a
*Going further* episode an agenda may skip. :func:`sync_notebook` writes the sums of the core
(non-optional) episodes into ``gpec.teaching`` and ``gpec.exercises`` and regenerates the
*Episodes* table shown near the top of the notebook, so the minutes are visible in
JupyterLab, Binder and the website alike.

The estimate (:func:`estimate_episode`) counts what an episode asks of a learner:

.. math::

    T_{teach} = \frac{W}{r} + c \, L + f \, F + m \, M, \qquad
    T_{ex} = \sum_{k} \left(b_{kind(k)} + \frac{W_k}{r} + c \, L_k\right)

with :math:`W` the words of prose outside the challenges, :math:`r` = ``READING_WPM`` words
per minute, :math:`L` the lines of code (not blank, not comments), :math:`c` =
``CODE_MINUTES_PER_LINE``, :math:`F` the figures and display formulas, :math:`M` the
interactive maps; for each challenge :math:`k`, :math:`W_k` the words and :math:`L_k` the
lines of code of its prompt and solution, and :math:`b` a base time by kind
(``EXERCISE_MINUTES``: predict-then-run, check with ``check()``, interpret a map or figure,
discuss or defend a choice, write code).

The reading rate is 140 words per minute: the mean silent reading rate of adults for English
non-fiction is 238 words per minute (Brysbaert 2019, doi:10.1016/j.jml.2019.104047), and the
same review reports lower rates for readers of English as a second language; reading to learn
a technical text is slower again. We take 60 % of the L1 rate for readers of English as a
second language, in line with the slower L2 text reading measured across twelve first
languages by Kuperman et al. (2023, doi:10.1017/S0272263121000954). The factor, the 20 seconds
per line of code and the minutes per figure and per kind of challenge are our assumptions;
timings recorded in workshops (the feedback form of the trainer's guide) should refine them.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "READING_WPM",
    "CODE_MINUTES_PER_LINE",
    "FIGURE_MINUTES",
    "MAP_MINUTES",
    "EXERCISE_MINUTES",
    "TEACHING_RANGE",
    "EpisodeEstimate",
    "load_notebook",
    "declared_episodes",
    "episode_cells",
    "exercise_blocks",
    "exercise_kind",
    "estimate_episode",
    "episodes_markdown",
    "sync_notebook",
    "prerequisites",
    "tour_minutes",
]

#: Words per minute for readers of English as a second language reading a technical text.
READING_WPM = 140
#: Minutes per line of code typed or run (with the trainer explaining it).
CODE_MINUTES_PER_LINE = 1 / 3
#: Minutes to look at a figure (a plot, an image or a display formula) and discuss it.
FIGURE_MINUTES = 1.0
#: Minutes to explore an interactive map.
MAP_MINUTES = 2.0
#: Base minutes per challenge, by kind (thinking, discussing, comparing with a neighbour).
EXERCISE_MINUTES = {"predict": 4, "check": 4, "interpret": 4, "discuss": 5, "code": 3}
#: Declared teaching minutes allowed for a core episode.
TEACHING_RANGE = (15, 30)
#: First line of the generated Episodes cell; the cell metadata is ``gpec.generated``.
GENERATED_MARK = (
    "<!-- Generated from metadata.gpec.episodes by `python -m gpec_teach.episodes`: "
    "edit the metadata, not this cell. -->"
)
_KEYS = {"id", "title", "teaching", "exercises", "optional", "challenges"}
_ID_RE = re.compile(r"^\d{2}[a-z]$")
_OPEN_RE = re.compile(
    r"^\s*(`{3,}|:{3,})\{(exercise|exercise-start|solution|solution-start)\}(.*)$"
)
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")


def load_notebook(notebook) -> dict:
    """Return the notebook as a dict, from a path or a dict (returned as is)."""
    if isinstance(notebook, dict):
        return notebook
    if isinstance(notebook, (str, Path)):
        return json.loads(Path(notebook).read_text(encoding="utf-8"))
    raise TypeError(
        f"notebook must be a path or a notebook dict; got {type(notebook).__name__}. "
        "Pass the .ipynb path."
    )


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def declared_episodes(notebook) -> list[dict]:
    """Return the episodes listed in ``metadata.gpec.episodes``, checked; ``[]`` if none.

    Raises
    ------
    ValueError
        An entry misses a key, has an unknown key, a malformed id, a repeated id, minutes
        that are not positive integers, or ``challenges`` that is not a list of labels.

    Examples
    --------
    >>> nb = {"metadata": {"gpec": {"episodes": [{"id": "01a", "title": "A", "teaching": 15,
    ...       "exercises": 5, "optional": False, "challenges": ["ex-01-1"]}]}}, "cells": []}
    >>> [e["id"] for e in declared_episodes(nb)]
    ['01a']
    """
    nb = load_notebook(notebook)
    episodes = nb.get("metadata", {}).get("gpec", {}).get("episodes", [])
    if not isinstance(episodes, list):
        raise ValueError(
            f"metadata.gpec.episodes must be a list of episodes; got {type(episodes).__name__}."
        )
    seen = set()
    for entry in episodes:
        keys = set(entry) if isinstance(entry, dict) else set()
        if keys != _KEYS:
            raise ValueError(
                f"episode {entry!r}: keys must be exactly {sorted(_KEYS)}; "
                f"missing {sorted(_KEYS - keys)}, unknown {sorted(keys - _KEYS)}."
            )
        if not _ID_RE.match(str(entry["id"])) or entry["id"] in seen:
            raise ValueError(
                f"episode id {entry['id']!r} must be unique and look like '01a' (notebook "
                "number and a letter, in order)."
            )
        seen.add(entry["id"])
        for key in ("teaching", "exercises"):
            value = entry[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"episode {entry['id']}: {key} must be a whole number of minutes >= 0; "
                    f"got {value!r}."
                )
        if not isinstance(entry["optional"], bool):
            raise ValueError(
                f"episode {entry['id']}: optional must be true or false; got {entry['optional']!r}."
            )
        if not isinstance(entry["challenges"], list) or not all(
            isinstance(c, str) for c in entry["challenges"]
        ):
            raise ValueError(
                f"episode {entry['id']}: challenges must be a list of exercise labels such as "
                f"['ex-01-1']; got {entry['challenges']!r}."
            )
    return episodes


def episode_cells(notebook) -> dict[str, list[int]]:
    """Return the cell indices of each episode, from its marked heading cell to the next.

    The last episode ends at the ``## Key points`` heading (or the end of the notebook).

    Raises
    ------
    ValueError
        A declared episode has no heading cell, the marked cells are out of the declared
        order, or a marked cell does not begin with ``## <title>``.

    Examples
    --------
    >>> md = lambda s, m=None: {"cell_type": "markdown", "source": s, "metadata": m or {}}
    >>> nb = {"metadata": {"gpec": {"episodes": [{"id": "01a", "title": "A", "teaching": 15,
    ...       "exercises": 0, "optional": False, "challenges": []}]}},
    ...       "cells": [md("# T"), md("## A", {"gpec": {"episode": "01a"}}), md("text"),
    ...                 md("## Key points")]}
    >>> episode_cells(nb)
    {'01a': [1, 2]}
    """
    nb = load_notebook(notebook)
    declared = declared_episodes(nb)
    cells = nb["cells"]
    marked = [
        (i, c.get("metadata", {}).get("gpec", {}).get("episode"))
        for i, c in enumerate(cells)
        if c.get("metadata", {}).get("gpec", {}).get("episode")
    ]
    ids = [e["id"] for e in declared]
    if [m for _, m in marked] != ids:
        raise ValueError(
            f"episode heading cells (cell metadata gpec.episode) are {[m for _, m in marked]}, "
            f"but metadata.gpec.episodes declares {ids}: mark one heading cell per episode, "
            "in the same order."
        )
    end = len(cells)
    for i, c in enumerate(cells):
        if c["cell_type"] == "markdown" and re.match(
            r"##\s+Key points\s*$", _source(c).strip().split("\n")[0]
        ):
            end = i
            break
    out = {}
    for k, (start, eid) in enumerate(marked):
        title = declared[k]["title"]
        first = _source(cells[start]).strip().split("\n")[0]
        if cells[start]["cell_type"] != "markdown" or first.strip() != f"## {title}":
            raise ValueError(
                f"episode {eid}: its marked cell must begin with the heading '## {title}' "
                f"(the title in metadata.gpec.episodes); it begins with {first!r}."
            )
        stop = marked[k + 1][0] if k + 1 < len(marked) else end
        if stop <= start:
            raise ValueError(f"episode {eid} starts after the '## Key points' heading.")
        out[eid] = list(range(start, stop))
    return out


def exercise_blocks(markdown: str) -> list[tuple[str, str, str]]:
    r"""Return ``(label, prompt, solution)`` of each sphinx-exercise block in *markdown*.

    Understands ``{exercise}`` and gated ``{exercise-start}``/``{exercise-end}`` blocks, and
    ``{solution}`` or gated ``{solution-start} label``/``{solution-end}`` blocks, with
    backtick or colon fences. Directive options (``:label:``...) are not part of the text.

    Examples
    --------
    >>> text = ("```{exercise} Count\n:label: ex-1\n\nHow many?\n```\n"
    ...         "```{solution-start} ex-1\n:class: dropdown\n```\nThree.\n"
    ...         "```{solution-end}\n```\n")
    >>> exercise_blocks(text)
    [('ex-1', 'Count\nHow many?', 'Three.')]
    """
    lines = markdown.split("\n")
    prompts: dict[str, str] = {}
    solutions: dict[str, str] = {}
    order: list[str] = []
    i = 0
    while i < len(lines):
        match = _OPEN_RE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, kind, arg = match.group(1), match.group(2), match.group(3).strip()
        body: list[str] = []
        label = arg if kind.startswith("solution") else ""
        i += 1
        gated = kind.endswith("-start")
        while i < len(lines):
            line = lines[i]
            if gated and re.match(r"^\s*(`{3,}|:{3,})\{(exercise|solution)-end\}", line):
                i += 1
                while (
                    i < len(lines) and lines[i].strip() not in ("```", ":::") and lines[i].strip()
                ):
                    i += 1
                i += 1
                break
            if not gated and line.strip() == fence:
                i += 1
                break
            option = re.match(r"^\s*:([\w-]+):\s*(.*)$", line)
            if option:
                if option.group(1) == "label":
                    label = option.group(2).strip()
            elif not (gated and line.strip() == fence and not body):
                body.append(line)
            i += 1
        text = "\n".join(body).strip()
        if kind.startswith("exercise"):
            if gated:  # the options sit in the first fenced part; drop its closing fence
                text = re.sub(r"^\s*(`{3,}|:{3,})\s*$", "", text, count=1, flags=re.M).strip()
            prompts[label] = "\n".join(part for part in (arg, text) if part)
            order.append(label)
        else:
            solutions[label] = re.sub(r"^\s*(`{3,}|:{3,})\s*\n", "", text, count=1).strip()
    return [(label, prompts[label], solutions.get(label, "")) for label in order]


def _split_code(markdown: str) -> tuple[str, int]:
    """(markdown without fenced code, number of code lines in the fences)."""
    prose, code_lines, fence = [], 0, None
    for line in markdown.split("\n"):
        match = _FENCE_RE.match(line)
        if fence is None and match and not match.group(2).startswith("{"):
            fence = match.group(1)
            continue
        if fence is None and match and match.group(2).startswith("{code-cell"):
            fence = match.group(1)
            continue
        if fence is not None:
            if line.strip() == fence:
                fence = None
            elif line.strip() and not line.strip().startswith("#"):
                code_lines += 1
            continue
        prose.append(line)
    return "\n".join(prose), code_lines


def _words(markdown: str) -> int:
    """Words a reader reads in *markdown* (code fences, options, citations and URLs removed)."""
    text, _ = _split_code(markdown)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"^\s*:[\w-]+:.*$", " ", text, flags=re.M)
    text = re.sub(r"^\s*(`{3,}|:{3,}).*$", " ", text, flags=re.M)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\{(?:foot)?cite(?::\w+)?\}`[^`]*`", " ", text)
    text = re.sub(r"\{\w+\}`([^`<]*)(?:<[^`]*>)?`", r"\1", text)
    text = re.sub(r"`[^`\n]*`", "code", text)  # inline code: one word
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    return len(re.findall(r"[A-Za-z0-9$`][\w'’.\-$`]*", text))


def _formulas(markdown: str) -> int:
    return len(re.findall(r"\$\$.*?\$\$", markdown, flags=re.S)) + len(
        re.findall(r"\{math\}", markdown)
    )


def exercise_kind(prompt: str, solution: str) -> str:
    r"""Return the kind of a challenge, from its text.

    The first that applies of ``predict`` (the prompt asks to predict), ``check`` (``check(`` in prompt or solution),
    ``interpret`` (no code in the solution; the prompt asks about "the map", "this figure",
    "the plot", "each panel"...),
    ``discuss`` (no code in the solution), ``code`` (otherwise).

    Examples
    --------
    >>> exercise_kind("Predict the number, then run the cell.", "")
    'predict'
    >>> exercise_kind("Count them; check with check('01.1', n).", "```python\nn = 3\n```")
    'check'
    >>> exercise_kind("What does the map show?", "The north is cut off.")
    'interpret'
    >>> exercise_kind("Which choice would you defend?", "The first.")
    'discuss'
    """
    text = prompt.lower()
    if "predict" in text:
        return "predict"
    if "check(" in prompt or "check(" in solution:
        return "check"
    if _split_code(solution)[1] == 0:
        if re.search(
            r"\b(?:this|the|each) (?:maps?|figures?|plots?|panels?|curves?|charts?)\b", text
        ):
            return "interpret"
        return "discuss"
    return "code"


@dataclass(frozen=True)
class EpisodeEstimate:
    """What an episode asks of a learner, and the minutes it needs (see the module docs)."""

    episode: str
    words: int
    code_lines: int
    figures: int
    maps: int
    challenges: tuple[tuple[str, str], ...]
    teaching: float
    exercises: float


def estimate_episode(notebook, episode: str) -> EpisodeEstimate:
    r"""Estimate the teaching and exercise minutes an episode's content needs.

    Parameters
    ----------
    notebook : path or dict
    episode : str
        An episode id declared in ``metadata.gpec.episodes``.

    Returns
    -------
    EpisodeEstimate
        Counts and minutes (floats; compare the declared minutes with them).

    Raises
    ------
    ValueError
        Unknown episode id, or a listed challenge that is not in the episode's cells.

    Examples
    --------
    A heading, 140 words and a 3-line code cell: 1 minute of reading and 1 of code.

    >>> md = lambda s, m=None: {"cell_type": "markdown", "source": s, "metadata": m or {}}
    >>> code = {"cell_type": "code", "source": "a = 1\nb = 2\nc = a + b", "metadata": {},
    ...         "outputs": []}
    >>> nb = {"metadata": {"gpec": {"episodes": [{"id": "01a", "title": "A", "teaching": 15,
    ...       "exercises": 0, "optional": False, "challenges": []}]}},
    ...       "cells": [md("## A", {"gpec": {"episode": "01a"}}), md("word " * 139), code]}
    >>> e = estimate_episode(nb, "01a")
    >>> (e.words, e.code_lines, round(e.teaching, 2))
    (140, 3, 2.0)
    """
    nb = load_notebook(notebook)
    cells_of = episode_cells(nb)
    if episode not in cells_of:
        raise ValueError(f"unknown episode {episode!r}; the notebook declares {list(cells_of)}.")
    declared = {e["id"]: e for e in declared_episodes(nb)}[episode]
    words = code_lines = figures = maps = 0
    blocks: dict[str, tuple[str, str]] = {}
    for index in cells_of[episode]:
        cell = nb["cells"][index]
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            found = exercise_blocks(source)
            for label, prompt, solution in found:
                blocks[label] = (prompt, solution)
            # the cell's own prose: cut the exercise and solution blocks out
            prose = _strip_exercises(source)
            words += _words(prose)
            code_lines += _split_code(prose)[1]
            figures += _formulas(prose) + len(re.findall(r"!\[", prose))
            figures += len(re.findall(r"\{(?:figure|image)\}", prose))
        elif cell["cell_type"] == "code":
            code_lines += sum(
                1
                for line in source.split("\n")
                if line.strip() and not line.strip().startswith("#")
            )
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                html = "".join(data.get("text/html", ""))
                if "image/png" in data or "image/svg+xml" in data:
                    figures += 1
                elif "leaflet" in html.lower() or "folium" in html.lower():
                    maps += 1
    missing = sorted(set(declared["challenges"]) - set(blocks))
    if missing:
        raise ValueError(
            f"episode {episode} lists challenges {missing} that are not in its cells: move the "
            "exercise blocks into the episode, or fix metadata.gpec.episodes."
        )
    challenges, exercise_minutes = [], 0.0
    for label in declared["challenges"]:
        prompt, solution = blocks[label]
        kind = exercise_kind(prompt, solution)
        challenges.append((label, kind))
        text = prompt + "\n" + solution
        exercise_minutes += (
            EXERCISE_MINUTES[kind]
            + _words(text) / READING_WPM
            + _split_code(text)[1] * CODE_MINUTES_PER_LINE
        )
    teaching = (
        words / READING_WPM
        + code_lines * CODE_MINUTES_PER_LINE
        + figures * FIGURE_MINUTES
        + maps * MAP_MINUTES
    )
    return EpisodeEstimate(
        episode, words, code_lines, figures, maps, tuple(challenges), teaching, exercise_minutes
    )


def _strip_exercises(markdown: str) -> str:
    """*markdown* without its exercise and solution blocks."""
    lines, out, i = markdown.split("\n"), [], 0
    while i < len(lines):
        match = _OPEN_RE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        fence, kind = match.group(1), match.group(2)
        i += 1
        if kind.endswith("-start"):
            end = re.compile(r"^\s*(`{3,}|:{3,})\{" + kind[:-6] + r"-end\}")
            while i < len(lines) and not end.match(lines[i]):
                i += 1
            i += 2  # the end directive and its closing fence
        else:
            while i < len(lines) and lines[i].strip() != fence:
                i += 1
            i += 1
    return "\n".join(out)


def episodes_markdown(notebook) -> str:
    r"""Return the generated *Episodes* cell: the minutes of each episode and the totals.

    Examples
    --------
    >>> nb = {"metadata": {"gpec": {"episodes": [
    ...     {"id": "01a", "title": "A", "teaching": 15, "exercises": 5, "optional": False,
    ...      "challenges": ["ex-01-1"]},
    ...     {"id": "01b", "title": "Going further: B", "teaching": 10, "exercises": 0,
    ...      "optional": True, "challenges": []}]}}, "cells": []}
    >>> print(episodes_markdown(nb).split("\n", 1)[1])
    ## Episodes
    <BLANKLINE>
    Teaching 15 min and exercises 5 min: 20 min in all. Going further (optional): 10 min more.
    <BLANKLINE>
    | Episode | Teaching | Exercises | Challenges |
    | --- | --- | --- | --- |
    | 01a A | 15 min | 5 min | 1 |
    | 01b Going further: B (optional) | 10 min | 0 min | 0 |
    """
    episodes = declared_episodes(notebook)
    core = [e for e in episodes if not e["optional"]]
    extra = sum(e["teaching"] + e["exercises"] for e in episodes if e["optional"])
    teaching = sum(e["teaching"] for e in core)
    exercises = sum(e["exercises"] for e in core)
    lines = [
        GENERATED_MARK,
        "## Episodes",
        "",
        f"Teaching {teaching} min and exercises {exercises} min: {teaching + exercises} min in all."
        + (f" Going further (optional): {extra} min more." if extra else ""),
        "",
        "| Episode | Teaching | Exercises | Challenges |",
        "| --- | --- | --- | --- |",
    ]
    for e in episodes:
        title = e["title"] + (" (optional)" if e["optional"] else "")
        lines.append(
            f"| {e['id']} {title} | {e['teaching']} min | {e['exercises']} min | "
            f"{len(e['challenges'])} |"
        )
    return "\n".join(lines)


def _generated_cell(nb: dict) -> int | None:
    for index, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("gpec", {}).get("generated") == "episodes":
            return index
    return None


def sync_notebook(path, *, write: bool = True) -> bool:
    """Regenerate the *Episodes* cell and the notebook's total minutes from its episodes.

    The cell (cell metadata ``{"gpec": {"generated": "episodes"}}``) is created just before
    ``## Imports`` if missing; ``gpec.teaching`` and ``gpec.exercises`` become the sums of
    the core episodes. Returns True if anything changed (and, with ``write``, saves it).
    """
    path = Path(path)
    nb = load_notebook(path)
    if not declared_episodes(nb):
        raise ValueError(
            f"{path.name} declares no episodes (metadata.gpec.episodes); nothing to sync."
        )
    episodes = declared_episodes(nb)
    core = [e for e in episodes if not e["optional"]]
    gpec = nb["metadata"].setdefault("gpec", {})
    before = json.dumps(nb, sort_keys=True)
    gpec["teaching"] = sum(e["teaching"] for e in core)
    gpec["exercises"] = sum(e["exercises"] for e in core)
    text = episodes_markdown(nb)
    index = _generated_cell(nb)
    if index is None:
        imports = next(
            (
                i
                for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "markdown" and _source(c).strip().startswith("## Imports")
            ),
            len(nb["cells"]),
        )
        cell = {"cell_type": "markdown", "metadata": {"gpec": {"generated": "episodes"}}}
        nb["cells"].insert(imports, cell)
        index = imports
    nb["cells"][index]["source"] = text.splitlines(keepends=True)
    changed = json.dumps(nb, sort_keys=True) != before
    if changed and write:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


_PREREQ_ROW = re.compile(r"^\|\s*(?P<concept>[^|]*?)\s*\|\s*(?P<importance>[^|]*?)\s*\|")
_NB_LINK = re.compile(r"\]\((?:\.\./notebooks/|\./)?(\d{2})_[a-z0-9_]+(?:\.ipynb)?\)")


def prerequisites(notebook) -> list[tuple[str, str]]:
    r"""Return ``(number, importance)`` of the notebooks linked in the Prerequisites table.

    Prerequisites are declared in the ``## Prerequisites`` section, one table row per
    concept (``| Concept | Importance | Notes |``); a row whose concept links to a notebook
    (``[Title](04_resistance_surfaces)``) makes that notebook a prerequisite with the row's
    importance (``Necessary`` or ``Helpful``).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "## Prerequisites\n\n"
    ...     "| Concept | Importance | Notes |\n| --- | --- | --- |\n"
    ...     "| [Setup](00_python_for_gis) | Necessary | |\n| Maps | Helpful | |\n"}]}
    >>> prerequisites(nb)
    [('00', 'Necessary')]
    """
    nb = load_notebook(notebook)
    out, inside = [], False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in _source(cell).split("\n"):
            if line.startswith("## "):
                inside = line.strip() == "## Prerequisites"
                continue
            row = _PREREQ_ROW.match(line) if inside else None
            if row:
                link = _NB_LINK.search(row.group("concept"))
                if link:
                    out.append((link.group(1), row.group("importance").strip()))
    return out


def tour_minutes(notebook) -> int:
    r"""Return the minutes of a trainer-led tour of a notebook (the one-day reading path).

    A tour reads the Overview, the Key points and the figure captions at ``READING_WPM``,
    shows each figure (``FIGURE_MINUTES``) and map (``MAP_MINUTES``), and leaves 5 minutes
    for questions; rounded up to 5 minutes.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "## Overview\n" + "w " * 279},
    ...                 {"cell_type": "markdown", "source": "## Key points\n- a"}]}
    >>> tour_minutes(nb)  # 282 words / 140 = 2.0 min, + 5 min of questions -> 10
    10
    """
    nb = load_notebook(notebook)
    words, minutes, keep = 0, 5.0, False
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for part in re.split(r"(?m)^(?=## )", _source(cell)):
                heading = part.split("\n", 1)[0].strip()
                if heading.startswith("## "):
                    keep = heading in ("## Overview", "## Key points")
                if keep:
                    words += _words(part)
        else:
            caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                html = "".join(data.get("text/html", "")).lower()
                if "image/png" in data:
                    minutes += FIGURE_MINUTES
                elif "leaflet" in html:
                    minutes += MAP_MINUTES
            if caption:
                words += _words(caption)
    minutes += words / READING_WPM
    return int(5 * math.ceil(minutes / 5 - 1e-9))


def _main(argv: list[str]) -> int:
    """``python -m gpec_teach.episodes NOTEBOOK...``: sync and print declared vs estimated."""
    if not argv:
        print("usage: python -m gpec_teach.episodes notebooks/NN_slug.ipynb ...")
        return 2
    status = 0
    for name in argv:
        changed = sync_notebook(name)
        print(f"{name}: {'updated' if changed else 'in sync'}")
        print("  episode  teaching(declared/estimate)  exercises(declared/estimate)  challenges")
        for e in declared_episodes(name):
            est = estimate_episode(name, e["id"])
            low = e["teaching"] < math.ceil(est.teaching - 1e-9) or e["exercises"] < math.ceil(
                est.exercises - 1e-9
            )
            status |= low
            kinds = ", ".join(f"{label} ({kind})" for label, kind in est.challenges)
            print(
                f"  {e['id']}  {e['teaching']:>4} / {est.teaching:5.1f}"
                f"  {e['exercises']:>4} / {est.exercises:5.1f}  {kinds}"
                + ("  <- declared below the estimate" if low else "")
            )
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
