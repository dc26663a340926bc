"""The episode scheme (issue 17): every notebook is split into episodes of 15-30 minutes of
teaching, with its challenges inside, minutes declared in the metadata, shown on the page and
not below what the content needs. See gpec_teach/episodes.py and CONTRIBUTING.md.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from gpec_teach import episodes as ep

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Notebooks not yet restructured into episodes. THE one list: tests/test_curriculum.py and
#: tests/test_readability.py import it. Remove a notebook when you convert it; a test fails
#: if a notebook listed here already declares episodes.
PENDING: set[str] = set()

CONVERTED = [p for p in NOTEBOOKS if p.stem not in PENDING]
converted_param = pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.stem)
EXERCISE_LABEL = re.compile(r"^[`:]{3,}\{exercise(?:-start)?\}.*?\n:label:\s*(\S+)", re.M)


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _md(text: str, episode: str | None = None) -> dict:
    meta = {"gpec": {"episode": episode}} if episode else {}
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def _code(text: str, outputs: list | None = None) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": outputs or []}


def _episode(eid="01a", title="A", teaching=15, exercises=5, optional=False, challenges=()):
    return {
        "id": eid,
        "title": title,
        "teaching": teaching,
        "exercises": exercises,
        "optional": optional,
        "challenges": list(challenges),
    }


EXERCISE = (
    "```{exercise} 01.1: count\n:label: ex-1\n:nonumber:\n\nCount the parts and check "
    'with `check("01.1", n)`.\n```\n\n```{solution-start} ex-1\n:class: dropdown\n```\n\n'
    '```python\nn = 3\ncheck("01.1", n)\n```\n\nThree.\n\n```{solution-end}\n```\n'
)


def _toy() -> dict:
    """One episode: 280 words, 6 lines of code, one figure, one check() challenge."""
    png = [{"output_type": "display_data", "data": {"image/png": "x", "text/plain": "F"}}]
    return {
        "metadata": {"gpec": {"episodes": [_episode(challenges=["ex-1"])]}},
        "cells": [
            _md("# Title"),
            _md("## A\n\n" + "word " * 279, "01a"),
            _code("a = 1\nb = 2\n# a comment\n\nc = a + b"),
            _code("x = 1\ny = 2\nplot(x, y)", png),
            _md(EXERCISE),
            _md("## Key points\n\n- one"),
        ],
    }


# ------------------------------------------------------------------ the scheme, unit tests
def test_estimate_of_a_hand_worked_episode():
    est = ep.estimate_episode(_toy(), "01a")
    # prose: "A" + 279 words = 280 words / 140 wpm = 2 min
    # code: 3 + 3 lines (blank and comment lines not counted) x 1/3 min = 2 min; 1 figure 1 min
    assert (est.words, est.code_lines, est.figures, est.maps) == (280, 6, 1, 0)
    assert est.teaching == pytest.approx(2 + 2 + 1)
    # challenge "check": 4 min + its words / 140 + 2 code lines x 1/3
    # inline code (`check("01.1", n)`) counts as one word
    prompt_words = len("01.1: count Count the parts and check with code".split())
    assert est.challenges == (("ex-1", "check"),)
    words = ep._words(
        ep.exercise_blocks(EXERCISE)[0][1] + "\n" + ep.exercise_blocks(EXERCISE)[0][2]
    )
    assert words == prompt_words + 1  # + "Three."
    assert est.exercises == pytest.approx(4 + words / 140 + 2 / 3)


def test_exercise_kinds_and_their_minutes():
    assert ep.exercise_kind("Predict the curve.", "It drops.") == "predict"
    assert ep.exercise_kind("Which road would you remove?", "The first.") == "discuss"
    assert ep.exercise_kind("What does this map show?", "A gap.") == "interpret"
    assert ep.exercise_kind("Compute it.", "```python\nx = 1\n```") == "code"
    assert set(ep.EXERCISE_MINUTES) == {"predict", "check", "interpret", "discuss", "code"}


def test_episode_cells_end_at_key_points_and_split_at_each_heading():
    nb = _toy()
    nb["metadata"]["gpec"]["episodes"].append(_episode("01b", "Going further: B", optional=True))
    nb["cells"].insert(4, _md("## Going further: B", "01b"))
    assert ep.episode_cells(nb) == {"01a": [1, 2, 3], "01b": [4, 5]}


def test_episodes_table_and_totals_are_generated(tmp_path):
    nb = _toy()
    nb["metadata"]["gpec"]["episodes"].append(
        _episode("01b", "Going further: B", teaching=10, exercises=0, optional=True)
    )
    nb["cells"].insert(1, _md("## Imports"))
    nb["cells"].append(_md("## Going further: B", "01b"))
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps(nb))
    assert ep.sync_notebook(path) is True
    saved = json.loads(path.read_text())
    # core episodes only: 15 + 5; the optional one is shown apart
    assert (saved["metadata"]["gpec"]["teaching"], saved["metadata"]["gpec"]["exercises"]) == (
        15,
        5,
    )
    cell = saved["cells"][1]
    assert cell["metadata"] == {"gpec": {"generated": "episodes"}}
    text = "".join(cell["source"])
    assert "Teaching 15 min and exercises 5 min: 20 min in all." in text
    assert "| 01b Going further: B (optional) | 10 min | 0 min | 0 |" in text
    assert ep.sync_notebook(path) is False  # a second run changes nothing


def test_prerequisites_read_from_the_table(repo_root):
    assert ep.prerequisites(repo_root / "notebooks" / "08_circuit_theory.ipynb") == [
        ("00", "Necessary"),
        ("01", "Necessary"),
        ("03", "Helpful"),
        ("04", "Necessary"),
        ("07", "Necessary"),
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"id": "01a"}, r"keys must be exactly .*missing \['challenges'"),
        (_episode(eid="1.1"), r"episode id '1.1' must be unique and look like '01a'"),
        (_episode(teaching=-5), r"teaching must be a whole number of minutes >= 0; got -5"),
        (_episode(teaching=True), r"teaching must be a whole number of minutes >= 0; got True"),
        ({**_episode(), "optional": "no"}, r"optional must be true or false; got 'no'"),
        ({**_episode(), "challenges": "ex-1"}, r"challenges must be a list of exercise labels"),
    ],
)
def test_bad_metadata_is_explained(entry, message):
    nb = {"metadata": {"gpec": {"episodes": [entry]}}, "cells": []}
    with pytest.raises(ValueError, match=message):
        ep.declared_episodes(nb)


def test_repeated_episode_id_is_refused():
    nb = {"metadata": {"gpec": {"episodes": [_episode(), _episode()]}}, "cells": []}
    with pytest.raises(ValueError, match="episode id '01a' must be unique"):
        ep.declared_episodes(nb)


def test_missing_heading_wrong_title_and_missing_challenge_are_explained():
    nb = _toy()
    nb["cells"][1]["metadata"] = {}
    with pytest.raises(ValueError, match=r"heading cells .* are \[\], but .* declares \['01a'\]"):
        ep.episode_cells(nb)
    nb = _toy()
    nb["metadata"]["gpec"]["episodes"][0]["title"] = "B"
    with pytest.raises(ValueError, match="must begin with the heading '## B'"):
        ep.episode_cells(nb)
    nb = _toy()
    nb["cells"].append(nb["cells"].pop(4))  # the exercise moves after Key points
    with pytest.raises(ValueError, match=r"lists challenges \['ex-1'\] that are not in its cells"):
        ep.estimate_episode(nb, "01a")
    with pytest.raises(ValueError, match="unknown episode '01z'"):
        ep.estimate_episode(_toy(), "01z")


def test_bad_inputs_are_explained(tmp_path):
    with pytest.raises(TypeError, match="notebook must be a path or a notebook dict; got int"):
        ep.load_notebook(3)
    path = tmp_path / "02_x.ipynb"
    path.write_text(json.dumps({"metadata": {}, "cells": []}))
    with pytest.raises(ValueError, match="02_x.ipynb declares no episodes"):
        ep.sync_notebook(path)


# ------------------------------------------------------------ the scheme, on the notebooks
def test_pending_names_existing_notebooks_only():
    stems = {p.stem for p in NOTEBOOKS}
    assert PENDING <= stems, f"PENDING names notebooks that do not exist: {PENDING - stems}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pending_notebook_is_not_yet_converted(path):
    if path.stem in PENDING and ep.declared_episodes(path):
        pytest.fail(
            f"{path.stem} declares episodes but is still in PENDING: remove it from PENDING "
            "in tests/test_episodes.py so that every episode test applies to it",
            pytrace=False,
        )


@converted_param
def test_episodes_are_declared_and_marked(path):
    nb = _nb(path)
    episodes = ep.declared_episodes(nb)
    assert episodes, f"{path.name}: declare metadata.gpec.episodes (see CONTRIBUTING.md)"
    ep.episode_cells(nb)  # raises with the fix when headings and metadata disagree
    number = path.stem[:2]
    low, high = ep.TEACHING_RANGE
    for e in episodes:
        assert e["id"].startswith(number), (
            f"{path.name}: episode {e['id']} must start with {number}"
        )
        if e["optional"]:
            assert e["title"].startswith("Going further"), (
                f"{path.name}: optional episode {e['id']} must be titled 'Going further: ...'"
            )
            assert e["teaching"] <= high, f"{path.name}: {e['id']} over {high} minutes: split it"
        else:
            assert low <= e["teaching"] <= high, (
                f"{path.name}: episode {e['id']} declares {e['teaching']} minutes of teaching; "
                f"an episode has {low}-{high}: split or merge episodes"
            )
            assert e["challenges"], f"{path.name}: episode {e['id']} needs a challenge of its own"
    assert [e["id"] for e in episodes] == sorted(e["id"] for e in episodes)


@converted_param
def test_every_exercise_sits_in_its_episode(path):
    nb = _nb(path)
    text = "\n".join(ep._source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    labels = EXERCISE_LABEL.findall(text)
    listed = [c for e in ep.declared_episodes(nb) for c in e["challenges"]]
    assert sorted(labels) == sorted(listed), (
        f"{path.name}: exercises {sorted(labels)} but episodes list {sorted(listed)}: each "
        "exercise label belongs to exactly one episode's challenges"
    )
    for e in ep.declared_episodes(nb):
        ep.estimate_episode(nb, e["id"])  # raises if a listed challenge is outside the episode
    headings = [ep._source(c).split("\n")[0].strip().lower() for c in nb["cells"]]
    assert "## exercises" not in headings, (
        f"{path.name}: no '## Exercises' section at the end: challenges sit in their episodes"
    )


@converted_param
def test_declared_time_is_not_below_the_estimate(path):
    problems = []
    for e in ep.declared_episodes(path):
        est = ep.estimate_episode(path, e["id"])
        for key, needed in (("teaching", est.teaching), ("exercises", est.exercises)):
            if e[key] < math.ceil(needed - 1e-9):
                problems.append(
                    f"episode {e['id']} declares {e[key]} min of {key}, its content needs "
                    f"{needed:.1f} ({est.words} words, {est.code_lines} lines of code, "
                    f"{est.figures} figures, {est.maps} maps, challenges {est.challenges})"
                )
    assert not problems, (
        f"{path.name}: declared time below the estimate: raise the minutes, or split the "
        "episode, or move material to a 'Going further' episode:\n  " + "\n  ".join(problems)
    )


@converted_param
def test_episodes_table_and_totals_in_sync(path):
    if ep.sync_notebook(path, write=False):
        pytest.fail(
            f"{path.name}: the Episodes table or metadata gpec.teaching/exercises is out of "
            f"sync with metadata.gpec.episodes: run python -m gpec_teach.episodes {path.relative_to(ROOT)}",
            pytrace=False,
        )
