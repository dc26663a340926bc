r"""Interactive explorers for the notebooks, with static snapshots for the website.

Two explorers let learners move a slider and see connectivity respond:

* :func:`dispersal_explorer`: equivalent connected area (EC) and the most
  important patches (dPC with its intra, flux and connector fractions) as the
  median dispersal distance changes (Saura & Pascual-Hortal 2007; Saura & Rubio
  2010);
* :func:`resistance_explorer`: the least-cost corridor and the circuit current
  between two cores as the resistance of a few land-cover classes changes
  (McRae et al. 2008; McRae & Kavanagh 2011).

Each explorer is split in three layers, so tests and the static book can use
them without a browser:

1. a **pure computation** returning tables or arrays
   (:func:`dispersal_table`, :func:`top_patches`, :func:`corridor_and_current`);
2. a **static figure** of one state (``static=True``, or the explorer's
   ``snapshot()`` method), with a note on how to launch the live version;
3. the **ipywidgets** container itself (the default return value).

ipywidgets and matplotlib are imported inside the functions, never at import
time, so ``import gpec_teach`` stays fast.

References
----------
Saura, S. & Pascual-Hortal, L. (2007). A new habitat availability index to
integrate connectivity in landscape conservation planning. Landscape and Urban
Planning 83 (2-3): 91-103. https://doi.org/10.1016/j.landurbplan.2007.03.005

Saura, S. & Rubio, L. (2010). A common currency for the different ways in which
patches and links can contribute to habitat availability and connectivity in
the landscape. Ecography 33 (3): 523-537.
https://doi.org/10.1111/j.1600-0587.2009.05760.x

McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Using circuit
theory to model connectivity in ecology, evolution, and conservation. Ecology
89 (10): 2712-2724. https://doi.org/10.1890/07-1861.1

McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
Software. The Nature Conservancy, Seattle, WA. https://linkagemapper.org
"""

from __future__ import annotations

import io
import numbers
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ._validation import check_choice, check_positive, check_probability, describe

__all__ = [
    "LIVE_NOTE",
    "CorridorCurrent",
    "corridor_and_current",
    "dispersal_explorer",
    "dispersal_table",
    "resistance_explorer",
    "top_patches",
]

#: Note printed under every static snapshot.
LIVE_NOTE = (
    "Static snapshot of the default settings. To move the sliders, open this notebook "
    "live: the Binder launch button (rocket icon) at the top of the page, or `make lab` "
    "on your own computer."
)

#: Land-cover classes that get a slider by default, when the raster names them.
DEFAULT_SLIDER_CLASSES = ("forest", "cropland", "built-up")


# ========================================================================= helpers
def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    return buf.getvalue()


def _add_note(fig) -> None:
    fig.text(0.01, -0.02, LIVE_NOTE, ha="left", va="top", fontsize=8, wrap=True, style="italic")


def _check_bool(name: str, value) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False. Got {name}={describe(value)}.")


def _check_top(top) -> int:
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise ValueError(f"top must be a positive integer. Got top={describe(top)}.")
    return int(top)


def _check_distances(distances) -> np.ndarray:
    if isinstance(distances, str) or not isinstance(distances, Sequence | np.ndarray):
        raise TypeError(
            "distances must be a list of median dispersal distances (graph units, "
            f"metres or cost units). Got distances={describe(distances)}."
        )
    values = [check_positive("distances item", d) for d in distances]
    if not values:
        raise ValueError("distances is empty: give at least one dispersal distance.")
    d = np.asarray(values, dtype=float)
    if np.unique(d).size != d.size:
        raise ValueError(f"distances must not repeat a value. Got distances={d.tolist()}.")
    return np.sort(d)


# ====================================================== dispersal: pure computation
def _dispersal_results(graph, distances, probability, top):
    """Summary (one row per distance) and long table of the top patches, in one pass."""
    import pandas as pd

    from .graph import PatchGraph, patch_importance

    if not isinstance(graph, PatchGraph):
        raise TypeError(
            f"graph must be a PatchGraph. Got {describe(graph)}. Build one with "
            "patch_graph_from_polygons, patch_graph_from_raster or patch_graph_from_matrix."
        )
    d = _check_distances(distances)
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
    summary.attrs["total_habitat"] = total
    return summary, pd.concat(parts, ignore_index=True)


