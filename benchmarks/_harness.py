"""Minimal benchmark harness: median wall time of N runs and peak memory, per case.

Each case runs in a fresh subprocess (``multiprocessing`` with the spawn method) so
that its peak resident memory (``ru_maxrss``) is its own and not inherited from an
earlier, larger case. Peak MB is the process's peak RSS minus the RSS just before the
case's setup, i.e. what the case itself needed on top of the interpreter and imports.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


@dataclass
class Result:
    method: str
    size: str
    seconds: float
    peak_mb: float
    note: str = ""


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _worker(setup, run, repeat, queue):
    try:
        base = _rss_mb()
        state = setup()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            note = run(state)
            times.append(time.perf_counter() - t0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
        queue.put((statistics.median(times), max(peak - base, 0.0), note or ""))
    except Exception as exc:  # reported in the table, not swallowed
        queue.put((float("nan"), float("nan"), f"error: {type(exc).__name__}: {exc}"))


def measure(method: str, size: str, setup: Callable, run: Callable, *, repeat: int = 3) -> Result:
    """Run ``run(setup())`` *repeat* times in a fresh process; return a :class:`Result`.

    *setup* and *run* must be module-level functions (picklable). *run* may return a
    short note (for example a residual or a ratio) that goes into the table.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_worker, args=(setup, run, repeat, queue))
    proc.start()
    seconds, peak, note = queue.get()
    proc.join()
    return Result(method, size, seconds, peak, note)


def print_table(results: list[Result], title: str) -> None:
    """Print results as a Markdown table."""
    print(f"\n### {title}\n")
    print("| method | size | median s | peak MB | note |")
    print("|---|---|---:|---:|---|")
    for r in results:
        print(f"| {r.method} | {r.size} | {r.seconds:.3f} | {r.peak_mb:.0f} | {r.note} |")
