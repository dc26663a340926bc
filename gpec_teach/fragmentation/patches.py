"""Patches of a class raster: labels and the FRAGSTATS patch table."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._raster import is_dataarray, read_raster
from .._validation import allow_geographic, check_choice, describe
from ._landscape import NEIGHBORS, label, perimeter_sides, read_classes, select

__all__ = ["label_patches", "patch_table", "patches_to_polygons"]


def label_patches(
    classes,
    *,
    cls: int | Iterable[int] | None = None,
    neighbors: int = 8,
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
    neighbors : {8, 4}, default 8
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
        If *classes* is not 2-D or only nodata, if ``neighbors`` is not 4 or 8, or if a
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
    >>> labels, n = label_patches(grid, cls=1, neighbors=4)
    >>> n
    4
    >>> labels
    array([[1, 0, 2],
           [0, 3, 0],
           [0, 0, 4]], dtype=int32)
    """
    check_choice("neighbors", neighbors, NEIGHBORS)
    land = read_classes(classes, cellsize=1.0, nodata=nodata)
    labels, klass, _ = label(land, select(land, cls), neighbors)
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
    neighbors: int = 8,
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
    neighbors : {8, 4}, default 8
        Patch rule, see :func:`label_patches`.
    nodata : float, optional
        Value marking nodata cells.

    Returns
    -------
    pandas.DataFrame
        One row per patch, in patch id order: ``patch_id`` (as in :func:`label_patches`),
        ``class`` (code; 1 for the True cells of a mask), ``area_ha``, ``perimeter_m``,
        ``n_cells``, ``centroid_row`` and ``centroid_col`` (mean row and column index of
        the cell centres, 0-based, rows counted from the top). A georeferenced *classes*
        (a DataArray with a transform) adds ``centroid_x`` and ``centroid_y``: the same
        centroid in map coordinates (CRS units; the mean of the cell-centre coordinates),
        ready for ``geopandas.points_from_xy(..., crs=classes.rio.crs)``.

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
    check_choice("neighbors", neighbors, NEIGHBORS)
    land = read_classes(classes, cellsize=cellsize, nodata=nodata)
    labels, klass, n_cells = label(land, select(land, cls), neighbors)
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
    centroid_row, centroid_col = row_sum / n_cells, col_sum / n_cells
    table = pd.DataFrame(
        {
            "patch_id": np.arange(1, n + 1, dtype=np.int64),
            "class": codes,
            "area_ha": n_cells * land.cell_ha,
            "perimeter_m": perimeter_sides(labels, n) * land.cellsize,
            "n_cells": n_cells.astype(np.int64),
            "centroid_row": centroid_row,
            "centroid_col": centroid_col,
        }
    )
    transform = _transform_of(land.template)
    if transform is not None:
        # the mean of cell-centre coordinates is the affine image of the mean (row, col)
        x, y = transform @ (centroid_col + 0.5, centroid_row + 0.5)
        table["centroid_x"] = np.asarray(x, dtype=np.float64)
        table["centroid_y"] = np.asarray(y, dtype=np.float64)
    return table


def _transform_of(template):
    """Affine transform of a georeferenced DataArray, None for arrays or without one."""
    if template is None or not hasattr(template, "rio"):
        return None
    try:
        template.rio.resolution()  # raises when the DataArray has no spatial dimensions
    except Exception:
        return None
    return template.rio.transform()


def patches_to_polygons(labels, *, transform=None, crs=None, id_column: str = "patch_id"):
    r"""Turn a raster of patch labels into polygons, one (multi)polygon per patch id.

    Every cell with a positive label becomes part of the polygon of its patch; cells
    touching only by a corner stay in one MultiPolygon, so a patch of the 8-neighbour
    rule is one row. The area is the number of cells times the cell area:

    .. math:: A_i = n_i \, c^2 / 10\,000 \quad \text{(ha, } c \text{ in metres)}

    Parameters
    ----------
    labels : xarray.DataArray or array_like
        2-D integer patch labels (0, negative or NaN = no patch), such as the first
        output of :func:`label_patches`. A DataArray brings its CRS and transform.
    transform : affine.Affine, optional
        Grid of a plain array (required then); ignored for a DataArray.
    crs : optional
        CRS of a plain array (required then); ignored for a DataArray.
    id_column : str, default "patch_id"
        Name of the id column (the label values).

    Returns
    -------
    geopandas.GeoDataFrame
        ``id_column``, ``n_cells``, ``area_ha`` (hectares when the CRS is in metres,
        else squared map units / 10,000) and the geometry, sorted by id, in the
        raster's CRS.

    Raises
    ------
    TypeError
        *labels* holds non-integer values.
    ValueError
        A plain array without *transform* and *crs*; a raster without CRS.

    Examples
    --------
    >>> from affine import Affine
    >>> labels = np.array([[1, 1, 0],
    ...                    [0, 0, 2],
    ...                    [0, 2, 0]])
    >>> polys = patches_to_polygons(labels, transform=Affine(100, 0, 0, 0, -100, 300),
    ...                             crs="EPSG:3035")
    >>> polys.drop(columns="geometry").to_dict("records")
    [{'patch_id': 1, 'n_cells': 2, 'area_ha': 2.0}, {'patch_id': 2, 'n_cells': 2, 'area_ha': 2.0}]
    >>> polys.geometry.iloc[1].geom_type, polys.crs.to_epsg()
    ('MultiPolygon', 3035)
    """
    import geopandas as gpd
    from rasterio.features import shapes
    from shapely.geometry import shape
    from shapely.ops import unary_union

    if is_dataarray(labels):
        with allow_geographic():  # polygons measure nothing
            values, raw_nodata, _, template, crs = read_raster("labels", labels)
        transform = template.rio.transform()
        if crs is None:
            raise ValueError(
                "labels has no CRS: set it with labels.rio.write_crs('EPSG:...'), the CRS "
                "of the raster it was labelled from."
            )
    else:
        if transform is None or crs is None:
            raise ValueError(
                "labels is a plain array: pass transform= and crs= (those of the raster it "
                "was labelled from), or pass a georeferenced DataArray."
            )
        values, raw_nodata = np.asarray(labels), None
    values = np.asarray(values, dtype="float64")
    if values.ndim != 2:
        raise ValueError(f"labels must be a 2-D grid. Got {values.ndim} dimensions.")
    valid = np.isfinite(values)
    if raw_nodata is not None and not np.isnan(raw_nodata):
        valid &= values != raw_nodata
    if not np.array_equal(values[valid], np.round(values[valid])):
        raise TypeError(
            f"labels must hold integer patch ids. Got {describe(labels)} with fractional "
            "values: label the patches first with label_patches()."
        )
    ids = np.where(valid & (values > 0), values, 0).astype("int64")
    parts: dict[int, list] = {}
    for geom, value in shapes(ids.astype("int32"), mask=ids > 0, transform=transform):
        parts.setdefault(int(value), []).append(shape(geom))
    order = sorted(parts)
    geoms = [unary_union(parts[pid]) for pid in order]
    counts = np.bincount(ids.ravel(), minlength=max(order, default=0) + 1)
    cell_area = abs(transform.a * transform.e - transform.b * transform.d)
    n_cells = [int(counts[pid]) for pid in order]
    return gpd.GeoDataFrame(
        {
            id_column: np.asarray(order, dtype="int64"),
            "n_cells": np.asarray(n_cells, dtype="int64"),
            "area_ha": np.asarray(n_cells, dtype="float64") * cell_area / 10_000.0,
        },
        geometry=geoms,
        crs=crs,
    )
