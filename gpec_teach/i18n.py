"""Language of the package's messages to learners: English, French or Spanish.

The feedback of :func:`gpec_teach.check` (right or wrong, hints, explanations) is written in
English in the source and translated through gettext catalogues shipped with the package:
``gpec_teach/locale/<lang>/LC_MESSAGES/gpec_teach.po`` (the text translators edit) and the
compiled ``gpec_teach.mo`` next to it (what this module reads, with the standard library's
:mod:`gettext` module only: learners do not need Babel). The catalogues are maintained with
``python -m gpec_teach.translate.messages`` (see :mod:`gpec_teach.translate.messages`).

The language is, in order of precedence:

1. the one chosen with :func:`set_language` (the French and Spanish notebooks call
   ``gpec_teach.set_language("fr")`` in their setup cell);
2. the environment variable ``GPEC_LANGUAGE`` (``fr``, ``es`` or ``en``; a locale such as
   ``fr_FR.UTF-8`` counts as ``fr``);
3. English.

In the package's code, ``_("text")`` translates now, ``lazy_gettext("text")`` when the text is
shown (for messages defined once at import, such as the hints of the exercise bank), and
``N_("text")`` only marks a text for extraction. A message with values is written
``_("{n} cells differ").format(n=...)``: translated first, then filled.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
import warnings
from pathlib import Path

__all__ = [
    "ENV_VAR",
    "LANGUAGES",
    "LazyText",
    "N_",
    "get_language",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "set_language",
]

#: Languages of the messages: English (the source), French and Spanish.
LANGUAGES = ("en", "fr", "es")
#: Environment variable read when :func:`set_language` was not called.
ENV_VAR = "GPEC_LANGUAGE"
#: gettext domain: the catalogues are ``locale/<lang>/LC_MESSAGES/gpec_teach.mo``.
DOMAIN = "gpec_teach"
#: Folder of the catalogues inside the package.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: str | None = None
_warned: set[str] = set()


def set_language(lang: str | None) -> None:
    """Show the package's messages to learners in *lang* from now on.

    Parameters
    ----------
    lang : {"en", "fr", "es"} or None
        English, French or Spanish. ``None`` forgets the choice: the environment variable
        ``GPEC_LANGUAGE`` (or English) decides again.

    Raises
    ------
    ValueError
        If *lang* is not one of the three languages.

    Examples
    --------
    >>> set_language("fr")
    >>> get_language()
    'fr'
    >>> set_language("de")
    Traceback (most recent call last):
    ...
    ValueError: lang must be one of 'en', 'fr', 'es'. Got lang='de'. Use set_language("fr") for French, "es" for Spanish, "en" for English.
    >>> set_language(None)
    """
    global _chosen
    if lang is not None and (not isinstance(lang, str) or lang not in LANGUAGES):
        choices = ", ".join(repr(code) for code in LANGUAGES)
        raise ValueError(
            f'lang must be one of {choices}. Got lang={lang!r}. Use set_language("fr") for '
            'French, "es" for Spanish, "en" for English.'
        )
    _chosen = lang


def _from_environment() -> str | None:
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    code = value.replace("-", "_").split("_", 1)[0].split(".", 1)[0].lower()
    if code in LANGUAGES:
        return code
    if value not in _warned:
        _warned.add(value)
        warnings.warn(
            f"{ENV_VAR}={value!r} is not a language of gpec_teach; messages stay in English. "
            f"Set {ENV_VAR} to one of {', '.join(LANGUAGES)}.",
            UserWarning,
            stacklevel=3,
        )
    return None


def get_language() -> str:
    """Return the language of the messages now: ``"en"``, ``"fr"`` or ``"es"``.

    :func:`set_language` wins over the environment variable ``GPEC_LANGUAGE``, which wins
    over English.

    Examples
    --------
    >>> set_language("es")
    >>> get_language()
    'es'
    >>> set_language(None)
    """
    return _chosen or _from_environment() or "en"


@functools.lru_cache(maxsize=len(LANGUAGES))
def _translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str) -> str:
    """Return *message* translated into the current language (English when untranslated).

    Examples
    --------
    >>> set_language("fr")
    >>> gettext("Right.")
    'Juste.'
    >>> set_language(None)
    """
    return _translations(get_language()).gettext(message)


#: The usual short name: ``_("text")``.
_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message for *n*, translated.

    Examples
    --------
    >>> ngettext("{count} item(s) are missing", "{count} item(s) are missing", 2)
    '{count} item(s) are missing'
    """
    return _translations(get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark *message* for extraction without translating it (translate it later with ``_``)."""
    return message


class LazyText:
    """A message translated each time it is shown, in the language of that moment.

    ``str(text)`` translates the message, then fills the values given to :meth:`format`.
    Made by :func:`lazy_gettext`.
    """

    __slots__ = ("msgid", "values")

    def __init__(self, msgid: str, values: dict | None = None):
        self.msgid = msgid
        self.values = dict(values or {})

    def format(self, **values) -> LazyText:
        """Return the message with these named values, filled after translation."""
        return LazyText(self.msgid, {**self.values, **values})

    def __str__(self) -> str:
        text = gettext(self.msgid)
        return text.format(**self.values) if self.values else text

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __repr__(self) -> str:
        return f"LazyText({self.msgid!r})"


def lazy_gettext(message: str) -> LazyText:
    """Return *message* as a :class:`LazyText`, translated when it is shown.

    Examples
    --------
    >>> hint = lazy_gettext("Right.")
    >>> set_language("es")
    >>> str(hint)
    'Correcto.'
    >>> set_language(None)
    >>> str(hint)
    'Right.'
    """
    return LazyText(message)
