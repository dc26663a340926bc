r"""Least-cost corridor networks between many cores, as Linkage Mapper builds them.

:func:`corridor_network` runs Linkage Mapper's steps 1-5 (McRae & Kavanagh
2011), each a named private function below, over the engine of
:mod:`gpec_teach._cost`; see :mod:`gpec_teach.least_cost` for the method.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import scipy.ndimage as ndi
import shapely
from networkx.utils import UnionFind
from shapely.geometry import shape

from .. import _cost
from .._raster import Grid, wrap_like
from .._validation import check_choice, check_positive, describe, is_integer
from .corridors import corridor_mask
from .distance import LeastCostPath, traced_path

__all__ = ["CorridorNetwork", "corridor_network"]

#: Cost-distance rasters kept in memory while building a corridor network; above
#: this (bytes) they are recomputed for the mosaic instead of cached.
CWD_CACHE_BYTES = 256 * 2**20

_PAIRS = ("adjacent", "cost_adjacent", "euclidean_adjacent", "nearest", "all")
_NEAREST_BY = ("cost", "euclidean")
_KEPT = ("corridor", "nearest_neighbor", "cluster_link")
_COLUMNS = [
    "link_id",
    "core1",
    "core2",
    "status",
    "kept",
    "cost_adjacent",
    "euclidean_adjacent",
    "euclidean_distance",
    "cost_distance",
    "cwd_to_euclidean_ratio",
    "path_length",
    "cwd_to_path_length_ratio",
]


@dataclass(frozen=True)
class CorridorNetwork:
    """A Linkage-Mapper-style network of least-cost corridors between cores.

    Attributes
    ----------
    links : pandas.DataFrame
        One row per candidate pair: ``link_id``, ``core1``, ``core2``,
        ``status`` (``"corridor"``, ``"nearest_neighbor"``, ``"cluster_link"``
        are kept; ``"too_long_euclidean"``, ``"too_long_cost"``,
        ``"passes_through_core"``, ``"unreachable"``, ``"not_nearest_neighbor"``
        are dropped), ``kept``, ``cost_adjacent``, ``euclidean_adjacent``,
        ``euclidean_distance`` (edge to edge, map units), ``cost_distance``
        (LCD, cost units), ``cwd_to_euclidean_ratio``, ``path_length`` (map
        units) and ``cwd_to_path_length_ratio`` (NaN where not computed or where
        the denominator is 0).
    corridors : numpy.ndarray or xarray.DataArray
        Mosaic of the kept links' normalised corridors (minimum over links, cost
        units), NaN outside every corridor (beyond the cut-off), on nodata, on
        barriers and on cells no kept link reaches.
    paths : dict
        ``{(core1, core2): LeastCostPath}`` for every link whose path was traced.
    cutoff : float or None
        Corridor width used for the mosaic.
    crs : pyproj.CRS or None
    """

    links: object
    corridors: object
    paths: dict = field(default_factory=dict)
    cutoff: float | None = None
    crs: object = None

    def mask(self, *, cutoff: float | None = None) -> np.ndarray:
        """Boolean corridor mask (see :func:`corridor_mask`) for pinch-point analysis."""
        return corridor_mask(self.corridors, cutoff=cutoff)

    def to_geodataframe(self, *, kept_only: bool = True):
        """Least-cost paths as lines with the link table's attributes."""
        links = self.links[self.links["kept"]] if kept_only else self.links
        rows = [
            (k, self.paths[(c1, c2)].line)
            for k, c1, c2 in zip(links.index, links["core1"], links["core2"], strict=True)
            if (c1, c2) in self.paths
        ]
        table = links.loc[[k for k, _ in rows]]
        return gpd.GeoDataFrame(table, geometry=[g for _, g in rows], crs=self.crs)


def _adjacent_pairs(zones: np.ndarray, neighbors: int) -> set[tuple[int, int]]:
    shifts = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if neighbors == 8 else [])
    nr, nc = zones.shape
    pairs: set[tuple[int, int]] = set()
    for dr, dc in shifts:
        a = zones[: nr - dr, max(0, -dc) : nc - max(0, dc)]
        b = zones[dr:, max(0, dc) : nc + min(0, dc)]
        sel = (a > 0) & (b > 0) & (a != b)
        if sel.any():
            lo = np.minimum(a[sel], b[sel])
            hi = np.maximum(a[sel], b[sel])
            pairs.update(zip(lo.tolist(), hi.tolist(), strict=True))
    return pairs


