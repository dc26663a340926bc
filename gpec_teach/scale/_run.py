"""Running tile tasks on a Dask client, or in this process when there is none.

One pipeline serves every analysis of :mod:`gpec_teach.scale`: *part* tasks
compute on a tile grown by a halo (reading only that window from disk), and
*assemble* tasks combine the parts that overlap one output tile (overlap-add,
minimum, ...); the driver writes each finished tile and forgets it. Tile rows
are processed in order and parts are released as soon as no later tile needs
them, so the memory held anywhere is a few rows of tiles, never the raster.
"""

from __future__ import annotations

from .._validation import describe

__all__: list[str] = []


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


def run_tiles(client, layout, tile_halo: tuple[int, int], part, assemble, write):
    """Run ``part(i, j)`` on every tile and ``assemble(i, j, parts)`` per output tile.

    *parts* is the list of the part results of the tiles within *tile_halo*
    (tile rows, tile cols) of ``(i, j)``, row by row. ``write(i, j, value)``
    receives each assembled tile in the driver, which holds one row of tiles at
    a time.
    """
    ni, nj = layout.ntiles
    ki, kj = tile_halo
    # rows of parts computed ahead of the row being assembled: enough to keep every
    # worker busy (two tasks each), at least one
    workers = 1 if client is None else max(len(client.scheduler_info().get("workers", {})), 1)
    lookahead = max(1, -(-2 * workers // nj))
    parts: dict = {}
    submitted = 0
    for i in range(ni):
        while submitted < ni and submitted <= i + ki + lookahead:
            for j in range(nj):
                parts[(submitted, j)] = _submit(client, part, submitted, j)
            submitted += 1
        outs = []
        for j in range(nj):
            near = [
                parts[(a, b)]
                for a in range(max(i - ki, 0), min(i + ki + 1, ni))
                for b in range(max(j - kj, 0), min(j + kj + 1, nj))
            ]
            outs.append(_submit(client, assemble, i, j, near))
        for j, fut in enumerate(outs):
            write(i, j, fut.result())
        for j in range(nj):
            parts.pop((i - ki, j), None)
