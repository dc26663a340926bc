"""The data sheet data/README.md (its template is here)."""

from __future__ import annotations

from .facts import (
    CELL,
    CLASSES,
    COARSE,
    EPOCHS,
    EPSG,
    MMU_CELLS,
    NCOLS,
    NEW_ROAD_YEAR,
    NORTH,
    NROWS,
    SEED,
    TITLE,
    VERSION,
    WEST,
    WORLDCOVER,
)


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(out)


FIELDS = {
    "countries.gpkg": [
        ("ISO3", "invented code in the ISO 3166 user-assigned range (XAR, XBE, XCA)"),
        ("ISO2", "two-letter code (XA, XB, XC), as GBIF's countryCode"),
        ("NAME / OFFICIAL_NAME", "invented short and official names"),
        ("AREA_KM2", "area of the polygon (km²)"),
        ("FICTIONAL", "always 1"),
    ],
    "settlements.gpkg": [
        ("name", "invented place name"),
        ("ISO3", "country"),
        ("kind", "capital, town or village"),
        ("pop_2000, pop_2010, pop_2020", "population in each epoch"),
    ],
    "roads.gpkg": [
        ("road_id", "R01..R13"),
        ("name", "the two towns it links"),
        ("class", "trunk, primary or secondary"),
        ("width_m", "carriageway width (m): trunk 25, primary 15, secondary 8"),
        ("lanes, surface", "number of lanes; paved or gravel"),
        ("opened", f"year of opening; the Korvi - Lunde road opened in {NEW_ROAD_YEAR}"),
    ],
    "rivers.gpkg": [
        ("river_id", "W0001..."),
        ("name", "river name for Strahler order 3 and above in the four largest basins"),
        ("basin", "basin name, or 'coastal stream'"),
        ("strahler", "Strahler order on the 200 m drainage grid"),
        ("upstream_km2", "area draining to the downstream end of the reach (km²)"),
        ("width_m", "nominal width, 3 × upstream_km2^0.45 (m)"),
    ],
    "protected_areas.gpkg (layers `polygons` and `points`)": [
        ("WDPAID, WDPA_PID", "identifiers (invented, 5555000xx)"),
        ("NAME, ORIG_NAME", "name with designation; original name"),
        (
            "DESIG, DESIG_ENG, DESIG_TYPE",
            "designation and whether it is National or International",
        ),
        ("IUCN_CAT", "Ia, Ib, II, III, IV, V, VI, Not Reported or Not Applicable"),
        ("MARINE", "'0' (terrestrial)"),
        (
            "REP_AREA, GIS_AREA",
            "reported area and polygon area (km²); they differ by a few per cent, as in WDPA",
        ),
        ("STATUS, STATUS_YR", "Designated or Proposed; year of designation"),
        ("GOV_TYPE", "governance type"),
        ("ISO3, PARENT_ISO3", "country"),
    ],
    "crossing_sites.gpkg": [
        ("site_id", "XS1..XS4"),
        ("name, kind", "site name; camera, underpass, culvert or control camera"),
        ("monitored_from", "first year with counts"),
        ("road_id", "road the site is on (empty for the control)"),
        ("link", "north, south, winter or ekko"),
    ],
    "tracks.csv (Movebank)": [
        ("event-id", "row identifier"),
        ("visible", "Movebank's visibility flag (all true: cleaning is the learner's job)"),
        ("timestamp", "UTC, `YYYY-MM-DD HH:MM:SS.000`, every 4 hours with up to 2 minutes' delay"),
        ("location-long, location-lat", "WGS 84 longitude and latitude (degrees)"),
        ("gps:hdop, gps:satellite-count", "fix quality"),
        ("individual-local-identifier, tag-local-identifier", "animal (AM01..AM08) and collar"),
        ("sensor-type, individual-taxon-canonical-name, study-name", "constant"),
    ],
    "occurrences.csv (GBIF-like)": [
        ("gbifID, occurrenceID, datasetName, basisOfRecord", "identifiers and provenance"),
        ("scientificName, species, kingdom", "one of four fictional species"),
        ("eventDate, year", "date of the record"),
        ("decimalLatitude, decimalLongitude", "WGS 84 (degrees)"),
        ("coordinateUncertaintyInMeters", "10 m to 10 km"),
        ("countryCode", "XA, XB or XC"),
        ("individualCount", "animals seen"),
        ("license", "CC0_1_0"),
    ],
    "crossing_counts.csv": [
        ("site_id", "site of crossing_sites.gpkg"),
        ("year", "calendar year"),
        ("species", "Ambulocerus migrans"),
        ("camera_days", "days the camera worked (the sampling effort)"),
        ("detections", "independent detections of the ungulate"),
        ("notes", "why effort was low, where it was"),
    ],
}


