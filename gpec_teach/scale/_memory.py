"""Peak memory of the processes of a Dask cluster, measured by the operating system."""

from __future__ import annotations

import sys


def process_peak_mb() -> float:
    """Return the peak resident memory of this process since it started, in MB.

    Linux: ``VmHWM`` of ``/proc/self/status``, the kernel's own high-water mark of this
    process. (``ru_maxrss`` is not used there: a process started by fork keeps its parent's
    peak, so a new Dask worker would report the driver's memory.) macOS: ``ru_maxrss`` (bytes).
    Windows: the peak working set (``psutil``, a dependency of ``distributed``).

    >>> process_peak_mb() > 0
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    if sys.platform == "win32":  # pragma: no cover - measured on Windows only
        import psutil

        return psutil.Process().memory_info().peak_wset / 1024.0**2
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0**2  # macOS: bytes


def worker_peak_mb(client) -> dict[str, float]:
    """Return the peak memory (MB) of each worker of ``client`` since it started.

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster to measure.

    Returns
    -------
    dict
        Worker address -> peak resident memory in MB (:func:`process_peak_mb` in each worker).
    """
    if not hasattr(client, "run"):
        raise TypeError(
            f"client must be a dask.distributed Client, got {type(client).__name__}; "
            "create one with distributed.Client(LocalCluster(...))"
        )
    return client.run(process_peak_mb)
