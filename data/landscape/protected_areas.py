"""Protected areas with WDPA-like fields, and the protection mask of a given year."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry import Point

from .countries import COUNTRY_NAMES
from .facts import CELL, COUNTRIES, EPSG
from .grid import km_to_map, noisy_disc, rasterize, snap_to

# name, country(ies), designation, IUCN, designation type, status year, status,
# centre (km), radius (km), governance
PROTECTED_AREAS = [
    (
        "Serra Alta",
        ["XAR"],
        "National Park",
        "II",
        "National",
        1975,
        (32, 57),
        9.0,
        "Federal or national ministry or agency",
    ),
    (
        "Kaldera Forest",
        ["XAR"],
        "Forest Reserve",
        "VI",
        "National",
        1988,
        (22, 36),
        5.0,
        "Sub-national ministry or agency",
    ),
    (
        "Upper Arva Headwaters",
        ["XAR"],
        "Nature Reserve",
        "Ib",
        "National",
        2005,
        (42, 72),
        4.5,
        "Federal or national ministry or agency",
    ),
    (
        "Northern Crest",
        ["XAR", "XBE"],
        ("National Park", "Wilderness Park"),
        "II",
        "National",
        (1998, 2012),
        (54, 84),
        7.5,
        "Federal or national ministry or agency",
    ),
    (
        "Belhills",
        ["XBE"],
        "Game Reserve",
        "IV",
        "National",
        1982,
        (86, 77),
        7.0,
        "Federal or national ministry or agency",
    ),
    (
        "Savanna Plains",
        ["XCA"],
        "National Park",
        "II",
        "National",
        1992,
        (64, 28),
        7.0,
        "Federal or national ministry or agency",
    ),
    (
        "Tamsa Foothills",
        ["XAR", "XCA"],
        ("Nature Reserve", "Community Conservancy"),
        ("IV", "VI"),
        "National",
        (2008, 2018),
        (50, 39),
        3.5,
        "Indigenous peoples",
    ),
    (
        "Cazu Delta Wetland",
        ["XCA"],
        "Wetland Reserve",
        "IV",
        "National",
        1995,
        (100, 12),
        4.0,
        "Federal or national ministry or agency",
    ),
    (
        "Cazu Delta",
        ["XCA"],
        "Ramsar Site, Wetland of International Importance",
        "Not Reported",
        "International",
        2008,
        (101, 13),
        5.5,
        "Federal or national ministry or agency",
    ),
    (
        "Miradel Woods",
        ["XCA"],
        "Forest Reserve",
        "VI",
        "National",
        1961,
        (72, 40),
        2.2,
        "Sub-national ministry or agency",
    ),
    (
        "Oskarra Gorge",
        ["XAR"],
        "Natural Monument",
        "III",
        "National",
        1999,
        (42, 60),
        1.6,
        "Sub-national ministry or agency",
    ),
    (
        "Sanvo Hills",
        ["XCA"],
        "Protected Landscape",
        "V",
        "National",
        2011,
        (98, 56),
        3.0,
        "Collaborative governance",
    ),
    (
        "Brenn Upland",
        ["XAR"],
        "Nature Reserve",
        "Ib",
        "National",
        2019,
        (28, 78),
        3.0,
        "Federal or national ministry or agency",
    ),
    (
        "Lunde Moor",
        ["XBE"],
        "Nature Reserve",
        "Not Reported",
        "National",
        2014,
        (66, 90),
        2.0,
        "Private individual",
    ),
    (
        "Belmora Coast",
        ["XBE"],
        "Marine and Coastal Park",
        "V",
        "National",
        2003,
        (108, 72),
        3.0,
        "Federal or national ministry or agency",
    ),
    (
        "Arva Highlands",
        ["XAR"],
        "UNESCO-MAB Biosphere Reserve",
        "Not Applicable",
        "International",
        2001,
        (34, 58),
        15.0,
        "Collaborative governance",
    ),
    (
        "Northern Link",
        ["XBE"],
        "Conservation Area",
        "IV",
        "National",
        2024,
        (67, 75),
        4.0,
        "Federal or national ministry or agency",
    ),
]


PROPOSED = {"Northern Link"}


# Release 1.1: a Belmora area along the Cazunda border, designated in 2020, that lies between
# two Cazunda areas (Miradel Woods and Sanvo Hills): a transboundary stepping stone for
# Cazunda's ProtConn. name, country, designation, IUCN, designation type, status year,
# spine of the band (km), radius of its discs (km), governance
STEPPING_STONE = (
    "Tevra Vale",
    "XBE",
    "Protected Landscape",
    "V",
    "National",
    2020,
    [(77.0, 54.6), (83.0, 51.6), (89.0, 49.0), (95.0, 47.9)],
    1.2,
    "Collaborative governance",
)


# a small area reported only as a point with its reported area (as WDPA point records)
PA_POINTS = [("Kestrel Cliffs", "XBE", "Natural Monument", "III", 1990, (82, 88), 1.2)]


def build_protected_areas(rng, country_polys, countries_r):
    """WDPA-like polygons (one row per PA per country) and point records.

    Designed centres are snapped onto land: areas shared by two countries to the
    nearest point of their common border, the others to at least 1 km inside the coast.
    """
    rows = []
    wdpaid = 555500001
    codes = {iso: i + 1 for i, (iso, _n, _o) in enumerate(COUNTRIES)}
    for name, isos, desig, iucn, dtype, years, centre, radius, gov in PROTECTED_AREAS:
        if len(isos) == 2:
            a, b = (countries_r == codes[iso] for iso in isos)
            target = a & ndimage.binary_dilation(b, iterations=2)
        else:
            target = ndimage.binary_erosion(countries_r == codes[isos[0]], iterations=10)
        centre = snap_to(target, *centre)
        blob = noisy_disc(rng, centre[0], centre[1], radius)
        for j, iso in enumerate(isos):
            geom = shapely.make_valid(blob.intersection(country_polys[iso]))
            geom = shapely.union_all([g for g in getattr(geom, "geoms", [geom]) if g.area > 0])
            if geom.is_empty or geom.area < 20 * CELL * CELL:
                continue

            def pick(v, j=j):
                return v[j] if isinstance(v, tuple) else v

            d = pick(desig)
            label = name if len(isos) == 1 else f"{name} ({COUNTRY_NAMES[iso]})"
            rows.append(
                _wdpa_row(
                    rng,
                    wdpaid,
                    label,
                    d,
                    dtype,
                    pick(iucn),
                    "Proposed" if name in PROPOSED else "Designated",
                    int(pick(years)),
                    gov,
                    iso,
                    geom,
                )
            )
            wdpaid += 1
    points = []
    for name, iso, desig, iucn, year, (xk, yk), area in PA_POINTS:
        inland = ndimage.binary_erosion(countries_r == codes[iso], iterations=10)
        x, y = km_to_map(*snap_to(inland, xk, yk))  # on land, at least 1 km from the coast
        points.append(
            {
                "WDPAID": wdpaid,
                "WDPA_PID": str(wdpaid),
                "NAME": f"{name} {desig}",
                "DESIG_ENG": desig,
                "DESIG_TYPE": "National",
                "IUCN_CAT": iucn,
                "MARINE": "0",
                "REP_AREA": area,
                "STATUS": "Designated",
                "STATUS_YR": year,
                "ISO3": iso,
                "PARENT_ISO3": iso,
                "geometry": Point(x, y),
            }
        )
        wdpaid += 1
    # release 1.1: drawn after every other area, so their shapes and numbers do not move
    rows.append(_stepping_stone_row(rng, wdpaid, country_polys))
    return gpd.GeoDataFrame(rows, crs=EPSG), gpd.GeoDataFrame(points, crs=EPSG)


def _wdpa_row(rng, wdpaid, label, desig, dtype, iucn, status, year, gov, iso, geom):
    """One WDPA-like polygon record; its reported area differs at random by a few per cent."""
    gis_km2 = geom.area / 1e6
    return {
        "WDPAID": wdpaid,
        "WDPA_PID": str(wdpaid),
        "PA_DEF": "1",
        "NAME": f"{label} {desig}" if desig not in label else label,
        "ORIG_NAME": label,
        "DESIG": desig,
        "DESIG_ENG": desig,
        "DESIG_TYPE": dtype,
        "IUCN_CAT": iucn,
        "MARINE": "0",
        "REP_M_AREA": 0.0,
        "GIS_M_AREA": 0.0,
        "REP_AREA": round(gis_km2 * float(rng.normal(1.0, 0.04)), 2),
        "GIS_AREA": round(gis_km2, 4),
        "STATUS": status,
        "STATUS_YR": year,
        "GOV_TYPE": gov,
        "ISO3": iso,
        "PARENT_ISO3": iso,
        "geometry": shapely.MultiPolygon(
            [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
        ),
    }


def _stepping_stone_row(rng, wdpaid, country_polys):
    """The transboundary stepping stone of release 1.1 (a Belmora area on the Cazunda border).

    A band of noisy discs along a spine just north of the border, cut by Belmora's
    polygon, so that it runs along the border from the gap north of Miradel Woods to
    Sanvo Hills: for Cazunda it is a foreign PA between two of its own.
    """
    name, iso, desig, iucn, dtype, year, spine, radius, gov = STEPPING_STONE
    line = shapely.LineString(spine)
    steps = np.linspace(0.0, line.length, int(np.ceil(line.length / radius)) + 1)
    centres = [line.interpolate(s) for s in steps]
    blob = shapely.union_all(
        [noisy_disc(rng, c.x, c.y, radius, wobble=0.15) for c in centres]
    ).buffer(0)
    # cut by Belmora and kept off the neighbours' (separately simplified) polygons, so that no
    # sliver of it counts as Cazunda's own protected land
    neighbours = shapely.union_all([g for i, g in country_polys.items() if i != iso])
    geom = shapely.make_valid(blob.intersection(country_polys[iso]).difference(neighbours))
    geom = shapely.union_all([g for g in getattr(geom, "geoms", [geom]) if g.area > 1e4])
    return _wdpa_row(rng, wdpaid, name, desig, dtype, iucn, "Designated", year, gov, iso, geom)


def protection_mask(pas, year):
    """Cells of areas in force before an epoch's year that stop farmland spreading.

    An area designated in the epoch's year itself (Tevra Vale, 2020) came too late to stop
    the farmland mapped that year. UNESCO-MAB zones never stop it.
    """
    keep = pas[
        (pas["STATUS"] == "Designated")
        & (pas["STATUS_YR"] < year)
        & (pas["DESIG_ENG"] != "UNESCO-MAB Biosphere Reserve")
    ]
    return rasterize(list(keep.geometry)).astype(bool)
