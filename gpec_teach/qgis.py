"""QGIS styles and projects: results that open in QGIS coloured, labelled and in place.

QGIS reads a layer's style from a ``.qml`` file beside the data (``current.qml`` beside
``current.tif`` is loaded with it) and, for a GeoPackage, from the ``layer_styles`` table
inside the file. A ``.qgs`` project lists layers with their source (relative paths), CRS
and style. This module writes the three in the XML that QGIS 3 writes and reads:

- :func:`write_qml`: a style for a raster (a pseudocolour ramp stretched over the data's
  2-98 % cumulative cut, or a palette of classes) or a vector layer (graduated colours or
  categories on a column, or one symbol);
- :func:`store_style`: the style inside a GeoPackage, in its ``layer_styles`` table, as
  the default style of a layer;
- :func:`write_project`: a project opening every layer, styled, in the layers' CRS.

Nodata cells of a raster are transparent (the file's nodata value, and an explicit
transparency entry for it in the style).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ._validation import check_choice, describe

__all__ = ["write_qml", "store_style", "write_project", "RASTER_KINDS", "VECTOR_KINDS"]

#: Style kinds for rasters: a continuous colour ramp, or a palette of classes.
RASTER_KINDS = ("continuous", "classes")
#: Style kinds for vector layers.
VECTOR_KINDS = ("graduated", "categorized", "single")

_QGIS_VERSION = "3.28.0-Firenze"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
# Colour-blind-safe qualitative palette (Okabe & Ito) for classes without colours.
_QUALITATIVE = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#000000",
)
_GEOMETRY = {"Point": ("marker", 0), "LineString": ("line", 1), "Polygon": ("fill", 2)}


# --------------------------------------------------------------------------- colours
def _ramp(colormap: str, n: int) -> list[str]:
    """*n* hex colours sampled evenly along a matplotlib colour map."""
    import matplotlib
    from matplotlib.colors import to_hex

    try:
        cmap = matplotlib.colormaps[colormap]
    except KeyError:
        raise ValueError(
            f"colormap must be a matplotlib colour map name such as 'viridis' or 'magma'. "
            f"Got colormap={colormap!r}."
        ) from None
    return [to_hex(cmap(x)) for x in np.linspace(0.0, 1.0, n)]


def _rgba(colour: str, alpha: int = 255) -> str:
    """QGIS's ``r,g,b,a`` colour string for a colour name or hex code."""
    from matplotlib.colors import to_rgb

    try:
        r, g, b = (round(255 * c) for c in to_rgb(colour))
    except ValueError:
        raise ValueError(
            f"colour {colour!r} is not a colour: use a hex code such as '#1b5e20' or a name."
        ) from None
    return f"{r},{g},{b},{alpha}"


def _hex(colour: str) -> str:
    """``#rrggbb`` for a colour name or hex code (checked by :func:`_rgba`)."""
    from matplotlib.colors import to_hex

    _rgba(colour)
    return to_hex(colour)


def _num(value: float) -> str:
    """Format a number as QGIS writes it (no trailing .0)."""
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _class_entries(classes) -> list[tuple[float | str, str, str]]:
    """``{value: label}`` or ``{value: (label, colour)}`` -> [(value, label, hex colour)]."""
    if not isinstance(classes, Mapping) or not classes:
        raise TypeError(
            "classes must be a non-empty dict {value: label} or {value: (label, colour)}, "
            f"for example {{1: ('corridor', '#d55e00')}}. Got {describe(classes)}."
        )
    out = []
    for i, (value, spec) in enumerate(classes.items()):
        if isinstance(spec, tuple | list):
            if len(spec) != 2:
                raise ValueError(
                    f"classes[{value!r}] must be a label or a (label, colour) pair. Got {spec!r}."
                )
            label, colour = spec
        else:
            label, colour = spec, _QUALITATIVE[i % len(_QUALITATIVE)]
        out.append((value, str(label), _hex(colour)))
    return out


