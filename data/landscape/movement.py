"""GPS tracks of the migrating ungulate, with the errors a real data set has."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .facts import CELL, NCOLS, NROWS, UNGULATE
from .grid import chaikin, from_lonlat, mode_resample, to_lonlat, xy_cell
from .roads_rivers import route

# Ungulate ranges and the two habitat links between them (km).
SUMMER_WEST = (33.0, 57.0)


SUMMER_EAST = (85.0, 77.0)


WINTER = (64.0, 30.0)


LINK_SOUTH = np.array([[33, 52], [40, 46], [48, 40], [56, 34], [64, 30]], dtype=float)


LINK_NORTH = np.array([[46, 76], [56, 76], [64, 75], [72, 76], [80, 77]], dtype=float)


MOVE_COST = {1: 200.0, 2: 6.0, 3: 3.0, 4: 1.0, 5: 1.5, 6: 30.0, 7: 400.0, 8: 25.0}


ANIMALS = [  # id, summer range, deployed, retrieved
    ("AM01", "west", "2019-06-02", "2020-07-20"),
    ("AM02", "west", "2019-06-02", "2021-06-28"),
    ("AM03", "west", "2019-06-05", "2020-06-30"),
    ("AM04", "west", "2019-06-05", "2020-08-11"),
    ("AM05", "west", "2019-06-09", "2020-06-30"),
    ("AM06", "east", "2019-06-12", "2021-06-30"),
    ("AM07", "east", "2019-06-12", "2020-07-02"),
    ("AM08", "east", "2019-06-14", "2020-06-30"),
]


FIX_HOURS = 4


def polyline_at(line, s):
    """Points at fractions s (0..1) of the length of a polyline (n, 2)."""
    seg = np.hypot(*np.diff(line, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    d = np.clip(s, 0, 1) * cum[-1]
    return np.column_stack([np.interp(d, cum, line[:, 0]), np.interp(d, cum, line[:, 1])])


def migration_progress(rng, times):
    """0 on the winter range, 1 on the summer range, with stopovers while migrating."""
    p = np.zeros(len(times))
    years = range(times[0].year - 1, times[-1].year + 1)
    day = (times - times[0]).total_seconds().to_numpy() / 86400.0
    t0 = times[0]
    events = []
    for y in years:
        spring = pd.Timestamp(f"{y}-04-14", tz="UTC") + pd.Timedelta(days=float(rng.normal(0, 6)))
        autumn = pd.Timestamp(f"{y}-11-04", tz="UTC") + pd.Timedelta(days=float(rng.normal(0, 6)))
        events.append((spring, float(rng.uniform(11, 19)), +1))
        events.append((autumn, float(rng.uniform(8, 13)), -1))
    state = 1.0 if times[0].month in (5, 6, 7, 8, 9, 10) else 0.0
    p[:] = state
    for start, dur, direction in sorted(events):
        s = (start - t0).total_seconds() / 86400.0
        tau = np.clip((day - s) / dur, 0, 1)
        tau = tau - 0.12 * np.sin(4 * np.pi * tau) / (4 * np.pi)  # slow down at stopovers
        moving = (day >= s) & (day < s + dur)
        after = day >= s + dur
        if direction > 0:
            p[moving] = tau[moving]
            p[after] = 1.0
        else:
            p[moving] = 1 - tau[moving]
            p[after] = 0.0
    return p


def ou_noise(rng, n, *, sd, rho):
    out = np.empty((n, 2))
    out[0] = rng.normal(0, sd, 2)
    eps = rng.normal(0, sd * np.sqrt(1 - rho * rho), (n, 2))
    for i in range(1, n):
        out[i] = rho * out[i - 1] + eps[i]
    return out


def build_tracks(rng, lc2020, land):
    """Movebank-style GPS fixes of the fictional ungulate, with deliberate errors."""
    k = 5  # route on a 500 m grid
    cost = np.vectorize(lambda v: MOVE_COST.get(int(v), 1e4))(mode_resample(lc2020, CELL * k))
    rows = []
    for animal, summer, start, end in ANIMALS:
        base = SUMMER_WEST if summer == "west" else SUMMER_EAST
        s_xy = (base[0] + rng.normal(0, 1.5), base[1] + rng.normal(0, 1.5))
        w_xy = (WINTER[0] + rng.normal(0, 1.5), WINTER[1] + rng.normal(0, 1.5))
        path = route(cost, w_xy, s_xy, cellsize=CELL * k)
        path = chaikin(path, 3)
        times = pd.date_range(f"{start} 00:00", f"{end} 20:00", freq=f"{FIX_HOURS}h", tz="UTC")
        p = migration_progress(rng, times)
        moving = (p > 0) & (p < 1)
        centre = polyline_at(path, p)
        dev = ou_noise(rng, len(times), sd=2200.0, rho=0.985)
        dev *= np.where(moving, 0.12, 1.0)[:, None]
        xy = centre + dev
        r, c = xy_cell(xy[:, 0], xy[:, 1])
        inside = (r >= 0) & (r < NROWS) & (c >= 0) & (c < NCOLS)
        ok = inside.copy()
        ok[inside] = land[r[inside], c[inside]] & (lc2020[r[inside], c[inside]] != 1)
        xy[~ok] = centre[~ok]
        keep = rng.random(len(times)) > 0.03  # missed fixes: no row at all
        jitter = pd.to_timedelta(rng.integers(0, 120, len(times)), unit="s")
        stamps = (times + jitter)[keep]
        lon, lat = to_lonlat(xy[keep, 0], xy[keep, 1])
        n = int(keep.sum())
        rows.append(
            pd.DataFrame(
                {
                    "timestamp": stamps,
                    "location-long": np.round(lon, 7),
                    "location-lat": np.round(lat, 7),
                    "gps:hdop": np.round(rng.gamma(6, 0.22, n), 1),
                    "gps:satellite-count": rng.integers(5, 13, n),
                    "individual-local-identifier": animal,
                    "tag-local-identifier": f"T{8800 + int(animal[2:])}",
                }
            )
        )
    fixes = pd.concat(rows, ignore_index=True)
    fixes["error"] = ""
    n = len(fixes)
    # deliberate errors to clean: no position, (0, 0), spikes, duplicated rows
    lost = rng.choice(n, size=int(0.004 * n), replace=False)
    fixes.loc[lost, ["location-long", "location-lat"]] = np.nan
    fixes.loc[lost, "error"] = "no position"
    free = np.setdiff1d(np.arange(n), lost)
    zero = rng.choice(free, size=5, replace=False)
    fixes.loc[zero, ["location-long", "location-lat"]] = 0.0
    fixes.loc[zero, "error"] = "zero"
    free = np.setdiff1d(free, zero)
    spikes = rng.choice(free, size=14, replace=False)
    for i in spikes:
        ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(20_000, 60_000)
        x, y = from_lonlat(fixes.at[i, "location-long"], fixes.at[i, "location-lat"])
        lon, lat = to_lonlat(x + dist * np.cos(ang), y + dist * np.sin(ang))
        fixes.loc[i, ["location-long", "location-lat"]] = [round(lon, 7), round(lat, 7)]
        fixes.loc[i, "gps:hdop"] = round(float(rng.uniform(8, 25)), 1)
        fixes.loc[i, "gps:satellite-count"] = int(rng.integers(3, 5))
        fixes.loc[i, "error"] = "spike"
    free = np.setdiff1d(free, spikes)
    dups = fixes.loc[rng.choice(free, size=10, replace=False)].copy()
    dups["error"] = "duplicate"
    fixes = pd.concat([fixes, dups]).sort_values(
        ["individual-local-identifier", "timestamp"], kind="stable"
    )
    fixes = fixes.reset_index(drop=True)
    fixes.insert(0, "event-id", 1_400_000_000 + np.arange(len(fixes)))
    fixes.insert(1, "visible", "true")
    fixes["timestamp"] = fixes["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S.000")
    fixes["sensor-type"] = "gps"
    fixes["individual-taxon-canonical-name"] = UNGULATE
    fixes["study-name"] = "Ambulocerus migrans, fictional GPEC teaching study"
    errors = fixes.pop("error")
    return fixes, errors, path
