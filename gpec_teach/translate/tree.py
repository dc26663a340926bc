"""Source tree of a translated edition of the book (French or Spanish).

The English book is built from the repository root. A translated edition is built by
Jupyter Book from a *generated* source tree (``_build/i18n/<lang>/`` under ``make book``)
that mirrors the root one:

- ``_config.yml``: the root configuration with Sphinx ``language: <lang>`` (theme strings,
  ``<html lang>`` and the search stemmer in that language) and the title translated. The
  translated notebooks are committed already executed and are not run again
  (``notebooks/*.ipynb`` are excluded from execution); the few book pages that compute
  what they show (``{code-cell}`` in ``book/*.md``: module times, answer keys, validation
  tables) run as in the English build, from the same Jupyter cache (their code is not
  translated, so they hit the English cache entries).
- ``_toc.yml``: the same files, the part captions translated (catalogue ``_toc``).
- ``book/*.md``: translated through the catalogue ``book/<stem>``.
- ``notebooks/NN_slug.ipynb``: copies of the generated ``notebooks/<lang>/NN_slug.ipynb``.
- every file the pages use (bibliography, images, included files, downloads) and the
  Sphinx extension of ``book/_ext`` (language switcher, launch buttons per language).

Files are only rewritten when their content changes, so that Sphinx rebuilds only what
changed. Command line::

    python -m gpec_teach.translate.tree LANG DEST     # e.g. fr _build/i18n/fr
    python -m gpec_teach.translate.tree --root-index SITE  # SITE/index.html -> en/
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path, PurePosixPath

import yaml

from gpec_teach.translate import LANGUAGES, translate_markdown
from gpec_teach.translate.catalog import ROOT, toc_texts

__all__ = ["EDITIONS", "ROOT", "build_tree", "page_assets", "root_index", "write_root_index"]

"""The repository root (holds ``_config.yml``, ``_toc.yml``, ``book/`` and ``notebooks/``)."""

EDITIONS = ("en", *LANGUAGES)
"""Editions of the site, English first: each is built into ``_build/html/<code>/``."""

#: Directives and roles whose argument is a file next to the page.
_FILE_RES = (
    re.compile(r"^\s*[`~:]{3,}\s*\{(?:include|literalinclude|figure|image)\}\s+(\S+)", re.M),
    re.compile(r"\{download\}`(?:[^`<]*<)?([^`>]+)>?`"),
    re.compile(r"!\[[^\]]*\]\(([^)\s]+)"),
    re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\""),
)
#: Command that writes the translated notebooks.
NOTEBOOKS_COMMAND = "python -m gpec_teach.translate notebooks"


def page_assets(text: str) -> list[str]:
    r"""Return the relative file paths that a MyST page or notebook markdown refers to.

    Includes, figures, images (MyST and HTML) and ``{download}`` targets; URLs, absolute
    paths and anchors are left out.

    >>> page_assets("```{figure} ../data/quicklook.png\n:alt: x\n```\n"
    ...             "Get {download}`the form <self_assessment.csv>`, see ![m](https://x/y.png).")
    ['../data/quicklook.png', 'self_assessment.csv']
    """
    found = []
    for regex in _FILE_RES:
        for target in regex.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target):
                continue
            if target not in found:
                found.append(target)
    return found


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", []) if "file" in chapter]
    return files


def _translate_toc(toc: dict, lang: str) -> dict:
    out = dict(toc)
    out["parts"] = [
        {**part, "caption": translate_markdown(part["caption"], lang, "_toc")}
        if "caption" in part
        else part
        for part in toc.get("parts", [])
    ]
    return out


def _config(english: dict, root: Path, lang: str) -> dict:
    config = dict(english)
    config["title"] = translate_markdown(config["title"], lang, "_toc")
    execute = dict(config.get("execute") or {})
    # The translated notebooks are committed executed: shown as they are, never run here.
    # The book pages with code cells (glued module times, answer keys) still run, from the
    # English build's cache (same code, so the same cache entries).
    execute["execute_notebooks"] = "cache"
    execute["cache"] = str((root / "_build" / ".jupyter_cache").resolve())
    execute["exclude_patterns"] = ["notebooks/*.ipynb"]
    config["execute"] = execute
    sphinx = dict(config.get("sphinx") or {})
    sphinx_config = dict(sphinx.get("config") or {})
    sphinx_config["language"] = lang
    sphinx_config["locale_dirs"] = []  # the catalogues were applied here, not by Sphinx
    sphinx["config"] = sphinx_config
    config["sphinx"] = sphinx
    return config


def _write(path: Path, data: bytes, written: set[Path]) -> None:
    """Write *data* at *path* unless it is there already (keeps mtimes for Sphinx)."""
    written.add(path)
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy_asset(root: Path, dest: Path, page: PurePosixPath, target: str, written: set) -> None:
    source = (root / page.parent / target).resolve()
    try:
        relative = source.relative_to(root.resolve())
    except ValueError:
        raise ValueError(
            f"{page} refers to {target}, outside the repository: keep page assets in it"
        ) from None
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                _write(dest / relative / path.relative_to(source), path.read_bytes(), written)
    elif source.is_file():
        _write(dest / relative, source.read_bytes(), written)
    else:
        raise FileNotFoundError(f"{page} refers to {target}, which does not exist ({source})")


def build_tree(lang: str, dest: str | Path, *, root: str | Path = ROOT) -> list[Path]:
    """Write the Jupyter Book source tree of the ``lang`` edition into ``dest``.

    Parameters
    ----------
    lang : str
        One of :data:`gpec_teach.translate.LANGUAGES` (``"fr"``, ``"es"``).
    dest : str or Path
        Folder of the tree (created; files of an earlier tree that are no longer part of
        it are removed, except a ``_build`` folder). Must not be the repository itself.
    root : str or Path, keyword-only
        The repository whose English book is translated.

    Returns
    -------
    list of Path
        The files of the tree, sorted.

    Raises
    ------
    ValueError
        For an unknown language, or a ``dest`` that is the repository or contains it.
    FileNotFoundError
        When a translated notebook ``notebooks/<lang>/NN_slug.ipynb`` is missing (the
        message names the command that generates them) or a page's asset is missing.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     files = build_tree("fr", tmp)
    """
    if lang not in LANGUAGES:
        raise ValueError(
            f"lang must be one of {LANGUAGES} (the translated editions), got {lang!r}; "
            "English is built from the repository itself"
        )
    root = Path(root).resolve()
    dest = Path(dest).resolve()
    if dest == root or root.is_relative_to(dest):
        raise ValueError(
            f"dest must be a folder of its own, got {str(dest)!r}, which holds the "
            f"repository {str(root)!r}: use e.g. {str(root / '_build' / 'i18n' / lang)!r}"
        )
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = _toc_files(toc)
    missing = [
        f"notebooks/{lang}/{PurePosixPath(f).name}.ipynb"
        for f in files
        if f.startswith("notebooks/")
        and not (root / "notebooks" / lang / f"{PurePosixPath(f).name}.ipynb").is_file()
    ]
    if missing:
        raise FileNotFoundError(
            f"the {lang} edition needs the translated notebooks, and {len(missing)} are "
            f"missing: {', '.join(missing)}. Generate them with `{NOTEBOOKS_COMMAND}` "
            "(then execute and commit them like the English ones)."
        )
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    written: set[Path] = set()
    dump = {"sort_keys": False, "allow_unicode": True, "width": 100}
    _write(
        dest / "_config.yml",
        (
            "# Generated by gpec_teach.translate.tree: do not edit.\n"
            + yaml.safe_dump(_config(config, root, lang), **dump)
        ).encode(),
        written,
    )
    _write(
        dest / "_toc.yml",
        (
            "# Generated by gpec_teach.translate.tree: do not edit.\n"
            + yaml.safe_dump(_translate_toc(toc, lang), **dump)
        ).encode(),
        written,
    )
    assets: list[tuple[PurePosixPath, str]] = [
        (PurePosixPath("_config.yml"), name) for name in config.get("bibtex_bibfiles", [])
    ]
    for path in (config.get("sphinx") or {}).get("local_extensions", {}).values():
        assets.append((PurePosixPath("_config.yml"), path))
    for name in files:
        page = PurePosixPath(name)
        if page.parts[0] == "notebooks":
            source = root / "notebooks" / lang / f"{page.name}.ipynb"
            cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
            text = "\n".join(
                "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in cells
                if c["cell_type"] == "markdown"
            )
            _write(dest / f"{name}.ipynb", source.read_bytes(), written)
            page = page.with_suffix(".ipynb")
        else:
            page = page.with_suffix(".md")
            text = (root / page).read_text(encoding="utf-8")
            translated = translate_markdown(text, lang, str(page.with_suffix("")))
            _write(dest / page, translated.encode("utf-8"), written)
            # A translated page may name other files than the source (a translated image).
            text = text + "\n" + translated
        assets += [(page, target) for target in page_assets(text)]
    for page, target in assets:
        _copy_asset(root, dest, page, target, written)
    for path in sorted(dest.rglob("*"), reverse=True):
        if "_build" in path.relative_to(dest).parts:
            continue
        if path.is_file() and path not in written:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return sorted(written)


def root_index(editions: tuple[str, ...] = EDITIONS, *, title: str) -> str:
    """Return the site's root ``index.html``: it sends the reader to the English edition.

    A meta refresh (works from ``file://`` and without JavaScript), a script (keeps the
    query and the fragment) and plain links to every edition, for browsers that follow
    neither. ``title`` is the book's title (``write_root_index`` reads it from
    ``_config.yml``).

    >>> page = root_index(title="A book")
    >>> 'content="0; url=en/index.html"' in page and 'href="fr/index.html"' in page
    True
    """
    names = {"en": "English", "fr": "Français", "es": "Español"}
    title = html.escape(title)
    for code in editions:
        if code not in names:
            raise ValueError(f"editions holds {code!r}; known editions are {tuple(names)}")
    links = "\n".join(
        f'<li><a href="{code}/index.html" lang="{code}" hreflang="{code}">'
        f"{html.escape(names[code])}</a></li>"
        for code in editions
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        '<meta http-equiv="refresh" content="0; url=en/index.html">\n'
        '<link rel="canonical" href="en/index.html">\n'
        "<script>location.replace('en/index.html' + location.search + location.hash);</script>\n"
        f"</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        '<p>Opening the <a href="en/index.html">English edition</a>...</p>\n'
        f'<nav aria-label="Languages"><ul>\n{links}\n</ul></nav>\n</main>\n</body>\n</html>\n'
    )


def write_root_index(site: str | Path, *, root: str | Path = ROOT) -> Path:
    """Write :func:`root_index` into ``site/index.html`` and return its path.

    The page's title is the book's title in ``root/_config.yml``.
    """
    site = Path(site)
    missing = [code for code in EDITIONS if not (site / code / "index.html").is_file()]
    if missing:
        raise FileNotFoundError(
            f"site={str(site)!r} lacks the editions {missing} (no <code>/index.html): "
            "build them first (make book)"
        )
    path = site / "index.html"
    path.write_text(root_index(title=toc_texts(Path(root))[0]), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write a translated tree, or the site's root index."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lang", nargs="?", help=f"edition to write: one of {LANGUAGES}")
    parser.add_argument("dest", nargs="?", type=Path, help="folder of the generated tree")
    parser.add_argument(
        "--root-index",
        type=Path,
        metavar="SITE",
        help="write SITE/index.html, which redirects to SITE/en/",
    )
    args = parser.parse_args(argv)
    try:
        if args.root_index:
            print(f"wrote {write_root_index(args.root_index)}")
            return 0
        if not args.lang or not args.dest:
            parser.error("give LANG and DEST (or --root-index SITE)")
        files = build_tree(args.lang, args.dest)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{args.lang}: {len(files)} files in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
