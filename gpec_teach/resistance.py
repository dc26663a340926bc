r"""Resistance surfaces: how hard it is for an animal to cross each cell.

A resistance surface is a raster whose value in a cell is the cost (per unit
distance) of moving through it: 1 for the easiest habitat, larger numbers for
harder cover. Every connectivity method of this curriculum starts from one:
least-cost corridors (:mod:`gpec_teach.least_cost`) and circuit theory
(:mod:`gpec_teach.circuit`). This module builds them:

* :func:`reclassify` land-cover classes with a table (expert opinion or
  literature values), including absolute barriers;
* :func:`suitability_to_resistance` with the linear or negative-exponential
  transforms of Keeley et al. (2016);
* :func:`combine` several layers (sum, maximum, weighted sum);
* :func:`burn_lines` roads (or fences, canals) from a GeoDataFrame, by class
  and width;
* :func:`coarsen` to a larger cell, with a stated effect on barriers and
  corridors;
* :func:`resistance_to_conductance` and :func:`conductance_to_resistance`.

Conventions shared by all ``gpec_teach`` modules: ``NaN`` (or the raster's
nodata) is a missing cell, absent from any analysis; ``np.inf`` is an absolute
barrier (not traversable); resistance must be positive (zero and negative are
errors). Every function accepts a numpy array or a georeferenced rioxarray
DataArray, and returns the same kind.

References
----------
Adriaensen, F., Chardon, J. P., De Blust, G., Swinnen, E., Villalba, S.,
Gulinck, H. & Matthysen, E. (2003). The application of 'least-cost' modelling
as a functional landscape model. Landscape and Urban Planning 64 (4): 233-247.
https://doi.org/10.1016/S0169-2046(02)00242-6

Zeller, K. A., McGarigal, K. & Whiteley, A. R. (2012). Estimating landscape
resistance to movement: a review. Landscape Ecology 27 (6): 777-797.
https://doi.org/10.1007/s10980-012-9737-0

Keeley, A. T. H., Beier, P. & Gagnon, J. W. (2016). Estimating landscape
resistance from habitat suitability: effects of data source and nonlinearities.
Landscape Ecology 31 (9): 2151-2162. https://doi.org/10.1007/s10980-016-0387-5
"""

from __future__ import annotations

import numbers
import os
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import rasterio.features
import shapely
import xarray as xr
from affine import Affine

from ._raster import Grid, read_raster, unwrap, wrap_like
from ._validation import (
    NodataInRangeWarning,
    check_choice,
    check_positive,
    check_projected_crs,
    check_resistance_values,
    check_same_crs,
    describe,
)

__all__ = [
    "burn_lines",
    "coarsen",
    "combine",
    "conductance_to_resistance",
    "reclassify",
    "resistance_to_conductance",
    "suitability_to_resistance",
]

_TRANSFORMS = ("linear", "negative_exponential")
_COMBINE = ("sum", "max", "weighted_sum")
_BURN = ("max", "replace", "add")
_COARSEN = ("mean", "max")
_COARSEN_NODATA = ("ignore", "propagate")
_COARSEN_BARRIERS = ("any", "majority")
_BOUNDARY = ("expand", "trim")


# ===================================================================== shared helpers
def _as_number(name: str, value) -> float:
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
        values[values == _as_number("nodata", nodata)] = np.nan
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
        c = _as_number("c", c)
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


# =========================================================================== combine
def _transform_of(grid: Grid):
    if grid.template is None or not hasattr(grid.template, "rio"):
        return None
    try:
        return grid.template.rio.transform()
    except Exception:  # pragma: no cover - DataArray without spatial dims
        return None