# --------------------------------------------------------------------------- rasters
def _raster_minmax(data, stretch=None, exclude=None) -> tuple[float, float, float | None]:
    """Return the ends of the colour ramp and the nodata of a raster (DataArray or GeoTIFF).

    With *stretch* ``(lower, upper)`` in percent, the ends are those percentiles of the
    valid cells (QGIS's "cumulative count cut"); without, the minimum and the maximum.
    Cells where *exclude* is true (for example the cores of a current map, whose current
    would saturate the ramp) are left out of the statistics, not out of the map.
    """
    if isinstance(data, str | os.PathLike):
        import rasterio

        with rasterio.open(data) as f:
            values = f.read(1, masked=True).astype("float64").filled(np.nan)
            nodata = f.nodata
    else:
        values = np.asarray(data, dtype="float64")
        nodata = getattr(getattr(data, "rio", None), "nodata", None)
        if nodata is not None and not np.isnan(nodata):
            values = np.where(values == nodata, np.nan, values)
    keep = np.isfinite(values)
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape != values.shape:
            raise ValueError(
                f"exclude must have the raster's shape {values.shape}. Got {exclude.shape}."
            )
        keep &= ~exclude
    finite = values[keep]
    if finite.size == 0:
        raise ValueError("data has no valid cell: cannot stretch a colour ramp over it.")
    if stretch is None:
        return float(finite.min()), float(finite.max()), nodata
    lo, hi = np.percentile(finite, stretch)
    if hi <= lo:  # a nearly constant raster: fall back to its range
        lo, hi = finite.min(), finite.max()
    return float(lo), float(hi), nodata


def _check_stretch(stretch):
    if stretch is None:
        return None
    ok = (
        isinstance(stretch, tuple | list)
        and len(stretch) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in stretch)
        and 0 <= stretch[0] < stretch[1] <= 100
    )
    if not ok:
        raise ValueError(
            "stretch must be None (minimum to maximum) or two percentiles (lower, upper) with "
            f"0 <= lower < upper <= 100, for example (2, 98). Got stretch={stretch!r}."
        )
    return (float(stretch[0]), float(stretch[1]))


