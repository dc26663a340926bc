"""Camera sites at road crossings and their yearly detection counts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from .facts import EPSG, NEW_ROAD_YEAR, UNGULATE
from .grid import km_to_map
from .movement import LINK_NORTH, LINK_SOUTH, WINTER

# camera and crossing sites: id, name, kind, installed, (x, y) km near a road and a link
CROSSINGS = [
    ("XS1", "Lunde road north camera", "camera on road verge", 2012, "north"),
    ("XS2", "Tamsa underpass", "wildlife underpass (built 2017)", 2012, "south"),
    ("XS3", "Savanna Plains waterhole camera", "camera, no road (control)", 2012, "winter"),
    ("XS4", "Ekko culvert", "drainage culvert", 2014, "ekko"),
]


def build_crossings(rng, roads):
    """Camera and crossing sites where roads meet the links, with yearly counts."""
    by_id = roads.set_index("name")
    new_road = roads.loc[roads["opened"] == NEW_ROAD_YEAR].geometry.iloc[0]
    north = LineString(np.column_stack(km_to_map(LINK_NORTH[:, 0], LINK_NORTH[:, 1])))
    south = LineString(np.column_stack(km_to_map(LINK_SOUTH[:, 0], LINK_SOUTH[:, 1])))

    def meet(road, link):
        hit = road.intersection(link)
        if hit.is_empty:
            return shapely.ops.nearest_points(road, link)[0]
        return list(getattr(hit, "geoms", [hit]))[0]

    south_roads = roads[roads.geometry.intersects(south) & (roads["opened"] < 2010)]
    south_road = south_roads.iloc[0] if len(south_roads) else by_id.loc["Talmir - Ekko road"]
    ekko = by_id.loc["Ekko - Miradel road"].geometry
    wx, wy = km_to_map(*WINTER)
    places = {
        "north": (
            meet(new_road, north),
            roads.loc[roads["opened"] == NEW_ROAD_YEAR, "road_id"].iloc[0],
        ),
        "south": (meet(south_road.geometry, south), south_road["road_id"]),
        "winter": (Point(wx + 1500, wy - 800), ""),
        "ekko": (
            ekko.interpolate(0.5, normalized=True),
            roads.loc[roads["name"] == "Ekko - Miradel road", "road_id"].iloc[0],
        ),
    }
    sites = gpd.GeoDataFrame(
        [
            {
                "site_id": sid,
                "name": name,
                "kind": kind,
                "monitored_from": start,
                "road_id": places[where][1],
                "link": where,
                "geometry": places[where][0],
            }
            for sid, name, kind, start, where in CROSSINGS
        ],
        crs=EPSG,
    )
    rows = []
    for sid, _name, _kind, start, _where in CROSSINGS:
        for year in range(start, 2025):
            if sid == "XS1":
                rate = (
                    0.14
                    if year < NEW_ROAD_YEAR
                    else (0.10 if year == NEW_ROAD_YEAR else 0.055 * 0.97 ** (year - 2016))
                )
            elif sid == "XS2":
                rate = 0.05 if year < 2018 else 0.05 + 0.018 * (year - 2017)
            elif sid == "XS3":
                rate = 0.22 * 0.985 ** (year - 2012)
            else:
                rate = 0.025
            days = int(np.clip(rng.normal(335, 20), 250, 365))
            note = ""
            if sid == "XS1" and year == 2016:
                days, note = 48, "camera stolen in February"
            if sid == "XS2" and year == 2017:
                days, note = 150, "camera moved during underpass works"
            gamma = rng.gamma(6.0, 1 / 6.0)  # year-to-year variation beyond Poisson
            rows.append(
                {
                    "site_id": sid,
                    "year": year,
                    "species": UNGULATE,
                    "camera_days": days,
                    "detections": int(rng.poisson(rate * days * gamma)),
                    "notes": note,
                }
            )
    return sites, pd.DataFrame(rows)
