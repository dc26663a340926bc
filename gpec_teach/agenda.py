"""Workshop agendas built from the notebooks' own episodes and timings.

Every notebook declares its episodes in its metadata, each with its teaching and exercise
minutes (see :mod:`gpec_teach.episodes`); a notebook not yet split into episodes declares
its totals (``{"gpec": {"teaching": 30, "exercises": 15}}``). Agendas are sequences of
*items* built from those numbers, so they always add up; a trainer changes the selection,
not the arithmetic. An item is

- ``"07"``: the core episodes of notebook 07 (the whole notebook if it has no episodes);
- ``"07*"``: every episode of 07, the optional *Going further* ones included;
- ``"07b"``: one episode;
- ``"tour:07"``: a trainer-led tour of notebook 07 for a reading path (its overview, figures
  and key points, :func:`gpec_teach.episodes.tour_minutes`).

:data:`AGENDAS` holds the three agendas of the trainer's guide; :func:`sync_guide` writes
them into ``book/trainers_guide.md``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from gpec_teach import episodes as _episodes

__all__ = [
    "AGENDAS",
    "notebook_timings",
    "item_timings",
    "expand",
    "build_agenda",
    "pack_days",
    "prerequisite_problems",
    "agenda_markdown",
    "sync_guide",
]

_ROOT = Path(__file__).resolve().parents[1]

#: The agendas of the trainer's guide: title, who it is for, the items in order, and the
#: number of days they must fit in (``pack_days`` splits the items into days).
AGENDAS = {
    "one_day": {
        "title": "One day: an overview for decision-makers and their technical staff",
        "intro": (
            "A reading path: the trainer tours each notebook (overview, figures, key points) "
            "in the order of its prerequisites, with two hands-on sessions: building a patch "
            "graph (episode 01b) and the idea of ProtConn for Target 3 (episode 13b). The welcome and setup "
            "episode of notebook 00 (00a) comes first so that the hands-on sessions run; the "
            "rest of the on-ramp is for participants who will go on to the workshop."
        ),
        "items": [
            "00a",
            "tour:01",
            "01b",
            "tour:02",
            "tour:03",
            "tour:04",
            "tour:05",
            "tour:07",
            "tour:08",
            "tour:09",
            "tour:12",
            "tour:13",
            "13b",
            "tour:15",
        ],
        "days": 1,
    },
    "three_day": {
        "title": "Three days: the core workshop",
        "intro": (
            "One path through the chain: the data (02-05), corridors and current (07-08), "
            "patch importance (09), fragmentation and ProtConn (12-13) and the fact sheet (15), "
            "each notebook's core episodes and its QGIS hand-off, with a few episodes left out "
            "to fit three days. Participants do the on-ramp (00b-00e, about 2 h 15) before "
            "day 1; movement data (06), prioritisation (10), transboundary corridors (11) and "
            "corridor monitoring (14) are for the longer courses."
        ),
        "items": [
            "00a",
            "01a",
            "01b",
            "02a",
            "02c",
            "02f",
            "03a",
            "03c",
            "03f",
            "04a",
            "04b",
            "04f",
            "05a",
            "05b",
            "07b",
            "07c",
            "07d",
            "07f",
            "08a",
            "08b",
            "08c",
            "08e",
            "09a",
            "09b",
            "09c",
            "09e",
            "12a",
            "12b",
            "12d",
            "13a",
            "13b",
            "13c",
            "13e",
            "15b",
            "15e",
        ],
        "days": 3,
    },
    "five_day": {
        "title": "Five days: the full course",
        "intro": (
            "Every notebook from 01 to 15, each with its QGIS hand-off; within them, "
            "seventeen core episodes are left out to fit five days (they are in the seven-day "
            "course). Participants do the on-ramp (00b-00e) before day 1. The Going further "
            "episodes and notebooks 16-17 are for self-study after the course."
        ),
        "items": [
            "00a",
            "01a",
            "01b",
            "01c",
            "02a",
            "02b",
            "02c",
            "02f",
            "03a",
            "03b",
            "03c",
            "03f",
            "04a",
            "04b",
            "04c",
            "04f",
            "05a",
            "05b",
            "05d",
            "05e",
            "06a",
            "06b",
            "06c",
            "06f",
            "07a",
            "07b",
            "07c",
            "07d",
            "07f",
            "08a",
            "08b",
            "08c",
            "08d",
            "08e",
            "09a",
            "09b",
            "09c",
            "09e",
            "10a",
            "10b",
            "10d",
            "10e",
            "11a",
            "11b",
            "11e",
            "12a",
            "12b",
            "12d",
            "13a",
            "13b",
            "13c",
            "13d",
            "13e",
            "14a",
            "14b",
            "14e",
            "15a",
            "15b",
            "15e",
            "15f",
        ],
        "days": 5,
    },
    "seven_day": {
        "title": "Seven days: every core episode",
        "intro": (
            "The whole course at the pace its content needs: every core episode of notebooks "
            "01-15 after the welcome, the on-ramp (00b-00e) done before day 1. The Going "
            "further episodes and notebooks 16-17 remain for self-study."
        ),
        "items": ["00a"] + [f"{n:02d}" for n in range(1, 16)],
        "days": 7,
    },
}


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


def item_timings(folder=None) -> pd.DataFrame:
    """Every agenda item the notebooks offer, with its minutes.

    Returns
    -------
    pandas.DataFrame
        Indexed by item id: an episode (``"01a"``), a notebook without episodes (``"02"``)
        or a tour (``"tour:02"``). Columns ``number`` (notebook number), ``notebook`` (file
        stem), ``title``, ``kind`` (``episode``, ``notebook`` or ``tour``), ``optional``,
        ``teaching``, ``exercises`` and ``total`` (minutes).
    """
    folder = Path(folder) if folder is not None else _ROOT / "notebooks"
    timings = notebook_timings(folder)
    rows = []
    for number, row in timings.iterrows():
        path = folder / f"{row['notebook']}.ipynb"
        declared = _episodes.declared_episodes(path)
        for e in declared:
            rows.append(
                (
                    e["id"],
                    number,
                    row["notebook"],
                    e["title"],
                    "episode",
                    e["optional"],
                    e["teaching"],
                    e["exercises"],
                )
            )
        if not declared:
            rows.append(
                (
                    number,
                    number,
                    row["notebook"],
                    row["title"],
                    "notebook",
                    False,
                    int(row["teaching"]),
                    int(row["exercises"]),
                )
            )
        tour = _episodes.tour_minutes(path)
        rows.append(
            (f"tour:{number}", number, row["notebook"], row["title"], "tour", False, tour, 0)
        )
    columns = ["item", "number", "notebook", "title", "kind", "optional", "teaching", "exercises"]
    table = pd.DataFrame(rows, columns=columns).set_index("item")
    table["total"] = table["teaching"] + table["exercises"]
    return table


def expand(items: list[str], timings: pd.DataFrame) -> list[str]:
    """Return the item ids of *timings* that *items* stand for (``"07"``: its core episodes).

    Examples
    --------
    >>> t = pd.DataFrame({"number": ["01", "01", "01"], "optional": [False, False, True]},
    ...                  index=["01a", "01b", "01c"])
    >>> expand(["01", "01*", "01b"], t)
    ['01a', '01b', '01a', '01b', '01c', '01b']
    """
    out = []
    for item in items:
        if item in timings.index:
            out.append(item)
            continue
        match = re.fullmatch(r"(\d{2})(\*?)", item)
        found = []
        if match and "number" in timings.columns:
            rows = timings[
                (timings["number"] == match.group(1)) & ~timings.index.str.startswith("tour:")
            ]
            if not match.group(2) and "optional" in timings.columns:
                rows = rows[~rows["optional"].astype(bool)]
            found = list(rows.index)
        if not found:
            raise ValueError(
                f"Unknown agenda item {item!r}; use a notebook number ('07'), all of its "
                "episodes ('07*'), an episode id ('07b') or a tour ('tour:07'); available: "
                f"{sorted(timings.index)}."
            )
        out.extend(found)
    return out


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
    """Lay out agenda items over one or more days, with breaks and lunch, from their timings.

    Items follow each other in the given order. Each day opens with ``day_opening`` minutes
    of welcome and recap and closes with ``day_closing`` minutes of questions and feedback;
    both count as work. A coffee break comes *before* any item that would take the time
    since the last break over ``break_after`` minutes, so nobody works more than
    ``break_after`` minutes without a break. Lunch replaces the first break opportunity
    once ``lunch_after`` minutes of the day have passed.

    Parameters
    ----------
    days : list of list of str
        Items per day (see the module docs), e.g. ``[["00", "01"], ["07b", "tour:08"]]``.
    timings : pandas.DataFrame, optional
        From :func:`item_timings` (or :func:`notebook_timings`); read from the notebooks
        by default.
    start : str, default "09:00"
    day_opening, day_closing, break_after, break_minutes, lunch_after, lunch_minutes : int
        Minutes.

    Returns
    -------
    pandas.DataFrame
        ``day``, ``start``, ``end``, ``minutes``, ``session`` (title, break or lunch),
        ``notebook`` (file stem, empty for breaks) and ``item``.

    Raises
    ------
    ValueError
        An unknown item, or an item longer than ``break_after`` (it cannot fit between
        two breaks: split it).

    Examples
    --------
    >>> t = pd.DataFrame({"notebook": ["00_a", "01_b"], "title": ["A", "B"],
    ...                   "teaching": [40, 50], "exercises": [20, 20]},
    ...                  index=pd.Index(["00", "01"], name="number"))
    >>> t["total"] = t["teaching"] + t["exercises"]
    >>> agenda = build_agenda([["00", "01"]], timings=t)
    >>> list(zip(agenda["start"], agenda["session"]))  # doctest: +NORMALIZE_WHITESPACE
    [('09:00', 'Welcome and recap'), ('09:15', 'A'), ('10:15', 'Coffee break'),
     ('10:30', 'B'), ('11:40', 'Questions, feedback and close')]
    """
    timings = item_timings() if timings is None else timings
    for name, value in (("break_after", break_after), ("lunch_after", lunch_after)):
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"{name} must be a positive number of minutes; got {value!r}.")
    rows: list[tuple] = []
    for number, day in enumerate(days, start=1):
        items = expand(list(day), timings)
        day_start = datetime.strptime(start, "%H:%M")
        clock = [day_start]

        def _add(minutes, session, notebook="", item="", *, day=number, clock=clock):
            end = clock[0] + timedelta(minutes=int(minutes))
            rows.append(
                (day, f"{clock[0]:%H:%M}", f"{end:%H:%M}", int(minutes), session, notebook, item)
            )
            clock[0] = end

        _add(day_opening, "Welcome and recap")
        since_break, had_lunch = day_opening, False
        for item in items:
            minutes = int(timings.loc[item, "total"])
            if minutes > break_after:
                raise ValueError(
                    f"Item {item!r} takes {minutes} minutes, more than break_after="
                    f"{break_after}: split it into episodes."
                )
            elapsed = (clock[0] - day_start).seconds // 60
            if not had_lunch and elapsed >= lunch_after:
                _add(lunch_minutes, "Lunch")
                had_lunch, since_break = True, 0
            elif since_break + minutes > break_after:
                _add(break_minutes, "Coffee break")
                since_break = 0
            _add(minutes, _session(item, timings), timings.loc[item, "notebook"], item)
            since_break += minutes
        if since_break + day_closing > break_after:
            _add(break_minutes, "Coffee break")
        _add(day_closing, "Questions, feedback and close")
    columns = ["day", "start", "end", "minutes", "session", "notebook", "item"]
    return pd.DataFrame(rows, columns=columns)


def _session(item: str, timings: pd.DataFrame) -> str:
    title = timings.loc[item, "title"]
    kind = timings.loc[item, "kind"] if "kind" in timings.columns else "notebook"
    if kind == "tour":
        return f"Tour of {timings.loc[item, 'number']} {title}"
    if kind == "episode":
        optional = " (optional)" if timings.loc[item, "optional"] else ""
        return f"{item} {title}{optional}"
    if "number" in timings.columns:
        return f"{timings.loc[item, 'number']} {title}"
    return str(title)


def pack_days(
    items: list[str], *, timings: pd.DataFrame | None = None, end: str = "17:00", **options
) -> list[list[str]]:
    """Split a sequence of items into days that end by *end* (breaks and lunch included).

    *options* are those of :func:`build_agenda`. Items keep their order; a day is closed
    when the next item would make it end after *end*.

    Examples
    --------
    >>> t = pd.DataFrame({"notebook": ["a", "b", "c"], "title": ["A", "B", "C"],
    ...                   "total": [60, 60, 60]}, index=["01", "02", "03"])
    >>> pack_days(["01", "02", "03"], timings=t, end="11:30")
    [['01'], ['02'], ['03']]
    >>> pack_days(["01", "02", "03"], timings=t, end="12:30")
    [['01', '02'], ['03']]
    """
    timings = item_timings() if timings is None else timings
    limit = datetime.strptime(end, "%H:%M")
    days: list[list[str]] = [[]]
    for item in expand(list(items), timings):
        trial = build_agenda([days[-1] + [item]], timings=timings, **options)
        if days[-1] and datetime.strptime(trial["end"].iloc[-1], "%H:%M") > limit:
            days.append([item])
        else:
            days[-1].append(item)
    return days


def prerequisite_problems(items: list[str], *, folder=None, timings=None) -> list[str]:
    """List what an agenda teaches before its Necessary prerequisites (empty: all is well).

    Each notebook an agenda touches (an episode, the whole notebook or a tour) needs every
    notebook listed as *Necessary* in its Prerequisites table earlier in the agenda; a tour
    counts as meeting a prerequisite. Episodes of one notebook must come in their order.
    """
    folder = Path(folder) if folder is not None else _ROOT / "notebooks"
    timings = item_timings(folder) if timings is None else timings
    order = expand(list(items), timings)
    stems = {row["number"]: row["notebook"] for _, row in timings.iterrows()}
    problems, seen, last_episode = [], [], {}
    for item in order:
        number = timings.loc[item, "number"]
        if number not in seen:
            path = folder / f"{stems[number]}.ipynb"
            for needed, importance in _episodes.prerequisites(path):
                if importance.lower() == "necessary" and needed not in seen:
                    problems.append(
                        f"{item} ({stems[number]}) comes before its Necessary prerequisite "
                        f"{stems.get(needed, needed)}"
                    )
            seen.append(number)
        if timings.loc[item, "kind"] == "episode":
            if item < last_episode.get(number, ""):
                problems.append(f"episode {item} comes after {last_episode[number]}")
            last_episode[number] = item
    return problems


def agenda_markdown(agenda: pd.DataFrame) -> str:
    """Write an agenda as markdown: one table per day with its times.

    Examples
    --------
    >>> a = pd.DataFrame({"day": [1, 1], "start": ["09:00", "09:15"], "end": ["09:15", "10:00"],
    ...                   "minutes": [15, 45], "session": ["Welcome", "A"],
    ...                   "notebook": ["", "01_a"], "item": ["", "01"]})
    >>> print(agenda_markdown(a))
    **Day 1**, 09:00-10:00: 45 min of teaching and exercises.
    <BLANKLINE>
    | Time | Minutes | Session |
    | --- | --- | --- |
    | 09:00-09:15 | 15 | Welcome |
    | 09:15-10:00 | 45 | A |
    """
    parts = []
    for day, rows in agenda.groupby("day"):
        work = int(rows.loc[rows["notebook"] != "", "minutes"].sum())
        lines = [
            f"**Day {day}**, {rows['start'].iloc[0]}-{rows['end'].iloc[-1]}: {work} min of "
            "teaching and exercises.",
            "",
            "| Time | Minutes | Session |",
            "| --- | --- | --- |",
        ]
        for _, row in rows.iterrows():
            lines.append(f"| {row['start']}-{row['end']} | {row['minutes']} | {row['session']} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _generated(name: str, timings: pd.DataFrame) -> str:
    spec = AGENDAS[name]
    agenda = build_agenda(pack_days(spec["items"], timings=timings), timings=timings)
    return f"{spec['intro']}\n\n{agenda_markdown(agenda)}"


def sync_guide(path=None, *, write: bool = True, folder=None) -> bool:
    """Regenerate the agendas between the markers of the trainer's guide.

    Each agenda of :data:`AGENDAS` sits between ``<!-- agenda:NAME -->`` and
    ``<!-- /agenda:NAME -->``. Returns True if the text changed (saved with ``write``).
    """
    path = Path(path) if path is not None else _ROOT / "book" / "trainers_guide.md"
    text = path.read_text(encoding="utf-8")
    timings = item_timings(folder)
    new = text
    for name in AGENDAS:
        begin, end = f"<!-- agenda:{name} -->", f"<!-- /agenda:{name} -->"
        if begin not in new or end not in new:
            raise ValueError(
                f"{path.name} has no {begin} ... {end} markers; add them where the agenda goes."
            )
        head, rest = new.split(begin, 1)
        _, tail = rest.split(end, 1)
        new = f"{head}{begin}\n{_generated(name, timings)}\n{end}{tail}"
    if new != text and write:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover
    print("updated" if sync_guide() else "in sync")
