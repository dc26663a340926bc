"""The trainer kit (issue 17, item 7) and the on-ramp prerequisite (item 3).

- one overview slide deck per module of ``_toc.yml``, self-contained (no network asset),
  holding every learning objective and every figure of its notebooks;
- the self-assessment page and CSV template list every objective, with a 1-5 scale;
- the code of conduct and the forms are in the table of contents and the trainer's guide;
- every method notebook lists notebook 00 as a Necessary prerequisite.

Objectives and figures are read here from the notebooks with this file's own parser, not
with the generator's, so a parsing slip in ``.ci/make_slides.py`` is caught.
"""

from __future__ import annotations

import base64
import csv
import html
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MODULES = {
    "Start here",
    "Module 1: Mapping",
    "Module 2: Corridor design",
    "Module 3: Monitoring",
    "From the course to your country",
}


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_slides", ROOT / ".ci" / "make_slides.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_slides"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


kit = _load_generator()


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _objectives(path: Path) -> list[str]:
    """The numbered or bulleted list after 'able to' in the Overview, one string per item."""
    text = _markdown(path)
    overview = text.split("## Overview", 1)[1].split("\n## ", 1)[0]
    block = overview.split("able to", 1)[1]
    items = re.findall(r"^\s*(?:\d+\.|[-*])\s+(.+(?:\n[ \t]+\S.*)*)", block, re.M)
    return [" ".join(item.split()).rstrip(";.,") for item in items]