def _raster_pipe(
    kind, *, data, band, classes, colormap, nodata, stretch=None, exclude=None
) -> list[ET.Element]:
    pipe = ET.Element("pipe")
    ET.SubElement(
        ET.SubElement(pipe, "provider"),
        "resampling",
        enabled="false",
        zoomedInResamplingMethod="nearestNeighbour",
        zoomedOutResamplingMethod="nearestNeighbour",
        maxOversampling="2",
    )
    renderer = ET.SubElement(
        pipe,
        "rasterrenderer",
        type="singlebandpseudocolor" if kind == "continuous" else "paletted",
        band=str(band),
        opacity="1",
        alphaBand="-1",
        nodataColor="",
    )
    transparency = ET.SubElement(renderer, "rasterTransparency")
    if nodata is not None and not np.isnan(nodata):
        pixels = ET.SubElement(transparency, "singleValuePixelList")
        ET.SubElement(
            pixels, "pixelListEntry", min=_num(nodata), max=_num(nodata), percentTransparent="100"
        )
    if kind == "continuous":
        lo, hi, _ = _raster_minmax(data, stretch, exclude)
        renderer.set("classificationMin", _num(lo))
        renderer.set("classificationMax", _num(hi))
        origin = ET.SubElement(renderer, "minMaxOrigin")
        limits = "MinMax" if stretch is None else "CumulativeCut"
        for tag, text in (("limits", limits), ("extent", "WholeRaster")):
            ET.SubElement(origin, tag).text = text
        if stretch is not None:
            ET.SubElement(origin, "cumulativeCutLower").text = _num(stretch[0] / 100)
            ET.SubElement(origin, "cumulativeCutUpper").text = _num(stretch[1] / 100)
        ET.SubElement(origin, "statAccuracy").text = "Exact"
        shader = ET.SubElement(
            ET.SubElement(renderer, "rastershader"),
            "colorrampshader",
            colorRampType="INTERPOLATED",
            classificationMode="1",
            clip="0",
            minimumValue=_num(lo),
            maximumValue=_num(hi),
            labelPrecision="4",
        )
        colours = _ramp(colormap, 5)
        for x, colour in zip(np.linspace(lo, hi, len(colours)), colours, strict=True):
            label = f"{x:.4g}"
            ET.SubElement(shader, "item", alpha="255", value=_num(x), label=label, color=colour)
    else:
        palette = ET.SubElement(renderer, "colorPalette")
        for value, label, colour in _class_entries(classes):
            ET.SubElement(
                palette, "paletteEntry", value=_num(value), label=label, color=colour, alpha="255"
            )
    ET.SubElement(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    ET.SubElement(
        pipe, "huesaturation", saturation="0", grayscaleMode="0", colorizeOn="0", invertColors="0"
    )
    ET.SubElement(pipe, "rasterresampler", maxOversampling="2")
    return [pipe]


# --------------------------------------------------------------------------- vectors
def _options(parent: ET.Element, values: dict) -> None:
    opts = ET.SubElement(parent, "Option", type="Map")
    for key, value in values.items():
        ET.SubElement(opts, "Option", type="QString", name=key, value=str(value))


def _symbol(name: str, geometry: str, colour: str) -> ET.Element:
    symbol = ET.Element(
        "symbol", type=geometry, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    if geometry == "fill":
        cls, opts = (
            "SimpleFill",
            {
                "color": _rgba(colour),
                "outline_color": "35,35,35,255",
                "outline_style": "solid",
                "outline_width": "0.26",
                "style": "solid",
            },
        )
    elif geometry == "line":
        cls, opts = (
            "SimpleLine",
            {
                "line_color": _rgba(colour),
                "line_style": "solid",
                "line_width": "0.6",
            },
        )
    else:
        cls, opts = (
            "SimpleMarker",
            {
                "color": _rgba(colour),
                "name": "circle",
                "outline_color": "35,35,35,255",
                "size": "2.6",
            },
        )
    layer = ET.SubElement(symbol, "layer", {"class": cls, "enabled": "1", "pass": "0"})
    layer.set("locked", "0")
    _options(layer, opts)
    return symbol


def _geometry_kind(gdf) -> tuple[str, int]:
    types = {t.replace("Multi", "") for t in gdf.geom_type.dropna().unique()}
    if len(types) != 1 or next(iter(types)) not in _GEOMETRY:
        raise ValueError(
            "data must hold one kind of geometry (points, lines or polygons) to be styled. "
            f"Got {sorted(types)}: split the layer by geometry type."
        )
    return _GEOMETRY[types.pop()]


def _vector_renderer(kind, *, data, column, classes, colormap) -> list[ET.Element]:
    geometry, code = _geometry_kind(data)
    if kind != "single":
        if column is None or column not in data.columns:
            raise ValueError(
                f"column must name a column of data for a {kind!r} style. Got column={column!r}; "
                f"columns are {list(data.columns)}."
            )
    symbols = ET.Element("symbols")
    if kind == "single":
        renderer = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0")
        symbols.append(_symbol("0", geometry, "#0072b2"))
    elif kind == "categorized":
        renderer = ET.Element(
            "renderer-v2", type="categorizedSymbol", attr=column, symbollevels="0"
        )
        if classes is None:
            values = sorted(data[column].dropna().unique().tolist())
            classes = {v: str(v) for v in values}
        categories = ET.SubElement(renderer, "categories")
        for i, (value, label, colour) in enumerate(_class_entries(classes)):
            ET.SubElement(
                categories, "category", value=str(value), label=label, symbol=str(i), render="true"
            )
            symbols.append(_symbol(str(i), geometry, colour))
    else:
        values = np.asarray(data[column], dtype="float64")
        values = values[np.isfinite(values)]
        if values.size == 0:
            raise ValueError(f"column {column!r} has no finite value to grade colours on.")
        breaks = np.unique(np.quantile(values, np.linspace(0.0, 1.0, 6)))
        if breaks.size == 1:
            breaks = np.array([breaks[0], breaks[0]])
        renderer = ET.Element(
            "renderer-v2",
            type="graduatedSymbol",
            attr=column,
            graduatedMethod="GraduatedColor",
            symbollevels="0",
        )
        ranges = ET.SubElement(renderer, "ranges")
        colours = _ramp(colormap, breaks.size - 1)
        for i, (lo, hi) in enumerate(zip(breaks[:-1], breaks[1:], strict=True)):
            ET.SubElement(
                ranges,
                "range",
                lower=_num(lo),
                upper=_num(hi),
                label=f"{lo:.4g} - {hi:.4g}",
                symbol=str(i),
                render="true",
            )
            symbols.append(_symbol(str(i), geometry, colours[i]))
        ET.SubElement(renderer, "mode", name="quantile")
    renderer.set("forceraster", "0")
    renderer.set("enableorderby", "0")
    renderer.append(symbols)
    geometry_type = ET.Element("layerGeometryType")
    geometry_type.text = str(code)
    return [renderer, geometry_type]


# --------------------------------------------------------------------------- public
def _style_elements(
    *,
    kind: str,
    data=None,
    band: int = 1,
    column=None,
    classes=None,
    colormap="viridis",
    stretch=None,
    exclude=None,
) -> list[ET.Element]:
    """Build the XML elements of a style (a raster ``<pipe>`` or a vector ``<renderer-v2>``)."""
    check_choice("kind", kind, RASTER_KINDS + VECTOR_KINDS)
    if kind in RASTER_KINDS:
        if kind == "continuous" and data is None:
            raise ValueError(
                "data is needed for a 'continuous' style: the ramp is stretched over its "
                "values. Pass the raster (a DataArray or a GeoTIFF path)."
            )
        if kind == "classes" and classes is None:
            raise ValueError(
                "classes is needed for a 'classes' style, for example "
                "classes={1: ('corridor', '#d55e00')}."
            )
        if not isinstance(band, int | np.integer) or band < 1:
            raise ValueError(f"band must be a band number from 1. Got band={band!r}.")
        nodata = None
        if data is not None:
            nodata = _raster_minmax(data)[2] if kind == "continuous" else _nodata_of(data)
        return _raster_pipe(
            kind,
            data=data,
            band=band,
            classes=classes,
            colormap=colormap,
            nodata=nodata,
            stretch=_check_stretch(stretch),
            exclude=exclude,
        )
    import geopandas as gpd

    if not isinstance(data, gpd.GeoDataFrame):
        raise TypeError(
            f"data must be a GeoDataFrame for a {kind!r} style (the layer to style). "
            f"Got {describe(data)}."
        )
    return _vector_renderer(kind, data=data, column=column, classes=classes, colormap=colormap)


def _nodata_of(data):
    if isinstance(data, str | os.PathLike):
        import rasterio

        with rasterio.open(data) as f:
            return f.nodata
    return getattr(getattr(data, "rio", None), "nodata", None)


def _qml_text(elements: list[ET.Element]) -> str:
    root = ET.Element(
        "qgis",
        version=_QGIS_VERSION,
        styleCategories="AllStyleCategories",
        hasScaleBasedVisibilityFlag="0",
        minScale="1e+08",
        maxScale="0",
    )
    root.extend(elements)
    ET.SubElement(root, "blendMode").text = "0"
    ET.indent(root)
    return _DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"


def write_qml(
    path,
    *,
    kind: str,
    data=None,
    band: int = 1,
    column: str | None = None,
    classes: Mapping | None = None,
    colormap: str = "viridis",
    stretch: tuple[float, float] | None = (2, 98),
    exclude=None,
) -> Path:
    """Write a QGIS 3 layer style (``.qml``) for a raster or a vector layer.

    Save it beside the data with the same name (``current.qml`` beside ``current.tif``)
    and QGIS applies it when the layer is opened.

    Parameters
    ----------
    path : str or pathlib.Path
        Output file, ending in ``.qml``.
    kind : {"continuous", "classes", "graduated", "categorized", "single"}
        Rasters: ``"continuous"`` is a single-band pseudocolour ramp stretched linearly
        over the data (see *stretch*; current, cost distance, resistance);
        ``"classes"`` is a palette of values (a corridor mask, land-cover classes).
        Vector layers: ``"graduated"`` colours five quantile classes of *column*,
        ``"categorized"`` one colour per value of *column*, ``"single"`` one symbol
        (fill, line or marker after the geometry).
    data : xarray.DataArray, path or geopandas.GeoDataFrame
        The layer the style is for. Needed for every kind except ``"classes"``: minimum,
        maximum and nodata of a raster (nodata is made transparent), the geometry type
        and the column's values of a vector layer.
    band : int, default 1
        Raster band the style reads.
    column : str, optional
        Column of a ``"graduated"`` or ``"categorized"`` vector style.
    classes : dict, optional
        ``{value: label}`` or ``{value: (label, colour)}`` for ``"classes"`` (and the
        categories of ``"categorized"``, instead of every value of *column*). Classes
        without colour get the colour-blind-safe Okabe-Ito palette.
    colormap : str, default "viridis"
        matplotlib colour map of ``"continuous"`` and ``"graduated"`` styles.
    stretch : (float, float) or None, default (2, 98)
        ``"continuous"``: the ramp runs between these percentiles of the valid cells,
        QGIS's own default ("cumulative count cut"), so that a few extreme cells (current
        next to a core, a cost distance at the far edge) do not leave the rest of the map
        in one colour. Cells beyond the ends take the end colours. None: minimum to maximum.
    exclude : array_like of bool, optional
        ``"continuous"``: cells left out of the statistics of the stretch (not of the
        map), for example the cores of a current map.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        An unknown *kind*; a missing *data*, *classes* or *column*; a raster without any
        valid cell; a path not ending in ``.qml``.
    TypeError
        *data* is not a GeoDataFrame for a vector style; *classes* not a dict.

    Examples
    --------
    >>> import tempfile, numpy as np, xarray as xr
    >>> import xml.etree.ElementTree as ET
    >>> da = xr.DataArray([[0.5, 2.0], [np.nan, 4.0]], dims=("y", "x"))
    >>> out = write_qml(tempfile.mkdtemp() + "/current.qml", kind="continuous", data=da,
    ...                 stretch=None)
    >>> shader = ET.parse(out).find(".//colorrampshader")
    >>> shader.get("minimumValue"), shader.get("maximumValue"), len(shader.findall("item"))
    ('0.5', '4', 5)
    """
    path = Path(path)
    if path.suffix.lower() != ".qml":
        raise ValueError(f"path must end in .qml (a QGIS style). Got path={str(path)!r}.")
    elements = _style_elements(
        kind=kind,
        data=data,
        band=band,
        column=column,
        classes=classes,
        colormap=colormap,
        stretch=stretch,
        exclude=exclude,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_qml_text(elements), encoding="utf-8")
    return path


def store_style(gpkg, layer: str, qml, *, name: str | None = None) -> None:
    """Store a style in a GeoPackage's ``layer_styles`` table as the layer's default.

    ``layer_styles`` is the table where QGIS keeps styles in a database; the row with
    ``useAsDefault`` true is applied when the layer is opened. An earlier default style
    of the layer is replaced.

    Parameters
    ----------
    gpkg : str or pathlib.Path
        An existing GeoPackage.
    layer : str
        The layer (table) the style is for.
    qml : str or pathlib.Path
        The style: a ``.qml`` file, or its XML text.
    name : str, optional
        Style name shown in QGIS; default the layer name.

    Examples
    --------
    >>> import tempfile, sqlite3, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> folder = tempfile.mkdtemp()
    >>> gdf = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(0, 0)], crs="EPSG:3035")
    >>> gdf.to_file(folder + "/sites.gpkg", layer="sites")
    >>> qml = write_qml(folder + "/sites.qml", kind="single", data=gdf)
    >>> store_style(folder + "/sites.gpkg", "sites", qml)
    >>> with sqlite3.connect(folder + "/sites.gpkg") as db:
    ...     db.execute("SELECT f_table_name, useAsDefault FROM layer_styles").fetchall()
    [('sites', 1)]
    """
    gpkg = Path(gpkg)
    if not gpkg.is_file():
        raise ValueError(f"gpkg must be an existing GeoPackage. Got gpkg={str(gpkg)!r}.")
    text = Path(qml).read_text(encoding="utf-8") if not str(qml).lstrip().startswith("<") else qml
    ET.fromstring(text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text)  # valid XML
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with sqlite3.connect(gpkg) as db:
        row = db.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
        ).fetchone()
        if row is None:
            raise ValueError(f"layer {layer!r} is not a feature table of {gpkg.name}.")
        db.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
            "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
            "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
            "update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
            "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', ?)",
            (now,),
        )
        db.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (layer,))
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '', ?)",
            (layer, row[0], name or layer, text, "written by gpec_teach", now),
        )


