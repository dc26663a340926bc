"""The YAML configuration of ``gpec-teach run``: read it, check all of it, resolve paths.

Everything is checked before any work starts, and every problem is reported at once as
a :class:`ConfigError` whose lines name the key (``cores.min_area_ha``), what was found
and the fix. Paths are relative to the configuration file's folder.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ConfigError", "Config", "load_config", "STEPS"]

#: The steps of the chain, in order, and the steps each needs.
STEPS = {
    "resistance": (),
    "cores": (),
    "corridors": ("resistance", "cores"),
    "circuit": ("resistance", "cores"),
    "patches": ("cores",),
    "protconn": (),
    "fragmentation": (),
}


class ConfigError(ValueError):
    """One or more problems in a configuration file (one line each)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(f"- {p}" for p in self.problems))


# Each key: (kind, required, default). Kinds: "str", "int", "number", "bool", "raster",
# "vector", "table" (mapping or CSV), "mapping", "numbers" (list of numbers),
# "ints" (list of integers), "epochs" ({year: raster}), or a nested schema (a dict).
_ROADS = {
    "file": ("vector", True, None),
    "class_column": ("str", False, None),
    "values": ("mapping_or_number", True, None),
    "widths": ("mapping_or_number", False, None),
    "query": ("str", False, None),
}
SCHEMA: dict = {
    "output": ("str", False, "results"),
    "landcover": ("raster", True, None),
    "title": ("str", False, "Connectivity analysis"),
    "resistance": {
        "table": ("table", True, None),
        "roads": _ROADS,
    },
    "cores": {
        "polygons": ("vector", False, None),
        "id_column": ("str", False, None),
        "habitat_classes": ("ints", False, None),
        "edge_m": ("number", False, 0.0),
        "min_area_ha": ("number", False, 0.0),
        "neighbors": ("int", False, 8),
    },
    "corridors": {
        "pairs": ("str", False, "adjacent"),
        "cutoff": ("number", False, None),
        "max_cost_distance": ("number", False, None),
        "max_euclidean_distance": ("number", False, None),
        "neighbors": ("int", False, 8),
    },
    "circuit": {
        "mode": ("str", False, "pairwise"),
        "pinch_points": ("bool", False, True),
        "corridor_cutoff": ("number", False, None),
        "radius_cells": ("int", False, None),
        "block_size": ("int", False, 1),
        "source_max_resistance": ("number", False, None),
        "neighbors": ("int", False, 8),
    },
    "patches": {
        "dispersal_distance_m": ("number", True, None),
        "probability": ("number", False, 0.5),
        "distance_method": ("str", False, "edge"),
    },
    "protconn": {
        "protected_areas": ("vector", True, None),
        "regions": ("vector", True, None),
        "region_column": ("str", False, None),
        "dispersal_distances_km": ("numbers", False, [1.0, 10.0, 100.0]),
        "year": ("int", False, None),
        "transboundary": ("bool", False, True),
    },
    "fragmentation": {
        "habitat_classes": ("ints", True, None),
        "epochs": ("epochs", True, None),
        "neighbors": ("int", False, 8),
        "mesh_denominator": ("str", False, "landscape"),
    },
}
_CHOICES = {
    "corridors.pairs": ("adjacent", "all", "nearest"),
    "circuit.mode": ("pairwise", "omniscape"),
    "patches.distance_method": ("edge", "centroid"),
    "fragmentation.mesh_denominator": ("landscape", "habitat"),
    "cores.neighbors": (4, 8),
    "corridors.neighbors": (4, 8),
    "circuit.neighbors": (4, 8),
    "fragmentation.neighbors": (4, 8),
}


@dataclass
class Config:
    """A checked configuration: every section with defaults filled and paths resolved."""

    path: Path
    values: dict
    steps: list[str]
    crs: object = None
    raw: dict = field(default_factory=dict)

    @property
    def output(self) -> Path:
        """Return the output folder."""
        return self.values["output"]

    def section(self, step: str) -> dict:
        """Return the checked options of one step."""
        return self.values[step]


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


