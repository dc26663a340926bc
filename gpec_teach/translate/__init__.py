"""Translations of the curriculum: gettext catalogues for the book and the notebooks.

The English notebooks and pages are the only source. Their prose is split into messages
(paragraphs, list items, headings, table rows, directive titles, alt texts), extracted to
``locales/pot/<docname>.pot`` and translated in ``locales/<lang>/LC_MESSAGES/<docname>.po``
(docname: ``notebooks/02_geodata_basics``, ``book/intro``, ``_toc``). The French and Spanish
notebooks (``notebooks/<lang>/``) and pages are generated from those catalogues; code is never
translated. Command line: ``python -m gpec_teach.translate --help``.

This module needs Babel (a dependency of JupyterLab and Sphinx, in both locks); learners never
import it.
"""

from __future__ import annotations

LANGUAGES = ("fr", "es")
"""Languages of the translated editions (CMS's working languages besides English)."""


def translate_markdown(text: str, lang: str, docname: str) -> str:
    """Return the markdown ``text`` of document ``docname`` translated into ``lang``.

    Each message with a reviewed translation in ``locales/<lang>/LC_MESSAGES/<docname>.po``
    is replaced; a message without one stays in English (the tests report it). Markup, code,
    math and labels around the messages are kept as they are.
    """
    from gpec_teach.translate.catalog import lookup
    from gpec_teach.translate.segment import join, segment

    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not a translated language; choose one of {LANGUAGES}")
    return join(segment(text), lookup(docname, lang).get)
