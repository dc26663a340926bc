r"""Fragmentation: habitat patches and FRAGSTATS-style patch, class and landscape metrics.

A class raster (land cover codes, or a boolean habitat mask) is cut into *patches*:
groups of cells of one class that touch. From the patches we compute the classic
landscape metrics of FRAGSTATS (McGarigal & Marks 1995) at three levels:

- **patch**: area, perimeter, number of cells, centroid (:func:`patch_table`);
- **class**: total area (CA), share of the landscape (PLAND), number of patches (NP),
  patch density (PD), largest patch index (LPI), total edge (TE), edge density (ED),
  mean patch area (AREA_MN), effective mesh size (MESH), landscape division (DIVISION)
  and splitting index (SPLIT) (:func:`class_metrics`);
- **landscape**: the same over all patches of all classes (:func:`landscape_metrics`).

:func:`compare_epochs` puts several dates side by side as a tidy table of changes.

Conventions (defaults reproduce FRAGSTATS 2.0, checked against its output for the
``landscape`` raster of landscapemetrics, see ``tests/test_reference_fragstats.py``):

- Patches use the **8-neighbour** rule by default (``neighbours=4`` for the 4-neighbour
  rule). Patch ids are numbered in scan order (row by row, from the top-left cell) of the
  first cell of each patch, over all classes, as FRAGSTATS numbers them.
- The **landscape area** :math:`A` is the area of all valid (non-nodata) cells, whatever
  their class. Nodata cells never belong to a patch.
- The **patch perimeter** counts every cell side of the patch that faces a cell with
  another value, including the landscape boundary and nodata cells.
- **Total edge** (TE, ED) counts only cell sides between two valid cells of different
  classes by default (``count_boundary=False``): sides on the landscape boundary or next
  to nodata are not edge, as in FRAGSTATS without a landscape border (and
  landscapemetrics' default). ``count_boundary=True`` counts them as edge too.
- **MESH** divides by the landscape area :math:`A` (FRAGSTATS, Jaeger 2000).
  ``mesh_denominator="habitat"`` divides by the total area of the class instead (the
  variant of Makurhini); DIVISION and SPLIT then use the same reference area.

Units: areas in ha, lengths in m (with ``cellsize`` in metres), densities per 100 ha,
edge density in m/ha, PLAND and LPI in %.

References
----------
McGarigal, K. & Marks, B. J. (1995). FRAGSTATS: spatial pattern analysis program for
quantifying landscape structure. Gen. Tech. Rep. PNW-GTR-351, USDA Forest Service.
https://doi.org/10.2737/PNW-GTR-351

Jaeger, J. A. G. (2000). Landscape division, splitting index, and effective mesh size:
new measures of landscape fragmentation. Landscape Ecology 15, 115-130.
https://doi.org/10.1023/A:1008129329289

Hesselbarth, M. H. K., Sciaini, M., With, K. A., Wiegand, K. & Nowosad, J. (2019).
landscapemetrics: an open-source R tool to calculate landscape metrics. Ecography 42,
1648-1657. https://doi.org/10.1111/ecog.04617
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import ndimage

from ._validation import (
    check_choice,
    check_grid_array,
    check_positive,
    check_projected_crs,
    describe,
)

__all__ = [
    "CLASS_METRICS",
    "LANDSCAPE_METRICS",
    "label_patches",
    "patch_table",
    "class_metrics",
    "landscape_metrics",
    "compare_epochs",
    "mesh_from_areas",
]

_NEIGHBOURS = (4, 8)
_MESH_DENOMINATORS = ("landscape", "habitat")
_LEVELS = ("class", "landscape")
_STRUCTURE = {
    4: ndimage.generate_binary_structure(2, 1),
    8: ndimage.generate_binary_structure(2, 2),
}
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
_LANDSCAPE_METRICS = list(LANDSCAPE_METRICS)


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class _Landscape:
    """A class raster as the kernels see it.

    ``index`` holds 1 + the position of each cell's class in ``codes`` (0 = nodata), so
    ``np.bincount`` works on it directly.
    """

    index: np.ndarray  # int32, 0 = nodata, k = class codes[k - 1]
    codes: np.ndarray  # class codes present, ascending
    counts: np.ndarray  # cells of each class
    cellsize: float
    is_mask: bool
    template: object = None

    @property
    def n_valid(self) -> int:
        return int(self.counts.sum())

    @property
    def cell_ha(self) -> float:
        return self.cellsize**2 / 1e4

    @property
    def area_ha(self) -> float:
        return self.n_valid * self.cell_ha


def _is_dataarray(obj) -> bool:
    return type(obj).__name__ == "DataArray" and hasattr(obj, "dims")


def _read_classes(classes, *, cellsize, nodata, name: str = "classes") -> _Landscape:
    """Validate a class raster and return a :class:`_Landscape`."""
    template = None
    if _is_dataarray(classes):
        da = classes
        if da.ndim == 3 and da.shape[0] == 1:
            da = da.squeeze(da.dims[0], drop=True)
        template = da
        if hasattr(da, "rio"):
            check_projected_crs(name, da.rio.crs, kind="raster")
            if nodata is None:
                nodata = da.rio.nodata
            if cellsize is None:
                xres, yres = da.rio.resolution()
                if not np.isclose(abs(xres), abs(yres), rtol=1e-6):
                    raise ValueError(
                        f"{name} has non-square cells ({abs(xres)} x {abs(yres)}). Resample "
                        "it to square cells first (nearest resampling for classes)."
                    )
                cellsize = abs(xres)
        classes = da.values
    if cellsize is None:
        raise TypeError(
            f"cellsize is required for a plain array {name}: give the cell side in metres, "
            "for example cellsize=30.0 for Landsat-based land cover."
        )
    cellsize = check_positive("cellsize", cellsize)

    arr = check_grid_array(
        name, classes, expected="a 2-D grid of integer class codes or a boolean habitat mask"
    )
    if nodata is not None and not (
        isinstance(nodata, numbers.Real) and not isinstance(nodata, bool)
    ):
        raise TypeError(f"nodata must be a number or None. Got nodata={describe(nodata)}.")

    is_mask = arr.dtype == np.bool_
    if is_mask:
        values = arr.astype(np.int64)
        valid = None
    elif np.issubdtype(arr.dtype, np.integer):
        values = arr
        valid = None
        if nodata is not None and not np.isnan(nodata):
            valid = arr != nodata
    else:
        valid = np.isfinite(arr)
        if nodata is not None and not np.isnan(nodata):
            valid &= arr != nodata
        good = arr[valid]
        if good.size and not np.array_equal(good, np.round(good)):
            bad = good[good != np.round(good)][0]
            raise ValueError(
                f"{name} must hold integer class codes. Got non-integer values such as "
                f"{bad:g}; round or reclassify the land cover first."
            )
        values = np.where(valid, arr, 0).astype(np.int64)
        if valid.all():
            valid = None

    present = values if valid is None else values[valid]
    if present.size == 0:
        raise ValueError(
            f"{name} has no valid cell: every cell is nodata (nodata={nodata!r}). Check the "
            "nodata value and that the grid covers your study area."
        )
    lo, hi = int(present.min()), int(present.max())
    if lo >= 0 and hi < 10_000_000:
        # Small non-negative codes: a dense lookup table indexed by the code itself.
        counts = np.bincount(present.ravel(), minlength=hi + 1)
        codes = np.flatnonzero(counts)
        counts = counts[codes]
        lut = np.zeros(hi + 1, dtype=np.int32)
        lut[codes] = np.arange(1, codes.size + 1, dtype=np.int32)
        index = lut[values if valid is None else np.where(valid, values, lo)]
    elif hi - lo < 10_000_000:
        # Same with a shift; int64 so that subtracting lo cannot overflow a small dtype.
        shifted = np.clip(values.astype(np.int64), lo, hi) - lo
        counts = np.bincount(present.astype(np.int64).ravel() - lo, minlength=hi - lo + 1)
        codes = np.flatnonzero(counts)
        counts = counts[codes]
        lut = np.zeros(hi - lo + 1, dtype=np.int32)
        lut[codes] = np.arange(1, codes.size + 1, dtype=np.int32)
        index = lut[shifted]
        codes = codes + lo
    else:
        codes, counts = np.unique(present, return_counts=True)
        index = (np.searchsorted(codes, values) + 1).astype(np.int32)
    if valid is not None:
        index[~valid] = 0
    return _Landscape(
        index=index.astype(np.int32, copy=False),
        codes=codes.astype(np.int64),
        counts=counts.astype(np.int64),
        cellsize=cellsize,
        is_mask=is_mask,
        template=template,
    )


def _select(land: _Landscape, cls) -> np.ndarray:
    """Return the 1-based class indices chosen by *cls* (all classes when None)."""
    if cls is None:
        if land.is_mask:
            if 1 not in land.codes:
                raise ValueError(
                    "classes is a boolean habitat mask with no True cell: there is no habitat."
                )
            return np.searchsorted(land.codes, [1]) + 1
        return np.arange(1, land.codes.size + 1)
    wanted = [cls] if not isinstance(cls, Iterable) or isinstance(cls, str) else list(cls)
    if not wanted:
        raise ValueError("cls is empty: give one class code or a list of class codes.")
    out = []
    for value in wanted:
        if isinstance(value, numbers.Integral):
            code = int(value)
        elif isinstance(value, numbers.Real) and float(value).is_integer():
            code = int(value)
        else:
            raise TypeError(
                f"cls must be an integer class code or an iterable of them. Got cls={describe(cls)}."
            )
        pos = int(np.searchsorted(land.codes, code))
        if pos >= land.codes.size or land.codes[pos] != code:
            found = ", ".join(str(c) for c in land.codes[:20])
            raise ValueError(
                f"no cells of class {code} in classes (cls={describe(cls)}). Classes present: "
                f"{found}{' ...' if land.codes.size > 20 else ''}."
            )
        out.append(pos + 1)
    return np.unique(np.asarray(out, dtype=np.int64))


# --------------------------------------------------------------------------- kernels
def _label(land: _Landscape, selected: np.ndarray, neighbours: int):
    """Label the patches of the *selected* classes; ids in global scan order.

    Returns ``(labels, patch_class, n_cells)``: labels int32 (0 = no patch),
    ``patch_class[i]`` the 1-based class index of patch ``i + 1`` and its cell count.
    """
    structure = _STRUCTURE[neighbours]
    labels = np.zeros(land.index.shape, dtype=np.int32)
    firsts, klass = [], []
    offset = 0
    for k in selected:
        lab, n = ndimage.label(land.index == k, structure=structure, output=np.int32)
        if n == 0:
            continue
        flat = lab.ravel()
        cells = np.flatnonzero(flat)
        values = flat[cells]
        # ndimage numbers patches in scan order, each new one as the running maximum + 1,
        # so a patch's first cell is where the running maximum rises.
        running = np.maximum.accumulate(values)
        rises = np.empty(values.size, dtype=bool)
        rises[0] = True
        rises[1:] = running[1:] > running[:-1]
        firsts.append(cells[rises])
        klass.append(np.full(n, k, dtype=np.int64))
        if offset:
            np.add(lab, offset, out=lab, where=lab > 0)
        labels += lab
        offset += n
    if offset == 0:
        return labels, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    firsts = np.concatenate(firsts)
    klass = np.concatenate(klass)
    if len(selected) > 1:
        order = np.argsort(firsts, kind="stable")
        lut = np.zeros(offset + 1, dtype=np.int32)
        lut[order + 1] = np.arange(1, offset + 1, dtype=np.int32)
        labels = lut[labels]
        klass = klass[order]
    n_cells = np.bincount(labels.ravel(), minlength=offset + 1)[1:]
    return labels, klass, n_cells


def _pair_views(grid: np.ndarray):
    """Return the two sides of every horizontal and vertical cell side inside the grid."""
    return ((grid[:, :-1], grid[:, 1:]), (grid[:-1, :], grid[1:, :]))


def _border_cells(grid: np.ndarray) -> np.ndarray:
    """Values of the cells along the landscape boundary, one entry per boundary side."""
    return np.concatenate([grid[0, :], grid[-1, :], grid[:, 0], grid[:, -1]])


def _perimeter_sides(labels: np.ndarray, n: int) -> np.ndarray:
    """Cell sides of each patch facing another value, the boundary or nodata."""
    sides = np.zeros(n + 1, dtype=np.int64)
    for a, b in _pair_views(labels):
        differ = a != b
        sides += np.bincount(a[differ], minlength=n + 1)
        sides += np.bincount(b[differ], minlength=n + 1)
    sides += np.bincount(_border_cells(labels), minlength=n + 1)
    return sides[1:]


def _class_edges(land: _Landscape, count_boundary: bool) -> np.ndarray:
    """Edge sides of each class (index 0 = first class)."""
    k = land.codes.size
    sides = np.zeros(k + 1, dtype=np.int64)
    for a, b in _pair_views(land.index):
        differ = a != b
        if not count_boundary:
            differ &= (a > 0) & (b > 0)
        sides += np.bincount(a[differ], minlength=k + 1)
        sides += np.bincount(b[differ], minlength=k + 1)
    if count_boundary:
        sides += np.bincount(_border_cells(land.index), minlength=k + 1)
    return sides[1:]


def _landscape_edges(land: _Landscape, count_boundary: bool) -> int:
    """Edge sides of the whole landscape, each side counted once."""
    total = 0
    for a, b in _pair_views(land.index):
        differ = a != b
        if not count_boundary:
            differ &= (a > 0) & (b > 0)
        total += int(np.count_nonzero(differ))
    if count_boundary:
        total += int(np.count_nonzero(_border_cells(land.index)))
    return total


def _fragmentation(areas: np.ndarray, reference: float) -> tuple[float, float, float]:
    """MESH, DIVISION and SPLIT of patch *areas* against a *reference* area."""
    squares = float(np.sum(np.square(areas, dtype=np.float64)))
    if squares == 0.0:
        return 0.0, 1.0, float("inf")
    mesh = squares / reference
    return mesh, 1.0 - squares / reference**2, reference**2 / squares


# --------------------------------------------------------------------------- public
def label_patches(
    classes,
    *,
    cls: int | Iterable[int] | None = None,
    neighbours: int = 8,
    nodata: float | None = None,
):
    """Label habitat patches: connected groups of cells of one class.

    Parameters
    ----------
    classes : array_like or xarray.DataArray
        2-D grid of integer class codes, or a boolean habitat mask (True = habitat).
        NaN, ``nodata`` and a DataArray's ``rio.nodata`` mark nodata cells.
    cls : int or iterable of int, optional
        Class code(s) whose patches are labelled. Every class by default; for a boolean
        mask, the habitat (True) cells. Cells of two different classes never share a patch.
    neighbours : {8, 4}, default 8
        8: cells touching by a side or a corner join (FRAGSTATS' rule); 4: by a side only.
    nodata : float, optional
        Value marking nodata cells. Nodata cells never belong to a patch.

    Returns
    -------
    labels : numpy.ndarray or xarray.DataArray
        int32 grid, 0 where there is no patch (other classes, nodata), else the patch id
        in ``1..n``, numbered in scan order of each patch's first cell (row by row from
        the top-left), as FRAGSTATS does. A DataArray input gives a DataArray on its grid.
    n : int
        Number of patches.

    Raises
    ------
    ValueError
        If *classes* is not 2-D or only nodata, if ``neighbours`` is not 4 or 8, or if a
        class in *cls* has no cell.

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). FRAGSTATS: spatial pattern analysis program for
    quantifying landscape structure. USDA Forest Service PNW-GTR-351.
    https://doi.org/10.2737/PNW-GTR-351

    Examples
    --------
    >>> grid = np.array([[1, 0, 1],
    ...                  [0, 1, 0],
    ...                  [0, 0, 1]])
    >>> labels, n = label_patches(grid, cls=1)
    >>> n
    1
    >>> labels, n = label_patches(grid, cls=1, neighbours=4)
    >>> n
    4
    >>> labels
    array([[1, 0, 2],
           [0, 3, 0],
           [0, 0, 4]], dtype=int32)
    """
    check_choice("neighbours", neighbours, _NEIGHBOURS)
    land = _read_classes(classes, cellsize=1.0, nodata=nodata)
    labels, klass, _ = _label(land, _select(land, cls), neighbours)
    if land.template is not None:
        out = land.template.copy(data=labels)
        out.attrs = {}
        out.encoding = {}
        out.name = "patch"
        return out, int(klass.size)
    return labels, int(klass.size)


def patch_table(
    classes,
    *,
    cellsize: float | None = None,
    cls: int | Iterable[int] | None = None,
    neighbours: int = 8,
    nodata: float | None = None,
) -> pd.DataFrame:
    r"""Area, perimeter, size and centroid of every patch (FRAGSTATS patch level).

    The perimeter follows FRAGSTATS: the number of cell sides of the patch that face a
    cell with another value, the landscape boundary or a nodata cell, times the cell
    size (so it is a count of edges, not a smoothed length).

    Parameters
    ----------
    classes : array_like or xarray.DataArray
        2-D grid of integer class codes or a boolean habitat mask; see
        :func:`label_patches`.
    cellsize : float
        Cell side in metres. Required for arrays; read from a georeferenced DataArray.
    cls : int or iterable of int, optional
        Classes whose patches are listed (all by default; True cells for a mask).
    neighbours : {8, 4}, default 8
        Patch rule, see :func:`label_patches`.
    nodata : float, optional
        Value marking nodata cells.

    Returns
    -------
    pandas.DataFrame
        One row per patch, in patch id order: ``patch_id`` (as in :func:`label_patches`),
        ``class`` (code; 1 for the True cells of a mask), ``area_ha``, ``perimeter_m``,
        ``n_cells``, ``centroid_row`` and ``centroid_col`` (mean row and column index of
        the cell centres, 0-based, rows counted from the top).

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). FRAGSTATS: spatial pattern analysis program for
    quantifying landscape structure. USDA Forest Service PNW-GTR-351.
    https://doi.org/10.2737/PNW-GTR-351

    Examples
    --------
    >>> grid = np.array([[1, 1, 2, 2],
    ...                  [1, 2, 2, 2],
    ...                  [2, 2, 2, 1]])
    >>> patch_table(grid, cellsize=10).round(3)
       patch_id  class  area_ha  perimeter_m  n_cells  centroid_row  centroid_col
    0         1      1     0.03         80.0        3         0.333         0.333
    1         2      2     0.08        140.0        8         1.125         1.750
    2         3      1     0.01         40.0        1         2.000         3.000
    """
    check_choice("neighbours", neighbours, _NEIGHBOURS)
    land = _read_classes(classes, cellsize=cellsize, nodata=nodata)
    labels, klass, n_cells = _label(land, _select(land, cls), neighbours)
    n = klass.size
    flat = labels.ravel()
    rows, cols = labels.shape
    row_sum = np.bincount(
        flat, weights=np.repeat(np.arange(rows, dtype=np.float64), cols), minlength=n + 1
    )[1:]
    col_sum = np.bincount(
        flat, weights=np.tile(np.arange(cols, dtype=np.float64), rows), minlength=n + 1
    )[1:]
    codes = land.codes[klass - 1]
    return pd.DataFrame(
        {
            "patch_id": np.arange(1, n + 1, dtype=np.int64),
            "class": codes,
            "area_ha": n_cells * land.cell_ha,
            "perimeter_m": _perimeter_sides(labels, n) * land.cellsize,
            "n_cells": n_cells.astype(np.int64),
            "centroid_row": row_sum / n_cells,
            "centroid_col": col_sum / n_cells,
        }
    )


def _class_metrics(
    land: _Landscape,
    selected: np.ndarray,
    *,
    neighbours: int,
    mesh_denominator: str,
    count_boundary: bool,
) -> pd.DataFrame:
    """Class-level metrics of the *selected* class indices (classes may have no cell)."""
    total_ha = land.area_ha
    _, klass, n_cells = _label(land, selected, neighbours)
    edges = _class_edges(land, count_boundary) * land.cellsize
    rows = []
    for k in selected:
        areas = n_cells[klass == k] * land.cell_ha
        ca = float(areas.sum())
        n_patches = int(areas.size)
        reference = total_ha if mesh_denominator == "landscape" else ca
        if n_patches:
            mesh, division, split = _fragmentation(areas, reference)
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
    neighbours: int = 8,
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
        mask). Other classes still count in :math:`A` and as edge neighbours.
    neighbours : {8, 4}, default 8
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
    check_choice("neighbours", neighbours, _NEIGHBOURS)
    check_choice("mesh_denominator", mesh_denominator, _MESH_DENOMINATORS)
    _check_bool("count_boundary", count_boundary)
    land = _read_classes(classes, cellsize=cellsize, nodata=nodata)
    return _class_metrics(
        land,
        _select(land, cls),
        neighbours=neighbours,
        mesh_denominator=mesh_denominator,
        count_boundary=count_boundary,
    )


def _check_bool(name: str, value) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False. Got {name}={describe(value)}.")


def _landscape_metrics(land: _Landscape, *, neighbours: int, count_boundary: bool) -> pd.Series:
    total_ha = land.area_ha
    _, _, n_cells = _label(land, np.arange(1, land.codes.size + 1), neighbours)
    areas = n_cells * land.cell_ha
    mesh, division, split = _fragmentation(areas, total_ha)
    te = _landscape_edges(land, count_boundary) * land.cellsize
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
    neighbours: int = 8,
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
    neighbours : {8, 4}, default 8
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
    check_choice("neighbours", neighbours, _NEIGHBOURS)
    _check_bool("count_boundary", count_boundary)
    land = _read_classes(classes, cellsize=cellsize, nodata=nodata)
    return _landscape_metrics(land, neighbours=neighbours, count_boundary=count_boundary)


def compare_epochs(
    layers: Mapping,
    *,
    cellsize: float | None = None,
    cls: int | Iterable[int] | None = None,
    level: str = "class",
    neighbours: int = 8,
    nodata: float | None = None,
    mesh_denominator: str = "landscape",
    count_boundary: bool = False,
) -> pd.DataFrame:
    """Metrics of several epochs side by side, with their change since the first epoch.

    Parameters
    ----------
    layers : dict
        ``{epoch: classes}``, for example ``{2000: lc2000, 2020: lc2020}``; the class
        rasters must share one grid. Epochs are sorted; the earliest is the baseline.
    cellsize : float
        Cell side in metres (required for arrays).
    cls : int or iterable of int, optional
        Classes reported at ``level="class"``; by default every class present in any
        epoch. A class absent from an epoch has CA = NP = MESH = 0, DIVISION = 1,
        SPLIT = inf and AREA_MN = NaN there (its habitat is gone).
    level : {"class", "landscape"}, default "class"
        :func:`class_metrics` or :func:`landscape_metrics` for every epoch.
    neighbours, nodata, mesh_denominator, count_boundary
        As in :func:`class_metrics` (``mesh_denominator`` only at class level).

    Returns
    -------
    pandas.DataFrame
        Tidy table: ``epoch``, ``class`` (class level only), ``metric``, ``value``,
        ``change`` (value minus the baseline value) and ``change_pct`` (change in % of
        the baseline value; NaN where the baseline is 0 or not finite).

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). USDA Forest Service PNW-GTR-351.
    https://doi.org/10.2737/PNW-GTR-351

    Jaeger, J. A. G. (2000). Landscape division, splitting index, and effective mesh
    size. Landscape Ecology 15, 115-130. https://doi.org/10.1023/A:1008129329289

    Examples
    --------
    >>> before = np.array([[1, 1, 1, 0],
    ...                    [1, 1, 1, 0]])
    >>> after = np.array([[1, 0, 1, 0],
    ...                   [1, 0, 1, 0]])
    >>> t = compare_epochs({2000: before, 2020: after}, cellsize=100, cls=1)
    >>> t[t.metric.isin(["CA", "NP"])].round(1)
        epoch  class metric  value  change  change_pct
    0    2000      1     CA    6.0     0.0         0.0
    2    2000      1     NP    1.0     0.0         0.0
    11   2020      1     CA    4.0    -2.0       -33.3
    13   2020      1     NP    2.0     1.0       100.0
    """
    check_choice("level", level, _LEVELS)
    check_choice("neighbours", neighbours, _NEIGHBOURS)
    check_choice("mesh_denominator", mesh_denominator, _MESH_DENOMINATORS)
    _check_bool("count_boundary", count_boundary)
    if not isinstance(layers, Mapping) or not layers:
        raise TypeError(
            "layers must be a non-empty dict {epoch: classes}, for example "
            f"{{2000: lc2000, 2020: lc2020}}. Got layers={describe(layers)}."
        )
    try:
        epochs = sorted(layers)
    except TypeError as exc:
        raise TypeError(
            "the epochs (keys of layers) must be sortable, for example years or dates. "
            f"Got {list(layers)!r}."
        ) from exc
    lands = {}
    for epoch in epochs:
        lands[epoch] = _read_classes(
            layers[epoch], cellsize=cellsize, nodata=nodata, name=f"layers[{epoch!r}]"
        )
    shapes = {epoch: land.index.shape for epoch, land in lands.items()}
    if len(set(shapes.values())) > 1:
        raise ValueError(
            f"all layers must be on one grid. Got shapes {shapes}; align them first "
            "(rio.reproject_match with nearest resampling for classes)."
        )

    frames = []
    if level == "landscape":
        for epoch, land in lands.items():
            s = _landscape_metrics(land, neighbours=neighbours, count_boundary=count_boundary)
            frames.append(pd.DataFrame({"epoch": epoch, "metric": s.index, "value": s.to_numpy()}))
        keys = ["metric"]
    else:
        all_codes = np.unique(np.concatenate([land.codes for land in lands.values()]))
        if cls is None:
            any_mask = any(land.is_mask for land in lands.values())
            wanted = np.array([1]) if any_mask else all_codes
        else:
            wanted = _codes_of(cls, all_codes)
        for epoch, land in lands.items():
            # Classes absent from this epoch get a placeholder index past the last class.
            pos = np.searchsorted(land.codes, wanted)
            present = (pos < land.codes.size) & (
                land.codes[np.minimum(pos, land.codes.size - 1)] == wanted
            )
            selected = np.where(present, pos + 1, land.codes.size + 1 + np.arange(wanted.size))
            table = _class_metrics(
                land,
                selected,
                neighbours=neighbours,
                mesh_denominator=mesh_denominator,
                count_boundary=count_boundary,
            )
            table["class"] = wanted
            long = table.melt(id_vars="class", var_name="metric", value_name="value")
            long.insert(0, "epoch", epoch)
            frames.append(long)
        keys = ["class", "metric"]
    out = pd.concat(frames, ignore_index=True)
    if level == "class":  # one block of metrics per epoch and class
        out = out.sort_values(["epoch", "class"], kind="stable", ignore_index=True)
    out["value"] = out["value"].astype(float)
    baseline = out.loc[out["epoch"] == epochs[0], [*keys, "value"]]
    base = out[keys].merge(baseline, on=keys, how="left")["value"].to_numpy()
    out["change"] = out["value"].to_numpy() - base
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = out["change"].to_numpy() / np.abs(base) * 100.0
    out["change_pct"] = np.where(np.isfinite(base) & (base != 0), pct, np.nan)
    return out


def _codes_of(cls, all_codes: np.ndarray) -> np.ndarray:
    """Class codes asked for in *cls*, each present in at least one epoch."""
    wanted = [cls] if not isinstance(cls, Iterable) or isinstance(cls, str) else list(cls)
    if not wanted:
        raise ValueError("cls is empty: give one class code or a list of class codes.")
    codes = []
    for value in wanted:
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not float(value).is_integer()
        ):
            raise TypeError(
                f"cls must be an integer class code or an iterable of them. Got cls={describe(cls)}."
            )
        code = int(value)
        if code not in all_codes:
            raise ValueError(
                f"no cells of class {code} in any of the layers (cls={describe(cls)}). "
                f"Classes present: {', '.join(str(c) for c in all_codes[:20])}."
            )
        codes.append(code)
    return np.unique(np.asarray(codes, dtype=np.int64))


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
