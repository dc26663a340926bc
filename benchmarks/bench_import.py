"""Time of `import gpec_teach` in a fresh interpreter (target: under 1 s)."""

from __future__ import annotations

import statistics
import subprocess
import sys

from _harness import Result, print_table

CODE = "import time; t = time.perf_counter(); import gpec_teach; print(time.perf_counter() - t)"


def main() -> None:
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(5)
    ]
    print_table(
        [
            Result(
                "import gpec_teach",
                "-",
                statistics.median(times),
                float("nan"),
                "median of 5, fresh interpreters",
            )
        ],
        "Import time",
    )


if __name__ == "__main__":
    main()
