"""Small numerical and geometric helpers: noise, grid coordinates, polygons, rasterising, flow routing, resampling."""

from __future__ import annotations

import functools
import heapq

import numpy as np
import rasterio
import rasterio.features
import shapely
from pyproj import Transformer
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import Polygon

from .facts import CELL, EPSG, LANDCOVER_NODATA, MMU_CELLS, NCOLS, NORTH, NROWS, TRANSFORM, WEST


def fbm(rng, shape, *, beta=3.0, min_wavelength=1.0, max_wavelength=None):
    """Gaussian random field with a power-law spectrum (fractal noise), zero mean, unit sd.

    beta sets roughness (higher: smoother). Wavelengths in cells; components shorter
    than min_wavelength or longer than max_wavelength are removed.
    """
    ny, nx = shape
    white = rng.standard_normal(shape)
    fy = np.fft.fftfreq(ny)[:, None]
    fx = np.fft.rfftfreq(nx)[None, :]
    f = np.hypot(fy, fx)
    f[0, 0] = 1.0
    amp = f ** (-beta / 2.0)
    amp[f > 1.0 / min_wavelength] = 0.0
    if max_wavelength is not None:
        amp[f < 1.0 / max_wavelength] *= (f[f < 1.0 / max_wavelength] * max_wavelength) ** 2
    amp[0, 0] = 0.0
    field = np.fft.irfft2(np.fft.rfft2(white) * amp, s=shape)
    field -= field.mean()
    return field / field.std()


