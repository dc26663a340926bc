r"""Coarsen a resistance raster, and convert between resistance and conductance.

See :mod:`gpec_teach.resistance` for the conventions and references.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import xarray as xr
from affine import Affine

from .._raster import Grid, unwrap, wrap_like
from .._validation import check_choice, check_resistance_values, describe

__all__ = ["coarsen", "conductance_to_resistance", "resistance_to_conductance"]

_COARSEN = ("mean", "max")
_COARSEN_NODATA = ("ignore", "propagate")
_COARSEN_BARRIERS = ("any", "majority")
_BOUNDARY = ("expand", "trim")


# ============================================================================ coarsen
def _coarse_template(grid: Grid, factor: int, shape: tuple[int, int]):
    """Return a DataArray on the coarse grid (coords, CRS, transform), None for arrays."""
    template = grid.template
    if template is None:
        return None
    if template.ndim == 3 and template.shape[0] == 1:
        template = template.squeeze(template.dims[0], drop=True)
    ydim, xdim = template.dims
    try:
        t = template.rio.transform()
    except Exception:  # pragma: no cover - DataArray without rio spatial dims
        t = None
    if t is None:
        ys = np.arange(shape[0], dtype=float)
        xs = np.arange(shape[1], dtype=float)
        return xr.DataArray(np.empty(shape), dims=(ydim, xdim), coords={ydim: ys, xdim: xs})
    new = Affine(t.a * factor, t.b, t.c, t.d, t.e * factor, t.f)
    xs = new.c + (np.arange(shape[1]) + 0.5) * new.a
    ys = new.f + (np.arange(shape[0]) + 0.5) * new.e
    da = xr.DataArray(np.empty(shape), dims=(ydim, xdim), coords={ydim: ys, xdim: xs})
    if grid.crs is not None:
        da = da.rio.write_crs(grid.crs)
    return da.rio.write_transform(new)


def coarsen(
    resistance,
    factor: int,
    *,
    method: str = "mean",
    nodata: str = "ignore",
    barriers: str = "any",
    boundary: str = "expand",
):
    r"""Aggregate a resistance raster to cells ``factor`` times larger.

    Each coarse cell summarises a block of ``factor x factor`` fine cells:

    .. math::

        R_{coarse} = \frac{1}{n} \sum_{x \in B} R(x) \quad \text{(mean)}, \qquad
        R_{coarse} = \max_{x \in B} R(x) \quad \text{(max)}

    over the :math:`n` finite cells :math:`x` of block :math:`B`.

    **Effect on barriers and corridors.** ``mean`` averages a narrow
    high-resistance feature (a road one cell wide) with the cells around it:
    partial barriers weaken and may vanish, narrow corridors survive. ``max``
    keeps the worst cell of each block: partial barriers survive and widen to a
    whole coarse cell, while a corridor narrower than a coarse cell closes
    wherever its block also holds high-resistance cells. Absolute barriers
    (``inf``) follow *barriers*: with ``"any"`` (default) a block holding one
    barrier cell becomes a barrier (barriers are never lost, but gaps between
    them narrower than a coarse cell close); with ``"majority"`` it becomes a
    barrier only when more than half of its valid cells are barriers, otherwise
    the statistic is taken over its finite cells (a thin barrier may open).
    Compare results at the two resolutions before relying on a coarse map.
    Cost distances (:mod:`gpec_teach.least_cost`) use the new cell size, so
    they stay comparable; circuit-theory resistances do not scale with cell
    size (Circuitscape ignores it), so effective resistances change.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Fine resistance grid; NaN = nodata, ``inf`` = barrier.
    factor : int
        Integer aggregation factor (>= 2): 100 m cells with ``factor=5`` give
        500 m cells.
    method : {"mean", "max"}, default "mean"
    nodata : {"ignore", "propagate"}, default "ignore"
        ``"ignore"``: summarise the valid cells and give NaN only to blocks with
        no valid cell (ArcGIS *Aggregate*'s default); ``"propagate"``: a block
        with any NaN cell is NaN.
    barriers : {"any", "majority"}, default "any"
        When a block becomes an absolute barrier (see above).
    boundary : {"expand", "trim"}, default "expand"
        When the grid is not a multiple of *factor*: ``"expand"`` keeps the
        partial blocks at the right and bottom edges (summarised over the cells
        they hold); ``"trim"`` drops them.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Coarse grid of shape ``ceil(shape / factor)`` (``floor`` with
        ``"trim"``); a DataArray gets the coarse transform and coordinates and
        keeps its CRS.

    Raises
    ------
    ValueError
        *factor* not an integer >= 2 or larger than the grid; negative or zero
        resistance; unknown option.

    References
    ----------
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    A one-cell road (resistance 100) in a 4 x 4 grid of ones, coarsened by 2:
    ``mean`` gives ``(1 + 1 + 100 + 100) / 4 = 50.5`` on the road blocks,
    ``max`` keeps 100.

    >>> r = np.ones((4, 4)); r[2, :] = 100.0
    >>> coarsen(r, 2)
    array([[ 1. ,  1. ],
           [50.5, 50.5]])
    >>> coarsen(r, 2, method="max")
    array([[  1.,   1.],
           [100., 100.]])
    """
    check_choice("method", method, _COARSEN)
    check_choice("nodata", nodata, _COARSEN_NODATA)
    check_choice("barriers", barriers, _COARSEN_BARRIERS)
    check_choice("boundary", boundary, _BOUNDARY)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Integral) or factor < 2:
        raise ValueError(
            f"factor must be an integer of at least 2 (coarse cell = factor x factor fine "
            f"cells). Got factor={describe(factor)}."
        )
    factor = int(factor)
    grid = unwrap("resistance", resistance, keep_inf=True)
    check_resistance_values("resistance", grid.values)
    nr, nc = grid.values.shape
    if boundary == "trim":
        rows, cols = nr // factor, nc // factor
    else:
        rows, cols = -(-nr // factor), -(-nc // factor)
    if rows == 0 or cols == 0:
        raise ValueError(
            f"factor={factor} is larger than the grid ({nr} rows x {nc} columns) with "
            "boundary='trim'. Use a smaller factor or boundary='expand'."
        )
    values = np.full((rows * factor, cols * factor), np.nan)
    inside = np.zeros(values.shape, dtype=bool)
    keep_r, keep_c = min(nr, rows * factor), min(nc, cols * factor)
    values[:keep_r, :keep_c] = grid.values[:keep_r, :keep_c]
    inside[:keep_r, :keep_c] = True

    def blocks(a):
        return a.reshape(rows, factor, cols, factor).swapaxes(1, 2).reshape(rows, cols, -1)

    v = blocks(values)
    n_nan = (blocks(inside) & np.isnan(v)).sum(axis=2)
    n_valid = (~np.isnan(v)).sum(axis=2)
    n_inf = np.isinf(v).sum(axis=2)
    finite = np.where(np.isfinite(v), v, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks handled below
        stat = np.nanmean(finite, axis=2) if method == "mean" else np.nanmax(finite, axis=2)
    if barriers == "any":
        is_barrier = n_inf > 0
    else:
        is_barrier = n_inf * 2 > n_valid
    out = np.where(is_barrier, np.inf, stat)
    out[n_valid == 0] = np.nan
    if nodata == "propagate":
        out[n_nan > 0] = np.nan
    template = _coarse_template(grid, factor, out.shape)
    if template is None:
        return out
    coarse_grid = Grid(out, grid.cellsize * factor, template, grid.crs)
    return wrap_like(out, coarse_grid, name="resistance")


# ======================================================================== conductance
def resistance_to_conductance(resistance):
    r"""Conductance of every cell: :math:`C = 1 / R`.

    Circuitscape and Omniscape accept either; conductance is the "ease of
    movement". Barriers (``R = inf``) get conductance 0 (no flow); nodata stays
    NaN.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance (``inf`` allowed).

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Conductance in ``[0, inf)``; 0 at barriers, NaN at nodata.

    Raises
    ------
    ValueError
        Zero or negative resistance.

    References
    ----------
    McRae, B. H., Dickson, B. G., Keitt, T. H. & Shah, V. B. (2008). Ecology 89:
    2712-2724, https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    >>> resistance_to_conductance([[1.0, 4.0, float("inf")]])
    array([[1.  , 0.25, 0.  ]])
    """
    grid = unwrap("resistance", resistance, keep_inf=True)
    check_resistance_values("resistance", grid.values)
    return wrap_like(1.0 / grid.values, grid, name="conductance")


def conductance_to_resistance(conductance):
    r"""Resistance of every cell: :math:`R = 1 / C`.

    Conductance 0 (no movement possible) becomes an absolute barrier
    (``R = inf``); nodata stays NaN.

    Parameters
    ----------
    conductance : array_like or xarray.DataArray
        Non-negative, finite conductance.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Resistance in ``(0, inf]``; ``inf`` where conductance is 0.

    Raises
    ------
    ValueError
        Negative or infinite conductance.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    >>> conductance_to_resistance([[1.0, 0.25, 0.0]])
    array([[ 1.,  4., inf]])
    """
    grid = unwrap("conductance", conductance, keep_inf=True)
    vals = grid.values
    valid = ~np.isnan(vals)
    bad = valid & ((vals < 0) | np.isinf(vals))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValueError(
            f"conductance must be a non-negative finite number. Got {float(vals[r, c])!r} at "
            f"(row, col)=({r}, {c}). Use 0 for barriers and NaN for missing cells."
        )
    with np.errstate(divide="ignore"):
        out = 1.0 / vals
    return wrap_like(out, grid, name="resistance")
