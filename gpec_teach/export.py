"""Results out to QGIS: georeferenced rasters written the way a GIS expects them.

Rasters from ``gpec_teach`` carry ``inf`` for absolute barriers and NaN for nodata. A
GeoTIFF with ``inf`` in it breaks QGIS's min/max colour stretch, and float64 doubles the
file size for no gain in precision. :func:`save_raster` writes a Cloud-Optimized GeoTIFF
(tiled, compressed, with overviews) in float32, with barriers and NaN written as the
nodata value, and the CRS and transform kept. :func:`save_vector` writes a GeoPackage
layer. Both write a QGIS style when asked (``style=``): a ``.qml`` beside the file, and for
a GeoPackage also the default style in its ``layer_styles`` table (see :mod:`gpec_teach.qgis`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._raster import is_dataarray, read_raster
from ._validation import allow_geographic, check_choice, describe
from .qgis import RASTER_KINDS, VECTOR_KINDS, store_style, write_qml

__all__ = ["save_raster", "save_vector"]

#: Nodata value written by :func:`save_raster` (QGIS shows it as transparent).
NODATA = -9999.0


def save_raster(
    raster,
    path,
    *,
    dtype: str = "float32",
    nodata: float = NODATA,
    barriers: str = "nodata",
    overwrite: bool = False,
    style: str | dict | None = None,
) -> Path:
    """Write a georeferenced raster as a Cloud-Optimized GeoTIFF that QGIS opens as is.

    Parameters
    ----------
    raster : xarray.DataArray
        A georeferenced 2-D raster (``rio.crs`` and a transform), such as a resistance
        surface, a cost distance, a current map or a corridor. NaN and the raster's own
        nodata value are written as *nodata*.
    path : str or pathlib.Path
        Output file, ending in ``.tif``; its folder is created.
    dtype : {"float32", "float64"}, default "float32"
        float32 keeps 7 significant digits, more than any input of a connectivity
        analysis, in half the space.
    nodata : float, default -9999
        Value written for nodata cells (and for barriers, see *barriers*).
    barriers : {"nodata", "max"}, default "nodata"
        How ``inf`` cells (absolute barriers, unreachable cells) are written: as
        *nodata* (transparent in QGIS), or as the largest finite value of the raster
        (they stay visible, in the top colour of the stretch). ``-inf`` is refused.
    overwrite : bool, default False
        Replace an existing file.
    style : {"continuous", "classes"} or dict, optional
        Also write a QGIS style beside the file (``name.qml`` beside ``name.tif``; QGIS
        applies it on opening): ``"continuous"`` stretches a colour ramp over the
        written values' 2-98 % cumulative cut (QGIS's default), nodata transparent; a
        dict passes options to :func:`gpec_teach.qgis.write_qml`, for example
        ``{"kind": "classes", "classes": {1: ("corridor", "#d55e00")}}`` or
        ``{"kind": "continuous", "colormap": "magma"}``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        *raster* is not a DataArray (a plain array has no georeferencing: wrap it with
        the grid it came from, ``template.copy(data=array)``).
    ValueError
        No CRS; a path that does not end in ``.tif``; an existing file without
        ``overwrite=True``; a raster with no valid cell; ``-inf`` cells.

    Examples
    --------
    >>> import tempfile, numpy as np, rasterio, rioxarray, xarray as xr
    >>> da = xr.DataArray([[1.0, np.inf], [np.nan, 4.0]], dims=("y", "x"),
    ...                   coords={"y": [150.0, 50.0], "x": [50.0, 150.0]}).rio.write_crs("EPSG:3035")
    >>> out = save_raster(da, tempfile.mkdtemp() + "/resistance.tif")
    >>> with rasterio.open(out) as f:
    ...     f.dtypes[0], f.nodata, f.read(1).tolist(), f.crs.to_epsg()
    ('float32', -9999.0, [[1.0, -9999.0], [-9999.0, 4.0]], 3035)
    """
    if not is_dataarray(raster):
        raise TypeError(
            f"raster must be a georeferenced xarray.DataArray. Got {describe(raster)}. A plain "
            "array has no CRS or position: put it back on its grid first, for example "
            "landcover.copy(data=array)."
        )
    check_choice("dtype", dtype, ("float32", "float64"))
    check_choice("barriers", barriers, ("nodata", "max"))
    style = _check_style(style, RASTER_KINDS)
    path = Path(path)
    if path.suffix.lower() not in (".tif", ".tiff"):
        raise ValueError(f"path must end in .tif (a GeoTIFF). Got path={str(path)!r}.")
    if path.exists() and not overwrite:
        raise ValueError(f"{path} exists; pass overwrite=True to replace it.")
    with allow_geographic():  # writing a file measures nothing: any CRS is fine
        values, raw_nodata, _, template, crs = read_raster("raster", raster)
    if crs is None:
        raise ValueError(
            "raster has no CRS: set it first, for example raster.rio.write_crs('EPSG:...'), "
            "with the CRS of the data it was computed from."
        )
    out = np.asarray(values, dtype="float64").copy()
    if raw_nodata is not None and not np.isnan(raw_nodata):
        out[out == raw_nodata] = np.nan
    if np.isneginf(out).any():
        raise ValueError("raster has -inf cells: no connectivity output should; check its input.")
    finite = np.isfinite(out)
    if not finite.any():
        raise ValueError("raster has no valid cell: every cell is nodata or a barrier.")
    barrier = np.isposinf(out)
    out[barrier] = nodata if barriers == "nodata" else out[finite].max()
    out[np.isnan(out)] = nodata
    da = template.copy(data=out.astype(dtype))
    da.attrs, da.encoding = {}, {}
    da = da.rio.write_crs(crs).rio.write_nodata(nodata, encoded=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    da.rio.to_raster(path, driver="COG", compress="DEFLATE")
    if style is not None:
        write_qml(path.with_suffix(".qml"), data=path, **style)
    return path


def _check_style(style, kinds) -> dict | None:
    """``style=`` of the writers as keyword arguments of :func:`write_qml` (or None)."""
    if style is None:
        return None
    if isinstance(style, str):
        style = {"kind": style}
    if not isinstance(style, dict) or "kind" not in style:
        raise TypeError(
            f"style must be one of {list(kinds)} or a dict of write_qml options with a 'kind' "
            f"key. Got {describe(style)}."
        )
    check_choice("style['kind']", style["kind"], kinds)
    unknown = set(style) - {"kind", "band", "column", "classes", "colormap", "stretch", "exclude"}
    if unknown:
        raise ValueError(
            f"style has unknown option(s) {sorted(unknown)}: use kind, band, column, classes, "
            "colormap, stretch or exclude."
        )
    return dict(style)


def save_vector(
    gdf,
    path,
    *,
    layer: str | None = None,
    style: str | dict | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a GeoDataFrame as a GeoPackage layer, with its QGIS style when asked.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The features, with a CRS.
    path : str or pathlib.Path
        Output GeoPackage, ending in ``.gpkg``; its folder is created. Other layers of an
        existing file are kept.
    layer : str, optional
        Layer name; default the file name without extension.
    style : {"graduated", "categorized", "single"} or dict, optional
        Also write a QGIS style: as ``<file>_<layer>.qml`` beside the file (``<file>.qml``
        when the layer has the file's name), and as the layer's default style in the
        GeoPackage's ``layer_styles`` table, which QGIS applies on opening. A dict passes
        options to :func:`gpec_teach.qgis.write_qml`, for example
        ``{"kind": "graduated", "column": "dPC"}``.
    overwrite : bool, default False
        Replace an existing layer of the same name.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        *gdf* is not a GeoDataFrame.
    ValueError
        No CRS; a path not ending in ``.gpkg``; an existing layer without
        ``overwrite=True``; a style column that is not in *gdf*.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, pyogrio
    >>> from shapely.geometry import box
    >>> cores = gpd.GeoDataFrame({"core": [7, 9], "area_ha": [4.0, 9.0]},
    ...                          geometry=[box(0, 0, 200, 200), box(500, 0, 800, 300)], crs="EPSG:3035")
    >>> out = save_vector(cores, tempfile.mkdtemp() + "/cores.gpkg",
    ...                   style={"kind": "graduated", "column": "area_ha"})
    >>> [name for name, _ in pyogrio.list_layers(out)], out.with_suffix(".qml").exists()
    (['cores', 'layer_styles'], True)
    """
    import geopandas as gpd
    import pyogrio

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"gdf must be a geopandas.GeoDataFrame. Got {describe(gdf)}.")
    if gdf.crs is None:
        raise ValueError(
            "gdf has no CRS: set it first with gdf.set_crs('EPSG:...'), the CRS its "
            "coordinates are in."
        )
    style = _check_style(style, VECTOR_KINDS)
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise ValueError(f"path must end in .gpkg (a GeoPackage). Got path={str(path)!r}.")
    layer = path.stem if layer is None else str(layer)
    if not layer or layer == "layer_styles":
        raise ValueError(
            f"layer must be a non-empty name other than 'layer_styles'. Got {layer!r}."
        )
    if path.exists():
        existing = [name for name, _ in pyogrio.list_layers(path)]
        if layer in existing and not overwrite:
            raise ValueError(
                f"{path} already has a layer {layer!r}; pass overwrite=True to replace it."
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    if style is not None:
        qml = (
            path.with_suffix(".qml")
            if layer == path.stem
            else path.with_name(f"{path.stem}_{layer}.qml")
        )
        write_qml(qml, data=gdf, **style)
        store_style(path, layer, qml)
    return path