def combine(layers: Sequence, *, method: str = "sum", weights: Sequence[float] | None = None):
    r"""Combine several resistance layers cell by cell.

    .. math::

        R = \sum_k R_k \quad \text{(sum)}, \qquad
        R = \max_k R_k \quad \text{(max)}, \qquad
        R = \sum_k w_k R_k \quad \text{(weighted sum)}

    Sum treats the layers as independent costs that add up (land cover plus a
    road penalty); max lets the hardest factor decide; a weighted sum expresses
    the relative importance of the factors (the weights are in resistance units
    per layer unit). A cell that is nodata (NaN) in any layer is nodata in the
    result; a barrier (``inf``) in any layer is a barrier in the result.

    Parameters
    ----------
    layers : sequence of array_like or xarray.DataArray
        Two or more grids of the same shape (and, for DataArrays, the same CRS
        and transform). Values must be non-negative: a 0 in an additive layer
        means "no extra cost here".
    method : {"sum", "max", "weighted_sum"}, default "sum"
    weights : sequence of float, optional
        One positive weight per layer; required for ``"weighted_sum"`` and
        refused otherwise.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Combined resistance, georeferenced like the first DataArray layer.

    Raises
    ------
    ValueError
        Fewer than two layers, shapes/CRSs/transforms differ, a negative value,
        a combined resistance of 0, bad weights.

    References
    ----------
    Zeller et al. (2012), https://doi.org/10.1007/s10980-012-9737-0.

    Examples
    --------
    >>> base = [[1.0, 5.0]]
    >>> roads = [[0.0, 20.0]]
    >>> combine([base, roads])
    array([[ 1., 25.]])
    >>> combine([base, roads], method="max")
    array([[ 1., 20.]])
    >>> combine([base, roads], method="weighted_sum", weights=[2, 0.5])
    array([[ 2., 20.]])
    """
    check_choice("method", method, _COMBINE)
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a list of two or more grids. Got {describe(layers)}.")
    if len(layers) < 2:
        raise ValueError(f"layers must hold at least two grids. Got {len(layers)}.")
    if method == "weighted_sum":
        if weights is None:
            raise ValueError("method='weighted_sum' needs weights=, one per layer.")
        if len(weights) != len(layers):
            raise ValueError(
                f"weights must have one value per layer ({len(layers)}). Got {len(weights)}."
            )
        w = [check_positive(f"weights[{k}]", v) for k, v in enumerate(weights)]
    else:
        if weights is not None:
            raise ValueError(
                f"weights apply to method='weighted_sum' only. Got method={method!r}; "
                "remove weights= or use method='weighted_sum'."
            )
        w = [1.0] * len(layers)
    grids = [unwrap(f"layers[{k}]", layer, keep_inf=True) for k, layer in enumerate(layers)]
    first = next((g for g in grids if g.template is not None), grids[0])
    k0 = grids.index(first)
    for k, g in enumerate(grids):
        if g.values.shape != first.values.shape:
            raise ValueError(
                f"layers[{k}] has shape {g.values.shape} but layers[{k0}] has shape "
                f"{first.values.shape}; all layers must be on the same grid."
            )
        if g.template is not None and first.template is not None and k != k0:
            if g.crs is not None or first.crs is not None:
                check_same_crs(f"layers[{k0}]", first.crs, f"layers[{k}]", g.crs)
            t0, t1 = _transform_of(first), _transform_of(g)
            if t0 is not None and t1 is not None and not t0.almost_equals(t1):
                raise ValueError(
                    f"layers[{k}] is not aligned with layers[{k0}] (different transform). "
                    f"Resample it with layers[{k}].rio.reproject_match(layers[{k0}])."
                )
        vals = g.values
        neg = ~np.isnan(vals) & (vals < 0)
        if neg.any():
            r, c = np.argwhere(neg)[0]
            raise ValueError(
                f"layers[{k}] has a negative value {float(vals[r, c])!r} at (row, col)=({r}, {c}). "
                "Resistance layers must be non-negative."
            )
    stack = np.stack([g.values for g in grids])
    nodata = np.isnan(stack).any(axis=0)
    if method == "max":
        out = stack.max(axis=0)
    else:
        out = np.tensordot(np.asarray(w), np.where(np.isnan(stack), 0.0, stack), axes=1)
    out[nodata] = np.nan
    zero = ~nodata & (out == 0)
    if zero.any():
        r, c = np.argwhere(zero)[0]
        raise ValueError(
            f"the combined resistance is 0 at {int(zero.sum())} cell(s), first at (row, col)="
            f"({r}, {c}). Include a base layer that is positive everywhere (easiest cover = 1)."
        )
    return wrap_like(out, first, name="resistance")


