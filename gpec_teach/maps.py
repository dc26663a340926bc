"""Maps of the teaching layers: one call for an interactive folium map, and static figures.

Interactive maps use ``leafmap.foliumap`` (folium/Leaflet), which renders in JupyterLab
*and* in the static website, unlike widget-based maps. Rasters are drawn as image overlays
reprojected to Web Mercator, so no tile server is needed. Static maps use matplotlib, with
a land-cover legend from the raster's own classes and colours, colour bars, a scale bar and
a north arrow for report figures. Colour maps are colour-blind safe (viridis/cividis family).

Styles of the teaching layers live in :data:`STYLES`, in one place, so every notebook
draws a layer the same way.
"""

from __future__ import annotations

import numpy as np

from . import data
from ._validation import check_choice, check_positive

__all__ = [
    "STYLES",
    "landcover_classes",
    "interactive_map",
    "static_map",
    "teaching_map",
    "add_vector",
    "add_raster",
    "plot_landcover",
    "plot_raster",
    "add_scale_bar",
    "add_north_arrow",
]

#: folium style and popup fields of each teaching layer (colour-blind-safe palette, Okabe-Ito).
STYLES: dict[str, dict] = {
    "countries": {"style": {"color": "#000000", "weight": 2, "fillOpacity": 0.0}, "fields": None},
    "protected_areas": {
        "style": {"color": "#009E73", "weight": 1.5, "fillColor": "#009E73", "fillOpacity": 0.35},
        "fields": None,
    },
    "roads": {"style": {"color": "#D55E00", "weight": 2, "opacity": 0.9}, "fields": None},
    "rivers": {"style": {"color": "#0072B2", "weight": 1.5, "opacity": 0.9}, "fields": None},
    "settlements": {"style": {"color": "#CC79A7", "radius": 4}, "fields": None},
    "tracks": {"style": {"color": "#E69F00", "weight": 1, "opacity": 0.8}, "fields": None},
    "corridors": {"style": {"color": "#56B4E9", "weight": 2, "fillOpacity": 0.4}, "fields": None},
}


def landcover_classes(landcover) -> dict[int, tuple[str, str]]:
    """Return ``{code: (name, "#rrggbb")}`` of a land-cover raster.

    Read from the DataArray's attributes ``class_names`` and ``class_colors`` (as written
    by :func:`gpec_teach.data.load`), which may be dicts or JSON strings.

    Examples
    --------
    >>> import xarray as xr
    >>> lc = xr.DataArray(np.zeros((2, 2)), attrs={"class_names": {1: "forest"}, "class_colors": {1: "#1b7837"}})
    >>> landcover_classes(lc)
    {1: ('forest', '#1b7837')}
    """
    import json

    names = landcover.attrs.get("class_names")
    colors = landcover.attrs.get("class_colors")
    if names is None or colors is None:
        raise ValueError(
            "landcover has no class_names/class_colors attributes. Load it with "
            "gpec_teach.data.load('landcover', year=...) or pass classes= explicitly."
        )
    names = json.loads(names) if isinstance(names, str) else names
    colors = json.loads(colors) if isinstance(colors, str) else colors
    return {
        int(k): (str(v), str(colors[k] if k in colors else colors[str(k)]))
        for k, v in names.items()
    }


def _check_layer(name: str, layer) -> str:
    """Return "vector" or "raster" for a layer, or raise a clear error."""
    import rioxarray  # noqa: F401  (registers the .rio accessor)

    if hasattr(layer, "geometry") and hasattr(layer, "crs"):
        if layer.crs is None:
            raise ValueError(
                f"Layer {name!r} has no CRS. Set it first, e.g. gdf.set_crs('EPSG:9191')."
            )
        if len(layer) == 0:
            raise ValueError(f"Layer {name!r} is empty: there is nothing to draw.")
        return "vector"
    if hasattr(layer, "rio") and hasattr(layer, "dims"):
        if layer.rio.crs is None:
            raise ValueError(
                f"Layer {name!r} has no CRS. Set it first, e.g. raster.rio.write_crs('EPSG:9191')."
            )
        return "raster"
    raise TypeError(
        f"Layer {name!r} must be a GeoDataFrame or a georeferenced xarray DataArray. "
        f"Got {type(layer).__name__}."
    )


