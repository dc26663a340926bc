"""The three invented countries and their towns."""

from __future__ import annotations

import numpy as np
import rasterio
import rasterio.features
from scipy import ndimage

from .facts import COUNTRIES, NCOLS, NROWS
from .grid import km_grid, smooth_noise

COUNTRY_SEEDS = {"XAR": (28.0, 50.0), "XBE": (90.0, 80.0), "XCA": (86.0, 26.0)}


# name, country, kind, x km, y km, population in 2000, growth per decade
TOWNS = [
    ("Vell Arvo", "XAR", "capital", 14, 46, 61000, 0.22),
    ("Talmir", "XAR", "town", 32, 26, 14000, 0.15),
    ("Oskarra", "XAR", "village", 38, 64, 2600, 0.05),
    ("Brenn", "XAR", "village", 22, 72, 3100, 0.04),
    ("Belmar", "XBE", "capital", 98, 86, 48000, 0.25),
    ("Korvi", "XBE", "town", 77, 62, 11000, 0.30),
    ("Lunde", "XBE", "village", 60, 88, 2200, 0.10),
    ("Port Cazu", "XCA", "capital", 100, 22, 72000, 0.28),
    ("Miradel", "XCA", "town", 78, 34, 16000, 0.35),
    ("Sanvo", "XCA", "town", 92, 50, 9000, 0.20),
    ("Ekko", "XCA", "village", 56, 16, 2900, 0.08),
]


def build_countries(rng, land):
    X, Y = km_grid((NROWS, NCOLS))
    noise = [smooth_noise(rng, (NROWS, NCOLS), 60) for _ in COUNTRY_SEEDS]
    d = np.stack(
        [
            np.hypot(X - sx, Y - sy) + 7.0 * nz
            for (sx, sy), nz in zip(COUNTRY_SEEDS.values(), noise, strict=True)
        ]
    )
    which = np.argmin(d, axis=0) + 1
    which = np.where(land, which, 0).astype(np.uint8)
    # no exclaves: keep the largest part of each country, give the rest to the neighbour
    for k in range(1, len(COUNTRY_SEEDS) + 1):
        lab, n = ndimage.label(which == k)
        if n > 1:
            sizes = ndimage.sum(np.ones_like(lab), lab, index=np.arange(1, n + 1))
            small = (lab > 0) & (lab != 1 + int(np.argmax(sizes)))
            # islands offshore keep their country; inland exclaves join their surroundings
            grown = ndimage.grey_dilation(np.where(small, 0, which), size=3)
            which[small] = np.where(grown[small] > 0, grown[small], k)
    which = rasterio.features.sieve(which, 400, connectivity=4)
    return np.where(land, which, 0).astype(np.uint8)


COUNTRY_NAMES = {iso: name for iso, name, _ in COUNTRIES}


def town_population(pop2000, growth, year):
    return int(round(pop2000 * (1 + growth) ** ((year - 2000) / 10.0), -2))
