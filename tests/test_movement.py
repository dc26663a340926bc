import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from gpec_teach import movement

CRS = "EPSG:3857"


def _track(xs, ys, hours, individual="a"):
    t0 = pd.Timestamp("2020-01-01", tz="UTC")
    return gpd.GeoDataFrame(
        {"individual": individual, "timestamp": [t0 + pd.Timedelta(hours=h) for h in hours]},
        geometry=gpd.points_from_xy(xs, ys),
        crs=CRS,
    )


def test_read_fixes_recognises_movebank_columns_and_sorts():
    table = pd.DataFrame(
        {
            "individual-local-identifier": ["b", "a", "a"],
            "timestamp": ["2020-01-01 05:00", "2020-01-01 02:00", "2020-01-01 01:00"],
            "location-long": [1.0, 2.0, 3.0],
            "location-lat": [0.5, 0.5, 0.5],
            "tag": [9, 8, 7],
        }
    )
    fixes = movement.read_fixes(table, to_crs=CRS)
    assert fixes["individual"].tolist() == ["a", "a", "b"]
    assert fixes["tag"].tolist() == [7, 8, 9]  # extra columns travel with their rows
    assert str(fixes["timestamp"].dt.tz) == "UTC"


def test_read_fixes_missing_column_names_the_options():
    with pytest.raises(ValueError, match="Could not find the lat column; tried location-lat"):
        movement.read_fixes(pd.DataFrame({"id": [1], "time": ["2020"], "lon": [0.0]}))
    with pytest.raises(
        ValueError, match="Column 'when' \\(the timestamp column\\) is not in the table"
    ):
        movement.read_fixes(
            pd.DataFrame({"id": [1], "lon": [0.0], "lat": [0.0]}), timestamp_col="when"
        )
    with pytest.raises(ValueError, match="fixes is empty"):
        movement.read_fixes(pd.DataFrame({"id": [], "time": [], "lon": [], "lat": []}))


def test_speed_spike_is_removed_but_a_fast_real_move_is_kept():
    # Hourly fixes along x: 0, 1, 2 km, then a spike 80 km away, then 3, 4 km, then a genuine
    # relocation to 30 km (fast in, then slow out from there: not a spike), then 31 km.
    xs = [0, 1000, 2000, 80_000, 3000, 4000, 30_000, 31_000]
    fixes = _track(xs, [0] * 8, range(8))
    reason = movement.flag_outliers(fixes, max_speed_kmh=10, zero_island=False)
    # The spike needs 78 km/h in and 77 km/h out; the relocation needs 26 km/h in, 1 km/h out.
    assert reason.tolist() == ["", "", "", "speed", "", "", "", ""]


def test_clean_fixes_reports_counts_per_reason():
    fixes = _track([10_000, 10_000, 11_000, 500_000, 12_000], [5000] * 5, [0, 0, 1, 2, 3])
    clean, report = movement.clean_fixes(fixes, max_speed_kmh=20)
    counts = dict(zip(report["reason"], report["fixes"], strict=True))
    assert counts == {"duplicate": 1, "no position": 0, "zero": 0, "speed": 1, "total removed": 2}
    assert len(clean) == 3


def test_zero_coordinates_are_flagged():
    fixes = _track([10_000, 0, 12_000], [5000, 0, 5000], [0, 1, 2])
    assert movement.flag_outliers(fixes, max_speed_kmh=1000).tolist() == ["", "zero", ""]


def test_flag_outliers_rejects_geographic_crs():
    fixes = _track([0, 1], [0, 1], [0, 1]).set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(ValueError, match="points is in a geographic CRS"):
        movement.flag_outliers(fixes, max_speed_kmh=10)
    with pytest.raises(ValueError, match="max_speed_kmh must be a positive number"):
        movement.flag_outliers(_track([0, 1], [0, 1], [0, 1]), max_speed_kmh=0)


def test_steps_hand_worked():
    # 3-4-5 triangle: 3 km east in 1 h, then 4 km north in 2 h: a left turn of 90 degrees.
    out = movement.steps(_track([0, 3000, 3000], [0, 0, 4000], [0, 1, 3]))
    assert out["length_m"].tolist() == [3000.0, 4000.0]
    assert out["speed_kmh"].tolist() == [3.0, 2.0]
    assert out["turn_deg"].iloc[0] == pytest.approx(90.0)
    assert np.isnan(out["turn_deg"].iloc[1])


def test_tracks_and_nsd():
    fixes = pd.concat(
        [_track([0, 3000, 3000], [0, 0, 4000], [0, 1, 2]), _track([0], [0], [0], "b")]
    )
    lines = movement.tracks(fixes)
    assert lines["individual"].tolist() == ["a"]  # one fix is not a track
    assert lines["length_km"].iloc[0] == pytest.approx(7.0)
    nsd = movement.net_squared_displacement(fixes.reset_index(drop=True))
    assert nsd.tolist() == [0.0, 9.0, 25.0, 0.0]


def test_label_seasons_requires_every_month_once():
    t = pd.Series(pd.to_datetime(["2020-03-01", "2020-09-01"]))
    assert movement.label_seasons(
        t, {"a": [1, 2, 3, 4, 5, 6], "b": [7, 8, 9, 10, 11, 12]}
    ).tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="every month 1-12 to exactly one season"):
        movement.label_seasons(t, {"a": [1, 2, 3], "b": [3, 4]})


def _raster(values, crs=CRS):
    n = values.shape[0]
    coords = {"y": np.arange(n)[::-1] * 10.0 + 5, "x": np.arange(values.shape[1]) * 10.0 + 5}
    return xr.DataArray(values, dims=("y", "x"), coords=coords).rio.write_crs(crs)


