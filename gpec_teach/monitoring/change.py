r"""Change between land-cover epochs: transition tables and change maps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._raster import unwrap, wrap_like
from .._validation import check_choice, check_same_crs

__all__ = ["transition_table", "change_map"]

_UNITS = {"m2": 1.0, "ha": 1e4, "km2": 1e6}


def _class_pair(before, after, *, cellsize, require_cellsize=False):
    """Unwrap two class rasters on the same grid; return (a, b, valid)."""
    a = unwrap("before", before, cellsize=cellsize, require_cellsize=require_cellsize)
    b = unwrap("after", after, cellsize=cellsize, require_cellsize=require_cellsize)
    if a.template is not None and b.template is not None:
        check_same_crs("before", a.crs, "after", b.crs)
    if a.values.shape != b.values.shape:
        raise ValueError(
            "before and after must be on the same grid. Got shapes "
            f"{a.values.shape} and {b.values.shape}; align them first "
            "(rio.reproject_match with nearest resampling for classes)."
        )
    if a.template is not None and b.template is not None:
        ta, tb = a.template.rio.transform(), b.template.rio.transform()
        if not np.allclose(tuple(ta), tuple(tb)):
            raise ValueError(
                "before and after have the same shape but different transforms "
                f"({tuple(ta)[:6]} vs {tuple(tb)[:6]}): align them with rio.reproject_match."
            )
    valid = np.isfinite(a.values) & np.isfinite(b.values)
    if not valid.any():
        raise ValueError(
            "before and after share no valid cell: every cell is nodata in one of them."
        )
    for name, grid in (("before", a), ("after", b)):
        codes = grid.values[valid]
        if not np.array_equal(codes, np.round(codes)):
            raise ValueError(
                f"{name} must hold integer class codes (land cover). Got non-integer values "
                f"such as {codes[codes != np.round(codes)][0]:g}."
            )
    return a, b, valid


def transition_table(
    before, after, *, cellsize: float | None = None, classes=None, units: str = "km2"
) -> pd.DataFrame:
    r"""Area that moved from each class (rows) to each class (columns) between two epochs.

    .. math:: T_{ij} = c^2 \, \#\{\text{cells of class } i \text{ before and } j \text{ after}\}

    with :math:`c` the cell size. The diagonal is the area that stayed; row sums are the
    area of each class before, column sums after. Cells that are nodata in either epoch
    are left out.

    Parameters
    ----------
    before, after : array_like or xarray.DataArray
        Integer class rasters on the same grid (nodata = NaN or ``rio.nodata``).
    cellsize : float, optional
        Cell side in metres; read from DataArrays, required for plain arrays.
    classes : dict, optional
        ``{code: name}`` (or ``{code: (name, colour)}``) to label rows and columns;
        by default the DataArray's ``class_names`` attribute, else the codes.
    units : {"km2", "ha", "m2"}, default "km2"

    Returns
    -------
    pandas.DataFrame
        Square table with every class present in either epoch, rows "from", columns "to".

    References
    ----------
    Pontius, R. G., Shusas, E. & McEachern, M. (2004). Detecting important categorical
    land changes while accounting for persistence. Agriculture, Ecosystems &
    Environment 101, 251-268. https://doi.org/10.1016/j.agee.2003.09.008

    Examples
    --------
    >>> before = np.array([[3, 3], [3, 6]])
    >>> after = np.array([[3, 6], [6, 6]])
    >>> transition_table(before, after, cellsize=100, units="ha")
    to      3    6
    from
    3     1.0  2.0
    6     0.0  1.0
    """
    check_choice("units", units, tuple(_UNITS))
    a, b, valid = _class_pair(before, after, cellsize=cellsize, require_cellsize=True)
    codes = np.union1d(np.unique(a.values[valid]), np.unique(b.values[valid])).astype(int)
    ia = np.searchsorted(codes, a.values[valid])  # position of each code in the sorted list
    ib = np.searchsorted(codes, b.values[valid])
    counts = np.bincount(ia * len(codes) + ib, minlength=len(codes) ** 2)
    area = counts.reshape(len(codes), len(codes)) * a.cellsize**2 / _UNITS[units]
    labels = _labels(codes, classes, a.template)
    table = pd.DataFrame(area, index=labels, columns=labels)
    table.index.name, table.columns.name = "from", "to"
    return table


def _labels(codes, classes, template) -> list:
    if classes is None and template is not None:
        classes = template.attrs.get("class_names")
    if not classes:
        return [int(c) for c in codes]
    out = []
    for c in codes:
        name = classes.get(int(c), classes.get(str(int(c)), int(c)))
        out.append(name[0] if isinstance(name, tuple) else name)
    return out


def change_map(before, after, *, classes=None, cellsize: float | None = None):
    r"""Map of gains and losses of a set of classes (for example habitat) between epochs.

    Each valid cell gets

    - ``-1`` (loss): in *classes* before, not after;
    - ``+1`` (gain): not in *classes* before, in it after;
    - ``0``: no change with respect to *classes*;
    - NaN: nodata in either epoch.

    Without *classes*, a cell is ``1`` when its class changed at all and ``0`` otherwise.

    Parameters
    ----------
    before, after : array_like or xarray.DataArray
        Integer class rasters on the same grid.
    classes : sequence of int, optional
        Codes of the classes followed (the habitat).
    cellsize : float, optional

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        float32 codes as above, georeferenced like *before*.

    References
    ----------
    Pontius, R. G., Shusas, E. & McEachern, M. (2004). Agriculture, Ecosystems &
    Environment 101, 251-268. https://doi.org/10.1016/j.agee.2003.09.008

    Examples
    --------
    >>> before = np.array([[3, 3], [6, 6]])
    >>> after = np.array([[3, 6], [3, 6]])
    >>> change_map(before, after, classes=[3])
    array([[ 0., -1.],
           [ 1.,  0.]], dtype=float32)
    """
    a, b, valid = _class_pair(before, after, cellsize=cellsize)
    out = np.full(a.values.shape, np.nan, dtype=np.float32)
    if classes is None:
        out[valid] = (a.values[valid] != b.values[valid]).astype(np.float32)
    else:
        codes = np.atleast_1d(np.asarray(classes))
        if codes.size == 0:
            raise ValueError(
                "classes is empty: give the codes of the classes to follow, e.g. [3, 4]."
            )
        present = np.union1d(np.unique(a.values[valid]), np.unique(b.values[valid]))
        missing = [int(c) for c in codes if c not in present]
        if len(missing) == codes.size:
            raise ValueError(
                f"None of classes={codes.tolist()} occurs in before or after "
                f"(codes present: {present.astype(int).tolist()})."
            )
        was = np.isin(a.values, codes)
        now = np.isin(b.values, codes)
        out[valid] = now[valid].astype(np.float32) - was[valid].astype(np.float32)
    return wrap_like(out, a)
