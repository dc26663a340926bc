"""Input checks shared by every method module.

Every public function of :mod:`gpec_teach` validates its arguments at the top with
these helpers, so that a learner gets one clear message that names the argument,
the value received and the fix, instead of a traceback from deep inside scipy.
User-facing message templates live here, in one place, so they can be reviewed
(and one day translated) together.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

__all__ = [
    "GPECWarning",
    "allow_geographic",
    "InvalidGeometryWarning",
    "NodataInRangeWarning",
    "as_float_grid",
    "check_choice",
    "check_grid_array",
    "check_instance",
    "check_positive",
    "check_probability",
    "check_resistance_values",
    "is_integer",
    "check_same_crs",
    "check_projected_crs",
    "describe",
]


class GPECWarning(UserWarning):
    """Base class of the warnings issued by :mod:`gpec_teach`."""


class InvalidGeometryWarning(GPECWarning):
    """Invalid polygons were repaired with ``shapely.make_valid`` before use."""


class NodataInRangeWarning(GPECWarning):
    """A raster's nodata value is also a valid value of the input.

    A raster derived from the land cover (``lc.copy(data=...)``) keeps its nodata
    value 0; a suitability of 0 then silently becomes nodata. Set the nodata value
    to NaN (``raster.rio.write_nodata(np.nan, encoded=False)``) or pass an array.
    """


def describe(value, *, limit: int = 60) -> str:
    """Return a short ``repr`` of *value* for an error message.

    Examples
    --------
    >>> describe(3.0)
    '3.0'
    >>> describe("x" * 100)[:10]
    "'xxxxxxxxx"
    """
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_choice(name: str, value, allowed: Iterable) -> None:
    """Raise ``ValueError`` unless *value* is one of *allowed*.

    Examples
    --------
    >>> check_choice("neighbors", 8, (4, 8))
    >>> check_choice("neighbors", 6, (4, 8))
    Traceback (most recent call last):
    ...
    ValueError: neighbors must be one of 4, 8. Got neighbors=6.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        options = ", ".join(repr(a) if isinstance(a, str) else str(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}. Got {name}={describe(value)}.")


def check_instance(name: str, value, cls: type, *, fix: str) -> None:
    """Raise ``TypeError`` unless *value* is a *cls*; *fix* says how to make one.

    Examples
    --------
    >>> check_instance("graph", 3, dict, fix="Build one with dict().")
    Traceback (most recent call last):
    ...
    TypeError: graph must be a dict. Got 3. Build one with dict().
    """
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}. Got {describe(value)}. {fix}")


def check_positive(name: str, value, *, allow_zero: bool = False) -> float:
    """Return *value* as ``float`` after checking it is a finite positive number.

    Examples
    --------
    >>> check_positive("cellsize", 100)
    100.0
    >>> check_positive("distance", -1)
    Traceback (most recent call last):
    ...
    ValueError: distance must be a positive number. Got distance=-1.
    """
    kind = "a non-negative" if allow_zero else "a positive"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {kind} number. Got {name}={describe(value)}.")
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise ValueError(f"{name} must be {kind} number. Got {name}={describe(value)}.")
    return number