def data_sheet(layers, out):
    """The data sheet data/README.md, with numbers computed from the layers."""
    lc = layers["landcover"]
    land_km2 = float(layers["land"].sum()) * CELL * CELL / 1e6
    class_rows = []
    for code, (name, colour, desc) in CLASSES.items():
        shares = [
            f"{(lc[y] == code).sum() * CELL * CELL / 1e6:,.0f} ({(lc[y] == code).sum() / (lc[y] > 0).sum() * 100:.1f} %)"
            for y in EPOCHS
        ]
        class_rows.append([code, name, f"`{colour}`", desc, *shares, WORLDCOVER[code]])
    pas = layers["protected_areas"]
    pa_rows = [
        [
            r.WDPAID,
            r.NAME,
            r.ISO3,
            r.DESIG_ENG,
            r.IUCN_CAT,
            r.STATUS,
            r.STATUS_YR,
            f"{r.GIS_AREA:.1f}",
        ]
        for r in pas.itertuples()
    ]
    tracks = layers["tracks"]
    errs = layers["track_errors"].value_counts()
    per_animal = tracks.groupby("individual-local-identifier")["timestamp"].agg(
        ["min", "max", "size"]
    )
    animal_rows = [[a, r["min"][:10], r["max"][:10], r["size"]] for a, r in per_animal.iterrows()]
    counts = layers["crossing_counts"]
    files = sorted(
        p.name
        for p in out.iterdir()
        if p.is_file() and p.name not in ("README.md", "SHA256SUMS", "make_landscape.py")
    )
    file_rows = [[f"`{n}`", f"{(out / n).stat().st_size / 1e3:,.0f} kB"] for n in files]
    field_sections = "\n\n".join(
        f"**{name}**\n\n" + _table(["field", "meaning"], rows) for name, rows in FIELDS.items()
    )
    sections = [
        *_section_title_and_introduction(file_rows, land_km2),
        *_section_land_cover_classes(class_rows, field_sections, layers, pa_rows),
        *_section_gps_tracks(animal_rows, counts, errs),
    ]
    return "\n".join(sections)


