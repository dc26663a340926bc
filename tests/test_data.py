"""The teaching landscape: files, loader, bad input, and the story the notebooks rely on.

The realism tests pin what ../shared/DATA_SPEC.md asks for (fictional and over open
ocean, MMU, growth of farmland and towns, a new road that cuts a habitat link,
transboundary protected areas, tracks with errors to clean...). The regeneration test
rebuilds every file and compares checksums (skip locally with --skip-regen).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rasterio import features
from scipy import ndimage

from gpec_teach import data, movement
from gpec_teach.protconn import protconn

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HABITAT = (3, 4, 5)


@pytest.fixture(scope="module")
def landcover():
    return {year: data.load("landcover", year=year) for year in data.EPOCHS}


# ---------------------------------------------------------------------------- files
def test_checksums_match_files():
    report = data.verify()
    assert len(report) >= 22
    assert set(report["status"]) == {"ok"}, report[report["status"] != "ok"]
    for line in (DATA / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_every_data_file_is_listed_and_loadable():
    listed = set(data._checksums(DATA))
    on_disk = {p.name for p in DATA.iterdir() if p.is_file()} - {"SHA256SUMS", "make_landscape.py"}
    assert on_disk == listed
    loadable = set()
    for name, spec in data.DATASETS.items():
        if spec["kind"] == "raster":
            years = data.EPOCHS if name == "landcover" else (None,)
            for year, res in itertools.product(years, data.RESOLUTIONS):
                loadable.add(data._resolve(name, year, res)[1])
        else:
            loadable.add(spec["file"])
    assert listed - loadable == {"README.md", "quicklook.png"}


def test_data_folder_under_20_mb():
    size = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert size < 20e6, f"data/ holds {size / 1e6:.1f} MB"


def test_list_datasets_names_every_dataset():
    table = data.list_datasets()
    assert table["name"].tolist() == list(data.DATASETS)
    assert table["description"].str.len().min() > 10


# ---------------------------------------------------------------------------- loader
def test_rasters_share_crs_grid_and_extent(landcover):
    elev = data.load("elevation")
    lc = landcover[2020]
    assert lc.shape == elev.shape == (1000, 1200)
    assert lc.rio.crs.to_epsg() == elev.rio.crs.to_epsg() == 9191
    assert lc.rio.transform() == elev.rio.transform()
    assert lc.rio.resolution() == (100.0, -100.0)
    for res, shape in ((250, (400, 480)), (500, (200, 240))):
        coarse = data.load("landcover", year=2020, resolution=res)
        assert coarse.shape == shape
        assert coarse.rio.bounds() == pytest.approx(lc.rio.bounds())
        assert data.load("elevation", resolution=res).shape == shape


def test_landcover_codes_names_colours(landcover):
    for year, lc in landcover.items():
        assert lc.dtype == np.uint8
        assert set(np.unique(lc.values)) <= set(range(9))
        assert lc.attrs["year"] == year
        names = lc.attrs["class_names"]
        assert names == {
            1: "water",
            2: "wetland",
            3: "forest",
            4: "woodland/savanna",
            5: "grassland",
            6: "cropland",
            7: "built-up",
            8: "bare",
        }
        assert set(lc.attrs["class_colors"]) == set(names)
        assert all(c.startswith("#") and len(c) == 7 for c in lc.attrs["class_colors"].values())


def test_elevation_is_nan_over_the_sea_and_land_is_above_it(landcover):
    elev = data.load("elevation").values
    sea = landcover[2020].values == 0
    assert np.isnan(elev[sea]).all()
    assert np.nanmin(elev[~sea]) >= 1
    assert 1500 < np.nanmax(elev) < 3500  # a mountain range, not a plateau


def test_vectors_in_the_landscape_crs():
    for name, spec in data.DATASETS.items():
        if spec["kind"] == "vector":
            layer = data.load(name)
            assert layer.crs.to_epsg() == 9191, name
            assert len(layer) > 0, name
            assert layer.geometry.is_valid.all(), name


def test_gpec_data_dir_is_honoured(tmp_path, monkeypatch):
    for name in ("roads.gpkg", "SHA256SUMS"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.setenv("GPEC_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path
    assert len(data.load("roads")) == 13
    with pytest.raises(FileNotFoundError, match="countries.gpkg is not in"):
        data.load("countries")


def test_own_files_without_checksums_are_read(tmp_path, monkeypatch):
    shutil.copy(DATA / "crossing_counts.csv", tmp_path / "crossing_counts.csv")
    monkeypatch.setenv("GPEC_DATA_DIR", str(tmp_path))
    assert len(data.load("crossing_counts")) > 10
    with pytest.raises(FileNotFoundError, match="No SHA256SUMS"):
        data.verify()


def test_changed_file_is_refused_unless_verify_false(tmp_path, monkeypatch):
    for name in ("crossing_counts.csv", "SHA256SUMS"):
        shutil.copy(DATA / name, tmp_path / name)
    with open(tmp_path / "crossing_counts.csv", "a") as f:
        f.write("XS9,2030,x,1,1,\n")
    monkeypatch.setenv("GPEC_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="differs from the published file"):
        data.load("crossing_counts")
    assert len(data.load("crossing_counts", verify=False)) > 10
    report = data.verify().set_index("file")
    assert report.loc["crossing_counts.csv", "status"] == "changed"
    assert report.loc["roads.gpkg", "status"] == "missing"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "landcov"}, "Unknown dataset name='landcov'. Did you mean 'landcover'"),
        ({"name": 3}, "Unknown dataset name=3"),
        ({"name": "landcover"}, "Land cover needs a year"),
        (
            {"name": "landcover", "year": 2015},
            r"year must be one of the epochs \(2000, 2010, 2020\)",
        ),
        ({"name": "roads", "year": 2020}, "applies to 'landcover' only.*'opened'"),
        ({"name": "elevation", "resolution": 300}, r"resolution must be one of \(100, 250, 500\)"),
        ({"name": "roads", "resolution": 250}, "applies to rasters only"),
    ],
)
def test_bad_arguments_name_the_fix(kwargs, message):
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=message):
        data.load(name, **kwargs)


def test_missing_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("GPEC_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="GPEC_DATA_DIR"):
        data.load("roads")


# ---------------------------------------------------------------------------- realism
def test_fictional_and_over_open_ocean():
    import rasterio

    with rasterio.open(DATA / "landcover_2020.tif") as src:
        assert "FICTIONAL" in src.tags()["DESCRIPTION"]
        assert "fictional" in src.tags()["TITLE"]
    import pyogrio

    info = pyogrio.read_info(DATA / "countries.gpkg")
    assert info["crs"] == "EPSG:9191"
    lon0, lat0, lon1, lat1 = data.load("countries").to_crs(4326).total_bounds
    # Tasman Sea between Lord Howe Island (159.1 E) and New Zealand (from 166.4 E)
    assert 160.0 < lon0 < lon1 < 164.5
    assert -39.5 < lat0 < lat1 < -35.5
    assert "Fictional data" in (DATA / "README.md").read_text()


def test_three_countries_share_borders():
    countries = data.load("countries")
    assert sorted(countries["ISO3"]) == ["XAR", "XBE", "XCA"]
    for a, b in itertools.combinations(countries.geometry, 2):
        assert a.intersection(b).length > 20_000  # each pair shares > 20 km of border


def test_minimum_mapping_unit(landcover):
    """No patch of an areal class under 10 cells (4-neighbour), in any epoch."""
    for lc in landcover.values():
        v = lc.values
        for code in (2, 3, 4, 5, 6, 8):
            labels, n = ndimage.label(v == code)
            sizes = np.bincount(labels.ravel())[1:]
            assert sizes.min() >= 10, (lc.attrs["year"], code, sizes.min())


def test_farmland_and_towns_grow_and_never_revert_except_the_restored_farm(landcover):
    share = {y: {c: float((lc.values == c).mean()) for c in (6, 7)} for y, lc in landcover.items()}
    assert share[2000][6] < share[2010][6] < share[2020][6]
    assert share[2000][7] < share[2010][7] < share[2020][7]
    v00, v10, v20 = (landcover[y].values for y in data.EPOCHS)
    assert not ((v00 == 6) & np.isin(v10, HABITAT)).any()
    back = (v10 == 6) & np.isin(v20, HABITAT)
    assert 100 < back.sum() < 1000  # the one farm replanted as woodland (1-10 km2)


def test_new_road_cuts_the_northern_habitat_link(landcover):
    """The Belmora hills and the Arvenia highlands are one habitat patch (8 neighbours)
    until the Korvi - Lunde road opens in 2015; in 2020 they are two."""
    roads = data.load("roads")
    new = roads[roads["opened"] == 2015]
    assert new["name"].tolist() == ["Korvi - Lunde road"]
    assert new["class"].iloc[0] == "primary"

    def block_label(labels, x0, x1, y0, y1):  # km from the south-west corner
        window = labels[int((100 - y1) * 10) : int((100 - y0) * 10), int(x0 * 10) : int(x1 * 10)]
        counts = np.bincount(window.ravel())
        counts[0] = 0
        return int(np.argmax(counts))

    same = {}
    for year, lc in landcover.items():
        labels, _ = ndimage.label(np.isin(lc.values, HABITAT), structure=np.ones((3, 3)))
        same[year] = block_label(labels, 75, 95, 65, 90) == block_label(labels, 20, 40, 50, 70)
    assert same == {2000: True, 2010: True, 2020: False}


def test_protected_areas_have_wdpa_fields_and_history():
    pas = data.load("protected_areas")
    fields = {
        "WDPAID",
        "NAME",
        "DESIG_ENG",
        "IUCN_CAT",
        "STATUS",
        "STATUS_YR",
        "REP_AREA",
        "GIS_AREA",
        "ISO3",
        "MARINE",
        "DESIG_TYPE",
    }
    assert fields <= set(pas.columns)
    assert pas["WDPAID"].is_unique
    years = pas.loc[pas["STATUS"] == "Designated", "STATUS_YR"]
    assert (
        (years <= 2000).any()
        and years.between(2001, 2010).any()
        and years.between(2011, 2020).any()
    )
    assert (pas["STATUS"] == "Proposed").sum() == 1
    assert (pas["DESIG_ENG"] == "UNESCO-MAB Biosphere Reserve").sum() == 1
    assert set(pas["ISO3"]) == {"XAR", "XBE", "XCA"}
    # areas that meet across a border (transboundary pairs), recorded once per country
    across = [
        (a.NAME, b.NAME)
        for a, b in itertools.combinations(pas.itertuples(), 2)
        if a.ISO3 != b.ISO3 and a.geometry.intersection(b.geometry).length > 1000
    ]
    assert len(across) >= 2, across
    rel = (pas["REP_AREA"] - pas["GIS_AREA"]).abs() / pas["GIS_AREA"]
    assert rel.max() < 0.2
    points = data.load("protected_area_points")
    assert len(points) >= 1 and (points["REP_AREA"] > 0).all()


def test_foreign_area_is_a_stepping_stone_between_two_cazunda_areas():
    """Release 1.1.0: Tevra Vale (Belmora) lies on the best path between two Cazunda PAs.

    By hand, at a median dispersal distance of 10 km: Miradel Woods and Sanvo Hills are
    about 18.6 km apart, p = 0.5 ** 1.86 = 0.28; through Tevra Vale (12.5 km to Miradel,
    touching Sanvo, free inside) p* = 0.5 ** 1.25 = 0.42. So Cazunda's ProtConn has a
    transboundary fraction and falls when the foreign area is removed.
    """
    pas = data.load("protected_areas")
    stone = pas[pas["ORIG_NAME"] == "Tevra Vale"]
    assert len(stone) == 1
    row = stone.iloc[0]
    assert (row["ISO3"], row["STATUS"], row["STATUS_YR"]) == ("XBE", "Designated", 2020)
    # the same WDPA attributes as every other record, filled in
    others = pas[pas["ORIG_NAME"] != "Tevra Vale"]
    filled = [c for c in pas.columns if c != "geometry" and others[c].notna().all()]
    assert stone[filled].notna().all(axis=None)
    assert row["WDPAID"] == pas["WDPAID"].max() == 555500021  # the older ids did not move
    countries = data.load("countries").set_index("ISO3")
    assert row.geometry.intersection(countries.geometry["XCA"]).area < 1.0  # m², no sliver
    geom = pas.set_index("ORIG_NAME").geometry
    miradel, sanvo = geom["Miradel Woods"], geom["Sanvo Hills"]
    direct = miradel.distance(sanvo) / 1e3
    via = (row.geometry.distance(miradel) + row.geometry.distance(sanvo)) / 1e3
    assert via < direct - 5, (via, direct)
    assert 0.5 ** (via / 10) > 1.4 * 0.5 ** (direct / 10)

    points = data.load("protected_area_points")
    every = pd.concat([pas, points], ignore_index=True)
    without = every[every["ORIG_NAME"] != "Tevra Vale"]
    cazunda = countries.loc[["XCA"]].reset_index()
    with_stone = protconn(every, cazunda, year=2020, dispersal_distance_km=10)
    no_stone = protconn(without, cazunda, year=2020, dispersal_distance_km=10)
    alone = protconn(every, cazunda, year=2020, dispersal_distance_km=10, transboundary=False)
    assert with_stone.ProtConn_Trans > 3.0  # % of ProtConn: the flux through foreign PAs
    assert with_stone.ProtConn - no_stone.ProtConn > 0.1  # percentage points lost without it
    assert with_stone.Prot == pytest.approx(no_stone.Prot)  # its area is not Cazunda's
    assert alone.ProtConn == pytest.approx(no_stone.ProtConn, abs=0.01)
    # designated in 2020, after the 2020 map: it did not stop farmland of any epoch
    lc = data.load("landcover", year=2020)
    inside = features.rasterize(
        [row.geometry], out_shape=lc.shape, transform=lc.rio.transform(), fill=0
    ).astype(bool)
    assert (lc.values[inside] == 6).mean() > 0.5


@pytest.fixture(scope="module")
def cleaned_tracks():
    """The tracks read, reprojected and cleaned once (3 km/h) for the tests below."""
    points = movement.read_fixes(data.load("tracks"), to_crs="EPSG:9191")
    clean, report = movement.clean_fixes(points, max_speed_kmh=3)
    return points, clean, report


def test_tracks_are_movebank_style_with_errors_to_clean(cleaned_tracks):
    fixes = data.load("tracks")
    for col in (
        "event-id",
        "timestamp",
        "location-long",
        "location-lat",
        "individual-local-identifier",
        "individual-taxon-canonical-name",
    ):
        assert col in fixes
    span = fixes.groupby("individual-local-identifier")["timestamp"].agg(
        lambda t: (pd.to_datetime(t).max() - pd.to_datetime(t).min()).days
    )
    assert len(span) >= 6 and span.min() >= 365
    points, clean, report = cleaned_tracks
    removed = report.set_index("reason")["fixes"]
    for reason in ("duplicate", "no position", "zero", "speed"):
        assert removed[reason] > 0, reason
    assert removed["total removed"] < 0.02 * len(points)
    # seasonal migration: winter fixes south of summer fixes for every animal
    month = clean["timestamp"].dt.month
    y = clean.geometry.y
    for animal, grp in clean.groupby("individual"):
        winter = y[grp.index][month[grp.index].isin([1, 2])].median()
        summer = y[grp.index][month[grp.index].isin([7, 8])].median()
        assert summer - winter > 15_000, animal


def test_tracks_cross_a_border(cleaned_tracks):
    countries = data.load("countries")
    _, clean, _ = cleaned_tracks
    joined = clean.sjoin(countries[["ISO3", "geometry"]], how="inner")
    per_animal = joined.groupby("individual")["ISO3"].nunique()
    assert (per_animal >= 2).all()


def test_occurrences_and_counts():
    occ = data.load("occurrences")
    assert occ["species"].nunique() == 4
    assert {"decimalLatitude", "decimalLongitude", "year", "basisOfRecord"} <= set(occ.columns)
    counts = data.load("crossing_counts")
    sites = data.load("crossing_sites")
    assert set(counts["site_id"]) == set(sites["site_id"])
    assert (counts["camera_days"] > 0).all() and (counts["detections"] >= 0).all()
    # the northern camera sees fewer animals after the road opened (rate per camera-day)
    xs1 = counts[counts["site_id"] == "XS1"]
    rate = xs1["detections"] / xs1["camera_days"]
    assert rate[xs1["year"] < 2015].mean() > 2 * rate[xs1["year"] > 2016].mean()


def test_data_sheet_documents_every_file_and_class():
    sheet = (DATA / "README.md").read_text()
    for name in data._checksums(DATA):
        if name != "README.md":
            assert f"`{name}`" in sheet, name
    names = json.loads(
        __import__("rasterio").open(DATA / "landcover_2000.tif").tags()["CLASS_NAMES"]
    )
    for code, name in names.items():
        assert f"| {code} | {name} |" in sheet
    assert "CC0" in sheet and "EPSG:9191" in sheet


# ---------------------------------------------------------------------------- regeneration
@pytest.mark.regen
@pytest.mark.slow
def test_regeneration_is_byte_identical(tmp_path):
    out = tmp_path / "data"
    subprocess.run(
        [sys.executable, str(DATA / "make_landscape.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert (out / "SHA256SUMS").read_text() == (DATA / "SHA256SUMS").read_text()
