"""The closing outputs of ``gpec-teach run``: a QGIS project and an HTML report.

The report is rendered with the fact sheet's template (``templates/fact_sheet.html.j2``):
Markdown (tables and figures) turned into HTML by markdown-it, figures embedded, one
self-contained file.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import jinja2
import markdown_it
import markupsafe
import pandas as pd

from ..qgis import write_project
from .config import Config
from .steps import RESULTS_GPKG

__all__ = ["write_outputs"]

_RASTERS = (
    ("circuit/pinch_points.tif", "Pinch points: current inside the corridors (A)"),
    ("circuit/current.tif", "Cumulative current (A)"),
    ("circuit/normalized_current.tif", "Normalised current (1 = as on a uniform landscape)"),
    ("corridors/corridors.tif", "Least-cost corridors (cost units above the least-cost path)"),
    ("resistance/resistance.tif", "Resistance"),
    ("cores/core_ids.tif", "Core ids"),
)
_TABLES = (
    ("resistance", None, "Resistance surface"),
    ("cores/cores.csv", 15, "Cores (largest first)"),
    ("corridors/links.csv", 20, "Corridor links"),
    ("circuit/resistances.csv", 20, "Effective resistances between cores (ohm)"),
    ("patches/summary.csv", None, "Patch graph: PC and EC"),
    ("patches/patch_importance.csv", 10, "Most important cores (dPC, %)"),
    ("protconn/protconn.csv", 30, "ProtConn by region (%)"),
    ("fragmentation/fragmentation.csv", 40, "Fragmentation metrics by epoch"),
)


def _layers(config: Config) -> list:
    import pyogrio

    out = config.output
    layers = []
    gpkg = out / RESULTS_GPKG
    if gpkg.is_file():
        for name, _ in pyogrio.list_layers(gpkg):
            if name != "layer_styles":
                layers.append((gpkg, name))
    layers += [out / rel for rel, _ in _RASTERS if (out / rel).is_file()]
    return layers


def _style_range(qml: Path) -> tuple[float | None, float | None]:
    """Return the ends of the colour ramp of a raster's QGIS style (None, None without one)."""
    import xml.etree.ElementTree as ET

    if not qml.is_file():
        return None, None
    shader = ET.parse(qml).find(".//colorrampshader")
    if shader is None:
        return None, None
    return float(shader.get("minimumValue")), float(shader.get("maximumValue"))


def _figure(path: Path, title: str) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np
    import rasterio

    with rasterio.open(path) as f:
        values = f.read(1, masked=True).astype("float64").filled(np.nan)
        bounds = f.bounds
    fig, ax = plt.subplots(figsize=(7, 5))
    extent = (bounds.left, bounds.right, bounds.bottom, bounds.top)
    vmin, vmax = _style_range(path.with_suffix(".qml"))  # the map looks as it will in QGIS
    im = ax.imshow(
        values, extent=extent, cmap="viridis", vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _markdown(config: Config, timings: dict) -> tuple[str, dict]:
    from .. import __version__

    out = config.output
    parts = [
        f"# {config.values['title']}\n",
        f"Configuration `{config.path.name}`; gpec_teach {__version__}. "
        "Open `project.qgs` in QGIS to see every layer styled.\n",
        "## Steps\n",
    ]
    rows = [
        {"step": s, "time (s)": "cached" if t is None else f"{t:.1f}"} for s, t in timings.items()
    ]
    parts.append(pd.DataFrame(rows).to_markdown(index=False) + "\n")
    for rel, n, title in _TABLES:
        path = out / rel
        if not path.is_file():
            continue
        table = pd.read_csv(path)
        if rel.endswith("patch_importance.csv") and "dPC" in table:
            table = table.sort_values("dPC", ascending=False)
        if rel.endswith("cores.csv") and "area_ha" in table:
            table = table.sort_values("area_ha", ascending=False)
        parts.append(f"## {title}\n\n" + table.head(n).round(4).to_markdown(index=False) + "\n")
    images = {}
    figures = ["## Maps\n"]
    for rel, title in _RASTERS:
        path = out / rel
        if path.is_file():
            key = rel.replace("/", "_")
            images[key] = _figure(path, title)
            figures.append(f"![{title}: map of {path.name}]({key}.png)\n\n*{title}.*\n")
    if images:
        parts += figures
    return "\n".join(parts), images


def write_outputs(config: Config, timings: dict) -> dict[str, Path]:
    """Write ``project.qgs`` (every layer, styled) and ``report.html``; return their paths."""
    out = config.output
    layers = _layers(config)
    paths = {}
    if layers:
        paths["QGIS project"] = write_project(
            out / "project.qgs", layers, title=config.values["title"]
        )
    markdown, images = _markdown(config, timings)
    body = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    for key, data in images.items():
        body = body.replace(f'src="{key}.png"', f'src="data:image/png;base64,{data}"')
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gpec_teach", "templates"), autoescape=True
    )
    html = env.get_template("fact_sheet.html.j2").render(
        title=config.values["title"], body=markupsafe.Markup(body)
    )
    paths["HTML report"] = out / "report.html"
    paths["HTML report"].write_text(html + "\n", encoding="utf-8")
    return paths
