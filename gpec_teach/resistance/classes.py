r"""Resistance from land-cover classes (a table) or from habitat suitability (Keeley et al. 2016).

See :mod:`gpec_teach.resistance` for the conventions and references.
"""

from __future__ import annotations

import numbers
import os
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._raster import read_raster, unwrap, wrap_like
from .._validation import NodataInRangeWarning, check_choice, check_positive, describe

__all__ = ["reclassify", "suitability_to_resistance"]

_TRANSFORMS = ("linear", "negative_exponential")


# ===================================================================== shared helpers
def as_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number. Got {name}={describe(value)}.")
    return float(value)


def _class_key(value) -> float:
    """Class codes compare as floats (a raster read as float keeps 3.0 == 3)."""
    return float(value)


def _fmt_class(value: float):
    return int(value) if float(value).is_integer() else value


# ========================================================================= reclassify
def read_class_table(table, class_column: str, value_column: str) -> dict[float, float]:
    """Return ``{class: resistance}`` from a mapping, a DataFrame or a CSV path.

    The one reader of class tables, shared by :func:`reclassify` and
    :func:`gpec_teach.widgets.resistance_explorer`: classes are numbers (compared
    as floats), resistances positive or ``inf`` (barrier), no class twice.
    """
    if isinstance(table, (str, os.PathLike)):
        path = os.fspath(table)
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"table file not found: {path!r}. Give the path of a CSV file with columns "
                f"{class_column!r} and {value_column!r}."
            )
        table = pd.read_csv(path)
    if isinstance(table, pd.DataFrame):
        missing = [c for c in (class_column, value_column) if c not in table.columns]
        if missing:
            raise ValueError(
                f"table has no column {', '.join(repr(m) for m in missing)}. Got columns "
                f"{list(map(str, table.columns))}; name them {class_column!r} and "
                f"{value_column!r}, or pass class_column= and value_column=."
            )
        classes = table[class_column].tolist()
        values = table[value_column].tolist()
    elif isinstance(table, Mapping):
        classes = list(table.keys())
        values = list(table.values())
    else:
        raise TypeError(
            "table must be a dict {class: resistance}, a pandas DataFrame or the path of "
            f"a CSV file with columns {class_column!r} and {value_column!r}. "
            f"Got {describe(table)}."
        )
    if not classes:
        raise ValueError("table is empty: it needs one row per land-cover class.")
    out: dict[float, float] = {}
    for cls, val in zip(classes, values, strict=True):
        if isinstance(cls, bool) or not isinstance(cls, numbers.Real) or np.isnan(cls):
            raise TypeError(f"table classes must be numbers (class codes). Got {cls!r}.")
        if isinstance(val, bool) or not isinstance(val, numbers.Real):
            raise TypeError(
                f"table resistance for class {_fmt_class(cls)} must be a number (np.inf for "
                f"an absolute barrier). Got {val!r}."
            )
        val = float(val)
        if np.isnan(val):
            raise ValueError(
                f"table resistance for class {_fmt_class(cls)} is missing (NaN). Give a "
                "positive number, or np.inf (inf in a CSV) for an absolute barrier."
            )
        if val <= 0:
            raise ValueError(
                f"table resistance for class {_fmt_class(cls)} must be positive. Got {val!r}. "
                "Give the easiest cover a resistance of 1."
            )
        key = _class_key(cls)
        if key in out:
            raise ValueError(f"table lists class {_fmt_class(cls)} more than once.")
        out[key] = val
    return out