# --------------------------------------------------------------------------- projects
def _spatialrefsys(crs) -> ET.Element:
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    srs = ET.Element("spatialrefsys")
    ET.SubElement(srs, "wkt").text = crs.to_wkt()
    with warnings.catch_warnings():  # PROJ strings are lossy; QGIS reads the WKT first
        warnings.simplefilter("ignore", UserWarning)
        ET.SubElement(srs, "proj4").text = crs.to_proj4() or ""
    epsg = crs.to_epsg()
    ET.SubElement(srs, "authid").text = f"EPSG:{epsg}" if epsg else ""
    ET.SubElement(srs, "description").text = crs.name
    ET.SubElement(srs, "geographicflag").text = "true" if crs.is_geographic else "false"
    return srs


def _style_from_qml(text: str) -> list[ET.Element]:
    root = ET.fromstring(text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text)
    return [el for el in root if el.tag in ("pipe", "renderer-v2", "layerGeometryType")]


def _layer_entry(item) -> tuple[Path, str | None, str | None]:
    if isinstance(item, tuple) and len(item) == 2:
        return Path(item[0]), str(item[1]), None
    if isinstance(item, Mapping):
        return Path(item["path"]), item.get("layer"), item.get("name")
    if isinstance(item, str | os.PathLike):
        return Path(item), None, None
    raise TypeError(
        "layers must hold paths (a .tif), (path, layer) pairs (a GeoPackage layer) or dicts "
        f"with 'path', 'layer' and 'name'. Got {describe(item)}."
    )