def _euclidean_allocation(labels: np.ndarray, valid: np.ndarray) -> np.ndarray:
    _, (ir, ic) = ndi.distance_transform_edt(labels == 0, return_indices=True)
    zones = labels[ir, ic]
    return np.where(valid, zones, 0)


def _edge_distances(labels: np.ndarray, ids: np.ndarray, grid: Grid) -> np.ndarray:
    """Exact edge-to-edge distances between the cells of each pair of cores."""
    parts: dict[int, list] = {int(i): [] for i in ids}
    for geom, v in rasterio.features.shapes(
        labels.astype(np.int32), mask=labels > 0, connectivity=4, transform=_cost.transform(grid)
    ):
        parts[int(v)].append(shape(geom))
    polys = np.array([shapely.union_all(parts[int(i)]) for i in ids], dtype=object)
    n = ids.size
    d = np.zeros((n, n))
    for i in range(n - 1):
        d[i, i + 1 :] = shapely.distance(polys[i], polys[i + 1 :])
        d[i + 1 :, i] = d[i, i + 1 :]
    return d


def corridor_network(
    resistance,
    cores,
    *,
    pairs: str = "adjacent",
    k: int | None = None,
    drop_through_cores: bool = True,
    max_cost_distance: float | None = None,
    max_euclidean_distance: float | None = None,
    nearest_neighbors: int | None = None,
    nearest_by: str = "cost",
    connect_clusters: bool = True,
    cutoff: float | None = None,
    neighbors: int = 8,
    cellsize: float | None = None,
    id_column: str | None = "id",
) -> CorridorNetwork:
    r"""Least-cost corridor network between a set of cores, as Linkage Mapper builds it.

    Steps (McRae & Kavanagh 2011, Linkage Mapper steps 1-5):

    1. **Candidate pairs** (*pairs*): cores whose cost-allocation zones touch
       (``"cost_adjacent"``, see :func:`cost_allocation`), whose Euclidean
       allocation zones touch across valid (non-nodata) cells
       (``"euclidean_adjacent"``), either
       (``"adjacent"``, Linkage Mapper's default "Cost-Weighted & Euclidean"),
       each core's *k* nearest by edge-to-edge distance (``"nearest"``), or all
       pairs (``"all"``).
    2. Drop pairs farther apart than *max_euclidean_distance*.
    3. For each remaining pair, the least-cost distance
       :math:`\mathrm{LCD}_{ij} = \min_{x \in j} \mathrm{CWD}_i(x)` and the
       least-cost path (step costs of :func:`cost_distance`). Drop links that no
       route joins, links with :math:`\mathrm{LCD} >` *max_cost_distance*, and
       (with *drop_through_cores*, as Linkage Mapper does by default) links
       whose least-cost path crosses a third core: that connection is already
       made through the intermediate core.
    4. Optionally (*nearest_neighbors* = N) keep only each core's N nearest
       links (by cost or Euclidean distance, *nearest_by*) and, with
       *connect_clusters*, join the resulting clusters ("constellations") with
       their shortest remaining links, shortest first.
    5. Normalised corridors
       :math:`\mathrm{NLCC}_{ij} = \mathrm{CWD}_i + \mathrm{CWD}_j - \mathrm{LCD}_{ij}`
       of the kept links, truncated at *cutoff* and mosaicked by taking the
       minimum over links.

    The ratio :math:`\mathrm{LCD} / d_{Euclid}` (cost-weighted to Euclidean
    distance) measures how much harder the link is than a straight walk
    through the easiest cover; Linkage Mapper reports it per link.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        Positive resistance; NaN = nodata, ``inf`` = barrier.
    cores : array_like, xarray.DataArray or geopandas.GeoDataFrame
        Integer core labels (0/NaN = background) or polygons with ids in
        *id_column*. At least two cores.
    pairs : {"adjacent", "cost_adjacent", "euclidean_adjacent", "nearest", "all"}
        Candidate pairs (step 1), default ``"adjacent"``.
    k : int, optional
        Neighbours per core for ``pairs="nearest"`` (required there only).
    drop_through_cores : bool, default True
        Drop links whose least-cost path passes through another core.
    max_cost_distance, max_euclidean_distance : float, optional
        Longest link kept, in cost units / map units.
    nearest_neighbors : int, optional
        Keep each core's N nearest links (step 4). None keeps all.
    nearest_by : {"cost", "euclidean"}, default "cost"
    connect_clusters : bool, default True
        With *nearest_neighbors*, reconnect clusters of cores.
    cutoff : float, optional
        Corridor width (cost units) for the mosaic; None = no truncation.
    neighbors : {8, 4}, default 8
    cellsize : float, optional
        Cell side in map units; read from a georeferenced raster, **required**
        for a plain array (costs and distances are in map units).
    id_column : str or None, default "id"
        Column of the polygons holding the patch ids (positive integers);
        results are labelled with them, so they merge back on your own ids.
        A missing column raises (no silent renumbering). None labels the
        patches with the GeoDataFrame index (which must then hold positive
        integers). Ignored for label grids.

    Returns
    -------
    CorridorNetwork
        Link table, corridor mosaic, least-cost paths; ``mask()`` and
        ``to_geodataframe()``.

    Raises
    ------
    ValueError
        Fewer than two cores; *k* missing (or given without ``pairs="nearest"``);
        bad options; bad input; *id_column* missing from the polygons or ids not
        positive integers.

    References
    ----------
    McRae, B. H. & Kavanagh, D. M. (2011). Linkage Mapper Connectivity Analysis
    Software. The Nature Conservancy, https://linkagemapper.org;
    Adriaensen et al. (2003), https://doi.org/10.1016/S0169-2046(02)00242-6.

    Examples
    --------
    Three cores in a row: 1-2 and 2-3 are adjacent; 1-3 is not a candidate
    (core 2 lies between them).

    >>> r = np.ones((3, 9))
    >>> cores = np.zeros((3, 9), int); cores[:, 0] = 1; cores[:, 4] = 2; cores[:, 8] = 3
    >>> net = corridor_network(r, cores, cutoff=1.0, cellsize=1)
    >>> print(net.links[["core1", "core2", "status", "cost_distance"]].to_string(index=False))
     core1  core2   status  cost_distance
         1      2 corridor            4.0
         2      3 corridor            4.0
    >>> bool(net.mask().all())  # the cores span the grid: every cell is on a least-cost path
    True
    """
    opts = _check_options(
        pairs=pairs,
        k=k,
        nearest_by=nearest_by,
        neighbors=neighbors,
        drop_through_cores=drop_through_cores,
        connect_clusters=connect_clusters,
        nearest_neighbors=nearest_neighbors,
        max_cost_distance=max_cost_distance,
        max_euclidean_distance=max_euclidean_distance,
        cutoff=cutoff,
    )
    grid = _cost.resistance_grid(resistance, cellsize)
    labels = _cost.patch_labels("cores", cores, grid, id_column)
    ids = np.unique(labels[labels > 0])
    if ids.size < 2:
        raise ValueError(
            f"cores must hold at least two cores (labels > 0) to build a network. Got {ids.size}."
        )
    mcp, nodata = _cost.engine(grid, neighbors)
    cells_of = dict(zip(ids.tolist(), _cost.patch_cells(labels, ids), strict=True))
    table = _candidate_links(mcp, grid, labels, ids, nodata, opts)
    if opts["max_euclidean_distance"] is not None:  # step 2
        too_long = table["euclidean_distance"] > opts["max_euclidean_distance"]
        table.loc[too_long, "status"] = "too_long_euclidean"
    cache = _CostCache(mcp, cells_of, labels.shape[1], ids.size * labels.size * 8)
    paths = _trace_links(table, cache, grid, labels, opts)
    if nearest_neighbors is not None:
        _keep_nearest(table, ids, opts)
    table = _finish_table(table)
    mosaic = _corridor_mosaic(table, cache, opts["cutoff"], labels.shape)
    mosaic[nodata] = np.nan
    return CorridorNetwork(
        links=table,
        corridors=wrap_like(mosaic, grid, name="corridors"),
        paths=paths,
        cutoff=opts["cutoff"],
        crs=grid.crs,
    )


