"""Exercise bank of notebook 16 (national scale): the halo overhead of exercise 16.2."""

import pytest

from gpec_teach.exercise_bank import n16
from gpec_teach.exercises import check


def test_halo_overhead_worked_by_hand():
    # A 100-cell tile with a 25-cell halo reads 150 x 150 = 22 500 cells for 10 000: +125 %.
    assert n16.halo_overhead(100, 25) == pytest.approx(125.0)
    # No halo, no overhead.
    assert n16.halo_overhead(64, 0) == 0.0
    # The exercise: (456 / 256)^2 = 3.1728515625, so +217.28515625 %.
    assert n16.halo_overhead() == pytest.approx(217.28515625)
    # The second half of the question: 1024-cell tiles are the first under 50 %.
    assert n16.halo_overhead(512) > 50 > n16.halo_overhead(1024)


def test_16_2_right_answer_is_accepted():
    feedback = check("16.2", 217.3)
    assert feedback.correct
    assert "three times" in feedback.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (100 * ((356 / 256) ** 2 - 1), "one side only"),
        (100 * (456 / 256 - 1), "square the ratio"),
        (100 * (456 / 256) ** 2, "subtract the tile itself"),
        ((456 / 256) ** 2 - 1, "multiply by 100"),
        (100 * ((272 / 256) ** 2 - 1), "radius of 8 cells"),
    ],
)
def test_16_2_typical_mistakes_get_their_hint(answer, hint):
    feedback = check("16.2", answer)
    assert not feedback.correct
    assert hint in feedback.message
