"""Command line of the translations: ``python -m gpec_teach.translate COMMAND``.

update [--lang fr]        English -> locales/pot/*.pot -> locales/<lang>/LC_MESSAGES/*.po
status                    translated / fuzzy / untranslated messages per document
lint LANG [DOC ...]       check kept markup, numbers, {term} targets and the term base
check                     exit 1 and list every message without a reviewed translation
todo LANG [DOC ...]       a plain-text work list of what is left (see worklist.py)
apply LANG FILE           write a filled work list into the catalogues
notebooks [--execute]     generate notebooks/<lang>/*.ipynb (and execute the stale ones)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from gpec_teach.translate import LANGUAGES, lint, worklist
from gpec_teach.translate import catalog as cat
from gpec_teach.translate import notebooks as nbs


def execute(path: Path) -> None:
    """Execute a notebook in place, as ``make`` does for the English ones."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
    realdata = cat.ROOT.parent / "shared" / "realdata"  # notebook 17, read in place
    if "GPEC_REALDATA_DIR" not in env and realdata.is_dir():
        env["GPEC_REALDATA_DIR"] = str(realdata)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            "--ExecutePreprocessor.timeout=300",
            path.name,
        ],
        cwd=path.parent,
        env=env,
        check=True,
    )
    nbs.strip_widgets(path)


def main(argv: list[str] | None = None) -> int:
    """Run one command of the translations; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m gpec_teach.translate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("update", help="extract the English and merge it into the catalogues")
    p.add_argument("--lang", choices=LANGUAGES, action="append")
    sub.add_parser("status", help="counts per document and language")
    sub.add_parser("check", help="fail when a message has no reviewed translation")
    p = sub.add_parser("lint", help="check kept markup, numbers and the term base")
    p.add_argument("lang", choices=LANGUAGES)
    p.add_argument("docs", nargs="*", help="docnames (default: all)")
    p.add_argument("--no-terms", action="store_true", help="skip the term-base check")
    p = sub.add_parser("todo", help="write a work list of untranslated and fuzzy messages")
    p.add_argument("lang", choices=LANGUAGES)
    p.add_argument("docs", nargs="*", help="docnames, e.g. notebooks/02_geodata_basics book/intro")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument("--all", action="store_true", help="include translated messages")
    p = sub.add_parser("apply", help="write a filled work list into the catalogues")
    p.add_argument("lang", choices=LANGUAGES)
    p.add_argument("file", type=Path)
    p = sub.add_parser("notebooks", help="generate notebooks/<lang>/ from the catalogues")
    p.add_argument("names", nargs="*", help="notebook stems (default: all)")
    p.add_argument("--lang", choices=LANGUAGES, action="append")
    p.add_argument(
        "--execute", action="store_true", help="execute the notebooks whose code changed"
    )
    p.add_argument("--force-execute", action="store_true", help="execute every generated notebook")
    args = parser.parse_args(argv)

    if args.command == "update":
        cat.write_templates()
        for lang in args.lang or LANGUAGES:
            report = cat.update(lang)
            total = {k: sum(r[k] for r in report.values()) for k in next(iter(report.values()))}
            print(f"{lang}: {total}")
    elif args.command == "status":
        for lang in LANGUAGES:
            for doc in cat.documents():
                path = cat.po_path(doc, lang)
                counts = cat.counts(cat.read(path, lang)) if path.is_file() else None
                print(f"{lang} {doc:45} {counts or 'no catalogue'}")
    elif args.command == "check":
        found = [line for lang in LANGUAGES for line in cat.problems(lang)]
        print("\n".join(found) or "every message has a reviewed translation")
        return 1 if found else 0
    elif args.command == "lint":
        found = lint.lint(args.lang, args.docs or None, terms=not args.no_terms)
        print("\n".join(found) or "no problem found")
        return 1 if found else 0
    elif args.command == "todo":
        text = worklist.todo(args.lang, args.docs or None, include_done=args.all)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            print(f"{text.count('en: ')} messages -> {args.output}")
        else:
            sys.stdout.write(text)
    elif args.command == "apply":
        written = worklist.apply(args.lang, args.file.read_text(encoding="utf-8"))
        for doc, n in written.items():
            print(f"{args.lang} {doc}: {n} translations written")
    elif args.command == "notebooks":
        stale = nbs.generate(tuple(args.lang or LANGUAGES), names=args.names or None)
        targets = stale
        if args.force_execute:
            targets = [
                nbs.target_path(p, lang)
                for p in sorted((cat.ROOT / "notebooks").glob("[0-9]*.ipynb"))
                if not args.names or p.stem in args.names
                for lang in (args.lang or LANGUAGES)
            ]
        if args.execute or args.force_execute:
            for path in targets:
                print(f"executing {path.relative_to(cat.ROOT)}", flush=True)
                execute(path)
        elif stale:
            print(
                "code changed, execute: " + " ".join(str(p.relative_to(cat.ROOT)) for p in stale)
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
