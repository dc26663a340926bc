"""Every checkable exercise named in a notebook exists, and its expected answer computes."""

import json
import re
from pathlib import Path

import pytest

from gpec_teach.exercises import _lookup, check

ROOT = Path(__file__).resolve().parents[1]
CHECK_RE = re.compile(r"check\(\s*[\"'](\d{2}\.\d+)[\"']")


def _ids_in_notebooks() -> list[str]:
    ids = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells)
        ids.update(CHECK_RE.findall(text))
    return sorted(ids)


@pytest.mark.parametrize("exercise_id", _ids_in_notebooks())
def test_exercise_named_in_a_notebook_is_registered_and_checkable(exercise_id):
    exercise = _lookup(exercise_id)
    expected = exercise.expected()
    assert expected is not None
    # The expected answer passes its own check, so the tolerance and comparison fit the kind.
    assert check(exercise_id, expected).correct
