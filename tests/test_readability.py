"""Readability of the prose: short sentences for readers of English as a second language.

Every markdown cell of every notebook is checked for

- its **longest sentence**: at most ``MAX_SENTENCE`` = 30 words. Issue 17 asks to shorten
  sentences over 30 words; plain-language guidance puts the limit of a readable sentence
  near there (Cutts, *Oxford Guide to Plain English*: "average 15-20 words, and no sentence
  much longer than 35"; the US Federal Plain Language Guidelines: "no more than 20 words on
  average").
- its **mean sentence length**: at most ``MAX_MEAN`` = 20 words, the upper end of the
  15-20 words of the same guidance. A mean over one or two sentences is only the longest
  sentence again, so the mean is checked in cells of at least ``MIN_SENTENCES`` = 3.

What is read as prose: running text, list items (each is a unit of its own) and the text
of exercises and solutions. Not read: headings, tables, code (fenced blocks, inline code
counts as one word), display math (inline math counts as one word), directive lines and
options, citations, URLs and link targets (a link counts by its text), HTML comments and
the generated Episodes cell.

Notebooks not yet restructured into episodes (``PENDING`` of ``tests/test_episodes.py``)
are skipped with that reason; they are checked as soon as they leave the set.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_episodes import PENDING

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_SENTENCE = 30
MAX_MEAN = 20
MIN_SENTENCES = 3
_ABBREVIATIONS = {
    "e.g.": "eg",
    "i.e.": "ie",
    "et al.": "et al",
    "etc.": "etc",
    "vs.": "vs",
    "cf.": "cf",
    "approx.": "approx",
    "Fig.": "Fig",
    "No.": "No",
}


def prose_units(markdown: str) -> list[str]:
    """The paragraphs and list items of *markdown* that are read as prose, cleaned.

    >>> prose_units("# Title\\n\\nSee [the map](x.png), $a_1$ and `f()`.\\n\\n- one\\n- two\\n\\n| a | b |")
    ['See the map, X and code.', 'one', 'two']
    """
    if markdown.lstrip().startswith("<!-- Generated"):
        return []
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    kept, stack = [], []  # stack of open fences: (marker, is_code)
    for line in text.split("\n"):
        fence = re.match(r"^\s*(`{3,}|~{3,}|:{3,})(.*)$", line)
        in_code = bool(stack) and stack[-1][1]
        if fence:
            marker, info = fence.group(1), fence.group(2).strip()
            top = stack[-1][0] if stack else ""
            if stack and not info and marker[0] == top[0] and len(marker) >= len(top):
                stack.pop()
            elif not in_code:
                directive = re.match(r"\{([\w:-]+)\}", info)
                is_code = "code" in directive.group(1) if directive else marker[0] != ":"
                stack.append((marker, is_code))
            kept.append("")
            continue
        if in_code or re.match(r"^\s*(#{1,6}\s|\||:[\w-]+:)", line):
            kept.append("")
            continue
        kept.append(line)
    units, current = [], []
    for line in kept + [""]:
        item = re.match(r"^\s*(?:[-*+]|\d+\.)\s+(.*)$", line)
        if not line.strip() or item:
            if current:
                units.append(" ".join(current))
            current = [item.group(1)] if item else []
        else:
            current.append(line.strip())
    return [u for u in (_clean(u) for u in units) if u]


def _clean(text: str) -> str:
    text = re.sub(r"\{(?:foot)?cite(?::\w+)?\}`[^`]*`", "", text)
    text = re.sub(r"\{\w+\}`([^`<]*?)\s*<[^`]*>`", r"\1", text)
    text = re.sub(r"\{(?:term|abbr)\}`([^`]*)`", r"\1", text)
    text = re.sub(r"\{\w+\}`[^`]*`", "page", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"https?://\S+", "URL", text)
    text = re.sub(r"`[^`]*`", "code", text)
    text = re.sub(r"\$[^$]+\$", "X", text)
    text = re.sub(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", text)
    for short, long in _ABBREVIATIONS.items():
        text = text.replace(short, long)
    return re.sub(r"\s+", " ", text).strip(" ()")


def sentences(unit: str) -> list[str]:
    """Split a unit of prose into sentences (at ., ! or ? followed by a space).

    >>> sentences("It rains. Roads are wet, eg in town! Why? Because 1.5 mm fell.")
    ['It rains.', 'Roads are wet, eg in town!', 'Why?', 'Because 1.5 mm fell.']
    """
    return [s.strip() for s in re.split(r"(?<=[.!?])[\"')\]]*\s+", unit) if s.strip()]


def word_count(sentence: str) -> int:
    """Words of a sentence: runs of letters or digits (1.5, 20 km and co-operate count once).

    >>> word_count("A 2 km gap of farmland, 1.5 times wider.")
    9
    """
    return len(re.findall(r"[A-Za-z0-9][\w'’.,/-]*", sentence.replace(", ", " ")))


def cell_stats(markdown: str) -> tuple[int, float, int, str]:
    """(number of sentences, mean words, longest in words, the longest sentence)."""
    found = [s for unit in prose_units(markdown) for s in sentences(unit)]
    if not found:
        return 0, 0.0, 0, ""
    counts = [word_count(s) for s in found]
    longest = max(range(len(found)), key=counts.__getitem__)
    return len(found), sum(counts) / len(counts), counts[longest], found[longest]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_cells_are_readable(path):
    if path.stem in PENDING:
        pytest.skip(f"{path.stem} is in PENDING (tests/test_episodes.py): not yet restructured")
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        n, mean, longest, sentence = cell_stats(source)
        if longest > MAX_SENTENCE:
            problems.append(
                f"cell {index}: a sentence of {longest} words (max {MAX_SENTENCE}): {sentence!r}"
            )
        if n >= MIN_SENTENCES and mean > MAX_MEAN:
            problems.append(
                f"cell {index}: mean sentence length {mean:.1f} words over {n} sentences "
                f"(max {MAX_MEAN}): split long sentences"
            )
    if problems:
        pytest.fail(
            f"notebooks/{path.name}: shorten these sentences for readers of English as a "
            "second language:\n  " + "\n  ".join(problems),
            pytrace=False,
        )


def test_a_long_sentence_and_a_long_mean_are_found():
    # 31 words in one sentence: longest 31
    long_one = " ".join(["word"] * 30) + " end."
    assert cell_stats(long_one)[2] == 31
    # three sentences of 21, 21 and 21 words: mean 21 > 20
    three = " ".join([" ".join(["w"] * 20) + " x."] * 3)
    n, mean, longest, _ = cell_stats(three)
    assert (n, mean, longest) == (3, 21.0, 21)


def test_code_tables_math_and_citations_are_not_prose():
    text = (
        "Short one {footcite:p}`hilty2020`.\n\n```python\nx = 1\n```\n\n$$a = b + c$$\n\n"
        "| a | long | table | row |\n| --- | --- | --- | --- |\n"
    )
    assert prose_units(text) == ["Short one ."]
    assert cell_stats(text)[:3] == (1, 2.0, 2)


def test_exercise_text_is_read_but_not_its_options_or_code():
    text = (
        "```{exercise} 01.1: count\n:label: ex-01-1\n:nonumber:\n\nCount the parts.\n```\n\n"
        "```{solution-start} ex-01-1\n:class: dropdown\n```\n\n```python\nanswer = 3\n```\n\n"
        "Three parts.\n\n```{solution-end}\n```\n"
    )
    assert prose_units(text) == ["Count the parts.", "Three parts."]