def _check_options(
    *,
    pairs,
    k,
    nearest_by,
    neighbors,
    drop_through_cores,
    connect_clusters,
    nearest_neighbors,
    max_cost_distance,
    max_euclidean_distance,
    cutoff,
) -> dict:
    """Validate the options of :func:`corridor_network`; return them normalised."""
    check_choice("pairs", pairs, _PAIRS)
    check_choice("nearest_by", nearest_by, _NEAREST_BY)
    _cost.check_neighbors(neighbors)
    for name, flag in (
        ("drop_through_cores", drop_through_cores),
        ("connect_clusters", connect_clusters),
    ):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False. Got {name}={describe(flag)}.")
    if pairs == "nearest":
        if k is None:
            raise ValueError("pairs='nearest' needs k= (number of nearest cores per core).")
        if not is_integer(k) or k < 1:
            raise ValueError(f"k must be a positive integer. Got k={describe(k)}.")
    elif k is not None:
        raise ValueError(f"k applies to pairs='nearest' only. Got pairs={pairs!r}; remove k=.")
    if nearest_neighbors is not None and (
        not is_integer(nearest_neighbors) or nearest_neighbors < 1
    ):
        raise ValueError(
            f"nearest_neighbors must be a positive integer. Got "
            f"nearest_neighbors={describe(nearest_neighbors)}."
        )
    return {
        "pairs": pairs,
        "k": k,
        "nearest_by": nearest_by,
        "neighbors": neighbors,
        "drop_through_cores": drop_through_cores,
        "connect_clusters": connect_clusters,
        "nearest_neighbors": nearest_neighbors,
        "max_cost_distance": _optional_positive("max_cost_distance", max_cost_distance),
        "max_euclidean_distance": _optional_positive(
            "max_euclidean_distance", max_euclidean_distance
        ),
        "cutoff": None if cutoff is None else check_positive("cutoff", cutoff, allow_zero=True),
    }


