"""The patch graph container and the input checks shared by the graph modules."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._validation import check_positive, describe

__all__ = [
    "PatchGraph",
    "check_attributes",
    "check_distance_matrix",
    "check_graph",
    "check_landscape_area",
    "check_min_probability",
    "check_probability_matrix",
    "check_pstar",
    "check_symmetric",
    "patch_position",
    "square_matrix",
]


@dataclass(frozen=True, eq=False)
class PatchGraph:
    """Habitat patches (nodes) and the distances between them (links).

    Build it with :func:`patch_graph_from_polygons`,
    :func:`patch_graph_from_raster` or :func:`patch_graph_from_matrix`; every
    index of this module takes it as its first argument.

    Attributes
    ----------
    ids : numpy.ndarray
        Patch identifiers, in node order.
    attributes : numpy.ndarray
        Node attribute :math:`a_i > 0` (area in ha by default).
    distances : numpy.ndarray
        Symmetric ``(n, n)`` distance matrix in metres (or the units of a given
        matrix); ``np.inf`` = unreachable; the diagonal is 0.
    distance_method : str
        ``"centroid"`` (plain polygon centroids), ``"inside_centroid"``
        (centroid, or a point on the surface when the centroid falls outside
        the patch), ``"edge"`` or ``"matrix"`` (given by the user, for example
        least-cost distances).
    attribute_name : str
        Name of the attribute (``"area_ha"`` for areas).
    landscape_area : float or None
        Landscape area :math:`A_L` in attribute units, needed for PC and IIC
        (not for EC or dPC).
    points : numpy.ndarray or None
        ``(n, 2)`` map coordinates of one point per patch (for maps): the
        points the centroid distances were measured between, or inside
        centroids for edge distances.
    crs : pyproj.CRS or None
        Coordinate reference system of the patches.
    """

    ids: np.ndarray
    attributes: np.ndarray
    distances: np.ndarray
    distance_method: str
    attribute_name: str = "attribute"
    landscape_area: float | None = None
    points: np.ndarray | None = None
    crs: object = None

    def __len__(self) -> int:
        return int(self.ids.size)

    def __repr__(self) -> str:
        return (
            f"PatchGraph({len(self)} patches, distances={self.distance_method!r}, "
            f"attribute={self.attribute_name!r}, total={self.attributes.sum():.6g}, "
            f"landscape_area={self.landscape_area!r})"
        )


def square_matrix(name: str, values, *, allow_inf: bool = True) -> np.ndarray:
    """Return *values* as a square float64 matrix, or raise with a clear message."""
    arr = np.asarray(values)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric square matrix. Got {describe(values)}.")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(
            f"{name} must be a square matrix (n patches x n patches). Got shape {arr.shape}."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: the patch set has no patch.")
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        i, j = np.argwhere(np.isnan(arr))[0]
        raise ValueError(
            f"{name} contains NaN (first at [{i}, {j}]). Use np.inf for pairs that "
            "cannot be reached."
        )
    if not allow_inf and np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values; expected finite numbers.")
    return arr


def check_symmetric(name: str, arr: np.ndarray) -> None:
    finite = np.isfinite(arr)
    same_inf = finite == finite.T
    close = np.isclose(np.where(finite, arr, 0.0), np.where(finite.T, arr.T, 0.0), rtol=1e-9)
    bad = ~(same_inf & close)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} must be symmetric (links are undirected). Got {name}[{i}, {j}]="
            f"{float(arr[i, j])!r} but {name}[{j}, {i}]={float(arr[j, i])!r}. Symmetrise it first, "
            f"for example np.minimum({name}, {name}.T)."
        )


def check_attributes(attributes, n: int | None = None, *, name: str = "attributes"):
    arr = np.asarray(attributes)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a 1-D array of numbers. Got {describe(attributes)}.")
    arr = arr.astype(np.float64).ravel() if arr.ndim == 0 else arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per patch). Got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: the patch set has no patch.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite. Got a NaN or infinite value.")
    if (arr <= 0).any():
        i = int(np.argmax(arr <= 0))
        raise ValueError(
            f"{name} must be positive (patch area or quality). Got {name}[{i}]={float(arr[i])!r}. "
            "Remove empty patches before building the graph."
        )
    if n is not None and arr.size != n:
        raise ValueError(
            f"{name} has {arr.size} values but the matrix has {n} patches; they must match."
        )
    return arr


def check_pstar(pstar) -> np.ndarray:
    arr = square_matrix("pstar", pstar.toarray() if sp.issparse(pstar) else pstar)
    if (arr < 0).any() or (arr > 1 + 1e-12).any():
        raise ValueError("pstar must hold probabilities between 0 and 1.")
    return arr


def check_min_probability(min_probability) -> float:
    if isinstance(min_probability, bool) or not isinstance(min_probability, numbers.Real):
        raise TypeError(
            f"min_probability must be a number in [0, 1). Got "
            f"min_probability={describe(min_probability)}."
        )
    value = float(min_probability)
    if not 0.0 <= value < 1.0:
        raise ValueError(
            f"min_probability must be in [0, 1) (0 keeps every link). Got "
            f"min_probability={min_probability!r}."
        )
    return value


def check_probability_matrix(p, name: str = "p") -> np.ndarray:
    arr = square_matrix(name, p, allow_inf=False)
    if (arr < 0).any() or (arr > 1).any():
        raise ValueError(
            f"{name} must hold probabilities between 0 and 1. Got values from "
            f"{float(arr.min())!r} to {float(arr.max())!r}."
        )
    check_symmetric(name, arr)
    return arr


def check_landscape_area(landscape_area, attributes: np.ndarray) -> float | None:
    if landscape_area is None:
        return None
    value = check_positive("landscape_area", landscape_area)
    total = float(attributes.sum())
    if value < total * (1 - 1e-9):
        raise ValueError(
            f"landscape_area must be at least the total patch attribute ({total:.6g}). "
            f"Got landscape_area={landscape_area!r}. Give it in the units of the "
            "attribute (ha for areas)."
        )
    return value


def check_distance_matrix(distances) -> np.ndarray:
    d = square_matrix("distances", distances)
    if (d < 0).any():
        i, j = np.argwhere(d < 0)[0]
        raise ValueError(
            f"distances must be non-negative. Got distances[{i}, {j}]={float(d[i, j])!r}. "
            "Use 0 for touching patches and np.inf for unreachable pairs."
        )
    check_symmetric("distances", d)
    d = d.copy()
    np.fill_diagonal(d, 0.0)
    return d


def check_graph(graph) -> PatchGraph:
    if not isinstance(graph, PatchGraph):
        raise TypeError(
            f"graph must be a PatchGraph. Got {describe(graph)}. Build one with "
            "patch_graph_from_polygons, patch_graph_from_raster or patch_graph_from_matrix."
        )
    return graph


def patch_position(graph: PatchGraph, patch, name: str) -> int:
    hits = np.flatnonzero(graph.ids == patch)
    if hits.size != 1:
        raise ValueError(
            f"{name} must be a patch id of the graph. Got {name}={describe(patch)}; ids are "
            f"{describe(graph.ids.tolist())}."
        )
    return int(hits[0])