def dispersal_table(graph, distances, *, probability: float = 0.5):
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
    distances : sequence of float
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
        *graph* is not a PatchGraph; *distances* is not a sequence.
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
    return _dispersal_results(graph, distances, probability, 1)[0]


def top_patches(graph, distances, *, probability: float = 0.5, top: int = 10):
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
    distances : sequence of float
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
        Bad *distances*, *probability* or *top* (see :func:`dispersal_table`).

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
    return _dispersal_results(graph, distances, probability, top)[1]


def _dispersal_figure(summary, patches, distance, *, attribute: str, note: bool):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.3))
    total = summary.attrs.get("total_habitat")
    ax1.plot(summary.index, summary["EC"], marker="o", color="#0072B2", label="EC")
    if total is not None:
        ax1.axhline(total, color="0.5", ls="--", lw=1, label="total habitat")
    ax1.axvline(distance, color="#D55E00", lw=1.5, label=f"D = {distance:g}")
    ax1.plot([distance], [summary.loc[distance, "EC"]], "o", color="#D55E00", ms=9)
    ax1.set_xlabel("median dispersal distance D (graph units)")
    ax1.set_ylabel(f"EC ({attribute})")
    ax1.set_ylim(bottom=0)
    ax1.legend(frameon=False, fontsize=8, loc="lower right")
    ec = summary.loc[distance]
    ax1.set_title(f"EC = {ec['EC']:.4g} ({ec['EC_pct_habitat']:.1f} % of habitat)", fontsize=10)
    rows = patches[patches["distance"] == distance].iloc[::-1]
    labels = [str(v) for v in rows["id"]]
    left = np.zeros(len(rows))
    for part, colour in (("intra", "#009E73"), ("flux", "#56B4E9"), ("connector", "#E69F00")):
        vals = rows[f"dPC{part}"].to_numpy()
        ax2.barh(labels, vals, left=left, color=colour, label=part)
        left += vals
    ax2.set_xlabel("dPC (%): loss of PC if the patch is lost")
    ax2.set_ylabel("patch id")
    ax2.set_title(f"Top {len(rows)} patches at D = {distance:g}", fontsize=10)
    ax2.legend(frameon=False, fontsize=8, loc="lower right")
    if note:
        _add_note(fig)
    return fig


def _patch_html(patches, distance) -> str:
    rows = patches[patches["distance"] == distance]
    cols = ["position", "id", "dPC", "intra_share", "flux_share", "connector_share"]
    return rows[cols].to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0)