def reclassify(
    landcover,
    table,
    *,
    class_column: str = "class",
    value_column: str = "resistance",
    nodata: float | None = None,
):
    r"""Turn a land-cover raster into resistance with a class -> resistance table.

    .. math:: R(x) = T[\,L(x)\,]

    where :math:`L(x)` is the land-cover class of cell :math:`x` and :math:`T`
    the table (resistance per unit distance, dimensionless; 1 = easiest cover).
    Values usually come from expert opinion or the literature (review in Zeller
    et al. 2012); ``np.inf`` marks an absolute barrier (a motorway fence, a
    reservoir), a cell that no path may cross.

    Parameters
    ----------
    landcover : array_like or xarray.DataArray
        2-D grid of class codes. NaN (or the raster's nodata) stays NaN.
    table : dict, pandas.DataFrame or str or path
        ``{class: resistance}``, a DataFrame, or a CSV file with columns
        *class_column* and *value_column*. Resistances must be positive numbers
        or ``inf`` (barrier). Classes in the table but not in the raster are
        ignored.
    class_column, value_column : str, default "class", "resistance"
        Column names for a DataFrame or CSV table.
    nodata : float, optional
        A class code that means "no data" in a plain array (for example 0 or
        255), in addition to NaN.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Float resistance grid, same shape and georeferencing; values in
        ``[min(T), max(T)]``, NaN for nodata, ``inf`` for barriers.

    Raises
    ------
    ValueError
        A class present in the raster is missing from the table (all such classes
        are listed); a resistance is zero, negative or missing; a class is listed
        twice.
    TypeError
        *table* is not a mapping, DataFrame or CSV path.

    References
    ----------
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6;
    Zeller et al. (2012), https://doi.org/10.1007/s10980-012-9737-0.

    Examples
    --------
    Forest (1) is easy, cropland (2) harder, a reservoir (3) a barrier:

    >>> lc = [[1, 1, 2], [3, 2, 1]]
    >>> reclassify(lc, {1: 1, 2: 10, 3: float("inf")})
    array([[ 1.,  1., 10.],
           [inf, 10.,  1.]])
    """
    mapping = read_class_table(table, class_column, value_column)
    grid = unwrap("landcover", landcover, allow_all_nodata=True)
    values = grid.values
    if nodata is not None:
        values[values == as_number("nodata", nodata)] = np.nan
    if np.isnan(values).all():
        raise ValueError(
            "landcover has no valid cell: every cell is nodata. Check the nodata value."
        )
    valid = ~np.isnan(values)
    classes, inverse = np.unique(values[valid], return_inverse=True)
    missing = [c for c in classes.tolist() if c not in mapping]
    if missing:
        shown = ", ".join(str(_fmt_class(c)) for c in missing[:20])
        more = f" (and {len(missing) - 20} more)" if len(missing) > 20 else ""
        raise ValueError(
            f"table has no resistance for land-cover class(es) {shown}{more}, which occur "
            "in landcover. Add a row for each (np.inf for a barrier), or set them to "
            "nodata first."
        )
    lookup = np.array([mapping[c] for c in classes.tolist()], dtype=np.float64)
    out = np.full(values.shape, np.nan)
    out[valid] = lookup[inverse]
    return wrap_like(out, grid, name="resistance")