class _Checker:
    def __init__(self, base: Path):
        self.base = base
        self.problems: list[str] = []
        self.crs: dict[str, object] = {}

    def fail(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def file(self, key: str, value, suffixes) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a file path (text). Got {value!r}.")
            return None
        path = Path(value).expanduser()
        path = path if path.is_absolute() else (self.base / path)
        if not path.is_file():
            self.fail(
                key,
                f"file {value!r} not found (paths are relative to the configuration's folder "
                f"{self.base}). Fix the path.",
            )
            return None
        if path.suffix.lower() not in suffixes:
            self.fail(key, f"{value!r} must be one of {', '.join(suffixes)} files.")
            return None
        return path.resolve()

    def raster(self, key, value):
        path = self.file(key, value, (".tif", ".tiff"))
        if path is not None:
            import rasterio

            try:
                with rasterio.open(path) as f:
                    self.crs[key] = f.crs
            except rasterio.errors.RasterioIOError as exc:
                self.fail(key, f"{value!r} is not a readable GeoTIFF ({exc}).")
        return path

    def vector(self, key, value):
        path = self.file(key, value, (".gpkg", ".shp", ".geojson", ".json", ".fgb"))
        if path is not None:
            import pyogrio

            try:
                layers = pyogrio.list_layers(path)
                self.crs[key] = pyogrio.read_info(path, layer=layers[0][0])["crs"]
            except Exception as exc:  # noqa: BLE001 - any reading problem is reported
                self.fail(key, f"{value!r} is not a readable vector file ({exc}).")
        return path

    def value(self, key: str, kind, value):
        if isinstance(kind, dict):
            return self.section(key, kind, value)
        if kind == "str":
            ok = isinstance(value, str)
            expected = "text"
        elif kind == "int":
            ok, expected = _is_int(value), "a whole number"
        elif kind == "number":
            ok, expected = _is_number(value), "a number"
        elif kind == "bool":
            ok, expected = isinstance(value, bool), "true or false"
        elif kind == "raster":
            return self.raster(key, value)
        elif kind == "vector":
            return self.vector(key, value)
        elif kind in ("numbers", "ints"):
            test = _is_int if kind == "ints" else _is_number
            ok = isinstance(value, list) and bool(value) and all(test(v) for v in value)
            expected = "a list of " + ("whole numbers" if kind == "ints" else "numbers")
        elif kind == "mapping_or_number":
            ok = _is_number(value) or (
                isinstance(value, dict) and all(_is_number(v) for v in value.values())
            )
            expected = "a number or a mapping {class: number}"
        elif kind == "table":
            if isinstance(value, str):
                return self.file(key, value, (".csv",))
            ok = (
                isinstance(value, dict)
                and bool(value)
                and all(_is_int(k) for k in value)
                and all(_is_number(v) or v in ("inf", ".inf") for v in value.values())
            )
            expected = "a mapping {class code: resistance} or a CSV file (class,resistance)"
        elif kind == "epochs":
            if not (isinstance(value, dict) and len(value) >= 2):
                self.fail(key, f"must map at least two years to rasters. Got {value!r}.")
                return None
            out = {}
            for year, path in value.items():
                if not _is_int(year):
                    self.fail(f"{key}.{year}", "epoch names must be years (whole numbers).")
                    continue
                out[int(year)] = self.raster(f"{key}.{year}", path)
            return out
        else:  # pragma: no cover - schema error
            raise AssertionError(kind)
        if not ok:
            self.fail(key, f"must be {expected}. Got {value!r} ({type(value).__name__}).")
            return None
        if key in _CHOICES and value not in _CHOICES[key]:
            self.fail(key, f"must be one of {list(_CHOICES[key])}. Got {value!r}.")
        return value

    def section(self, prefix: str, schema: dict, given) -> dict | None:
        if given is None:
            given = {}
        if not isinstance(given, dict):
            self.fail(prefix, f"must be a mapping of options. Got {given!r}.")
            return None
        for key in given:
            if key not in schema:
                where = f"{prefix}.{key}" if prefix else str(key)
                self.fail(
                    where,
                    f"unknown key. Allowed keys{' in ' + prefix if prefix else ''}: "
                    f"{', '.join(schema)}. Check the spelling.",
                )
        out = {}
        for key, spec in schema.items():
            where = f"{prefix}.{key}" if prefix else key
            if isinstance(spec, dict):
                out[key] = self.value(where, spec, given[key]) if key in given else None
                continue
            kind, required, default = spec
            if key not in given or given[key] is None:
                if required:
                    self.fail(where, f"is required ({_hint(kind)}).")
                out[key] = default
            else:
                out[key] = self.value(where, kind, given[key])
        return out


def _hint(kind) -> str:
    return {
        "raster": "a GeoTIFF path",
        "vector": "a GeoPackage or shapefile path",
        "table": "a mapping {class code: resistance} or a CSV file",
        "ints": "a list of class codes",
        "epochs": "a mapping {year: land-cover GeoTIFF}",
        "number": "a number",
        "mapping_or_number": "a number or a mapping {class: number}",
    }.get(kind, kind)


def _crs_problems(check: _Checker) -> None:
    """Every layer in the land cover's CRS; a projected CRS in metres."""
    from pyproj import CRS

    base = check.crs.get("landcover")
    if base is None:
        return
    base = CRS.from_user_input(base)
    if base.is_geographic:
        check.fail(
            "landcover",
            f"is in a geographic CRS ({base.name}); distances and areas need metres. "
            "Reproject it first, for example with rioxarray: "
            "rioxarray.open_rasterio(path).rio.reproject('EPSG:<a local projected CRS>', "
            "resampling=rasterio.enums.Resampling.mode).rio.to_raster(new_path), "
            "or gdalwarp -t_srs EPSG:... -r mode.",
        )
        return
    # ProtConn works on its own polygons (often another place than the raster): its two
    # layers must agree with each other; every other layer with the land cover.
    pa_crs = check.crs.get("protconn.protected_areas")
    for key, crs in check.crs.items():
        if key == "protconn.regions" and pa_crs is not None and crs is not None:
            if CRS.from_user_input(crs) != CRS.from_user_input(pa_crs):
                check.fail(
                    key,
                    f"is in CRS {CRS.from_user_input(crs).name!r} but protconn.protected_areas "
                    f"is in {CRS.from_user_input(pa_crs).name!r}: reproject one of them "
                    "(geopandas: .to_crs(...)).",
                )
            continue
        if key == "protconn.protected_areas" and crs is not None:
            if CRS.from_user_input(crs).is_geographic:
                check.fail(key, "is in a geographic CRS: reproject it with .to_crs('EPSG:...').")
            continue
        if key == "landcover" or crs is None:
            if crs is None:
                check.fail(key, "has no CRS: set it in your GIS (QGIS: Layer CRS) first.")
            continue
        if CRS.from_user_input(crs) != base:
            fix = (
                "gdalwarp -t_srs <the land cover's CRS> -r mode"
                if key.startswith("fragmentation.epochs")
                else "geopandas: gpd.read_file(path).to_crs(landcover_crs).to_file(new_path)"
            )
            check.fail(
                key,
                f"is in CRS {CRS.from_user_input(crs).name!r} but the land cover is in "
                f"{base.name!r}: every layer must share one CRS. Reproject it ({fix}).",
            )


def resistance_table(table) -> dict:
    """Read the reclassification table as ``{class code: resistance}`` (a dict or a CSV path)."""
    import numpy as np

    if isinstance(table, Path):
        import pandas as pd

        frame = pd.read_csv(table)
        table = dict(zip(frame.iloc[:, 0].astype(int), frame.iloc[:, 1], strict=True))
    return {int(k): (np.inf if v in ("inf", ".inf") else float(v)) for k, v in table.items()}


def _landcover_classes(path: Path) -> set[int]:
    """Return the class codes of a land-cover GeoTIFF (read block by block, nodata left out)."""
    import numpy as np
    import rasterio

    found: set[int] = set()
    with rasterio.open(path) as f:
        for _, window in f.block_windows(1):
            block = f.read(1, window=window, masked=True)
            found.update(int(v) for v in np.unique(block.compressed()))
    return found


def _class_problems(check: _Checker, values: dict) -> None:
    """Every land-cover class needs a resistance: a missing one would be a silent guess."""
    opts = values.get("resistance")
    landcover = values.get("landcover")
    if not opts or landcover is None or "landcover" not in check.crs:
        return
    try:
        table = resistance_table(opts["table"])
    except (ValueError, TypeError, OSError, KeyError) as exc:
        check.fail("resistance.table", f"cannot be read as class code -> resistance ({exc}).")
        return
    missing = sorted(_landcover_classes(Path(landcover)) - set(table))
    if missing:
        check.fail(
            "resistance.table",
            f"has no resistance for the land-cover class(es) {missing} found in "
            f"{Path(landcover).name}: add a row for each (.inf for an absolute barrier).",
        )


def _cross_checks(check: _Checker, values: dict) -> None:
    cores = values.get("cores")
    if cores:
        has_poly = cores.get("polygons") is not None or "cores.polygons" in check.crs
        has_rule = cores.get("habitat_classes") is not None
        if has_poly == has_rule and not any(
            p.startswith("cores.polygons") for p in check.problems
        ):
            check.fail(
                "cores",
                "give either polygons (your own core areas, with id_column) or "
                "habitat_classes (a habitat rule with edge_m and min_area_ha), not both "
                "and not neither.",
            )
        if has_poly and not cores.get("id_column"):
            check.fail("cores.id_column", "is required with polygons: the column of your ids.")
        if cores.get("edge_m") is not None and cores["edge_m"] < 0:
            check.fail("cores.edge_m", f"must be >= 0 m. Got {cores['edge_m']}.")
        if cores.get("min_area_ha") is not None and cores["min_area_ha"] < 0:
            check.fail("cores.min_area_ha", f"must be >= 0 ha. Got {cores['min_area_ha']}.")
    circuit = values.get("circuit")
    if circuit and circuit.get("mode") == "omniscape" and circuit.get("radius_cells") is None:
        check.fail("circuit.radius_cells", "is required for mode omniscape (window radius).")
    if circuit and circuit.get("mode") == "pairwise" and circuit.get("pinch_points"):
        if values.get("corridors") is None:
            check.fail(
                "circuit.pinch_points",
                "needs a 'corridors' section (pinch points are found inside the corridors): "
                "add one, or set pinch_points: false.",
            )
    patches = values.get("patches")
    if patches and patches.get("dispersal_distance_m") is not None:
        if patches["dispersal_distance_m"] <= 0:
            check.fail("patches.dispersal_distance_m", "must be > 0 metres.")
        if not 0 < (patches.get("probability") or 0) < 1:
            check.fail("patches.probability", "must be between 0 and 1 (exclusive).")
    for step, needs in STEPS.items():
        if values.get(step) is None:
            continue
        for need in needs:
            if values.get(need) is None:
                check.fail(step, f"needs a '{need}' section: add it to the configuration.")


def load_config(path) -> Config:
    """Read and check a configuration file; raise :class:`ConfigError` listing every problem."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError([f"configuration file {str(path)!r} not found: check the path."])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path.name} is not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise ConfigError([f"{path.name} must be a YAML mapping of keys (see gpec-teach init)."])
    check = _Checker(path.parent.resolve())
    values = check.section("", SCHEMA, raw)
    for step in STEPS:
        if step not in raw:
            values[step] = None
    _crs_problems(check)
    _cross_checks(check, values)
    if not check.problems:  # reads the whole raster: only once the file is otherwise right
        _class_problems(check, values)
    steps = [s for s in STEPS if values.get(s) is not None]
    if not steps and not check.problems:
        check.fail("", f"no step to run: add at least one of {', '.join(STEPS)}.")
    if check.problems:
        raise ConfigError(check.problems)
    out = Path(values["output"]).expanduser()
    values["output"] = (out if out.is_absolute() else check.base / out).resolve()
    return Config(
        path=path.resolve(), values=values, steps=steps, crs=check.crs["landcover"], raw=raw
    )
