"""Tests of gpec_teach.widgets: the pure computations against graph/least_cost/circuit,
widget construction and slider updates (ipywidgets, no browser), static snapshots,
import lightness and bad input."""

from __future__ import annotations

import subprocess
import sys

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from gpec_teach import least_cost as LC
from gpec_teach.circuit import pairwise_resistance
from gpec_teach.graph import patch_graph_from_matrix, patch_importance, probability_of_connectivity
from gpec_teach.widgets import (
    LIVE_NOTE,
    corridor_and_current,
    dispersal_explorer,
    dispersal_table,
    resistance_explorer,
    top_patches,
)


def chain_graph():
    d = [
        [0, 1000, 3000, 5000],
        [1000, 0, 1000, 3000],
        [3000, 1000, 0, 2000],
        [5000, 3000, 2000, 0],
    ]
    return patch_graph_from_matrix(d, attributes=[1.0, 2.0, 1.0, 4.0], landscape_area=100.0)


def small_landscape():
    lc = np.array(
        [
            [3, 3, 6, 6, 6, 3, 3],
            [3, 3, 6, 7, 6, 3, 3],
            [3, 3, 3, 7, 6, 3, 3],
            [3, 3, 6, 7, 6, 3, 3],
        ]
    )
    a = np.zeros(lc.shape, bool)
    a[:, 0] = True
    b = np.zeros(lc.shape, bool)
    b[:, 6] = True
    return lc, {3: 1.0, 6: 10.0, 7: 100.0}, a, b


# ------------------------------------------------------------------- pure: dispersal
def test_dispersal_table_matches_graph():
    g = chain_graph()
    t = dispersal_table(g, [2000, 500, 1000])
    assert t.index.tolist() == [500.0, 1000.0, 2000.0]
    for d, row in t.iterrows():
        ref = probability_of_connectivity(g, dispersal_distance=d).to_dict()
        assert row["EC"] == pytest.approx(ref["EC"])
        assert row["PC"] == pytest.approx(ref["PC"])
        assert row["EC_pct_habitat"] == pytest.approx(100 * ref["EC"] / 8.0)
    assert t["EC"].is_monotonic_increasing
    assert (t["EC"] <= 8.0).all()


def test_top_patches_matches_patch_importance():
    g = chain_graph()
    t = top_patches(g, [1000, 2000], top=2)
    assert len(t) == 4
    for d in (1000.0, 2000.0):
        ref = (
            patch_importance(g, dispersal_distance=d)
            .table.sort_values("dPC", ascending=False)
            .head(2)
        )
        rows = t[t["distance"] == d]
        assert rows["id"].tolist() == ref.index.tolist()
        np.testing.assert_allclose(rows["dPC"], ref["dPC"])
        shares = rows[["intra_share", "flux_share", "connector_share"]].sum(axis=1)
        np.testing.assert_allclose(shares, 1.0)
        assert rows["position"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"dispersal_distances": []}, ValueError, "distances is empty"),
        ({"dispersal_distances": [100, 100]}, ValueError, "must not repeat"),
        ({"dispersal_distances": [-5]}, ValueError, "distances item must be a positive number"),
        ({"dispersal_distances": "100"}, TypeError, "distances must be a list"),
        ({"dispersal_distances": [100], "probability": 0}, ValueError, "strictly between 0 and 1"),
    ],
)
def test_dispersal_table_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        dispersal_table(chain_graph(), **kwargs)


def test_dispersal_bad_graph_top_value():
    with pytest.raises(TypeError, match="graph must be a PatchGraph"):
        dispersal_table([[0, 1], [1, 0]], [100])
    with pytest.raises(ValueError, match="top must be a positive integer"):
        top_patches(chain_graph(), [100], top=0)
    with pytest.raises(ValueError, match=r"value must be one of dispersal_distances"):
        dispersal_explorer(chain_graph(), dispersal_distances=[100, 200], value=150)
    with pytest.raises(TypeError, match="static must be True or False"):
        dispersal_explorer(chain_graph(), dispersal_distances=[100], static="yes")


# ------------------------------------------------------------------ widget: dispersal
def test_dispersal_explorer_slider_updates():
    g = chain_graph()
    box = dispersal_explorer(g, dispersal_distances=[500, 1000, 2000], top=3)
    assert isinstance(box, ipywidgets.VBox)
    assert box.slider.value == 1000.0  # middle by default
    png_before = box.image.value
    assert png_before[:4] == b"\x89PNG"
    box.slider.value = 2000.0
    ref = probability_of_connectivity(g, dispersal_distance=2000.0).EC
    assert box.current["EC"] == pytest.approx(ref)
    assert set(box.current_patches["distance"]) == {2000.0}
    assert "D = 2,000" in box.info.value  # thousands separated, no scientific notation
    assert box.image.value != png_before
    assert "<table" in box.table.value
    fig = box.snapshot()
    assert isinstance(fig, Figure)
    assert any(LIVE_NOTE in t.get_text() for t in fig.texts)


def test_dispersal_explorer_static():
    fig = dispersal_explorer(chain_graph(), dispersal_distances=[500, 1000], static=True)
    assert isinstance(fig, Figure)
    assert any("make lab" in t.get_text() for t in fig.texts)


