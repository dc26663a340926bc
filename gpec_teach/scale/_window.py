"""Moving-window fragmentation on tiled GeoTIFFs: tiles with a halo of one radius."""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._validation import describe
from ..fragmentation.window import OUTSIDE, check_window, habitat_codes, window_block
from ._run import check_client, run_tiles
from ._tiles import TileLayout, TileWriter, _check_file, check_chunks, raster_info, read_window

__all__ = ["WindowTiles", "moving_window"]


@dataclass(frozen=True)
class WindowTiles:
    """Result of :func:`moving_window` at scale: ``pland`` and ``mesh`` COGs."""

    files: dict
    shape: tuple
    chunks: tuple
    n_tiles: int
    seconds: float = 0.0

    def read(self, name: str) -> np.ndarray:
        """Read one map into memory (for rasters that fit; NaN = nodata)."""
        if name not in self.files:
            raise ValueError(f"name must be one of {sorted(self.files)}. Got name={name!r}.")
        return read_window(self.files[name], (0, self.shape[0]), (0, self.shape[1]))


def _codes(cls) -> tuple:
    wanted = [cls] if isinstance(cls, numbers.Real) else cls
    if (
        not isinstance(wanted, (list, tuple))
        or not wanted
        or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) and float(v).is_integer()
            for v in wanted
        )
    ):
        raise ValueError(
            f"cls must be an integer habitat class code or a list of them (1 for a 0/1 mask). "
            f"Got cls={describe(cls)}."
        )
    return tuple(float(v) for v in wanted)


def _tile(path, layout, radius, codes, cell_ha, neighbors, edge, i, j):
    """PLAND and MESH of tile (i, j): read it with a halo of *radius*, pad beyond the raster."""
    r0, r1, c0, c1 = layout.bounds(i, j)
    g0, g1, h0, h1 = layout.grown(i, j, radius)
    values = read_window(path, (g0, g1), (h0, h1))
    valid = np.isfinite(values)
    grid = habitat_codes(np.where(valid, values, 0.0), valid, codes)
    pad = ((radius - (r0 - g0), radius - (g1 - r1)), (radius - (c0 - h0), radius - (h1 - c1)))
    block = np.pad(grid, pad, constant_values=OUTSIDE)
    pland, mesh = window_block(block, radius, cell_ha, neighbors, edge)
    return {"pland": pland, "mesh": mesh}


def moving_window(
    classes,
    *,
    radius: int,
    cls,
    output_dir,
    chunks=512,
    client=None,
    neighbors: int = 8,
    edge: str = "nodata",
) -> WindowTiles:
    r"""Habitat share and effective mesh size in a circular window, tile by tile on Dask.

    :func:`gpec_teach.fragmentation.moving_window` (same kernel, same
    conventions: PLAND and MESH of the window around each cell, patches
    delineated inside the window) on a class raster on disk. One task per tile
    reads the tile with a halo of *radius* cells (what ``dask.array``'s
    ``map_overlap`` would give it) and writes its own cells: the maps equal the
    single-process ones exactly, whatever *chunks*.

    Parameters
    ----------
    classes : str or Path
        GeoTIFF of class codes (nodata = the file's nodata); its transform gives
        the cell size (areas in ha with metres).
    radius : int
        Window radius in cells.
    cls : int or list of int
        Habitat class code(s) (1 for a 0/1 mask).
    output_dir : str or Path
        Folder of ``pland.tif`` and ``mesh.tif``.
    chunks : int or (int, int), default 512
        Tile side in cells.
    client : distributed.Client, optional
        None runs the tiles in this process.
    neighbors, edge
        As in :func:`gpec_teach.fragmentation.moving_window`.

    Returns
    -------
    WindowTiles

    Raises
    ------
    TypeError, FileNotFoundError, ValueError
        Not a path, missing file, bad option.

    Examples
    --------
    >>> import tempfile, os
    >>> from gpec_teach.scale import write_cog
    >>> m = np.zeros((5, 5)); m[1:4, 1:4] = 1
    >>> with tempfile.TemporaryDirectory() as d:
    ...     from affine import Affine
    ...     p = write_cog(m, os.path.join(d, "m.tif"), transform=Affine(100, 0, 0, 0, -100, 500))
    ...     out = moving_window(p, radius=1, cls=1, output_dir=d, chunks=2)
    ...     float(out.read("mesh")[2, 2])
    5.0
    """
    radius = check_window(radius, edge, neighbors)
    codes = _codes(cls)
    start = time.perf_counter()
    client = check_client(client)
    info = raster_info(_check_file("classes", classes), name="classes")
    layout = TileLayout(info.shape, check_chunks(chunks))
    cell_ha = info.cellsize**2 / 1e4
    output_dir = Path(output_dir)
    writer = TileWriter(
        {k: output_dir / f"{k}.tif" for k in ("pland", "mesh")},
        info.shape,
        info.transform,
        info.crs,
    )

    def part(i, j, region):
        return _tile(info.path, layout, radius, codes, cell_ha, neighbors, edge, i, j)

    def assemble(i, j, parts):
        return parts[0]

    def write(i, j, maps):
        for key, values in maps.items():
            writer.write(key, layout.bounds(i, j), values)

    try:
        run_tiles(client, layout, 0, part, assemble, write)
    finally:
        files = writer.close()
    ni, nj = layout.ntiles
    return WindowTiles(files, info.shape, layout.chunks, ni * nj, time.perf_counter() - start)
