"""Pinch points of :mod:`gpec_teach.circuit`: circuit current inside a least-cost corridor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._raster import read_raster, unwrap, wrap_like
from .._validation import check_positive
from ._focal import FocalCells, parse_focal
from ._graph import DEFAULT_CONNECTION, check_graph_options
from ._pairwise import pairwise_resistance

__all__ = ["PinchPointResult", "pinch_points"]


@dataclass(frozen=True)
class PinchPointResult:
    """Results of :func:`pinch_points`.

    Attributes
    ----------
    current : array or DataArray
        Current map inside the corridor (A; 1 A between each pair of cores,
        summed over pairs); NaN outside the corridor and on absent cells. High
        values inside a corridor are its pinch points.
    resistances : pandas.DataFrame
        Effective resistance between cores through the corridor (ohm; ``inf`` =
        the corridor does not join them).
    corridor : array or DataArray
        The boolean corridor mask used (cores included); a DataArray on the
        resistance grid (coordinates, CRS, transform) when the resistance is one.
    """

    current: object
    resistances: pd.DataFrame
    corridor: object
    solver: str = ""


def pinch_points(
    resistance,
    cores,
    corridor,
    *,
    cutoff: float | None = None,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    id_column: str | None = "id",
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
) -> PinchPointResult:
    r"""Pinch points: circuit current between cores, restricted to a corridor.

    Pinchpoint Mapper (McRae 2012, part of Linkage Mapper, McRae & Kavanagh
    2011) clips the resistance surface to a least-cost corridor and runs
    Circuitscape between the two core areas it joins; the cores are focal
    regions (each short-circuited into one node). Where the corridor narrows or
    has no alternative route, current concentrates: a pinch point. The corridor
    is usually the normalised least-cost corridor

    .. math:: NLCC = CWD_A + CWD_B - LCD_{AB} \le \text{cutoff},

    with :math:`CWD` the cost-weighted distance from each core and
    :math:`LCD_{AB}` the least-cost distance between them.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Resistance grid (NaN/inf = absent).
    cores : array_like, dict, or geopandas.GeoDataFrame
        The core areas, read like the focal regions of :func:`pairwise_resistance`:
        a grid of integer core ids per cell (0/NaN = not a core, same shape), a
        dict ``{id: [(row, col), ...]}``, or (georeferenced resistance) a
        GeoDataFrame of polygons in the same CRS, each polygon's cells (by cell
        centre) one core. At least two ids. With more than two, every pair is
        solved inside the corridor and the currents summed (Pinchpoint Mapper's
        all-pairs option).
    corridor : array_like of bool, or of float with *cutoff*
        Boolean mask of the corridor, or a normalised least-cost corridor raster
        (cost units above the least-cost path; for example from
        :mod:`gpec_teach.least_cost`) cut at ``<= cutoff``. Core cells are always
        kept.
    cutoff : float, optional
        Corridor width (cost units) when *corridor* holds normalised values.
    values, neighbors, connection
        Graph options, see :func:`raster_graph`.
    id_column : str or None, default "id"
        Column of a GeoDataFrame *cores* holding the core ids (positive
        integers); None uses its index.
    solver, rtol, maxiter
        See :class:`LaplacianSolver`.

    Returns
    -------
    PinchPointResult
        Current map (A, NaN outside the corridor), resistances, mask.

    Raises
    ------
    ValueError
        Fewer than two cores, shapes differ, non-boolean corridor without a cutoff.

    References
    ----------
    McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
    Software. The Nature Conservancy; Pinchpoint Mapper: McRae, B. H. (2012),
    https://circuitscape.org/linkagemapper/.
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1.

    Examples
    --------
    Two cores (left and right columns) joined by a 1-cell-wide corridor: the
    whole 1 A passes through every corridor cell, and the resistance is that of
    four 1-ohm links in series (core 1 - three corridor cells - core 2).

    >>> import numpy as np
    >>> r = np.ones((3, 5))
    >>> cores = np.zeros((3, 5)); cores[:, 0] = 1; cores[:, 4] = 2
    >>> corridor = np.zeros((3, 5), bool); corridor[1, :] = True
    >>> out = pinch_points(r, cores, corridor, neighbors=4)
    >>> out.current[1].tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    >>> float(out.resistances.loc[1, 2])
    4.0
    """
    check_graph_options(values, neighbors, connection)
    grid = unwrap("resistance", resistance)
    cells = parse_focal(cores, grid, name="cores", id_column=id_column)
    if len(cells) < 2:
        raise ValueError(
            f"cores must hold at least two core ids (integer labels > 0). Got {len(cells)} "
            f"(ids {list(cells)})."
        )
    mask = _corridor_mask(corridor, cutoff, grid.values.shape)
    mask.ravel()[np.concatenate(list(cells.values()))] = True
    clipped = np.where(mask, grid.values, np.nan)
    out = pairwise_resistance(
        wrap_like(clipped, grid),
        FocalCells(cells, grid.values.shape),
        values=values,
        neighbors=neighbors,
        connection=connection,
        solver=solver,
        rtol=rtol,
        maxiter=maxiter,
    )
    current = np.where(mask, np.asarray(out.cumulative_current), np.nan)
    return PinchPointResult(
        current=wrap_like(current, grid, name="current"),
        resistances=out.resistances,
        corridor=wrap_like(mask, grid, name="corridor"),
        solver=out.solver,
    )


def _corridor_mask(corridor, cutoff, shape) -> np.ndarray:
    """Return the corridor as a boolean mask: given as one, or a normalised corridor cut at *cutoff*."""
    mask_in = np.asarray(read_raster("corridor", corridor)[0])
    if mask_in.shape != shape:
        raise ValueError(
            f"corridor must have the shape of the resistance grid {shape}. "
            f"Got shape {mask_in.shape}."
        )
    if mask_in.dtype == bool:
        if cutoff is not None:
            raise ValueError(
                "cutoff applies to a normalised corridor raster, not to a boolean mask."
            )
        return mask_in.copy()
    if cutoff is None:
        raise ValueError(
            "corridor holds numbers: give cutoff= (corridor width in cost units) to "
            "turn the normalised least-cost corridor into a mask, or pass a boolean mask."
        )
    cutoff = check_positive("cutoff", cutoff, allow_zero=True)
    vals = np.asarray(mask_in, dtype=float)
    return np.isfinite(vals) & (vals <= cutoff)
