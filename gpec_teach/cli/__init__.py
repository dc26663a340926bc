"""``gpec-teach``: the connectivity chain of the course from a YAML configuration.

Commands::

    gpec-teach init [config.yml]          write a commented example configuration
    gpec-teach validate config.yml        check it (every key, file and CRS) and stop
    gpec-teach run config.yml [--only STEP] [--force] [--quiet]

``python -m gpec_teach`` is the same command. Exit codes: 0 done, 1 a step failed,
2 the configuration (or the command line) is wrong.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .config import STEPS, ConfigError, load_config

__all__ = ["main"]

EXAMPLE = "config_example.yml"


def _init(target: Path, force: bool) -> int:
    from importlib.resources import files

    from ..data import data_dir

    if target.exists() and not force:
        print(f"error: {target} exists; pass --force to replace it.", file=sys.stderr)
        return 2
    text = (files("gpec_teach") / "templates" / EXAMPLE).read_text(encoding="utf-8")
    text = text.replace("{data_dir}", data_dir().resolve().as_posix())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: edit it, then run `gpec-teach run {target}`")
    return 0


class _Log(logging.LoggerAdapter):
    quiet = False


def _logger(output: Path, quiet: bool) -> _Log:
    from .. import __version__

    logger = logging.getLogger("gpec_teach.cli")
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    output.mkdir(parents=True, exist_ok=True)
    file = logging.FileHandler(output / "gpec-teach.log", encoding="utf-8")
    file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(file)
    if not quiet:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(console)
    logger.propagate = False
    log = _Log(logger, {})
    log.quiet = quiet
    log.info("gpec_teach %s, Python %s", __version__, sys.version.split()[0])
    return log


def _run(config_path: str, only: str | None, force: bool, quiet: bool) -> int:
    import warnings

    from tqdm.auto import tqdm

    from . import report, steps

    config = load_config(config_path)
    if only is not None and only not in config.steps:
        raise ConfigError(
            [
                f"--only {only}: the configuration has no '{only}' section (it has "
                f"{', '.join(config.steps)})."
            ]
        )
    log = _logger(config.output, quiet)
    log.info("configuration %s -> %s", config.path, config.output)
    todo = [only] if only else config.steps
    results, timings = {}, {}
    bar = tqdm(todo, desc="gpec-teach", unit="step", disable=quiet, file=sys.stderr)
    for step in bar:
        bar.set_postfix_str(step)
        if only is None and not force and steps.is_cached(config, step):
            log.info("%s: outputs up to date, reused (--force to recompute)", step)
            timings[step] = None
            continue
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PendingDeprecationWarning)
                results[step] = steps.run_step(config, step, log)
        except FileNotFoundError as exc:
            log.error("%s: %s", step, exc)
            return 2
        except (ValueError, TypeError) as exc:
            log.error("%s failed: %s", step, exc)
            return 1
        timings[step] = time.perf_counter() - start
        log.info("%s: done in %.1f s", step, timings[step])
    paths = report.write_outputs(config, timings)
    for name, path in paths.items():
        log.info("%s: %s", name, path)
    total = sum(t for t in timings.values() if t)
    log.info("finished in %.1f s", total)
    return 0


def _shown(path: Path) -> str:
    """Show *path* relative to the working folder when it lies inside it (as typed)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv=None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="gpec-teach",
        description="Run the GPEC connectivity chain (resistance, cores, corridors, circuit, "
        "patches, ProtConn, fragmentation) from a YAML configuration.",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"gpec_teach {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p_init = sub.add_parser("init", help="write a commented example configuration")
    p_init.add_argument("path", nargs="?", default="gpec-teach.yml")
    p_init.add_argument("--force", action="store_true", help="replace an existing file")
    p_val = sub.add_parser("validate", help="check a configuration without running it")
    p_val.add_argument("config")
    p_run = sub.add_parser("run", help="run the steps of a configuration")
    p_run.add_argument("config")
    p_run.add_argument("--only", choices=list(STEPS), help="run this step only (re-run it)")
    p_run.add_argument("--force", action="store_true", help="recompute cached steps")
    p_run.add_argument("-q", "--quiet", action="store_true", help="no progress or messages")
    args = parser.parse_args(argv)
    try:
        if args.command == "init":
            return _init(Path(args.path), args.force)
        if args.command == "validate":
            config = load_config(args.config)
            print(
                f"{args.config}: OK; steps: {', '.join(config.steps)}; "
                f"output: {_shown(config.output)}"
            )
            return 0
        return _run(args.config, args.only, args.force, args.quiet)
    except ConfigError as exc:
        print(f"error: {args.config} has problems:\n{exc}", file=sys.stderr)
        return 2