#: Background of interactive maps without a base map: a plain light grey.
MAP_BACKGROUND = "#e6e6e6"


def interactive_map(
    layers: dict | None = None,
    *,
    height: str = "500px",
    basemap: bool = False,
    legend: bool = True,
    caption: str | None = None,
    static_fallback: bool = True,
):
    """Return a ``leafmap.foliumap.Map`` showing the given layers with the house styles.

    The map is made of plain HTML and JavaScript (folium/Leaflet), so it renders in
    JupyterLab *and* in the static website. Vector layers get their house style and a
    popup of their first fields; rasters are embedded as image overlays (no tile server),
    with a legend for classified rasters (land cover) and a colour bar for continuous ones.
    Without a base map the layers sit on a plain grey background and the map needs no
    internet at all.

    In a notebook the map is shown as a figure: the live map, a caption, and a static
    PNG of the same layers (:func:`static_map`). The PNG is what a printed page shows,
    what a browser without JavaScript shows, and it appears under the live map when base
    map tiles cannot be downloaded (offline).

    Parameters
    ----------
    layers : dict, optional
        Layer name -> GeoDataFrame or georeferenced DataArray, drawn in the given order
        (the last one on top). Names in :data:`STYLES` get their house style.
    height : str, default "500px"
        Height of the map in the page.
    basemap : bool, default False
        Add OpenStreetMap tiles under the layers. They need internet; offline, the
        static fallback is shown under the map. The teaching landscape is fictional, so
        its maps use no base map.
    legend : bool, default True
        Add a legend for classified rasters and a colour bar for continuous rasters.
    caption : str, optional
        Caption under the map (and alt text of its static fallback); by default it names
        the layers.
    static_fallback : bool, default True
        Embed the static PNG fallback in the notebook output (about 100 kB).

    Returns
    -------
    leafmap.foliumap.Map
        Zoomed to the layers, with a layer switcher.

    Raises
    ------
    TypeError
        A layer is neither a GeoDataFrame nor a DataArray.
    ValueError
        A layer has no CRS or is empty.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> parks = gpd.GeoDataFrame({"NAME": ["Park A"]}, geometry=[box(0, 0, 5000, 5000)], crs="EPSG:9191")
    >>> m = interactive_map({"protected_areas": parks})
    >>> "Park A" in m.get_root().render()
    True
    >>> html = m._repr_html_()
    >>> "gpec-map-static" in html and "tile.openstreetmap.org" not in html
    True
    """
    import leafmap.foliumap as leafmap

    kinds = {name: _check_layer(name, layer) for name, layer in (layers or {}).items()}
    m = leafmap.Map(
        height=height,
        draw_control=False,
        measure_control=False,
        fullscreen_control=False,
        attribution_control=True,
        tiles="OpenStreetMap" if basemap else None,
    )
    # These maps use Leaflet only (and d3, which the colour bar adds itself): drop folium's
    # default Bootstrap, jQuery, Font Awesome and marker assets, about 400 kB less for
    # readers on slow networks and fewer files to serve in the offline kit.
    m.default_js = [item for item in m.default_js if item[0] == "leaflet"]
    m.default_css = [item for item in m.default_css if item[0] == "leaflet_css"]
    bounds = []
    for name, layer in (layers or {}).items():
        if kinds[name] == "vector":
            add_vector(m, layer, name=name)
            bounds.append(layer.to_crs("EPSG:4326").total_bounds)
        else:
            add_raster(m, layer, name=name, legend=legend)
            bounds.append(np.array(layer.rio.transform_bounds("EPSG:4326")))
    if bounds:
        b = np.vstack(bounds)
        m.fit_bounds([[b[:, 1].min(), b[:, 0].min()], [b[:, 3].max(), b[:, 2].max()]])
    m.add_layer_control()
    _add_map_script(m)
    names = ", ".join(layers or {}) or "base map"
    caption = caption or f"Interactive map: {names}."
    png = static_map(layers, title=None) if (static_fallback and layers) else None
    _as_figure(m, title=f"Interactive map: {names}", caption=caption, png=png)
    return m


