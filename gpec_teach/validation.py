"""Validation against the field's reference tools: our numbers beside theirs.

The reference cases are published test inputs with expected outputs of Circuitscape.jl
(its own test suite), FRAGSTATS (via landscapemetrics) and Makurhini (R). They carry
their own licences, so they are read **in place** from a folder outside this repository
(``../shared/reference`` next to the repository, or ``$GPEC_REFERENCE_DIR``), never copied.

Each ``*_table`` function runs ``gpec_teach`` on the reference inputs and returns a tidy
table with the reference value, ours, the difference and whether they agree under the
reference tool's own tolerance. :data:`PUBLISHED` holds the headline expected values
quoted from the sources, so the book can state them even where the folder is absent.

The test suite (``tests/test_circuitscape_reference.py``, ``tests/test_reference_*.py``)
asserts the same comparisons case by case; the validation appendix of the book shows
these tables.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "PUBLISHED",
    "reference_dir",
    "compare_circuitscape_output",
    "circuitscape_jl_writes",
    "circuitscape_table",
    "compare_omniscape_output",
    "omniscape_table",
    "makurhini_table",
    "makurhini_conventions",
    "realdata_dir",
    "fragstats_table",
    "least_cost_table",
    "read_fragstats",
    "published_values",
]

#: Circuitscape's test tolerances: resistances element-wise within sqrt(1e-6); grids and
#: current tables by the sum of squared differences below 1e-6.
CIRCUITSCAPE_RESISTANCE_TOL = 1e-3
CIRCUITSCAPE_SSD_TOL = 1e-6

#: Expected values quoted from the sources (used when the reference folder is absent).
PUBLISHED: dict[str, list[tuple[str, str, float, str]]] = {
    "circuitscape": [
        ("sgVerify2", "effective resistance R(4, 5)", 0.75, "Circuitscape.jl 5.17.1 test suite"),
        (
            "sgVerify2",
            "effective resistance R(1, 2), same short-circuit polygon",
            0.0,
            "Circuitscape.jl 5.17.1 test suite",
        ),
        ("sgVerify6", "effective resistance R(2, 7)", 1.4, "Circuitscape.jl 5.17.1 test suite"),
        (
            "sgVerify6",
            "R(1, 7), disconnected pair (reported as -1)",
            -1.0,
            "Circuitscape.jl 5.17.1 test suite",
        ),
    ],
    "makurhini": [
        ("404 habitat patches", "PCnum (ha^2)", 2.136028e11, "Makurhini 3.0, vignette PC_IIC"),
        ("404 habitat patches", "EC(PC) (ha)", 4.621718e5, "Makurhini 3.0, vignette PC_IIC"),
        ("404 habitat patches", "PC", 2.801281e-2, "Makurhini 3.0, vignette PC_IIC"),
        (
            "404 habitat patches",
            "dPC of patch 10 (%)",
            0.8901452,
            "Makurhini 3.0, vignette PC_IIC",
        ),
        (
            "404 habitat patches",
            "MESH, habitat-area denominator (km^2)",
            1443.4320,
            "Makurhini 3.0",
        ),
    ],
    "fragstats": [
        ("landscape raster", "TA (ha)", 0.09, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "NP", 28.0, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "MESH (ha)", 0.0094, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "DIVISION", 0.8958, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "SPLIT", 9.5926, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
        ("landscape raster", "LPI (%)", 17.6667, "FRAGSTATS 2.0 via landscapemetrics 2.2.2"),
    ],
}

# Makurhini's case: p_ij = 0.5 at 10 km, areas in ha, landscape area in ha.
_MAKURHINI_DISTANCE_M = 10_000.0
_MAKURHINI_LANDSCAPE_HA = 2_761_373.5
_MAKURHINI_DPC = {  # patch: (dPC, dPCintra, dPCflux) in %, as published
    1: (0.0016597, 0.0000034, 0.0016563),
    2: (0.0052722, 0.0000227, 0.0052495),
    3: (0.1965744, 0.0568530, 0.1397214),
    4: (0.0038579, 0.0000069, 0.0038510),
    5: (0.0044296, 0.0000160, 0.0044136),
    6: (0.0007537, 0.0000003, 0.0007534),
    7: (0.0012423, 0.0000009, 0.0012414),
    8: (0.0016418, 0.0000016, 0.0016403),
    9: (0.0055884, 0.0000194, 0.0055690),
    10: (0.8901452, 0.4057714, 0.4843738),
}


def reference_dir() -> Path | None:
    """Folder of the reference cases, or None when it is not on this machine.

    ``$GPEC_REFERENCE_DIR`` when set, else ``../shared/reference`` next to the
    repository that holds this package.
    """
    env = os.environ.get("GPEC_REFERENCE_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "reference"
    return path if path.is_dir() else None


def realdata_dir() -> Path | None:
    """Folder of the real open data (Makurhini's polygons), or None when it is absent.

    ``$GPEC_REALDATA_DIR`` when set, else ``../shared/realdata`` next to the
    repository that holds this package.
    """
    env = os.environ.get("GPEC_REALDATA_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "realdata"
    return path if path.is_dir() else None


def _keyed(table: np.ndarray) -> dict:
    k = table.shape[1] - 1
    return {tuple(int(v) for v in row[:k]): float(row[k]) for row in table}


def compare_circuitscape_output(expected: Path, ours: Path) -> tuple[str, float, float]:
    """Compare one Circuitscape output file with ours, as Circuitscape's tests do.

    Returns
    -------
    (measure, value, tolerance)
        ``("max |difference|", ...)`` for resistance files; ``("sum of squared
        differences", ...)`` for grids (``.asc``) and network tables (keyed by node ids,
        a missing entry counting as 0, since Circuitscape omits zero currents). They
        agree when ``value <= tolerance`` (resistances) or ``value < tolerance``.
    """
    from .circuitscape_io import read_raster

    name = Path(expected).name
    if name.endswith((".asc", ".tif")):
        theirs = np.nan_to_num(read_raster(expected)[0], nan=-9999.0)
        mine = np.nan_to_num(read_raster(ours)[0], nan=-9999.0)
        if theirs.shape != mine.shape:
            return "shape differs", float("inf"), CIRCUITSCAPE_SSD_TOL
        return (
            "sum of squared differences",
            float(((theirs - mine) ** 2).sum()),
            CIRCUITSCAPE_SSD_TOL,
        )
    if "resistances" in name:
        theirs, mine = np.loadtxt(expected, ndmin=2), np.loadtxt(ours, ndmin=2)
        if theirs.shape != mine.shape:
            return "shape differs", float("inf"), CIRCUITSCAPE_RESISTANCE_TOL
        return "max |difference|", float(np.abs(theirs - mine).max()), CIRCUITSCAPE_RESISTANCE_TOL
    theirs, mine = _keyed(np.loadtxt(expected, ndmin=2)), _keyed(np.loadtxt(ours, ndmin=2))
    keys = set(theirs) | set(mine)
    ssd = sum((theirs.get(k, 0.0) - mine.get(k, 0.0)) ** 2 for k in keys)
    return "sum of squared differences", float(ssd), CIRCUITSCAPE_SSD_TOL


def _flag(options: dict, key: str) -> bool:
    return str(options.get(key, "False")).strip().lower() in ("true", "1", "yes", "on")


def circuitscape_jl_writes(options: dict, suffix: str, *, unpaired_ids=()) -> bool:
    """Whether Circuitscape.jl 5 writes the output ``<name>_<suffix>`` for a job.

    Circuitscape.jl's own tests compare only the files it writes; the expected
    files of older versions that it no longer writes (``*_curmap_max``, maps of
    jobs that do not ask for them) are left uncompared. The rule, from its output
    options: resistances always (3 columns in pairwise mode); per-pair current
    maps with ``write_cur_maps`` unless ``write_cum_cur_map_only``; per-id current
    maps of one-to-all / all-to-one and the advanced current map with either flag;
    the cumulative map with either flag, the maximum map also needs
    ``write_max_cur_maps``; voltage maps and network voltage tables with
    ``write_volt_maps``; network current tables with ``write_cur_maps``.

    Parameters
    ----------
    options : dict
        The job's options (``CircuitscapeJob.options``).
    suffix : str
        File name after ``<name>_``, e.g. ``"curmap_1_2.asc"``.
    unpaired_ids : collection of int, optional
        Focal ids the included-pairs file links to nothing: one-to-all and
        all-to-one write no map for them (``CircuitscapeJob.unpaired_ids()``).

    Returns
    -------
    bool

    Examples
    --------
    >>> opts = {"scenario": "pairwise", "write_cur_maps": "True"}
    >>> circuitscape_jl_writes(opts, "curmap_1_2.asc"), circuitscape_jl_writes(opts, "curmap_max.asc")
    (True, False)
    """
    scenario = str(options.get("scenario", "")).strip().lower().replace("_", "-")
    network = str(options.get("data_type", "raster")).strip().lower() == "network"
    cur, volt = _flag(options, "write_cur_maps"), _flag(options, "write_volt_maps")
    cum_only = _flag(options, "write_cum_cur_map_only")
    stem = suffix.rsplit(".", 1)[0]
    if stem == "resistances":
        return scenario != "advanced"
    if stem == "resistances_3columns":
        return scenario == "pairwise"
    if network:
        if stem.startswith("voltages"):
            return volt
        return stem.startswith(("node_currents", "branch_currents")) and cur
    if stem == "cum_curmap":
        return scenario != "advanced" and (cur or cum_only)
    if stem == "max_curmap":
        return (
            scenario != "advanced" and (cur or cum_only) and _flag(options, "write_max_cur_maps")
        )
    if stem == "curmap" or (stem.startswith("curmap_") and stem != "curmap_max"):
        if scenario == "pairwise":
            return cur and not cum_only
        return (cur or cum_only) and stem.split("_", 1)[-1] not in {str(i) for i in unpaired_ids}
    if stem.startswith("voltmap"):
        return volt and stem.split("_", 1)[-1] not in {str(i) for i in unpaired_ids}
    return False


def circuitscape_table(root: Path | None = None) -> pd.DataFrame:
    """Run every job of Circuitscape.jl's suite and compare every file it would write.

    Each ``.ini`` of ``circuitscape_suite/input`` is run unchanged with
    :func:`gpec_teach.circuitscape_io.run_ini`; each expected file of
    ``output_verify`` that Circuitscape.jl itself writes for that job
    (:func:`circuitscape_jl_writes`) is compared with ours as Circuitscape.jl's
    tests compare it (:func:`compare_circuitscape_output`).

    Parameters
    ----------
    root : Path, optional
        The reference folder (holding ``circuitscape_suite/``); :func:`reference_dir`
        by default.

    Returns
    -------
    pandas.DataFrame
        One row per compared file: ``job`` (the ``.ini`` path), ``output``,
        ``measure``, ``value``, ``tolerance``, ``agrees``.
    """
    from .circuitscape_io import read_ini, run_ini

    root = _require(root) / "circuitscape_suite"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, ini in enumerate(sorted(root.glob("input/**/*.ini"))):
            job = read_ini(ini, base_dir=root)
            label = str(ini.relative_to(root / "input"))
            unpaired = job.unpaired_ids()
            expected = [
                e
                for e in sorted((root / "output_verify").glob(f"{job.name}_*"))
                if e.suffix != ".ini"
                and circuitscape_jl_writes(
                    job.options, e.name[len(job.name) + 1 :], unpaired_ids=unpaired
                )
            ]
            try:
                result = run_ini(ini, base_dir=root, write=True, output_dir=Path(tmp) / str(k))
            except Exception as err:  # a failing job is a row of the table, not a crash
                for e in expected:
                    rows.append((label, e.name, f"error: {err}", float("inf"), 0.0, False))
                continue
            written = {p.name.rsplit(".", 1)[0]: p for p in result.files.values()}
            for e in expected:
                ours = written.get(e.name.rsplit(".", 1)[0])
                if ours is None:
                    rows.append((label, e.name, "not written", float("inf"), 0.0, False))
                    continue
                measure, value, tol = compare_circuitscape_output(e, ours)
                agrees = value <= tol if measure.startswith("max") else value < tol
                rows.append((label, e.name, measure, value, tol, bool(agrees)))
    return pd.DataFrame(rows, columns=["job", "output", "measure", "value", "tolerance", "agrees"])


#: Omniscape.jl's test tolerance (``isapprox(..., rtol = 1e-6)`` in its ``arrays_equal``).
OMNISCAPE_RTOL = 1e-6

#: Omniscape jobs whose expected outputs sit under another project's folder: config4b and
#: config4c use the same rasters for the future as for the present, so compare_to_future
#: changes nothing and their maps are those of test4a.
_OMNISCAPE_SAME_AS = {"config4b": "test4a", "config4c": "test4a"}


def compare_omniscape_output(expected: Path, ours) -> dict:
    r"""Compare one Omniscape.jl output raster with our map, as Omniscape.jl's tests do.

    Omniscape.jl's ``arrays_equal`` sets nodata to -9999 on both sides and calls
    Julia's ``isapprox(A, B; rtol = 1e-6)``, a norm-wise test:
    :math:`\lVert A - B \rVert \le 10^{-6} \max(\lVert A \rVert, \lVert B \rVert)`.
    The -9999 cells enter the norms, which makes the test looser on grids with
    nodata, so the stricter measures over the valid cells are returned too.

    Parameters
    ----------
    expected : Path
        An expected raster (``.tif`` or ``.asc``).
    ours : numpy.ndarray
        Our map on the same grid (NaN = nodata).

    Returns
    -------
    dict
        ``same_nodata`` (the nodata cells coincide), ``omniscape_isapprox`` (Omniscape's
        own test), ``norm_relative`` (the norm-wise relative difference over the valid
        cells), ``max_relative`` (the largest cell-wise relative difference),
        ``agrees`` (``same_nodata`` and ``omniscape_isapprox``).
    """
    import rasterio

    with rasterio.open(expected) as src:
        theirs = np.ma.filled(src.read(1, masked=True).astype(np.float64), np.nan)
    mine = np.asarray(ours, dtype=np.float64)
    if theirs.shape != mine.shape:
        return {
            "same_nodata": False,
            "omniscape_isapprox": False,
            "norm_relative": float("inf"),
            "max_relative": float("inf"),
            "agrees": False,
        }
    valid_t, valid_m = np.isfinite(theirs), np.isfinite(mine)
    a, b = np.where(valid_t, theirs, -9999.0), np.where(valid_m, mine, -9999.0)
    isapprox = bool(
        np.linalg.norm(a - b) <= OMNISCAPE_RTOL * max(np.linalg.norm(a), np.linalg.norm(b))
    )
    both = valid_t & valid_m
    t, m = theirs[both], mine[both]
    scale = max(np.linalg.norm(t), np.linalg.norm(m))
    norm_rel = float(np.linalg.norm(t - m) / scale) if scale > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(t - m) / np.abs(t)
    rel = np.where(t == m, 0.0, rel)
    same = bool(np.array_equal(valid_t, valid_m))
    return {
        "same_nodata": same,
        "omniscape_isapprox": isapprox,
        "norm_relative": norm_rel,
        "max_relative": float(rel.max()) if rel.size else 0.0,
        "agrees": same and isapprox,
    }


def omniscape_table(root: Path | None = None) -> pd.DataFrame:
    """Run every Omniscape.jl reference job and compare every expected output.

    Jobs that Omniscape.jl refuses (``bad_*``, ``config7``, ``no_source_provided``)
    must raise a :class:`ValueError` before computing: one row each, ``output`` =
    ``(refused)``. The other jobs are run with
    :func:`gpec_teach.omniscape_io.run_omniscape_ini` into a temporary folder and every
    expected raster of ``output_verify/<project_name>`` is compared with the map we
    compute (:func:`compare_omniscape_output`).

    Parameters
    ----------
    root : Path, optional
        The reference folder (holding ``omniscape/``); :func:`reference_dir` by default.

    Returns
    -------
    pandas.DataFrame
        One row per expected file: ``job``, ``output``, ``same_nodata``,
        ``omniscape_isapprox``, ``norm_relative``, ``max_relative``, ``agrees``,
        ``seconds`` (run time of the job).
    """
    import warnings

    from .omniscape_io import run_omniscape_ini

    root = _require(root) / "omniscape"
    rows = []
    columns = [
        "job",
        "output",
        "same_nodata",
        "omniscape_isapprox",
        "norm_relative",
        "max_relative",
        "agrees",
        "seconds",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for ini in sorted((root / "input").glob("*.ini")):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    run = run_omniscape_ini(ini, output_dir=Path(tmp) / ini.stem)
            except ValueError:  # refused before computing, as Omniscape.jl refuses it
                rows.append((ini.stem, "(refused)", None, None, None, None, True, 0.0))
                continue
            project = _OMNISCAPE_SAME_AS.get(ini.stem, run.job.options["project_name"])
            folder = root / "output_verify" / project
            if not folder.is_dir():
                rows.append(
                    (ini.stem, "(no expected output)", None, None, None, None, None, run.seconds)
                )
                continue
            maps = run.maps()
            for expected in sorted(folder.iterdir()):
                if expected.suffix not in (".tif", ".asc"):
                    continue
                if expected.stem not in maps:
                    continue  # an output this job does not compute (config4c)
                c = compare_omniscape_output(expected, maps[expected.stem])
                rows.append(
                    (
                        ini.stem,
                        f"{project}/{expected.name}",
                        c["same_nodata"],
                        c["omniscape_isapprox"],
                        c["norm_relative"],
                        c["max_relative"],
                        c["agrees"],
                        run.seconds,
                    )
                )
    return pd.DataFrame(rows, columns=columns)


def makurhini_table(root: Path | None = None) -> pd.DataFrame:
    r"""PC, EC and dPC of Makurhini's 404 habitat patches: published values beside ours.

    Centroid distances, :math:`p_{ij} = \exp(d_{ij} \ln 0.5 / 10\,000\ \text{m})`,
    areas in ha, no truncation of small probabilities, landscape area 2 761 373.5 ha.

    Returns
    -------
    pandas.DataFrame
        ``quantity``, ``published``, ``ours``, ``difference`` (ours minus published),
        ``agrees`` (within half a unit of the published last digit).
    """
    from .graph import patch_graph_from_matrix, patch_importance, probability_of_connectivity

    nodes = pd.read_csv(_require(root) / "makurhini_pc" / "habitat_nodes_404.csv")
    xy = nodes[["x_m", "y_m"]].to_numpy()
    distances = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    graph = patch_graph_from_matrix(
        distances,
        attributes=nodes["area_ha"].to_numpy(),
        ids=nodes["Id"].to_numpy(),
        attribute_name="area_ha",
        landscape_area=_MAKURHINI_LANDSCAPE_HA,
    )
    pc = probability_of_connectivity(graph, dispersal_distance=_MAKURHINI_DISTANCE_M)
    importance = patch_importance(graph, dispersal_distance=_MAKURHINI_DISTANCE_M).table
    rows = [
        ("PCnum (ha^2)", 2.136028e11, pc.PCnum, 0.0000005e11),
        ("EC(PC) (ha)", 4.621718e5, pc.EC, 0.0000005e5),
        ("PC", 2.801281e-2, pc.PC, 0.0000005e-2),
    ]
    for patch, values in _MAKURHINI_DPC.items():
        for label, published in zip(("dPC", "dPCintra", "dPCflux"), values, strict=True):
            rows.append(
                (f"{label} of patch {patch} (%)", published, importance.loc[patch, label], 5e-8)
            )
    area_km2 = nodes["area_km2"].to_numpy()
    mesh = float((area_km2**2).sum() / area_km2.sum())
    rows.append(("MESH, habitat-area denominator (km^2)", 1443.4320, mesh, 0.00005))
    table = pd.DataFrame(rows, columns=["quantity", "published", "ours", "half_unit"])
    table["difference"] = table["ours"] - table["published"]
    table["agrees"] = (table["difference"].abs() <= table["half_unit"] * 1.0001).astype(bool)
    return table.drop(columns="half_unit")


#: Makurhini's README examples on its own data: EC over time of ``list_forest_patches``
#: (p = 0.05 at 5 km, landscape = ``study_area``) and PC of ``vegetation_patches``
#: (p = 0.05 at 10 km).
_FOREST_YEARS = (1993, 2003, 2007, 2011)
_FOREST_KERNEL = (5_000.0, 0.05)
_VEGETATION_KERNEL = (10_000.0, 0.05)
_CONVENTIONS = ("centroid", "inside_centroid")


def _read_layer(folder: Path, name: str):
    import warnings

    import geopandas as gpd

    from ._validation import InvalidGeometryWarning

    path = folder / f"{name}.gpkg"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the real data folder.")
    frame = gpd.read_file(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InvalidGeometryWarning)
        frame = frame.set_geometry(frame.geometry.make_valid())
    return frame


def makurhini_conventions(
    realdata: Path | None = None, reference: Path | None = None
) -> dict[str, pd.DataFrame]:
    r"""Makurhini's two centroid conventions and two ProtConn fraction formulas, on real patches.

    Makurhini measures centroid distances from the plain polygon centroid
    (before 2021) or from a point on the surface when the centroid falls
    outside the patch (since 2021); :func:`gpec_teach.graph.patch_points`
    names them ``"centroid"`` and ``"inside_centroid"``. Its ProtConn
    fractions are ratios of square roots, ours exact shares of the PC
    numerator (:func:`gpec_teach.protconn.protconn_from_matrix`). This runs
    both on Makurhini's own data (``../shared/realdata``).

    Parameters
    ----------
    realdata : Path, optional
        Folder of the real data; :func:`realdata_dir` by default.
    reference : Path, optional
        Folder of the reference cases (for the published PC values of the 404
        habitat nodes); :func:`reference_dir` by default. Without it the
        ``"habitat_nodes"`` table is left out.

    Returns
    -------
    dict of pandas.DataFrame
        ``"centroids"``: per layer, the patches whose centroid falls outside
        and how far the point moves (km). ``"habitat_nodes"``: PCnum, EC, PC
        and dPC of patch 10 of the 404 habitat nodes (p = 0.5 at 10 km) under
        each convention beside Makurhini 3.0's published values, with
        ``agrees`` (within half a unit of the last published digit).
        ``"vegetation"``: EC and dPC of the 142 vegetation patches under each
        convention. ``"ec_over_time"``: EC (ha) of the forest fragments of
        1993-2011 under each convention and with edge distances.
        ``"protconn"``: ProtConn and its fractions, exact and Makurhini's, for
        the 2011 fragments standing in for protected areas in the two halves
        of the study area (edge and centroid distances).
    """
    import shapely

    from .graph import (
        patch_graph_from_polygons,
        patch_importance,
        patch_points,
        probability_of_connectivity,
    )
    from .protconn import protconn_by_region

    folder = realdata if realdata is not None else realdata_dir()
    if folder is None or not Path(folder).is_dir():
        raise FileNotFoundError(
            "The real data are not on this machine: set GPEC_REALDATA_DIR to the folder "
            "holding habitat_nodes.gpkg, vegetation_patches.gpkg and forest_*.gpkg."
        )
    folder = Path(folder)
    layers = {
        "vegetation_patches": _read_layer(folder, "vegetation_patches"),
        "habitat_nodes": _read_layer(folder, "habitat_nodes"),
        **{f"forest_{y}": _read_layer(folder, f"forest_{y}") for y in _FOREST_YEARS},
    }
    out: dict[str, pd.DataFrame] = {}

    rows = []
    for name, frame in layers.items():
        plain = patch_points(frame, distance_method="centroid")
        inside = patch_points(frame, distance_method="inside_centroid")
        shift = np.hypot(*(plain - inside).T) / 1000.0
        moved = shift > 0
        rows.append(
            (
                name,
                len(frame),
                int(moved.sum()),
                float(shift.max()),
                float(shift[moved].mean()) if moved.any() else 0.0,
            )
        )
    out["centroids"] = pd.DataFrame(
        rows,
        columns=["layer", "patches", "centroid outside", "largest move (km)", "mean move (km)"],
    )

    ref = reference if reference is not None else reference_dir()
    if ref is not None and (Path(ref) / "makurhini_pc" / "habitat_nodes_404.csv").is_file():
        nodes = pd.read_csv(Path(ref) / "makurhini_pc" / "habitat_nodes_404.csv")
        frame = layers["habitat_nodes"].merge(nodes[["Id", "area_ha"]], on="Id", validate="1:1")
        published = [
            ("PCnum (ha^2)", "PCnum", 2.136028e11, 0.0000005e11),
            ("EC(PC) (ha)", "EC", 4.621718e5, 0.0000005e5),
            ("PC", "PC", 2.801281e-2, 0.0000005e-2),
        ]
        results = {}
        for conv in _CONVENTIONS:
            g = patch_graph_from_polygons(
                frame,
                distance_method=conv,
                attribute="area_ha",
                id_column="Id",
                landscape_area=_MAKURHINI_LANDSCAPE_HA,
            )
            pc = probability_of_connectivity(g, dispersal_distance=_MAKURHINI_DISTANCE_M)
            dpc = patch_importance(g, dispersal_distance=_MAKURHINI_DISTANCE_M).table
            results[conv] = {**pc.to_dict(), "dPC10": float(dpc.loc[10, "dPC"])}
        published.append(("dPC of patch 10 (%)", "dPC10", _MAKURHINI_DPC[10][0], 5e-8))
        rows = []
        for label, key, value, half in published:
            row = {"quantity": label, "published (Makurhini 3.0)": value}
            for conv in _CONVENTIONS:
                row[conv] = results[conv][key]
                row[f"{conv} agrees"] = bool(abs(results[conv][key] - value) <= half * 1.0001)
            rows.append(row)
        out["habitat_nodes"] = pd.DataFrame(rows)

    distance, probability = _VEGETATION_KERNEL
    veg = {
        conv: patch_importance(
            patch_graph_from_polygons(
                layers["vegetation_patches"], distance_method=conv, id_column="id"
            ),
            dispersal_distance=distance,
            probability=probability,
        )
        for conv in _CONVENTIONS
    }
    ec_a, ec_b = veg["centroid"].summary.EC, veg["inside_centroid"].summary.EC
    a, b = veg["centroid"].table, veg["inside_centroid"].table
    top_a = set(a.nsmallest(10, "rank").index)
    top_b = set(b.nsmallest(10, "rank").index)
    out["vegetation"] = pd.DataFrame(
        {
            "quantity": [
                "EC (ha)",
                "largest |dPC difference| (percentage points)",
                "patches whose dPC changes by more than 1 %",
                "top-10 patches in common",
            ],
            "centroid": [ec_a, np.nan, np.nan, np.nan],
            "inside_centroid": [ec_b, np.nan, np.nan, np.nan],
            "difference": [
                ec_b - ec_a,
                float((a["dPC"] - b["dPC"]).abs().max()),
                int(((a["dPC"] - b["dPC"]).abs() > 0.01 * a["dPC"]).sum()),
                len(top_a & top_b),
            ],
        }
    )

    study = layers.get("study_area")
    if study is None:
        study = _read_layer(folder, "study_area")
    landscape_ha = float(shapely.area(study.geometry.union_all())) / 1e4
    distance, probability = _FOREST_KERNEL
    rows = []
    for year in _FOREST_YEARS:
        frame = layers[f"forest_{year}"]
        row = {"year": year}
        for conv in (*_CONVENTIONS, "edge"):
            g = patch_graph_from_polygons(frame, distance_method=conv, landscape_area=landscape_ha)
            pc = probability_of_connectivity(
                g, dispersal_distance=distance, probability=probability
            )
            row["habitat (ha)"] = float(g.attributes.sum())
            row[f"EC {conv} (ha)"] = pc.EC
        rows.append(row)
    ec = pd.DataFrame(rows)
    ec["EC change, centroid vs inside (%)"] = 100 * (
        ec["EC inside_centroid (ha)"] / ec["EC centroid (ha)"] - 1
    )
    out["ec_over_time"] = ec

    import geopandas as gpd

    geom = study.geometry.union_all()
    x0, y0, x1, y1 = geom.bounds
    xm = (x0 + x1) / 2
    halves = gpd.GeoDataFrame(
        {"region": ["west half", "east half"]},
        geometry=[
            geom.intersection(shapely.box(x0, y0, xm, y1)),
            geom.intersection(shapely.box(xm, y0, x1, y1)),
        ],
        crs=study.crs,
    )
    pas = layers["forest_2011"]
    rows = []
    for method in ("edge", "centroid"):
        for fractions in ("exact", "makurhini"):
            t = protconn_by_region(
                pas,
                halves,
                region_column="region",
                dispersal_distances_km=[10],
                transboundary_buffer_km=10,
                distance_method=method,
                fractions=fractions,
            )
            t.insert(1, "distances", method)
            t.insert(2, "fractions", fractions)
            rows.append(t)
    keep = [
        "region",
        "distances",
        "fractions",
        "Prot",
        "ProtConn",
        "ProtConn_Prot",
        "ProtConn_Within",
        "ProtConn_Contig",
        "ProtConn_Trans",
        "ProtConn_Unprot",
    ]
    out["protconn"] = pd.concat(rows, ignore_index=True)[keep]
    return out


#: FRAGSTATS prints 4 decimals: agreement means within half a unit of the last digit.
FRAGSTATS_HALF_UNIT = 5e-5


def read_fragstats(path) -> pd.DataFrame:
    """Read a FRAGSTATS output table (comma separated, padded with spaces, ``N/A``).

    Class tables get an integer ``class`` column from FRAGSTATS' ``TYPE`` (``cls_3`` -> 3).
    """
    table = pd.read_csv(path, sep=r"\s*,\s*", engine="python", na_values=["N/A"])
    table.columns = [c.strip() for c in table.columns]
    if "TYPE" in table:
        table["class"] = table["TYPE"].str.strip().str.removeprefix("cls_").astype(int)
    return table


def fragstats_agrees(ours, theirs) -> np.ndarray:
    """Within half a unit of FRAGSTATS' 4th decimal (plus 1e-9 relative for large values)."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    return np.abs(ours - theirs) <= FRAGSTATS_HALF_UNIT + 1e-9 * np.abs(theirs)


def fragstats_table(root: Path | None = None) -> pd.DataFrame:
    """Patch, class and landscape metrics of FRAGSTATS' test raster: theirs beside ours.

    The raster is landscapemetrics' ``landscape`` (30 x 30 cells of 1 m, three classes);
    the expected values are FRAGSTATS 2.0's own output tables. Every metric that
    :mod:`gpec_teach.fragmentation` computes is compared, with FRAGSTATS' defaults
    (8 neighbours, landscape-area MESH, landscape boundary not counted as edge).

    Returns
    -------
    pandas.DataFrame
        ``level`` (patch, class, landscape), ``id`` (patch id, class code or ``""``),
        ``metric``, ``fragstats``, ``ours``, ``difference``, ``agrees``.
    """
    from .circuitscape_io import read_ascii_grid
    from .fragmentation import (
        CLASS_METRICS,
        LANDSCAPE_METRICS,
        class_metrics,
        landscape_metrics,
        patch_table,
    )

    folder = _require(root) / "fragstats"
    values, header = read_ascii_grid(folder / "landscape.asc")
    cellsize = float(header["cellsize"])
    rows = []
    patches = read_fragstats(folder / "landscape.patch").set_index("PID").sort_index()
    ours = patch_table(values, cellsize=cellsize).set_index("patch_id")
    for pid in patches.index:
        for mine, theirs in (("area_ha", "AREA"), ("perimeter_m", "PERIM")):
            rows.append(("patch", str(pid), theirs, patches.at[pid, theirs], ours.at[pid, mine]))
    classes = read_fragstats(folder / "landscape.class").set_index("class").sort_index()
    ours = class_metrics(values, cellsize=cellsize).set_index("class")
    for code in classes.index:
        for metric in CLASS_METRICS:
            rows.append(
                ("class", str(code), metric, classes.at[code, metric], ours.at[code, metric])
            )
    land = read_fragstats(folder / "landscape.land").iloc[0]
    ours = landscape_metrics(values, cellsize=cellsize)
    for metric in LANDSCAPE_METRICS:
        rows.append(("landscape", "", metric, land[metric], ours[metric]))
    table = pd.DataFrame(rows, columns=["level", "id", "metric", "fragstats", "ours"])
    table["fragstats"] = table["fragstats"].astype(float)
    table["ours"] = table["ours"].astype(float)
    table["difference"] = table["ours"] - table["fragstats"]
    table["agrees"] = fragstats_agrees(table["ours"], table["fragstats"])
    return table


def _grid_graph(r: np.ndarray, cellsize: float, neighbors: int):
    """Grid as a sparse graph with the documented step rule (independent of least_cost)."""
    import scipy.sparse as sp

    nr, nc = r.shape
    index = np.arange(nr * nc).reshape(nr, nc)
    steps = [(0, 1, 1.0), (1, 0, 1.0)]
    if neighbors == 8:
        steps += [(1, 1, np.sqrt(2.0)), (1, -1, np.sqrt(2.0))]
    rows, cols, weights = [], [], []
    for di, dj, length in steps:
        a = (slice(0, nr - di), slice(max(0, -dj), nc - max(0, dj)))
        b = (slice(di, nr), slice(max(0, dj), nc + min(0, dj)))
        ok = np.isfinite(r[a]) & np.isfinite(r[b])
        cost = cellsize * length * (r[a] + r[b]) / 2.0
        rows += [index[a][ok], index[b][ok]]
        cols += [index[b][ok], index[a][ok]]
        weights += [cost[ok], cost[ok]]
    return sp.csr_array(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
        shape=(nr * nc, nr * nc),
    )


def least_cost_table(seed: int = 2024) -> pd.DataFrame:
    r"""Cost distance of :mod:`gpec_teach.least_cost` beside two independent implementations.

    Linkage Mapper computes its cost-weighted distances with ArcGIS *Cost Distance*,
    whose documented step rule is :math:`\ell\,(c_1 + c_2)/2`, with :math:`\ell` the cell
    size for an edge step and :math:`\sqrt2` times it for a diagonal step. No published
    Linkage Mapper outputs are available to us, so the rule is checked instead: on seeded
    random grids with nodata holes and absolute barriers, ``cost_distance`` is compared
    with ``skimage.graph.MCP_Geometric`` called directly (our engine, so this column checks
    our handling of nodata, barriers and cell size) and with Dijkstra's algorithm
    (``scipy.sparse.csgraph``) on a grid graph built from the documented rule, which
    shares no code with ours (an independent check of the rule itself).

    Returns
    -------
    pandas.DataFrame
        ``grid``, ``neighbours``, ``reachable cells``, ``max |ours - MCP_Geometric|``,
        ``max |ours - Dijkstra|``, ``agrees`` (both below 1e-9 of the largest distance).
    """
    from scipy.sparse.csgraph import dijkstra
    from skimage.graph import MCP_Geometric

    from .least_cost import cost_distance

    rng = np.random.default_rng(seed)
    rows = []
    for shape in ((30, 40), (80, 60)):
        r = rng.lognormal(1.0, 1.0, size=shape)
        r[rng.random(shape) < 0.05] = np.nan  # nodata
        r[rng.random(shape) < 0.05] = np.inf  # absolute barriers
        source = tuple(int(v) for v in np.argwhere(np.isfinite(r))[0])
        for neighbors in (4, 8):
            ours = np.asarray(cost_distance(r, source, neighbors=neighbors, cellsize=100.0))
            graph = _grid_graph(r, 100.0, neighbors)
            flat = source[0] * shape[1] + source[1]
            ref = dijkstra(graph, directed=False, indices=flat).reshape(shape)
            finite = np.isfinite(ours) & np.isfinite(ref)
            same_reach = bool(np.array_equal(np.isfinite(ours), np.isfinite(ref) & np.isfinite(r)))
            d_dijkstra = float(np.max(np.abs(ours[finite] - ref[finite])))
            if neighbors == 8:
                mcp = MCP_Geometric(np.where(np.isfinite(r), r, np.inf), sampling=(100.0, 100.0))
                costs, _ = mcp.find_costs([source])
                ok = finite & np.isfinite(costs)
                d_mcp = float(np.max(np.abs(ours[ok] - costs[ok])))
            else:
                d_mcp = float("nan")  # MCP_Geometric always uses 8 neighbours
            scale = float(np.max(ours[finite]))
            agrees = same_reach and d_dijkstra <= 1e-9 * scale and not d_mcp > 1e-9 * scale
            rows.append(
                (
                    f"{shape[0]} x {shape[1]}",
                    neighbors,
                    int(finite.sum()),
                    d_mcp,
                    d_dijkstra,
                    agrees,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "grid",
            "neighbours",
            "reachable cells",
            "max |ours - MCP_Geometric|",
            "max |ours - Dijkstra|",
            "agrees",
        ],
    )


def published_values() -> pd.DataFrame:
    """Return the expected values quoted in :data:`PUBLISHED`, one row each."""
    rows = [
        (tool, case, quantity, value, source)
        for tool, entries in PUBLISHED.items()
        for case, quantity, value, source in entries
    ]
    return pd.DataFrame(rows, columns=["tool", "case", "quantity", "published", "source"])


def _require(root: Path | None) -> Path:
    root = Path(root) if root is not None else reference_dir()
    if root is None or not Path(root).is_dir():
        raise FileNotFoundError(
            "The reference cases are not on this machine: set GPEC_REFERENCE_DIR to the "
            "folder holding circuitscape_suite/, omniscape/, fragstats/ and makurhini_pc/."
        )
    return Path(root)
