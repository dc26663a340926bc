r"""Moving-window fragmentation: effective mesh size and habitat share around every cell.

FRAGSTATS' moving-window analysis (McGarigal & Marks 1995; FRAGSTATS 4 "moving
window" option): a circular window of radius :math:`r` is centred on each cell, the
window is analysed as a small landscape of its own, and the metric is written to
the centre cell. In the window :math:`W(x)` of cell :math:`x`,

.. math::

    \mathrm{PLAND}(x) = 100\,\frac{|H \cap W(x)|}{|V \cap W(x)|}, \qquad
    \mathrm{MESH}(x) = \frac{1}{A_W(x)} \sum_j a_j(x)^2,

with :math:`H` the habitat cells, :math:`V` the valid (non-nodata) cells,
:math:`A_W(x)` the valid area of the window and :math:`a_j(x)` the areas of the
habitat patches *delineated inside the window* (a patch cut by the window's edge
counts only its part inside; two parts joined outside the window are two
patches), in ha. Cells are in the window when their centre is within :math:`r`
cells of the centre cell.

Conventions: a nodata centre cell gets NaN; nodata cells in a window are left out
of :math:`A_W` (as FRAGSTATS excludes background). ``edge="nodata"`` (default)
gives NaN to cells whose window reaches beyond the raster, since their window is
incomplete; ``edge="truncate"`` analyses the part of the window inside it.

The kernel works on a block with a halo of :math:`r` cells, so the same code runs
on the whole grid here and on tiles in :func:`gpec_teach.scale.moving_window`.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import ndimage

from .._validation import check_choice, describe
from ._landscape import _STRUCTURE, NEIGHBORS, read_classes, select

__all__ = ["moving_window"]

#: Value of the cells beyond the raster in a padded block (habitat 1, other 0, nodata NaN).
OUTSIDE = -1.0


def check_window(radius, edge, neighbors) -> int:
    """Validate the window options; return the radius as an int."""
    if isinstance(radius, bool) or not isinstance(radius, numbers.Integral) or radius < 1:
        raise ValueError(
            f"radius must be a positive integer (cells). Got radius={describe(radius)}; convert "
            "a distance with radius = round(metres / cellsize)."
        )
    check_choice("edge", edge, ("nodata", "truncate"))
    check_choice("neighbors", neighbors, NEIGHBORS)
    return int(radius)


def window_block(block: np.ndarray, radius: int, cell_ha: float, neighbors: int, edge: str):
    """PLAND (%) and MESH (ha) of the interior of *block* (its halo of *radius* cells dropped).

    *block* holds 1 (habitat), 0 (other valid cell), NaN (nodata) and
    :data:`OUTSIDE` (beyond the raster). Returns two arrays of the interior's shape.
    """
    h, w = block.shape[0] - 2 * radius, block.shape[1] - 2 * radius
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    disk = np.hypot(yy, xx) <= radius
    structure = _STRUCTURE[neighbors]
    pland = np.full((h, w), np.nan)
    mesh = np.full((h, w), np.nan)
    valid_all = (block == 0) | (block == 1)
    for r in range(h):
        for c in range(w):
            if not valid_all[r + radius, c + radius]:
                continue
            win = block[r : r + 2 * radius + 1, c : c + 2 * radius + 1]
            if edge == "nodata" and np.any(disk & (win == OUTSIDE)):
                continue
            valid = disk & valid_all[r : r + 2 * radius + 1, c : c + 2 * radius + 1]
            hab = disk & (win == 1)
            n_valid = int(valid.sum())
            pland[r, c] = 100.0 * hab.sum() / n_valid
            labels, n = ndimage.label(hab, structure=structure)
            sizes = np.bincount(labels.ravel(), minlength=n + 1)[1:].astype(np.float64)
            mesh[r, c] = float(np.sum((sizes * cell_ha) ** 2) / (n_valid * cell_ha))
    return pland, mesh


def habitat_codes(values: np.ndarray, valid, selected_codes) -> np.ndarray:
    """1 (habitat), 0 (other valid) or NaN (nodata) per cell."""
    out = np.where(np.isin(values, selected_codes), 1.0, 0.0)
    out[~valid] = np.nan
    return out


def moving_window(
    classes,
    *,
    radius: int,
    cls=None,
    cellsize: float | None = None,
    nodata=None,
    neighbors: int = 8,
    edge: str = "nodata",
) -> dict:
    r"""Habitat share (PLAND, %) and effective mesh size (MESH, ha) in a circular window.

    For every cell :math:`x`, the cells within *radius* cells of it form a small
    landscape :math:`W(x)`; its habitat patches are delineated inside it, and

    .. math::

        \mathrm{PLAND}(x) = 100\,\frac{|H \cap W(x)|}{|V \cap W(x)|}, \qquad
        \mathrm{MESH}(x) = \frac{1}{A_W(x)} \sum_j a_j(x)^2

    (FRAGSTATS' moving window, McGarigal & Marks 1995; MESH, Jaeger 2000). See
    :mod:`gpec_teach.fragmentation.window` for the conventions.

    Parameters
    ----------
    classes : array_like or xarray.DataArray
        Integer class codes, or a boolean habitat mask.
    radius : int
        Window radius in cells.
    cls : int or list of int, optional
        Habitat class code(s); None for a boolean mask (True = habitat).
    cellsize : float, optional
        Cell side in metres (read from a DataArray; required for arrays).
    nodata : number, optional
        Code of nodata cells (default: the raster's own).
    neighbors : {8, 4}, default 8
        Patch rule inside the window.
    edge : {"nodata", "truncate"}, default "nodata"
        NaN for cells whose window reaches beyond the raster, or analyse the part
        inside.

    Returns
    -------
    dict
        ``{"pland": array, "mesh": array}`` (NaN where undefined).

    Raises
    ------
    ValueError
        Bad radius, edge, neighbors or class code; no valid cell.

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). FRAGSTATS. https://doi.org/10.2737/PNW-GTR-351
    Jaeger, J. A. G. (2000). Landscape Ecology 15, 115-130.
    https://doi.org/10.1023/A:1008129329289

    Examples
    --------
    A 3 x 3 habitat block in a 5 x 5 grid of 100 m cells (1 ha each), radius 1
    (the centre and its 4 side neighbours): the centre's window is all habitat,
    5 ha in one patch, MESH = 25 / 5 = 5 ha.

    >>> m = np.zeros((5, 5), bool); m[1:4, 1:4] = True
    >>> out = moving_window(m, radius=1, cellsize=100)
    >>> float(out["pland"][2, 2]), float(out["mesh"][2, 2])
    (100.0, 5.0)
    >>> float(out["pland"][1, 2])  # top middle: 4 of its 5 window cells are habitat
    80.0
    >>> bool(np.isnan(out["mesh"][0, 0]))  # window beyond the raster
    True
    """
    radius = check_window(radius, edge, neighbors)
    land = read_classes(classes, cellsize=cellsize, nodata=nodata)
    picked = land.codes[select(land, cls) - 1]
    values = np.zeros(land.index.shape)
    valid = land.index > 0
    values[valid] = land.codes[land.index[valid] - 1]
    grid = habitat_codes(values, valid, picked)
    padded = np.pad(grid, radius, constant_values=OUTSIDE)
    pland, mesh = window_block(padded, radius, land.cell_ha, neighbors, edge)
    return {"pland": pland, "mesh": mesh}
