"""Exercises that check themselves: ``check("07.1", answer)``.

Each exercise of a notebook is registered in ``gpec_teach/exercise_bank/nNN.py`` (one
module per notebook, loaded on first use) with a function that *computes* the expected
answer from the teaching data, a tolerance, and hints for the likely mistakes. A learner's
answer is compared with the expected value and the feedback explains what probably went
wrong (units, percent vs fraction, a threshold, a missing class), not only "wrong".

Answers are compared as values. Text is never evaluated as code.
"""

from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_choice, describe

__all__ = ["Exercise", "Feedback", "answer_key", "check", "register", "list_exercises"]

_KINDS = ("number", "category", "set", "array")

#: Factors that turn a right answer into a typical wrong one, with the explanation.
_UNIT_SLIPS = (
    (100.0, "a percentage where a fraction (0-1) was asked, or ha where km2 was asked"),
    (0.01, "a fraction where a percentage was asked, or km2 where ha was asked"),
    (1e4, "m2 where ha was asked (1 ha = 10 000 m2)"),
    (1e-4, "ha where m2 was asked (1 ha = 10 000 m2)"),
    (1e6, "m2 where km2 was asked (1 km2 = 1 000 000 m2)"),
    (1e-6, "km2 where m2 was asked"),
    (1e3, "metres where kilometres were asked"),
    (1e-3, "kilometres where metres were asked"),
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
        return f"{mark} **Exercise {self.exercise_id}**: {self.message}"

    def __repr__(self) -> str:
        mark = "correct" if self.correct else "not yet"
        return f"Exercise {self.exercise_id} ({mark}): {self.message}"


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
    unit : str
        Unit of the expected number, shown in feedback.
    hints : list of (callable, str)
        ``(predicate(answer, expected) -> bool, message)``, tried in order when the answer
        is wrong; the first that matches explains the mistake.
    explanation : str
        Shown when the answer is right, to consolidate what was learnt.
    """

    id: str
    kind: str
    expected: Callable[[], object]
    rtol: float = 1e-3
    atol: float = 0.0
    unit: str = ""
    hints: list = field(default_factory=list)
    explanation: str = ""


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
            f"exercise_id must be text like '07.1'. Got exercise_id={describe(exercise_id)}."
        )
    if exercise_id not in _REGISTRY:
        notebook = exercise_id.split(".", 1)[0]
        if notebook.isdigit():
            try:
                importlib.import_module(f"{__package__}.exercise_bank.n{int(notebook):02d}")
            except ModuleNotFoundError:
                pass
    if exercise_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none loaded yet"
        raise ValueError(
            f"There is no exercise {exercise_id!r}. Use the number printed above the "
            f"exercise, like '07.1'. Known exercises: {known}."
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
        if _is_number(value):
            shown = f"{float(value):.4g}"
            tolerance = f"relative {ex.rtol:g}" + (f", absolute {ex.atol:g}" if ex.atol else "")
        elif isinstance(value, set | frozenset | list | tuple):
            shown, tolerance = ", ".join(sorted(str(v) for v in value)), ""
        elif hasattr(value, "shape"):
            shown, tolerance = f"array of shape {tuple(value.shape)}", f"relative {ex.rtol:g}"
        else:
            shown, tolerance = str(value), ""
        rows.append(
            {"exercise": exercise_id, "answer": shown, "unit": ex.unit, "tolerance": tolerance}
        )
    return pd.DataFrame(rows, columns=["exercise", "answer", "unit", "tolerance"])


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real | np.number) and not isinstance(value, bool)


def _check_number(ex: Exercise, answer, expected) -> tuple[bool, str]:
    unit = f" {ex.unit}" if ex.unit else ""
    if isinstance(answer, str):
        return False, (
            f"Give the answer as a number, not as text: check({ex.id!r}, 12.5), "
            f"not check({ex.id!r}, '12.5')."
        )
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if not _is_number(answer):
        return False, f"Give one number{unit}; got {describe(answer)}."
    answer, expected = float(answer), float(expected)
    if math.isclose(answer, expected, rel_tol=ex.rtol, abs_tol=ex.atol):
        return True, ""
    for predicate, message in ex.hints:
        if predicate(answer, expected):
            return False, message
    for factor, slip in _UNIT_SLIPS:
        if expected and math.isclose(answer, expected * factor, rel_tol=max(ex.rtol, 1e-3)):
            return False, f"Your number is off by a factor of {factor:g}: this looks like {slip}."
    direction = "too high" if answer > expected else "too low"
    return False, f"{answer:g}{unit} is {direction}. Re-read the question and check each step."


def _norm(value):
    return " ".join(value.lower().split()) if isinstance(value, str) else value


def _check_category(ex: Exercise, answer, expected) -> tuple[bool, str]:
    if _norm(answer) == _norm(expected):
        return True, ""
    for predicate, message in ex.hints:
        if predicate(answer, expected):
            return False, message
    return (
        False,
        f"{describe(answer)} is not the answer. Look again at the result that decides it.",
    )


def _check_set(ex: Exercise, answer, expected) -> tuple[bool, str]:
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return False, "Give the answer as a list of items, for example [3, 7, 12]."
    got = {_norm(a.item() if isinstance(a, np.generic) else a) for a in answer}
    want = {_norm(e) for e in expected}
    if got == want:
        return True, ""
    for predicate, message in ex.hints:
        if predicate(got, want):
            return False, message
    parts = []
    if want - got:
        parts.append(f"{len(want - got)} item(s) are missing")
    if got - want:
        parts.append(f"{len(got - want)} item(s) should not be there")
    return False, "; ".join(parts).capitalize() + "."


def _check_array(ex: Exercise, answer, expected) -> tuple[bool, str]:
    got = np.asarray(getattr(answer, "values", answer))
    want = np.asarray(getattr(expected, "values", expected))
    if got.shape != want.shape:
        return False, f"Your array has shape {got.shape}; the answer has shape {want.shape}."
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
            return False, message
    return (
        False,
        f"{(~same).sum()} of {same.size} cells differ from the answer ({(~same).mean():.1%}).",
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
        message = f"Right: {exercise.explanation}" if exercise.explanation else "Right."
    return Feedback(exercise_id, correct, message)
