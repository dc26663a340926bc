import numpy as np
import pytest

from gpec_teach.exercises import Exercise, check, list_exercises, register

register(Exercise("98.1", "number", lambda: 250.0, unit="ha", explanation="250 ha."))
register(Exercise("98.2", "category", lambda: "Forest"))
register(Exercise("98.3", "set", lambda: {1, 4, 7}))
register(Exercise("98.4", "array", lambda: np.array([[True, False], [False, True]])))
register(
    Exercise(
        "98.5",
        "number",
        lambda: 0.4,
        hints=[(lambda a, e: a == 1 - e, "You computed the unprotected share.")],
    )
)


def test_number_within_tolerance_and_explanation():
    feedback = check("98.1", 250.1)
    assert feedback.correct and bool(feedback)
    assert feedback.message == "Right: 250 ha."


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (2_500_000.0, "m2 where ha was asked"),
        (2.5, "a fraction where a percentage was asked, or km2 where ha was asked"),
        (300.0, "too high"),
        (10.0, "too low"),
    ],
)
def test_number_feedback_explains_the_mistake(answer, phrase):
    feedback = check("98.1", answer)
    assert not feedback.correct
    assert phrase in feedback.message


def test_specific_hint_wins_over_generic_feedback():
    assert check("98.5", 0.6).message == "You computed the unprotected share."


def test_text_is_never_evaluated():
    feedback = check("98.1", "__import__('os').getcwd()")
    assert not feedback.correct
    assert "as a number, not as text" in feedback.message


def test_category_ignores_case_and_spaces():
    assert check("98.2", "  forest ").correct
    assert not check("98.2", "grassland").correct


def test_set_ignores_order_and_reports_missing_and_extra():
    assert check("98.3", [7, 1, 4]).correct
    assert check("98.3", np.array([7, 1, 4])).correct
    message = check("98.3", [1, 4, 9]).message
    assert "1 item(s) are missing" in message and "1 item(s) should not be there" in message
    assert "list of items" in check("98.3", 5).message


def test_array_compared_cell_by_cell():
    assert check("98.4", np.eye(2, dtype=bool)).correct
    assert "1 of 4 cells differ" in check("98.4", np.array([[1, 1], [0, 1]], bool)).message
    assert "shape (3,)" in check("98.4", np.zeros(3)).message


def test_unknown_exercise_lists_known_ones():
    with pytest.raises(ValueError, match="There is no exercise '98.9'.*98.1"):
        check("98.9", 1)
    with pytest.raises(
        TypeError, match="exercise_id must be text like '07.1'. Got exercise_id=7.1"
    ):
        check(7.1, 1)


def test_unknown_kind_is_rejected():
    with pytest.raises(
        ValueError, match="kind must be one of 'number', 'category', 'set', 'array'"
    ):
        register(Exercise("98.6", "essay", lambda: None))


def test_notebook_banks_load_on_demand():
    # Notebook 00 checks 00.2 to 00.10 (00.1, restart and run all, has no single answer),
    # listed in the notebook's order: 00.10 comes last, not after 00.1.
    assert list_exercises(0) == [f"00.{k}" for k in range(2, 11)]
    assert list_exercises(97) == []