# ----------------------------------------------------------- pure: corridor and current
def test_corridor_and_current_matches_package_functions():
    lc, table, a, b = small_landscape()
    r = np.vectorize(table.get)(lc).astype(float)
    r[0, 3] = np.inf
    out = corridor_and_current(r, a, b, cellsize=100.0)
    ref = LC.least_cost_corridor(r, a, b, cellsize=100.0)
    np.testing.assert_allclose(out.corridor, ref)
    cwd = LC.cost_distance(r, a, cellsize=100.0)
    assert out.least_cost_distance == pytest.approx(cwd[b].min())
    focal = {1: [tuple(c) for c in np.argwhere(a)], 2: [tuple(c) for c in np.argwhere(b)]}
    pw = pairwise_resistance(r, focal)
    np.testing.assert_allclose(out.current, pw.cumulative_current, equal_nan=True)
    assert out.effective_resistance == pytest.approx(float(pw.resistances.loc[1, 2]))
    assert np.isnan(out.current[0, 3])  # barrier: no node


def test_corridor_and_current_cutoff_and_errors():
    lc, table, a, b = small_landscape()
    r = np.vectorize(table.get)(lc).astype(float)
    out = corridor_and_current(r, a, b, cutoff=5.0, cellsize=1.0)
    assert np.nanmax(out.corridor) <= 5.0
    wall = r.copy()
    wall[:, 3] = np.inf
    with pytest.raises(ValueError, match="cannot be reached"):
        corridor_and_current(wall, a, b, cellsize=1.0)
    with pytest.raises(ValueError, match="overlap"):
        corridor_and_current(r, a, a, cellsize=1.0)
    with pytest.raises(ValueError, match="neighbors must be one of 8, 4"):
        corridor_and_current(r, a, b, neighbors=5)


# --------------------------------------------------------------- widget: resistance
def test_resistance_explorer_slider_recomputes():
    lc, table, a, b = small_landscape()
    box = resistance_explorer(
        lc,
        table=table,
        core_a=a,
        core_b=b,
        classes={6: "cropland", 7: "built-up"},
        cellsize=1.0,
    )
    assert isinstance(box, ipywidgets.VBox)
    before = box.result
    box.sliders[7.0].value = 1.0  # built-up becomes easy
    r_new = np.vectorize({**table, 7: 1.0}.get)(lc).astype(float)
    ref = corridor_and_current(r_new, a, b, cellsize=1.0)
    assert box.values[7.0] == pytest.approx(1.0)
    assert box.result.least_cost_distance == pytest.approx(ref.least_cost_distance)
    assert box.result.effective_resistance < before.effective_resistance
    np.testing.assert_allclose(box.resistance, r_new)
    assert box.image.value[:4] == b"\x89PNG"
    assert isinstance(box.snapshot(), Figure)


def test_resistance_explorer_static_and_errors():
    lc, table, a, b = small_landscape()
    fig = resistance_explorer(
        lc, table=table, core_a=a, core_b=b, classes=[6], static=True, cellsize=1.0
    )
    assert isinstance(fig, Figure)
    with pytest.raises(ValueError, match="classes is required"):
        resistance_explorer(lc, table=table, core_a=a, core_b=b)
    with pytest.raises(ValueError, match="class 5 has a slider but no row in table"):
        resistance_explorer(lc, table=table, core_a=a, core_b=b, classes=[5])
    with pytest.raises(ValueError, match="absolute barrier"):
        resistance_explorer(lc, table={**table, 7: np.inf}, core_a=a, core_b=b, classes=[7])
    with pytest.raises(ValueError, match="more than max_cells=10"):
        resistance_explorer(lc, table=table, core_a=a, core_b=b, classes=[6], max_cells=10)
    with pytest.raises(ValueError, match="slider_range must be"):
        resistance_explorer(lc, table=table, core_a=a, core_b=b, classes=[6], slider_range=(5, 1))
    with pytest.raises(TypeError, match="classes must be a list"):
        resistance_explorer(lc, table=table, core_a=a, core_b=b, classes=6)


def test_teaching_landscape_default_classes_and_speed():
    import time

    import gpec_teach as g

    lc = g.load("landcover", year=2020, resolution=500)
    table = {1: 200.0, 2: 20.0, 3: 1.0, 4: 2.0, 5: 5.0, 6: 30.0, 7: 300.0, 8: 50.0}
    v = lc.values
    a = np.zeros(v.shape, bool)
    b = np.zeros(v.shape, bool)
    forest = np.argwhere(v == 3)
    a[tuple(forest[0])] = True
    b[tuple(forest[-1])] = True
    box = resistance_explorer(lc, table=table, core_a=a, core_b=b)
    assert set(box.sliders) == {3.0, 6.0, 7.0}
    assert [s.description for s in box.sliders.values()] == ["forest", "cropland", "built-up"]
    t0 = time.perf_counter()
    box.sliders[6.0].value = 5.0
    assert time.perf_counter() - t0 < 2.0
    assert box.result.corridor.rio.crs == lc.rio.crs


def test_import_gpec_teach_does_not_load_widgets():
    code = (
        "import sys, gpec_teach; "
        "print([m for m in ('ipywidgets', 'matplotlib', 'gpec_teach.widgets') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
