"""Workshop agendas built from the notebooks' own timings.

Every notebook declares in its metadata how long it takes to teach and how long its
exercises take (``{"gpec": {"teaching": 30, "exercises": 15}}``, in minutes). Agendas
are built from those numbers, so they always add up to the notebooks they list; a
trainer changes the selection or the breaks, not the arithmetic.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

__all__ = ["notebook_timings", "build_agenda"]


def notebook_timings(folder=None) -> pd.DataFrame:
    """Read the timings of every notebook in *folder* (the repository's ``notebooks/`` by default).

    Returns
    -------
    pandas.DataFrame
        Indexed by notebook number (``"00"``, ``"01"``...), with ``notebook`` (file
        stem), ``title``, ``teaching`` and ``exercises`` (minutes) and ``total``.

    Raises
    ------
    ValueError
        A notebook has no ``gpec`` timings in its metadata.
    """
    folder = (
        Path(folder) if folder is not None else Path(__file__).resolve().parents[1] / "notebooks"
    )
    rows = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        gpec = nb.get("metadata", {}).get("gpec", {})
        if not {"teaching", "exercises"} <= set(gpec):
            raise ValueError(
                f"{path.name} has no teaching/exercises minutes in its metadata "
                '(add "gpec": {"teaching": N, "exercises": M}).'
            )
        title = next(
            (
                line[2:].strip()
                for cell in nb["cells"]
                if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines()
                if line.startswith("# ")
            ),
            path.stem,
        )
        rows.append(
            (path.stem[:2], path.stem, title, int(gpec["teaching"]), int(gpec["exercises"]))
        )
    table = pd.DataFrame(rows, columns=["number", "notebook", "title", "teaching", "exercises"])
    table["total"] = table["teaching"] + table["exercises"]
    return table.set_index("number")


def build_agenda(
    days: list[list[str]],
    *,
    timings: pd.DataFrame | None = None,
    start: str = "09:00",
    day_opening: int = 15,
    day_closing: int = 15,
    break_after: int = 90,
    break_minutes: int = 15,
    lunch_after: int = 180,
    lunch_minutes: int = 60,
) -> pd.DataFrame:
    """Lay out notebooks over one or more days, with breaks, from their timings.

    Sessions follow each other in the given order. A coffee break is inserted after a
    session once ``break_after`` minutes have passed since the last break; lunch once
    ``lunch_after`` minutes of the day have passed. Each day opens with
    ``day_opening`` minutes of welcome and recap and closes with ``day_closing`` minutes
    of questions and feedback.

    Parameters
    ----------
    days : list of list of str
        Notebook numbers per day, e.g. ``[["00", "01", "04"], ["07", "08"]]``.
    timings : pandas.DataFrame, optional
        From :func:`notebook_timings`; read from the notebooks by default.
    start : str, default "09:00"
    day_opening, day_closing, break_after, break_minutes, lunch_after, lunch_minutes : int
        Minutes.

    Returns
    -------
    pandas.DataFrame
        ``day``, ``start``, ``end``, ``minutes``, ``session`` (notebook title, break or
        lunch), ``notebook``.

    Examples
    --------
    >>> t = pd.DataFrame({"notebook": ["00_a", "01_b"], "title": ["A", "B"],
    ...                   "teaching": [40, 60], "exercises": [20, 30]},
    ...                  index=pd.Index(["00", "01"], name="number"))
    >>> t["total"] = t["teaching"] + t["exercises"]
    >>> agenda = build_agenda([["00", "01"]], timings=t)
    >>> list(zip(agenda["start"], agenda["session"]))
    [('09:00', 'Welcome and recap'), ('09:15', 'A'), ('10:15', 'B'), ('11:45', 'Questions, feedback and close')]
    """
    timings = notebook_timings() if timings is None else timings
    unknown = sorted({n for day in days for n in day} - set(timings.index))
    if unknown:
        raise ValueError(
            f"Unknown notebook numbers {unknown}; available: {sorted(timings.index)}."
        )
    rows: list[tuple] = []
    for number, day in enumerate(days, start=1):
        day_start = datetime.strptime(start, "%H:%M")
        clock = [day_start]  # current time, updated by _add

        def _add(minutes, session, notebook="", *, day=number, clock=clock):
            end = clock[0] + timedelta(minutes=int(minutes))
            rows.append(
                (day, f"{clock[0]:%H:%M}", f"{end:%H:%M}", int(minutes), session, notebook)
            )
            clock[0] = end

        _add(day_opening, "Welcome and recap")
        since_break, had_lunch = day_opening, False
        for nb in day:
            _add(timings.loc[nb, "total"], timings.loc[nb, "title"], timings.loc[nb, "notebook"])
            since_break += int(timings.loc[nb, "total"])
            elapsed = (clock[0] - day_start).seconds // 60
            if nb == day[-1]:
                break
            if not had_lunch and elapsed >= lunch_after:
                _add(lunch_minutes, "Lunch")
                had_lunch, since_break = True, 0
            elif since_break >= break_after:
                _add(break_minutes, "Coffee break")
                since_break = 0
        _add(day_closing, "Questions, feedback and close")
    return pd.DataFrame(rows, columns=["day", "start", "end", "minutes", "session", "notebook"])
