"""Movement data: GPS fixes to cleaned tracks, steps, speeds, seasons, and used-vs-available.

Telemetry fixes (Movebank-style tables: individual, timestamp, longitude, latitude) are the
most direct evidence of how animals move through a landscape. Here they are turned into
tracks, cleaned of impossible fixes, summarised as steps, and compared with the resistance
surface: if animals avoid the cells we call costly, the resistance surface is plausible
(a *used-vs-available* check, in the spirit of resource selection studies; see
Zeller et al. 2012, doi:10.1007/s10980-012-9737-0, for how movement data inform resistance).

Distances and speeds need a projected CRS in metres: reproject fixes with ``to_crs`` first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu
from shapely import points as make_points

from ._raster import read_raster
from ._validation import check_choice, check_positive, check_same_crs
from ._vector import read_frame

__all__ = [
    "UsedAvailableTest",
    "read_fixes",
    "flag_outliers",
    "clean_fixes",
    "steps",
    "tracks",
    "label_seasons",
    "net_squared_displacement",
    "used_available",
    "compare_used_available",
]

_COLUMN_ALIASES = {
    "individual": (
        "individual-local-identifier",
        "individual_id",
        "animal_id",
        "id",
        "individual",
    ),
    "timestamp": ("timestamp", "time", "datetime", "date_time"),
    "lon": ("location-long", "lon", "longitude", "x"),
    "lat": ("location-lat", "lat", "latitude", "y"),
}


def _find_column(frame: pd.DataFrame, role: str, given: str | None) -> str:
    if given is not None:
        if given not in frame.columns:
            raise ValueError(
                f"Column {given!r} (the {role} column) is not in the table. "
                f"Columns are: {', '.join(map(str, frame.columns))}."
            )
        return given
    for name in _COLUMN_ALIASES[role]:
        if name in frame.columns:
            return name
    raise ValueError(
        f"Could not find the {role} column; tried {', '.join(_COLUMN_ALIASES[role])}. "
        f"Name it explicitly, for example {role}_col='...'. Columns are: "
        f"{', '.join(map(str, frame.columns))}."
    )


def read_fixes(
    fixes,
    *,
    individual_col: str | None = None,
    timestamp_col: str | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    crs="EPSG:4326",
    to_crs=None,
):
    """Turn a table of GPS fixes into a GeoDataFrame of points sorted by animal and time.

    Parameters
    ----------
    fixes : pandas.DataFrame or str or path
        A table (or CSV file) with one row per fix. Movebank column names
        (``individual-local-identifier``, ``timestamp``, ``location-long``,
        ``location-lat``) and common alternatives are recognised.
    individual_col, timestamp_col, lon_col, lat_col : str, optional
        Column names, when they are not recognised automatically.
    crs : default "EPSG:4326"
        CRS of the coordinates (WGS 84 longitude/latitude for Movebank and GBIF).
    to_crs : optional
        Reproject to this CRS (a projected, metric CRS is needed for steps and speeds).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``individual``, ``timestamp`` (UTC) and ``geometry``; rows sorted by
        individual then time. Rows with missing coordinates or times are kept (cleaning
        is :func:`clean_fixes`' job) except that their geometry is empty.

    Examples
    --------
    >>> table = pd.DataFrame({"individual_id": ["a", "a"], "timestamp": ["2020-01-02", "2020-01-01"],
    ...                       "lon": [10.0, 10.1], "lat": [0.0, 0.0]})
    >>> read_fixes(table)["timestamp"].dt.day.tolist()
    [1, 2]
    """
    import geopandas as gpd

    frame = pd.read_csv(fixes) if not isinstance(fixes, pd.DataFrame) else fixes.copy()
    if frame.empty:
        raise ValueError("fixes is empty: the table has no rows.")
    ind = _find_column(frame, "individual", individual_col)
    tcol = _find_column(frame, "timestamp", timestamp_col)
    xcol = _find_column(frame, "lon", lon_col)
    ycol = _find_column(frame, "lat", lat_col)
    times = pd.to_datetime(frame[tcol], utc=True, errors="coerce")
    lon = pd.to_numeric(frame[xcol], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame[ycol], errors="coerce").to_numpy(dtype=float)
    geometry = gpd.points_from_xy(lon, lat)
    geometry[~(np.isfinite(lon) & np.isfinite(lat))] = None  # failed fixes: no position
    out = gpd.GeoDataFrame(
        {"individual": frame[ind].astype(str).to_numpy(), "timestamp": times},
        geometry=geometry,
        crs=crs,
        index=frame.index,
    )
    for extra in frame.columns.difference([ind, tcol, xcol, ycol]):
        out[extra] = frame[extra].to_numpy()
    if to_crs is not None:
        out = out.to_crs(to_crs)
    return out.sort_values(["individual", "timestamp"], kind="stable").reset_index(drop=True)


def _speeds(points) -> tuple[np.ndarray, np.ndarray]:
    """Speed (m/s) from the previous fix and to the next fix, per row (NaN at track ends)."""
    x, y = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    t = (points["timestamp"] - epoch).dt.total_seconds().to_numpy()
    same = points["individual"].to_numpy()[1:] == points["individual"].to_numpy()[:-1]
    dist = np.hypot(np.diff(x), np.diff(y))
    dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(same, np.where(dt > 0, dist / dt, np.inf), np.nan)
    before = np.concatenate([[np.nan], speed])
    after = np.concatenate([speed, [np.nan]])
    return before, after


def flag_outliers(points, *, max_speed_kmh: float, zero_island: bool = True):
    """Flag impossible fixes: duplicates, (0, 0) coordinates and speed spikes.

    A fix is a *speed spike* when the speed needed to reach it from the previous fix and
    the speed needed to leave it for the next one both exceed ``max_speed_kmh``: one bad
    fix makes both of its steps too fast, while a genuinely fast move makes only one
    (Bjørneraas et al. 2010, doi:10.2193/2009-312, use the same idea). A fix at the end of a
    track is a spike when its one step is too fast.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Output of :func:`read_fixes`, in a projected CRS (metres).
    max_speed_kmh : float
        Fastest plausible sustained speed between fixes for the species, in km/h.
    zero_island : bool, default True
        Flag fixes whose original longitude and latitude are both 0 (a GPS failure code).
        Checked on the ``geometry`` reprojected to WGS 84.

    Returns
    -------
    pandas.Series
        Reason per row: ``""`` (fine), ``"duplicate"``, ``"no position"``, ``"zero"``
        or ``"speed"``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"individual": ["a"] * 3,
    ...     "timestamp": pd.to_datetime(["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 02:00"], utc=True)},
    ...     geometry=gpd.points_from_xy([0, 90_000, 1000], [0, 0, 0]), crs="EPSG:3857")
    >>> flag_outliers(pts, max_speed_kmh=20, zero_island=False).tolist()
    ['', 'speed', '']
    """
    points = read_frame("points", points, what="GPS fixes")
    limit = check_positive("max_speed_kmh", max_speed_kmh) / 3.6
    reason = pd.Series("", index=points.index, dtype=object)
    empty = points.geometry.is_empty | points.geometry.isna() | points["timestamp"].isna()
    reason[empty] = "no position"
    if zero_island:
        lonlat = points.geometry[~empty].to_crs("EPSG:4326")
        zero = (lonlat.x.abs() < 1e-9) & (lonlat.y.abs() < 1e-9)
        reason[zero[zero].index] = "zero"
    dup = points.duplicated(["individual", "timestamp"], keep="first") & (reason == "")
    reason[dup] = "duplicate"
    # Iterate: removing one spike can reveal another next to it.
    while True:
        keep = reason == ""
        sub = points[keep]
        before, after = _speeds(sub)
        fast_in = np.nan_to_num(before, nan=-1) > limit
        fast_out = np.nan_to_num(after, nan=-1) > limit
        spike = fast_in & fast_out
        if not spike.any():
            # Only once no interior spike is left can a too-fast first or last step be
            # blamed on the fix at the end of the track.
            ends = np.isnan(before) | np.isnan(after)
            spike = ends & (fast_in | fast_out)
            if not spike.any():
                return reason
        reason[sub.index[spike]] = "speed"


def clean_fixes(points, *, max_speed_kmh: float):
    """Remove the fixes flagged by :func:`flag_outliers`; return ``(clean, report)``.

    Returns
    -------
    clean : geopandas.GeoDataFrame
        The fixes that passed every check.
    report : pandas.DataFrame
        Number of removed fixes per reason (``reason``, ``fixes``), with a total row,
        so the cleaning can be reported with the analysis.

    References
    ----------
    Bjørneraas, K., Van Moorter, B., Rolandsen, C. M. & Herfindal, I. (2010). Screening
    Global Positioning System location data for errors using animal movement
    characteristics. Journal of Wildlife Management 74, 1361-1366.
    https://doi.org/10.2193/2009-312

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"individual": ["a"] * 3,
    ...     "timestamp": pd.to_datetime(["2020-01-01 00:00", "2020-01-01 00:00", "2020-01-01 02:00"], utc=True)},
    ...     geometry=gpd.points_from_xy([10, 10, 1000], [0, 0, 0]), crs="EPSG:3857")
    >>> clean, report = clean_fixes(pts, max_speed_kmh=20)
    >>> len(clean), int(report.set_index("reason").loc["duplicate", "fixes"])
    (2, 1)
    """
    reason = flag_outliers(points, max_speed_kmh=max_speed_kmh)
    counts = reason[reason != ""].value_counts()
    report = pd.DataFrame(
        {"reason": ["duplicate", "no position", "zero", "speed"]},
    )
    report["fixes"] = [int(counts.get(r, 0)) for r in report["reason"]]
    report.loc[len(report)] = ["total removed", int(report["fixes"].sum())]
    return points[reason == ""].reset_index(drop=True), report


def steps(points):
    """One row per step between consecutive fixes of the same animal.

    Returns
    -------
    pandas.DataFrame
        ``individual``, ``start``, ``end`` (timestamps), ``hours``, ``length_m``,
        ``speed_kmh`` and ``turn_deg`` (turning angle to the next step, -180..180,
        NaN for the last step or zero-length steps).

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"individual": ["a"] * 3,
    ...     "timestamp": pd.to_datetime(["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 02:00"], utc=True)},
    ...     geometry=gpd.points_from_xy([0, 3000, 3000], [0, 0, 4000]), crs="EPSG:3857")
    >>> steps(pts)[["length_m", "speed_kmh", "turn_deg"]].round(1).values.tolist()
    [[3000.0, 3.0, 90.0], [4000.0, 4.0, nan]]
    """
    points = read_frame("points", points, what="GPS fixes")
    rows = []
    for ind, group in points.groupby("individual", sort=True):
        x, y = group.geometry.x.to_numpy(), group.geometry.y.to_numpy()
        t = group["timestamp"].to_numpy()
        dx, dy = np.diff(x), np.diff(y)
        hours = np.diff(t).astype("timedelta64[s]").astype(float) / 3600.0
        length = np.hypot(dx, dy)
        heading = np.degrees(np.arctan2(dy, dx))
        turn = np.full(len(dx), np.nan)
        if len(dx) > 1:
            delta = (heading[1:] - heading[:-1] + 180.0) % 360.0 - 180.0
            valid = (length[1:] > 0) & (length[:-1] > 0)
            turn[:-1] = np.where(valid, delta, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(hours > 0, length / 1000.0 / hours, np.nan)
        rows.append(
            pd.DataFrame(
                {
                    "individual": ind,
                    "start": group["timestamp"].iloc[:-1].to_numpy(copy=True),
                    "end": group["timestamp"].iloc[1:].to_numpy(copy=True),
                    "hours": hours,
                    "length_m": length,
                    "speed_kmh": speed,
                    "turn_deg": turn,
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def tracks(points, *, by: str | None = None):
    """Join each animal's fixes (optionally each animal-and-``by`` group) into a line.

    Returns
    -------
    geopandas.GeoDataFrame
        One LineString per group with ``individual``, ``start``, ``end``, ``fixes`` and
        ``length_km``; groups with fewer than two fixes are left out.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"individual": ["a"] * 3,
    ...     "timestamp": pd.date_range("2020-01-01", periods=3, freq="h", tz="UTC")},
    ...     geometry=gpd.points_from_xy([0, 3000, 3000], [0, 0, 4000]), crs="EPSG:3857")
    >>> tracks(pts)["length_km"].tolist()
    [7.0]
    """
    import geopandas as gpd
    from shapely.geometry import LineString

    keys = ["individual"] if by is None else ["individual", by]
    records = []
    for key, group in points.groupby(keys, sort=True):
        if len(group) < 2:
            continue
        line = LineString(list(zip(group.geometry.x, group.geometry.y, strict=True)))
        record = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        record.update(
            start=group["timestamp"].min(),
            end=group["timestamp"].max(),
            fixes=len(group),
            length_km=line.length / 1000.0,
            geometry=line,
        )
        records.append(record)
    return gpd.GeoDataFrame(records, geometry="geometry", crs=points.crs)


def label_seasons(timestamps, seasons: dict[str, list[int]]):
    """Label each timestamp with the season its month falls in.

    Parameters
    ----------
    timestamps : pandas.Series of datetimes
    seasons : dict
        Season name -> list of months (1-12). Every month must belong to exactly one
        season, for example ``{"wet": [11, 12, 1, 2, 3, 4], "dry": [5, 6, 7, 8, 9, 10]}``.

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2020-01-15", "2020-07-01"]))
    >>> label_seasons(t, {"wet": [11, 12, 1, 2, 3, 4], "dry": [5, 6, 7, 8, 9, 10]}).tolist()
    ['wet', 'dry']
    """
    months = [m for ms in seasons.values() for m in ms]
    if sorted(months) != list(range(1, 13)):
        raise ValueError(
            "seasons must assign every month 1-12 to exactly one season. "
            f"Got months {sorted(months)}."
        )
    lookup = {m: name for name, ms in seasons.items() for m in ms}
    return pd.Series(timestamps).dt.month.map(lookup)


def net_squared_displacement(points):
    """Net squared displacement (km2) of each fix from the animal's first fix.

    NSD rises and falls with each migration and stays low for resident animals
    (Bunnefeld et al. 2011, doi:10.1111/j.1365-2656.2010.01776.x).

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"individual": ["a"] * 2,
    ...     "timestamp": pd.date_range("2020-01-01", periods=2, freq="D", tz="UTC")},
    ...     geometry=gpd.points_from_xy([0, 3000], [0, 4000]), crs="EPSG:3857")
    >>> net_squared_displacement(pts).tolist()
    [0.0, 25.0]
    """
    points = read_frame("points", points, what="GPS fixes")
    x = points.geometry.x
    y = points.geometry.y
    x0 = x.groupby(points["individual"]).transform("first")
    y0 = y.groupby(points["individual"]).transform("first")
    return ((x - x0) ** 2 + (y - y0) ** 2) / 1e6


def used_available(points, raster, *, ratio: int = 5, buffer_m: float = 0.0, seed: int = 0):
    """Sample a raster at used locations (fixes) and at random available locations.

    Available points are drawn uniformly at random inside the convex hull of all fixes,
    enlarged by ``buffer_m``, ``ratio`` per used fix, from a seeded generator.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Cleaned fixes, in the raster's CRS.
    raster : xarray.DataArray
        Georeferenced raster (for example the resistance surface).
    ratio : int, default 5
        Available points per used point.
    buffer_m : float, default 0
        Buffer around the convex hull of the fixes, in metres.
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
        ``used`` (bool) and ``value`` (raster value; NaN on nodata or outside the grid).

    References
    ----------
    Manly, B. F. J., McDonald, L. L., Thomas, D. L., McDonald, T. L. & Erickson, W. P.
    (2002). Resource Selection by Animals, 2nd edn. Kluwer, Dordrecht.
    https://doi.org/10.1007/0-306-48151-0

    Examples
    --------
    >>> import geopandas as gpd, xarray as xr, rioxarray  # noqa: F401
    >>> r = xr.DataArray(np.arange(16.0).reshape(4, 4), dims=("y", "x"),
    ...                  coords={"y": [35.0, 25.0, 15.0, 5.0], "x": [5.0, 15.0, 25.0, 35.0]}).rio.write_crs("EPSG:3857")
    >>> pts = gpd.GeoDataFrame({"individual": ["a"] * 3}, geometry=gpd.points_from_xy([5, 35, 20], [35, 5, 30]), crs="EPSG:3857")
    >>> ua = used_available(pts, r, ratio=2)
    >>> int(ua["used"].sum()), len(ua), ua.loc[ua.used, "value"].tolist()
    (3, 9, [0.0, 15.0, 6.0])
    """
    points = read_frame("points", points, what="GPS fixes")
    values, nodata, _, template, crs = read_raster("raster", raster)
    if template is None or not hasattr(template, "rio"):
        raise TypeError(
            "raster must be a georeferenced xarray.DataArray (rioxarray), so that fixes can be "
            "placed on it. Open it with rioxarray.open_rasterio(path)."
        )
    check_same_crs("points", points.crs, "raster", crs)
    if not isinstance(ratio, int) or ratio < 1:
        raise ValueError(f"ratio must be a whole number of at least 1. Got ratio={ratio!r}.")
    check_positive("buffer_m", buffer_m, allow_zero=True)
    region = points.geometry.union_all().convex_hull.buffer(buffer_m)
    if region.area == 0:
        raise ValueError("points span no area: need at least three fixes not on one line.")
    rng = np.random.default_rng(seed)
    need = ratio * len(points)
    xmin, ymin, xmax, ymax = region.bounds
    drawn_x, drawn_y = [], []
    while sum(map(len, drawn_x)) < need:
        cx = rng.uniform(xmin, xmax, 2 * need)
        cy = rng.uniform(ymin, ymax, 2 * need)
        inside = region.contains(make_points(cx, cy))
        drawn_x.append(cx[inside])
        drawn_y.append(cy[inside])
    ax = np.concatenate(drawn_x)[:need]
    ay = np.concatenate(drawn_y)[:need]
    ux, uy = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    transform = template.rio.transform()
    sampled = _sample(values, nodata, transform, np.r_[ux, ax], np.r_[uy, ay])
    return pd.DataFrame(
        {"used": np.r_[np.ones(len(ux), bool), np.zeros(need, bool)], "value": sampled}
    )


def _sample(values: np.ndarray, nodata, transform, x, y) -> np.ndarray:
    """Raster values at map coordinates (nearest cell; NaN outside or on nodata)."""
    cols, rows = ~transform @ (np.asarray(x), np.asarray(y))
    rows, cols = np.floor(rows).astype(int), np.floor(cols).astype(int)
    ok = (rows >= 0) & (rows < values.shape[0]) & (cols >= 0) & (cols < values.shape[1])
    out = np.full(len(rows), np.nan)
    out[ok] = values.astype(float)[rows[ok], cols[ok]]
    if nodata is not None and not np.isnan(nodata):
        out[out == nodata] = np.nan
    return out


@dataclass(frozen=True)
class UsedAvailableTest:
    """Raster values at used and available points compared (:func:`compare_used_available`).

    Attributes
    ----------
    median_used, median_available : float
        Median raster value at used and at available points.
    ratio : float
        ``median_used / median_available`` (NaN when the available median is 0).
    prob_used_below_available : float
        Common-language effect size: probability that a used value is below an
        available one (for ``alternative="less"``; above it otherwise), 0-1.
    p_value : float
        One- or two-sided p-value of the Mann-Whitney U test.
    n_used, n_available : int
        Points with a value (not NaN).
    """

    median_used: float
    median_available: float
    ratio: float
    prob_used_below_available: float
    p_value: float
    n_used: int
    n_available: int

    def to_dict(self) -> dict:
        """Return the fields as a dict (a table row)."""
        return asdict(self)


def compare_used_available(table, *, alternative: str = "less") -> UsedAvailableTest:
    """Compare raster values at used and available points (Mann-Whitney U test).

    With a resistance surface, animals that avoid costly cells give used values *less*
    than available ones: ``alternative="less"`` tests exactly that.

    Returns
    -------
    UsedAvailableTest
        Median at used and available points, their ratio, the common-language effect size
        (probability that a used value is below an available one), the p-value and the
        numbers of points.

    References
    ----------
    Manly, B. F. J. et al. (2002). Resource Selection by Animals, 2nd edn. Kluwer.
    https://doi.org/10.1007/0-306-48151-0

    Fieberg, J., Matthiopoulos, J., Hebblewhite, M., Boyce, M. S. & Frair, J. L. (2010).
    Correlation and studies of habitat selection: problem, red herring or opportunity?
    Phil. Trans. R. Soc. B 365, 2233-2244. https://doi.org/10.1098/rstb.2010.0079

    Examples
    --------
    >>> t = pd.DataFrame({"used": [True] * 4 + [False] * 4, "value": [1, 2, 1, 2, 5, 6, 7, 8]})
    >>> out = compare_used_available(t)
    >>> out.median_used, out.median_available, round(out.p_value, 3)
    (1.5, 6.5, 0.014)
    """
    check_choice("alternative", alternative, ("less", "greater", "two-sided"))
    data = table.dropna(subset=["value"])
    used = data.loc[data["used"], "value"].to_numpy()
    avail = data.loc[~data["used"], "value"].to_numpy()
    if len(used) == 0 or len(avail) == 0:
        raise ValueError(
            "table needs both used and available points with values (not NaN); "
            f"got {len(used)} used and {len(avail)} available."
        )
    res = mannwhitneyu(used, avail, alternative=alternative)
    effect = float(res.statistic) / (len(used) * len(avail))
    return UsedAvailableTest(
        median_used=float(np.median(used)),
        median_available=float(np.median(avail)),
        ratio=float(np.median(used) / np.median(avail)) if np.median(avail) else float("nan"),
        prob_used_below_available=1.0 - effect if alternative == "less" else effect,
        p_value=float(res.pvalue),
        n_used=int(len(used)),
        n_available=int(len(avail)),
    )
