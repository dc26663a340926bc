"""Running tile tasks on a Dask client, or in this process when there is none.

One pipeline serves every analysis of :mod:`gpec_teach.scale`: *part* tasks
compute on a region of the grid grown by a halo (reading only that window from
disk), and *assemble* tasks combine the parts that overlap one output tile
(overlap-add, minimum, ...); the driver writes each finished tile and forgets it.

The grid is traversed in blocks of ``BLOCK_TILES x BLOCK_TILES`` tiles. A block
needs the parts of its own tiles and, when the halo is not 0, the parts of the
targets in the ring of *halo* cells around it (the ring is cut along the tiles,
so a ring part reads at most a tile grown by the halo). The ring's targets also
belong to the neighbouring blocks, which compute them again: that is the price,
about :math:`((B c + 2 h) / (B c))^2 - 1` more work for blocks of ``B c`` cells
and a halo ``h``, of holding no part from one block to the next. At most
``depth`` blocks are in flight (two, or more on many workers, never a number
that grows with the raster), and a block's futures are released as soon as its
tiles are written, so what a worker or the driver holds is bounded by the block
and the halo, not by the raster's width or size.
"""

from __future__ import annotations

from collections import deque

from .._validation import describe

__all__: list[str] = []

#: Side of a block of tiles, in tiles (see the module docstring).
BLOCK_TILES = 2


class _Done:
    """The result of a task run in this process (the interface of a Dask future)."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def check_client(client):
    """None (run here) or a :class:`distributed.Client`."""
    if client is None:
        return None
    if not (hasattr(client, "submit") and hasattr(client, "scheduler_info")):
        raise TypeError(
            "client must be a dask.distributed.Client (or None to run in this process). Got "
            f"client={describe(client)}; create one with `from dask.distributed import Client; "
            "client = Client(n_workers=2, threads_per_worker=1)`."
        )
    return client


def _value(x):
    return x.result() if isinstance(x, _Done) else x


def _submit(client, fn, *args):
    if client is None:
        resolved = [[_value(a) for a in x] if isinstance(x, list) else _value(x) for x in args]
        return _Done(fn(*resolved))
    return client.submit(fn, *args, pure=False)


def _grow(bounds, halo: int, shape) -> tuple[int, int, int, int]:
    r0, r1, c0, c1 = bounds
    return (
        max(r0 - halo, 0),
        min(r1 + halo, shape[0]),
        max(c0 - halo, 0),
        min(c1 + halo, shape[1]),
    )


def _overlap(a, b) -> tuple[int, int, int, int] | None:
    r0, r1, c0, c1 = max(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3])
    return (r0, r1, c0, c1) if r0 < r1 and c0 < c1 else None


def block_parts(layout, halo: int, rows: range, cols: range) -> list:
    """Return the parts ``((i, j), region)`` that a block of tiles needs, row by row.

    *region* is the part of tile ``(i, j)`` inside the block grown by *halo*
    cells: the whole tile for the block's own tiles, a strip or a corner of a
    neighbouring tile for the ring.

    Examples
    --------
    >>> from gpec_teach.scale._tiles import TileLayout
    >>> t = TileLayout((6, 6), (2, 2))
    >>> block_parts(t, 1, range(0, 1), range(0, 1))
    [((0, 0), (0, 2, 0, 2)), ((0, 1), (0, 2, 2, 3)), ((1, 0), (2, 3, 0, 2)), ((1, 1), (2, 3, 2, 3))]
    """
    top = layout.bounds(rows.start, cols.start)
    bottom = layout.bounds(rows.stop - 1, cols.stop - 1)
    grown = _grow((top[0], bottom[1], top[2], bottom[3]), halo, layout.shape)
    (h, w), (ni, nj) = layout.chunks, layout.ntiles
    out = []
    for i in range(grown[0] // h, min(-(-grown[1] // h), ni)):
        for j in range(grown[2] // w, min(-(-grown[3] // w), nj)):
            region = _overlap(layout.bounds(i, j), grown)
            if region is not None:
                out.append(((i, j), region))
    return out


def _submit_block(client, layout, halo, part, assemble, rows: range, cols: range) -> deque:
    parts = [
        (_grow(region, halo, layout.shape), _submit(client, part, i, j, region))
        for (i, j), region in block_parts(layout, halo, rows, cols)
    ]
    outs = deque()
    for i in rows:
        for j in cols:
            bounds = layout.bounds(i, j)
            near = [fut for reach, fut in parts if _overlap(reach, bounds) is not None]
            outs.append(((i, j), _submit(client, assemble, i, j, near)))
    # the assemble futures keep the parts alive on the workers until they have run
    return outs


def _finish(outs: deque, write) -> None:
    while outs:
        (i, j), fut = outs.popleft()
        write(i, j, fut.result())
        del fut  # released on the cluster as soon as it is written


def run_tiles(client, layout, halo: int, part, assemble, write, *, block: int = BLOCK_TILES):
    """Run ``part(i, j, region)`` per needed region and ``assemble(i, j, parts)`` per output tile.

    ``part(i, j, region)`` works on the cells ``region = (r0, r1, c0, c1)`` of tile
    ``(i, j)`` (the whole tile, or a ring strip of it, see :func:`block_parts`),
    reading at most *region* grown by *halo* cells. *parts* is the list of the
    part results whose region grown by *halo* overlaps tile ``(i, j)``, row by
    row. ``write(i, j, value)`` receives each assembled tile in the driver.
    Blocks of ``block x block`` tiles are processed in row-major order, at most
    ``depth`` of them in flight (see the module docstring).
    """
    ni, nj = layout.ntiles
    workers = 1 if client is None else max(len(client.scheduler_info().get("workers", {})), 1)
    # blocks in flight: the block being written, plus enough to give every worker two parts
    depth = 1 + max(1, -(-2 * workers // block**2))
    pending: deque = deque()
    for bi in range(0, ni, block):
        for bj in range(0, nj, block):
            rows, cols = range(bi, min(bi + block, ni)), range(bj, min(bj + block, nj))
            pending.append(_submit_block(client, layout, halo, part, assemble, rows, cols))
            while len(pending) >= depth:
                _finish(pending.popleft(), write)
    while pending:
        _finish(pending.popleft(), write)
