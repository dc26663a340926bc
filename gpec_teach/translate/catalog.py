"""Gettext catalogues of the book: extraction, update with fuzzy matching, status, lookup.

One template per document, ``locales/pot/<docname>.pot``, and one catalogue per document and
language, ``locales/<lang>/LC_MESSAGES/<docname>.po`` (the layout of sphinx-intl, so Poedit,
Weblate or Transifex open them as they are). Messages come from
:func:`gpec_teach.translate.segment.segment`. Updating a catalogue from a changed template
keeps every translation whose English is unchanged; a changed English message gets the old
translation as a *fuzzy* suggestion, and a new one an empty translation: both are reported
by :func:`problems` until a translator has reviewed them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from gpec_teach.translate.segment import segment

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
_FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # no churn in the headers


def _babel():
    try:
        from babel.messages import Catalog, pofile
    except ImportError as err:  # pragma: no cover - Babel is in both locks
        raise ImportError(
            "gpec_teach.translate needs Babel (pip install babel); it is in "
            "requirements-learner.lock and requirements-dev.lock"
        ) from err
    return Catalog, pofile


@dataclass(frozen=True)
class Message:
    """One message of a document: its English text and where it comes from."""

    text: str
    location: str


def documents(root: Path = ROOT) -> list[str]:
    """List the docnames of every translated document: the notebooks, the pages, ``_toc``."""
    names = [f"notebooks/{p.stem}" for p in sorted((root / "notebooks").glob("[0-9]*.ipynb"))]
    names += [f"book/{p.stem}" for p in sorted((root / "book").glob("*.md"))]
    return [*names, "_toc"]


def source_path(docname: str, root: Path = ROOT) -> Path:
    """Return the English source file of ``docname``."""
    if docname == "_toc":
        return root / "_toc.yml"
    suffix = ".ipynb" if docname.startswith("notebooks/") else ".md"
    return root / f"{docname}{suffix}"


def toc_texts(root: Path = ROOT) -> list[str]:
    """Return the book title and the part captions, in reading order."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [config["title"], *(part["caption"] for part in toc.get("parts", []))]


def extract(docname: str, root: Path = ROOT) -> list[Message]:
    """Extract the messages of the English ``docname``, in order, repeats kept."""
    path = source_path(docname, root)
    if not path.is_file():
        raise FileNotFoundError(f"docname={docname!r}: no source file {path}")
    if docname == "_toc":
        return [
            Message(" ".join(t.split()), f"_config.yml/_toc.yml:{k}")
            for k, t in enumerate(toc_texts(root))
        ]
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for index, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] != "markdown":
                continue
            text = "".join(cell["source"])
            out += [
                Message(p.text, f"{path.name}:cell{index}")
                for p in segment(text)
                if p.kind == "msg"
            ]
        return out
    text = path.read_text(encoding="utf-8")
    return [Message(p.text, f"{path.name}") for p in segment(text) if p.kind == "msg"]


def _new_catalog(docname: str, lang: str | None):
    Catalog, _ = _babel()
    return Catalog(
        locale=lang,
        domain=docname,
        project="GPEC Connectivity Curriculum",
        version="",
        copyright_holder="GPEC curriculum contributors",
        msgid_bugs_address="",
        creation_date=_FIXED_DATE,
        revision_date=_FIXED_DATE,
        charset="utf-8",
    )


def template(docname: str, root: Path = ROOT):
    """Build the Babel catalogue (``.pot``) of ``docname`` from its English source."""
    catalog = _new_catalog(docname, None)
    for message in extract(docname, root):
        if message.text in catalog:
            catalog[message.text].locations.append((message.location, None))
        else:
            catalog.add(message.text, locations=[(message.location, None)])
    return catalog


def pot_path(docname: str, locales: Path = LOCALES) -> Path:
    """Return the template of ``docname``: ``locales/pot/<docname>.pot``."""
    return locales / "pot" / f"{docname}.pot"


def po_path(docname: str, lang: str, locales: Path = LOCALES) -> Path:
    """Return the catalogue of ``docname`` in ``lang``: ``locales/<lang>/LC_MESSAGES/<docname>.po``."""
    return locales / lang / "LC_MESSAGES" / f"{docname}.po"


def read(path: Path, lang: str | None = None):
    """Read a ``.po``/``.pot`` file with Babel."""
    _, pofile = _babel()
    with path.open("rb") as handle:
        return pofile.read_po(handle, locale=lang, abort_invalid=True)


def write(catalog, path: Path) -> None:
    """Write ``catalog`` to ``path`` (one line per message: diffs stay readable)."""
    _, pofile = _babel()
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.creation_date = _FIXED_DATE
    catalog.revision_date = _FIXED_DATE
    with path.open("wb") as handle:
        pofile.write_po(handle, catalog, width=0, omit_header=False, include_previous=True)


def write_templates(root: Path = ROOT, locales: Path = LOCALES) -> list[Path]:
    """Write ``locales/pot/<docname>.pot`` for every document; return the paths."""
    paths = []
    for docname in documents(root):
        path = pot_path(docname, locales)
        write(template(docname, root), path)
        paths.append(path)
    return paths


def update(lang: str, root: Path = ROOT, locales: Path = LOCALES) -> dict[str, dict[str, int]]:
    """Merge the current English into every ``.po`` of ``lang`` (fuzzy matching on)."""
    report = {}
    for docname in documents(root):
        fresh = template(docname, root)
        path = po_path(docname, lang, locales)
        catalog = read(path, lang) if path.is_file() else _new_catalog(docname, lang)
        catalog.update(fresh, no_fuzzy_matching=False, update_header_comment=False)
        write(catalog, path)
        report[docname] = counts(catalog)
    return report


def counts(catalog) -> dict[str, int]:
    """Numbers of translated, fuzzy and untranslated messages of a catalogue."""
    out = {"total": 0, "translated": 0, "fuzzy": 0, "untranslated": 0}
    for message in catalog:
        if not message.id:
            continue
        out["total"] += 1
        if message.fuzzy:
            out["fuzzy"] += 1
        elif message.string:
            out["translated"] += 1
        else:
            out["untranslated"] += 1
    return out


@lru_cache(maxsize=256)
def _table(path: str, mtime: float) -> dict[str, str]:
    catalog = read(Path(path))
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def lookup(docname: str, lang: str, locales: Path = LOCALES) -> dict[str, str]:
    """English -> translation for the reviewed (non-fuzzy, non-empty) messages of ``docname``."""
    path = po_path(docname, lang, locales)
    if not path.is_file():
        return {}
    return _table(str(path), path.stat().st_mtime)


def problems(lang: str, root: Path = ROOT, locales: Path = LOCALES) -> list[str]:
    """Every message of the current English that has no reviewed translation in ``lang``.

    A changed English sentence shows up here as *missing* (the catalogue was not updated)
    or *fuzzy* (it was, and the old translation awaits review): never as a stale page.
    """
    out = []
    for docname in documents(root):
        path = po_path(docname, lang, locales)
        if not path.is_file():
            out.append(f"{lang}: {docname}: no catalogue {path.relative_to(locales.parent)}")
            continue
        catalog = read(path, lang)
        for message in extract(docname, root):
            entry = catalog.get(message.text)
            if entry is None:
                state = "missing (English changed or new; run `make translations`)"
            elif entry.fuzzy:
                state = "fuzzy (review the suggested translation)"
            elif not entry.string:
                state = "untranslated"
            else:
                continue
            out.append(f"{lang}: {docname} [{message.location}]: {state}: {message.text[:100]!r}")
    return list(dict.fromkeys(out))
