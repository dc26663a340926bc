"""Species occurrence records."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .facts import EPOCHS, NCOLS, NROWS, SPECIES, UNGULATE
from .grid import cell_xy, km_grid, to_lonlat
from .roads_rivers import road_distance_km


def build_occurrences(rng, landcovers, roads, elev, countries_r):
    """GBIF-like occurrence records of the four fictional species, biased to roads."""
    X, Y = km_grid((NROWS, NCOLS))
    rows = []
    iso2 = {1: "XA", 2: "XB", 3: "XC"}
    counts = {
        "Ambulocerus migrans": 520,
        "Silvornis viridis": 640,
        "Palustrina maculata": 300,
        "Montifelis nivalis": 140,
    }
    d_road = {epoch: road_distance_km(roads, epoch) for epoch in EPOCHS}
    for species, spec in SPECIES.items():
        years = np.sort(rng.integers(2001, 2025, counts[species]))
        for epoch in EPOCHS:
            sel = (
                years[(years >= epoch) & (years < epoch + 10)]
                if epoch < 2020
                else years[years >= 2020]
            )
            if len(sel) == 0:
                continue
            lc = landcovers[epoch]
            w = np.zeros(lc.shape)
            for cls, val in spec["classes"].items():
                w[lc == cls] = val
            if species == "Montifelis nivalis":
                w *= np.clip((np.nan_to_num(elev) - 600) / 600, 0, 1)
            w *= 0.15 + np.exp(-d_road[epoch] / 3.0)  # observers stay near roads
            prob = (w / w.sum()).ravel()
            cells = rng.choice(prob.size, size=len(sel), p=prob)
            r, c = np.divmod(cells, NCOLS)
            x, y = cell_xy(r, c)
            x = x + rng.uniform(-50, 50, len(sel))
            y = y + rng.uniform(-50, 50, len(sel))
            lon, lat = to_lonlat(x, y)
            dates = pd.to_datetime([f"{yy}-01-01" for yy in sel]) + pd.to_timedelta(
                rng.integers(0, 365, len(sel)), unit="D"
            )
            rows.append(
                pd.DataFrame(
                    {
                        "species": species,
                        "year": sel,
                        "eventDate": dates.strftime("%Y-%m-%d"),
                        "decimalLatitude": np.round(lat, 6),
                        "decimalLongitude": np.round(lon, 6),
                        "coordinateUncertaintyInMeters": rng.choice(
                            [10, 30, 100, 250, 1000], len(sel), p=[0.3, 0.3, 0.2, 0.15, 0.05]
                        ),
                        "countryCode": [iso2.get(int(v), "") for v in countries_r[r, c]],
                        "individualCount": rng.integers(
                            1, 4 if species != UNGULATE else 15, len(sel)
                        ),
                    }
                )
            )
    occ = pd.concat(rows, ignore_index=True)
    coarse = rng.choice(len(occ), 6, replace=False)  # georeferenced to a district centre
    occ.loc[coarse, "coordinateUncertaintyInMeters"] = 10000
    occ = occ.sort_values(["species", "eventDate"], kind="stable").reset_index(drop=True)
    occ.insert(0, "gbifID", 4_900_000_000 + np.arange(len(occ)))
    occ.insert(1, "occurrenceID", [f"GPEC-FICT-{i:05d}" for i in range(len(occ))])
    occ.insert(2, "datasetName", "GPEC teaching landscape (fictional)")
    occ.insert(3, "basisOfRecord", "HUMAN_OBSERVATION")
    occ.insert(4, "scientificName", occ["species"])
    occ["kingdom"] = "Animalia"
    occ["license"] = "CC0_1_0"
    return occ
