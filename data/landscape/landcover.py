"""Natural land cover and the three land-cover epochs (2000, 2010, 2020)."""

from __future__ import annotations

import numpy as np
import rasterio
import rasterio.features
from scipy import ndimage

from .countries import town_population
from .facts import CELL, EPOCHS, LANDCOVER_NODATA, MMU_CELLS, NCOLS, NROWS
from .grid import (
    absorb_slivers,
    distance_to_polyline,
    km_cell,
    km_grid,
    rasterize,
    seal_diagonals,
    smooth_noise,
    snap_to,
    upsample,
)
from .movement import LINK_NORTH, LINK_SOUTH
from .protected_areas import protection_mask
from .roads_rivers import MAJOR_ROADS, road_distance_km


def build_natural(rng, land, elev, hyd):
    """Natural land cover (no farms, towns or roads) from terrain and moisture."""
    X, Y = km_grid((NROWS, NCOLS))
    k = hyd["k"]
    acc = upsample(hyd["acc_km2"], k)
    depth = upsample(hyd["filled"] - hyd["elev"], k)
    gy, gx = np.gradient(np.nan_to_num(elev), CELL)
    slope = np.degrees(np.arctan(np.hypot(gx, gy)))
    moist = smooth_noise(rng, (NROWS, NCOLS), 25)
    patchy = smooth_noise(rng, (NROWS, NCOLS), 8)
    tl = smooth_noise(rng, (NROWS, NCOLS), 30)
    coast_d = ndimage.distance_transform_edt(land) * CELL / 1000.0

    lc = np.full((NROWS, NCOLS), 4, dtype=np.uint8)  # woodland/savanna by default
    lc[(elev < 700) & (moist + 0.4 * patchy > 0.35)] = 3  # lowland forest in moist places
    lc[(elev >= 450) & (elev < 1380 + 80 * tl) & (patchy > -0.9)] = 3  # montane forest
    lc[(elev >= 450) & (elev < 1000) & (slope < 4) & (patchy < -0.6)] = 5  # upland meadows
    plains = np.exp(-(((X - 88) / 26.0) ** 2 + ((Y - 28) / 20.0) ** 2))
    lc[(elev < 300) & (plains > 0.35) & (patchy + 0.5 * moist > 0.9)] = 5  # lowland grassland
    lc[elev >= 1380 + 80 * tl] = 5  # montane tussock above the tree line
    lc[elev >= 1700 + 90 * tl] = 8  # rock and scree
    wet = (elev < 30 + 25 * np.clip(moist, 0, None)) & ((acc > 40) | (coast_d < 3)) & (slope < 2)
    wet |= (acc > 300) & (slope < 1.5) & (elev < 120) & (patchy > 0.3)
    lc[wet] = 2
    lakes = (depth > 8.0) & (slope < 3)
    lc[lakes] = 1
    lc[~land] = LANDCOVER_NODATA
    lc = rasterio.features.sieve(lc, MMU_CELLS, connectivity=4, mask=land)
    lc[~land] = LANDCOVER_NODATA
    return lc, slope


def build_epochs(rng, land, elev, slope, natural, towns, roads, pas, big_rivers):
    """Land cover of each epoch: farmland and towns grow, major roads are sealed in."""
    X, Y = km_grid((NROWS, NCOLS))
    noise = smooth_noise(rng, (NROWS, NCOLS), 14)
    blocks = smooth_noise(rng, (NROWS, NCOLS), 4)
    town_noise = smooth_noise(rng, (NROWS, NCOLS), 6)
    plains = np.exp(-(((X - 88) / 26.0) ** 2 + ((Y - 28) / 20.0) ** 2))
    town_cells = np.zeros((NROWS, NCOLS), dtype=bool)
    for t in towns:
        town_cells[km_cell(t[3], t[4])] = True
    d_town = ndimage.distance_transform_edt(~town_cells) * CELL / 1000.0
    link_d = np.minimum(
        distance_to_polyline(X, Y, LINK_SOUTH), distance_to_polyline(X, Y, LINK_NORTH)
    )
    # the southern link narrows to a pinch point between Talmir's and Ekko's farms
    pinch = np.exp(-(((X - 48) / 3.0) ** 2 + ((Y - 40) / 3.0) ** 2))
    link_shield = np.exp(-((link_d / (2.2 - 1.4 * pinch)) ** 2))
    base = (
        0.6 * plains
        - d_town / 9.0
        - slope / 5.0
        - np.nan_to_num(elev) / 450.0
        + 0.55 * noise
        + 0.25 * blocks
        - 2.5 * link_shield
    )
    eligible = land & np.isin(natural, (2, 3, 4, 5))
    targets = {2000: 0.27, 2010: 0.33, 2020: 0.38}
    restored = None
    out = {}
    crop = np.zeros((NROWS, NCOLS), dtype=bool)
    for year in EPOCHS:
        roads_now = roads[roads["opened"] <= year]
        d_road = road_distance_km(roads, year)
        pressure = base - d_road / 5.0 + np.where(natural == 2, -0.6, 0.0)
        protected = protection_mask(pas, year)
        free = eligible & ~protected
        thr = np.quantile(pressure[eligible], 1 - targets[year])
        new = free & (pressure > thr)
        crop = crop | new
        crop = rasterio.features.sieve(
            crop.astype(np.uint8), MMU_CELLS * 3, connectivity=4
        ).astype(bool)
        if year == 2020:
            # a farm abandoned in 2012 and replanted as woodland in the southern link
            fx, fy = snap_to(ndimage.binary_erosion(crop & eligible, iterations=6), 48.0, 40.0)
            restored = crop & (np.hypot(X - fx, Y - fy) < 1.3)
            crop = crop & ~restored
        lc = natural.copy()
        lc[crop & eligible] = 6
        if restored is not None:
            lc[restored] = 4
        built = np.zeros_like(land)
        for _name, _iso, _kind, xk, yk, pop, growth in towns:
            pop_t = town_population(pop, growth, year)
            r_km = np.sqrt(pop_t / 3500.0 / np.pi)
            built |= np.hypot(X - xk, Y - yk) < r_km * (1 + 0.3 * town_noise)
        lc[built & land] = 7
        lc = rasterio.features.sieve(lc, MMU_CELLS, connectivity=4, mask=land)
        major = roads_now[roads_now["class"].isin(MAJOR_ROADS)]
        road_cells = seal_diagonals(rasterize(list(major.geometry), all_touched=True).astype(bool))
        river_cells = seal_diagonals(big_rivers)
        linear = (road_cells | river_cells) & land
        lc[road_cells & land] = 7
        lc[river_cells & land] = 1
        # slivers cut off by the linear features also obey the MMU
        lc = rasterio.features.sieve(lc, MMU_CELLS, connectivity=4, mask=land & ~linear)
        lc[road_cells & land] = 7
        lc[river_cells & land] = 1
        lc = absorb_slivers(lc, land & ~linear)
        lc[~land] = LANDCOVER_NODATA
        out[year] = lc
    return out, restored
