"""Numbers in the notebooks' prose must come from the notebooks' outputs.

Prose is written by hand and outputs are recomputed; nothing else keeps the two together.
For every notebook, every number in a markdown cell must be one of:

1. **printed**: an output of the same notebook shows the number, rounded as the prose
   rounds it (see :func:`matches`);
2. **exempt by a rule** of :func:`exemption` (few, each with its reason in the code);
3. **whitelisted** in the notebook's metadata with a reason::

       "metadata": {"gpec": {"prose_numbers": {
           "1.8": "link resistance worked by hand: 1 / ((1 + 1/9) / 2)"}}}

   A key is the number as the prose writes it, separators removed and the minus sign
   written ``-``, a plus sign dropped (``"1 350"`` -> ``"1350"``, ``"−0.3"`` -> ``"-0.3"``,
   ``"+50"`` -> ``"50"``); one entry covers
   every occurrence of that number in the notebook. Prefer a code cell that prints the
   number (then the check compares it) to a whitelist entry.

Matching rules, decided here and documented once:

- a prose number with *d* decimals matches an output number that agrees with it after
  rounding the output to *d* decimals ("2.85" matches 2.846, "16 %" matches 15.8); the
  output is never scaled: "39 %" does not match a printed fraction 0.39 -- print the
  percentage where the prose gives one;
- an unsigned prose number also matches the magnitude of a negative output ("fell by
  0.4" for a printed -0.4); a prose number written with a sign matches only that sign;
- an integer the prose rounds explicitly ("about 24 000", "roughly 440") matches to the
  precision of its trailing zeros (24 000 matches 23 500 to 24 500; 440 matches 435 to
  445); without such a word only ordinary rounding applies.

Text that is not a quantity is removed before numbers are read: code spans and code
blocks, roles such as ``{doc}``, ``{term}``, ``{ref}``, ``{cite}`` with their targets, link
targets, URLs, DOIs, HTML tags, directive options (``:label: 08.1``), label anchors,
footnote labels, the section numbers of headings and LaTeX subscripts (``L_{44}``).

Exempt without an entry (:func:`exemption` and ``IDENTIFIER_RE``): numbers after a naming
word ("notebook 04", "exercises 08.1 and 08.2", "section 3", "Target 3", "EPSG:9191"),
zero-padded labels ("07", "08.1"), calendar years 1900-2100, and integers 0-12 written
without a unit, percent sign, sign or decimals. The template's "Time to learn: N
minutes" is compared with the front matter (``gpec.teaching``) instead of the outputs.

Known limit: a number may be printed anywhere in the same notebook, so a stale number
that happens to equal an unrelated output still passes. Keep each number next to the
output it describes, and print derived numbers rather than whitelisting them.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# Thousands separators the prose uses: comma, space, no-break and thin spaces, LaTeX "\,".
_SEP = r"(?:,|\\,|[ \u00a0\u2009\u202f])"
PROSE_NUMBER_RE = re.compile(
    r"(?<![\w.,\\^/])"  # not the tail of a word, a decimal, a power or a fraction
    r"(?:(?P<sign>[-−+])(?=\d))?"
    rf"(?P<int>\d{{1,3}}(?:{_SEP}\d{{3}})+(?![\d])|\d+)"
    r"(?P<dec>\.\d+)?"
    r"(?![\d])"
)
# Outputs are printed by Python: only commas or underscores separate thousands, and
# scientific notation appears.
OUTPUT_NUMBER_RE = re.compile(
    r"(?<![\w.])[-−]?(?:\d{1,3}(?:[,_]\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\d])"
)
UNIT_RE = re.compile(
    r"\s*(?:%|‰|per ?cent|percentage|km|m\b|m²|ha\b|ohm|Ω|kU|°|cm|mm|kg|\$|×|x\b|times\b)",
    re.I,
)
ROUNDING_WORDS_RE = re.compile(
    r"(?:about|around|roughly|approximately|nearly|almost|some|~|≈|∼)\s*$", re.I
)
# Words that turn the numbers after them into names: "notebook 04", "notebooks 08, 10 and
# 11", "exercise 08.2", "section 3", "Target 3", "EPSG:9191", "WGS 84", "UTM zone 23".
IDENTIFIER_RE = re.compile(
    r"\b(?:notebooks?|exercises?|sections?|chapters?|parts?|steps?|targets?|goals?|"
    r"figures?|tables?|questions?|items?|cells?|EPSG:?|WGS|UTM zone|zone)"
    r"\s*(?:\d+(?:\.\d+)?[a-z]?)(?:\s*(?:,|and|or|to|–|-)\s*\d+(?:\.\d+)?[a-z]?)*",
    re.I,
)
CODE_DIRECTIVES = ("code", "code-block", "code-cell", "sourcecode")
TIME_TO_LEARN_RE = re.compile(r"Time to learn\**:?\**\s*(\d+)\s*minutes")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


# --------------------------------------------------------------------------- prose side
def prose_text(markdown: str) -> str:
    """The markdown with everything that is not running prose blanked out.

    Blanked text is replaced by spaces of the same length, so positions (and the context
    shown in messages) stay those of the source.
    """

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    out, stack = [], []  # stack of open fences: (marker, is_code)
    for line in markdown.split("\n"):
        fence = re.match(r"\s*(`{3,}|~{3,}|:{3,})(.*)$", line)
        in_code = bool(stack) and stack[-1][1]
        if fence:
            marker, info = fence.group(1), fence.group(2).strip()
            top = stack[-1][0] if stack else ""
            if stack and not info and marker[0] == top[0] and len(marker) >= len(top):
                stack.pop()
                out.append(" " * len(line))
                continue
            if not in_code:
                directive = re.match(r"\{([\w:-]+)\}", info)
                is_code = directive.group(1) in CODE_DIRECTIVES if directive else marker[0] != ":"
                stack.append((marker, is_code))
                out.append(" " * len(line))
                continue
        if in_code or re.match(r"\s*:[\w-]+:", line):  # code, or a directive option
            out.append(" " * len(line))
            continue
        heading = re.match(r"(#{1,6}\s+)([\d.]+\s)", line)
        if heading:  # the section number of a heading ("## 3.2 Title")
            line = heading.group(1) + " " * len(heading.group(2)) + line[heading.end() :]
        out.append(line)
    text = "\n".join(out)
    for pattern in (
        r"\{[\w:-]+\}`[^`]*`",  # roles: {doc}`...`, {term}`...`, {cite:p}`...`
        r"``[^`]*``|`[^`\n]*`",  # code spans
        r"\]\([^)]*\)",  # link targets
        r"^\s*\[[^\]]+\]:\s*\S+.*$",  # reference-style link definitions
        r"<https?://[^>]*>|https?://\S+",  # URLs
        r"\bdoi:\s*\S+|\b10\.\d{4,}/\S+",  # DOIs
        r"<[^>\n]+>",  # HTML tags and their attributes
        r"^\([\w-]+\)=\s*$",  # label anchors "(my-label)="
        r"\[\^[^\]]+\]",  # footnote labels
        r"_\{[^}]*\}|_\d+",  # LaTeX subscripts
        r"\{\{[^}]*\}\}",  # MyST substitutions
    ):
        text = re.sub(pattern, blank, text, flags=re.M)
    text = IDENTIFIER_RE.sub(blank, text)
    # The template's "Time to learn: N minutes" is compared with the front matter by
    # test_time_to_learn_matches_front_matter, not with the outputs.
    text = TIME_TO_LEARN_RE.sub(blank, text)
    return text


def prose_numbers(markdown: str) -> list[dict]:
    """Every number of the prose, as dicts with ``key``, ``value``, ``decimals``, ``start``.

    >>> [n["key"] for n in prose_numbers("Costs 1 350, then −0.3 or 1,234.5 % (see `x = 9`).")]
    ['1350', '-0.3', '1234.5']
    """
    text = prose_text(markdown)
    found = []
    for match in PROSE_NUMBER_RE.finditer(text):
        digits = re.sub(_SEP, "", match.group("int"))
        sign = "-" if match.group("sign") in ("-", "−") else ""
        dec = match.group("dec") or ""
        key = f"{sign}{digits}{dec}"
        found.append(
            {
                "key": key,
                "text": match.group(0),
                "value": Decimal(key),
                "decimals": len(dec) - 1 if dec else 0,
                "signed": bool(match.group("sign")),
                "separated": digits != match.group("int"),
                "start": match.start(),
                "end": match.end(),
                "before": text[max(0, match.start() - 30) : match.start()],
                "after": text[match.end() : match.end() + 20],
                "context": markdown[max(0, match.start() - 50) : match.end() + 30],
            }
        )
    return found


def exemption(number: dict) -> str | None:
    """The rule that exempts a prose number from the check, or None.

    The rules are few on purpose; everything else is printed or whitelisted per notebook.
    """
    value, after = number["value"], number["after"]
    integer = number["decimals"] == 0 and not number["signed"]
    followed_by_unit = bool(UNIT_RE.match(after))
    # Rule 1 -- names, not quantities: zero-padded labels such as "07" or "08.1" name a
    # notebook or an exercise. (Numbers after "notebook", "exercise", "section", "Target",
    # "EPSG", ... are already removed by IDENTIFIER_RE.)
    if re.fullmatch(r"0\d(?:\.\d+)?", number["key"]):
        return "notebook or exercise label"
    # Rule 2 -- years: an integer 1900-2100 written without separators and without a
    # unit is a calendar year ("the 2015 road", "since 1990").
    if integer and not number["separated"] and 1900 <= value <= 2100 and not followed_by_unit:
        return "year"
    # Rule 3 -- small counts and ordinals: an integer 0-12 without a unit, percent sign or
    # decimals ("two patches", "3 nodes", "step 1", "(1 + 1)/2") carries no result.
    if integer and value <= 12 and not followed_by_unit:
        return "small count"
    return None


# -------------------------------------------------------------------------- output side
def output_numbers(nb: dict) -> list[float]:
    """Every number shown by the notebook's outputs (text, plain/markdown/latex displays).

    HTML is read only where a display has no plain-text form, so a map's embedded page
    (thousands of coordinates) does not count as printed numbers.
    """
    values = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            texts = [_source({"source": output.get("text", "")})]
            data = output.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/latex"):
                if mime in data:
                    texts.append(_source({"source": data[mime]}))
            if "text/html" in data and "text/plain" not in data:
                texts.append(_source({"source": data["text/html"]}))
            for text in texts:
                for token in OUTPUT_NUMBER_RE.findall(text):
                    values.append(float(token.replace(",", "").replace("_", "").replace("−", "-")))
    return values


def matches(number: dict, outputs: list[float]) -> bool:
    """Whether an output shows the prose number, rounded as the prose rounds it.

    >>> n = prose_numbers("the ratio is 2.85")[0]
    >>> matches(n, [2.846]), matches(n, [2.856]), matches(n, [285.0])
    (True, False, False)
    >>> matches(prose_numbers("about 24 000 cells")[0], [23871.0])
    True
    >>> matches(prose_numbers("24 000 cells")[0], [23871.0])
    False
    """
    value = float(number["value"])
    half = 0.5 * 10.0 ** -number["decimals"]
    if number["decimals"] == 0 and ROUNDING_WORDS_RE.search(number["before"]):
        digits = number["key"].lstrip("-")
        zeros = len(digits) - len(digits.rstrip("0")) if digits != "0" else 0
        half = 0.5 * 10.0**zeros
    tolerance = half * (1 + 1e-9) + 1e-12
    for out in outputs:
        if abs(out - value) <= tolerance:
            return True
        if not number["signed"] and abs(abs(out) - value) <= tolerance:
            return True
    return False


def unchecked_numbers(nb: dict) -> list[tuple[int, dict]]:
    """(cell index, number) of every prose number that is neither printed nor exempt."""
    outputs = output_numbers(nb)
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        if cell.get("metadata", {}).get("gpec", {}).get("generated"):
            continue  # generated from metadata (the Episodes table); tests/test_episodes.py
        text = _source(cell)
        for number in prose_numbers(text):
            if exemption(number) or matches(number, outputs):
                continue
            found.append((index, number))
    return found


def _whitelist(nb: dict) -> dict:
    return nb["metadata"].get("gpec", {}).get("prose_numbers", {})


notebook_param = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


@notebook_param
def test_prose_numbers_come_from_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    whitelist = _whitelist(nb)
    problems = [
        f"  cell {index} (id {nb['cells'][index].get('id', '?')}): {number['text']!r} in "
        f"...{' '.join(number['context'].split())}..."
        for index, number in unchecked_numbers(nb)
        if number["key"] not in whitelist
    ]
    if problems:
        pytest.fail(
            f"notebooks/{path.name}: {len(problems)} number(s) in markdown are in no output "
            "of the notebook and not whitelisted:\n"
            + "\n".join(problems)
            + "\nFix: correct a stale number from the output beside it; or print the number "
            "from a code cell (a hand derivation is a one-line print); or, for a published "
            "value, a chosen threshold or a derivation that cannot be printed, add it to "
            'metadata "gpec": {"prose_numbers": {"<number>": "<reason>"}} of the notebook.',
            pytrace=False,
        )


@notebook_param
def test_prose_number_whitelist_is_live_and_explained(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    unchecked = {number["key"] for _, number in unchecked_numbers(nb)}
    for key, reason in _whitelist(nb).items():
        if not isinstance(reason, str) or len(reason.split()) < 3:
            pytest.fail(
                f"notebooks/{path.name}: whitelist entry {key!r} has reason {reason!r}; "
                "write why the number is not printed (a sentence, at least three words)",
                pytrace=False,
            )
        if key not in unchecked:
            pytest.fail(
                f"notebooks/{path.name}: whitelist entry {key!r} is not needed: the number "
                "is no longer in the prose, or an output now prints it, or a rule exempts "
                "it; remove the entry from metadata gpec.prose_numbers",
                pytrace=False,
            )


@notebook_param
def test_time_to_learn_matches_front_matter(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    match = TIME_TO_LEARN_RE.search(text)
    teaching = nb["metadata"].get("gpec", {}).get("teaching")
    if match and int(match.group(1)) != teaching:
        pytest.fail(
            f"notebooks/{path.name}: 'Time to learn: {match.group(1)} minutes' but metadata "
            f"gpec.teaching is {teaching}; the agenda uses the metadata, so make the prose "
            "say the same",
            pytrace=False,
        )


# ------------------------------------------------------------ the checker's own cases
def test_parser_reads_separators_signs_and_percent():
    found = prose_numbers("A 1,234.5 ha park, −3.2 % lost, 87\\,500 ha², 24 000 cells.")
    assert [(n["key"], n["decimals"], n["signed"]) for n in found] == [
        ("1234.5", 1, False),
        ("-3.2", 1, True),
        ("87500", 0, False),
        ("24000", 0, False),
    ]


def test_parser_skips_what_is_not_prose():
    markdown = (
        "## 3.2 Costs\n"
        "See {doc}`notebook 08 <08_circuit_theory>` and [the 2019 paper](https://x.org/a/42),"
        " doi:10.1234/5678, {cite:p}`mcrae2008`, `cost = 450`, <img width='400'>.\n"
        "```python\nprint(77)\n```\n"
        ":::{exercise}\n:label: 08.1\nWhy 55?\n:::\n"
        "Notebooks 08, 10 and 11; exercise 07.3; EPSG:9191; $L_{44} = 44$."
    )
    assert [n["key"] for n in prose_numbers(markdown)] == ["2019", "55", "44"]


def test_rounding_is_the_prose_rounding_and_never_a_rescaling():
    (pct,) = prose_numbers("about 39 % of it")
    assert not matches(pct, [0.39]), "a fraction must not count for a printed percentage"
    assert matches(pct, [38.6])
    (pct2,) = prose_numbers("16 %")
    assert matches(pct2, [15.8]) and not matches(pct2, [15.4])
    (neg,) = prose_numbers("fell by 0.4")
    assert matches(neg, [-0.4])
    (signed,) = prose_numbers("a change of +0.4")
    assert matches(signed, [0.4]) and not matches(signed, [-0.4])


def test_exemption_rules():
    def rule(text: str) -> str | None:
        (number,) = prose_numbers(text)
        return exemption(number)

    assert rule("the 2015 road") == "year"
    assert rule("2015 m away") is None
    assert rule("three or 4 patches") == "small count"
    assert rule("4 km away") is None
    assert rule("4 % of it") is None
    assert rule("4.0 patches") is None
    assert rule("13 patches") is None
    assert rule("(see 07)") == "notebook or exercise label"


def test_output_numbers_skip_html_of_maps_but_read_tables():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {"data": {"text/plain": "<folium.Map>", "text/html": "<div>12345.6</div>"}},
                    {"data": {"text/html": "<td>0.25</td>"}},
                    {"text": "cost 1,381.4 and 1.5e-03\n"},
                ],
            }
        ]
    }
    assert sorted(output_numbers(nb)) == [0.0015, 0.25, 1381.4]
