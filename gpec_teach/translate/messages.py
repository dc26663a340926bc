"""Catalogues of the package's messages to learners (the exercise bank's feedback).

The messages are the English strings marked in the sources with ``_("...")``,
``N_("...")``, ``lazy_gettext("...")`` or ``ngettext("...", "...", n)``
(:data:`SOURCES`: ``gpec_teach/exercises.py`` and ``gpec_teach/exercise_bank/*.py``). Four
steps, each a function and a command::

    python -m gpec_teach.translate.messages extract   # sources -> gpec_teach/locale/gpec_teach.pot
    python -m gpec_teach.translate.messages update    # .pot -> each <lang>/LC_MESSAGES/gpec_teach.po
    python -m gpec_teach.translate.messages compile   # each .po -> its .mo (read at run time)
    python -m gpec_teach.translate.messages check     # fails when anything above is out of date

A translator edits the ``.po`` of their language (a changed English message comes back
*fuzzy*, with the old translation to revise; a new one comes back empty), removes the
``fuzzy`` flag once the translation is right, runs ``compile`` and commits the ``.po`` and the
``.mo``. ``check`` (run by the tests) fails on an empty or fuzzy entry, on placeholders
(``{value}``, ``{share:.1%}``) that differ between English and the translation, on a ``.mo``
that does not match its ``.po``, and on a ``.pot`` that does not match the sources.

Needs Babel (in both locks); learners only need the compiled ``.mo`` files
(:mod:`gpec_teach.i18n` reads them with the standard library).
"""

from __future__ import annotations

import argparse
import io
import re
import string
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..i18n import DOMAIN, LOCALE_DIR

__all__ = [
    "KEYWORDS",
    "LANGUAGES",
    "POT",
    "SOURCES",
    "check",
    "compile",
    "extract",
    "placeholders",
    "po_path",
    "template",
    "update",
]

#: Languages with a catalogue (English is the source).
LANGUAGES = ("fr", "es")
#: The package folder; message locations are written relative to its parent.
PACKAGE_DIR = LOCALE_DIR.parent
#: Source files whose marked strings are messages (glob patterns relative to the package).
SOURCES = ("exercises.py", "exercise_bank/*.py")
#: Marker functions and the argument(s) holding the message (Babel's keyword spec).
KEYWORDS = {"_": None, "N_": None, "lazy_gettext": None, "ngettext": (1, 2)}
#: The template every ``.po`` is updated from.
POT = LOCALE_DIR / f"{DOMAIN}.pot"

_HEADER = {
    "project": DOMAIN,
    "version": __version__,
    "copyright_holder": "GPEC curriculum contributors",
}


def po_path(lang: str) -> Path:
    """Return the path of the ``.po`` catalogue of *lang* (``.mo`` next to it)."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}. Got lang={lang!r}.")
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _source_files() -> list[Path]:
    files = {path for pattern in SOURCES for path in PACKAGE_DIR.glob(pattern)}
    return sorted(files, key=lambda p: p.relative_to(PACKAGE_DIR).as_posix())


def template():
    """Return the catalogue of the messages marked in :data:`SOURCES` (a Babel ``Catalog``).

    Messages are in the order of the files (``exercises.py``, then notebook by notebook)
    and of the lines; each location is a file (without line number, so that moving code does
    not change the template).
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalog = Catalog(**_HEADER)
    root = PACKAGE_DIR.parent
    for path in _source_files():
        relative = path.relative_to(root).as_posix()
        extracted = extract_from_file(
            "python",
            str(path),
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for lineno, message, comments, context in extracted:
            catalog.add(
                message, None, [(relative, lineno)], auto_comments=comments, context=context
            )
    return catalog


def _po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=99, include_lineno=False, ignore_obsolete=True)
    return buffer.getvalue()


def _without_dates(text: bytes) -> bytes:
    dated = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')
    return b"\n".join(line for line in text.splitlines() if not line.startswith(dated))


def _write_if_changed(path: Path, content: bytes) -> bool:
    """Write *content* unless the file differs only in its dates; return True if written."""
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def _read_po(path: Path, locale: str | None = None):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def extract() -> Path:
    """Write :data:`POT` from the sources; return its path.

    The file is left alone when only its creation date would change.
    """
    _write_if_changed(POT, _po_bytes(template()))
    return POT


def update(languages: Sequence[str] = LANGUAGES) -> list[Path]:
    """Merge :data:`POT` into the ``.po`` of each language (created when missing).

    New messages come in empty; a message whose English changed comes in *fuzzy*, with the
    translation of the closest old message to revise; messages gone from the sources are
    dropped. Returns the ``.po`` paths.
    """
    from babel.messages.catalog import Catalog

    pot = _read_po(POT)
    paths = []
    for lang in languages:
        path = po_path(lang)
        if path.exists():
            catalog = _read_po(path, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, **_HEADER)
            catalog.language_team = {"fr": "French", "es": "Spanish"}[lang]
        catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
        _write_if_changed(path, _po_bytes(catalog))
        paths.append(path)
    return paths


