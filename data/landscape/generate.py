"""Build every layer in memory, in the order the random streams expect."""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import Point

from .countries import TOWNS, build_countries, town_population
from .counts import build_crossings
from .facts import COUNTRIES, EPSG, stream
from .grid import km_to_map, polygonize, rasterize, snap_to
from .landcover import build_epochs, build_natural
from .movement import build_tracks
from .occurrences import build_occurrences
from .protected_areas import build_protected_areas
from .roads_rivers import build_rivers, build_roads
from .terrain import build_elevation, build_land, hydrology


def generate():
    """Build every layer in memory; returns a dict of named layers and statistics."""
    land = build_land(stream("land"))
    elev = build_elevation(stream("elevation"), land)
    hyd = hydrology(elev, land)
    countries_r = build_countries(stream("countries"), land)
    country_polys = {
        iso: polygonize(countries_r == i + 1, simplify=50.0)
        for i, (iso, _n, _o) in enumerate(COUNTRIES)
    }
    natural, slope = build_natural(stream("landcover"), land, elev, hyd)
    # towns sit on low, gentle land (snap the designed sites)
    low = land & (elev < 500) & (slope < 6) & (natural != 1)
    towns = []
    for name, iso, kind, xk, yk, pop, growth in TOWNS:
        sx, sy = snap_to(low & (countries_r == 1 + [c[0] for c in COUNTRIES].index(iso)), xk, yk)
        towns.append((name, iso, kind, sx, sy, pop, growth))
    roads = build_roads(land, elev, slope, towns)
    rivers = build_rivers(hyd)
    big = rivers[rivers["width_m"] >= 50]
    big_rivers = rasterize(list(big.geometry), all_touched=True).astype(bool)
    pas, pa_points = build_protected_areas(stream("protected_areas"), country_polys, countries_r)
    landcovers, restored = build_epochs(
        stream("epochs"), land, elev, slope, natural, towns, roads, pas, big_rivers
    )
    fixes, fix_errors, _ = build_tracks(stream("tracks"), landcovers[2020], land)
    occ = build_occurrences(stream("occurrences"), landcovers, roads, elev, countries_r)
    sites, counts = build_crossings(stream("crossings"), roads)

    settlements = gpd.GeoDataFrame(
        [
            {
                "name": name,
                "ISO3": iso,
                "kind": kind,
                "pop_2000": town_population(pop, g, 2000),
                "pop_2010": town_population(pop, g, 2010),
                "pop_2020": town_population(pop, g, 2020),
                "geometry": Point(*km_to_map(xk, yk)),
            }
            for name, iso, kind, xk, yk, pop, g in towns
        ],
        crs=EPSG,
    )
    countries = gpd.GeoDataFrame(
        [
            {
                "ISO3": iso,
                "ISO2": iso[:2] if iso != "XBE" else "XB",
                "NAME": name,
                "OFFICIAL_NAME": official,
                "AREA_KM2": round(country_polys[iso].area / 1e6, 1),
                "FICTIONAL": 1,
                "geometry": shapely.MultiPolygon(
                    [g for g in getattr(country_polys[iso], "geoms", [country_polys[iso]])]
                ),
            }
            for iso, name, official in COUNTRIES
        ],
        crs=EPSG,
    )
    countries["ISO2"] = ["XA", "XB", "XC"]
    return {
        "land": land,
        "elevation": elev,
        "landcover": landcovers,
        "restored": restored,
        "countries_raster": countries_r,
        "countries": countries,
        "settlements": settlements,
        "roads": roads,
        "rivers": rivers,
        "protected_areas": pas,
        "protected_area_points": pa_points,
        "tracks": fixes,
        "track_errors": fix_errors,
        "occurrences": occ,
        "crossing_sites": sites,
        "crossing_counts": counts,
    }