def _optional_positive(name: str, value) -> float | None:
    return None if value is None else check_positive(name, value)


# ============================================================ step 1: candidate pairs
def _nearest_pairs(ids: np.ndarray, edist: np.ndarray, k: int) -> set[tuple[int, int]]:
    """Each core with its *k* nearest cores (edge to edge)."""
    cand = set()
    for i in range(ids.size):
        d = edist[i].copy()
        d[i] = np.inf
        for j in np.argsort(d, kind="stable")[:k]:
            a, b = sorted((int(ids[i]), int(ids[j])))
            cand.add((a, b))
    return cand


def _candidate_links(mcp, grid: Grid, labels, ids, nodata, opts) -> pd.DataFrame:
    """Step 1: the candidate pairs as a link table (status "corridor", no costs yet)."""
    pairs, neighbors = opts["pairs"], opts["neighbors"]
    flat = labels.ravel()
    cost_adj: set[tuple[int, int]] = set()
    eucl_adj: set[tuple[int, int]] = set()
    if pairs in ("adjacent", "cost_adjacent"):
        all_cells = np.flatnonzero(flat > 0)
        _, tb = _cost.find_costs(mcp, all_cells, labels.shape[1])
        zones = _cost.allocation(mcp, tb, all_cells, flat[all_cells])
        cost_adj = _adjacent_pairs(zones, neighbors)
    if pairs in ("adjacent", "euclidean_adjacent"):
        eucl_adj = _adjacent_pairs(_euclidean_allocation(labels, ~nodata), neighbors)
    edist = _edge_distances(labels, ids, grid)
    if pairs == "nearest":
        cand = _nearest_pairs(ids, edist, opts["k"])
    elif pairs == "all":
        cand = {(int(a), int(b)) for ai, a in enumerate(ids) for b in ids[ai + 1 :]}
    else:
        cand = cost_adj | eucl_adj
    pos = {int(v): i for i, v in enumerate(ids.tolist())}
    rows = [
        {
            "link_id": n_link,
            "core1": c1,
            "core2": c2,
            "status": "corridor",
            "cost_adjacent": (c1, c2) in cost_adj,
            "euclidean_adjacent": (c1, c2) in eucl_adj,
            "euclidean_distance": float(edist[pos[c1], pos[c2]]),
            "cost_distance": np.nan,
            "path_length": np.nan,
        }
        for n_link, (c1, c2) in enumerate(sorted(cand), start=1)
    ]
    columns = [c for c in _COLUMNS if c not in ("kept",) and "ratio" not in c]
    return pd.DataFrame(rows, columns=columns)


# ===================================================== step 3: least-cost distances
class _CostCache:
    """Cost distance from each core, kept in memory while it fits in the byte budget."""

    def __init__(self, mcp, cells_of: dict, ncols: int, nbytes: int):
        self.mcp = mcp
        self.cells_of = cells_of
        self.ncols = ncols
        self.keep = nbytes <= CWD_CACHE_BYTES
        self.store: dict[int, np.ndarray] = {}

    def run(self, core: int) -> np.ndarray:
        """Run from all cells of *core* (the engine then holds its traceback)."""
        out = np.array(
            _cost.find_costs(self.mcp, self.cells_of[core], self.ncols)[0], dtype=np.float64
        )
        if self.keep:
            self.store[core] = out
        return out

    def get(self, core: int) -> np.ndarray:
        """Return the cost distance from *core*, cached or recomputed."""
        return self.store[core] if core in self.store else self.run(core)


