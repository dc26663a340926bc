"""gpec_teach.scale._run: the tile pipeline holds a bounded number of parts and tiles.

The memory of a worker (and of the driver) must not grow with the raster: the
number of part results and assembled tiles alive at any moment is the same on a
raster 6 tiles wide and on one 40 tiles wide. The ring parts of a block cover the
block grown by the halo exactly once, so overlap-add sums every target once.
"""

from __future__ import annotations

import numpy as np
import pytest

from gpec_teach.scale._run import BLOCK_TILES, block_parts, run_tiles
from gpec_teach.scale._tiles import TileLayout


class _Counted:
    """A task result that counts how many of its kind are alive."""

    alive = {"part": 0, "tile": 0}
    peak = {"part": 0, "tile": 0}

    def __init__(self, kind, value):
        self.kind, self.value = kind, value
        _Counted.alive[kind] += 1
        _Counted.peak[kind] = max(_Counted.peak[kind], _Counted.alive[kind])

    def __del__(self):
        _Counted.alive[self.kind] -= 1


def _peaks(shape, chunks, halo):
    """Run a pipeline whose tasks sum region areas; return peaks alive and the written sums."""
    layout = TileLayout(shape, chunks)
    _Counted.alive = {"part": 0, "tile": 0}
    _Counted.peak = {"part": 0, "tile": 0}
    written = {}

    def part(i, j, region):
        r0, r1, c0, c1 = region
        return _Counted("part", (r1 - r0) * (c1 - c0))

    def assemble(i, j, parts):
        return _Counted("tile", sum(p.value for p in parts))

    def write(i, j, tile):
        written[(i, j)] = tile.value

    run_tiles(None, layout, halo, part, assemble, write)
    assert sorted(written) == [
        (i, j) for i in range(layout.ntiles[0]) for j in range(layout.ntiles[1])
    ]
    return dict(_Counted.peak), written


@pytest.mark.parametrize("halo", [0, 3, 12])
def test_parts_and_tiles_alive_do_not_grow_with_the_raster(halo):
    narrow, _ = _peaks((60, 60), (10, 10), halo)  # 6 x 6 tiles: a block with a full ring
    wide, _ = _peaks((400, 400), (10, 10), halo)  # 40 x 40 tiles
    assert wide == narrow
    # by hand: one block's parts (its tiles and the ring's strips) are alive at a time
    # in this process; tiles of at most two blocks wait to be written
    reach = -(-halo // 10)
    assert wide["part"] <= (BLOCK_TILES + 2 * reach) ** 2
    assert wide["tile"] <= 2 * BLOCK_TILES**2


def test_block_parts_cover_the_grown_block_once():
    layout = TileLayout((23, 31), (4, 5))
    halo = 6
    ni, nj = layout.ntiles
    for bi in range(0, ni, BLOCK_TILES):
        for bj in range(0, nj, BLOCK_TILES):
            rows = range(bi, min(bi + BLOCK_TILES, ni))
            cols = range(bj, min(bj + BLOCK_TILES, nj))
            cover = np.zeros(layout.shape, dtype=int)
            for (i, j), (r0, r1, c0, c1) in block_parts(layout, halo, rows, cols):
                t0, t1, u0, u1 = layout.bounds(i, j)
                assert t0 <= r0 < r1 <= t1 and u0 <= c0 < c1 <= u1  # inside its own tile
                cover[r0:r1, c0:c1] += 1
            g0 = max(layout.bounds(rows.start, 0)[0] - halo, 0)
            g1 = min(layout.bounds(rows.stop - 1, 0)[1] + halo, layout.shape[0])
            h0 = max(layout.bounds(0, cols.start)[2] - halo, 0)
            h1 = min(layout.bounds(0, cols.stop - 1)[3] + halo, layout.shape[1])
            expected = np.zeros(layout.shape, dtype=int)
            expected[g0:g1, h0:h1] = 1
            np.testing.assert_array_equal(cover, expected)


def test_each_tile_receives_every_region_within_the_halo():
    # a tile sums the areas of the regions whose halo reaches it: by hand, on a 3 x 3
    # grid of 2 x 2 tiles with halo 1, the centre tile (1, 1) belongs to the block of
    # tiles (0..1, 0..1); its parts reach it from the whole block (16 cells) plus the
    # ring strips of column 4 (rows 0..4: 5 cells) and row 4 (columns 0..3: 4 cells)
    _, written = _peaks((6, 6), (2, 2), 1)
    assert written[(1, 1)] == 16 + 5 + 4
    # the corner tile (0, 0) is reached by tiles (0, 0), (0, 1), (1, 0), (1, 1) only
    assert written[(0, 0)] == 16