def _mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile(languages: Sequence[str] = LANGUAGES) -> list[Path]:  # noqa: A001 (the command's name)
    """Write the ``.mo`` next to each ``.po`` (fuzzy entries left out); return the paths."""
    paths = []
    for lang in languages:
        path = po_path(lang).with_suffix(".mo")
        _write_if_changed(path, _mo_bytes(_read_po(po_path(lang), locale=lang)))
        paths.append(path)
    return paths


def placeholders(text: str) -> Counter:
    """Return the ``str.format`` fields of *text* with their format spec, counted.

    Examples
    --------
    >>> sorted(placeholders("{count} of {size} cells ({share:.1%})").elements())
    ['{count}', '{share:.1%}', '{size}']
    >>> placeholders("no field, a dict {{1: 100}} written for format") == Counter()
    True
    """
    fields = Counter()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # a lone brace: a text never formatted; compare its braces as they are
        return Counter(re.findall(r"[{}]", text))
    for _literal, name, spec, conversion in parsed:
        if name is not None:
            conv = f"!{conversion}" if conversion else ""
            fields["{" + name + conv + (f":{spec}" if spec else "") + "}"] += 1
    return fields


def _forms(message) -> list[tuple[str, str]]:
    """Return the (English, translation) pairs of a message, one per plural form."""
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]


def _entries(catalog) -> dict:
    """Return the translated entries of a catalogue, {(msgid, context): msgstr}, without header."""

    def hashable(value):
        return tuple(value) if isinstance(value, tuple | list) else value

    return {
        (hashable(m.id), m.context): hashable(m.string)
        for m in catalog
        if m.id and not m.fuzzy and all(_forms_filled(m))
    }


def _forms_filled(message) -> list[bool]:
    return [bool(text) for _english, text in _forms(message)]


def _key(message):
    ids = tuple(message.id) if isinstance(message.id, tuple | list) else message.id
    return (ids, message.context)


def check(languages: Sequence[str] = LANGUAGES) -> list[str]:
    """Return what is out of date or incomplete in the catalogues (empty list: all good).

    Problems: the ``.pot`` differs from the sources (run ``extract``); a ``.po`` lacks a
    message of the ``.pot`` or holds one no longer there (run ``update``); an entry is empty
    or fuzzy, or its placeholders differ from the English (translate it); a ``.mo`` differs
    from its ``.po`` (run ``compile``).
    """
    from babel.messages.mofile import read_mo

    problems = []
    command = "python -m gpec_teach.translate.messages"
    fresh = template()
    if not POT.exists():
        return [f"{POT} is missing: run `{command} extract`."]
    pot = _read_po(POT)

    def locations(catalog):
        return {_key(m): sorted({file for file, _line in m.locations}) for m in catalog if m.id}

    if locations(fresh) != locations(pot):
        problems.append(f"{POT.name} is out of date with the sources: run `{command} extract`.")
    for lang in languages:
        path = po_path(lang)
        if not path.exists():
            problems.append(f"{path} is missing: run `{command} update`.")
            continue
        catalog = _read_po(path, locale=lang)
        ids = {_key(m) for m in catalog if m.id}
        wanted = {_key(m) for m in pot if m.id}
        if ids != wanted:
            problems.append(
                f"{lang}: {len(wanted - ids)} message(s) of the .pot missing and "
                f"{len(ids - wanted)} no longer in it: run `{command} update`."
            )
        for message in catalog:
            if not message.id:
                continue
            english = message.id[0] if isinstance(message.id, tuple | list) else message.id
            where = f"{lang}: {english[:70]!r}"
            if message.fuzzy:
                problems.append(f"{where} is fuzzy: revise it, then remove the fuzzy flag.")
            if not all(_forms_filled(message)):
                problems.append(f"{where} is not translated.")
            for source, text in _forms(message):
                if text and placeholders(source) != placeholders(text):
                    problems.append(
                        f"{where}: placeholders {sorted(placeholders(source))} in English but "
                        f"{sorted(placeholders(text))} in the translation."
                    )
        mo = path.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo} is missing: run `{command} compile`.")
            continue
        with mo.open("rb") as handle:
            compiled = read_mo(handle)
        if _entries(compiled) != _entries(catalog):
            problems.append(f"{mo} is out of date with its .po: run `{command} compile`.")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``extract``, ``update``, ``compile`` or ``check``; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m gpec_teach.translate.messages",
        description="Catalogues of gpec_teach's messages to learners (exercise feedback).",
    )
    parser.add_argument("command", choices=("extract", "update", "compile", "check"))
    args = parser.parse_args(argv)
    if args.command == "extract":
        print(f"wrote {extract()} ({sum(1 for m in template() if m.id)} messages)")
    elif args.command == "update":
        for path in update():
            print(f"updated {path}")
    elif args.command == "compile":
        for path in compile():
            print(f"compiled {path}")
    else:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print("message catalogues complete and in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