def _section_title_and_introduction(file_rows, land_km2) -> list[str]:
    """Lines of the data sheet's title and introduction."""
    return [
        f"# Data sheet: {TITLE}",
        "",
        "> **Fictional data.** The land mass, its three countries (Arvenia, Belmora, Cazunda), "
        "towns, protected areas, animals and species are invented. They are drawn by "
        "`data/make_landscape.py` from a fixed seed so that the curriculum can teach on "
        "realistic data offline. The land mass sits over the open Tasman Sea, where there is "
        "no real land, so nobody mistakes it for a real place on a basemap.",
        "",
        "![Quick look of every layer](quicklook.png)",
        "",
        "## At a glance",
        "",
        _table(
            ["property", "value"],
            [
                ["Title", TITLE],
                ["Version", VERSION],
                ["Licence", "CC0 1.0 (public domain dedication). No third-party data are used."],
                ["CRS", f"EPSG:{EPSG} (WGS 84 / NIWA Albers): Albers equal-area, metres"],
                [
                    "Extent (EPSG:9191)",
                    f"x {WEST:,.0f} to {WEST + NCOLS * CELL:,.0f} m, y {NORTH - NROWS * CELL:,.0f} to {NORTH:,.0f} m (120 km × 100 km)",
                ],
                [
                    "Native grid",
                    f"{NCOLS} columns × {NROWS} rows of {CELL:.0f} m; coarse copies at {COARSE[0]} m and {COARSE[1]} m",
                ],
                ["Land area", f"{land_km2:,.0f} km²"],
                ["Epochs", ", ".join(map(str, EPOCHS))],
                [
                    "Minimum mapping unit",
                    f"{MMU_CELLS} cells (10 ha), 4-neighbour patches; roads and rivers are linear features drawn after it",
                ],
                ["Seed", f"{SEED}, one random stream per layer"],
            ],
        ),
        "",
        "## Files",
        "",
        "All rasters are Cloud-Optimized GeoTIFFs (DEFLATE, 256 px tiles, overviews) on the same grid "
        "and CRS; vectors are GeoPackages in the same CRS; tables are CSV (UTF-8, comma) with "
        "WGS 84 longitude and latitude, as Movebank and GBIF deliver them. `SHA256SUMS` lists "
        "the checksum of every file, checked by `gpec_teach.data.verify()` and the tests.",
        "",
        _table(["file", "size"], file_rows),
        "",
        "Rasters: `elevation.tif` (int16, metres, nodata -32768 over the sea), "
        "`elevation_250m.tif` and `elevation_500m.tif` (mean of the 100 m cells), "
        "`landcover_<year>.tif` (uint8 class codes, nodata 0 over the sea, with a colour table and "
        "the class names and colours as JSON in the tags `CLASS_NAMES` and `CLASS_COLORS`), and "
        "`landcover_<year>_250m.tif`, `landcover_<year>_500m.tif` (most common class of the 100 m cells: "
        "one-cell-wide roads and rivers mostly disappear at these sizes, so burn roads back in with "
        "`gpec_teach.burn_lines` when they matter).",
        "",
    ]