def smooth_noise(rng, shape, scale_cells):
    """Smooth Gaussian noise with correlation length about scale_cells, unit sd."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), scale_cells, mode="wrap")
    field -= field.mean()
    return field / field.std()


def block_mean(a, k):
    ny, nx = a.shape
    return a.reshape(ny // k, k, nx // k, k).mean(axis=(1, 3))


def upsample(a, k):
    return np.repeat(np.repeat(a, k, axis=0), k, axis=1)


def cell_xy(rows, cols, cellsize=CELL):
    """Map coordinates of cell centres."""
    return WEST + (np.asarray(cols) + 0.5) * cellsize, NORTH - (np.asarray(rows) + 0.5) * cellsize


def xy_cell(x, y, cellsize=CELL):
    return (
        np.floor((NORTH - np.asarray(y)) / cellsize).astype(int),
        np.floor((np.asarray(x) - WEST) / cellsize).astype(int),
    )


def km_grid(shape, cellsize=CELL):
    """Cell-centre coordinates in km from the north-west corner (x east, y north)."""
    ny, nx = shape
    xs = (np.arange(nx) + 0.5) * cellsize / 1000.0
    ys = (ny - np.arange(ny) - 0.5) * cellsize / 1000.0
    return np.meshgrid(xs, ys)


def km_to_map(xk, yk):
    return WEST + xk * 1000.0, NORTH - NROWS * CELL + yk * 1000.0


def chaikin(coords, iterations=2):
    """Corner-cutting smoothing of a polyline; the end points stay where they are."""
    pts = np.asarray(coords, dtype=float)
    for _ in range(iterations):
        if len(pts) < 3:
            return pts
        q = 0.75 * pts[:-1] + 0.25 * pts[1:]
        r = 0.25 * pts[:-1] + 0.75 * pts[1:]
        mid = np.empty((2 * (len(pts) - 1), 2))
        mid[0::2] = q
        mid[1::2] = r
        pts = np.vstack([pts[:1], mid[1:-1], pts[-1:]])
    return pts


def distance_to_polyline(px, py, line):
    """Distance (same units) from points to a polyline given as an (n, 2) array."""
    best = np.full(np.shape(px), np.inf)
    for (x0, y0), (x1, y1) in zip(line[:-1], line[1:], strict=True):
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0, 1)
        best = np.minimum(best, np.hypot(px - x0 - t * dx, py - y0 - t * dy))
    return best


def polygonize(mask, *, simplify=0.0, transform=TRANSFORM):
    """Union of the True cells of a mask as a (Multi)Polygon in map coordinates."""
    shapes = [
        shapely.geometry.shape(geom)
        for geom, value in rasterio.features.shapes(
            mask.astype(np.uint8), mask=mask, transform=transform, connectivity=4
        )
        if value == 1
    ]
    geom = shapely.union_all(shapes)
    if simplify:
        geom = shapely.make_valid(geom.simplify(simplify))
    return geom


def rasterize(geoms, *, value=1, all_touched=False, shape=(NROWS, NCOLS), transform=TRANSFORM):
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(shape, dtype=np.uint8)
    return rasterio.features.rasterize(
        [(g, value) for g in geoms],
        out_shape=shape,
        transform=transform,
        all_touched=all_touched,
        dtype=np.uint8,
    )


def seal_diagonals(mask):
    """Make a rasterised line 4-connected: where two cells touch only at a corner, add one.

    Patches are 8-connected (FRAGSTATS' rule), so a line whose cells meet only at corners
    lets habitat patches leak across it. Roads and rivers must stay barriers.
    """
    m = mask.copy()
    a, b = m[:-1, :-1], m[1:, 1:]  # down-right diagonal
    gap = a & b & ~m[:-1, 1:] & ~m[1:, :-1]
    m[:-1, 1:] |= gap
    a, b = m[:-1, 1:], m[1:, :-1]  # down-left diagonal
    gap = a & b & ~m[:-1, :-1] & ~m[1:, 1:]
    m[:-1, :-1] |= gap
    return m


def absorb_slivers(lc, areal):
    """Give patches of areal classes under the MMU (4-neighbour) the class of the nearest
    other land cell: the few slivers the sieve cannot reach (between a road and the sea)."""
    small = np.zeros(lc.shape, dtype=bool)
    for code in np.unique(lc[areal]):
        labels, _ = ndimage.label((lc == code) & areal)
        sizes = np.bincount(labels.ravel())
        small |= (labels > 0) & (sizes[labels] < MMU_CELLS)
    if small.any():
        valid = (lc != LANDCOVER_NODATA) & ~small
        _, (ir, ic) = ndimage.distance_transform_edt(~valid, return_indices=True)
        lc = lc.copy()
        lc[small] = lc[ir[small], ic[small]]
    return lc


_NEIGH8 = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def priority_flood(elev, land):
    """Fill depressions and route flow to the sea (Barnes et al. 2014, priority-flood + eps).

    Returns the filled surface, the receiver (flat index) of each land cell and the cells
    in the order they were reached (outlets first).
    """
    ny, nx = elev.shape
    filled = np.where(land, elev, -1e9).astype(float)
    flat_elev = filled.ravel()
    receiver = np.full(ny * nx, -1, dtype=np.int64)
    seen = ~land.ravel().copy()
    sea_border = land & ~ndimage.binary_erosion(land, border_value=0)
    heap = []
    for idx in np.flatnonzero(sea_border.ravel()):
        heap.append((flat_elev[idx], int(idx)))
        seen[idx] = True
    heapq.heapify(heap)
    order = []
    eps = 1e-3
    while heap:
        z, idx = heapq.heappop(heap)
        order.append(idx)
        r, c = divmod(idx, nx)
        for dr, dc in _NEIGH8:
            rr, cc = r + dr, c + dc
            if 0 <= rr < ny and 0 <= cc < nx:
                j = rr * nx + cc
                if not seen[j]:
                    seen[j] = True
                    if flat_elev[j] <= z:
                        flat_elev[j] = z + eps
                    receiver[j] = idx
                    heapq.heappush(heap, (flat_elev[j], j))
    return flat_elev.reshape(ny, nx), receiver, np.array(order, dtype=np.int64)


def km_cell(xk, yk):
    """(row, col) of the cell holding a point given in km from the south-west corner."""
    x, y = km_to_map(np.asarray(xk, float), np.asarray(yk, float))
    return xy_cell(x, y)


def snap_to(mask, xk, yk):
    """Nearest True cell of mask to a point in km, returned in km (cell centre)."""
    r, c = km_cell(xk, yk)
    dist, (ir, ic) = ndimage.distance_transform_edt(~mask, return_indices=True)
    rr, cc = ir[r, c], ic[r, c]
    x, y = cell_xy(rr, cc)
    return (x - WEST) / 1000.0, (y - (NORTH - NROWS * CELL)) / 1000.0


def noisy_disc(rng, cx, cy, radius, *, wobble=0.25, n=72):
    """A blob-shaped polygon (map coordinates) around a centre given in km."""
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    k = np.arange(1, 6)
    amp = rng.normal(0, wobble, size=5) / k
    phase = rng.uniform(0, 2 * np.pi, size=5)
    r = radius * (1 + (amp[None, :] * np.sin(k[None, :] * ang[:, None] + phase[None, :])).sum(1))
    r = np.clip(r, 0.35 * radius, None)
    x, y = km_to_map(cx + r * np.cos(ang), cy + r * np.sin(ang))
    return Polygon(np.column_stack([x, y])).buffer(0)


@functools.cache
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_lonlat(x, y):
    """Map coordinates (EPSG:9191) to WGS 84 longitude and latitude."""
    return _transformer(EPSG, 4326).transform(x, y)


def from_lonlat(lon, lat):
    """WGS 84 longitude and latitude to map coordinates (EPSG:9191)."""
    return _transformer(4326, EPSG).transform(lon, lat)


def mode_resample(lc, factor_m):
    """Land cover at a coarser cell: the most common class of each block (nodata ignored)."""
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    n_r, n_c = int(NROWS * CELL / factor_m), int(NCOLS * CELL / factor_m)
    out = np.zeros((n_r, n_c), dtype=lc.dtype)
    reproject(
        lc,
        out,
        src_transform=TRANSFORM,
        dst_transform=from_origin(WEST, NORTH, factor_m, factor_m),
        src_crs=f"EPSG:{EPSG}",
        dst_crs=f"EPSG:{EPSG}",
        src_nodata=LANDCOVER_NODATA,
        dst_nodata=LANDCOVER_NODATA,
        resampling=Resampling.mode,
    )
    return out


def mean_resample(elev, factor_m):
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    n_r, n_c = int(NROWS * CELL / factor_m), int(NCOLS * CELL / factor_m)
    out = np.full((n_r, n_c), np.nan, dtype=np.float32)
    reproject(
        elev.astype(np.float32),
        out,
        src_transform=TRANSFORM,
        dst_transform=from_origin(WEST, NORTH, factor_m, factor_m),
        src_crs=f"EPSG:{EPSG}",
        dst_crs=f"EPSG:{EPSG}",
        src_nodata=np.nan,
        dst_nodata=np.nan,
        resampling=Resampling.average,
    )
    return out
