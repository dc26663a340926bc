"""Sphinx extension of the GPEC book: three editions (English, French, Spanish) in one site.

The site holds one edition per language, side by side: ``en/``, ``fr/``, ``es/`` (each a
complete Jupyter Book build, Sphinx ``language`` set, its own search index). This
extension, loaded by every edition (``sphinx: local_extensions`` in ``_config.yml``):

- puts a language switcher in the header of every page: a ``<nav>`` with links to the
  same page in the other editions (``../<lang>/<page>.html`` with as many ``../`` as the
  page is deep), the current language marked (``aria-current="page"``), each link with
  ``lang`` and ``hreflang``;
- on a translated edition, points the launch buttons (Binder, Colab, JupyterHub) and the
  notebook download of a notebook page at the notebook of that language,
  ``notebooks/<lang>/NN_slug.ipynb``, instead of the English ``notebooks/NN_slug.ipynb``
  (the download file is copied to ``_sources/notebooks/<lang>/`` at the end of the build).

``<html lang>`` comes from Sphinx's ``language`` (set by the generated ``_config.yml`` of
each translated edition, ``en`` in the root one).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent

#: Editions of the site, in switcher order: code -> name of the language in itself.
EDITIONS = {"en": "English", "fr": "Français", "es": "Español"}
#: The switcher's accessible name, in the page's language.
SWITCHER_LABEL = {"en": "Language", "fr": "Langue", "es": "Idioma"}
#: Header button groups whose links open a notebook.
NOTEBOOK_BUTTONS = ("launch-buttons", "download-buttons")


def edition(app: Sphinx) -> str:
    """Language code of the edition being built (Sphinx ``language``), checked."""
    lang = (app.config.language or "en").split("_")[0]
    if lang not in EDITIONS:
        raise ValueError(
            f"gpec_i18n: language {app.config.language!r} has no edition; "
            f"the site has {tuple(EDITIONS)}"
        )
    return lang


def language_links(pagename: str, current: str) -> list[dict]:
    """Links from page ``pagename`` of edition ``current`` to the same page in every edition.

    >>> [link["href"] for link in language_links("notebooks/02_geodata_basics", "fr")]
    ['../../en/notebooks/02_geodata_basics.html', '../../fr/notebooks/02_geodata_basics.html', '../../es/notebooks/02_geodata_basics.html']
    >>> language_links("index", "en")[1]
    {'code': 'fr', 'name': 'Français', 'href': '../fr/index.html', 'current': False}
    """
    up = "../" * (pagename.count("/") + 1)
    return [
        {
            "code": code,
            "name": name,
            "href": f"{up}{code}/{pagename}.html",
            "current": code == current,
        }
        for code, name in EDITIONS.items()
    ]


def notebook_url(url: str, pagename: str, lang: str) -> str:
    """Point ``url`` at the ``lang`` notebook of page ``pagename`` (unchanged for English).

    >>> notebook_url("https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/02_x.ipynb",
    ...              "notebooks/02_x", "fr")
    'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/fr/02_x.ipynb'
    >>> notebook_url("../_sources/notebooks/02_x.ipynb", "notebooks/02_x", "es")
    '../_sources/notebooks/es/02_x.ipynb'
    """
    if lang == "en" or not pagename.startswith("notebooks/"):
        return url
    stem = pagename.split("/", 1)[1]
    return re.sub(
        rf"(^|/)notebooks/{re.escape(stem)}\.ipynb\b", rf"\1notebooks/{lang}/{stem}.ipynb", url
    )


def _on_config(app: Sphinx, config) -> None:
    edition(app)  # fail early on a language without an edition
    config.templates_path.append(str(HERE / "gpec_i18n_templates"))
    config.html_static_path.append(str(HERE / "gpec_i18n_static"))
    options = config.html_theme_options
    end = options.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(end, str):
        end = [item.strip() for item in end.split(",") if item.strip()]
    if "gpec-language-switcher.html" not in end:
        options["article_header_end"] = ["gpec-language-switcher.html", *end]


def _on_page_switcher(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    lang = edition(app)
    context["gpec_language"] = lang
    context["gpec_language_label"] = SWITCHER_LABEL[lang]
    context["gpec_language_links"] = language_links(pagename, lang)


def _on_page_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    lang = edition(app)
    if lang == "en" or not pagename.startswith("notebooks/"):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") not in NOTEBOOK_BUTTONS:
            continue
        for button in group.get("buttons", []):
            if "url" in button:
                button["url"] = notebook_url(button["url"], pagename, lang)


def _on_finished(app: Sphinx, exception) -> None:
    """Copy each downloadable notebook to where the rewritten download button points."""
    if exception is not None or app.builder.format != "html":
        return
    lang = edition(app)
    if lang == "en":
        return
    sources = Path(app.outdir) / "_sources"
    for page in sorted(d for d in app.env.found_docs if d.startswith("notebooks/")):
        original = sources / f"{page}.ipynb"
        if original.is_file():
            target = sources / notebook_url(f"{page}.ipynb", page, lang)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, target)


def setup(app: Sphinx) -> dict:
    """Register the switcher, the launch-button rewrite and its stylesheet."""
    app.connect("config-inited", _on_config)
    # Before the theme drops header components that render empty (pydata-sphinx-theme,
    # priority 500), so that the switcher's links are there when it tries it.
    app.connect("html-page-context", _on_page_switcher, priority=400)
    # After sphinx-book-theme has made its header buttons (its handlers run at 501).
    app.connect("html-page-context", _on_page_buttons, priority=900)
    app.connect("build-finished", _on_finished)
    app.add_css_file("gpec-i18n.css")
    # A change to this extension, its template or its CSS rebuilds every page of the
    # edition (Sphinx compares env_version with the one of the saved environment).
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("gpec_i18n*")) + sorted(HERE.glob("gpec_i18n_*/*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return {
        "version": "1.0",
        "env_version": int(digest.hexdigest()[:8], 16),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
