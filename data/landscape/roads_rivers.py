"""Roads (least-cost routes between towns) and rivers (traced from the elevation model)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from scipy import ndimage
from shapely.geometry import LineString
from skimage.graph import MCP_Geometric

from .facts import CELL, EPSG, NEW_ROAD_YEAR
from .grid import block_mean, cell_xy, chaikin, km_cell, rasterize
from .terrain import strahler_and_reaches

# from, to, class, opening year. The Korvi-Lunde road (2015) cuts the northern link.
ROADS = [
    ("Vell Arvo", "Talmir", "trunk", 1978),
    ("Talmir", "Ekko", "trunk", 1984),
    ("Ekko", "Miradel", "trunk", 1984),
    ("Miradel", "Port Cazu", "trunk", 1981),
    ("Port Cazu", "Sanvo", "trunk", 1982),
    ("Sanvo", "Korvi", "trunk", 1986),
    ("Korvi", "Belmar", "primary", 1988),
    ("Miradel", "Sanvo", "secondary", 1993),
    ("Vell Arvo", "Brenn", "primary", 1995),
    ("Brenn", "Oskarra", "secondary", 1990),
    ("Talmir", "Oskarra", "secondary", 2006),
    ("Lunde", "Belmar", "secondary", 2001),
    ("Korvi", "Lunde", "primary", NEW_ROAD_YEAR),
]


ROAD_WIDTH = {"trunk": 25.0, "primary": 15.0, "secondary": 8.0}


MAJOR_ROADS = ("trunk", "primary")  # drawn into the land cover as built-up


def route(cost, a_km, b_km, *, cellsize=CELL):
    """Least-cost route between two points (km) on a cost grid; returns map coordinates."""
    k = int(round(cellsize / CELL))
    ra, ca = km_cell(*a_km)
    rb, cb = km_cell(*b_km)
    mcp = MCP_Geometric(cost, fully_connected=True)
    mcp.find_costs([(ra // k, ca // k)], [(rb // k, cb // k)])
    path = np.array(mcp.traceback((rb // k, cb // k)))
    x, y = cell_xy(path[:, 0], path[:, 1], cellsize)
    return np.column_stack([x, y])


def build_roads(land, elev, slope, towns):
    """Road lines routed along easy terrain between towns."""
    k = 2
    cost = 1.0 + block_mean(slope, k) * 0.8 + block_mean(np.nan_to_num(elev), k) / 400.0
    cost = np.where(block_mean(land.astype(float), k) > 0.5, cost, 1e4)
    where = {t[0]: (t[3], t[4]) for t in towns}
    rows = []
    for i, (a, b, cls, year) in enumerate(ROADS):
        xy = route(cost, where[a], where[b], cellsize=CELL * k)
        line = LineString(chaikin(xy, 3)).simplify(40.0)
        rows.append(
            {
                "road_id": f"R{i + 1:02d}",
                "name": f"{a} - {b} road",
                "class": cls,
                "width_m": ROAD_WIDTH[cls],
                "lanes": 4 if cls == "trunk" else 2,
                "surface": "paved" if cls != "secondary" else "gravel",
                "opened": year,
                "geometry": line,
            }
        )
    return gpd.GeoDataFrame(rows, crs=EPSG)


def build_rivers(hyd, *, min_km2=15.0):
    reaches, order, acc = strahler_and_reaches(hyd, min_km2=min_km2)
    k = hyd["k"]
    nx = hyd["land"].shape[1]
    receiver = hyd["receiver"]
    # basin of each reach: the outlet reached downstream
    outlet = {}
    for i in hyd["order"]:  # outlets first, so receivers are known before donors
        r = receiver[i]
        outlet[i] = i if r < 0 else outlet[r]
    mouths = sorted({outlet[c[-1]] for c in reaches}, key=lambda i: -acc[i])
    names = dict(zip(mouths[:4], ["Tamsa", "Arva", "Orvo", "Cazu"], strict=False))
    rows = []
    for cells in reaches:
        r, c = np.divmod(np.array(cells), nx)
        x, y = cell_xy(r, c, CELL * k)
        end = cells[-1] if receiver[cells[-1]] < 0 else cells[-2]
        up = float(acc[end])
        strahler = int(order[cells[0]])
        basin = names.get(outlet[cells[-1]], "")
        rows.append(
            {
                "name": basin if (basin and strahler >= 3) else "",
                "basin": basin or "coastal stream",
                "strahler": strahler,
                "upstream_km2": round(up, 1),
                "width_m": round(3.0 * up**0.45, 1),
                "geometry": LineString(chaikin(np.column_stack([x, y]), 2)),
            }
        )
    gdf = gpd.GeoDataFrame(rows, crs=EPSG)
    gdf.insert(0, "river_id", [f"W{i + 1:04d}" for i in range(len(gdf))])
    return gdf


def road_distance_km(roads, year):
    """Distance (km) from every cell to the nearest road open in *year*."""
    open_roads = rasterize(list(roads[roads["opened"] <= year].geometry)).astype(bool)
    return ndimage.distance_transform_edt(~open_roads) * CELL / 1000.0
