"""What a translation must keep from its English message, and the term base.

A translation keeps, exactly: code spans, math, roles and their targets (citations, document
links, references), link targets, images, substitutions, HTML tags, table cells, emphasis
markers, and the numbers. Numbers are compared as digit strings, so ``22,626``, ``22 626``
and ``22 626`` (the French thousands separator) are the same number, as are ``0.5`` and
``0,5``. ``{term}`` roles are the exception: their text is translated and their target must
be a term of the glossary *of the translation's language*.

>>> problems_of("See `f(x)` and {footcite:p}`saura2017`: 12.5 %.", "Voir `f(x)` et {footcite:p}`saura2017` : 12,5 %.")
[]
>>> problems_of("See `f(x)`.", "Voir `g(x)`.")
["code spans differ: missing ['f(x)'], extra ['g(x)']"]
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from gpec_teach.translate.catalog import LOCALES, ROOT, documents, lookup, po_path, read
from gpec_teach.translate.segment import segment

_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<content>[^`]*)`")
_CODE = re.compile(r"(?<![}`])`(?P<code>[^`]+)`(?!`)")
_MATH = re.compile(r"(?<![\\$])\$(?!\s)(?P<math>[^$\n]+?)(?<!\s)\$(?!\d)")
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>")
_HTML = re.compile(r"</?(?P<tag>[a-zA-Z][\w-]*)\b[^>]*>")
_SUBST = re.compile(r"\{\{\s*[^}]+\}\}")
_NUMBER = re.compile(r"(?<![\w.])\d(?:[\d\u202f\u00a0\u2009 ,.]*\d)?")
_TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _strip(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(" ", text)


def _prose(text: str) -> str:
    """Return ``text`` without roles, code spans and math (whose ``<`` are not HTML)."""
    for pattern in (_ROLE, _CODE, _MATH):
        text = _strip(pattern, text)
    return text


def roles(text: str) -> list[tuple[str, str]]:
    """(name, target) of every role; the title of ``{doc}`title <target>``` is left out."""
    out = []
    for match in _ROLE.finditer(text):
        name, content = match["name"], match["content"]
        titled = _TITLED.match(content)
        if name in {"doc", "ref", "numref", "term", "download", "eq"} and titled:
            content = titled["target"]
        out.append((name, content.strip()))
    return out


def _numbers(text: str) -> Counter:
    for pattern in (_ROLE, _CODE, _MATH, _LINK, _AUTOLINK, _HTML, _SUBST):
        text = _strip(pattern, text)
    digits = []
    for match in _NUMBER.finditer(text):
        token = match.group(0).rstrip(" \u202f\u00a0\u2009,.")
        # a space after a complete number ends it unless 3 digits follow (a thousands group)
        parts = re.split(r"[ \u202f\u00a0\u2009](?!\d{3}(?!\d))", token)
        digits += [re.sub(r"\D", "", p) for p in parts if re.sub(r"\D", "", p)]
    return Counter(digits)


def _diff(kind: str, english: list, translated: list) -> list[str]:
    a, b = Counter(english), Counter(translated)
    if a == b:
        return []
    missing, extra = sorted((a - b).elements()), sorted((b - a).elements())
    return [f"{kind} differ: missing {missing}, extra {extra}"]


def problems_of(
    english: str, translation: str, glossary_terms: set[str] | None = None
) -> list[str]:
    """List what ``translation`` lost or changed from ``english`` (empty when faithful)."""
    out = []
    en_roles = [r for r in roles(english) if r[0] != "term"]
    tr_roles = [r for r in roles(translation) if r[0] != "term"]
    out += _diff("roles", en_roles, tr_roles)
    n_en = sum(1 for r in roles(english) if r[0] == "term")
    tr_terms = [t for name, t in roles(translation) if name == "term"]
    if len(tr_terms) != n_en:
        out.append(f"{{term}} roles: {n_en} in English, {len(tr_terms)} in the translation")
    if glossary_terms is not None:
        unknown = [t for t in tr_terms if t.lower() not in glossary_terms]
        if unknown:
            out.append(f"{{term}} targets not in this language's glossary: {unknown}")
    strip_roles = lambda t: _strip(_ROLE, t)  # noqa: E731 - code spans inside roles are not code
    out += _diff(
        "code spans",
        [m["code"] for m in _CODE.finditer(strip_roles(english))],
        [m["code"] for m in _CODE.finditer(strip_roles(translation))],
    )
    out += _diff(
        "math",
        [m["math"].strip() for m in _MATH.finditer(strip_roles(english))],
        [m["math"].strip() for m in _MATH.finditer(strip_roles(translation))],
    )
    out += _diff(
        "link targets",
        [(m["bang"], m["target"]) for m in _LINK.finditer(english)],
        [(m["bang"], m["target"]) for m in _LINK.finditer(translation)],
    )
    out += _diff("web links", _AUTOLINK.findall(english), _AUTOLINK.findall(translation))
    out += _diff(
        "HTML tags",
        [m["tag"] for m in _HTML.finditer(_prose(english))],
        [m["tag"] for m in _HTML.finditer(_prose(translation))],
    )
    out += _diff("substitutions", _SUBST.findall(english), _SUBST.findall(translation))
    if english.lstrip().startswith("|"):
        if english.count("|") != translation.count("|"):
            out.append(
                f"table cells differ: {english.count('|')} '|' in English, "
                f"{translation.count('|')} in the translation"
            )
    en_numbers, tr_numbers = _numbers(english), _numbers(translation)
    if en_numbers != tr_numbers:
        out.append(
            f"numbers differ: missing {sorted((en_numbers - tr_numbers).elements())}, "
            f"extra {sorted((tr_numbers - en_numbers).elements())}"
        )
    return out


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\u2019", "'")


@lru_cache(maxsize=4)
def termbase(path: Path = LOCALES / "termbase.csv") -> tuple[dict, ...]:
    """Read the rows of the term base (empty when it does not exist yet)."""
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def glossary_terms(lang: str, root: Path = ROOT, locales: Path = LOCALES) -> set[str]:
    """Return the lower-cased glossary headings of ``book/glossary`` in ``lang``."""
    return {heading.lower() for heading in glossary_headings(lang, root, locales).values()}


def _stems(term: str) -> list[str]:
    words = re.findall(r"[\w'-]+", _fold(term))
    return [w[: max(4, len(w) - 2)] if len(w) > 4 else w for w in words if len(w) > 2]


def term_problems(english: str, translation: str, lang: str) -> list[str]:
    """Term-base terms (of two words or more) of ``english`` whose translation is absent.

    The check is on word stems, so plural and gender inflection pass.
    """
    out = []
    folded_en, folded_tr = _fold(_prose(english)), _fold(translation)  # not in code or maths
    for row in termbase():
        term, target = row.get("en", ""), row.get(lang, "")
        if not term or not target or len(term.split()) < 2:
            continue
        if re.search(rf"(?<![\w-]){re.escape(_fold(term))}s?(?!\w)", folded_en):
            if not all(stem in folded_tr for stem in _stems(target)):
                out.append(f"term base: {term!r} should be {target!r}")
    return out


def lint(
    lang: str,
    docnames: list[str] | None = None,
    *,
    terms: bool = True,
    root: Path = ROOT,
    locales: Path = LOCALES,
) -> list[str]:
    """Every problem of the reviewed translations of ``lang`` (documents: all by default)."""
    glossary = glossary_terms(lang, root, locales)
    out = []
    for docname in docnames or documents(root):
        path = po_path(docname, lang, locales)
        if not path.is_file():
            continue
        for message in read(path, lang):
            if not message.id or not message.string or message.fuzzy:
                continue
            found = problems_of(message.id, message.string, glossary)
            if terms:
                found += term_problems(message.id, message.string, lang)
            out += [f"{lang}: {docname}: {p}: {message.id[:70]!r}" for p in found]
    if docnames is None:
        out += title_problems(lang, root, locales)
    return out


def glossary_headings(lang: str, root: Path = ROOT, locales: Path = LOCALES) -> dict[str, str]:
    """Map each English glossary term to its heading in the ``lang`` glossary.

    A heading without a reviewed translation stays in English; ``lang="en"`` maps each term
    to itself.
    """
    text = (root / "book" / "glossary.md").read_text(encoding="utf-8")
    table = {} if lang == "en" else lookup("book/glossary", lang, locales)
    out, inside = {}, False
    for piece in segment(text):
        if piece.kind == "raw" and piece.text.startswith("```{glossary}"):
            inside = True
        elif piece.kind == "raw" and inside and piece.text.startswith("```"):
            break
        elif inside and piece.kind == "msg" and not piece.lead:
            out[piece.text] = table.get(piece.text, piece.text)
    return out


def _titles(root: Path) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Notebook stem -> English title; episode id -> (stem, English episode title)."""
    import json

    titles, episodes = {}, {}
    for path in sorted((root / "notebooks").glob("[0-9]*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            heading = re.match(r"# (.+)", "".join(cell["source"]))
            if cell["cell_type"] == "markdown" and heading:
                titles[path.stem] = heading.group(1).strip()
                break
        for episode in notebook.get("metadata", {}).get("gpec", {}).get("episodes", []):
            episodes[episode["id"]] = (path.stem, episode["title"])
    return titles, episodes


def title_problems(lang: str, root: Path = ROOT, locales: Path = LOCALES) -> list[str]:
    """List links and agenda rows whose notebook or episode title differs from its heading.

    A link whose English text is a notebook's title must show that notebook's translated
    title, and ``07c From a path to a corridor`` (agendas, episode tables) the translated
    heading of episode 07c: a learner then finds in the notebook the words of the agenda.
    """
    titles, episodes = _titles(root)
    heading = {stem: lookup(f"notebooks/{stem}", lang, locales) for stem in titles}
    out = []
    for docname in documents(root):
        for english, translated in lookup(docname, lang, locales).items():
            for link in _LINK.finditer(english):
                stem = link["target"].removeprefix("../notebooks/")
                want = heading.get(stem, {}).get(titles.get(stem, ""))
                if link["text"].strip() == titles.get(stem) and want:
                    if f"[{want}]({link['target']})" not in translated:
                        out.append(f"{lang}: {docname}: link to {stem} should read {want!r}")
            for episode, (stem, title) in episodes.items():
                want = heading[stem].get(title)
                if (
                    f"{episode} {title}" in english
                    and want
                    and f"{episode} {want}" not in translated
                ):
                    out.append(f"{lang}: {docname}: episode {episode} should read {want!r}")
    return out
