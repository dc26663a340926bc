"""`make bench`: run every benchmark module and print one table per method family.

Each ``benchmarks/bench_*.py`` module has a ``main()`` printing Markdown tables
(size, median seconds, peak MB). Run one family with ``python benchmarks/run.py circuit``.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str]) -> None:
    wanted = set(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    print(f"# gpec_teach benchmarks ({time.strftime('%Y-%m-%d %H:%M')})")
    for name in modules:
        family = name.removeprefix("bench_")
        if wanted and family not in wanted:
            continue
        start = time.perf_counter()
        importlib.import_module(name).main()
        print(f"\n_{family}: {time.perf_counter() - start:.0f} s in all_")


if __name__ == "__main__":
    main(sys.argv[1:])
