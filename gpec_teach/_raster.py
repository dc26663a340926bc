"""Thin adapters between georeferenced rasters and the numpy kernels.

Core algorithms take a numpy array plus an explicit cell size. Public functions
accept either a plain array or a georeferenced :class:`xarray.DataArray`
(rioxarray), call :func:`unwrap` at the top and :func:`wrap_like` on the way
out, so CRS, transform, coordinates and nodata are carried through unchanged.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_grid, check_positive, check_projected_crs, check_same_crs

__all__ = [
    "Grid",
    "grid_transform",
    "is_dataarray",
    "polygon_cells",
    "read_raster",
    "unwrap",
    "wrap_like",
]

# rioxarray (0.x) multiplies affine transforms with ``*`` inside ``.rio.transform()``,
# ``.rio.resolution()`` and ``open_rasterio``; affine >= 2.4 answers every call with a
# PendingDeprecationWarning that we cannot avoid (our own code uses ``@``). Silence that
# one message, and only when it is raised from rioxarray's modules.
warnings.filterwarnings(
    "ignore",
    message="Use `@` matmul instead of `\\*` mul operator",
    category=PendingDeprecationWarning,
    module=r"rioxarray(\.|$)",
)


@dataclass(frozen=True)
class Grid:
    """A raster as the kernels see it.

    Attributes
    ----------
    values : numpy.ndarray
        2-D float64 array, nodata as NaN.
    cellsize : float
        Side of a (square) cell in map units (metres on a projected CRS).
    template : xarray.DataArray or None
        The input DataArray, used to georeference outputs; None for arrays.
    crs : pyproj.CRS or None
        CRS of the input raster, if any.
    """

    values: np.ndarray
    cellsize: float
    template: object = None
    crs: object = None


def is_dataarray(obj) -> bool:
    """Return True for an :class:`xarray.DataArray` (checked without importing xarray).

    Examples
    --------
    >>> is_dataarray(np.ones((2, 2)))
    False
    """
    return type(obj).__name__ == "DataArray" and hasattr(obj, "dims")


_is_dataarray = is_dataarray  # the former private name, still used by modules not yet migrated


def _squeeze_band(da):
    """Drop a leading band dimension of length 1."""
    if da.ndim == 3 and da.shape[0] == 1:
        return da.squeeze(da.dims[0], drop=True)
    return da


def read_raster(
    name: str, raster, *, cellsize=None, require_cellsize: bool = False
) -> tuple[np.ndarray, object, float, object, object]:
    """Read the raw values and georeferencing of an array or DataArray (the one adapter).

    Every public function reads its rasters through this function (directly, or
    through :func:`unwrap` for numeric grids), so the rules are the same everywhere:

    - a DataArray gives its values (a band dimension of length 1 squeezed), its
      nodata value (``rio.nodata``, else the encoded ``_FillValue``), its CRS and its
      cell size (from the transform; non-square cells are refused);
    - a geographic CRS is refused (see :func:`~gpec_teach._validation.check_projected_crs`);
    - a plain array has no georeferencing: its cell size is *cellsize*; when the
      function's outputs are in map units (areas, distances, costs), pass
      ``require_cellsize=True`` and a missing *cellsize* raises, instead of silently
      using 1.

    Returns
    -------
    tuple
        ``(values, nodata, cellsize, template, crs)``: the raw values (any dtype, not
        validated), nodata (None for arrays), the cell side, the DataArray (None for
        arrays) and its CRS (or None).

    Examples
    --------
    >>> read_raster("classes", [[1, 2]], cellsize=30)[2]
    30.0
    >>> read_raster("classes", [[1, 2]], require_cellsize=True)
    Traceback (most recent call last):
    ...
    TypeError: cellsize is required for a plain array classes: give the cell side in metres, for example cellsize=30.0 for Landsat-based land cover (a georeferenced raster gives it itself).
    """
    if _is_dataarray(raster):
        da = _squeeze_band(raster)
        nodata = crs = None
        if hasattr(da, "rio"):
            nodata = da.rio.nodata
            if nodata is None:
                nodata = da.rio.encoded_nodata
            crs = da.rio.crs
            check_projected_crs(name, crs, kind="raster")
            if cellsize is None:
                try:
                    xres, yres = da.rio.resolution()
                except Exception:  # no spatial dims: treated like a plain array below
                    xres = yres = None
                if xres is not None:
                    if not np.isclose(abs(xres), abs(yres), rtol=1e-6):
                        raise ValueError(
                            f"{name} has non-square cells ({abs(xres)} x {abs(yres)}). "
                            "Resample it to square cells first, for example with "
                            f"{name}.rio.reproject({name}.rio.crs, resolution=...)."
                        )
                    cellsize = abs(xres)
        values, template = np.asarray(da.values), da
    else:
        values, nodata, template, crs = np.asarray(raster), None, None, None
    if cellsize is None:
        if require_cellsize:
            raise TypeError(
                f"cellsize is required for a plain array {name}: give the cell side in metres, "
                "for example cellsize=30.0 for Landsat-based land cover (a georeferenced "
                "raster gives it itself)."
            )
        cellsize = 1.0
    return values, nodata, check_positive("cellsize", cellsize), template, crs


def unwrap(
    name: str,
    raster,
    *,
    cellsize=None,
    require_cellsize: bool = False,
    keep_inf: bool = False,
    like: Grid | None = None,
    allow_all_nodata: bool = False,
) -> Grid:
    """Return a numeric :class:`Grid` (float64, nodata as NaN) from an array or DataArray.

    Parameters
    ----------
    name : str
        Argument name for error messages.
    raster : array_like or xarray.DataArray
        A 2-D grid, read by :func:`read_raster`. Its nodata cells become NaN.
    cellsize : float, optional
        Cell size in map units; read from a DataArray's transform when not given.
    require_cellsize : bool, default False
        Refuse a plain array without *cellsize* (outputs in map units).
    keep_inf : bool, default False
        Keep ``+inf`` cells as ``inf`` (absolute barriers of a resistance surface)
        instead of turning them into NaN (nodata); ``-inf`` raises.
    like : Grid, optional
        A grid this one must match: same shape, and the same CRS when both have one
        (sources, grounds, masks beside a resistance surface).
    allow_all_nodata : bool, default False
        Accept a grid with no valid cell.

    Examples
    --------
    >>> g = unwrap("resistance", [[1.0, 2.0], [3.0, 4.0]], cellsize=100)
    >>> g.cellsize, g.values.shape, g.template is None
    (100.0, (2, 2), True)
    >>> unwrap("resistance", [[1.0, np.inf]], keep_inf=True).values.tolist()
    [[1.0, inf]]
    >>> unwrap("grounds", [[0.0, 1.0, 2.0]], like=g)
    Traceback (most recent call last):
    ...
    ValueError: grounds must have the shape of the resistance grid (2, 2). Got shape (1, 3).
    """
    raw, nodata, cellsize, template, crs = read_raster(
        name, raster, cellsize=cellsize, require_cellsize=require_cellsize
    )
    if like is not None and crs is not None and like.crs is not None:
        check_same_crs("resistance", like.crs, name, crs)
    # barriers (inf) are NaN after as_float_grid: check "no valid cell" after restoring them
    values = as_float_grid(name, raw, nodata=nodata, allow_all_nodata=allow_all_nodata or keep_inf)
    if keep_inf and np.issubdtype(raw.dtype, np.floating) and raw.shape == values.shape:
        if nodata is None or not np.isposinf(nodata):
            values[np.isposinf(raw)] = np.inf
        if np.isneginf(raw).any():
            r, c = np.argwhere(np.isneginf(raw))[0]
            raise ValueError(
                f"{name} has -inf at (row, col)=({r}, {c}). Resistance must be positive: "
                "use np.inf for absolute barriers and NaN for missing cells."
            )
    if like is not None and values.shape != like.values.shape:
        raise ValueError(
            f"{name} must have the shape of the resistance grid {like.values.shape}. "
            f"Got shape {values.shape}."
        )
    if keep_inf and not allow_all_nodata and np.isnan(values).all():
        raise ValueError(
            f"{name} has no valid cell: every cell is nodata. Check the nodata value and "
            "that the grid covers your study area."
        )
    return Grid(values, cellsize, template, crs)


def wrap_like(values: np.ndarray, grid: Grid, *, name: str | None = None, nodata=np.nan):
    """Return *values* georeferenced like the input of *grid*, or as is for arrays.

    Examples
    --------
    >>> g = unwrap("r", np.ones((2, 2)))
    >>> wrap_like(np.zeros((2, 2)), g)
    array([[0., 0.],
           [0., 0.]])
    """
    if grid.template is None:
        return values
    template = grid.template
    if template.ndim == 3 and template.shape[0] == 1:
        template = template.squeeze(template.dims[0], drop=True)
    out = template.copy(data=np.asarray(values))
    out.attrs = {}
    out.encoding = {}
    if name is not None:
        out.name = name
    if hasattr(out, "rio"):
        if grid.crs is not None:
            out = out.rio.write_crs(grid.crs)
        if np.issubdtype(out.dtype, np.floating):
            out = out.rio.write_nodata(nodata, encoded=False)
    return out


def grid_transform(grid: Grid):
    """Affine transform of *grid* (for a plain array: north-up, top-left at y = rows x cellsize).

    Examples
    --------
    >>> tuple(grid_transform(unwrap("r", np.ones((2, 3)), cellsize=10.0)))[:6]
    (10.0, 0.0, 0.0, 0.0, -10.0, 20.0)
    """
    from affine import Affine

    if grid.template is not None and hasattr(grid.template, "rio"):
        try:
            return grid.template.rio.transform()
        except Exception:  # pragma: no cover - DataArray without spatial dims
            pass
    s = grid.cellsize
    return Affine(s, 0.0, 0.0, 0.0, -s, grid.values.shape[0] * s)


def polygon_cells(geoms, grid: Grid) -> list[np.ndarray]:
    r"""Flat indices of the cells whose centre lies inside each geometry (the one rasteriser).

    Every caller that turns polygons into cells (focal regions of the circuit modes,
    cores and patches of the cost-distance code) goes through this function, so the
    rule is the same everywhere: a cell belongs to a polygon when its centre is inside
    (GDAL's rule, ``all_touched=False``). Each geometry is burned only over the window
    of its bounding box, so many small polygons on a large grid cost little.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        Polygons or multipolygons (``None`` or empty: no cell).
    grid : Grid
        The raster (its shape and :func:`grid_transform`).

    Returns
    -------
    list of numpy.ndarray
        One sorted int64 array of flat (row-major) cell indices per geometry; cells of
        overlapping polygons appear in each.

    Examples
    --------
    A 1 x 2 box over a 3 x 3 grid of 1 m cells covers the centres of two cells of the
    top row:

    >>> from shapely.geometry import box
    >>> g = unwrap("r", np.ones((3, 3)), cellsize=1.0)
    >>> polygon_cells([box(0.0, 2.0, 2.0, 3.0)], g)[0].tolist()
    [0, 1]
    """
    import rasterio.features
    from affine import Affine

    nrows, ncols = grid.values.shape
    t = grid_transform(grid)
    north_up = t.b == 0 and t.d == 0
    out = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        r0, r1, c0, c1 = 0, nrows, 0, ncols
        if north_up:
            minx, miny, maxx, maxy = geom.bounds
            cols = sorted(((minx - t.c) / t.a, (maxx - t.c) / t.a))
            rows = sorted(((miny - t.f) / t.e, (maxy - t.f) / t.e))
            # one cell of margin each side: the window only has to contain every centre
            c0, c1 = max(int(np.floor(cols[0])) - 1, 0), min(int(np.ceil(cols[1])) + 1, ncols)
            r0, r1 = max(int(np.floor(rows[0])) - 1, 0), min(int(np.ceil(rows[1])) + 1, nrows)
        if r1 <= r0 or c1 <= c0:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        inside = rasterio.features.geometry_mask(
            [geom],
            out_shape=(r1 - r0, c1 - c0),
            transform=t @ Affine.translation(c0, r0),
            invert=True,
        )
        rr, cc = np.nonzero(inside)
        out.append(((rr + r0) * ncols + (cc + c0)).astype(np.int64))
    return out