def _describe_layer(path: Path, layer: str | None):
    """(type, crs, style elements, geometry) of one layer file."""
    if path.suffix.lower() in (".tif", ".tiff"):
        import rasterio

        with rasterio.open(path) as f:
            crs = f.crs
        qml = path.with_suffix(".qml")
        style = _style_from_qml(qml.read_text(encoding="utf-8")) if qml.is_file() else []
        return "raster", crs, style
    if path.suffix.lower() == ".gpkg":
        import pyogrio

        layers = [name for name, _ in pyogrio.list_layers(path)]
        if layer is None:
            layer = layers[0]
        if layer not in layers:
            raise ValueError(f"layer {layer!r} is not in {path.name}: it holds {layers}.")
        crs = pyogrio.read_info(path, layer=layer)["crs"]
        with sqlite3.connect(path) as db:
            has = db.execute(
                "SELECT name FROM sqlite_master WHERE name = 'layer_styles'"
            ).fetchone()
            row = None
            if has:
                row = db.execute(
                    "SELECT styleQML FROM layer_styles WHERE f_table_name = ? AND useAsDefault",
                    (layer,),
                ).fetchone()
        return "vector", crs, _style_from_qml(row[0]) if row else []
    raise ValueError(f"layers must be GeoTIFFs (.tif) or GeoPackages (.gpkg). Got {str(path)!r}.")


