"""Exercises that check themselves: ``check("07.1", answer)``.

Each exercise of a notebook is registered in ``gpec_teach/exercise_bank/nNN.py`` (one
module per notebook, loaded on first use) with a function that *computes* the expected
answer from the teaching data, a tolerance, and hints for the likely mistakes. A learner's
answer is compared with the expected value and the feedback explains what probably went
wrong (units, percent vs fraction, a threshold, a missing class), not only "wrong".

Answers are compared as values. Text is never evaluated as code.

Feedback is shown in the language chosen with :func:`gpec_teach.set_language` (English,
French or Spanish; see :mod:`gpec_teach.i18n`). The messages of the exercise bank are
written with ``_("...")`` (translated when shown) and formatted after translation.
"""

from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_choice, describe
from .i18n import N_, LazyText, _, ngettext

__all__ = ["Exercise", "Feedback", "answer_key", "check", "register", "list_exercises"]

_KINDS = ("number", "category", "set", "array")

#: Factors that turn a right answer into a typical wrong one, with the explanation.
_UNIT_SLIPS = (
    (100.0, N_("a percentage where a fraction (0-1) was asked, or ha where km2 was asked")),
    (0.01, N_("a fraction where a percentage was asked, or km2 where ha was asked")),
    (1e4, N_("m2 where ha was asked (1 ha = 10 000 m2)")),
    (1e-4, N_("ha where m2 was asked (1 ha = 10 000 m2)")),
    (1e6, N_("m2 where km2 was asked (1 km2 = 1 000 000 m2)")),
    (1e-6, N_("km2 where m2 was asked")),
    (1e3, N_("metres where kilometres were asked")),
    (1e-3, N_("kilometres where metres were asked")),
)


@dataclass
class Feedback:
    """Outcome of :func:`check`: ``correct`` and the ``message`` shown to the learner."""

    exercise_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def _repr_markdown_(self) -> str:
        mark = "✅" if self.correct else "❌"
        text = _("**Exercise {exercise_id}**: {message}")
        return f"{mark} " + text.format(exercise_id=self.exercise_id, message=self.message)

    def __repr__(self) -> str:
        if self.correct:
            text = _("Exercise {exercise_id} (correct): {message}")
        else:
            text = _("Exercise {exercise_id} (not yet): {message}")
        return text.format(exercise_id=self.exercise_id, message=self.message)