def _trace_links(table, cache: _CostCache, grid: Grid, labels, opts) -> dict:
    """Step 3: least-cost distance and path of every active link; drop the bad ones."""
    paths: dict[tuple[int, int], LeastCostPath] = {}
    active = table.index[table["status"] == "corridor"]
    check_cores = opts["drop_through_cores"] and np.unique(labels[labels > 0]).size >= 3
    for c1 in sorted({int(table.at[r, "core1"]) for r in active}):
        cwd = cache.run(c1)
        for r in active[(table.loc[active, "core1"] == c1).to_numpy()]:
            c2 = int(table.at[r, "core2"])
            target = cache.cells_of[c2]
            vals = cwd.ravel()[target]
            lcd = float(vals.min())
            table.at[r, "cost_distance"] = lcd
            if not np.isfinite(lcd):
                table.at[r, "status"] = "unreachable"
                continue
            path = traced_path(cache.mcp, int(target[np.argmin(vals)]), grid, lcd)
            paths[(c1, c2)] = path
            table.at[r, "path_length"] = path.length
            table.at[r, "status"] = _link_status(path, lcd, labels, c1, c2, check_cores, opts)
    return paths


def _link_status(path, lcd, labels, c1, c2, check_cores, opts) -> str:
    if opts["max_cost_distance"] is not None and lcd > opts["max_cost_distance"]:
        return "too_long_cost"
    if check_cores:
        on_path = labels[path.cells[:, 0], path.cells[:, 1]]
        if np.any((on_path > 0) & (on_path != c1) & (on_path != c2)):
            return "passes_through_core"
    return "corridor"


# ====================================================== step 4: nearest neighbours
def _keep_nearest(table, ids, opts) -> None:
    """Step 4: keep each core's N nearest links; optionally reconnect the clusters."""
    dist_col = "cost_distance" if opts["nearest_by"] == "cost" else "euclidean_distance"
    valid = table.index[table["status"] == "corridor"]
    nn = set()
    for core in ids.tolist():
        mine = valid[
            ((table.loc[valid, "core1"] == core) | (table.loc[valid, "core2"] == core)).to_numpy()
        ]
        ranked = table.loc[mine].sort_values([dist_col, "link_id"], kind="stable")
        nn.update(ranked.index[: opts["nearest_neighbors"]].tolist())
    table.loc[list(nn), "status"] = "nearest_neighbor"
    if opts["connect_clusters"]:
        _connect_clusters(table, ids, nn, dist_col)
    table.loc[table["status"] == "corridor", "status"] = "not_nearest_neighbor"


def _connect_clusters(table, ids, nn, dist_col: str) -> None:
    """Join the clusters ("constellations") with their shortest remaining links."""
    clusters = UnionFind(ids.tolist())
    for r in nn:
        clusters.union(int(table.at[r, "core1"]), int(table.at[r, "core2"]))
    rest = table.loc[table["status"] == "corridor"].sort_values(
        [dist_col, "link_id"], kind="stable"
    )
    for r in rest.index:
        a, b = int(table.at[r, "core1"]), int(table.at[r, "core2"])
        if clusters[a] != clusters[b]:
            clusters.union(a, b)
            table.at[r, "status"] = "cluster_link"


def _finish_table(table) -> pd.DataFrame:
    """Add the ``kept`` flag and the cost-to-distance ratios; order the columns."""
    table["kept"] = table["status"].isin(_KEPT)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = table["euclidean_distance"].to_numpy()
        c = table["cost_distance"].to_numpy()
        p = table["path_length"].to_numpy()
        table["cwd_to_euclidean_ratio"] = np.where(e > 0, c / np.where(e > 0, e, 1), np.nan)
        table["cwd_to_path_length_ratio"] = np.where(p > 0, c / np.where(p > 0, p, 1), np.nan)
    return table[_COLUMNS].reset_index(drop=True)


# =========================================================== step 5: corridor mosaic
def _corridor_mosaic(table, cache: _CostCache, cutoff, shape) -> np.ndarray:
    """Step 5: minimum over the kept links of their NLCC, truncated at *cutoff*; NaN outside."""
    mosaic = np.full(shape, np.inf)
    for r in table.index[table["kept"]]:
        c1, c2 = int(table.at[r, "core1"]), int(table.at[r, "core2"])
        nl = _cost.nlcc(cache.get(c1), cache.get(c2), float(table.at[r, "cost_distance"]))
        if cutoff is not None:
            nl[nl > cutoff] = np.inf
        np.fmin(mosaic, nl, out=mosaic)
    mosaic[~np.isfinite(mosaic)] = np.nan
    return mosaic
