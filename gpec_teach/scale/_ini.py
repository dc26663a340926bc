"""Omniscape.jl ``.ini`` jobs on Dask: the job's rasters read window by window."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..circuit._omniscape import OmniscapeCondition, _omniscape_correction
from ..circuit._omniscape_job import read_omniscape_ini
from ..circuit._omniscape_run import _output_folder, _read_reclass_table
from ._omniscape import Inputs, OmniscapeTiles, run_omniscape_tiles
from ._tiles import raster_info

__all__ = ["run_omniscape_ini"]


def run_omniscape_ini(
    path, *, chunks=512, client=None, output_dir=None, base_dir=None
) -> OmniscapeTiles:
    r"""Run an Omniscape.jl ``.ini`` job on Dask, tile by tile.

    The job is read and checked by :func:`gpec_teach.omniscape_io.read_omniscape_ini`
    and run with the rules of :func:`gpec_teach.omniscape_io.run_omniscape_ini`
    (reclassification, sources from the resistance with ``r_cutoff`` or from
    ``source_file`` above ``source_threshold``, conductance input, conditions,
    ``precision``, ``mask_nodata``), but every task reads only its window of the
    job's rasters, and the maps are written as COGs with Omniscape.jl's names
    (``cum_currmap.tif``, ``flow_potential.tif``, ``normalized_cum_currmap.tif``)
    plus a copy of the job (``config.ini``). The maps equal those of the
    single-process runner (1e-10 relative). A resistance of 0 or less is refused
    by the task that reads it.

    Parameters
    ----------
    path : str or Path
        The ``.ini`` file.
    chunks : int or (int, int), default 512
        Tile side in cells.
    client : distributed.Client, optional
        None runs the tiles in this process.
    output_dir : str or Path, optional
        Output folder (default: the job's ``project_name``, ``_1``, ``_2`` ...
        appended when it exists, as Omniscape.jl does).
    base_dir : str or Path, optional
        Folder that relative paths start from.

    Returns
    -------
    OmniscapeTiles
        With ``files`` by Omniscape.jl's names.

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`gpec_teach.omniscape_io.run_omniscape_ini`.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     head = "ncols 6\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 1\n"
    ...     _ = open(os.path.join(d, "r.asc"), "w").write(head + "1 1 1 1 1 1\n" * 3)
    ...     _ = open(os.path.join(d, "s.asc"), "w").write(
    ...         head + "0 0 0 0 0 0\n0 0 1 1 0 0\n0 0 0 0 0 0\n")
    ...     ini = os.path.join(d, "job.ini")
    ...     _ = open(ini, "w").write("resistance_file = r.asc\nsource_file = s.asc\n"
    ...                              "radius = 1\nproject_name = out\n")
    ...     run = run_omniscape_ini(ini, chunks=2)
    ...     cur = run.read("cum_currmap")
    >>> run.n_targets, [round(float(v), 9) for v in cur[1, 2:4]], sorted(run.files)
    (2, [2.0, 2.0], ['cum_currmap'])
    """
    job = read_omniscape_ini(path, base_dir=base_dir)
    info = raster_info(job.files["resistance_file"], name="resistance_file")
    for key in ("source_file",):
        if key in job.files and not job.flag("source_from_resistance"):
            other = raster_info(job.files[key], name=key)
            if other.shape != info.shape:
                raise ValueError(
                    f"{key} has {other.shape[0]} rows x {other.shape[1]} columns but "
                    f"resistance_file has {info.shape[0]} x {info.shape[1]} ({job.path.name}): "
                    f"resample {key} to the resistance grid."
                )
    conditions = []
    for spec in job.conditions:
        present = str(job.files[spec["present"]])
        future = None if spec["future"] is None else str(job.files[spec["future"]])
        cond = OmniscapeCondition(
            None, comparison=spec["comparison"], lower=spec["lower"], upper=spec["upper"]
        )
        conditions.append((present, future, cond))
    reclass = ()
    if job.flag("reclassify_resistance"):
        reclass = tuple(_read_reclass_table(job.files["reclass_table"]))
    from_res = job.flag("source_from_resistance")
    inputs = Inputs(
        resistance=info.path,
        sources=None if from_res else str(job.files["source_file"]),
        values="conductance" if job.flag("resistance_is_conductance") else "resistance",
        source_threshold=0.0 if from_res else float(job.source_threshold),
        source_from_resistance=from_res,
        r_cutoff=float(job.r_cutoff),
        reclass=reclass,
        refuse_nonpositive=True,
        conditions=tuple(conditions),
        precision=job.precision,
    )
    flow = job.flag("calc_flow_potential") or job.flag("calc_normalized_current")
    opts = {
        "radius": job.radius,
        "buffer": job.buffer,
        "block_size": job.block_size,
        "flow_potential": flow,
        "null_window": "square",
        "correction": _omniscape_correction(
            job.radius, job.buffer, job.block_size, job.neighbors, "conductance"
        )
        if job.flag("correct_artifacts") and job.block_size > 1
        else None,
        "neighbors": job.neighbors,
        "connection": "conductance",
        "mask_nodata": job.flag("mask_nodata"),
        "precision": job.precision,
    }
    names = {}
    if job.flag("write_raw_currmap"):
        names["cumulative_current"] = "cum_currmap"
    if job.flag("calc_flow_potential"):
        names["flow_potential"] = "flow_potential"
    if job.flag("calc_normalized_current"):
        names["normalized_current"] = "normalized_cum_currmap"
    folder = _output_folder(job, output_dir)
    run = run_omniscape_tiles(
        inputs, opts, names=names, output_dir=folder, chunks=chunks, client=client, info=info
    )
    shutil.copyfile(job.path, Path(folder) / "config.ini")
    return run