def _add_map_script(m) -> None:
    """Grey background; tell the page when a base-map tile fails (to show the fallback)."""
    from branca.element import Element

    m.get_root().header.add_child(
        Element(f"<style>.leaflet-container {{ background: {MAP_BACKGROUND}; }}</style>")
    )
    m.get_root().html.add_child(
        Element(
            "<script>window.addEventListener('error', function (event) {"
            " var t = event.target;"
            " if (t && t.classList && t.classList.contains('leaflet-tile')) {"
            "  try { var f = window.frameElement && window.frameElement.closest('figure');"
            "   if (f) { f.classList.add('gpec-map--no-tiles'); } } catch (e) {} }"
            "}, true);</script>"
        )
    )


#: Page styles of the map figure: the static PNG is shown in print, without JavaScript
#: and when base-map tiles cannot load; the live map otherwise.
_FIGURE_CSS = (
    "<style>.gpec-map-static{display:none;max-width:100%;height:auto}"
    ".gpec-map--no-tiles .gpec-map-static{display:block}"
    "@media print{.gpec-map-live{display:none}.gpec-map-static{display:block}}</style>"
)


def _as_figure(m, *, title: str, caption: str, png: bytes | None) -> None:
    """Show the map as a figure: titled iframe (WCAG 4.1.2), static fallback, caption."""
    import base64
    import html

    original = m._repr_html_
    iframe_title = f'<iframe title="{html.escape(title, quote=True)}" '
    alt = html.escape(f"Static map. {caption}", quote=True)
    image = (
        f'<img class="gpec-map-static" alt="{alt}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        if png
        else ""
    )
    # Without JavaScript the live map stays blank: show the static image instead.
    fallback = "<noscript><style>.gpec-map-static{display:block}</style></noscript>"

    def _repr_html_(**kwargs):
        live = original(**kwargs).replace("<iframe ", iframe_title, 1)
        return (
            f'<figure class="gpec-map">{_FIGURE_CSS}<div class="gpec-map-live">{live}</div>'
            f"{image}{fallback if png else ''}"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    m._repr_html_ = _repr_html_


def static_map(layers: dict, *, title: str | None = None, width: float = 7.0, dpi: int = 80):
    """Draw the layers of an interactive map as a static PNG (the map's print fallback).

    Rasters are drawn with their class colours (land cover) or viridis, vector layers
    with the house styles of :data:`STYLES`, all in the CRS of the first layer.

    Parameters
    ----------
    layers : dict
        Layer name -> GeoDataFrame or georeferenced DataArray, as for
        :func:`interactive_map`.
    title : str, optional
    width : float, default 7.0
        Figure width in inches.
    dpi : int, default 80

    Returns
    -------
    bytes
        The PNG image.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> parks = gpd.GeoDataFrame({"NAME": ["A"]}, geometry=[box(0, 0, 5000, 5000)], crs="EPSG:9191")
    >>> static_map({"protected_areas": parks})[1:4]
    b'PNG'
    """
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if not layers:
        raise ValueError("layers is empty: give at least one layer to draw.")
    kinds = {name: _check_layer(name, layer) for name, layer in layers.items()}
    first = next(iter(layers.values()))
    crs = first.crs if kinds[next(iter(layers))] == "vector" else first.rio.crs
    fig = Figure(figsize=(width, width * 0.75), dpi=dpi)  # not registered with pyplot
    ax = fig.add_subplot()
    ax.set_facecolor(MAP_BACKGROUND)
    handles = []
    for name, layer in layers.items():
        if kinds[name] == "raster":
            da = layer.rio.reproject(crs) if layer.rio.crs != crs else layer
            if "class_names" in da.attrs:
                plot_landcover(da, ax=ax, legend=False)
                values = np.asarray(da.values)
                present = set(np.unique(values).tolist())
                handles += [
                    Patch(color=colour, label=label)
                    for code, (label, colour) in sorted(landcover_classes(da).items())
                    if code in present
                ]
            else:
                plot_raster(da, ax=ax, label=name)
            continue
        gdf = layer.to_crs(crs)
        label = name.replace("_", " ")
        style = STYLES.get(name, {"style": {"color": "#0072B2", "weight": 1.5}})["style"]
        colour = style.get("color", "#0072B2")
        kinds_geom = set(gdf.geom_type)
        if kinds_geom <= {"Point", "MultiPoint"}:
            gdf.plot(ax=ax, color=colour, markersize=12, zorder=3)
            handles.append(Line2D([], [], marker="o", ls="", color=colour, label=label))
        elif kinds_geom <= {"LineString", "MultiLineString"}:
            gdf.plot(ax=ax, color=colour, linewidth=style.get("weight", 1.5) * 0.6, zorder=2)
            handles.append(Line2D([], [], color=colour, label=label))
        else:
            fill = style.get("fillOpacity", 0.0)
            if fill:
                gdf.plot(ax=ax, color=style.get("fillColor", colour), alpha=fill, zorder=2)
            gdf.boundary.plot(ax=ax, color=colour, linewidth=style.get("weight", 1.5) * 0.5)
            handles.append(
                Patch(
                    facecolor=style.get("fillColor", "none") if fill else "none",
                    edgecolor=colour,
                    alpha=max(fill, 0.6),
                    label=label,
                )
            )
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.ticklabel_format(style="plain")
    ax.tick_params(labelsize=7)
    if handles:
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=7
        )
    if title:
        ax.set_title(title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    # A palette of 64 colours keeps the fallback light (about 4x smaller) for slow networks.
    from PIL import Image

    buffer.seek(0)
    small = io.BytesIO()
    Image.open(buffer).convert("RGB").quantize(colors=64).save(small, format="PNG", optimize=True)
    return small.getvalue()


def teaching_map(
    *,
    year: int = 2020,
    layers: tuple[str, ...] = (
        "landcover",
        "countries",
        "protected_areas",
        "roads",
        "settlements",
    ),
    height: str = "500px",
    basemap: bool = False,
    caption: str | None = None,
):
    """One call: the teaching landscape on an interactive map, in the house styles.

    Parameters
    ----------
    year : int, default 2020
        Epoch of the land cover (2000, 2010 or 2020). Roads opened after ``year`` and
        protected areas designated after it are left out, so the map shows that year.
    layers : tuple of str
        Dataset names of :func:`gpec_teach.data.load`, drawn in this order.
    height : str, default "500px"
    basemap : bool, default False
        OpenStreetMap tiles under the layers (need internet). The teaching landscape is
        fictional, so the default is a plain grey background.
    caption : str, optional
        Caption under the map; by default it names the layers and the year.

    Returns
    -------
    leafmap.foliumap.Map
    """
    loaded = {}
    for name in layers:
        if name == "landcover":
            layer = data.load("landcover", year=year, resolution=250)
            name = f"landcover {year}"
        else:
            layer = data.load(name)
            if name == "roads" and "opened" in layer:
                layer = layer[layer["opened"] <= year]
            if name == "protected_areas" and "STATUS_YR" in layer:
                layer = layer[layer["STATUS_YR"] <= year]
        loaded[name] = layer
    caption = caption or (
        f"The teaching landscape in {year}: "
        + ", ".join(name.replace("_", " ") for name in loaded)
        + ". Pan, zoom and switch layers with the control at the top right."
    )
    return interactive_map(loaded, height=height, basemap=basemap, caption=caption)


def add_vector(m, gdf, *, name: str, style: dict | None = None, fields: list | None = None):
    """Add a GeoDataFrame to a folium map with its house style and a popup of its fields.

    Parameters
    ----------
    m : leafmap.foliumap.Map or folium.Map
    gdf : geopandas.GeoDataFrame
        Any CRS; reprojected to WGS 84 for the web map.
    name : str
        Layer name in the layer switcher; names in :data:`STYLES` get their house style.
    style : dict, optional
        Leaflet path options that override the house style (``color``, ``weight``...).
    fields : list of str, optional
        Columns shown in the popup; by default the first six.

    Returns
    -------
    The map, for chaining.
    """
    import folium

    _check_layer(name, gdf)
    spec = STYLES.get(name, {"style": {"color": "#0072B2", "weight": 1.5}})
    style = {**spec["style"], **(style or {})}
    data = gdf.to_crs("EPSG:4326")
    columns = [c for c in data.columns if c != data.geometry.name]
    fields = list(fields or spec.get("fields") or columns[:6])
    unknown = [f for f in fields if f not in columns]
    if unknown:
        raise ValueError(f"fields {unknown} are not columns of layer {name!r}: {columns}.")
    keep = data[[*fields, data.geometry.name]].copy()
    for col in fields:  # folium serialises JSON: timestamps and numpy scalars to text
        if keep[col].dtype.kind not in "iufb":
            keep[col] = keep[col].astype(str)
    popup = folium.GeoJsonPopup(fields=fields) if fields else None
    if data.geom_type.isin(["Point", "MultiPoint"]).all():
        layer = folium.GeoJson(
            keep,
            name=name,
            marker=folium.CircleMarker(
                radius=style.get("radius", 4), color=style["color"], fill=True, fill_opacity=0.9
            ),
            popup=popup,
        )
    else:
        layer = folium.GeoJson(
            keep, name=name, style_function=lambda _feature, s=style: s, popup=popup
        )
    layer.add_to(m)
    return m


def _rgba(values: np.ndarray, *, classes=None, cmap="viridis", vmin=None, vmax=None) -> np.ndarray:
    import matplotlib as mpl

    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    valid = np.isfinite(values)
    if classes:
        for code, (_, colour) in classes.items():
            rgba[values == code] = np.array(mpl.colors.to_rgba(colour)) * 255
        return rgba
    lo = np.nanmin(values[valid]) if vmin is None else vmin
    hi = np.nanmax(values[valid]) if vmax is None else vmax
    norm = np.clip((values - lo) / ((hi - lo) or 1.0), 0, 1)
    rgba[valid] = (mpl.colormaps[cmap](norm[valid]) * 255).astype(np.uint8)
    return rgba


def add_raster(
    m,
    raster,
    *,
    name: str,
    classes=None,
    cmap: str = "viridis",
    opacity: float = 0.7,
    max_pixels: int = 600,
    legend: bool = True,
    label: str | None = None,
):
    """Add a georeferenced raster to a folium map as a PNG overlay (no tile server needed).

    Parameters
    ----------
    m : leafmap.foliumap.Map or folium.Map
    raster : xarray.DataArray
        Georeferenced (``rio.crs`` set), 2-D or one band. NaN and ``rio.nodata`` cells are
        transparent.
    name : str
        Layer name in the layer switcher.
    classes : dict, optional
        ``{code: (name, "#rrggbb")}`` for a classified raster; read from the raster's
        ``class_names``/``class_colors`` attributes when present (land cover).
    cmap : str, default "viridis"
        Matplotlib colour map of continuous rasters (keep it colour-blind safe).
    opacity : float, default 0.7
    max_pixels : int, default 600
        The longer side is reduced to at most this many pixels before embedding, so the
        page stays light: every ``k``-th cell for classes, block means otherwise.
    legend : bool, default True
        Add a legend (classes) or a colour bar (continuous values) to a leafmap map.
    label : str, optional
        Caption of the colour bar; defaults to ``name``.

    Returns
    -------
    The map, for chaining.
    """
    import folium
    import matplotlib as mpl
    from rasterio.enums import Resampling

    _check_layer(name, raster)
    check_positive("max_pixels", max_pixels)
    da = raster.squeeze(drop=True) if raster.ndim == 3 else raster
    if da.ndim != 2:
        raise ValueError(f"raster must be 2-D (or one band). Got dims {da.dims}.")
    if classes is None and "class_names" in da.attrs:
        classes = landcover_classes(da)
    crs, nodata = da.rio.crs, da.rio.nodata
    values = da.astype("float64")
    if nodata is not None and not np.isnan(nodata):
        values = values.where(values != nodata)
    factor = int(np.ceil(max(da.shape) / max_pixels))
    if factor > 1:
        ydim, xdim = da.dims
        if classes:
            values = values.isel({ydim: slice(0, None, factor), xdim: slice(0, None, factor)})
        else:
            values = values.coarsen({ydim: factor, xdim: factor}, boundary="trim").mean()
    values = values.rio.write_crs(crs).rio.write_nodata(np.nan)
    merc = values.rio.reproject(
        "EPSG:3857",
        resampling=Resampling.nearest if classes else Resampling.bilinear,
        nodata=np.nan,
    )
    grid = merc.values.astype(float)
    if not np.isfinite(grid).any():
        raise ValueError(f"Layer {name!r} has no valid cells: every cell is nodata.")
    finite = grid[np.isfinite(grid)]
    vmin, vmax = float(finite.min()), float(finite.max())
    image = _rgba(grid, classes=classes, cmap=cmap, vmin=vmin, vmax=vmax)
    west, south, east, north = merc.rio.transform_bounds("EPSG:4326")
    folium.raster_layers.ImageOverlay(
        image=image,
        bounds=[[south, west], [north, east]],
        opacity=opacity,
        name=name,
        mercator_project=False,
    ).add_to(m)
    if legend and hasattr(m, "add_legend"):
        if classes:
            present = set(np.unique(finite).astype(int))
            m.add_legend(
                title=label or name,
                legend_dict={v[0]: v[1] for k, v in sorted(classes.items()) if k in present},
                draggable=False,
            )
        else:
            colours = [mpl.colors.to_hex(mpl.colormaps[cmap](t)) for t in np.linspace(0, 1, 6)]
            m.add_colorbar(colours, vmin=vmin, vmax=vmax, caption=label or name)
    return m


def plot_landcover(
    landcover, *, ax=None, classes=None, legend: bool = True, title: str | None = None
):
    """Plot a land-cover raster with its own class colours and a legend.

    Parameters
    ----------
    landcover : xarray.DataArray
        Georeferenced class codes; ``rio.nodata`` cells (the sea in the teaching
        landscape) are left blank.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when not given.
    classes : dict, optional
        ``{code: (name, "#rrggbb")}``; by default from the raster's ``class_names`` and
        ``class_colors`` attributes (see :func:`landcover_classes`).
    legend : bool, default True
        Legend of the classes present, outside the map on the right.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        With x and y in map units (metres); add :func:`add_scale_bar` and
        :func:`add_north_arrow` for a report figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    da = landcover.squeeze(drop=True) if landcover.ndim == 3 else landcover
    classes = classes or landcover_classes(da)
    codes = sorted(classes)
    cmap = ListedColormap([classes[c][1] for c in codes])
    norm = BoundaryNorm([*(c - 0.5 for c in codes), codes[-1] + 0.5], cmap.N)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    values = da.values.astype(float)
    nodata = da.rio.nodata if hasattr(da, "rio") else None
    if nodata is not None:
        values[values == nodata] = np.nan
    left, bottom, right, top = _extent(da)
    ax.imshow(
        values, cmap=cmap, norm=norm, extent=(left, right, bottom, top), interpolation="nearest"
    )
    if legend:
        present = set(np.unique(values[np.isfinite(values)]).astype(int))
        handles = [Patch(color=classes[c][1], label=classes[c][0]) for c in codes if c in present]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            frameon=False,
            title="Land cover",
        )
    _axis_labels(ax, da)
    if title:
        ax.set_title(title)
    return ax


def plot_raster(
    raster,
    *,
    ax=None,
    cmap: str = "viridis",
    label: str = "",
    title: str | None = None,
    log: bool = False,
    vmin=None,
    vmax=None,
):
    """Plot a continuous raster with a colour bar.

    Parameters
    ----------
    raster : xarray.DataArray or numpy.ndarray
        Values to show; NaN and ``rio.nodata`` cells are left blank. A plain array is
        drawn in row/column units.
    ax : matplotlib.axes.Axes, optional
    cmap : str, default "viridis"
        A perceptually uniform, colour-blind-safe map (viridis, cividis, magma...).
    label : str, default ""
        Colour-bar label: say the quantity and its unit.
    title : str, optional
    log : bool, default False
        Logarithmic colour scale over the positive values (current density, cost
        distance spanning orders of magnitude).
    vmin, vmax : float, optional
        Colour limits; by default the data range. Fix them to compare maps.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm, Normalize

    da = raster.squeeze(drop=True) if raster.ndim == 3 else raster
    values = np.asarray(getattr(da, "values", da), dtype=float)
    nodata = da.rio.nodata if hasattr(da, "rio") else None
    if nodata is not None and not np.isnan(nodata):
        values = np.where(values == nodata, np.nan, values)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    finite = values[np.isfinite(values)]
    if log:
        positive = finite[finite > 0]
        norm = LogNorm(vmin=vmin or positive.min(), vmax=vmax or positive.max())
    else:
        norm = Normalize(
            vmin=finite.min() if vmin is None else vmin,
            vmax=finite.max() if vmax is None else vmax,
        )
    extent = _extent(da) if hasattr(da, "rio") else None
    kwargs = {"extent": (extent[0], extent[2], extent[1], extent[3])} if extent else {}
    image = ax.imshow(
        np.ma.masked_invalid(values), cmap=cmap, norm=norm, interpolation="nearest", **kwargs
    )
    ax.figure.colorbar(image, ax=ax, label=label, shrink=0.8)
    if hasattr(da, "rio"):
        _axis_labels(ax, da)
    if title:
        ax.set_title(title)
    return ax


def _extent(da):
    left, bottom, right, top = da.rio.bounds()
    return left, bottom, right, top


def _axis_labels(ax, da):
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.ticklabel_format(style="plain")
    ax.tick_params(labelsize=7)


def add_scale_bar(ax, *, length_m: float | None = None, location: str = "lower right"):
    """Draw a scale bar in map units (metres) on *ax*; picks a round length when not given.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_xlim(0, 50_000); _ = ax.set_ylim(0, 40_000)
    >>> add_scale_bar(ax)
    10000.0
    >>> plt.close(fig)
    """
    check_choice("location", location, ("lower right", "lower left"))
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = abs(x1 - x0)
    if length_m is None:
        target = width / 5
        magnitude = 10 ** np.floor(np.log10(target))
        length_m = float(max(m for m in (1, 2, 5) if m * magnitude <= target) * magnitude)
    xs = x1 - 0.05 * width - length_m if location == "lower right" else x0 + 0.05 * width
    ys = y0 + 0.05 * abs(y1 - y0)
    ax.plot([xs, xs + length_m], [ys, ys], color="black", linewidth=3, solid_capstyle="butt")
    text = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    ax.text(
        xs + length_m / 2, ys + 0.015 * abs(y1 - y0), text, ha="center", va="bottom", fontsize=8
    )
    return length_m


def add_north_arrow(ax, *, x: float = 0.95, y: float = 0.9):
    """Draw a north arrow at axes fraction (x, y); valid for maps whose y axis points north."""
    ax.annotate(
        "N",
        xy=(x, y),
        xytext=(x, y - 0.1),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 9},
    )
    return ax