def dispersal_explorer(
    graph,
    *,
    distances,
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
    distances : sequence of float
        Slider positions: median dispersal distances (graph units).
    probability : float, default 0.5
        Probability at each distance.
    top : int, default 10
        Patches shown.
    value : float, optional
        Starting distance, one of *distances*; default the middle one.
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
        Bad *distances*, *probability*, *top*, or a *value* not in *distances*.

    References
    ----------
    Saura & Pascual-Hortal (2007), https://doi.org/10.1016/j.landurbplan.2007.03.005;
    Saura & Rubio (2010), https://doi.org/10.1111/j.1600-0587.2009.05760.x.

    Examples
    --------
    >>> from gpec_teach.graph import patch_graph_from_matrix
    >>> g = patch_graph_from_matrix([[0, 1000], [1000, 0]], attributes=[1.0, 1.0])
    >>> box = dispersal_explorer(g, distances=[500, 1000, 2000])
    >>> box.slider.value = 1000.0
    >>> round(box.current["EC"], 3)
    1.732
    """
    _check_bool("static", static)
    summary, patches = _dispersal_results(graph, distances, probability, top)
    options = summary.index.tolist()
    if value is None:
        value = options[len(options) // 2]
    else:
        value = check_positive("value", value)
        if value not in options:
            raise ValueError(f"value must be one of distances {options}. Got value={value!r}.")
    attribute = graph.attribute_name
    if static:
        return _dispersal_figure(summary, patches, value, attribute=attribute, note=True)
    return _dispersal_widget_class()(summary, patches, value, attribute)


_CLASSES: dict[str, type] = {}


def _dispersal_widget_class():
    if "dispersal" in _CLASSES:
        return _CLASSES["dispersal"]
    import ipywidgets as W

    class DispersalExplorer(W.VBox):
        """ipywidgets explorer of EC and dPC over dispersal distances."""

        def __init__(self, summary, patches, value, attribute):
            super().__init__()
            self.summary = summary
            self.patches = patches
            self.attribute = attribute
            self.slider = W.SelectionSlider(
                options=[(f"{d:g}", d) for d in summary.index],
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
                f"<b>D = {d:g}</b>: EC = {self.current['EC']:.4g} {self.attribute} "
                f"({self.current['EC_pct_habitat']:.1f} % of the habitat)"
            )
            self.table.value = _patch_html(self.patches, d)
            fig = _dispersal_figure(
                self.summary, self.patches, d, attribute=self.attribute, note=False
            )
            self.image.value = _png(fig)

        def snapshot(self):
            """Return a static matplotlib figure of the current state, with the live note."""
            return _dispersal_figure(
                self.summary, self.patches, self.slider.value, attribute=self.attribute, note=True
            )

    _CLASSES["dispersal"] = DispersalExplorer
    return DispersalExplorer


# ===================================================== corridor and current: pure
class CorridorCurrent(NamedTuple):
    r"""Result of :func:`corridor_and_current`.

    Attributes
    ----------
    corridor : numpy.ndarray or xarray.DataArray
        Normalised least-cost corridor NLCC (cost units, >= 0, 0 on the
        least-cost path); NaN on nodata and, with a cut-off, beyond it;
        ``inf`` on barriers and unreachable cells.
    current : numpy.ndarray or xarray.DataArray
        Current (A) with 1 A flowing from core A to core B, cores
        short-circuited; NaN on nodata and barrier cells.
    least_cost_distance : float
        :math:`\mathrm{LCD}_{AB}` (cost units).
    effective_resistance : float
        :math:`R_{AB}` (ohm).
    """

    corridor: object
    current: object
    least_cost_distance: float
    effective_resistance: float


def corridor_and_current(
    resistance,
    core_a,
    core_b,
    *,
    cutoff: float | None = None,
    neighbors: int = 8,
    cellsize: float | None = None,
    solver: str = "auto",
) -> CorridorCurrent:
    r"""Least-cost corridor and circuit current between two cores, in one call.

    .. math::

        \mathrm{NLCC}(x) = \mathrm{CWD}_A(x) + \mathrm{CWD}_B(x) - \mathrm{LCD}_{AB},
        \qquad L v = e_B - e_A,\; R_{AB} = v_B - v_A

    The corridor is Linkage Mapper's normalised least-cost corridor (McRae &
    Kavanagh 2011; same numbers as
    :func:`gpec_teach.least_cost.least_cost_corridor`); the current is
    Circuitscape's pairwise current map with each core a focal region
    short-circuited into one node (McRae et al. 2008; same numbers as
    :func:`gpec_teach.circuit.pairwise_resistance`). Cost-distance runs start
    from the cores' edge cells only, which gives the same costs faster.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier. Keep it coarse
        (250 m or 500 m for the teaching landscape) for interactive use.
    core_a, core_b
        Boolean grids, cells, geometries or GeoDataFrames (see
        :func:`gpec_teach.least_cost.cost_distance`); they must not overlap.
    cutoff : float, optional
        Corridor width (cost units); cells beyond become NaN.
    neighbors : {8, 4}, default 8
    cellsize : float, optional
        Cell side; read from a DataArray, 1 for arrays.
    solver : {"auto", "direct", "amg"}, default "auto"
        Circuit solver.

    Returns
    -------
    CorridorCurrent
        ``corridor``, ``current`` (georeferenced like *resistance*),
        ``least_cost_distance`` and ``effective_resistance``.

    Raises
    ------
    ValueError
        Cores overlap or cannot reach each other (barriers); bad input.

    References
    ----------
    McRae & Kavanagh (2011), https://linkagemapper.org;
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    A 1 x 4 strip, cores at the ends, 4 neighbours: three unit links in
    series (3 ohm), the whole 1 A through every cell, and every cell on the
    least-cost path (NLCC 0).

    >>> out = corridor_and_current(np.ones((1, 4)), [(0, 0)], [(0, 3)], neighbors=4)
    >>> out.corridor, out.current, out.least_cost_distance, out.effective_resistance
    (array([[0., 0., 0., 0.]]), array([[1., 1., 1., 1.]]), 3.0, 3.0)
    """
    from ._raster import wrap_like
    from .circuit import DEFAULT_CONNECTION, pairwise_resistance
    from .least_cost import _engine, _finish_cwd, _nlcc, _unreachable
    from .scenarios import _Evaluator

    check_choice("neighbors", neighbors, (8, 4))
    ev = _Evaluator(
        resistance,
        core_a=core_a,
        core_b=core_b,
        cutoff=cutoff,
        patches=None,
        distance=None,
        probability=0.5,
        neighbors=neighbors,
        connection=DEFAULT_CONNECTION,
        solver=solver,
        cellsize=cellsize,
    )
    from ._raster import Grid

    grid = Grid(ev.grid.values.copy(), ev.grid.cellsize)
    mcp, nodata = _engine(grid, neighbors)
    cwd_a = ev._cwd(mcp, ev.seed_a, ev.a)
    lcd = float(cwd_a.ravel()[ev.b].min())
    if not np.isfinite(lcd):
        raise _unreachable("core_a", "core_b")
    cwd_b = ev._cwd(mcp, ev.seed_b, ev.b)
    nl = _finish_cwd(_nlcc(cwd_a, cwd_b, lcd), nodata)
    if ev.cutoff is not None:
        nl[nl > ev.cutoff] = np.nan
    nc = ev.shape[1]
    focal = {
        k: [tuple(int(v) for v in divmod(int(i), nc)) for i in cells]
        for k, cells in ((1, ev.a), (2, ev.b))
    }
    out = pairwise_resistance(
        ev.grid.values, focal, neighbors=neighbors, solver=solver, pair_maps=False
    )
    current = np.asarray(out.cumulative_current, dtype=float)
    return CorridorCurrent(
        corridor=wrap_like(nl, ev.grid, name="corridor"),
        current=wrap_like(current, ev.grid, name="current"),
        least_cost_distance=lcd,
        effective_resistance=float(out.resistances.loc[1, 2]),
    )


# ============================================================ resistance explorer
def _slider_classes(landcover, table: dict, classes) -> dict[float, str]:
    names: dict[int, str] = {}
    try:
        from .maps import landcover_classes

        names = {k: v[0] for k, v in landcover_classes(landcover).items()}
    except (ValueError, AttributeError, TypeError):
        names = {}
    if classes is None:
        wanted = [k for k, n in names.items() if n in DEFAULT_SLIDER_CLASSES]
        if not wanted:
            raise ValueError(
                "classes is required: landcover has no class names to pick the default "
                f"sliders {DEFAULT_SLIDER_CLASSES}. Give classes=[code, ...] or {{code: label}}."
            )
        classes = wanted
    if isinstance(classes, Mapping):
        chosen = {float(k): str(v) for k, v in classes.items()}
    elif isinstance(classes, Sequence | np.ndarray) and not isinstance(classes, str):
        chosen = {float(k): names.get(int(k), f"class {k}") for k in classes}
    else:
        raise TypeError(
            "classes must be a list of class codes or a dict {code: label}. Got "
            f"classes={describe(classes)}."
        )
    if not chosen:
        raise ValueError("classes is empty: give at least one class to put on a slider.")
    for k in chosen:
        if k not in table:
            raise ValueError(
                f"class {k:g} has a slider but no row in table; add it to the table. Table "
                f"classes: {sorted(table)}."
            )
        if not np.isfinite(table[k]):
            raise ValueError(
                f"class {k:g} is an absolute barrier (inf) in table; a slider needs a finite "
                "resistance. Drop it from classes or give it a finite value."
            )
    return chosen


def _corridor_figure(landcover, result, cores, title: str, *, note: bool):
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True, sharey=True)
    corridor = np.asarray(getattr(result.corridor, "values", result.corridor), dtype=float)
    current = np.asarray(getattr(result.current, "values", result.current), dtype=float)
    corridor = np.where(np.isfinite(corridor), corridor, np.nan)
    im1 = ax1.imshow(np.ma.masked_invalid(corridor), cmap="viridis_r", interpolation="nearest")
    fig.colorbar(im1, ax=ax1, shrink=0.8, label="NLCC (cost units above the best path)")
    ax1.set_title(f"Least-cost corridor, LCD = {result.least_cost_distance:.4g}", fontsize=10)
    pos = current[np.isfinite(current) & (current > 0)]
    norm = LogNorm(vmin=max(pos.min(), pos.max() * 1e-4), vmax=pos.max()) if pos.size else None
    im2 = ax2.imshow(
        np.ma.masked_invalid(current), cmap="magma", norm=norm, interpolation="nearest"
    )
    fig.colorbar(im2, ax=ax2, shrink=0.8, label="current (A), log scale")
    ax2.set_title(f"Current, R = {result.effective_resistance:.4g} ohm", fontsize=10)
    for ax in (ax1, ax2):
        ax.contour(cores, levels=[0.5, 1.5], colors=["#0072B2", "#009E73"], linewidths=1)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title, fontsize=10)
    if note:
        _add_note(fig)
    return fig


def resistance_explorer(
    landcover,
    *,
    table,
    core_a,
    core_b,
    classes=None,
    cutoff: float | None = None,
    neighbors: int = 8,
    slider_range: tuple[float, float] = (1.0, 1000.0),
    max_cells: int = 200_000,
    static: bool = False,
):
    r"""Sliders for class resistances: the corridor and the current between two cores.

    Each slider sets the resistance of one land-cover class (log scale); on
    release the resistance surface is rebuilt with
    :func:`gpec_teach.resistance.reclassify` and :func:`corridor_and_current`
    recomputes the least-cost corridor
    :math:`\mathrm{NLCC} = \mathrm{CWD}_A + \mathrm{CWD}_B - \mathrm{LCD}_{AB}`
    and the circuit current between the cores. On the teaching landscape at
    250 m (400 x 480 cells) or 500 m an update takes about a second or less;
    finer grids are refused above *max_cells* valid cells.

    Parameters
    ----------
    landcover : array_like or xarray.DataArray
        Class codes (nodata = NaN or the raster's nodata, e.g. the sea), coarse:
        ``gpec_teach.load("landcover", year=2020, resolution=250)``.
    table : dict or pandas.DataFrame
        Class -> resistance (see :func:`gpec_teach.resistance.reclassify`):
        the starting values.
    core_a, core_b
        The two cores (boolean grids or cells, see :func:`corridor_and_current`).
    classes : list of int or dict, optional
        Classes with a slider, or ``{code: label}``. Default: the classes named
        forest, cropland and built-up in the raster's ``class_names``.
    cutoff : float, optional
        Corridor width (cost units) for the corridor map.
    neighbors : {8, 4}, default 8
    slider_range : (float, float), default (1, 1000)
        Lowest and highest resistance on the sliders.
    max_cells : int, default 200000
        Largest number of valid cells accepted (interactive speed).
    static : bool, default False
        Return a matplotlib figure of the starting state (with the note on how
        to open the live version) instead of the widget.

    Returns
    -------
    ipywidgets.VBox or matplotlib.figure.Figure
        The explorer (with ``sliders`` ``{code: FloatLogSlider}``, ``values``
        (current class resistances), ``result`` (:class:`CorridorCurrent`),
        ``resistance`` and ``snapshot()``), or the static figure.

    Raises
    ------
    ValueError
        Grid larger than *max_cells*; a slider class missing from *table* or a
        barrier; bad range; the errors of :func:`corridor_and_current`.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    McRae & Kavanagh (2011), https://linkagemapper.org.

    Examples
    --------
    >>> lc = np.array([[1, 2, 2, 1], [1, 3, 2, 1]])
    >>> a = np.zeros((2, 4), bool); a[:, 0] = True
    >>> b = np.zeros((2, 4), bool); b[:, 3] = True
    >>> box = resistance_explorer(lc, table={1: 1, 2: 10, 3: 100}, core_a=a, core_b=b,
    ...                           classes={2: "cropland"}, neighbors=4)
    >>> box.result.least_cost_distance  # 5.5 + 10 + 5.5 along the top row
    21.0
    >>> box.sliders[2.0].value = 1.0
    >>> box.result.least_cost_distance
    3.0
    """
    from ._raster import _is_dataarray
    from .resistance import _read_table, reclassify

    _check_bool("static", static)
    check_choice("neighbors", neighbors, (8, 4))
    if isinstance(max_cells, bool) or not isinstance(max_cells, numbers.Integral) or max_cells < 1:
        raise ValueError(
            f"max_cells must be a positive integer. Got max_cells={describe(max_cells)}."
        )
    if (
        not isinstance(slider_range, Sequence)
        or len(slider_range) != 2
        or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in slider_range)
        or not 0 < slider_range[0] < slider_range[1] < np.inf
    ):
        raise ValueError(
            "slider_range must be (low, high) with 0 < low < high, finite. Got "
            f"slider_range={describe(slider_range)}."
        )
    base = _read_table(table, "class", "resistance")
    chosen = _slider_classes(landcover, base, classes)
    resistance = reclassify(landcover, base)
    values = np.asarray(getattr(resistance, "values", resistance), dtype=float)
    n_valid = int((~np.isnan(values)).sum())
    if n_valid > max_cells:
        raise ValueError(
            f"landcover has {n_valid} valid cells, more than max_cells={max_cells}: each "
            "update would be slow. Load a coarser grid (resolution=250 or 500), coarsen it "
            "with gpec_teach.coarsen, or raise max_cells."
        )
    compute = {"cutoff": cutoff, "neighbors": neighbors}
    result = corridor_and_current(resistance, core_a, core_b, **compute)
    cores = _core_grid(core_a, core_b, values.shape, _is_dataarray)
    state = {
        "landcover": landcover,
        "base": base,
        "chosen": chosen,
        "compute": compute,
        "core_a": core_a,
        "core_b": core_b,
        "cores": cores,
        "range": (float(slider_range[0]), float(slider_range[1])),
    }
    if static:
        return _corridor_figure(landcover, result, cores, _values_title(chosen, base), note=True)
    return _resistance_widget_class()(state, resistance, result)


def _core_grid(core_a, core_b, shape, is_da) -> np.ndarray:
    """1 on core A, 2 on core B (for outlines); zeros when the cores are not grids."""
    out = np.zeros(shape)
    for k, core in ((1, core_a), (2, core_b)):
        arr = core.values if is_da(core) else core
        if isinstance(arr, np.ndarray) and arr.shape == shape:
            out[np.nan_to_num(np.asarray(arr, dtype=float)) > 0] = k
    return out


def _values_title(chosen: dict, values: dict) -> str:
    return "Resistance: " + ", ".join(f"{chosen[k]} {values[k]:g}" for k in chosen)


def _resistance_widget_class():
    if "resistance" in _CLASSES:
        return _CLASSES["resistance"]
    import ipywidgets as W

    class ResistanceExplorer(W.VBox):
        """ipywidgets explorer of class resistances -> corridor and current."""

        def __init__(self, state, resistance, result):
            super().__init__()
            self.state = state
            self.values = dict(state["base"])
            self.resistance = resistance
            self.result = result
            lo, hi = state["range"]
            self.sliders = {}
            for code, label in state["chosen"].items():
                start = float(np.clip(self.values[code], lo, hi))
                self.sliders[code] = W.FloatLogSlider(
                    value=start,
                    base=10,
                    min=np.log10(lo),
                    max=np.log10(hi),
                    step=0.05,
                    description=label,
                    continuous_update=False,
                    readout_format=".3g",
                    style={"description_width": "initial"},
                )
                self.sliders[code].observe(self._update, names="value")
            self.info = W.HTML()
            self.image = W.Image(format="png")
            self.children = [*self.sliders.values(), self.info, self.image]
            self._draw()

        def _update(self, change=None):
            from .resistance import reclassify

            for code, slider in self.sliders.items():
                self.values[code] = float(slider.value)
            self.resistance = reclassify(self.state["landcover"], self.values)
            try:
                self.result = corridor_and_current(
                    self.resistance,
                    self.state["core_a"],
                    self.state["core_b"],
                    **self.state["compute"],
                )
            except ValueError as exc:  # shown to the learner, not raised in a callback
                self.info.value = f"<b>Cannot compute:</b> {exc}"
                return
            self._draw()

        def _draw(self):
            self.info.value = (
                f"Least-cost distance {self.result.least_cost_distance:.4g} cost units; "
                f"effective resistance {self.result.effective_resistance:.4g} ohm."
            )
            fig = self._figure(note=False)
            self.image.value = _png(fig)

        def _figure(self, *, note: bool):
            title = _values_title(self.state["chosen"], self.values)
            return _corridor_figure(
                self.state["landcover"], self.result, self.state["cores"], title, note=note
            )

        def snapshot(self):
            """Return a static matplotlib figure of the current state, with the live note."""
            return self._figure(note=True)

    _CLASSES["resistance"] = ResistanceExplorer
    return ResistanceExplorer
