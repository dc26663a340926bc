r"""The dispersal explorer: EC and the most important patches over dispersal distances.

See :mod:`gpec_teach.widgets` for the three layers (computation, static
figure, widget) and the references.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_instance, check_positive, check_probability, describe
from ..graph import PatchGraph, patch_importance
from .common import WIDGET_CLASSES, add_note, check_bool, number, png, unit_of

__all__ = ["dispersal_explorer", "dispersal_table", "top_patches"]


def _check_top(top) -> int:
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise ValueError(f"top must be a positive integer. Got top={describe(top)}.")
    return int(top)


def _check_distances(dispersal_distances) -> np.ndarray:
    name = "dispersal_distances"
    if isinstance(dispersal_distances, str) or not isinstance(
        dispersal_distances, Sequence | np.ndarray
    ):
        raise TypeError(
            f"{name} must be a list of median dispersal distances (graph units, "
            f"metres or cost units). Got {name}={describe(dispersal_distances)}."
        )
    values = [check_positive(f"{name} item", d) for d in dispersal_distances]
    if not values:
        raise ValueError(f"{name} is empty: give at least one dispersal distance.")
    d = np.asarray(values, dtype=float)
    if np.unique(d).size != d.size:
        raise ValueError(f"{name} must not repeat a value. Got {name}={d.tolist()}.")
    return np.sort(d)


# ====================================================== dispersal: pure computation
@dataclass(frozen=True)
class _DispersalResults:
    """What the dispersal explorer shows: one row per distance, the top patches, the total."""

    summary: pd.DataFrame
    patches: pd.DataFrame
    total_habitat: float


def _dispersal_results(graph, dispersal_distances, probability, top) -> _DispersalResults:
    """Summary (one row per distance) and long table of the top patches, in one pass."""
    check_instance(
        "graph",
        graph,
        PatchGraph,
        fix="Build one with patch_graph_from_polygons, patch_graph_from_raster or "
        "patch_graph_from_matrix.",
    )
    d = _check_distances(dispersal_distances)
    probability = check_probability("probability", probability)
    top = _check_top(top)
    total = float(graph.attributes.sum())
    rows, parts = [], []
    for dist in d.tolist():
        result = patch_importance(graph, dispersal_distance=dist, probability=probability)
        summary, imp = result.summary, result.table
        row = {
            "distance": dist,
            "EC": summary.EC,
            "EC_pct_habitat": 100.0 * summary.EC / total,
            "PCnum": summary.PCnum,
        }
        if summary.landscape_area is not None:
            row["PC"] = summary.PC
        rows.append(row)
        best = imp.sort_values(["dPC"], ascending=False, kind="mergesort").head(top)
        best = best.reset_index()
        with np.errstate(invalid="ignore", divide="ignore"):
            for part in ("intra", "flux", "connector"):
                best[f"{part}_share"] = best[f"dPC{part}"] / best["dPC"]
        best.insert(0, "distance", dist)
        best.insert(1, "position", np.arange(1, len(best) + 1))
        parts.append(best)
    summary = pd.DataFrame(rows).set_index("distance")
    return _DispersalResults(summary, pd.concat(parts, ignore_index=True), total)


def dispersal_table(graph, dispersal_distances, *, probability: float = 0.5):
    r"""Equivalent connected area for each median dispersal distance.

    .. math::

        EC(D) = \sqrt{\sum_i \sum_j a_i a_j p^*_{ij}(D)}, \qquad
        p_{ij} = P^{\,d_{ij} / D}

    with :math:`a_i` the patch attribute (ha), :math:`d_{ij}` the graph
    distance, :math:`D` the dispersal distance, :math:`P` the probability at
    :math:`D` and :math:`p^*` the best (maximum-product) path probability
    (Saura & Pascual-Hortal 2007). EC grows with :math:`D`, from
    :math:`\sqrt{\sum a_i^2}` towards the total habitat :math:`\sum a_i`.

    Parameters
    ----------
    graph : gpec_teach.graph.PatchGraph
        The patch graph.
    dispersal_distances : sequence of float
        Median dispersal distances :math:`D > 0`, in the graph's distance units;
        sorted on output.
    probability : float, default 0.5
        :math:`P`; 0.5 makes :math:`D` the median dispersal distance.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``distance``: ``EC`` (attribute units, ha), ``EC_pct_habitat``
        (EC as % of the total habitat, 0-100), ``PCnum`` and ``PC`` (0-1, when
        the graph knows its landscape area).

    Raises
    ------
    TypeError
        *graph* is not a PatchGraph; *dispersal_distances* is not a sequence.
    ValueError
        Empty, repeated, zero or negative distances; *probability* not in (0, 1).

    References
    ----------
    Saura & Pascual-Hortal (2007), https://doi.org/10.1016/j.landurbplan.2007.03.005.

    Examples
    --------
    Two 1 ha patches 1 km apart: at ``D = 1 km``, :math:`p = 0.5` and
    :math:`EC = \sqrt{1 + 1 + 2 \times 0.5} = 1.732` ha, 86.6 % of the habitat.

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000], [1000, 0]], attributes=[1.0, 1.0])
    >>> dispersal_table(g, [1000, 500])[["EC", "EC_pct_habitat"]].round(3)
                 EC  EC_pct_habitat
    distance
    500.0     1.581          79.057
    1000.0    1.732          86.603
    """
    return _dispersal_results(graph, dispersal_distances, probability, 1).summary


def top_patches(graph, dispersal_distances, *, probability: float = 0.5, top: int = 10):
    r"""List the most important patches (dPC) for each median dispersal distance.

    .. math::

        dPC_k = 100\,\frac{PC_{num} - PC_{num,\,\text{remove } k}}{PC_{num}}
              = dPC_k^{intra} + dPC_k^{flux} + dPC_k^{connector}

    (Saura & Rubio 2010; see :func:`gpec_teach.graph.patch_importance`). The
    shares ``intra_share`` etc. are each fraction divided by dPC (they add up
    to 1): how a patch matters, as habitat, as a source of flux, or as a
    stepping stone.

    Parameters
    ----------
    graph : gpec_teach.graph.PatchGraph
        The patch graph.
    dispersal_distances : sequence of float
        Median dispersal distances (graph units).
    probability : float, default 0.5
        Probability at each distance.
    top : int, default 10
        Patches kept per distance (by decreasing dPC, ties in graph order).

    Returns
    -------
    pandas.DataFrame
        Long table: ``distance``, ``position`` (1 = most important), ``id``, the
        attribute, ``dPC``, ``dPCintra``, ``dPCflux``, ``dPCconnector`` (%),
        ``rank`` (from :func:`~gpec_teach.graph.patch_importance`, ties share
        a rank) and ``intra_share``, ``flux_share``, ``connector_share``
        (0-1).

    Raises
    ------
    ValueError
        Bad *dispersal_distances*, *probability* or *top* (see :func:`dispersal_table`).

    References
    ----------
    Saura & Rubio (2010), https://doi.org/10.1111/j.1600-0587.2009.05760.x.

    Examples
    --------
    Patch 2 sits between 1 and 3 and is their stepping stone:

    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000, 3000], [1000, 0, 1000], [3000, 1000, 0]],
    ...                             attributes=[1.0, 1.0, 1.0])
    >>> t = top_patches(g, [1000], top=1)
    >>> t[["id", "dPC", "intra_share", "flux_share", "connector_share"]].round(3)
       id     dPC  intra_share  flux_share  connector_share
    0   2  59.091        0.308       0.615            0.077
    """
    return _dispersal_results(graph, dispersal_distances, probability, top).patches


def _dispersal_figure(results: _DispersalResults, distance, *, attribute: str, note: bool):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.3))
    summary, patches, total = results.summary, results.patches, results.total_habitat
    ax1.plot(summary.index, summary["EC"], marker="o", color="#0072B2", label="EC")
    ax1.axhline(total, color="0.5", ls="--", lw=1, label="total habitat")
    ax1.axvline(distance, color="#D55E00", lw=1.5, label=f"D = {number(distance)}")
    ax1.plot([distance], [summary.loc[distance, "EC"]], "o", color="#D55E00", ms=9)
    ax1.set_xlabel("median dispersal distance D (unit of the graph's distances: m for maps)")
    ax1.set_ylabel(f"EC ({unit_of(attribute)})")
    ax1.set_ylim(bottom=0)
    ax1.legend(frameon=False, fontsize=8, loc="lower right")
    ec = summary.loc[distance]
    ax1.set_title(
        f"EC = {number(ec['EC'])} {unit_of(attribute)} ({ec['EC_pct_habitat']:.1f} % of habitat)",
        fontsize=10,
    )
    rows = patches[patches["distance"] == distance].iloc[::-1]
    labels = [str(v) for v in rows["id"]]
    left = np.zeros(len(rows))
    for part, colour in (("intra", "#009E73"), ("flux", "#56B4E9"), ("connector", "#E69F00")):
        vals = rows[f"dPC{part}"].to_numpy()
        ax2.barh(labels, vals, left=left, color=colour, label=part)
        left += vals
    ax2.set_xlabel("dPC (%): loss of PC if the patch is lost")
    ax2.set_ylabel("patch id")
    ax2.set_title(f"Top {len(rows)} patches at D = {number(distance)}", fontsize=10)
    ax2.legend(frameon=False, fontsize=8, loc="lower right")
    if note:
        add_note(fig)
    return fig


def _patch_html(patches, distance) -> str:
    rows = patches[patches["distance"] == distance]
    cols = ["position", "id", "dPC", "intra_share", "flux_share", "connector_share"]
    return rows[cols].to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0)


def dispersal_explorer(
    graph,
    *,
    dispersal_distances,
    probability: float = 0.5,
    top: int = 10,
    value: float | None = None,
    static: bool = False,
):
    r"""Slider over median dispersal distances: EC and the top patches by dPC.

    Every result (EC and :func:`gpec_teach.graph.patch_importance` for each
    distance) is computed once, when the explorer is built, so moving the
    slider only redraws. The figure shows the EC-vs-distance curve with the
    current distance marked, and the top patches' dPC split into intra, flux
    and connector fractions (Saura & Rubio 2010); a table gives each fraction's
    share.

    Parameters
    ----------
    graph : gpec_teach.graph.PatchGraph
        The patch graph.
    dispersal_distances : sequence of float
        Slider positions: median dispersal distances (graph units).
    probability : float, default 0.5
        Probability at each distance.
    top : int, default 10
        Patches shown.
    value : float, optional
        Starting distance, one of *dispersal_distances*; default the middle one.
    static : bool, default False
        Return a matplotlib figure of the starting state (with a note on how to
        open the live version) instead of the widget: for the static website.

    Returns
    -------
    ipywidgets.VBox or matplotlib.figure.Figure
        The explorer (a ``VBox`` with ``slider``, ``summary`` and ``patches``
        (the precomputed tables), ``current`` (the summary row shown),
        ``current_patches`` and ``snapshot()``), or the static figure.

    Raises
    ------
    ValueError
        Bad *dispersal_distances*, *probability*, *top*, or a *value* not in
        *dispersal_distances*.

    References
    ----------
    Saura & Pascual-Hortal (2007), https://doi.org/10.1016/j.landurbplan.2007.03.005;
    Saura & Rubio (2010), https://doi.org/10.1111/j.1600-0587.2009.05760.x.

    Examples
    --------
    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000], [1000, 0]], attributes=[1.0, 1.0])
    >>> box = dispersal_explorer(g, dispersal_distances=[500, 1000, 2000])
    >>> box.slider.value = 1000.0
    >>> round(box.current["EC"], 3)
    1.732
    """
    check_bool("static", static)
    results = _dispersal_results(graph, dispersal_distances, probability, top)
    options = results.summary.index.tolist()
    if value is None:
        value = options[len(options) // 2]
    else:
        value = check_positive("value", value)
        if value not in options:
            raise ValueError(
                f"value must be one of dispersal_distances {options}. Got value={value!r}."
            )
    attribute = graph.attribute_name
    if static:
        return _dispersal_figure(results, value, attribute=attribute, note=True)
    return _dispersal_widget_class()(results, value, attribute)


def _dispersal_widget_class():
    if "dispersal" in WIDGET_CLASSES:
        return WIDGET_CLASSES["dispersal"]
    import ipywidgets as W

    class DispersalExplorer(W.VBox):
        """ipywidgets explorer of EC and dPC over dispersal distances."""

        def __init__(self, results, value, attribute):
            super().__init__()
            self.results = results
            self.summary = results.summary
            self.patches = results.patches
            self.attribute = attribute
            self.slider = W.SelectionSlider(
                options=[(f"{d:g}", d) for d in results.summary.index],
                value=value,
                description="Median dispersal D",
                style={"description_width": "initial"},
                layout=W.Layout(width="60%"),
                continuous_update=True,
            )
            self.info = W.HTML()
            self.table = W.HTML()
            self.image = W.Image(format="png")
            self.children = [self.slider, self.info, self.image, self.table]
            self.slider.observe(self._update, names="value")
            self._update()

        def _update(self, change=None):
            d = self.slider.value
            self.current = self.summary.loc[d].to_dict()
            self.current["distance"] = d
            self.current_patches = self.patches[self.patches["distance"] == d]
            self.info.value = (
                f"<b>D = {number(d)}</b>: EC = {number(self.current['EC'])} {unit_of(self.attribute)} "
                f"({self.current['EC_pct_habitat']:.1f} % of the habitat)"
            )
            self.table.value = _patch_html(self.patches, d)
            fig = _dispersal_figure(self.results, d, attribute=self.attribute, note=False)
            self.image.value = png(fig)

        def snapshot(self):
            """Return a static matplotlib figure of the current state, with the live note."""
            return _dispersal_figure(
                self.results, self.slider.value, attribute=self.attribute, note=True
            )

    WIDGET_CLASSES["dispersal"] = DispersalExplorer
    return DispersalExplorer
