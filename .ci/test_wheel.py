"""Build the wheel, install it (not editable) in a fresh venv and test what a user gets.

``make test`` and Binder install the package with ``pip install -e .``, which hides files
missing from the wheel (the exercise bank was once left out, so ``check()`` failed on any
normal install). This script:

1. builds the wheel and checks it holds every module and data file of ``gpec_teach/``;
2. creates a new virtual environment and installs the wheel into it (``--no-deps``; the
   locked dependencies are borrowed from ``.venv`` through a ``.pth`` path, so the test
   needs no network and takes seconds);
3. from a folder outside the repository (so the source tree cannot be imported by
   accident) checks that ``gpec_teach`` comes from the wheel, runs every doctest of the
   installed package, and calls ``check()`` with the expected answer of every checkable
   exercise of every notebook.

Usage: ``python .ci/test_wheel.py`` (``make test-wheel``; part of ``make test``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "_build" / "wheel"

CHECK_EXERCISES = r"""
import gpec_teach
from gpec_teach import exercises
print("gpec_teach from", gpec_teach.__file__)
assert "site-packages" in gpec_teach.__file__ and "/wheel/venv/" in gpec_teach.__file__, gpec_teach.__file__
checked = {}
for notebook in range(17):
    for exercise_id in exercises.list_exercises(notebook):
        expected = exercises._REGISTRY[exercise_id].expected()
        feedback = exercises.check(exercise_id, expected)
        assert feedback.correct, f"{exercise_id}: {feedback.message}"
        checked.setdefault(notebook, []).append(exercise_id)
missing = sorted(set(range(17)) - set(checked))
assert not missing, f"notebooks without a checkable exercise through the wheel: {missing}"
print("check() with the expected answer passed for", sum(map(len, checked.values())),
      "exercises of", len(checked), "notebooks")
# the French and Spanish feedback come from the compiled catalogues inside the wheel
english = exercises.check(exercise_id, expected).message
for lang in ("fr", "es"):
    gpec_teach.set_language(lang)
    translated = exercises.check(exercise_id, expected).message
    assert translated and translated != english, f"{lang}: {translated!r} is not translated"
    print(lang, "feedback from the wheel:", translated[:60])
gpec_teach.set_language("en")
"""


def run(*args, **kwargs) -> None:
    """Run a command, echoing it; stop on failure."""
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def main() -> None:
    """Build, install and test the wheel; exit non-zero on the first failure."""
    if WORK.exists():
        shutil.rmtree(WORK)
    dist = WORK / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        dist,
        ROOT,
    )
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch folder
    wheel = next(dist.glob("gpec_teach-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    source = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "gpec_teach").rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".csv", ".json", ".j2", ".po", ".pot", ".mo")
        and "__pycache__" not in p.parts
    }
    missing = sorted(source - names)
    if missing:
        sys.exit(f"the wheel {wheel.name} lacks package files: {missing}")
    print(f"{wheel.name}: all {len(source)} package files present")

    env_dir = WORK / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    # Dependencies come from the locked .venv (a plain path: its .pth files, among them
    # the editable install of gpec_teach, are not processed).
    (site / "_locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed", wheel)

    outside = Path(tempfile.mkdtemp(prefix="gpec_wheel_"))
    (outside / "pytest.ini").write_text(
        "[pytest]\ndoctest_optionflags = NORMALIZE_WHITESPACE ELLIPSIS NUMBER\n"
    )
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "GPEC_DATA_DIR": str(ROOT / "data"),  # the data are not part of the wheel
        "PYTHONPATH": "",
    }
    run(python, "-c", CHECK_EXERCISES, cwd=outside, env=env)
    run(
        python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--doctest-modules",
        "--pyargs",
        "gpec_teach",
        cwd=outside,
        env=env,
    )
    shutil.rmtree(outside)


if __name__ == "__main__":
    main()