def _section_land_cover_classes(class_rows, field_sections, layers, pa_rows) -> list[str]:
    """Lines of the data sheet from "Land-cover classes" on."""
    return [
        "## Land-cover classes",
        "",
        "Colours are those of the colour table in the files and of `gpec_teach.maps`. "
        "The last column gives the nearest ESA WorldCover class, for learners who bring their own data.",
        "",
        _table(
            [
                "code",
                "class",
                "colour",
                "description",
                *[f"km² (%) {y}" for y in EPOCHS],
                "WorldCover",
            ],
            class_rows,
        ),
        "",
        "## Fields",
        "",
        field_sections,
        "",
        "## Protected areas",
        "",
        "Areas that meet across a border are recorded once per country, as in WDPA "
        "(Northern Crest, Tamsa Foothills). Some were designated between epochs. The Ramsar "
        "site overlaps the Cazu Delta Wetland Reserve and the UNESCO-MAB biosphere reserve "
        "overlaps Serra Alta: coverage statistics must dissolve overlaps and leave biosphere "
        "reserves out, as the WDPA guidance says. One record is `Proposed` (Northern Link, "
        "over the northern habitat link) and one area is known only as a point with its "
        "reported area (layer `points`). Other overlaps, as in real data: Oskarra Gorge "
        "overlaps Serra Alta (about 1.5 km²), and the Cazunda part of Tamsa Foothills (a "
        "community conservancy of 2018) lies inside Savanna Plains National Park, so it adds "
        "no coverage; Savanna Plains and the Arvenia part of Tamsa Foothills meet at the "
        "border. Country polygons were simplified one by one (50 m tolerance), so neighbours' "
        "borders do not match exactly: areas cut at a border spill by up to about 0.07 km² "
        "into the neighbour, and the two halves of a transboundary pair overlap slightly, as "
        "happens when national datasets are put together.",
        "",
        _stepping_stone_paragraph(layers["protected_areas"]),
        "",
        _table(
            ["WDPAID", "name", "ISO3", "designation", "IUCN", "status", "year", "GIS km²"], pa_rows
        ),
        "",
        "## The story in the data",
        "",
        "- A mountain range runs SSW to NNE through Arvenia; hills rise in Belmora; Cazunda's "
        "plains slope to the south-east coast and the Cazu delta. Rivers follow the terrain: "
        "they were traced on the filled elevation model (priority flood, Barnes et al. 2014, "
        "doi:10.1016/j.cageo.2013.04.024).",
        "- Habitat: the forested highlands of Arvenia form one large block; the Belmora hills "
        "a second; the woodland around the lakes of the south-centre (Savanna Plains) a third, "
        "where the ungulates spend the winter. Farmland fills the eastern plains and the south. "
        "Two habitat links matter: the **southern link** from the Serra Alta foothills to the "
        "Savanna Plains, across the Arvenia-Cazunda border, and the **northern link** between "
        "the main range and the Belmora hills, across the Arvenia-Belmora border. Farmland is "
        "kept out of a band along each link (see step 8 below), as if by local custom.",
        f"- Cropland and towns grow from 2000 to 2020. The Korvi - Lunde road (primary, opened "
        f"{NEW_ROAD_YEAR}) cuts the northern link: it is in the 2020 land cover as built-up cells. "
        "A farm in the southern link was abandoned and replanted as woodland before 2020 "
        f"({int((layers['restored'] & (layers['landcover'][2010] == 6)).sum()) * CELL * CELL / 1e4:,.0f} ha "
        "that were cropland in 2010), the one gain of natural land in the series.",
        "- Eight collared *Ambulocerus migrans* (a fictional migratory ungulate) spend the summer "
        "in the highlands (five in Serra Alta, three in the Belmora hills) and the winter in the "
        "Savanna Plains, migrating in April-May and November along least-cost routes over the "
        "2020 land cover, with stopovers.",
        "- Camera counts: detections at the northern-link camera (XS1) fall after the road opens; "
        "those at the Tamsa underpass (XS2) rise after it was built in 2017; XS3 is a control "
        "without a road. Counts vary more than Poisson from year to year (gamma-distributed "
        "rate); use the camera-days as effort.",
        "",
    ]


def _stepping_stone_paragraph(pas) -> str:
    """What the transboundary stepping stone of release 1.1 is and where it lies (gaps in km)."""
    geom = pas.set_index("ORIG_NAME").geometry
    stone, miradel, sanvo = geom["Tevra Vale"], geom["Miradel Woods"], geom["Sanvo Hills"]
    d_sanvo = stone.distance(sanvo) / 1e3
    near_sanvo = (
        "touches Sanvo Hills" if d_sanvo == 0 else f"lies {d_sanvo:.1f} km from Sanvo Hills"
    )
    return (
        "**A transboundary stepping stone (release 1.1.0).** Tevra Vale Protected Landscape "
        f"(Belmora, 2020, {stone.area / 1e6:.1f} km²) runs along the Belmora side of the "
        "Cazunda border, between two Cazunda areas: it lies "
        f"{stone.distance(miradel) / 1e3:.1f} km from Miradel Woods and {near_sanvo}, two areas "
        f"{miradel.distance(sanvo) / 1e3:.1f} km apart (edge to edge). For Cazunda it is a "
        "foreign protected area on the best path between its own, so Cazunda's ProtConn has a "
        "transboundary fraction (ProtConn[Trans]) and falls a little without it; for Belmora "
        "it is one of its own areas. It was designated in 2020, after the 2020 land cover "
        "was mapped: the fields inside it are still cropland (an IUCN category V landscape). "
        "It is new in release 1.1.0; every other layer and value is that of release 1.0.0 "
        "(only the `VERSION` tag of the rasters changed)."
    )


