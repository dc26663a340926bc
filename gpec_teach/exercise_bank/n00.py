"""Exercises of notebook 00 (welcome and setup).

Exercise 00.1 (restart and run all) has no single answer to check; 00.2 counts the
designated protected areas of the teaching data, computed from the file itself.
"""

from .. import data
from ..exercises import Exercise, register


def _designated_protected_areas() -> int:

    pas = data.load("protected_areas")
    return int((pas["STATUS"] == "Designated").sum())


def _all_records() -> int:

    return len(data.load("protected_areas"))


register(
    Exercise(
        "00.2",
        "number",
        _designated_protected_areas,
        rtol=0.0,
        explanation="every polygon record except the one proposed area is designated.",
        hints=[
            (
                lambda a, e: a == _all_records(),
                "That is every record: one of them has the status 'Proposed'.",
            ),
            (
                lambda a, e: a == _all_records() + 1,
                "Count the polygon layer only ('protected_areas'), and leave the proposed "
                "area out.",
            ),
        ],
    )
)
