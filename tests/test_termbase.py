"""The term base ``locales/termbase.csv`` (issue 21 item 4).

The French and Spanish glossaries are made from the term base and translators must use it,
so it has to parse, carry the six agreed columns, give one translation per English term and
language, and hold every term of the English glossary (``book/glossary.md``) with kind
``glossary``. A term added to or removed from the English glossary fails here until the
term base follows.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TERMBASE = ROOT / "locales" / "termbase.csv"
GLOSSARY = ROOT / "book" / "glossary.md"

COLUMNS = ["en", "fr", "es", "kind", "source", "note"]
KINDS = {"glossary", "policy", "field"}
REQUIRED = ("en", "fr", "es", "kind", "source")

# Names and acronyms the field keeps in French and Spanish (issue 21 brief).
KEPT_AS_IS = ("ProtConn", "ProtUnconn", "PC", "dPC", "IIC", "GeoTIFF", "GeoPackage")

_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})\{glossary\}\s*$")


def glossary_terms(text: str) -> list[str]:
    """Terms of the ``{glossary}`` directive of a MyST page.

    A term is an unindented, non-empty line inside the directive's fence; its definition
    is the indented lines under it. Lines outside the fence are ignored.

    Parameters
    ----------
    text : str
        The page's markdown.

    Returns
    -------
    list of str
        The terms in page order, stripped of trailing spaces.

    Raises
    ------
    ValueError
        If the page has no ``{glossary}`` fence, or the fence is never closed.

    Examples
    --------
    >>> glossary_terms("Intro\\n\\n```{glossary}\\nPC\\n  An index.\\n\\nEC\\n  An area.\\n```\\nEnd")
    ['PC', 'EC']
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _FENCE_OPEN.match(line)), None)
    if start is None:
        raise ValueError(
            "text: no ```{glossary} fence found; the glossary page must hold its terms "
            "in a {glossary} directive"
        )
    fence = _FENCE_OPEN.match(lines[start]).group(1)
    terms = []
    for line in lines[start + 1 :]:
        if line.strip() == fence:
            return terms
        if line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms.append(line.rstrip())  # a line starting with ":" is an option (:sorted:)
    raise ValueError(
        f"text: the {fence}{{glossary}} fence opened on line {start + 1} is never closed; "
        f"close it with a line holding only {fence}"
    )