# ========================================================================= transforms
def suitability_to_resistance(
    suitability,
    *,
    method: str,
    max_resistance: float = 100.0,
    c: float | None = None,
    scale: float = 1.0,
):
    r"""Convert habitat suitability to resistance (Keeley et al. 2016).

    With suitability rescaled to :math:`h = S / \text{scale} \in [0, 1]`:

    .. math::

        R(h) = R_{max} - (R_{max} - 1)\, h
        \qquad \text{(linear)}

        R(h) = R_{max} - (R_{max} - 1)\,
               \frac{1 - e^{-c h}}{1 - e^{-c}}
        \qquad \text{(negative exponential)}

    :math:`R_{max}` is the resistance of the least suitable cell (``h = 0``);
    the most suitable cell (``h = 1``) gets 1. The shape parameter :math:`c`
    sets the curvature: the linear transform is the limit :math:`c \to 0`; with
    :math:`c > 0` resistance stays low over moderately suitable habitat and
    rises steeply only where suitability is low, the pattern Keeley et al.
    (2016) found for long-distance movements (larger ``c`` = stronger
    curvature); :math:`c < 0` gives the opposite, convex curve. This is the
    family of Keeley et al. (2016, with :math:`R_{max} = 100`).

    Parameters
    ----------
    suitability : array_like or xarray.DataArray
        Habitat suitability :math:`S` in ``[0, scale]``. NaN stays NaN.
    method : {"linear", "negative_exponential"}
        Transform (required: choose it deliberately).
    max_resistance : float, default 100
        :math:`R_{max} > 1`.
    c : float, optional
        Shape parameter, required for ``"negative_exponential"`` (non-zero);
        must be omitted for ``"linear"``.
    scale : float, default 1
        Maximum of the suitability scale (100 for scores out of 100).

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Resistance in ``[1, max_resistance]``; NaN where suitability is NaN.

    Raises
    ------
    ValueError
        Suitability outside ``[0, scale]``; ``max_resistance <= 1``; missing,
        zero or superfluous ``c``; unknown method.

    References
    ----------
    Keeley, A. T. H., Beier, P. & Gagnon, J. W. (2016). Landscape Ecology 31:
    2151-2162, https://doi.org/10.1007/s10980-016-0387-5.

    Examples
    --------
    Half-suitable habitat: linear gives ``100 - 99 * 0.5 = 50.5``; with
    ``c = 8``, ``100 - 99 (1 - e^-4) / (1 - e^-8) = 2.78``.

    >>> suitability_to_resistance([[0.0, 0.5, 1.0]], method="linear")
    array([[100. ,  50.5,   1. ]])
    >>> suitability_to_resistance([[0.0, 0.5, 1.0]], method="negative_exponential", c=8).round(2)
    array([[100.  ,   2.78,   1.  ]])
    """
    check_choice("method", method, _TRANSFORMS)
    rmax = check_positive("max_resistance", max_resistance)
    if rmax <= 1:
        raise ValueError(
            f"max_resistance must be greater than 1 (the resistance of the best habitat). "
            f"Got max_resistance={max_resistance!r}."
        )
    scale = check_positive("scale", scale)
    if method == "linear":
        if c is not None:
            raise ValueError(
                "c applies to method='negative_exponential' only; remove c= or change method."
            )
    else:
        if c is None:
            raise ValueError(
                "method='negative_exponential' needs the shape parameter c (for example "
                "c=8; larger c = resistance stays low until suitability is low). "
                "Got c=None."
            )
        c = as_number("c", c)
        if c == 0 or not np.isfinite(c):
            raise ValueError(
                f"c must be a finite non-zero number (c -> 0 is the linear transform: use "
                f"method='linear'). Got c={c!r}."
            )
    _warn_nodata_in_range("suitability", suitability, 0.0, scale)
    grid = unwrap("suitability", suitability, keep_inf=True)
    h = grid.values / scale
    valid = ~np.isnan(h)
    bad = valid & ((h < 0) | (h > 1))
    if bad.any():
        r, col = np.argwhere(bad)[0]
        raise ValueError(
            f"suitability must lie between 0 and scale={scale:g}. Got "
            f"{float(grid.values[r, col])!r} at (row, col)=({r}, {col}). For scores out of 100 "
            "pass scale=100."
        )
    if method == "linear":
        frac = h
    else:
        frac = np.expm1(-c * h) / np.expm1(-c)
    out = rmax - (rmax - 1.0) * frac
    out = np.clip(out, 1.0, rmax, where=valid, out=out)
    return wrap_like(out, grid, name="resistance")


def _warn_nodata_in_range(name: str, raster, low: float, high: float) -> None:
    """Warn when a DataArray's nodata value is a valid value that occurs in it."""
    values, nodata, _, template, _ = read_raster(name, raster)
    if template is None or nodata is None or not np.isfinite(nodata) or not low <= nodata <= high:
        return
    count = int(np.count_nonzero(np.asarray(values) == nodata))
    if count:
        warnings.warn(
            f"{name} has nodata={nodata:g}, which is also a valid {name} (range {low:g} to "
            f"{high:g}): its {count} cells with that value are treated as nodata. If they are "
            f"valid, set {name}.rio.write_nodata(np.nan, encoded=False) first.",
            NodataInRangeWarning,
            stacklevel=3,
        )