def test_used_available_detects_avoidance_of_costly_cells():
    # Resistance 1 on the left half, 100 on the right; animals stay on the left.
    values = np.ones((20, 20))
    values[:, 10:] = 100.0
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(0, 100, 60), rng.uniform(0, 200, 60)
    fixes = gpd.GeoDataFrame(
        {"individual": ["a"] * 60}, geometry=gpd.points_from_xy(xs, ys), crs=CRS
    )
    table = movement.used_available(fixes, _raster(values), ratio=3, buffer_m=200, seed=2)
    assert table["used"].sum() == 60 and len(table) == 240
    assert (table.loc[table.used, "value"] == 1).all()
    result = movement.compare_used_available(table)
    assert result.median_used == 1.0
    assert result.p_value < 1e-6
    assert result.prob_used_below_available > 0.5


def test_used_available_is_reproducible_with_a_seed():
    fixes = gpd.GeoDataFrame(geometry=gpd.points_from_xy([20, 150, 60], [20, 40, 180]), crs=CRS)
    r = _raster(np.arange(400.0).reshape(20, 20))
    a = movement.used_available(fixes, r, seed=5)
    b = movement.used_available(fixes, r, seed=5)
    pd.testing.assert_frame_equal(a, b)


def test_used_available_bad_input():
    fixes = gpd.GeoDataFrame(geometry=gpd.points_from_xy([20, 150, 60], [20, 40, 180]), crs=CRS)
    with pytest.raises(ValueError, match="points and raster are in different CRSs"):
        movement.used_available(fixes, _raster(np.ones((20, 20)), crs="EPSG:32633"))
    with pytest.raises(ValueError, match="ratio must be a whole number of at least 1"):
        movement.used_available(fixes, _raster(np.ones((20, 20))), ratio=0)
    line = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 1], [0, 1]), crs=CRS)
    with pytest.raises(ValueError, match="points span no area"):
        movement.used_available(line, _raster(np.ones((20, 20))))


def test_compare_needs_both_groups():
    with pytest.raises(ValueError, match="needs both used and available points"):
        movement.compare_used_available(pd.DataFrame({"used": [True], "value": [1.0]}))
    with pytest.raises(
        ValueError, match="alternative must be one of 'less', 'greater', 'two-sided'"
    ):
        movement.compare_used_available(
            pd.DataFrame({"used": [True], "value": [1.0]}), alternative="lower"
        )


def test_missing_coordinates_are_flagged_no_position():
    """Regression: NaN lon/lat (failed fixes in Movebank files) became POINT (nan nan),
    which is not empty, so clean_fixes kept them and every step near them was NaN."""
    table = pd.DataFrame(
        {
            "individual-local-identifier": ["a"] * 4,
            "timestamp": [
                "2020-01-01 00:00",
                "2020-01-01 04:00",
                "2020-01-01 08:00",
                "2020-01-01 12:00",
            ],
            "location-long": [10.0, np.nan, 10.01, 10.02],
            "location-lat": [0.0, np.nan, 0.0, ""],
        }
    )
    points = movement.read_fixes(table, to_crs="EPSG:32632")
    assert points.geometry.isna().sum() == 2
    clean, report = movement.clean_fixes(points, max_speed_kmh=50)
    assert int(report.set_index("reason").loc["no position", "fixes"]) == 2
    assert len(clean) == 2


def test_steps_keep_the_time_zone_of_the_fixes():
    """Regression: steps() returned start/end without a time zone although read_fixes
    gives UTC times, so comparing them with the fixes' timestamps raised a TypeError."""
    points = gpd.GeoDataFrame(
        {
            "individual": ["a", "a", "a"],
            "timestamp": pd.to_datetime(
                ["2020-01-01 00:00", "2020-01-01 04:00", "2020-01-01 08:00"], utc=True
            ),
        },
        geometry=gpd.points_from_xy([0, 100, 300], [0, 0, 0]),
        crs="EPSG:3857",
    )
    table = movement.steps(points)
    assert str(table["start"].dt.tz) == "UTC" and str(table["end"].dt.tz) == "UTC"
    assert (table["start"] == points["timestamp"].iloc[:-1].to_numpy()).all()


def test_used_available_reads_the_raster_through_the_one_adapter():
    # Issue 18: the raster is read by _raster.read_raster (values, nodata, CRS): its
    # rio.nodata is masked, and a plain array (no georeferencing) is refused clearly.
    r = xr.DataArray(
        np.array([[-9999.0, 1.0], [2.0, 3.0]]),
        dims=("y", "x"),
        coords={"y": [15.0, 5.0], "x": [5.0, 15.0]},
    ).rio.write_crs("EPSG:3857")
    r = r.rio.write_nodata(-9999.0)
    pts = gpd.GeoDataFrame(
        {"individual": ["a"] * 3},
        geometry=gpd.points_from_xy([5, 15, 5], [15, 15, 5]),
        crs="EPSG:3857",
    )
    ua = movement.used_available(pts, r, ratio=1)
    assert np.isnan(ua.loc[0, "value"])  # the fix on the nodata cell
    assert ua.loc[1:2, "value"].tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="raster must be a georeferenced xarray.DataArray"):
        movement.used_available(pts, r.values, ratio=1)


def test_steps_refuses_fixes_without_crs():
    import geopandas as gpd

    pts = gpd.GeoDataFrame(
        {"individual": ["a"] * 2, "timestamp": pd.date_range("2020-01-01", periods=2, tz="UTC")},
        geometry=gpd.points_from_xy([0, 1], [0, 0]),
    )
    with pytest.raises(ValueError, match="points has no CRS"):
        movement.steps(pts)
