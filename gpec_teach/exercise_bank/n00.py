"""Exercises of notebook 00 (welcome and setup)."""

import json
from pathlib import Path

from ..exercises import Exercise, register


def _objectives_of_notebook_00() -> int:
    # Counted from the notebook itself, so the answer follows the text if it changes.
    path = Path(__file__).resolve().parents[2] / "notebooks" / "00_welcome.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    overview = next("".join(c["source"]) for c in cells if "## Overview" in "".join(c["source"]))
    objectives = overview.split("able to", 1)[1]
    return sum(
        1 for line in objectives.splitlines() if line.strip()[:2] in {"1.", "2.", "3.", "4.", "5."}
    )


register(
    Exercise(
        "00.1",
        "number",
        _objectives_of_notebook_00,
        explanation="notebook 00 has three learning objectives.",
        hints=[
            (lambda a, e: a == 3 * e or a == 2 * e, "Count the objectives, not the questions.")
        ],
    )
)
