"""The three editions of the built site (issue 21): ``_build/html/{en,fr,es}/``.

Run with ``--site`` by ``make test-site``, after ``make test-book`` (or ``make book``).
Checks on the HTML files: the root ``index.html`` sends readers to ``en/``; every page of
every edition has the language switcher (a ``<nav>`` with an accessible name, links to the
same page in each edition, which exist, with ``lang``/``hreflang``, the current language
marked); ``<html lang>`` is the edition's language; the Binder, Colab and download buttons
of a French or Spanish notebook page open the notebook of that language; each edition has
its own search index, in its own language. In headless Chromium (fixtures of
``test_site.py``): the root redirect works, and the switcher is shown at desktop and phone
widths and leads to the same page in French.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import test_site  # the browser, the local server and the built site (session fixtures)
from test_site import EDITIONS, ROOT, _open

browser = test_site.browser
server = test_site.server
offline_site = test_site.offline_site

site = pytest.mark.site  # the tests of the built site; the others are unit tests of the tree

NAMES = {"en": "English", "fr": "Français", "es": "Español"}
#: The notebook page whose buttons are checked.
NOTEBOOK = "02_geodata_basics"
SKIP = ("_static", "_sources", "_images", "_sphinx_design_static", "_panels_static", "slides")


def _sphinx_pages(site: Path, lang: str) -> list[str]:
    """Pages of an edition made by Sphinx (not the redirect index.html, not the slide decks)."""
    edition = site / lang
    pages = []
    for path in sorted(edition.rglob("*.html")):
        page = path.relative_to(edition).as_posix()
        if page.startswith(SKIP):
            continue
        if "data-content_root" in path.read_text(encoding="utf-8")[:3000]:
            pages.append(page)
    return pages


def _switcher(text: str) -> str | None:
    match = re.search(r'<nav class="gpec-language-switcher"[^>]*>.*?</nav>', text, re.S)
    return match.group(0) if match else None


@site
def test_root_index_redirects_to_english(offline_site):
    text = (offline_site / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=en/index.html">' in text
    assert "location.replace('en/index.html'" in text
    assert '<a href="en/index.html"' in text
    for lang in EDITIONS:
        assert (offline_site / lang / "index.html").is_file(), f"edition {lang} not built"


@site
def test_root_index_opens_english_in_the_browser(browser, server):
    _open(browser, f"{server}/")
    assert browser.current_url == f"{server}/en/book/intro.html", browser.current_url
    assert browser.execute_script("return document.documentElement.lang") == "en"


@pytest.mark.parametrize("lang", EDITIONS)
@site
def test_every_page_has_the_language_switcher(offline_site, lang):
    pages = _sphinx_pages(offline_site, lang)
    assert len(pages) > 30, f"{lang}: only {len(pages)} pages"
    problems = []
    for page in pages:
        path = offline_site / lang / page
        nav = _switcher(path.read_text(encoding="utf-8"))
        if nav is None:
            problems.append(f"{page}: no language switcher")
            continue
        label = re.search(r'aria-label="([^"]+)"', nav)
        if not label or not label.group(1).strip():
            problems.append(f"{page}: the switcher's <nav> has no aria-label")
        links = re.findall(r"<a ([^>]*)>([^<]*)</a>", nav)
        codes = []
        for attributes, name in links:
            attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
            code = attrs.get("lang")
            codes.append(code)
            if attrs.get("hreflang") != code or NAMES.get(code) != name.strip():
                problems.append(f"{page}: link {attributes!r} {name!r}: lang, hreflang, name")
            target = (path.parent / unquote(urlsplit(attrs.get("href", "")).path)).resolve()
            if target != (offline_site / code / page).resolve():
                problems.append(f"{page}: {code} link goes to {attrs.get('href')}")
            elif not target.is_file():
                problems.append(f"{page}: {code} link goes to a missing file {target}")
            if ("aria-current" in attrs) != (code == lang):
                problems.append(f"{page}: aria-current on {code} (page is {lang})")
        if codes != list(EDITIONS):
            problems.append(f"{page}: switcher languages {codes}, expected {list(EDITIONS)}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("lang", EDITIONS)
@site
def test_html_lang_is_the_editions(offline_site, lang):
    wrong = []
    for page in _sphinx_pages(offline_site, lang):
        text = (offline_site / lang / page).read_text(encoding="utf-8")
        match = re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", text)
        if not match or match.group(1) != lang:
            wrong.append(f"{page}: {match.group(1) if match else None}")
    assert not wrong, f"<html lang> is not {lang!r} on: {wrong[:10]}"


def _buttons(text: str) -> dict[str, str]:
    hrefs = re.findall(r'href="([^"]+)"', text)
    found = {}
    for href in hrefs:
        if "mybinder.org" in href:
            found["binder"] = href
        elif "colab.research.google.com" in href:
            found["colab"] = href
        elif "_sources/notebooks/" in href and href.endswith(".ipynb"):
            found["download"] = href
    return found


@pytest.mark.parametrize("lang", EDITIONS)
@site
def test_notebook_buttons_open_the_notebook_of_the_edition(offline_site, lang):
    page = offline_site / lang / "notebooks" / f"{NOTEBOOK}.html"
    buttons = _buttons(page.read_text(encoding="utf-8"))
    assert set(buttons) == {"binder", "colab", "download"}, buttons
    folder = "notebooks/" if lang == "en" else f"notebooks/{lang}/"
    expected = f"{folder}{NOTEBOOK}.ipynb"
    assert buttons["binder"].endswith(f"?urlpath=lab/tree/{expected}"), buttons["binder"]
    assert buttons["colab"].endswith(f"/blob/main/{expected}"), buttons["colab"]
    assert buttons["download"] == f"../_sources/{expected}", buttons["download"]
    downloaded = (page.parent / buttons["download"]).resolve()
    assert downloaded.is_file(), f"the download button's file {downloaded} is missing"
    source = ROOT / expected
    assert json.loads(downloaded.read_text(encoding="utf-8")) == json.loads(
        source.read_text(encoding="utf-8")
    ), f"{downloaded} is not {source}"


@pytest.mark.parametrize("lang", EDITIONS)
@site
def test_each_edition_has_its_own_search_index(offline_site, lang):
    edition = offline_site / lang
    index = (edition / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    pages = {f"{name}.html" for name in data["docnames"]}
    assert pages == set(_sphinx_pages(offline_site, lang)) - {"search.html", "genindex.html"}
    options = (edition / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    assert re.search(rf"LANGUAGE:\s*'{lang}'", options), options
    if lang != "en":  # the search stemmer of the edition's language (Snowball)
        stemmer = {"fr": "FrenchStemmer", "es": "SpanishStemmer"}[lang]
        assert stemmer in (edition / "_static" / "language_data.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [1280, 390])
@site
def test_switcher_is_shown_and_leads_to_the_same_page(browser, server, width):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    try:
        _open(browser, f"{server}/en/notebooks/{NOTEBOOK}.html")
        link = browser.find_element("css selector", ".gpec-language-switcher a[hreflang='fr']")
        assert link.is_displayed(), f"the switcher is hidden at {width} px"
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
        )
        assert overflow <= 2, f"the header scrolls sideways by {overflow} px at {width} px"
        link.click()
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const wait = () => document.readyState === 'complete' ? done() : setTimeout(wait, 50);"
            "wait();"
        )
        assert browser.current_url == f"{server}/fr/notebooks/{NOTEBOOK}.html"
        assert browser.execute_script("return document.documentElement.lang") == "fr"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --------------------------------------------------------------------------- the tree
def _tiny_repo(root: Path, *, with_notebook: bool = True) -> Path:
    """A repository with one page, one notebook, a bibliography and a figure."""
    (root / "book").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "notebooks" / "fr").mkdir(parents=True)
    (root / "_config.yml").write_text(
        "title: My book\nbibtex_bibfiles:\n  - book/references.bib\n"
        "execute:\n  execute_notebooks: cache\nsphinx:\n  config:\n    language: en\n",
        encoding="utf-8",
    )
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: Start here\n    chapters:\n"
        "      - file: notebooks/00_first\n",
        encoding="utf-8",
    )
    (root / "book" / "intro.md").write_text(
        "# Intro\n\n```{figure} ../data/map.png\n:alt: A map\n```\n", encoding="utf-8"
    )
    (root / "book" / "references.bib").write_text("@book{a, title={A}}\n", encoding="utf-8")
    (root / "data" / "map.png").write_bytes(b"png")
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Premier"}]}
    (root / "notebooks" / "00_first.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    if with_notebook:
        (root / "notebooks" / "fr" / "00_first.ipynb").write_text(
            json.dumps(notebook), encoding="utf-8"
        )
    return root


def test_build_tree_writes_the_french_tree(tmp_path):
    import yaml

    from gpec_teach.translate.tree import build_tree

    root = _tiny_repo(tmp_path / "repo")
    dest = tmp_path / "fr"
    (dest / "book").mkdir(parents=True)
    (dest / "book" / "stale.md").write_text("old page", encoding="utf-8")
    files = build_tree("fr", dest, root=root)
    names = sorted(p.relative_to(dest).as_posix() for p in files)
    assert names == [
        "_config.yml",
        "_toc.yml",
        "book/intro.md",
        "book/references.bib",
        "data/map.png",
        "notebooks/00_first.ipynb",
    ]
    assert not (dest / "book" / "stale.md").exists()  # a page no longer in the book goes
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["language"] == "fr"
    assert config["execute"]["exclude_patterns"] == ["notebooks/*.ipynb"]
    assert config["bibtex_bibfiles"] == ["book/references.bib"]
    toc = yaml.safe_load((dest / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["parts"][0]["chapters"] == [{"file": "notebooks/00_first"}]
    # Unchanged files are not rewritten (Sphinx then rebuilds nothing).
    before = (dest / "book" / "intro.md").stat().st_mtime_ns
    build_tree("fr", dest, root=root)
    assert (dest / "book" / "intro.md").stat().st_mtime_ns == before


def test_build_tree_names_the_missing_notebook_and_the_command(tmp_path):
    from gpec_teach.translate.tree import build_tree

    root = _tiny_repo(tmp_path / "repo", with_notebook=False)
    with pytest.raises(
        FileNotFoundError,
        match=r"notebooks/fr/00_first\.ipynb.*"
        r"python -m gpec_teach\.translate notebooks",
    ):
        build_tree("fr", tmp_path / "fr", root=root)


def test_build_tree_refuses_bad_arguments(tmp_path):
    from gpec_teach.translate.tree import build_tree

    root = _tiny_repo(tmp_path / "repo")
    with pytest.raises(ValueError, match=r"lang must be one of \('fr', 'es'\).*got 'de'"):
        build_tree("de", tmp_path / "de", root=root)
    with pytest.raises(ValueError, match="dest must be a folder of its own"):
        build_tree("fr", root, root=root)


def test_write_root_index_needs_the_editions(tmp_path):
    from gpec_teach.translate.tree import write_root_index

    with pytest.raises(FileNotFoundError, match=r"lacks the editions \['en', 'fr', 'es'\]"):
        write_root_index(tmp_path)
    for lang in EDITIONS:
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "index.html").write_text("<html></html>", encoding="utf-8")
    page = write_root_index(tmp_path).read_text(encoding="utf-8")
    assert 'url=en/index.html"' in page and 'hreflang="es"' in page
