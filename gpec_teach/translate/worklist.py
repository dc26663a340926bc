"""A plain-text work list for translators who do not use a PO editor.

``todo`` writes every message of the chosen documents that has no reviewed translation::

    [notebooks/02_geodata_basics]
    en: The teaching landscape is a fictional land mass with three countries...
    fr:
    fuzzy: <the old translation, when the English changed>

The translator fills the ``fr:`` (or ``es:``) lines, one line per message, and ``apply``
writes them into the catalogues (the English line identifies the message, so entries can be
reordered or left out). Poedit, Weblate or any PO editor work on the ``.po`` files directly.
"""

from __future__ import annotations

import re
from pathlib import Path

from gpec_teach.translate.catalog import (
    LOCALES,
    ROOT,
    documents,
    extract,
    po_path,
    read,
    write,
)

_HEADER = re.compile(r"^\[(?P<doc>[^\]]+)\]\s*$")


def todo(
    lang: str,
    docnames: list[str] | None = None,
    *,
    include_done: bool = False,
    root: Path = ROOT,
    locales: Path = LOCALES,
) -> str:
    """Write the work list of ``lang`` for ``docnames`` (all documents by default)."""
    chunks = []
    for docname in docnames or documents(root):
        path = po_path(docname, lang, locales)
        catalog = read(path, lang) if path.is_file() else None
        seen = set()
        for message in extract(docname, root):
            if message.text in seen:
                continue
            seen.add(message.text)
            entry = catalog.get(message.text) if catalog is not None else None
            done = entry is not None and entry.string and not entry.fuzzy
            if done and not include_done:
                continue
            lines = [
                f"[{docname}]",
                f"en: {message.text}",
                f"{lang}: {entry.string if done else ''}",
            ]
            if entry is not None and entry.fuzzy and entry.string:
                lines.append(f"fuzzy: {entry.string}")
            chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + ("\n" if chunks else "")


def apply(lang: str, text: str, *, locales: Path = LOCALES) -> dict[str, int]:
    """Write the filled lines of a work list into the catalogues of ``lang``.

    Returns the number of translations written per document. Raises ``ValueError`` naming
    the entry when an English line is not a message of the current catalogue (run
    ``python -m gpec_teach.translate update`` first) or a block is malformed.
    """
    entries: list[tuple[str, str, str]] = []
    doc = english = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            doc, english = header["doc"], None
        elif line.startswith("en: "):
            english = line[4:].strip()
        elif line.startswith(f"{lang}:"):
            if doc is None or english is None:
                raise ValueError(
                    f"line {number}: a {lang}: line without [docname] and en: before it"
                )
            translation = line[len(lang) + 1 :].strip()
            if translation:
                entries.append((doc, english, translation))
        elif line.startswith("fuzzy:") or not line.strip():
            continue
        else:
            raise ValueError(
                f"line {number}: unexpected line {line[:60]!r}: a translation must stay on its "
                f"one {lang}: line"
            )
    written: dict[str, int] = {}
    catalogs = {}
    for doc, english, translation in entries:
        if doc not in catalogs:
            path = po_path(doc, lang, locales)
            if not path.is_file():
                raise ValueError(
                    f"[{doc}]: no catalogue {path}; run `python -m gpec_teach.translate update`"
                )
            catalogs[doc] = read(path, lang)
        entry = catalogs[doc].get(english)
        if entry is None:
            raise ValueError(
                f"[{doc}]: the English {english[:80]!r} is not in the catalogue (the English "
                "changed, or the line was edited); run `python -m gpec_teach.translate update` "
                "and `todo` again"
            )
        entry.string = translation
        entry.flags.discard("fuzzy")
        entry.previous_id = []
        written[doc] = written.get(doc, 0) + 1
    for doc, catalog in catalogs.items():
        write(catalog, po_path(doc, lang, locales))
    return written
