r"""Normalised least-cost corridors between two cores, and corridor masks (Linkage Mapper).

Thin public functions over :mod:`gpec_teach._cost`; see
:mod:`gpec_teach.least_cost` for the method and its references.
"""

from __future__ import annotations

import numpy as np

from .. import _cost
from .._raster import Grid, read_raster, wrap_like
from .._validation import check_positive, describe

__all__ = ["corridor_mask", "least_cost_corridor"]


def least_cost_corridor(
    resistance,
    core_a,
    core_b,
    *,
    cutoff: float | None = None,
    neighbors: int = 8,
    cellsize: float | None = None,
):
    r"""Normalised least-cost corridor between two cores (Linkage Mapper).

    .. math::

        \mathrm{NLCC}(x) = \mathrm{CWD}_A(x) + \mathrm{CWD}_B(x) - \mathrm{LCD}_{AB}

    the extra cost (cost units) of the cheapest route from A to B that passes
    through cell :math:`x`, compared with the least-cost path (where it is 0).
    Cells with :math:`\mathrm{NLCC} \le` *cutoff* form the corridor; Linkage
    Mapper calls the cut-off the corridor width (McRae & Kavanagh 2011).

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    core_a, core_b
        The two cores: boolean grids, cells or points, geometries or
        GeoDataFrames (see :func:`cost_distance`). They must not overlap.
    cutoff : float, optional
        Corridor width in cost units; cells above it become NaN (Linkage
        Mapper's truncation). None keeps every value.
    neighbors : {8, 4}, default 8
    cellsize : float, optional
        Cell side in map units; read from a georeferenced raster, **required**
        for a plain array (NLCC is in resistance x map units).

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        NLCC in cost units, ``>= 0`` (0 on the least-cost path); NaN on nodata
        and, with *cutoff*, outside the corridor; ``inf`` on barriers and cells
        that cannot be reached. :func:`corridor_mask` turns it into the boolean
        corridor that :func:`gpec_teach.circuit.pinch_points` takes.

    Raises
    ------
    ValueError
        The cores cannot reach each other; they overlap; bad input.

    References
    ----------
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org;
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    Two cores at the ends of a uniform 3 x 5 grid (4 neighbours): the middle
    row is the path (NLCC 0); the rows beside it cost one extra step out and one
    back (``2 x 1 = 2``).

    >>> r = np.ones((3, 5))
    >>> a = np.zeros((3, 5), bool); a[1, 0] = True
    >>> b = np.zeros((3, 5), bool); b[1, 4] = True
    >>> least_cost_corridor(r, a, b, neighbors=4, cellsize=1)
    array([[2., 2., 2., 2., 2.],
           [0., 0., 0., 0., 0.],
           [2., 2., 2., 2., 2.]])
    """
    _cost.check_neighbors(neighbors)
    if cutoff is not None:
        cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    grid = _cost.resistance_grid(resistance, cellsize)
    pair = _cost.core_pair(grid, core_a, core_b, edge_seeds=False)
    mcp, nodata = _cost.engine(grid, neighbors)
    lcd, nl = _cost.pair_corridor(mcp, pair, grid.values.shape[1])
    if nl is None:
        raise _cost.unreachable("core_a", "core_b")
    out = _cost.finish_cwd(nl, nodata)
    if cutoff is not None:
        out[out > cutoff] = np.nan
    return wrap_like(out, grid, name="corridor")


def corridor_mask(corridor, *, cutoff: float | None = None):
    r"""Boolean corridor from a normalised least-cost corridor raster.

    .. math:: M(x) = \big[\,\mathrm{NLCC}(x) \le \text{cutoff}\,\big]

    The mask has the raster's shape and is what
    :func:`gpec_teach.circuit.pinch_points` takes as ``corridor`` (Linkage
    Mapper's Pinchpoint Mapper runs Circuitscape inside such a corridor).

    Parameters
    ----------
    corridor : array_like or xarray.DataArray
        NLCC values (cost units, >= 0), for example from
        :func:`least_cost_corridor` or :attr:`CorridorNetwork.corridors`; NaN =
        outside.
    cutoff : float, optional
        Width in cost units. None: every finite cell is in the corridor (use it
        on a raster already truncated).

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Boolean grid, same shape; False on NaN and ``inf`` cells. A georeferenced
        *corridor* gives a DataArray with its coordinates, CRS and transform (a
        plain array gives a plain array).

    Raises
    ------
    ValueError
        Negative values (not a normalised corridor), negative cutoff.

    References
    ----------
    McRae & Kavanagh (2011), Linkage Mapper, https://linkagemapper.org.

    Examples
    --------
    >>> corridor_mask([[0.0, 3.0, np.nan], [1.5, np.inf, 8.0]], cutoff=2)
    array([[ True, False, False],
           [ True, False, False]])
    """
    if cutoff is not None:
        cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    arr, nodata, cellsize, template, crs = read_raster("corridor", corridor)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.ndim != 2:
        raise TypeError(
            f"corridor must be a numeric 2-D raster of NLCC values. Got {describe(corridor)}."
        )
    arr = arr.astype(float)
    if nodata is not None:
        arr[arr == nodata] = np.nan  # a corridor read from a file with nodata -9999
    if (arr[~np.isnan(arr)] < 0).any():
        raise ValueError(
            "corridor has negative values, so it is not a normalised least-cost corridor "
            "(NLCC >= 0). Build it with least_cost_corridor()."
        )
    mask = np.isfinite(arr)
    if cutoff is not None:
        mask &= np.where(mask, arr, np.inf) <= cutoff
    return wrap_like(mask, Grid(mask, cellsize, template, crs), name="corridor_mask")
