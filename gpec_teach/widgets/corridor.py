r"""The resistance explorer: least-cost corridor and circuit current between two cores.

See :mod:`gpec_teach.widgets` for the three layers (computation, static
figure, widget) and the references.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .. import _cost
from .._raster import is_dataarray, wrap_like
from .._validation import describe
from ..circuit import DEFAULT_CONNECTION, pairwise_resistance
from ..maps import landcover_classes
from ..resistance import reclassify
from ..resistance.classes import read_class_table
from ..scenarios.evaluate import ScenarioEvaluator
from .common import (
    DEFAULT_SLIDER_CLASSES,
    WIDGET_CLASSES,
    add_note,
    check_bool,
    number,
    png,
)

__all__ = ["CorridorCurrent", "corridor_and_current", "resistance_explorer"]


# ===================================================== corridor and current: pure
@dataclass(frozen=True)
class CorridorCurrent:
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
        Cell side in map units; read from a georeferenced raster, **required**
        for a plain array (the NLCC and LCD are in resistance x map units).
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

    >>> out = corridor_and_current(np.ones((1, 4)), [(0, 0)], [(0, 3)], neighbors=4, cellsize=1)
    >>> out.corridor, out.current, out.least_cost_distance, out.effective_resistance
    (array([[0., 0., 0., 0.]]), array([[1., 1., 1., 1.]]), 3.0, 3.0)
    """
    ev = ScenarioEvaluator(
        resistance,
        core_a=core_a,
        core_b=core_b,
        cutoff=cutoff,
        neighbors=neighbors,
        connection=DEFAULT_CONNECTION,
        solver=solver,
        cellsize=cellsize,
    )
    mcp, nodata = ev.engine(ev.grid.values)
    lcd, nl = _cost.pair_corridor(mcp, ev.pair, ev.shape[1])
    if nl is None:
        raise _cost.unreachable("core_a", "core_b")
    nl = _cost.finish_cwd(nl, nodata)
    if ev.cutoff is not None:
        nl[nl > ev.cutoff] = np.nan
    out = pairwise_resistance(
        ev.grid.values,
        ev.pair.focal_cells(ev.shape[1]),
        neighbors=neighbors,
        solver=solver,
        pair_maps=False,
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
    try:
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
    ax1.set_title(
        f"Least-cost corridor, LCD = {number(result.least_cost_distance)} cost units", fontsize=10
    )
    pos = current[np.isfinite(current) & (current > 0)]
    norm = LogNorm(vmin=max(pos.min(), pos.max() * 1e-4), vmax=pos.max()) if pos.size else None
    im2 = ax2.imshow(
        np.ma.masked_invalid(current), cmap="magma", norm=norm, interpolation="nearest"
    )
    fig.colorbar(im2, ax=ax2, shrink=0.8, label="current (A), log scale")
    ax2.set_title(f"Current, R = {number(result.effective_resistance)} ohm", fontsize=10)
    for ax in (ax1, ax2):
        ax.contour(cores, levels=[0.5, 1.5], colors=["#0072B2", "#009E73"], linewidths=1)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title, fontsize=10)
    if note:
        add_note(fig)
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
    cellsize: float | None = None,
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
    cellsize : float, optional
        Cell side in metres; read from a georeferenced *landcover*, **required**
        for a plain array (least-cost distances are in resistance x metres).
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
    ...                           classes={2: "cropland"}, neighbors=4, cellsize=1)
    >>> box.result.least_cost_distance  # 5.5 + 10 + 5.5 along the top row
    21.0
    >>> box.sliders[2.0].value = 1.0
    >>> box.result.least_cost_distance
    3.0
    """
    check_bool("static", static)
    _cost.check_neighbors(neighbors)
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
    base = read_class_table(table, "class", "resistance")
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
    compute = {"cutoff": cutoff, "neighbors": neighbors, "cellsize": cellsize}
    result = corridor_and_current(resistance, core_a, core_b, **compute)
    cores = _core_grid(core_a, core_b, values.shape)
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


def _core_grid(core_a, core_b, shape) -> np.ndarray:
    """1 on core A, 2 on core B (for outlines); zeros when the cores are not grids."""
    out = np.zeros(shape)
    for k, core in ((1, core_a), (2, core_b)):
        arr = np.asarray(core.values) if is_dataarray(core) else core
        if isinstance(arr, np.ndarray) and arr.shape == shape:
            out[np.nan_to_num(np.asarray(arr, dtype=float)) > 0] = k
    return out


def _values_title(chosen: dict, values: dict) -> str:
    return "Resistance: " + ", ".join(f"{chosen[k]} {values[k]:g}" for k in chosen)


def _resistance_widget_class():
    if "resistance" in WIDGET_CLASSES:
        return WIDGET_CLASSES["resistance"]
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
                f"Least-cost distance {number(self.result.least_cost_distance)} cost units; "
                f"effective resistance {number(self.result.effective_resistance)} ohm."
            )
            fig = self._figure(note=False)
            self.image.value = png(fig)

        def _figure(self, *, note: bool):
            title = _values_title(self.state["chosen"], self.values)
            return _corridor_figure(
                self.state["landcover"], self.result, self.state["cores"], title, note=note
            )

        def snapshot(self):
            """Return a static matplotlib figure of the current state, with the live note."""
            return self._figure(note=True)

    WIDGET_CLASSES["resistance"] = ResistanceExplorer
    return ResistanceExplorer