def check_probability(name: str, value) -> float:
    """Return *value* as ``float`` after checking ``0 < value < 1``.

    Examples
    --------
    >>> check_probability("probability", 0.5)
    0.5
    >>> check_probability("probability", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: probability must be strictly between 0 and 1. Got probability=1.0.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1. Got {name}={describe(value)}.")
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1. Got {name}={value!r}.")
    return value


def check_grid_array(name: str, values, *, expected: str = "a numeric 2-D grid") -> np.ndarray:
    """Return ``np.asarray(values)`` after checking it is a non-empty numeric 2-D grid.

    *expected* completes the TypeError message ("{name} must be {expected}.").

    Examples
    --------
    >>> check_grid_array("classes", [[1, 2], [3, 4]]).shape
    (2, 2)
    """
    arr = np.asarray(values)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(
            f"{name} must be {expected}. Got {describe(values)} with dtype {arr.dtype}."
        )
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D grid (rows, columns). Got an array with "
            f"{arr.ndim} dimension(s) and shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one cell.")
    return arr


def as_float_grid(name: str, values, *, nodata=None, allow_all_nodata: bool = False):
    """Return a 2-D float64 copy of *values* with nodata cells set to NaN.

    Parameters
    ----------
    name : str
        Argument name used in error messages.
    values : array_like
        A 2-D numeric array (a numpy array or anything ``np.asarray`` accepts).
    nodata : float, optional
        Value that marks missing cells, in addition to NaN.
    allow_all_nodata : bool, default False
        If False, a grid with no valid cell is an error.

    Returns
    -------
    numpy.ndarray
        Float64 array; nodata cells are NaN.

    Examples
    --------
    >>> as_float_grid("resistance", [[1, -9999], [2, 3]], nodata=-9999)
    array([[ 1., nan],
           [ 2.,  3.]])
    >>> as_float_grid("resistance", [1, 2, 3])
    Traceback (most recent call last):
    ...
    ValueError: resistance must be a 2-D grid (rows, columns). Got an array with 1 dimension(s) and shape (3,).
    """
    arr = check_grid_array(name, values)
    out = arr.astype(np.float64, copy=True)
    if nodata is not None and not np.isnan(nodata):
        out[out == nodata] = np.nan
    out[~np.isfinite(out)] = np.nan
    if not allow_all_nodata and np.isnan(out).all():
        raise ValueError(
            f"{name} has no valid cell: every cell is nodata (nodata={nodata!r}). "
            "Check the nodata value and that the grid covers your study area."
        )
    return out


def check_same_crs(name_a: str, crs_a, name_b: str, crs_b) -> None:
    """Raise ``ValueError`` when two layers have different coordinate reference systems.

    A missing CRS on either side is an error too: it usually means a file lost its
    projection information (set it with ``.set_crs()`` / ``.rio.write_crs()``).

    Examples
    --------
    >>> check_same_crs("habitat", "EPSG:3035", "regions", "EPSG:3035")
    >>> check_same_crs("habitat", "EPSG:3035", "regions", "EPSG:4326")
    Traceback (most recent call last):
    ...
    ValueError: habitat and regions are in different CRSs (habitat: EPSG:3035, regions: EPSG:4326). Reproject one to match the other, for example regions.to_crs(habitat.crs).
    """
    from pyproj import CRS

    if crs_a is None or crs_b is None:
        missing = name_a if crs_a is None else name_b
        raise ValueError(
            f"{missing} has no CRS. Set it with .set_crs() (vectors) or "
            ".rio.write_crs() (rasters) before combining layers."
        )
    a, b = CRS.from_user_input(crs_a), CRS.from_user_input(crs_b)
    if a != b:
        raise ValueError(
            f"{name_a} and {name_b} are in different CRSs ({name_a}: {_crs_label(a)}, "
            f"{name_b}: {_crs_label(b)}). Reproject one to match the other, for example "
            f"{name_b}.to_crs({name_a}.crs)."
        )


#: Set by :func:`allow_geographic`: distance and area work on a geographic CRS proceeds.
_ALLOW_GEOGRAPHIC: ContextVar[bool] = ContextVar("gpec_allow_geographic", default=False)


@contextmanager
def allow_geographic():
    """Let distance and area work run on a geographic (degree) CRS, for those who know.

    By default every function of :mod:`gpec_teach` refuses rasters and vectors in a
    geographic CRS where it measures distances or areas, because one degree is not a
    fixed number of metres. Inside this block the check is off, and the results are in
    degrees (or square degrees): use it only for data whose extent is tiny, or when
    the degrees are what you want.

    Examples
    --------
    >>> with allow_geographic():
    ...     check_projected_crs("patches", "EPSG:4326")
    """
    token = _ALLOW_GEOGRAPHIC.set(True)
    try:
        yield
    finally:
        _ALLOW_GEOGRAPHIC.reset(token)


def check_projected_crs(name: str, crs, *, kind: str = "vector") -> None:
    """Refuse a geographic *crs* for distance and area work, with the call that fixes it.

    One policy for rasters and vectors: a geographic CRS raises a ``ValueError`` that
    names the argument and the reprojection call (``.to_crs(...)`` for vectors,
    ``.rio.reproject(...)`` for rasters), unless the caller is inside
    :func:`allow_geographic`. A missing CRS is not checked here.

    Examples
    --------
    >>> check_projected_crs("patches", "EPSG:3035")
    >>> check_projected_crs("patches", "EPSG:4326")
    Traceback (most recent call last):
    ...
    ValueError: patches is in a geographic CRS (EPSG:4326, units of degrees); distances and areas need metres. Reproject it first to a projected, preferably equal-area CRS, for example patches = patches.to_crs("EPSG:3035") (Europe; use your country's or a UTM zone's EPSG code). To use degrees on purpose, wrap the call in `with gpec_teach.allow_geographic():`.
    >>> check_projected_crs("land_cover", "EPSG:4326", kind="raster")
    Traceback (most recent call last):
    ...
    ValueError: land_cover is in a geographic CRS (EPSG:4326, units of degrees); distances and areas need metres. Reproject it first to a projected, preferably equal-area CRS, for example land_cover = land_cover.rio.reproject("EPSG:3035", resampling=Resampling.mode) (Europe; use your country's or a UTM zone's EPSG code; mode for classes, bilinear for continuous values). To use degrees on purpose, wrap the call in `with gpec_teach.allow_geographic():`.
    """
    from pyproj import CRS

    check_choice("kind", kind, ("vector", "raster"))
    if crs is None or _ALLOW_GEOGRAPHIC.get():
        return
    crs = CRS.from_user_input(crs)
    if not crs.is_geographic:
        return
    if kind == "vector":
        fix = f"{name} = {name}.to_crs(\"EPSG:3035\") (Europe; use your country's or a UTM zone's EPSG code)"
    else:
        fix = (
            f'{name} = {name}.rio.reproject("EPSG:3035", resampling=Resampling.mode) (Europe; '
            "use your country's or a UTM zone's EPSG code; mode for classes, bilinear for "
            "continuous values)"
        )
    raise ValueError(
        f"{name} is in a geographic CRS ({_crs_label(crs)}, units of degrees); distances and "
        f"areas need metres. Reproject it first to a projected, preferably equal-area CRS, "
        f"for example {fix}. To use degrees on purpose, wrap the call in "
        "`with gpec_teach.allow_geographic():`."
    )


def _crs_label(crs) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def check_resistance_values(name: str, values: np.ndarray) -> None:
    """Raise unless every non-NaN value is positive (``inf`` allowed)."""
    valid = ~np.isnan(values)
    bad = valid & (values <= 0)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        kind = "zero" if values[r, c] == 0 else "negative"
        raise ValueError(
            f"{name} has {int(bad.sum())} cell(s) with zero or negative resistance, first "
            f"at (row, col)=({r}, {c}) with value {float(values[r, c])!r} ({kind}). Resistance must "
            "be positive: give the easiest cover a resistance of 1, mark missing cells as "
            "NaN and absolute barriers as np.inf."
        )


def is_integer(value) -> bool:
    """Tell an integer that is not a bool (numpy integers included).

    Examples
    --------
    >>> is_integer(3), is_integer(np.int64(3)), is_integer(True), is_integer(3.0)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
