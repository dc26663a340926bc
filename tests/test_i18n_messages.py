"""Language of the exercise feedback (gpec_teach.i18n) and its catalogues (translate.messages).

The catalogues are tested as committed: complete (no empty or fuzzy entry), placeholders
kept, the compiled .mo equal to its .po, the .pot equal to what the sources mark. A changed
English message must come back as a fuzzy entry that fails the check (tested on a copy).
"""

from __future__ import annotations

import gettext
import io
import shutil
import tomllib
import warnings
from pathlib import Path

import pytest

import gpec_teach
from gpec_teach import i18n
from gpec_teach.exercises import Exercise, LazyText, check, list_exercises, register

ROOT = Path(__file__).resolve().parents[1]

babel = pytest.importorskip("babel", reason="the catalogue tools need Babel (in both locks)")
from babel.messages.pofile import read_po  # noqa: E402

from gpec_teach.translate import messages  # noqa: E402


@pytest.fixture(autouse=True)
def _english_afterwards(monkeypatch):
    """Every test starts and ends without a chosen language and without GPEC_LANGUAGE."""
    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


# --- choosing the language ---------------------------------------------------------------


def test_default_is_english():
    assert i18n.get_language() == "en"
    assert gpec_teach.get_language() == "en"


@pytest.mark.parametrize("lang", ["de", "FR", "french", "", 3])
def test_set_language_rejects_other_values(lang):
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'fr', 'es'\. Got lang="):
        gpec_teach.set_language(lang)
    assert i18n.get_language() == "en"


def test_set_language_wins_over_environment(monkeypatch):
    monkeypatch.setenv("GPEC_LANGUAGE", "es")
    assert i18n.get_language() == "es"
    gpec_teach.set_language("fr")
    assert i18n.get_language() == "fr"
    gpec_teach.set_language(None)
    assert i18n.get_language() == "es"


@pytest.mark.parametrize(
    ("value", "expected"), [("fr", "fr"), ("es_ES.UTF-8", "es"), ("fr-CA", "fr"), ("EN", "en")]
)
def test_environment_variable_and_locale_names(monkeypatch, value, expected):
    monkeypatch.setenv("GPEC_LANGUAGE", value)
    assert i18n.get_language() == expected


def test_unknown_environment_value_warns_and_stays_english(monkeypatch):
    monkeypatch.setenv("GPEC_LANGUAGE", "klingon")
    monkeypatch.setattr(i18n, "_warned", set())
    with pytest.warns(UserWarning, match=r"GPEC_LANGUAGE='klingon' is not a language"):
        assert i18n.get_language() == "en"
    with warnings.catch_warnings():  # warned once per value, not at every message
        warnings.simplefilter("error")
        assert i18n.get_language() == "en"


def test_environment_variable_translates_check(monkeypatch):
    monkeypatch.setenv("GPEC_LANGUAGE", "es")
    assert check("00.2", 19).message.startswith("Correcto: ")


# --- check() in three languages ----------------------------------------------------------

ENGLISH_00_2 = {
    19: "Right: every polygon record except the one proposed area is designated.",
    20: "That is every record: one of them has the status 'Proposed'.",
    1900: (
        "Your number is off by a factor of 100: this looks like a percentage where a "
        "fraction (0-1) was asked, or ha where km2 was asked."
    ),
}


def test_english_feedback_unchanged():
    for answer, text in ENGLISH_00_2.items():
        assert check("00.2", answer).message == text
    assert repr(check("00.2", 19)) == f"Exercise 00.2 (correct): {ENGLISH_00_2[19]}"
    assert check("00.2", 20)._repr_markdown_() == f"❌ **Exercise 00.2**: {ENGLISH_00_2[20]}"
    assert check("00.3", 3.0).message == (
        "3 ha is too low. Re-read the question and check each step."
    )


