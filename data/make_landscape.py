"""Generate the fictional GPEC teaching landscape into data/ (byte-identical on rerun).

Run from the repository root::

    .venv/bin/python data/make_landscape.py            # writes data/
    .venv/bin/python data/make_landscape.py --out DIR  # writes DIR (used by the tests)
    .venv/bin/python data/make_landscape.py --no-quicklook

Everything is drawn from one fixed seed. Each layer has its own named random stream
(``stream("elevation")``, ``stream("roads")``, ...), so changing one layer does not change
the random numbers of the others. The land mass, its three countries, towns, protected
areas, animals and species are invented; the landscape sits over the open Tasman Sea
(about 37.5 S, 162.5 E), where no real land is, in the metric equal-area CRS
EPSG:9191 (WGS 84 / NIWA Albers).

The layers are built by the package ``data/landscape/`` (one module per layer); the data
sheet data/README.md is written by ``landscape/datasheet.py`` (edit the template there).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from landscape import generate, write_all  # noqa: E402

__all__ = ["generate", "write_all", "main"]


def main(argv=None):
    """Generate every layer and write it to ``--out`` (data/ by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--no-quicklook", action="store_true")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    layers = generate()
    written = write_all(layers, args.out, quicklook=not args.no_quicklook)
    size = sum((args.out / n).stat().st_size for n in written) / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"wrote {len(written)} files ({size:.1f} MB) to {args.out} in "
        f"{time.perf_counter() - t0:.1f} s, peak memory {peak:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
