"""Fragmentation metrics of several epochs side by side, with their change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .._validation import check_choice, describe
from ._landscape import LEVELS, MESH_DENOMINATORS, NEIGHBORS, check_bool, codes_of, read_classes
from .metrics import class_metrics_of, landscape_metrics_of

__all__ = ["compare_epochs"]


def compare_epochs(
    layers: Mapping,
    *,
    cellsize: float | None = None,
    cls: int | Iterable[int] | None = None,
    level: str = "class",
    neighbors: int = 8,
    nodata: float | None = None,
    mesh_denominator: str = "landscape",
    count_boundary: bool = False,
) -> pd.DataFrame:
    """Metrics of several epochs side by side, with their change since the first epoch.

    Parameters
    ----------
    layers : dict
        ``{epoch: classes}``, for example ``{2000: lc2000, 2020: lc2020}``; the class
        rasters must share one grid. Epochs are sorted; the earliest is the baseline.
    cellsize : float
        Cell side in metres (required for arrays).
    cls : int or iterable of int, optional
        Classes reported at ``level="class"``; by default every class present in any
        epoch. A class absent from an epoch has CA = NP = MESH = 0, DIVISION = 1,
        SPLIT = inf and AREA_MN = NaN there (its habitat is gone).
    level : {"class", "landscape"}, default "class"
        :func:`class_metrics` or :func:`landscape_metrics` for every epoch.
    neighbors, nodata, mesh_denominator, count_boundary
        As in :func:`class_metrics` (``mesh_denominator`` only at class level).

    Returns
    -------
    pandas.DataFrame
        Tidy table: ``epoch``, ``class`` (class level only), ``metric``, ``value``,
        ``change`` (value minus the baseline value) and ``change_pct`` (change in % of
        the baseline value; NaN where the baseline is 0 or not finite).

    References
    ----------
    McGarigal, K. & Marks, B. J. (1995). USDA Forest Service PNW-GTR-351.
    https://doi.org/10.2737/PNW-GTR-351

    Jaeger, J. A. G. (2000). Landscape division, splitting index, and effective mesh
    size. Landscape Ecology 15, 115-130. https://doi.org/10.1023/A:1008129329289

    Examples
    --------
    >>> before = np.array([[1, 1, 1, 0],
    ...                    [1, 1, 1, 0]])
    >>> after = np.array([[1, 0, 1, 0],
    ...                   [1, 0, 1, 0]])
    >>> t = compare_epochs({2000: before, 2020: after}, cellsize=100, cls=1)
    >>> t[t.metric.isin(["CA", "NP"])].round(1)
        epoch  class metric  value  change  change_pct
    0    2000      1     CA    6.0     0.0         0.0
    2    2000      1     NP    1.0     0.0         0.0
    11   2020      1     CA    4.0    -2.0       -33.3
    13   2020      1     NP    2.0     1.0       100.0
    """
    check_choice("level", level, LEVELS)
    check_choice("neighbors", neighbors, NEIGHBORS)
    check_choice("mesh_denominator", mesh_denominator, MESH_DENOMINATORS)
    check_bool("count_boundary", count_boundary)
    if not isinstance(layers, Mapping) or not layers:
        raise TypeError(
            "layers must be a non-empty dict {epoch: classes}, for example "
            f"{{2000: lc2000, 2020: lc2020}}. Got layers={describe(layers)}."
        )
    try:
        epochs = sorted(layers)
    except TypeError as exc:
        raise TypeError(
            "the epochs (keys of layers) must be sortable, for example years or dates. "
            f"Got {list(layers)!r}."
        ) from exc
    lands = _read_epochs(layers, epochs, cellsize, nodata)
    options = {"neighbors": neighbors, "count_boundary": count_boundary}
    if level == "landscape":
        out, keys = _landscape_long(lands, **options), ["metric"]
    else:
        options["mesh_denominator"] = mesh_denominator
        out, keys = _class_long(lands, cls, **options), ["class", "metric"]
    out["value"] = out["value"].astype(float)
    baseline = out.loc[out["epoch"] == epochs[0], [*keys, "value"]]
    base = out[keys].merge(baseline, on=keys, how="left")["value"].to_numpy()
    out["change"] = out["value"].to_numpy() - base
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = out["change"].to_numpy() / np.abs(base) * 100.0
    out["change_pct"] = np.where(np.isfinite(base) & (base != 0), pct, np.nan)
    return out


def _read_epochs(layers: Mapping, epochs: list, cellsize, nodata) -> dict:
    """Read every epoch's class raster; they must share one grid."""
    lands = {
        epoch: read_classes(
            layers[epoch], cellsize=cellsize, nodata=nodata, name=f"layers[{epoch!r}]"
        )
        for epoch in epochs
    }
    shapes = {epoch: land.index.shape for epoch, land in lands.items()}
    if len(set(shapes.values())) > 1:
        raise ValueError(
            f"all layers must be on one grid. Got shapes {shapes}; align them first "
            "(rio.reproject_match with nearest resampling for classes)."
        )
    return lands


def _landscape_long(lands: dict, *, neighbors: int, count_boundary: bool) -> pd.DataFrame:
    """Landscape metrics of every epoch as a long table (epoch, metric, value)."""
    frames = []
    for epoch, land in lands.items():
        s = landscape_metrics_of(land, neighbors=neighbors, count_boundary=count_boundary)
        frames.append(pd.DataFrame({"epoch": epoch, "metric": s.index, "value": s.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def _class_long(lands: dict, cls, **options) -> pd.DataFrame:
    """Class metrics of every epoch as a long table (epoch, class, metric, value)."""
    all_codes = np.unique(np.concatenate([land.codes for land in lands.values()]))
    if cls is None:
        any_mask = any(land.is_mask for land in lands.values())
        wanted = np.array([1]) if any_mask else all_codes
    else:
        wanted = codes_of(cls, all_codes)
    frames = []
    for epoch, land in lands.items():
        # Classes absent from this epoch get a placeholder index past the last class.
        pos = np.searchsorted(land.codes, wanted)
        present = (pos < land.codes.size) & (
            land.codes[np.minimum(pos, land.codes.size - 1)] == wanted
        )
        selected = np.where(present, pos + 1, land.codes.size + 1 + np.arange(wanted.size))
        table = class_metrics_of(land, selected, **options)
        table["class"] = wanted
        long = table.melt(id_vars="class", var_name="metric", value_name="value")
        long.insert(0, "epoch", epoch)
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)
    # one block of metrics per epoch and class
    return out.sort_values(["epoch", "class"], kind="stable", ignore_index=True)