def _words(text: str) -> str:
    """Text without markup, entities or punctuation that markup may move: for comparisons."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[`*$]", "", text)
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+([,.;:)])", r"\1", text))  # "<code>x</code> ,"
    return " ".join(text.split()).lower()


def _figures(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(o["data"]["image/png"]).replace("\n", "")
        for c in cells
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]


def _toc_parts() -> dict[str, list[str]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return {p["caption"]: [c["file"] for c in p["chapters"]] for p in toc["parts"]}


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<html></html>")
    assert kit.main([str(site)]) == 0
    return {p.stem: p.read_text(encoding="utf-8") for p in (site / "slides").glob("*.html")}


# --------------------------------------------------------------------------- decks
def test_one_deck_per_module(decks):
    parts = {c: f for c, f in _toc_parts().items() if any(x.startswith("notebooks/") for x in f)}
    assert set(parts) == MODULES
    assert set(decks) == {kit.slug(c) for c in MODULES} | {"index"}
    assert set(decks) == {
        "start_here",
        "mapping",
        "corridor_design",
        "monitoring",
        "from_the_course_to_your_country",
        "index",
    }
    for caption in MODULES:
        assert f'href="{kit.slug(caption)}.html"' in decks["index"]


@pytest.mark.parametrize("caption", sorted(MODULES))
def test_deck_holds_every_objective_figure_and_title(decks, caption):
    deck = decks[kit.slug(caption)]
    words = _words(deck)
    notebooks = [f for f in _toc_parts()[caption] if f.startswith("notebooks/")]
    assert notebooks
    for entry in notebooks:
        path = ROOT / f"{entry}.ipynb"
        objectives = _objectives(path)
        assert 3 <= len(objectives) <= 5, path.name
        for objective in objectives:
            assert _words(objective) in words, f"{path.name}: objective missing: {objective}"
        for png in _figures(path):
            assert f"data:image/png;base64,{png}" in deck, f"{path.name}: a figure is missing"
        title = _markdown(path).split("\n", 1)[0].removeprefix("# ")
        assert _words(title) in words


@pytest.mark.parametrize("caption", sorted(MODULES))
def test_deck_is_self_contained_and_navigable(decks, caption):
    deck = decks[kit.slug(caption)]
    # no asset from a network, and nothing fetched at all: styles and script are inline
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", deck, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//|@import", deck, re.I)
    assert not re.search(r"<script[^>]+src=|<link[^>]+stylesheet", deck, re.I)
    assert "http://" not in deck and "https://" not in deck
    # every image is embedded, decodes as a PNG and has alt text
    images = re.findall(r"<img ([^>]*)>", deck)
    assert images
    for attrs in images:
        data = re.search(r'src="data:image/png;base64,([^"]+)"', attrs).group(1)
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
        assert re.search(r'alt="[^"]{10,}"', attrs)
    # keys move between slides; print puts one slide per page; one h1 for the page
    for key in ("'ArrowRight'", "'ArrowLeft'", "' '", "'Home'", "'End'"):
        assert key in deck
    assert "@media print" in deck and "break-after:page" in deck
    assert deck.count("<h1>") == 1 and '<html lang="en">' in deck


def test_hand_built_deck(tmp_path):
    """A toy book: one part with one notebook of two objectives, one figure, one key point."""
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    nb = {
        "metadata": {"gpec": {"teaching": 20, "exercises": 10}},
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "# Toy <title>\n\nWhy it *matters*.",
            },
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "## Overview\n\nYou will be able to:\n\n1. compute {term}`EC <Equivalent"
                " connected area>`\n   of `cores`;\n2. read **$R$** maps.\n\nNot an item.",
            },
            {
                "cell_type": "code",
                "metadata": {
                    "mystnb": {"figure": {"caption": "A map."}, "image": {"alt": "Alt."}}
                },
                "outputs": [{"output_type": "display_data", "data": {"image/png": png}}],
                "source": "",
            },
            {"cell_type": "markdown", "metadata": {}, "source": "## Key points\n\n- One point."},
        ],
    }
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "07_toy.ipynb").write_text(json.dumps(nb))
    toc = {"root": "x", "parts": [{"caption": "Module 9: Toy part", "chapters": [
        {"file": "notebooks/07_toy"}, {"file": "book/other"}]}, {"caption": "Prose", "chapters": [
        {"file": "book/policy"}]}]}  # fmt: skip
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc))

    (caption, notebooks), *others = kit.modules(tmp_path)
    assert caption == "Module 9: Toy part" and not others  # the prose part has no notebook
    toy = notebooks[0]
    assert toy.objectives == ["compute {term}`EC <Equivalent connected area>` of `cores`",
                              "read **$R$** maps"]  # fmt: skip
    assert toy.minutes == 30 and toy.key_points == ["One point."]
    assert kit.slug(caption) == "toy_part"
    deck = kit.render_deck(caption, notebooks)
    # 1 module slide + title, objectives, 1 figure, key points = 5 slides
    assert deck.count('<section class="slide') == 5
    assert "<li>compute EC of <code>cores</code></li>" in deck
    assert "<li>read <strong>R</strong> maps</li>" in deck
    assert "Toy &lt;title&gt;" in deck and "Why it <em>matters</em>." in deck
    assert f'src="data:image/png;base64,{png}" alt="Alt."' in deck
    assert "07 Toy &lt;title&gt; (30 min)" in deck


def test_main_explains_an_unbuilt_site(tmp_path, capsys):
    assert kit.main([str(tmp_path)]) == 1
    assert "run `make book` first" in capsys.readouterr().err


# --------------------------------------------------------------------------- forms
def _all_objectives() -> list[tuple[str, str]]:
    parts = _toc_parts()
    return [
        (Path(entry).name[:2], objective)
        for caption in parts
        for entry in parts[caption]
        if entry.startswith("notebooks/")
        for objective in _objectives(ROOT / f"{entry}.ipynb")
    ]


def test_forms_are_up_to_date():
    stale = kit.pages_up_to_date()
    assert not stale, f"{stale} out of date: run `python .ci/make_slides.py --pages`"


def test_page_lists_every_objective_with_a_scale():
    page = (ROOT / "book" / "self_assessment.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d{2})\.O(\d) \| (.+?) \| 1 2 3 4 5 \| 1 2 3 4 5 \|$", page, re.M)
    expected = _all_objectives()
    assert len(rows) == len(expected)
    for (number, _, text), (nb_number, objective) in zip(rows, expected, strict=True):
        assert number == nb_number
        assert _words(text) == _words(objective).replace("your", "my")
    assert "| 5 | I can do this on my own and explain it to a colleague. |" in page
    assert "{download}`self_assessment.csv`" in page


def test_csv_template_has_a_row_per_objective_and_two_columns_per_participant():
    text = (ROOT / "book" / "self_assessment.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["objective_id", "module", "notebook", "objective"]
    assert header[4:6] == ["P01_pre", "P01_post"] and len(header) == 4 + 2 * kit.PARTICIPANTS
    expected = _all_objectives()
    assert len(body) == len(expected)
    for row, (number, objective) in zip(body, expected, strict=True):
        assert row[0].startswith(f"{number}.O") and row[1] in MODULES
        assert _words(row[3]) == "i can " + _words(objective).replace("your", "my")
        assert row[4:] == [""] * (2 * kit.PARTICIPANTS)


# --------------------------------------------------------------------------- pages
def test_code_of_conduct_and_forms_are_in_the_toc_and_the_guide():
    prose = _toc_parts()["Policy and practice"]
    assert "book/code_of_conduct" in prose and "book/self_assessment" in prose
    coc = (ROOT / "book" / "code_of_conduct.md").read_text(encoding="utf-8")
    assert "## How to report" in coc and "## What happens next" in coc
    assert "docs.carpentries.org/policies/coc" in coc and "contributor-covenant.org" in coc
    guide = (ROOT / "book" / "trainers_guide.md").read_text(encoding="utf-8")
    kit_section = guide.split("## Trainer kit", 1)[1].split("\n## ", 1)[0]
    for caption in MODULES:
        assert f'href="../slides/{kit.slug(caption)}.html"' in kit_section
    assert "{doc}`code_of_conduct`" in kit_section and "{doc}`self_assessment`" in kit_section


def test_make_book_builds_the_decks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    book = makefile.split("\nbook:", 1)[1].split("\n\n", 1)[0]
    assert "$(PY) .ci/make_slides.py _build/html" in book


# --------------------------------------------------------------------------- on-ramp
@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=[p.stem for p in NOTEBOOKS[1:]])
def test_every_method_notebook_requires_the_on_ramp(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["gpec"]["prerequisites"]["00"] == "Necessary"
    prereq = _markdown(path).split("## Prerequisites", 1)[1].split("\n## ", 1)[0]
    links = re.findall(r"^\|\s*\[[^\]]+\]\((\d{2})_[a-z0-9_]+\)\s*\|\s*(\w+)\s*\|", prereq, re.M)
    assert ("00", "Necessary") in links
    # the metadata says what the table on the page says
    assert nb["metadata"]["gpec"]["prerequisites"] == dict(links)
