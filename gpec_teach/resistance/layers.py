r"""Combine resistance layers and burn line features (roads, fences, canals) into them.

See :mod:`gpec_teach.resistance` for the conventions and references.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import rasterio.features
import shapely

from .._raster import Grid, unwrap, wrap_like
from .._validation import (
    check_choice,
    check_positive,
    check_projected_crs,
    check_resistance_values,
    check_same_crs,
    describe,
)
from .classes import as_number

__all__ = ["burn_lines", "combine"]

_COMBINE = ("sum", "max", "weighted_sum")
_BURN = ("max", "replace", "add")


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
        v = as_number(name, v)
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