# ========================================================================= burn lines
def _per_class(name: str, spec, classes, class_column, *, allow_inf: bool) -> np.ndarray:
    """Per-feature values from a number or a ``{class: value}`` mapping."""
    if isinstance(spec, Mapping):
        if class_column is None:
            raise ValueError(
                f"{name} is a mapping by class: give class_column= (the column of lines "
                "that holds the class, for example 'road_class')."
            )
        missing = sorted({c for c in classes if c not in spec}, key=str)
        if missing:
            raise ValueError(
                f"{name} has no value for line class(es) {', '.join(map(str, missing))} "
                f"found in column {class_column!r}. Add them to {name}."
            )
        raw = [spec[c] for c in classes]
    else:
        raw = [spec] * len(classes)
    out = np.empty(len(raw))
    for k, v in enumerate(raw):
        v = _as_number(name, v)
        if np.isnan(v) or v <= 0 or (np.isinf(v) and not allow_inf):
            allowed = "a positive number or np.inf" if allow_inf else "a positive finite number"
            where = "" if classes[k] is None else f" for class {classes[k]!r}"
            raise ValueError(f"{name} must be {allowed}. Got {v!r}{where}.")
        out[k] = v
    return out


def _seal_diagonals(burned: np.ndarray) -> np.ndarray:
    """Fill diagonal-only steps of burned lines so that 8-neighbour moves cannot slip through.

    Where two burned cells touch only at a corner, a path moving diagonally
    between the two other cells of the 2 x 2 block would cross the line without
    entering it. One of those cells is burned too (with the larger of the two
    corner values), repeated until no such gap is left.
    """
    out = burned.copy()
    for _ in range(out.shape[0] + out.shape[1]):
        m = ~np.isnan(out)
        # pattern "\": (i, j) and (i+1, j+1) burned, (i, j+1) and (i+1, j) not
        a = m[:-1, :-1] & m[1:, 1:] & ~m[:-1, 1:] & ~m[1:, :-1]
        # pattern "/": (i, j+1) and (i+1, j) burned, the other two not
        b = m[:-1, 1:] & m[1:, :-1] & ~m[:-1, :-1] & ~m[1:, 1:]
        if not (a.any() or b.any()):
            break
        ia, ja = np.nonzero(a)
        out[ia, ja + 1] = np.maximum(out[ia, ja], out[ia + 1, ja + 1])
        ib, jb = np.nonzero(b & ~a)
        still = np.isnan(out[ib, jb])
        ib, jb = ib[still], jb[still]
        out[ib, jb] = np.maximum(out[ib, jb + 1], out[ib + 1, jb])
    return out


def burn_lines(
    resistance,
    lines,
    *,
    values,
    widths=None,
    class_column: str | None = None,
    how: str = "max",
    seal_diagonals: bool = True,
):
    r"""Burn line features (roads, fences, canals) into a resistance raster.

    Each line is buffered to its width (metres, total width, so ``width / 2``
    each side), rasterised with :func:`rasterio.features.rasterize` using
    ``all_touched=True`` (every cell the road touches is burned, so a road
    narrower than a cell stays continuous), and combined with the base:

    .. math::

        R'(x) = \begin{cases}
        \max(R(x), V) & \text{how = "max" (default)}\\
        V & \text{how = "replace"}\\
        R(x) + V & \text{how = "add"}
        \end{cases}

    for every burned cell :math:`x`, with :math:`V` the value of the line's
    class (the largest one where lines of several classes overlap). Nodata cells
    of the base stay nodata.

    Parameters
    ----------
    resistance : xarray.DataArray
        Georeferenced resistance raster (rioxarray) in a projected CRS.
    lines : geopandas.GeoDataFrame or GeoSeries
        LineString / MultiLineString features in the raster's CRS.
    values : float or dict
        Resistance of the lines (``np.inf`` = absolute barrier, for a fenced
        motorway), or ``{class: value}`` with *class_column*. With
        ``how="add"`` this is the extra resistance added to the base.
    widths : float or dict, optional
        Total width in metres, one number or ``{class: width}``. ``None`` burns
        the line itself (one cell wide).
    class_column : str, optional
        Column of *lines* holding the class used by *values* / *widths*.
    how : {"max", "replace", "add"}, default "max"
        How the line value meets the base resistance.
    seal_diagonals : bool, default True
        Where burned cells touch only at a corner, burn one more cell so that an
        8-neighbour step cannot cross the line diagonally between them.

    Returns
    -------
    xarray.DataArray
        Resistance with the lines burned in, same grid as *resistance*.

    Raises
    ------
    ValueError
        CRS mismatch (both named) or missing CRS; geographic CRS; non-line
        geometries; classes missing from *values* / *widths*; bad values.
    TypeError
        *resistance* is a plain array (lines need a georeferenced raster).

    References
    ----------
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    A road along the middle row of a 3 x 4 grid of 100 m cells:

    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> r = xr.DataArray(np.ones((3, 4)), dims=("y", "x"),
    ...                  coords={"y": [250.0, 150.0, 50.0], "x": [50.0, 150, 250, 350]})
    >>> r = r.rio.write_crs("EPSG:3035")
    >>> road = gpd.GeoDataFrame(geometry=[LineString([(0, 150), (400, 150)])], crs="EPSG:3035")
    >>> burn_lines(r, road, values=50.0).values
    array([[ 1.,  1.,  1.,  1.],
           [50., 50., 50., 50.],
           [ 1.,  1.,  1.,  1.]])
    """
    check_choice("how", how, _BURN)
    if not isinstance(seal_diagonals, bool):
        raise TypeError(f"seal_diagonals must be True or False. Got {describe(seal_diagonals)}.")
    grid = unwrap("resistance", resistance, keep_inf=True)
    if grid.template is None or not hasattr(grid.template, "rio"):
        raise TypeError(
            "resistance must be a georeferenced xarray.DataArray (rioxarray) to burn lines "
            f"given in map coordinates. Got {describe(resistance)}."
        )
    geoms = _line_geometries(lines)
    check_resistance_values("resistance", grid.values)
    check_same_crs("resistance", grid.crs, "lines", lines.crs)
    check_projected_crs("lines", lines.crs)
    classes = _line_classes(lines, class_column, len(geoms))
    vals = _per_class("values", values, classes, class_column, allow_inf=True)
    if widths is None:
        shapes = list(geoms.values)
    else:
        w = _per_class("widths", widths, classes, class_column, allow_inf=False)
        shapes = list(shapely.buffer(np.asarray(geoms.values, dtype=object), w / 2.0))
    burned = _rasterize_lines(shapes, vals, grid)
    if seal_diagonals:
        burned = _seal_diagonals(burned)
    base = grid.values
    hit = ~np.isnan(burned) & ~np.isnan(base)
    out = base.copy()
    if how == "max":
        out[hit] = np.maximum(base[hit], burned[hit])
    elif how == "replace":
        out[hit] = burned[hit]
    else:
        out[hit] = base[hit] + burned[hit]
    return wrap_like(out, grid, name="resistance")