def test_french_feedback_of_a_real_exercise():
    gpec_teach.set_language("fr")
    right = check("00.2", 19)
    assert right.correct
    assert right.message == (
        "Juste : toutes les entrées de polygones sont désignées, sauf la seule aire proposée."
    )
    assert repr(right).startswith("Exercice 00.2 (juste) : Juste : ")
    wrong = check("00.2", 20)
    assert not wrong.correct
    assert (
        wrong.message == "Cela compte toutes les entrées : l'une d'elles a le statut 'Proposed'."
    )
    assert wrong._repr_markdown_().startswith("❌ **Exercice 00.2** : Cela compte")
    # a message with values: translated first, then filled
    slip = check("00.2", 1900).message
    assert slip.startswith("Votre nombre est décalé d'un facteur 100 : cela ressemble à un ")
    assert "pourcentage là où une fraction (0-1) était demandée" in slip
    assert check("00.3", 3.0).message == (
        "3 ha, c'est trop bas. Relisez la question et vérifiez chaque étape."
    )
    assert "{" not in slip


def test_spanish_feedback_of_a_real_exercise():
    gpec_teach.set_language("es")
    assert check("00.2", 19).message == (
        "Correcto: todos los registros de polígonos están designados, salvo la única área "
        "propuesta."
    )
    assert check("00.2", 20).message == (
        "Eso cuenta todos los registros: uno de ellos tiene el estado 'Proposed'."
    )
    assert repr(check("00.2", 20)).startswith("Ejercicio 00.2 (todavía no): Eso cuenta")
    text = check("00.3", "6.25").message
    assert text == (
        "Dé la respuesta como un número, no como texto: check('00.3', 12.5), "
        "no check('00.3', '12.5')."
    )


def test_hint_with_a_value_is_filled_after_translation():
    from gpec_teach.exercise_bank import n09

    low = 0.9 * n09._NO_LINKS_EC  # inside the hint's window, below the no-link EC
    shown = f"{n09._NO_LINKS_EC:.1f} ha"
    english = check("09.1", low).message
    assert english.startswith("EC cannot be lower than with no links at all") and shown in english
    gpec_teach.set_language("fr")
    french = check("09.1", low).message
    assert french.startswith("L'EC ne peut pas être inférieur") and shown in french
    gpec_teach.set_language("es")
    spanish = check("09.1", low).message
    assert spanish.startswith("El EC no puede ser menor") and shown in spanish


def test_bank_messages_follow_a_language_chosen_after_import():
    assert check("01.1", 40).message.startswith("40 is the number of patches")  # loads n01
    gpec_teach.set_language("fr")
    assert check("01.1", 40).message.startswith("40 est le nombre de taches")
    gpec_teach.set_language("en")
    assert check("01.1", 40).message.startswith("40 is the number of patches")


def test_plural_forms_of_set_feedback():
    register(Exercise("99.21", "set", lambda: {1, 2, 3}))
    assert check("99.21", [1]).message == "2 item(s) are missing."
    assert check("99.21", [1, 2, 3, 4, 5]).message == "2 item(s) should not be there."
    gpec_teach.set_language("fr")
    assert check("99.21", [1, 2]).message == "1 élément manque."
    assert (
        check("99.21", [1, 4]).message == "2 éléments manquent; 1 élément ne devrait pas y être."
    )
    gpec_teach.set_language("es")
    assert check("99.21", [1, 2, 3, 4]).message == "Sobra 1 elemento."


def test_unknown_exercise_error_is_translated():
    gpec_teach.set_language("es")
    with pytest.raises(ValueError, match=r"No existe el ejercicio '99\.999'\. Use el número"):
        check("99.999", 1)


def test_every_bank_message_is_marked_for_translation():
    """Hints, explanations and worded units are LazyText: a plain str would stay English."""
    symbols = {"", "ha", "km2", "km²", "km", "m", "%", "ohm"}
    checked = 0
    for notebook in range(17):
        for exercise_id in list_exercises(notebook):
            ex = gpec_teach.exercises._REGISTRY[exercise_id]
            for _predicate, message in ex.hints:
                assert isinstance(message, LazyText), (exercise_id, message)
                checked += 1
            assert ex.explanation == "" or isinstance(ex.explanation, LazyText), exercise_id
            assert ex.unit in symbols or isinstance(ex.unit, LazyText), (exercise_id, ex.unit)
    assert checked > 200


# --- the catalogues ----------------------------------------------------------------------


