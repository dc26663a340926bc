"""Omniscape's moving-window algorithm in :mod:`gpec_teach.circuit`.

Every window is a small circuit grounded at its target and solved with the engine's
direct solver (:func:`gpec_teach.circuit._solver.grounded_solver`); the flow-potential
windows, identical for all interior targets, reuse one factorisation from a cache.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import _laplacian as kernels
from .._raster import Grid, unwrap, wrap_like
from .._validation import check_choice, check_positive, describe
from ._graph import DEFAULT_CONNECTION, aligned, check_graph_options, resistance_values
from ._solver import grounded_solver

__all__ = ["OmniscapeCondition", "OmniscapeResult", "omniscape"]


@dataclass(frozen=True)
class OmniscapeCondition:
    """One condition of Omniscape's conditional connectivity.

    A source cell is connected to a target only if its present-day value of the
    condition matches the target's value (Landau et al. 2021, "climate
    connectivity"). The target's value is taken over its block: the median for
    ``"within"``, the most frequent value for ``"equal"``, read from *future* when
    given (sources now, targets in the future) and from *present* otherwise.

    Attributes
    ----------
    present : array_like or xarray.DataArray
        The condition today, one value per cell (same shape as the resistance).
        NaN = unknown: such a source cell is kept (no comparison possible).
    future : array_like or xarray.DataArray, optional
        The condition in the future, compared at the targets.
    comparison : {"within", "equal"}, default "within"
        ``"within"``: keep a source when
        ``lower <= present(source) - value(target) <= upper``; ``"equal"``: keep it
        when ``present(source) == value(target)`` (categorical data).
    lower, upper : float, default 0
        Bounds of the ``"within"`` comparison, in the units of the condition.

    Examples
    --------
    >>> import numpy as np
    >>> c = OmniscapeCondition(np.zeros((3, 3)), lower=-0.5, upper=0.5)
    >>> c.comparison, c.lower, c.upper
    ('within', -0.5, 0.5)
    """

    present: object
    future: object = None
    comparison: str = "within"
    lower: float = 0.0
    upper: float = 0.0


@dataclass(frozen=True)
class OmniscapeResult:
    """Results of :func:`omniscape` (maps as arrays or DataArrays).

    Attributes
    ----------
    cumulative_current : map
        Sum over all moving windows of the current through each cell (A).
    flow_potential : map or None
        The same sum on a uniform (conductance 1) landscape: the current expected
        from the sources' layout alone.
    normalized_current : map or None
        ``cumulative_current / flow_potential``: above 1 = current channelled
        (corridors, pinch points), below 1 = impeded; 0 where both are 0.
    n_targets : int
        Number of moving-window solves.
    """

    cumulative_current: object
    flow_potential: object = None
    normalized_current: object = None
    n_targets: int = 0


def _window_current(res_w, src_w, ty, tx, neighbors, connection, cache=None, dtype=np.float64):
    """Return the current map of one window (target cell grounded directly).

    Sources on the target node are dropped (Circuitscape's ``rmvsrc``), and so are
    sources in components that do not hold the target (no path to the ground).
    """
    key = None
    entry = None
    if cache is not None:
        key = (res_w.shape, ty, tx)
        entry = cache.get(key)
    if entry is None:
        valid = np.isfinite(res_w)
        nodemap, n = kernels.build_nodemap(valid)
        t = int(nodemap[ty, tx])
        if t < 0:
            return np.zeros(res_w.shape, dtype=dtype)
        i, j, g = kernels.build_edges(res_w, nodemap, neighbors=neighbors, connection=connection)
        lap = kernels.laplacian(n, i, j, g)
        comp = kernels.components(lap)
        direct = np.zeros(n, dtype=bool)
        direct[t] = True
        solver, direct = grounded_solver(lap, comp, direct, solver="direct")
        entry = (nodemap, n, i, j, g, comp, direct, solver, t)
        if cache is not None:
            cache[key] = entry
    nodemap, n, i, j, g, comp, direct, solver, t = entry
    on = nodemap >= 0
    src = np.bincount(nodemap[on], weights=src_w[on], minlength=n)
    src[(comp != comp[t]) | direct] = 0.0  # no path to the ground, or on a ground
    if not src.any():
        return np.zeros(res_w.shape, dtype=dtype)
    v = solver.solve(src.astype(dtype)).astype(np.float64)
    cur = kernels.node_currents(n, i, j, g, v)
    return kernels.to_raster(cur, nodemap, fill=0.0).astype(dtype)


def _disk(reach: int, radius: float) -> np.ndarray:
    """Boolean ``(2 reach + 1)`` square, True within *radius* cells of its centre."""
    yy, xx = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    return np.hypot(yy, xx) <= radius


def _omniscape_correction(radius, buffer, block_size, neighbors, connection, dtype=np.float64):
    """Omniscape's block-artefact correction: a multiplier over the whole window.

    With blocks, one target carries the sources of ``block_size**2`` cells. The
    correction divides the current of that blocked solve on a uniform landscape by
    the sum of ``block_size**2`` unblocked solves shifted over the block, so that
    the blocked map approximates the unblocked one (McRae et al. 2016).
    """
    reach = radius + buffer
    size = 2 * reach + 1
    br = (block_size - 1) // 2
    cond = np.where(_disk(reach, reach), 1.0, np.nan)
    inner = _disk(reach, radius)
    src_null = inner.astype(float)
    src_null[reach, reach] = 0.0
    src_null[src_null != 0] = 1.0 / (inner.sum() - 1)
    src_block = inner.astype(float)
    src_block[reach - br : reach + br + 1, reach - br : reach + br + 1] = 0.0
    src_block *= block_size**2 / src_block.sum()
    block_null = _window_current(cond, src_block, reach, reach, neighbors, connection, None, dtype)
    null = _window_current(cond, src_null, reach, reach, neighbors, connection, None, dtype)
    total = np.zeros((size + block_size - 1, size + block_size - 1), dtype=dtype)
    for a in range(block_size):
        for b in range(block_size):
            total[a : a + size, b : b + size] += null
    total = total[br : br + size, br : br + size]
    total[block_null == 0] = 0.0
    total[total == 0] = 1.0
    block_null = np.where(block_null == 0, 1.0, block_null)
    return (total / block_null).astype(dtype)


def _correction_span(t: int, reach: int, n: int, length: int) -> slice:
    """Rows (or columns) of the correction array that apply to a clipped window.

    Omniscape.jl's rule: a window clipped at the far edge uses the first *length*
    entries, one clipped at the near edge the last ones, and one clipped at both
    edges the first ones.
    """
    upper = 2 * reach + 1
    if t + reach + 1 > n:
        upper = length
    lower = upper - length if t < reach else 0
    return slice(lower, lower + length)


def _condition_value(block: np.ndarray, comparison: str) -> float:
    """Median (``within``) or most frequent value (``equal``) of a target block.

    Ties of the most frequent value go to the one met first in column order (the
    order of Julia arrays, as in Omniscape.jl). NaN when the block has no value.
    """
    values = block.ravel(order="F")
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan")
    if comparison == "within":
        return float(np.median(values))
    uniq, first, counts = np.unique(values, return_index=True, return_counts=True)
    best = counts == counts.max()
    return float(uniq[best][np.argmin(first[best])])


def _check_conditions(conditions, grid: Grid):
    """Validate and align the condition layers: list of (present, target, cond)."""
    if conditions is None:
        return []
    if isinstance(conditions, OmniscapeCondition):
        conditions = [conditions]
    if not isinstance(conditions, Sequence) or isinstance(conditions, str):
        raise TypeError(
            "conditions must be an OmniscapeCondition or a list of them. Got "
            f"conditions={describe(conditions)}."
        )
    out = []
    for k, cond in enumerate(conditions, start=1):
        if not isinstance(cond, OmniscapeCondition):
            raise TypeError(
                f"conditions[{k - 1}] must be an OmniscapeCondition(present, future=..., "
                f"comparison=..., lower=..., upper=...). Got {describe(cond)}."
            )
        check_choice(f"conditions[{k - 1}].comparison", cond.comparison, ("within", "equal"))
        for bound in ("lower", "upper"):
            value = getattr(cond, bound)
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not np.isfinite(value)
            ):
                raise ValueError(
                    f"conditions[{k - 1}].{bound} must be a finite number. Got "
                    f"{bound}={describe(value)}."
                )
        if cond.comparison == "within" and cond.lower > cond.upper:
            raise ValueError(
                f"conditions[{k - 1}]: lower ({cond.lower}) must not exceed upper "
                f"({cond.upper}); swap them."
            )
        present = aligned(f"conditions[{k - 1}].present", cond.present, grid)
        target = (
            present
            if cond.future is None
            else aligned(f"conditions[{k - 1}].future", cond.future, grid)
        )
        out.append((present, target, cond))
    return out


def _check_int(name: str, value, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        kind = "a positive" if minimum > 0 else "a non-negative"
        raise ValueError(f"{name} must be {kind} integer (cells). Got {name}={describe(value)}.")
    return int(value)


def check_window_options(radius, block_size, buffer, source_threshold, null_window, precision):
    """Check the moving-window options of Omniscape; return (radius, block_size, buffer).

    One check for the single-process run and the tiled one of :mod:`gpec_teach.scale`.
    """
    check_choice("null_window", null_window, ("square", "circle"))
    check_choice("precision", precision, ("double", "single"))
    radius = _check_int("radius", radius, minimum=1)
    buffer = _check_int("buffer", buffer, minimum=0)
    if (
        isinstance(block_size, bool)
        or not isinstance(block_size, numbers.Integral)
        or block_size < 1
        or block_size % 2 == 0
    ):
        raise ValueError(
            f"block_size must be a positive odd integer (1, 3, 5, ...). Got "
            f"block_size={describe(block_size)}."
        )
    if block_size > radius:
        raise ValueError(
            f"block_size ({block_size}) must not exceed radius ({radius}): the target block "
            "would swallow the window."
        )
    check_positive("source_threshold", source_threshold, allow_zero=True)
    return radius, int(block_size), buffer


def omniscape(
    resistance,
    sources,
    *,
    radius: int,
    block_size: int = 1,
    buffer: int = 0,
    source_threshold: float = 0.0,
    flow_potential: bool = True,
    null_window: str = "square",
    correct_artifacts: bool = True,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    conditions=None,
    mask_nodata: bool = True,
    precision: str = "double",
) -> OmniscapeResult:
    r"""Omnidirectional connectivity with Omniscape's moving-window algorithm.

    Targets are the centres of the ``block_size x block_size`` blocks that hold
    some source strength. Each target is grounded in turn; the source cells
    within ``radius`` cells of it inject current, and the currents of all windows
    add up (McRae et al. 2016; Landau et al. 2021). For a target ``t`` with block
    strength :math:`S_t = \sum_{c \in \text{block}(t)} s_c`, a source cell ``c``
    of its circular window :math:`W_t` (the target block excluded) injects

    .. math:: I_c = S_t \, \frac{s_c}{\sum_{c' \in W_t} s_{c'}}

    amperes, so that every window carries :math:`S_t` in total; with
    *conditions*, the sources that do not match the target are then switched off
    (their share is not handed to the others). The resistance is clipped to a
    circle of ``radius + buffer`` cells. *Flow potential* repeats every solve on
    a uniform landscape (conductance 1 over the whole square window, as
    Omniscape.jl does), and *normalised current* is the ratio of the two maps.

    The rules are those of Omniscape.jl, so its ``.ini`` jobs give the same maps
    (see :func:`gpec_teach.omniscape_io.run_omniscape_ini`): a source on a nodata
    resistance cell counts in :math:`S_t` and in the shares but injects nothing;
    a target on a nodata cell carries no current but still gets a flow potential;
    near the top and left edges of the grid, where the window is clipped, the
    source block that is switched off is the one at the window's nominal centre
    (``radius + buffer`` cells from its first row and column), not the target's
    own block, while a source on the target cell itself never injects.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (NaN/inf = absent), or conductance (see *values*).
    sources : array_like
        Source strength per cell (for instance habitat quality), same shape;
        NaN = 0.
    radius : int
        Window radius in cells (Omniscape's ``radius``, in pixels).
    block_size : int, default 1
        Odd block side in cells; larger blocks mean fewer solves (block_size**2
        times fewer) at the cost of blockier maps.
    buffer : int, default 0
        Extra cells of resistance beyond *radius* around each target (sources
        stay within *radius*), so that current can detour around the circle.
    source_threshold : float, default 0
        Source strengths below this become 0.
    flow_potential : bool, default True
        Also compute flow potential and normalised current (one extra solve per
        target, on a matrix shared by all interior targets).
    null_window : {"square", "circle"}, default "square"
        Uniform landscape used for the flow potential: Omniscape.jl's full square
        window, or the same circle as the current run (then a uniform resistance
        surface gives a normalised current of exactly 1).
    correct_artifacts : bool, default True
        Apply Omniscape's block-artefact correction when ``block_size > 1``.
    values, neighbors : see :func:`raster_graph`.
    connection : {"conductance", "resistance"}, default :data:`DEFAULT_CONNECTION` ("conductance")
        Omniscape runs Circuitscape with its default, average conductance between
        neighbors (the default of every circuit function here); ``"resistance"``
        averages resistances.
    conditions : OmniscapeCondition or list of them, optional
        Conditional connectivity: connect a target only to the sources that
        match it on every condition.
    mask_nodata : bool, default True
        NaN on absent resistance cells in every map (Omniscape's ``mask_nodata``).
        With False, absent cells keep their values (0 current, and the flow
        potential of the uniform landscape).
    precision : {"double", "single"}, default "double"
        ``"single"`` rounds the inputs to float32 and returns float32 maps, as
        Omniscape.jl's ``precision = single`` does; the solves and sums stay in
        float64 here (float32 voltages would lose digits in the differences that
        give the currents), so the maps are the double-precision ones rounded.

    Returns
    -------
    OmniscapeResult
        Cumulative current (A), flow potential (A) and normalised current
        (dimensionless, >= 0); NaN on absent cells when *mask_nodata*.

    Raises
    ------
    ValueError
        Bad radius, buffer or block size, shapes differ, negative sources, bad
        option.
    TypeError
        *conditions* of the wrong type.

    References
    ----------
    Landau, V. A., Shah, V. B., Anantharaman, R. & Hall, K. R. (2021).
    Omniscape.jl: software to compute omnidirectional landscape connectivity.
    JOSS 6 (57): 2829. https://doi.org/10.21105/joss.02829
    McRae, B. H. et al. (2016). Conserving nature's stage: mapping omnidirectional
    connectivity for resilient terrestrial landscapes in the Pacific Northwest.
    The Nature Conservancy.

    Examples
    --------
    On a uniform landscape, with the flow potential computed on the same
    circular windows, current equals flow potential: normalised current 1.

    >>> import numpy as np
    >>> out = omniscape(np.ones((7, 7)), np.ones((7, 7)), radius=2, null_window="circle")
    >>> out.n_targets
    49
    >>> bool(np.allclose(out.normalized_current[2:5, 2:5], 1.0))
    True

    Two neighbouring sources of strength 1 in the middle row of a 3 x 6 grid,
    radius 1: each window sends 1 A from the other cell to its target, so both
    cells carry 1 + 1 = 2 A in total.

    >>> s = np.zeros((3, 6))
    >>> s[1, 2:4] = 1.0
    >>> strip = omniscape(np.ones((3, 6)), s, radius=1, flow_potential=False)
    >>> strip.n_targets, np.round(strip.cumulative_current[1, 2:4], 9).tolist()
    (2, [2.0, 2.0])
    """
    check_graph_options(values, neighbors, connection)
    radius, block_size, buffer = check_window_options(
        radius, block_size, buffer, source_threshold, null_window, precision
    )
    dtype = np.float32 if precision == "single" else np.float64
    grid = unwrap("resistance", resistance)
    res = resistance_values(grid, values, None, name="resistance")
    src = aligned("sources", sources, grid)
    src = np.where(np.isfinite(src), src, 0.0)
    if np.any(src < 0):
        raise ValueError("sources must be non-negative source strengths; found negative cells.")
    src = np.where(src < source_threshold, 0.0, src)
    layers = _check_conditions(conditions, grid)
    if precision == "single":
        res = res.astype(np.float32).astype(np.float64)
        src = src.astype(np.float32)
        layers = [(p.astype(np.float32), t.astype(np.float32), c) for p, t, c in layers]
    result = _omniscape_run(
        grid,
        res,
        src,
        layers,
        radius=radius,
        buffer=buffer,
        block_size=block_size,
        flow_potential=flow_potential,
        null_window=null_window,
        correct_artifacts=correct_artifacts,
        neighbors=neighbors,
        connection=connection,
        mask_nodata=mask_nodata,
        dtype=np.float64,
    )
    if dtype is np.float64:
        return result
    maps = {
        name: None if value is None else value.astype(dtype)
        for name, value in (
            ("cumulative_current", result.cumulative_current),
            ("flow_potential", result.flow_potential),
            ("normalized_current", result.normalized_current),
        )
    }
    return OmniscapeResult(n_targets=result.n_targets, **maps)


def _omniscape_run(
    grid,
    res,
    src,
    layers,
    *,
    radius,
    buffer,
    block_size,
    flow_potential,
    null_window,
    correct_artifacts,
    neighbors,
    connection,
    mask_nodata,
    dtype,
) -> OmniscapeResult:
    """Run the moving window on validated arrays."""
    correction = (
        _omniscape_correction(radius, buffer, block_size, neighbors, connection, dtype)
        if correct_artifacts and block_size > 1
        else None
    )
    cum, fp, n_targets = _omniscape_region(
        res,
        src,
        layers,
        origin=(0, 0),
        shape=res.shape,
        targets=(0, res.shape[0], 0, res.shape[1]),
        radius=radius,
        buffer=buffer,
        block_size=block_size,
        flow_potential=flow_potential,
        null_window=null_window,
        correction=correction,
        neighbors=neighbors,
        connection=connection,
        dtype=dtype,
    )
    return _omniscape_maps(grid, res, cum, fp, mask_nodata, n_targets)


def _target_range(start: int, stop: int, br: int, block_size: int, n: int) -> range:
    """Target rows (or columns) whose block centre lies in ``[start, stop)``.

    Targets sit at ``br, br + block_size, ...`` up to ``n - br`` (exclusive), as in
    Omniscape.jl; a partition of ``[0, n)`` into spans partitions the targets.
    """
    first = br + max(0, -(-(start - br) // block_size)) * block_size
    return range(first, min(stop, n - br), block_size)


def _omniscape_region(
    res,
    src,
    layers,
    *,
    origin,
    shape,
    targets,
    radius,
    buffer,
    block_size,
    flow_potential,
    null_window,
    correction,
    neighbors,
    connection,
    dtype,
):
    """Sum the window currents of the targets in one part of the grid.

    The per-window solver of :func:`omniscape`, shared by the single-process run
    (one region: the whole grid) and the distributed one
    (:mod:`gpec_teach.scale`: one region per task). *res*, *src* and the
    condition *layers* cover the grid rows ``origin[0] ...`` and columns
    ``origin[1] ...`` of a grid of *shape*; they must include every window of
    the targets whose centres lie in ``targets = (row0, row1, col0, col1)``
    (grid coordinates, end excluded). Returns the summed current and flow
    potential over the region's cells (grid cells outside it get nothing from
    these targets) and the number of solves.
    """
    nrows, ncols = shape
    oy, ox = origin
    br = (block_size - 1) // 2
    reach = radius + buffer
    cum = np.zeros(res.shape, dtype=dtype)
    fp = np.zeros(res.shape, dtype=dtype) if flow_potential else None
    source_disk = _disk(reach, radius)
    resistance_disk = _disk(reach, reach)
    cache: dict = {}
    n_targets = 0
    row0, row1, col0, col1 = targets
    for ty in _target_range(row0, row1, br, block_size, nrows):
        for tx in _target_range(col0, col1, br, block_size, ncols):
            window = _window_sources(
                src, layers, ty, tx, reach, br, source_disk, dtype, origin=origin, shape=shape
            )
            if window is None:
                continue
            src_w, (r0, r1, c0, c1), inside = window
            h, w = r1 - r0, c1 - c0
            wy, wx = ty - r0, tx - c0
            rows, cols = slice(r0 - oy, r1 - oy), slice(c0 - ox, c1 - ox)
            res_w = np.where(resistance_disk[inside], res[rows, cols], np.nan)
            n_targets += 1
            cur = _window_current(res_w, src_w, wy, wx, neighbors, connection, None, dtype)
            if fp is not None:
                ones = (
                    np.ones(res_w.shape)
                    if null_window == "square"
                    else np.where(resistance_disk[inside], 1.0, np.nan)
                )
                pot = _window_current(ones, src_w, wy, wx, neighbors, connection, cache, dtype)
            if correction is not None:
                cut = correction[
                    _correction_span(ty, reach, nrows, h), _correction_span(tx, reach, ncols, w)
                ]
                cur = cur * cut
                if fp is not None:
                    pot = pot * cut
            cum[rows, cols] += cur
            if fp is not None:
                fp[rows, cols] += pot
    return cum, fp, n_targets


def _window_sources(src, layers, ty, tx, reach, br, source_disk, dtype, *, origin, shape):
    """Source current of the window of target ``(ty, tx)``, or None when it has none.

    Returns ``(src_w, (r0, r1, c0, c1), inside)``: the injected current per cell of
    the window clipped to the grid, its rows and columns in the grid, and the
    slices of the full window that the clipped one covers. *src* and the layers
    start at grid cell *origin* of a grid of *shape* (see :func:`_omniscape_region`).
    """
    nrows, ncols = shape
    oy, ox = origin
    block = (slice(ty - br - oy, ty + br + 1 - oy), slice(tx - br - ox, tx + br + 1 - ox))
    strength = src[block].sum(dtype=dtype)
    if strength <= 0:
        return None
    r0, r1 = max(ty - reach, 0), min(ty + reach + 1, nrows)
    c0, c1 = max(tx - reach, 0), min(tx + reach + 1, ncols)
    h, w = r1 - r0, c1 - c0
    inside = (
        slice(r0 - ty + reach, r0 - ty + reach + h),
        slice(c0 - tx + reach, c0 - tx + reach + w),
    )
    rows, cols = slice(r0 - oy, r1 - oy), slice(c0 - ox, c1 - ox)
    src_w = np.where(source_disk[inside], src[rows, cols], 0.0).astype(dtype)
    # Omniscape.jl switches off the block at the window's nominal centre.
    src_w[max(reach - br, 0) : reach + br + 1, max(reach - br, 0) : reach + br + 1] = 0.0
    total = src_w[src_w > 0].sum(dtype=dtype)
    if total <= 0:
        return None
    src_w = src_w * (strength / total)
    for present, target, cond in layers:
        value = _condition_value(target[block], cond.comparison)
        here = present[rows, cols]
        if not np.isfinite(value):
            src_w[:] = 0.0
        elif cond.comparison == "within":
            diff = here - value
            src_w[(diff > cond.upper) | (diff < cond.lower)] = 0.0
        else:
            src_w[np.isfinite(here) & (here != value)] = 0.0
    if not np.any(src_w > 0):
        return None
    return src_w, (r0, r1, c0, c1), inside


def _omniscape_maps(grid, res, cum, fp, mask_nodata, n_targets) -> OmniscapeResult:
    """Normalised current, nodata masking and georeferencing of the summed maps."""
    absent = ~np.isfinite(res)
    norm = None
    if fp is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            norm = cum / fp
        norm[np.isnan(norm)] = 0.0
    maps = {"cumulative_current": cum, "flow_potential": fp, "normalized_current": norm}
    out = {}
    for name, values in maps.items():
        if values is None:
            out[name] = None
            continue
        if mask_nodata:
            values[absent] = np.nan
        out[name] = wrap_like(values, grid, name=name)
    return OmniscapeResult(n_targets=n_targets, **out)