def _line_geometries(lines):
    """Return the geometries of *lines*, checked: a non-empty GeoDataFrame/GeoSeries of lines."""
    if not hasattr(lines, "geometry") or not hasattr(lines, "crs"):
        raise TypeError(
            f"lines must be a GeoDataFrame or GeoSeries of lines. Got {describe(lines)}."
        )
    geoms = lines.geometry if hasattr(lines, "columns") else lines
    if len(geoms) == 0:
        raise ValueError("lines is empty: it has no feature to burn.")
    types = set(shapely.get_type_id(np.asarray(geoms.values, dtype=object)).tolist())
    if not types <= {1, 5}:  # LineString, MultiLineString
        bad = [
            t
            for t in geoms.geom_type.unique().tolist()
            if t not in ("LineString", "MultiLineString")
        ]
        raise ValueError(
            f"lines must hold LineString or MultiLineString geometries. Got {bad}. Convert "
            "polygons with .boundary, or rasterise areas with rasterio.features.rasterize."
        )
    return geoms


def _line_classes(lines, class_column: str | None, n: int) -> list:
    """Return the class of each line (from *class_column*), or None for each when not given."""
    if class_column is None:
        return [None] * n
    if not hasattr(lines, "columns") or class_column not in lines.columns:
        cols = list(lines.columns) if hasattr(lines, "columns") else []
        raise ValueError(f"lines has no column {class_column!r}. Got columns {cols}.")
    return lines[class_column].tolist()


def _rasterize_lines(shapes: list, vals: np.ndarray, grid: Grid) -> np.ndarray:
    """Burn each shape with its value (``all_touched``); the largest wins; NaN elsewhere."""
    # burn in increasing value order so that the largest value wins where lines overlap
    order = np.argsort(vals, kind="stable")
    finite_code = {}
    codes = np.empty(len(vals), dtype=np.int32)
    for k in order:
        codes[k] = finite_code.setdefault(vals[k], len(finite_code) + 1)
    lut = np.full(len(finite_code) + 1, np.nan)
    for v, code in finite_code.items():
        lut[code] = v
    ids = rasterio.features.rasterize(
        [(shapes[k], int(codes[k])) for k in order if not shapes[k].is_empty],
        out_shape=grid.values.shape,
        transform=grid.template.rio.transform(),
        fill=0,
        all_touched=True,
        dtype="int32",
    )
    return lut[ids]


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
