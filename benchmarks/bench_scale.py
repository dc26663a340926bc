"""National scale on Dask: Omniscape's moving window, cells per second and memory per worker.

Synthetic landscape: the teaching landscape's 100 m land cover tiled by reflection
(:func:`gpec_teach.scale.synthetic_landscape`, reproducible) to 1e6, 4e6 and 1e7
cells (square). Omniscape settings fixed for all sizes: radius 10, block_size 7,
flow potential on, tiles of 512 x 512 cells. For each size, a fresh
``LocalCluster(processes=True, threads_per_worker=1)`` of 1 and then 2 workers runs
:func:`gpec_teach.scale.omniscape`; the table gives the wall time, cells per second,
the speed-up of 2 workers over 1, and the peak resident memory of each worker
process: ``VmHWM`` of ``/proc/self/status`` read in the worker through
``client.run`` (the kernel's high-water mark of the worker's own address space,
exact, no sampling gap; the cluster is new for every run, so that peak is this
run's). Not ``ru_maxrss``: Linux carries it over fork and execve, so a spawned
worker starts with the driver's RSS at the time the cluster started, which grows
with the raster the driver generated (a flaw of the first version of this
benchmark). The table also gives each worker's RSS after importing the package
(its baseline, the same for every size) and the peak of the driver (psutil RSS
sampled every 50 ms).

Then an extrapolation to 1e8 and 1e9 cells on N workers, with its assumptions:
time = cells / (cells per second of one worker x N x efficiency), efficiency the
measured 2-worker speed-up / 2 (at most 1); memory per worker = the measured peak at the largest
size (flat: it depends on the tile and window, not the raster); same land-cover
structure (source density) and settings; disk and network not limiting (each task
reads about (512 + 2 x 10)^2 cells per 512^2 written).

The machine may be shared: timings are only comparable within one run.
Run: ``.venv/bin/python benchmarks/bench_scale.py [cells ...]`` (default 1e6 4e6 1e7).
"""

from __future__ import annotations

import math
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES = (1_000_000, 4_000_000, 10_000_000)
SETTINGS = {"radius": 10, "block_size": 7}
CHUNKS = 512
WORKERS = (1, 2)


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status in MB (Linux); ru_maxrss elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _worker_peak_mb() -> float:
    """Peak RSS of this worker process since it started (VmHWM)."""
    from gpec_teach.scale._memory import process_peak_mb

    return process_peak_mb()


def _worker_baseline_mb() -> float:
    """RSS of this worker once the package and its solvers are imported (VmRSS)."""
    import gpec_teach.scale  # noqa: F401
    from gpec_teach.circuit import _omniscape  # noqa: F401

    return _status_mb("VmRSS")


class _DriverPeak:
    """Sample this process's RSS every 50 ms in a thread; ``peak`` in MB."""

    def __init__(self):
        import psutil

        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak_mb = self.peak / 2**20


def run_one(resistance, sources, out, workers: int) -> dict:
    """One distributed run on a fresh LocalCluster; seconds and peak MB per worker."""
    from dask.distributed import Client, LocalCluster

    from gpec_teach.scale import omniscape

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
        _DriverPeak() as driver,
    ):
        baseline = sorted(client.run(_worker_baseline_mb).values())
        start = time.perf_counter()
        result = omniscape(
            resistance, sources, output_dir=out, chunks=CHUNKS, client=client, **SETTINGS
        )
        seconds = time.perf_counter() - start
        peaks = sorted(client.run(_worker_peak_mb).values())
    return {
        "seconds": seconds,
        "worker_mb": peaks,
        "baseline_mb": baseline,
        "driver_mb": driver.peak_mb,
        "targets": result.n_targets,
    }


def main(sizes=SIZES) -> None:
    from gpec_teach.scale import synthetic_landscape

    print("\n### National scale (gpec_teach.scale.omniscape on a LocalCluster)\n")
    print(
        f"Settings: radius {SETTINGS['radius']}, block_size {SETTINGS['block_size']}, "
        f"flow potential, tiles {CHUNKS} x {CHUNKS}, threads_per_worker=1.\n"
    )
    print(
        "| cells | workers | solves | s | cells/s | speed-up | peak MB per worker "
        "| worker MB after imports | driver peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---|---:|")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            side = int(round(math.sqrt(n)))
            folder = Path(tmp) / f"land{side}"
            res, src = synthetic_landscape(folder, rows=side, cols=side)
            base = None
            for w in WORKERS:
                r = run_one(res, src, folder / f"out{w}", w)
                cps = side * side / r["seconds"]
                base = base or r["seconds"]
                rows.append((side * side, w, r, cps, base / r["seconds"]))
                peaks = ", ".join(f"{p:.0f}" for p in r["worker_mb"])
                baseline = ", ".join(f"{p:.0f}" for p in r["baseline_mb"])
                print(
                    f"| {side * side:.1e} | {w} | {r['targets']} | {r['seconds']:.1f} | {cps:,.0f} "
                    f"| {base / r['seconds']:.2f}x | {peaks} | {baseline} | {r['driver_mb']:.0f} |"
                )
    one = [x for x in rows if x[1] == 1]
    two = [x for x in rows if x[1] == 2]
    peak_small = max(one[0][2]["worker_mb"])
    peak_large = max(one[-1][2]["worker_mb"])
    print(
        f"\nPeak memory per worker, largest / smallest raster (1 worker): "
        f"{peak_large:.0f} / {peak_small:.0f} MB = {peak_large / peak_small:.2f} "
        "(flat if within 1.20)."
    )
    cps1 = one[-1][3]
    # above 1 only when the 1-worker run was slowed by other load (2 workers cannot beat 2x)
    eff = min(two[-1][4] / 2, 1.0) if two else 1.0
    mem = max(max(x[2]["worker_mb"]) for x in rows)
    print("\n### Extrapolation (same settings and landscape structure)\n")
    print(
        f"Assumptions: one worker does {cps1:,.0f} cells/s (largest raster above); N workers "
        f"scale with the measured 2-worker efficiency {eff:.2f}; memory per worker stays "
        f"{mem:.0f} MB (tile + window, not raster); disk and network are not limiting.\n"
    )
    print("| cells | workers | wall time | core-hours | memory per worker MB |")
    print("|---:|---:|---:|---:|---:|")
    for cells in (1e8, 1e9):
        for n in (2, 16, 64, 256):
            hours = cells / (cps1 * n * (eff if n > 1 else 1.0)) / 3600
            wall = f"{hours:.1f} h" if hours >= 1 else f"{hours * 60:.1f} min"
            print(f"| {cells:.0e} | {n} | {wall} | {hours * n:.2f} | {mem:.0f} |")


if __name__ == "__main__":
    main(tuple(int(float(a)) for a in sys.argv[1:]) or SIZES)
