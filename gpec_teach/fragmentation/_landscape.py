"""The class raster as the fragmentation kernels see it, and the kernels themselves."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .._raster import read_raster
from .._validation import check_grid_array, describe

__all__ = [
    "LEVELS",
    "MESH_DENOMINATORS",
    "NEIGHBORS",
    "Landscape",
    "check_bool",
    "class_edges",
    "codes_of",
    "fragmentation_indices",
    "label",
    "landscape_edges",
    "perimeter_sides",
    "read_classes",
    "select",
]

#: Patch rules: 4 (side) or 8 (side or corner) neighbors.
NEIGHBORS = (4, 8)
#: Reference area of MESH, DIVISION and SPLIT.
MESH_DENOMINATORS = ("landscape", "habitat")
#: Levels of :func:`~gpec_teach.fragmentation.compare_epochs`.
LEVELS = ("class", "landscape")
_STRUCTURE = {
    4: ndimage.generate_binary_structure(2, 1),
    8: ndimage.generate_binary_structure(2, 2),
}


@dataclass(frozen=True)
class Landscape:
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
        """Number of valid (non-nodata) cells."""
        return int(self.counts.sum())

    @property
    def cell_ha(self) -> float:
        """Area of one cell in ha."""
        return self.cellsize**2 / 1e4

    @property
    def area_ha(self) -> float:
        """Landscape area (all valid cells) in ha."""
        return self.n_valid * self.cell_ha


def read_classes(classes, *, cellsize, nodata, name: str = "classes") -> Landscape:
    """Validate a class raster (through the one raster adapter) and return a Landscape.

    The cell size is required for plain arrays (areas are in ha); a DataArray gives it,
    its nodata value (unless *nodata* is given) and its CRS (a geographic one raises).
    """
    raw, raster_nodata, cellsize, template, _ = read_raster(
        name, classes, cellsize=cellsize, require_cellsize=True
    )
    if nodata is None:
        nodata = raster_nodata
    arr = check_grid_array(
        name, raw, expected="a 2-D grid of integer class codes or a boolean habitat mask"
    )
    if nodata is not None and not (
        isinstance(nodata, numbers.Real) and not isinstance(nodata, bool)
    ):
        raise TypeError(f"nodata must be a number or None. Got nodata={describe(nodata)}.")
    values, valid = _codes_and_valid(arr, nodata, name)
    present = values if valid is None else values[valid]
    if present.size == 0:
        raise ValueError(
            f"{name} has no valid cell: every cell is nodata (nodata={nodata!r}). Check the "
            "nodata value and that the grid covers your study area."
        )
    index, codes, counts = _class_index(values, valid, present)
    return Landscape(
        index=index.astype(np.int32, copy=False),
        codes=codes.astype(np.int64),
        counts=counts.astype(np.int64),
        cellsize=cellsize,
        is_mask=arr.dtype == np.bool_,
        template=template,
    )


def _codes_and_valid(arr: np.ndarray, nodata, name: str):
    """Integer class codes and the valid-cell mask (None when every cell is valid)."""
    if arr.dtype == np.bool_:
        return arr.astype(np.int64), None
    if np.issubdtype(arr.dtype, np.integer):
        if nodata is not None and not np.isnan(nodata):
            return arr, arr != nodata
        return arr, None
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
    return values, None if valid.all() else valid


def _class_index(values: np.ndarray, valid, present: np.ndarray):
    """Per-cell 1-based class index (0 = nodata), the class codes and their cell counts."""
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
    return index, codes, counts


def select(land: Landscape, cls) -> np.ndarray:
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


def label(land: Landscape, selected: np.ndarray, neighbors: int):
    """Label the patches of the *selected* classes; ids in global scan order.

    Returns ``(labels, patch_class, n_cells)``: labels int32 (0 = no patch),
    ``patch_class[i]`` the 1-based class index of patch ``i + 1`` and its cell count.
    """
    structure = _STRUCTURE[neighbors]
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


def perimeter_sides(labels: np.ndarray, n: int) -> np.ndarray:
    """Cell sides of each patch facing another value, the boundary or nodata."""
    sides = np.zeros(n + 1, dtype=np.int64)
    for a, b in _pair_views(labels):
        differ = a != b
        sides += np.bincount(a[differ], minlength=n + 1)
        sides += np.bincount(b[differ], minlength=n + 1)
    sides += np.bincount(_border_cells(labels), minlength=n + 1)
    return sides[1:]


def class_edges(land: Landscape, count_boundary: bool) -> np.ndarray:
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


def landscape_edges(land: Landscape, count_boundary: bool) -> int:
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


def fragmentation_indices(areas: np.ndarray, reference: float) -> tuple[float, float, float]:
    """MESH, DIVISION and SPLIT of patch *areas* against a *reference* area."""
    squares = float(np.sum(np.square(areas, dtype=np.float64)))
    if squares == 0.0:
        return 0.0, 1.0, float("inf")
    mesh = squares / reference
    return mesh, 1.0 - squares / reference**2, reference**2 / squares


def check_bool(name: str, value) -> None:
    """Raise TypeError unless *value* is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False. Got {name}={describe(value)}.")


def codes_of(cls, all_codes: np.ndarray) -> np.ndarray:
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
