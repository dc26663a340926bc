"""Run time and peak memory of every notebook, executed top to bottom in a fresh kernel.

Budget per notebook (Binder has 2 GB): under 60 s and under 1.5 GB peak. Each notebook
runs in its own child process; the kernel is that process's child, so after it exits the
child's ``RUSAGE_CHILDREN`` peak RSS is the kernel's peak memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _harness import Result, print_table

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 60.0, 1536.0

RUNNER = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
t = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": peak}))
"""


def run_notebook(path: Path) -> Result:
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path), str(path.parent)], capture_output=True, text=True
    )
    if proc.returncode:
        return Result(
            path.stem,
            "notebook",
            float("nan"),
            float("nan"),
            "error: " + proc.stderr.strip().splitlines()[-1],
        )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    within = out["seconds"] < BUDGET_S and out["peak_mb"] < BUDGET_MB
    return Result(
        path.stem,
        "notebook",
        out["seconds"],
        out["peak_mb"],
        "within budget" if within else "OVER BUDGET",
    )


def main() -> None:
    results = [run_notebook(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    print_table(results, "Notebooks (fresh kernel, top to bottom; budget 60 s and 1536 MB)")


if __name__ == "__main__":
    main()