def write_project(path, layers: Sequence, *, title: str | None = None) -> Path:
    """Write a QGIS project (``.qgs``) that opens every layer, styled, in its CRS.

    Sources are written relative to the project file, so the folder can be moved or
    zipped as a whole. A raster takes its style from the ``.qml`` beside it; a
    GeoPackage layer from the default style of its ``layer_styles`` table. The
    project's CRS is the first layer's; the first layer is drawn on top.

    Parameters
    ----------
    path : str or pathlib.Path
        Output file, ending in ``.qgs``.
    layers : sequence
        Each item a GeoTIFF path, a ``(geopackage, layer)`` pair, or a dict with
        ``path``, ``layer`` and ``name`` (the name shown in the layer panel; default the
        layer or file name).
    title : str, optional
        Project title; default the file name.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, numpy as np, xarray as xr, rioxarray
    >>> import xml.etree.ElementTree as ET
    >>> from gpec_teach.export import save_raster
    >>> folder = tempfile.mkdtemp()
    >>> da = xr.DataArray([[1.0, 2.0], [3.0, 4.0]], dims=("y", "x"),
    ...                   coords={"y": [150.0, 50.0], "x": [50.0, 150.0]}).rio.write_crs("EPSG:3035")
    >>> tif = save_raster(da, folder + "/resistance.tif", style="continuous")
    >>> qgs = write_project(folder + "/results.qgs", [tif])
    >>> root = ET.parse(qgs).getroot()
    >>> root.find(".//maplayer/datasource").text, root.find(".//projectCrs//authid").text
    ('./resistance.tif', 'EPSG:3035')
    """
    path = Path(path)
    if path.suffix.lower() != ".qgs":
        raise ValueError(f"path must end in .qgs (a QGIS project). Got path={str(path)!r}.")
    if isinstance(layers, str | os.PathLike) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(f"layers must be a non-empty list of layers. Got {describe(layers)}.")
    entries = []
    for item in layers:
        source, layer, name = _layer_entry(item)
        if not source.is_file():
            raise ValueError(f"layers: {str(source)!r} does not exist; write it first.")
        kind, crs, style = _describe_layer(source, layer)
        if kind == "vector" and layer is None:
            import pyogrio

            layer = pyogrio.list_layers(source)[0][0]
        rel = Path(os.path.relpath(source.resolve(), path.parent.resolve())).as_posix()
        rel = rel if rel.startswith("../") else f"./{rel}"
        entries.append(
            {
                "id": f"{(name or layer or source.stem)}_{uuid.uuid4().hex[:8]}",
                "name": name or layer or source.stem,
                "kind": kind,
                "source": rel if kind == "raster" else f"{rel}|layername={layer}",
                "crs": crs,
                "style": style,
            }
        )
    root = ET.Element(
        "qgis", projectname=title or path.stem, version=_QGIS_VERSION, saveUser="gpec_teach"
    )
    ET.SubElement(root, "title").text = title or path.stem
    ET.SubElement(root, "projectCrs").append(_spatialrefsys(entries[0]["crs"]))
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    for e in entries:
        ET.SubElement(
            tree,
            "layer-tree-layer",
            id=e["id"],
            name=e["name"],
            source=e["source"],
            providerKey="gdal" if e["kind"] == "raster" else "ogr",
            checked="Qt::Checked",
            expanded="1",
        )
    project_layers = ET.SubElement(root, "projectlayers")
    for e in entries:
        maplayer = ET.SubElement(project_layers, "maplayer", type=e["kind"])
        ET.SubElement(maplayer, "id").text = e["id"]
        ET.SubElement(maplayer, "datasource").text = e["source"]
        ET.SubElement(maplayer, "layername").text = e["name"]
        ET.SubElement(maplayer, "srs").append(_spatialrefsys(e["crs"]))
        provider = ET.SubElement(maplayer, "provider")
        provider.text = "gdal" if e["kind"] == "raster" else "ogr"
        if e["kind"] == "vector":
            provider.set("encoding", "UTF-8")
        maplayer.extend(e["style"])
    order = ET.SubElement(root, "layerorder")
    for e in entries:
        ET.SubElement(order, "layer", id=e["id"])
    props = ET.SubElement(root, "properties")
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_DOCTYPE + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return path
