"""The French and Spanish editions: complete catalogues, faithful translations, notebooks in step.

The English notebooks and pages are the source. A changed English sentence must show up here,
as a missing or fuzzy translation, never as a silently stale page: that is what
``test_every_message_has_a_reviewed_translation`` and ``test_a_changed_english_sentence_is_reported``
check, the first on the real catalogues, the second on a small book built in a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gpec_teach.translate import LANGUAGES, translate_markdown, worklist
from gpec_teach.translate import catalog as cat
from gpec_teach.translate import lint as tlint
from gpec_teach.translate import notebooks as tnb
from gpec_teach.translate.__main__ import main as translate_cli
from gpec_teach.translate.segment import join, messages, segment

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
FIX = "run `python -m gpec_teach.translate update`, translate, then `... notebooks --execute`"


# --- the segmenter: hand-worked cases --------------------------------------------------------


def test_paragraph_lines_are_joined_and_code_is_kept():
    text = "Some *text*\non two lines.\n\n```python\nx = 1  # a comment\n```\n"
    assert messages(text) == ["Some *text* on two lines."]
    assert join(segment(text), {"Some *text* on two lines.": "Du *texte*."}.get) == (
        "Du *texte*.\n\n```python\nx = 1  # a comment\n```\n"
    )


def test_list_items_table_rows_and_headings_are_messages():
    text = "## A title\n\n- first item\n  continues\n- second\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
    assert messages(text) == ["A title", "first item continues", "second", "| a | b |"]
    out = join(segment(text), {"A title": "Un titre", "second": "deuxième"}.get)
    assert out.splitlines()[0] == "## Un titre"
    assert "- deuxième" in out and "| --- | --- |" in out and "| 1 | 2 |" in out


def test_directive_titles_and_alt_text_are_messages_options_and_labels_are_not():
    text = (
        "(my-label)=\n"
        "```{exercise} Predict, then run\n:label: ex-1\n:nonumber:\n\nWhat happens?\n```\n\n"
        "```{figure} ../data/x.png\n:alt: A map of forests\n:width: 100%\n\nThe caption.\n```\n"
        "$$\nC = 1 / R\n$$\n"
        "```{code-cell} ipython3\nprint('hello')\n```\n"
    )
    assert messages(text) == [
        "Predict, then run",
        "What happens?",
        "A map of forests",
        "The caption.",
    ]
    out = join(segment(text), {"A map of forests": "Une carte des forêts"}.get)
    assert ":alt: Une carte des forêts" in out
    assert ":label: ex-1" in out and "(my-label)=" in out and "print('hello')" in out


def test_glossary_terms_and_definitions_are_separate_messages():
    text = "```{glossary}\n:sorted:\n\nCorridor\n  Land that helps\n  movement.\n```\n"
    assert messages(text) == ["Corridor", "Land that helps movement."]


@pytest.mark.parametrize("docname", cat.documents(ROOT))
def test_segmenting_keeps_every_english_source(docname):
    """Untranslated, a document comes back with the same words and markup (lines re-joined)."""
    path = cat.source_path(docname, ROOT)
    if docname == "_toc":
        texts = cat.toc_texts(ROOT)
    elif path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    else:
        texts = [path.read_text(encoding="utf-8")]
    for text in texts:
        again = join(segment(text), lambda message: None)
        assert again.split() == text.split()


# --- the catalogues of the book ---------------------------------------------------------------


@pytest.mark.parametrize("docname", cat.documents(ROOT))
def test_templates_are_up_to_date_with_the_english(docname):
    committed = cat.pot_path(docname)
    assert committed.is_file(), f"{committed} is missing: {FIX}"
    fresh = [m.id for m in cat.template(docname, ROOT) if m.id]
    assert [m.id for m in cat.read(committed) if m.id] == fresh, (
        f"{committed.name} is out of date with {cat.source_path(docname, ROOT).name}: {FIX}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_reviewed_translation(lang):
    """No message of the current English is missing, fuzzy or empty in a catalogue."""
    found = cat.problems(lang, ROOT)
    assert not found, f"{len(found)} messages without a reviewed {lang} translation ({FIX}):\n" + (
        "\n".join(found[:40])
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_markup_numbers_and_terms(lang):
    found = tlint.lint(lang, root=ROOT)
    assert not found, f"{len(found)} problems in the {lang} translations:\n" + "\n".join(
        found[:40]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_headings_come_from_the_term_base(lang):
    base = {row["en"]: row[lang] for row in tlint.termbase() if row["kind"] == "glossary"}
    headings = tlint.glossary_headings(lang, ROOT)
    assert set(headings) == set(base), "the term base and book/glossary.md list different terms"
    wrong = {en: (headings[en], base[en]) for en in base if headings[en] != base[en]}
    assert not wrong, (
        f"{lang} glossary headings differ from the term base (heading, term base): {wrong}"
    )


def test_lint_finds_what_a_translation_lost():
    english = "See `f(x)`, {footcite:p}`saura2017` and [notebook 04](04_resistance) at 12.5 km."
    assert tlint.problems_of(english, english) == []
    faithful = "Voir `f(x)`, {footcite:p}`saura2017` et [le notebook 04](04_resistance) à 12,5 km."
    assert tlint.problems_of(english, faithful) == []
    lost = "Voir `g(x)`, {footcite:p}`saura2016` et [le notebook](05_x) à 13 km."
    kinds = {p.split(" differ")[0] for p in tlint.problems_of(english, lost)}
    assert kinds == {"roles", "code spans", "link targets", "numbers"}


def test_term_base_check_accepts_inflection_and_reports_a_missing_term(monkeypatch):
    rows = (
        {"en": "protected area", "fr": "aire protégée", "es": "área protegida", "kind": "policy"},
    )
    monkeypatch.setattr(tlint, "termbase", lambda *a, **k: rows)
    assert tlint.term_problems("Two protected areas.", "Deux aires protégées.", "fr") == []
    assert tlint.term_problems("A protected area.", "Une zone réservée.", "fr") == [
        "term base: 'protected area' should be 'aire protégée'"
    ]


# --- the translated notebooks -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("source", ENGLISH_NOTEBOOKS, ids=lambda p: p.stem)
def test_translated_notebook_is_generated_from_the_current_english(source, lang):
    target = tnb.target_path(source, lang)
    assert target.is_file(), f"{target.relative_to(ROOT)} is missing: {FIX}"
    committed = json.loads(target.read_text(encoding="utf-8"))
    fresh, needs_run = tnb.translate_notebook(source, lang, previous=committed)
    assert not needs_run, f"the code of {source.name} changed: re-execute {target.name} ({FIX})"
    kinds = [c["cell_type"] for c in committed["cells"]]
    assert kinds == [c["cell_type"] for c in fresh["cells"]]
    for old, new in zip(committed["cells"], fresh["cells"], strict=True):
        assert "".join(old["source"]) == "".join(new["source"]), (
            f"{target.name} is stale: {''.join(new['source'])[:80]!r} ({FIX})"
        )
        assert old.get("metadata", {}).get("tags") == new.get("metadata", {}).get("tags")
    setup = "".join(committed["cells"][0]["source"])
    assert f'gpec_teach.set_language("{lang}")' in setup
    assert committed["metadata"]["gpec"]["translation"]["language"] == lang
    executed = [c for c in committed["cells"] if c["cell_type"] == "code" and c.get("outputs")]
    assert executed, f"{target.name} is committed without outputs: execute it ({FIX})"


# --- the mechanism, on a small book in a temporary folder --------------------------------------


@pytest.fixture
def small_book(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book").mkdir()
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "# Habitat\n\nCores are large patches.",
        },
        {
            "cell_type": "code",
            "metadata": {},
            "source": "x = 1",
            "outputs": [],
            "execution_count": 1,
        },
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notebooks" / "01_habitat.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "book" / "intro.md").write_text("# Welcome\n\nThis course teaches connectivity.\n")
    (tmp_path / "_config.yml").write_text("title: A small book\n")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: Part one\n"
    )
    locales = tmp_path / "locales"
    cat.write_templates(tmp_path, locales)
    cat.update("fr", tmp_path, locales)
    filled = worklist.todo("fr", root=tmp_path, locales=locales)
    translations = {
        "Habitat": "Habitat",
        "Cores are large patches.": "Les zones nodales sont de grandes taches.",
        "Welcome": "Bienvenue",
        "This course teaches connectivity.": "Ce cours enseigne la connectivité.",
        "A small book": "Un petit livre",
        "Part one": "Première partie",
    }
    lines = []
    for line in filled.splitlines():
        if line.startswith("en: "):
            english = line[4:]
        if line == "fr: ":
            line = "fr: " + translations[english]
        lines.append(line)
    worklist.apply("fr", "\n".join(lines), locales=locales)
    return tmp_path, locales


def test_a_changed_english_sentence_is_reported(small_book):
    root, locales = small_book
    assert cat.problems("fr", root, locales) == []
    page = root / "book" / "intro.md"
    page.write_text(
        page.read_text().replace("teaches connectivity", "teaches ecological connectivity")
    )
    before_update = cat.problems("fr", root, locales)
    assert len(before_update) == 1 and "missing" in before_update[0]
    assert "teaches ecological connectivity" in before_update[0]
    cat.update("fr", root, locales)  # what a translator runs: the old translation becomes fuzzy
    after_update = cat.problems("fr", root, locales)
    assert len(after_update) == 1 and "fuzzy" in after_update[0]
    entry = cat.read(cat.po_path("book/intro", "fr", locales), "fr").get(
        "This course teaches ecological connectivity."
    )
    assert entry.fuzzy and entry.string == "Ce cours enseigne la connectivité."
    # the page falls back to the English sentence, never to the stale French one
    table = cat.lookup("book/intro", "fr", locales)
    assert "This course teaches ecological connectivity." not in table


def test_work_list_rejects_an_unknown_or_broken_entry(small_book):
    root, locales = small_book
    with pytest.raises(ValueError, match="not in the catalogue"):
        worklist.apply(
            "fr", "[book/intro]\nen: A sentence nobody wrote.\nfr: Une phrase.\n", locales=locales
        )
    with pytest.raises(ValueError, match="must stay on its one fr: line"):
        worklist.apply(
            "fr", "[book/intro]\nen: Welcome\nfr: Bienvenue\nsur deux lignes\n", locales=locales
        )


def test_translate_markdown_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="lang='de' is not a translated language"):
        translate_markdown("Text", "de", "book/intro")


def test_check_command_fails_while_a_message_is_missing(small_book, monkeypatch, capsys):
    root, locales = small_book
    monkeypatch.setattr(
        cat, "problems", lambda lang, *a, **k: [f"{lang}: book/intro: missing: 'x'"]
    )
    assert translate_cli(["check"]) == 1
    assert "book/intro: missing" in capsys.readouterr().out


def test_a_link_must_show_the_translated_title_of_its_notebook(small_book):
    root, locales = small_book
    page = root / "book" / "intro.md"
    page.write_text(page.read_text() + "\nStart with [Habitat](../notebooks/01_habitat).\n")
    cat.write_templates(root, locales)
    cat.update("fr", root, locales)
    english = "Start with [Habitat](../notebooks/01_habitat)."
    notebook_title = "Habitat"  # the French title of notebook 01 in the fixture
    worklist.apply(
        "fr",
        f"[book/intro]\nen: {english}\nfr: Commencez par [L'habitat](../notebooks/01_habitat).\n",
        locales=locales,
    )
    assert tlint.title_problems("fr", root, locales) == [
        f"fr: book/intro: link to 01_habitat should read {notebook_title!r}"
    ]
    worklist.apply(
        "fr",
        f"[book/intro]\nen: {english}\nfr: Commencez par [Habitat](../notebooks/01_habitat).\n",
        locales=locales,
    )
    assert tlint.title_problems("fr", root, locales) == []
