r"""FRAGSTATS class- and landscape-level metrics and the effective mesh size."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._validation import check_choice, check_positive, describe
from ._landscape import (
    MESH_DENOMINATORS,
    NEIGHBORS,
    Landscape,
    check_bool,
    class_edges,
    fragmentation_indices,
    label,
    landscape_edges,
    read_classes,
    select,
)

__all__ = [
    "CLASS_METRICS",
    "LANDSCAPE_METRICS",
    "class_metrics",
    "class_metrics_of",
    "landscape_metrics",
    "landscape_metrics_of",
    "mesh_from_areas",
]

#: Class-level metrics, in FRAGSTATS' names and order.
CLASS_METRICS = (
    "CA",
    "PLAND",
    "NP",
    "PD",
    "LPI",
    "TE",
    "ED",
    "AREA_MN",
    "MESH",
    "DIVISION",
    "SPLIT",
)
#: Landscape-level metrics, in FRAGSTATS' names and order.
LANDSCAPE_METRICS = ("TA", "NP", "PD", "LPI", "TE", "ED", "AREA_MN", "MESH", "DIVISION", "SPLIT")
_CLASS_COLUMNS = ["class", *CLASS_METRICS]


def class_metrics_of(
    land: Landscape,
    selected: np.ndarray,
    *,
    neighbors: int,
    mesh_denominator: str,
    count_boundary: bool,
) -> pd.DataFrame:
    """Class-level metrics of the *selected* class indices (classes may have no cell)."""
    total_ha = land.area_ha
    _, klass, n_cells = label(land, selected, neighbors)
    edges = class_edges(land, count_boundary) * land.cellsize
    rows = []
    for k in selected:
        areas = n_cells[klass == k] * land.cell_ha
        ca = float(areas.sum())
        n_patches = int(areas.size)
        reference = total_ha if mesh_denominator == "landscape" else ca
        if n_patches:
            mesh, division, split = fragmentation_indices(areas, reference)
            lpi = float(areas.max()) / total_ha * 100.0
            area_mn = ca / n_patches
            te = float(edges[k - 1])
        else:  # a class absent from this epoch (compare_epochs)
            mesh, division, split = 0.0, 1.0, float("inf")
            lpi, area_mn, te = 0.0, float("nan"), 0.0
        rows.append(
            (
                int(land.codes[k - 1]) if k - 1 < land.codes.size else None,
                ca,
                ca / total_ha * 100.0,
                n_patches,
                n_patches / total_ha * 100.0,
                lpi,
                te,
                te / total_ha,
                area_mn,
                mesh,
                division,
                split,
            )
        )
    return pd.DataFrame(rows, columns=_CLASS_COLUMNS)


def class_metrics(
    classes,
    *,
    cellsize: float | None = None,
    cls: int | Iterable[int] | None = None,
    neighbors: int = 8,
    nodata: float | None = None,
    mesh_denominator: str = "landscape",
    count_boundary: bool = False,
) -> pd.DataFrame:
    r"""FRAGSTATS class-level metrics: area, patches, edge and fragmentation per class.

    For class :math:`i` with patches of area :math:`a_{ij}` (ha), :math:`n_i` patches,
    total edge :math:`e_i` (m) and landscape area :math:`A` (ha, all non-nodata cells):

    .. math::

        CA = \sum_j a_{ij}, \quad PLAND = 100\,CA / A, \quad NP = n_i, \quad
        PD = 100\,n_i / A, \quad LPI = 100 \max_j a_{ij} / A,

        TE = e_i, \quad ED = e_i / A, \quad AREA\_MN = CA / n_i,

        MESH = \frac{\sum_j a_{ij}^2}{A_r}, \quad
        DIVISION = 1 - \sum_j \left(\frac{a_{ij}}{A_r}\right)^2, \quad
        SPLIT = \frac{A_r^2}{\sum_j a_{ij}^2},

    with reference area :math:`A_r = A` (``mesh_denominator="landscape"``, FRAGSTATS and
    Jaeger 2000) or :math:`A_r = CA` (``mesh_denominator="habitat"``, as Makurhini's
    MESH over the habitat). So :math:`DIVISION = 1 - MESH / A_r` and
    :math:`SPLIT = A_r / MESH` under both options.

    Parameters
    ----------
    classes : array_like or xarray.DataArray
        2-D grid of integer class codes or a boolean habitat mask; see
        :func:`label_patches`. Every valid cell belongs to the landscape area :math:`A`,
        whatever its class; nodata cells do not.
    cellsize : float
        Cell side in metres. Required for arrays; read from a georeferenced DataArray.
    cls : int or iterable of int, optional
        Classes to report (all by default; the True cells, reported as class 1, for a
        mask). Other classes still count in :math:`A` and as edge neighbors.
    neighbors : {8, 4}, default 8
        Patch rule, see :func:`label_patches`.
    nodata : float, optional
        Value marking nodata cells.
    mesh_denominator : {"landscape", "habitat"}, default "landscape"
        Reference area :math:`A_r` of MESH, DIVISION and SPLIT (see above).
    count_boundary : bool, default False
        False (FRAGSTATS without a landscape border): cell sides on the landscape
        boundary or next to nodata are not edge. True: they are edge too.

    Returns
    -------
    pandas.DataFrame
        One row per class: ``class``, ``CA`` (ha), ``PLAND`` (%, 0-100), ``NP``, ``PD``
        (patches per 100 ha), ``LPI`` (%, 0-100), ``TE`` (m), ``ED`` (m/ha), ``AREA_MN``
        (ha), ``MESH`` (ha, 0 to :math:`A_r`), ``DIVISION`` (0-1, 0 = one patch covering
        :math:`A_r`), ``SPLIT`` (>= 1 patches of equal size).

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). USDA Forest Service PNW-GTR-351.
    https://doi.org/10.2737/PNW-GTR-351

    Jaeger, J. A. G. (2000). Landscape Ecology 15, 115-130.
    https://doi.org/10.1023/A:1008129329289

    Examples
    --------
    A 3 x 4 grid of 1 ha cells (cellsize 100 m): class 1 forms two patches of 3 and 1 ha.

    >>> grid = np.array([[1, 1, 2, 2],
    ...                  [1, 2, 2, 2],
    ...                  [2, 2, 2, 1]])
    >>> m = class_metrics(grid, cellsize=100)
    >>> m[["class", "CA", "NP", "LPI", "TE", "MESH", "SPLIT"]].round(3)
       class   CA  NP     LPI     TE   MESH  SPLIT
    0      1  4.0   2  25.000  600.0  0.833  14.40
    1      2  8.0   1  66.667  600.0  5.333   2.25
    """
    check_choice("neighbors", neighbors, NEIGHBORS)
    check_choice("mesh_denominator", mesh_denominator, MESH_DENOMINATORS)
    check_bool("count_boundary", count_boundary)
    land = read_classes(classes, cellsize=cellsize, nodata=nodata)
    return class_metrics_of(
        land,
        select(land, cls),
        neighbors=neighbors,
        mesh_denominator=mesh_denominator,
        count_boundary=count_boundary,
    )


def landscape_metrics_of(land: Landscape, *, neighbors: int, count_boundary: bool) -> pd.Series:
    """Landscape-level metrics of a read Landscape (see :func:`landscape_metrics`)."""
    total_ha = land.area_ha
    _, _, n_cells = label(land, np.arange(1, land.codes.size + 1), neighbors)
    areas = n_cells * land.cell_ha
    mesh, division, split = fragmentation_indices(areas, total_ha)
    te = landscape_edges(land, count_boundary) * land.cellsize
    return pd.Series(
        {
            "TA": total_ha,
            "NP": float(areas.size),
            "PD": areas.size / total_ha * 100.0,
            "LPI": float(areas.max()) / total_ha * 100.0,
            "TE": float(te),
            "ED": te / total_ha,
            "AREA_MN": total_ha / areas.size,
            "MESH": mesh,
            "DIVISION": division,
            "SPLIT": split,
        },
        name="landscape",
    )


def landscape_metrics(
    classes,
    *,
    cellsize: float | None = None,
    neighbors: int = 8,
    nodata: float | None = None,
    count_boundary: bool = False,
) -> pd.Series:
    r"""FRAGSTATS landscape-level metrics over all patches of all classes.

    Every valid cell belongs to exactly one patch, so with :math:`N` patches of area
    :math:`a_j` (ha) and total area :math:`TA = A = \sum_j a_j`:

    .. math::

        PD = 100\,N / A, \quad LPI = 100 \max_j a_j / A, \quad ED = TE / A, \quad
        AREA\_MN = A / N,

        MESH = \frac{\sum_j a_j^2}{A}, \quad DIVISION = 1 - \frac{MESH}{A}, \quad
        SPLIT = \frac{A}{MESH}.

    TE counts each cell side between two different classes once (see ``count_boundary``).

    Parameters
    ----------
    classes : array_like or xarray.DataArray
        2-D grid of integer class codes (a boolean mask counts as classes 0 and 1).
    cellsize : float
        Cell side in metres. Required for arrays; read from a georeferenced DataArray.
    neighbors : {8, 4}, default 8
        Patch rule, see :func:`label_patches`.
    nodata : float, optional
        Value marking nodata cells (outside the landscape).
    count_boundary : bool, default False
        Whether cell sides on the landscape boundary or next to nodata count as edge
        (False in FRAGSTATS without a landscape border).

    Returns
    -------
    pandas.Series
        Floats indexed by ``TA`` (ha), ``NP``, ``PD`` (per 100 ha), ``LPI`` (%),
        ``TE`` (m), ``ED`` (m/ha), ``AREA_MN`` (ha), ``MESH`` (ha), ``DIVISION`` (0-1),
        ``SPLIT`` (>= 1).

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). USDA Forest Service PNW-GTR-351.
    https://doi.org/10.2737/PNW-GTR-351

    Jaeger, J. A. G. (2000). Landscape Ecology 15, 115-130.
    https://doi.org/10.1023/A:1008129329289

    Examples
    --------
    >>> grid = np.array([[1, 1, 2, 2],
    ...                  [1, 2, 2, 2],
    ...                  [2, 2, 2, 1]])
    >>> landscape_metrics(grid, cellsize=100)[["TA", "NP", "TE", "MESH", "DIVISION"]].round(4)
    TA          12.0000
    NP           3.0000
    TE         600.0000
    MESH         6.1667
    DIVISION     0.4861
    Name: landscape, dtype: float64
    """
    check_choice("neighbors", neighbors, NEIGHBORS)
    check_bool("count_boundary", count_boundary)
    land = read_classes(classes, cellsize=cellsize, nodata=nodata)
    return landscape_metrics_of(land, neighbors=neighbors, count_boundary=count_boundary)


def mesh_from_areas(areas, total_area: float) -> float:
    r"""Effective mesh size from patch areas (Jaeger 2000).

    .. math::

        MESH = \frac{1}{A} \sum_j a_j^2

    the expected area reachable from a random point of the reference area :math:`A`
    without crossing a barrier. Same units as the areas (ha in, ha out).

    Parameters
    ----------
    areas : array_like
        Patch areas :math:`a_j` (>= 0), one per patch.
    total_area : float
        Reference area :math:`A` (> 0): the landscape area (FRAGSTATS) or the total
        habitat area (Makurhini). Must not be smaller than the sum of the areas.

    Returns
    -------
    float
        MESH, between 0 and ``total_area``.

    References
    ----------
    Jaeger, J. A. G. (2000). Landscape Ecology 15, 115-130.
    https://doi.org/10.1023/A:1008129329289

    Examples
    --------
    Two patches of 30 and 10 ha in a 100 ha landscape: (900 + 100) / 100 = 10 ha.

    >>> mesh_from_areas([30, 10], 100)
    10.0
    """
    total = check_positive("total_area", total_area)
    arr = np.asarray(areas, dtype=object if isinstance(areas, str) else None)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.ndim > 1:
        raise TypeError(f"areas must be a 1-D list of numbers. Got areas={describe(areas)}.")
    arr = arr.astype(np.float64).ravel()
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"areas must be finite and non-negative. Got areas={describe(areas)}.")
    if arr.sum() > total * (1 + 1e-9):
        raise ValueError(
            f"the patch areas sum to {arr.sum():g}, more than total_area={total:g}: "
            "total_area must be the reference area that holds all patches (same units)."
        )
    return float(np.sum(arr**2) / total)
