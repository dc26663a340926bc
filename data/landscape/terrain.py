"""Land mass and terrain: the coastline, elevation, flow routing and river reaches."""

from __future__ import annotations

import numpy as np
import rasterio
import rasterio.features
from scipy import ndimage

from .facts import CELL, MMU_CELLS, NCOLS, NROWS
from .grid import block_mean, distance_to_polyline, fbm, km_grid, priority_flood

# Designed large-scale structure (km from the south-west corner, x east, y north):
# a main range runs SSW-NNE through the west (Arvenia's highlands), hills rise in the
# north-east (Belmora), plains slope to the south-east coast (Cazunda) and the delta.
MAIN_RANGE = np.array([[14, 18], [24, 34], [31, 50], [38, 66], [50, 82], [62, 90]])


EAST_HILLS = np.array([[70, 74], [84, 80], [98, 76], [108, 66]])


def build_land(rng):
    X, Y = km_grid((NROWS, NCOLS))
    ellipse = np.hypot((X - 60.0) / 56.0, (Y - 50.5) / 46.0)
    coast_noise = fbm(rng, (NROWS, NCOLS), beta=3.2, min_wavelength=3)
    detail = fbm(rng, (NROWS, NCOLS), beta=2.2, min_wavelength=2)
    score = 1.0 - ellipse + 0.13 * coast_noise + 0.02 * detail
    # a sheltered bay on the south-east coast where the main river meets the sea
    score -= 0.22 * np.exp(-(((X - 104) / 7.0) ** 2 + ((Y - 14) / 9.0) ** 2))
    # keep a margin of open sea inside the grid
    edge = np.minimum.reduce([X, 120 - X, Y, 100 - Y])
    score -= np.clip((4.0 - edge) / 4.0, 0, None) * 0.6
    land = score > 0.1
    labels, n = ndimage.label(land)
    sizes = ndimage.sum(land, labels, index=np.arange(1, n + 1))
    keep = np.zeros(n + 1, dtype=bool)
    keep[1:] = sizes >= 300  # the main land mass and islands of at least 3 km2
    land = keep[labels]
    land = ndimage.binary_fill_holes(land)
    # MMU also applies to the sea: no bays or islets under 10 ha
    land = rasterio.features.sieve(land.astype(np.uint8), MMU_CELLS, connectivity=4).astype(bool)
    return land


def build_elevation(rng, land):
    X, Y = km_grid((NROWS, NCOLS))
    coast_d = ndimage.distance_transform_edt(land) * CELL / 1000.0  # km
    d_main = distance_to_polyline(X, Y, MAIN_RANGE)
    d_east = distance_to_polyline(X, Y, EAST_HILLS)
    along = fbm(rng, (NROWS, NCOLS), beta=3.6, min_wavelength=8)  # peaks and saddles
    ridged = 1.0 - np.clip(
        np.abs(fbm(rng, (NROWS, NCOLS), beta=2.6, min_wavelength=2)) / 2.5, 0, 1
    )
    ridged = ridged**2.2
    broad = fbm(rng, (NROWS, NCOLS), beta=3.4, min_wavelength=6)
    fine = fbm(rng, (NROWS, NCOLS), beta=2.4, min_wavelength=2)

    main = np.exp(-((d_main / 11.0) ** 2)) * (1500 + 420 * along)
    east = np.exp(-((d_east / 8.0) ** 2)) * (700 + 250 * along)
    mountain = np.clip(main + east, 0, None)
    relief = mountain / 1500.0  # 0 in the plains, about 1 on the crests
    coastal = 120.0 * (1 - np.exp(-coast_d / 12.0)) + 60.0 * np.clip(broad, -1, 2)
    # the south-east plains are low and flat
    plains = np.exp(-(((X - 88) / 26.0) ** 2 + ((Y - 28) / 20.0) ** 2))
    coastal *= 1 - 0.6 * plains
    elev = coastal + mountain * (0.55 + 0.45 * ridged) + (25 + 260 * relief) * fine * 0.5
    elev += 420.0 * relief * (ridged - 0.5)
    elev = np.maximum(elev, 2.0 + 1.5 * coast_d)  # no cell below sea level on land
    return np.where(land, elev, np.nan)


def hydrology(elev, land, *, k=2):
    """Drainage on a 200 m grid: filled surface, receivers, flow accumulation (km2)."""
    land_c = block_mean(land.astype(float), k) > 0.5
    elev_c = block_mean(np.where(land, elev, 0.0), k)
    filled, receiver, order = priority_flood(elev_c, land_c)
    acc = np.where(land_c.ravel(), 1.0, 0.0)
    for idx in order[::-1]:
        r = receiver[idx]
        if r >= 0:
            acc[r] += acc[idx]
    cell_km2 = (CELL * k / 1000.0) ** 2
    return {
        "k": k,
        "land": land_c,
        "elev": elev_c,
        "filled": filled,
        "receiver": receiver,
        "order": order,
        "acc_km2": (acc * cell_km2).reshape(land_c.shape),
    }


def strahler_and_reaches(hyd, *, min_km2):
    """River reaches (lists of flat indices on the hydrology grid) with Strahler order."""
    acc = hyd["acc_km2"].ravel()
    receiver = hyd["receiver"]
    channel = acc >= min_km2
    n = acc.size
    donors = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(channel & (receiver >= 0))
    np.add.at(donors, receiver[idx], channel[idx].astype(np.int64))
    order = np.zeros(n, dtype=np.int64)
    for i in hyd["order"][::-1]:  # headwaters first
        if not channel[i]:
            continue
        if order[i] == 0:
            order[i] = 1
        r = receiver[i]
        if r >= 0 and channel[r]:
            if order[i] > order[r]:
                order[r] = order[i]
            elif order[i] == order[r] and donors[r] > 1:
                order[r] = order[i] + 1
    # a reach starts at a head or at a confluence and ends at the next confluence (which
    # it includes, so reaches join) or at the sea
    starts = np.flatnonzero(channel & ((donors == 0) | (donors > 1)))
    reaches = []
    for s in sorted(starts.tolist(), key=lambda i: (-acc[i], i)):
        cells = [s]
        i = s
        while True:
            r = receiver[i]
            if r < 0 or not channel[r]:
                break
            cells.append(r)
            if donors[r] > 1:
                break
            i = r
        if len(cells) >= 2:
            reaches.append(cells)
    return reaches, order, acc
