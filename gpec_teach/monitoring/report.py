"""Indicator fact sheets: a Markdown file and a self-contained HTML page.

The HTML page is the Jinja2 template ``gpec_teach/templates/fact_sheet.html.j2``
(autoescaping on) around the Markdown rendered by markdown-it.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import jinja2
import markdown_it
import markupsafe
import pandas as pd

__all__ = ["fact_sheet"]


def fact_sheet(
    folder,
    *,
    title: str,
    target: str,
    indicator: str,
    baseline: str,
    trend: str,
    method: str,
    assumptions,
    table: pd.DataFrame | None = None,
    figures: dict | None = None,
    sources=None,
    contact: str | None = None,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write an indicator fact sheet (Markdown + a self-contained HTML page) into *folder*.

    The sheet has the fields an NBSAP indicator needs: the target it reports on, the
    indicator and its unit, the baseline, the trend with its uncertainty, the method,
    the assumptions and limits, then an optional table, figures with captions and alt
    text, sources and a contact. The Markdown file links its figures as PNG files next
    to it; the HTML file embeds them, so it is one file to e-mail to a colleague.

    Parameters
    ----------
    folder : str or path
        Output folder (created). Existing files are kept unless ``overwrite=True``.
    title, target, indicator, baseline, trend, method : str
        The sheet's fields (plain text or Markdown).
    assumptions : str or sequence of str
        Assumptions and limits; a list becomes bullets.
    table : pandas.DataFrame, optional
        Indicator values (for example from :func:`indicator_series`).
    figures : dict, optional
        ``{file_stem: (figure, caption, alt_text)}`` with a matplotlib Figure, or a path
        to an existing PNG in place of the figure.
    sources : sequence of str, optional
        Data sources and references (with DOIs).
    contact : str, optional
    overwrite : bool, default False

    Returns
    -------
    dict
        ``{"markdown": path, "html": path, "figures": [paths]}``.

    Raises
    ------
    ValueError
        An empty field, a figure without alt text, or existing files without overwrite.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "sheet"
    >>> paths = fact_sheet(
    ...     folder, title="Protected land", target="KMGBF Target 3",
    ...     indicator="Prot, % of land", baseline="8 % in 2010", trend="+1 point per year",
    ...     method="Overlaps removed", assumptions=["Fictional data"],
    ... )
    >>> sorted(p.name for p in folder.iterdir())
    ['fact_sheet.html', 'fact_sheet.md']
    >>> print(paths["markdown"].read_text().splitlines()[0])
    # Protected land
    """
    fields = _check_sheet_fields(
        title=title, target=target, indicator=indicator, baseline=baseline, trend=trend,
        method=method, assumptions=assumptions,
    )  # fmt: skip
    folder = Path(folder)
    md_path, html_path = folder / "fact_sheet.md", folder / "fact_sheet.html"
    if not overwrite and (md_path.exists() or html_path.exists()):
        raise ValueError(
            f"{folder} already holds a fact sheet; pass overwrite=True to replace it."
        )
    _check_sheet_figures(figures or {})  # check everything before writing anything
    folder.mkdir(parents=True, exist_ok=True)
    figure_paths = _write_figures(folder, figures or {})
    markdown = _sheet_markdown(
        fields, assumptions, table=table, figures=figures or {}, sources=sources, contact=contact
    )
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(_sheet_html(title, markdown, figure_paths), encoding="utf-8")
    return {"markdown": md_path, "html": html_path, "figures": figure_paths}


def _check_sheet_fields(**fields) -> dict:
    for name, value in fields.items():
        text = value if isinstance(value, str) else " ".join(map(str, value or []))
        if not text.strip():
            raise ValueError(f"{name} is empty: every field of a fact sheet must be filled in.")
    return fields


def _check_sheet_figures(figures: dict) -> None:
    for stem, spec in figures.items():
        if not (isinstance(spec, tuple) and len(spec) == 3):
            raise ValueError(f"figures[{stem!r}] must be (figure, caption, alt_text).")
        fig, caption, alt = spec
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError(
                f"figures[{stem!r}] needs alt text (a sentence describing the figure for "
                f"readers who cannot see it). Got alt={alt!r}."
            )
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError(f"figures[{stem!r}] needs a caption. Got caption={caption!r}.")
        if isinstance(fig, (str, Path)) and not Path(fig).is_file():
            raise ValueError(f"figures[{stem!r}]: no PNG file at {fig}.")


def _write_figures(folder: Path, figures: dict) -> list[Path]:
    paths = []
    for stem, (fig, _caption, _alt) in figures.items():
        path = folder / f"{stem}.png"
        if isinstance(fig, (str, Path)):
            shutil.copyfile(fig, path)
        else:
            fig.savefig(path, dpi=120, bbox_inches="tight")
        paths.append(path)
    return paths


_SHEET_LABELS = {
    "target": "Target",
    "indicator": "Indicator",
    "baseline": "Baseline",
    "trend": "Trend",
    "method": "Method",
}


def _sheet_markdown(fields, assumptions, *, table, figures, sources, contact) -> str:
    bullets = (
        assumptions
        if isinstance(assumptions, str)
        else "\n".join(f"- {item}" for item in assumptions)
    )
    parts = [f"# {fields['title']}\n"]
    parts += [f"## {label}\n\n{fields[key]}\n" for key, label in _SHEET_LABELS.items()]
    parts.append(f"## Assumptions and limits\n\n{bullets}\n")
    if table is not None:
        parts.append("## Values\n\n" + table.to_markdown(index=False) + "\n")
    if figures:
        figure_md = [
            f"![{alt}]({stem}.png)\n\n*{caption}*\n" for stem, (_, caption, alt) in figures.items()
        ]
        parts.append("## Figures\n\n" + "\n".join(figure_md))
    if sources:
        parts.append("## Sources\n\n" + "\n".join(f"- {s}" for s in sources) + "\n")
    if contact:
        parts.append(f"## Contact\n\n{contact}\n")
    return "\n".join(parts)


def _sheet_html(title: str, markdown: str, figure_paths: list[Path]) -> str:
    """Render the Markdown into the HTML template, with the figures embedded as data URIs."""
    body = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    for path in figure_paths:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        body = body.replace(f'src="{path.name}"', f'src="data:image/png;base64,{data}"')
    template = _TEMPLATES.get_template("fact_sheet.html.j2")
    # body is HTML built here from the sheet's Markdown; title is escaped by the template.
    return template.render(title=title, body=markupsafe.Markup(body)) + "\n"


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("gpec_teach", "templates"),
    autoescape=True,
    keep_trailing_newline=False,
)
