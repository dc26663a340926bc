"""Tests of gpec_teach.agenda: workshop agendas from the notebooks' timings."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gpec_teach import agenda


def _timings(minutes: dict[str, int]) -> pd.DataFrame:
    t = pd.DataFrame(
        {
            "notebook": [f"{k}_nb" for k in minutes],
            "title": [f"Notebook {k}" for k in minutes],
            "teaching": [v - 10 for v in minutes.values()],
            "exercises": [10] * len(minutes),
        },
        index=pd.Index(list(minutes), name="number"),
    )
    t["total"] = t["teaching"] + t["exercises"]
    return t


def test_breaks_and_lunch_are_inserted_and_times_add_up():
    t = _timings({"00": 45, "01": 60, "02": 60, "03": 45, "04": 60})
    a = agenda.build_agenda([["00", "01", "02", "03", "04"]], timings=t)
    # 09:00 welcome 15 | 00 45 -> 10:00 (60 since break) | 01 60 -> 11:00 (120 >= 90: coffee 15
    # -> 11:15) | 02 60 -> 12:15 (elapsed 195 >= 180: lunch -> 13:15) | 03 45 -> 14:00 |
    # 04 60 -> 15:00 (last) | close 15 -> 15:15
    assert a["session"].tolist() == [
        "Welcome and recap",
        "Notebook 00",
        "Notebook 01",
        "Coffee break",
        "Notebook 02",
        "Lunch",
        "Notebook 03",
        "Notebook 04",
        "Questions, feedback and close",
    ]
    assert a["start"].iloc[0] == "09:00" and a["end"].iloc[-1] == "15:15"
    # consecutive rows: each session starts when the previous one ends
    assert (a["start"].iloc[1:].to_numpy() == a["end"].iloc[:-1].to_numpy()).all()
    # the notebook rows sum to the notebooks' own timings
    assert a.loc[a["notebook"] != "", "minutes"].sum() == t["total"].sum()


def test_each_day_restarts_the_clock():
    t = _timings({"00": 30, "01": 30})
    a = agenda.build_agenda([["00"], ["01"]], timings=t, start="08:30")
    assert a.groupby("day")["start"].first().tolist() == ["08:30", "08:30"]


def test_unknown_notebook_is_named():
    with pytest.raises(ValueError, match=r"Unknown notebook numbers \['99'\]"):
        agenda.build_agenda([["00", "99"]], timings=_timings({"00": 30}))


def test_timings_read_from_the_repository_notebooks(repo_root):
    t = agenda.notebook_timings(repo_root / "notebooks")
    assert "00" in t.index and t.loc["00", "notebook"] == "00_python_for_gis"
    assert (t["total"] == t["teaching"] + t["exercises"]).all()
    assert t["title"].str.len().gt(3).all()


def test_notebook_without_timings_is_explained(tmp_path):
    (tmp_path / "05_x.ipynb").write_text(json.dumps({"metadata": {}, "cells": []}))
    with pytest.raises(ValueError, match="05_x.ipynb has no teaching/exercises minutes"):
        agenda.notebook_timings(tmp_path)
