"""Pieces shared by the explorers: the live note, PNG rendering, the widget-class cache."""

from __future__ import annotations

import io

from .._validation import describe

__all__ = [
    "DEFAULT_SLIDER_CLASSES",
    "LIVE_NOTE",
    "WIDGET_CLASSES",
    "add_note",
    "check_bool",
    "number",
    "png",
    "unit_of",
]

#: Note printed under every static snapshot.
LIVE_NOTE = (
    "Static snapshot of the default settings. To move the sliders, open this notebook "
    "live: the Binder launch button (rocket icon) at the top of the page, or `make lab` "
    "on your own computer."
)

#: Land-cover classes that get a slider by default, when the raster names them.
DEFAULT_SLIDER_CLASSES = ("forest", "cropland", "built-up")


#: ipywidgets classes, built on first use (ipywidgets is imported only then).
WIDGET_CLASSES: dict[str, type] = {}


def png(fig) -> bytes:
    """Render a matplotlib figure as PNG bytes (for an ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    return buf.getvalue()


def add_note(fig) -> None:
    """Write :data:`LIVE_NOTE` under a static figure."""
    fig.text(0.01, -0.02, LIVE_NOTE, ha="left", va="top", fontsize=8, wrap=True, style="italic")


def check_bool(name: str, value) -> None:
    """Raise ``TypeError`` unless *value* is True or False."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False. Got {name}={describe(value)}.")


def number(value: float) -> str:
    """Format a number for a figure title: thousands separated, no scientific notation.

    Examples
    --------
    >>> number(64110.7), number(2.5), number(0.01234)
    ('64,111', '2.5', '0.0123')
    """
    value = float(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def unit_of(attribute: str) -> str:
    """Return the unit of a patch attribute named like ``area_ha`` (else the name itself).

    Examples
    --------
    >>> unit_of("area_ha"), unit_of("area_km2"), unit_of("quality")
    ('ha', 'km²', 'quality')
    """
    units = {"ha": "ha", "km2": "km²", "m2": "m²"}
    return units.get(attribute.rsplit("_", 1)[-1], attribute)