def _po(lang):
    with messages.po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _pairs(message):
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    texts = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(texts)]


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_catalogue_complete_with_placeholders_kept(lang):
    catalog = _po(lang)
    entries = [m for m in catalog if m.id]
    assert len(entries) > 250
    for message in entries:
        assert not message.fuzzy, f"{lang}: fuzzy entry {message.id!r}"
        for english, text in _pairs(message):
            assert text, f"{lang}: untranslated {english!r}"
            assert messages.placeholders(english) == messages.placeholders(text), (
                f"{lang}: placeholders differ in {english!r} -> {text!r}"
            )


def test_placeholders_keep_format_specs():
    assert messages.placeholders("{share:.1%} of {n}") != messages.placeholders("{share} of {n}")
    assert messages.placeholders("a lone { brace") == messages.placeholders("une { accolade")


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_mo_in_sync_with_po(lang):
    """The committed .mo, read by the standard library, equals the .po compiled now."""
    catalog = _po(lang)
    committed = gettext.GNUTranslations(
        io.BytesIO(messages.po_path(lang).with_suffix(".mo").read_bytes())
    )
    fresh = gettext.GNUTranslations(io.BytesIO(messages._mo_bytes(catalog)))
    committed_entries = {k: v for k, v in committed._catalog.items() if k != ""}
    fresh_entries = {k: v for k, v in fresh._catalog.items() if k != ""}
    assert committed_entries == fresh_entries
    assert committed.plural(1) == fresh.plural(1) and committed.plural(2) == fresh.plural(2)


def test_pot_in_sync_with_sources():
    with messages.POT.open("rb") as handle:
        pot = read_po(handle)
    committed = {m.id if isinstance(m.id, str) else tuple(m.id) for m in pot if m.id}
    fresh = {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages.template() if m.id}
    assert committed == fresh
    assert "Right: {explanation}" in fresh


def test_check_command_passes_on_the_committed_catalogues(capsys):
    assert messages.check() == []
    assert messages.main(["check"]) == 0
    assert "complete and in sync" in capsys.readouterr().out


def test_po_path_rejects_other_languages():
    with pytest.raises(ValueError, match=r"lang must be one of fr, es\. Got lang='en'"):
        messages.po_path("en")


def test_changed_english_message_comes_back_fuzzy(tmp_path, monkeypatch):
    """Edit one hint in a copy: check fails until the translation is revised."""
    package = tmp_path / "gpec_teach"
    shutil.copytree(ROOT / "gpec_teach" / "exercise_bank", package / "exercise_bank")
    shutil.copy(ROOT / "gpec_teach" / "exercises.py", package / "exercises.py")
    shutil.copytree(ROOT / "gpec_teach" / "locale", package / "locale")
    monkeypatch.setattr(messages, "PACKAGE_DIR", package)
    monkeypatch.setattr(messages, "LOCALE_DIR", package / "locale")
    monkeypatch.setattr(messages, "POT", package / "locale" / "gpec_teach.pot")
    assert messages.check() == []

    old = "40 is the number of patches: count connected groups instead."
    new = "40 is the number of patches: count the connected groups instead."
    source = package / "exercise_bank" / "n01.py"
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert any("out of date with the sources" in p for p in messages.check())

    messages.extract()
    assert any(
        "run `python -m gpec_teach.translate.messages update`" in p for p in messages.check()
    )

    messages.update()
    french = {m.id: m for m in _read(messages.po_path("fr"))}
    assert old not in french
    assert french[new].fuzzy
    assert (
        french[new].string == "40 est le nombre de taches : comptez plutôt les groupes connectés."
    )
    problems = messages.check()
    assert any("is fuzzy" in p and "count the connected groups" in p for p in problems)

    for lang in messages.LANGUAGES:  # the translator revises and removes the flag
        catalog = _read(messages.po_path(lang))
        catalog[new].flags.discard("fuzzy")
        messages._write_if_changed(messages.po_path(lang), messages._po_bytes(catalog))
    assert any("out of date with its .po" in p for p in messages.check())
    messages.compile()
    assert messages.check() == []


def _read(path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_catalogues_are_package_data():
    """The wheel ships the compiled catalogues (and the .po and .pot beside them)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["gpec_teach"]
    package = ROOT / "gpec_teach"
    for lang in messages.LANGUAGES:
        mo = messages.po_path(lang).with_suffix(".mo").relative_to(package)
        assert any(mo.match(pattern) for pattern in patterns), (mo, patterns)
    assert any(Path("locale/gpec_teach.pot").match(pattern) for pattern in patterns)