def _section_gps_tracks(animal_rows, counts, errs) -> list[str]:
    """Lines of the data sheet from "GPS tracks" on."""
    return [
        "## GPS tracks",
        "",
        _table(["animal", "first fix", "last fix", "rows"], animal_rows),
        "",
        "Deliberate errors to clean (not flagged in the file): "
        + ", ".join(f"{n} {k}" for k, n in errs.items() if k)
        + ". Besides these, about 3 % of scheduled fixes are missing (no row), as with real collars.",
        "",
        "## Crossing counts",
        "",
        _table(
            ["site", "years", "total detections", "total camera-days"],
            [
                [
                    s,
                    f"{g.year.min()}-{g.year.max()}",
                    int(g.detections.sum()),
                    int(g.camera_days.sum()),
                ]
                for s, g in counts.groupby("site_id")
            ],
        ),
        "",
        "## How it was made",
        "",
        "1. Land: an ellipse perturbed by fractal noise, islands under 3 km² removed, holes filled.",
        "2. Elevation: designed ridge lines (a main range, eastern hills) shaped by fractal and ridged "
        "noise; coastal plains; no land below sea level.",
        "3. Drainage on a 200 m grid: depressions filled and flow routed to the sea (priority flood), "
        "flow accumulation, river reaches above 15 km² with Strahler orders. Rivers wider than 50 m "
        "are water in the land cover; filled depressions deeper than 8 m are lakes.",
        "4. Countries: nearest of three seeds, with smooth noise on the distances (wiggly borders), "
        "no exclaves.",
        "5. Natural land cover from elevation, slope, moisture and noise (forest on moist slopes, "
        "tussock above the tree line, rock on the crests, wetlands on flat wet lowlands), sieved "
        "to the minimum mapping unit.",
        "6. Towns snapped to low gentle land; roads routed between them by least cost over slope "
        "and elevation (scikit-image `MCP_Geometric`), smoothed.",
        "7. Protected areas: blobs around designed centres, cut by coastlines and borders; the "
        "stepping stone of release 1.1.0 is a band of blobs along the Belmora-Cazunda border, "
        "drawn after all the others so that their shapes did not move.",
        "8. Epochs: a farmland pressure (flat plains, near towns and roads, noise; low inside the two "
        "habitat links and nil in protected areas designated before the epoch's year) converted to cropland up to a target "
        "share of the natural land (27 %, 33 %, 38 %), monotone over time; towns grow with population; "
        "trunk and primary roads open by then are drawn as built-up; then the MMU again.",
        "9. Tracks: least-cost migration routes over the 2020 land cover (500 m), positions along "
        "the route during migration and an Ornstein-Uhlenbeck process around the range centre "
        "otherwise, every 4 hours; errors added as listed.",
        "10. Occurrences: cells drawn in proportion to each species' class preferences in the epoch "
        "of the record, times an observer bias towards roads.",
        "11. Counts: Poisson with a gamma-distributed yearly rate around the site's trend, times camera-days.",
        "",
        "Regenerate with `make data` (about 10 seconds); the files are byte-identical in the pinned "
        "environment, and `tests/test_data.py` checks it.",
        "",
        "## Known simplifications",
        "",
        "- Land cover is drawn from rules, not classified from imagery: no classification error, "
        "no mixed pixels, no cloud gaps.",
        "- One road network and one river network; no railways, fences, dams or power lines.",
        "- Protected-area boundaries are smooth blobs, not the parcel or river boundaries of real "
        "areas; reported areas differ from polygon areas by a few per cent at random.",
        "- The animals follow least-cost routes over a resistance we chose: a model fitted to "
        "these tracks will find that resistance again, which real data rarely allow.",
        "- Occurrence records have a simple road bias; real records cluster in towns and reserves too.",
        "- The elevation model has no datum or geoid: heights are nominal metres above sea level.",
        "",
    ]