def read_termbase(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a term base CSV (UTF-8, comma-separated, RFC 4180 quoting)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = []
        for number, fields in enumerate(reader, start=2):
            if len(fields) != len(header):
                raise ValueError(
                    f"{path.name} line {number}: {len(fields)} fields, expected "
                    f"{len(header)} ({','.join(header)}); quote cells that hold commas"
                )
            rows.append(dict(zip(header, fields, strict=True)))
    return header, rows


@pytest.fixture(scope="module")
def termbase() -> list[dict[str, str]]:
    header, rows = read_termbase(TERMBASE)
    assert header == COLUMNS, f"{TERMBASE.name} header is {header}, expected {COLUMNS}"
    return rows


@pytest.fixture(scope="module")
def english_glossary() -> list[str]:
    return glossary_terms(GLOSSARY.read_text(encoding="utf-8"))


# -- the parsers on hand-made cases ----------------------------------------------------


def test_glossary_terms_reads_only_unindented_lines_inside_the_fence():
    text = (
        "# Glossary\n"
        "Not a term, outside the fence.\n"
        "\n"
        "```{glossary}\n"
        "Absolute barrier\n"
        "  A cell that cannot be crossed.\n"
        "  Second line of the definition.\n"
        "\n"
        "Coordinate reference system (CRS)  \n"
        "  The definition.\n"
        "```\n"
        "After the fence.\n"
    )
    assert glossary_terms(text) == ["Absolute barrier", "Coordinate reference system (CRS)"]


def test_glossary_terms_accepts_a_longer_fence():
    text = "````{glossary}\nPC\n  Code:\n  ```\n  x = 1\n  ```\nEC\n  An area.\n````\nZ\n"
    assert glossary_terms(text) == ["PC", "EC"]


def test_glossary_terms_without_a_glossary_fence_raises():
    with pytest.raises(ValueError, match=r"text: no ```\{glossary\} fence found"):
        glossary_terms("# Glossary\n\nPC\n  An index.\n")


def test_glossary_terms_with_an_unclosed_fence_raises():
    with pytest.raises(ValueError, match=r"opened on line 2 is never closed"):
        glossary_terms("# Glossary\n```{glossary}\nPC\n  An index.\n")


def test_read_termbase_reads_quoted_commas_and_accents(tmp_path):
    path = tmp_path / "tb.csv"
    path.write_text(
        "en,fr,es,kind,source,note\n"
        'Least-cost path,Chemin de moindre coût,Ruta de menor costo,glossary,"Linkage Mapper, usage",\n',
        encoding="utf-8",
    )
    header, rows = read_termbase(path)
    assert header == COLUMNS
    assert rows == [
        {
            "en": "Least-cost path",
            "fr": "Chemin de moindre coût",
            "es": "Ruta de menor costo",
            "kind": "glossary",
            "source": "Linkage Mapper, usage",
            "note": "",
        }
    ]


def test_read_termbase_with_an_unquoted_comma_raises(tmp_path):
    path = tmp_path / "tb.csv"
    path.write_text(
        "en,fr,es,kind,source,note\nPC,PC,PC,glossary,Saura, 2007,\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"tb.csv line 2: 7 fields, expected 6"):
        read_termbase(path)


# -- the committed term base -------------------------------------------------------------


def test_termbase_is_utf8_without_bom():
    data = TERMBASE.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), (
        f"{TERMBASE.name} starts with a BOM; save it as UTF-8 without BOM"
    )
    data.decode("utf-8")


def test_termbase_has_the_columns(termbase):
    assert len(termbase) > 0
    assert all(list(row) == COLUMNS for row in termbase)


@pytest.mark.parametrize("column", REQUIRED)
def test_no_empty_or_padded_cells(termbase, column):
    empty = [
        row["en"] or f"row {i + 2}" for i, row in enumerate(termbase) if not row[column].strip()
    ]
    assert not empty, f"empty {column} in {TERMBASE.name} for: {empty}"
    padded = [row["en"] for row in termbase if row[column] != row[column].strip()]
    assert not padded, f"{column} with leading or trailing spaces for: {padded}"


def test_no_duplicate_english_term(termbase):
    seen: dict[str, str] = {}
    duplicates = []
    for row in termbase:
        key = row["en"].casefold()
        if key in seen:
            duplicates.append((seen[key], row["en"]))
        seen[key] = row["en"]
    assert not duplicates, f"English terms given twice (one row per term): {duplicates}"


def test_kinds_are_allowed(termbase):
    wrong = sorted({row["kind"] for row in termbase} - KINDS)
    assert not wrong, f"kinds {wrong} not in {sorted(KINDS)}"


def test_every_glossary_term_is_in_the_termbase_as_glossary(termbase, english_glossary):
    assert len(english_glossary) >= 80, "the glossary parser found too few terms"
    kind_of = {row["en"]: row["kind"] for row in termbase}
    missing = [term for term in english_glossary if term not in kind_of]
    assert not missing, (
        f"glossary terms of book/glossary.md missing from {TERMBASE.name}: {missing}"
    )
    wrong = [term for term in english_glossary if kind_of[term] != "glossary"]
    assert not wrong, f"glossary terms not of kind glossary: {wrong}"


def test_every_glossary_row_is_a_term_of_the_english_glossary(termbase, english_glossary):
    stale = [
        row["en"]
        for row in termbase
        if row["kind"] == "glossary" and row["en"] not in english_glossary
    ]
    assert not stale, (
        f"rows of kind glossary that are not (or no longer) terms of book/glossary.md: {stale}; "
        "fix the spelling or change their kind"
    )


def test_glossary_headings_are_unique_in_each_language(termbase):
    for lang in ("fr", "es"):
        headings = [row[lang].casefold() for row in termbase if row["kind"] == "glossary"]
        repeated = sorted({h for h in headings if headings.count(h) > 1})
        assert not repeated, f"two {lang} glossary entries would share the heading(s) {repeated}"


def test_names_the_field_keeps_are_not_translated(termbase):
    by_en = {row["en"]: row for row in termbase}
    for name in KEPT_AS_IS:
        assert (by_en[name]["fr"], by_en[name]["es"]) == (name, name), name
    for en in ("Equivalent connected area (EC)", "Net squared displacement (NSD)"):
        acronym = en[en.index("(") :]
        assert by_en[en]["fr"].endswith(acronym) and by_en[en]["es"].endswith(acronym), en