@dataclass
class Exercise:
    """One checkable exercise.

    Parameters
    ----------
    id : str
        ``"NN.k"``: notebook number and exercise number, as printed in the notebook.
    kind : {"number", "category", "set", "array"}
        How answers are compared: numbers within a tolerance; a category (case- and
        space-insensitive text or a value); a set of items (order ignored); an array or
        raster cell by cell.
    expected : callable
        Function without arguments returning the expected answer (computed from the data).
    rtol, atol : float
        Relative and absolute tolerance for numbers and arrays.
    unit : str or LazyText
        Unit of the expected number, shown in feedback (a word such as "records" is
        written ``_("records")`` so that it is translated).
    hints : list of (callable, str or LazyText)
        ``(predicate(answer, expected) -> bool, message)``, tried in order when the answer
        is wrong; the first that matches explains the mistake. Messages are translated
        when shown (:func:`gpec_teach.i18n.lazy_gettext`).
    explanation : str or LazyText
        Shown when the answer is right, to consolidate what was learnt.
    """

    id: str
    kind: str
    expected: Callable[[], object]
    rtol: float = 1e-3
    atol: float = 0.0
    unit: str | LazyText = ""
    hints: list = field(default_factory=list)
    explanation: str | LazyText = ""


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add *exercise* to the registry (used by the ``exercise_bank`` modules).

    Examples
    --------
    >>> ex = register(Exercise("99.1", "number", lambda: 2.0, unit="ha"))
    >>> check("99.1", 2.0).correct
    True
    """
    check_choice("kind", exercise.kind, _KINDS)
    _REGISTRY[exercise.id] = exercise
    return exercise


def _lookup(exercise_id: str) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(
            _("exercise_id must be text like '07.1'. Got exercise_id={value}.").format(
                value=describe(exercise_id)
            )
        )
    if exercise_id not in _REGISTRY:
        notebook = exercise_id.split(".", 1)[0]
        if notebook.isdigit():
            try:
                importlib.import_module(f"{__package__}.exercise_bank.n{int(notebook):02d}")
            except ModuleNotFoundError:
                pass
    if exercise_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or _("none loaded yet")
        raise ValueError(
            _(
                "There is no exercise {exercise_id}. Use the number printed above the "
                "exercise, like '07.1'. Known exercises: {known}."
            ).format(exercise_id=repr(exercise_id), known=known)
        )
    return _REGISTRY[exercise_id]


def list_exercises(notebook: int) -> list[str]:
    """Return the ids of the checkable exercises of notebook *notebook*.

    The ids come in the order of the notebook: ``"00.9"`` before ``"00.10"``.

    Examples
    --------
    >>> list_exercises(0)[:3]
    ['00.2', '00.3', '00.4']
    >>> list_exercises(0)[-2:]
    ['00.9', '00.10']
    """
    try:
        importlib.import_module(f"{__package__}.exercise_bank.n{int(notebook):02d}")
    except ModuleNotFoundError:
        return []
    prefix = f"{int(notebook):02d}."
    ids = (k for k in _REGISTRY if k.startswith(prefix))
    return sorted(ids, key=lambda k: [int(p) if p.isdigit() else p for p in k.split(".")])


def answer_key(notebook: int):
    """Return the expected answers of a notebook's exercises, computed now from the data.

    For trainers: the same values :func:`check` compares with, so the key can never
    drift from the data or the package.

    Returns
    -------
    pandas.DataFrame
        ``exercise``, ``answer`` (numbers rounded to 4 significant digits; sets and
        categories as text), ``unit``, ``tolerance`` (for numbers and arrays).

    Examples
    --------
    >>> answer_key(0)[["exercise", "answer"]].head(2).to_dict("records")
    [{'exercise': '00.2', 'answer': '19'}, {'exercise': '00.3', 'answer': '6.25'}]
    """
    import pandas as pd

    rows = []
    for exercise_id in list_exercises(notebook):
        ex = _REGISTRY[exercise_id]
        value = ex.expected()
        relative = _("relative {rtol:g}").format(rtol=ex.rtol)
        if _is_number(value):
            shown = f"{float(value):.4g}"
            absolute = _(", absolute {atol:g}").format(atol=ex.atol) if ex.atol else ""
            tolerance = relative + absolute
        elif isinstance(value, set | frozenset | list | tuple):
            shown, tolerance = ", ".join(sorted(str(v) for v in value)), ""
        elif hasattr(value, "shape"):
            shown = _("array of shape {shape}").format(shape=tuple(value.shape))
            tolerance = relative
        else:
            shown, tolerance = str(value), ""
        rows.append(
            {
                "exercise": exercise_id,
                "answer": shown,
                "unit": str(ex.unit),
                "tolerance": tolerance,
            }
        )
    return pd.DataFrame(rows, columns=["exercise", "answer", "unit", "tolerance"])


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real | np.number) and not isinstance(value, bool)


def _check_number(ex: Exercise, answer, expected) -> tuple[bool, str]:
    unit = f" {ex.unit}" if ex.unit else ""
    if isinstance(answer, str):
        return False, _(
            "Give the answer as a number, not as text: check({exercise_id}, 12.5), "
            "not check({exercise_id}, '12.5')."
        ).format(exercise_id=repr(ex.id))
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if not _is_number(answer):
        return False, _("Give one number{unit}; got {answer}.").format(
            unit=unit, answer=describe(answer)
        )
    answer, expected = float(answer), float(expected)
    if math.isclose(answer, expected, rel_tol=ex.rtol, abs_tol=ex.atol):
        return True, ""
    for predicate, message in ex.hints:
        if predicate(answer, expected):
            return False, str(message)
    for factor, slip in _UNIT_SLIPS:
        if expected and math.isclose(answer, expected * factor, rel_tol=max(ex.rtol, 1e-3)):
            return False, _(
                "Your number is off by a factor of {factor:g}: this looks like {slip}."
            ).format(factor=factor, slip=_(slip))
    if answer > expected:
        text = _("{answer:g}{unit} is too high. Re-read the question and check each step.")
    else:
        text = _("{answer:g}{unit} is too low. Re-read the question and check each step.")
    return False, text.format(answer=answer, unit=unit)


def _norm(value):
    return " ".join(value.lower().split()) if isinstance(value, str) else value


def _check_category(ex: Exercise, answer, expected) -> tuple[bool, str]:
    if _norm(answer) == _norm(expected):
        return True, ""
    for predicate, message in ex.hints:
        if predicate(answer, expected):
            return False, str(message)
    return False, _(
        "{answer} is not the answer. Look again at the result that decides it."
    ).format(answer=describe(answer))


def _check_set(ex: Exercise, answer, expected) -> tuple[bool, str]:
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return False, _("Give the answer as a list of items, for example [3, 7, 12].")
    got = {_norm(a.item() if isinstance(a, np.generic) else a) for a in answer}
    want = {_norm(e) for e in expected}
    if got == want:
        return True, ""
    for predicate, message in ex.hints:
        if predicate(got, want):
            return False, str(message)
    parts = []
    if want - got:
        count = len(want - got)
        text = ngettext("{count} item(s) are missing", "{count} item(s) are missing", count)
        parts.append(text.format(count=count))
    if got - want:
        count = len(got - want)
        text = ngettext(
            "{count} item(s) should not be there", "{count} item(s) should not be there", count
        )
        parts.append(text.format(count=count))
    text = "; ".join(parts)
    return False, text[:1].upper() + text[1:] + "."


def _check_array(ex: Exercise, answer, expected) -> tuple[bool, str]:
    got = np.asarray(getattr(answer, "values", answer))
    want = np.asarray(getattr(expected, "values", expected))
    if got.shape != want.shape:
        return False, _("Your array has shape {got}; the answer has shape {want}.").format(
            got=got.shape, want=want.shape
        )
    if got.dtype == bool or want.dtype == bool:
        same = got.astype(bool) == want.astype(bool)
    else:
        same = np.isclose(
            got.astype(float), want.astype(float), rtol=ex.rtol, atol=ex.atol, equal_nan=True
        )
    if same.all():
        return True, ""
    for predicate, message in ex.hints:
        if predicate(got, want):
            return False, str(message)
    return False, _("{count} of {size} cells differ from the answer ({share:.1%}).").format(
        count=(~same).sum(), size=same.size, share=(~same).mean()
    )


_CHECKERS = {
    "number": _check_number,
    "category": _check_category,
    "set": _check_set,
    "array": _check_array,
}


def check(exercise_id: str, answer) -> Feedback:
    """Check a learner's *answer* to exercise *exercise_id* and explain a wrong one.

    Parameters
    ----------
    exercise_id : str
        The exercise number printed in the notebook, for example ``"07.1"``.
    answer : number, str, list, array or DataArray
        Your answer. Numbers are compared within the exercise's tolerance, categories
        ignore case and spacing, sets ignore order, arrays are compared cell by cell.

    Returns
    -------
    Feedback
        Truthy when correct; shown in the notebook as a one-line message.

    Examples
    --------
    >>> check("00.2", 19)
    Exercise 00.2 (correct): Right: every polygon record except the one proposed area is designated.
    >>> check("00.2", 1900)
    Exercise 00.2 (not yet): Your number is off by a factor of 100: this looks like a percentage where a fraction (0-1) was asked, or ha where km2 was asked.
    """
    exercise = _lookup(exercise_id)
    expected = exercise.expected()
    correct, message = _CHECKERS[exercise.kind](exercise, answer, expected)
    if correct:
        if exercise.explanation:
            message = _("Right: {explanation}").format(explanation=exercise.explanation)
        else:
            message = _("Right.")
    return Feedback(exercise_id, correct, message)
