"""Write environment.yml (Binder / conda) from requirements.lock, so both carry the same pins.

Run by `make lock`; tests/test_environment.py fails when the two disagree.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Binder / conda environment of the GPEC Connectivity Curriculum.
# GENERATED from requirements.lock by `make lock` (.ci/sync_environment.py): do not edit by hand.
# repo2docker installs this, then runs postBuild, which installs gpec_teach itself.
name: gpec-connectivity
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def locked_requirements(text: str) -> list[str]:
    """Return the pinned requirement lines of a lock file, without comments."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def main() -> None:
    """Regenerate environment.yml from requirements.lock."""
    pins = locked_requirements((ROOT / "requirements.lock").read_text())
    body = "".join(f"      - {pin}\n" for pin in pins)
    (ROOT / "environment.yml").write_text(HEADER + body)
    print(f"environment.yml: {len(pins)} pins from requirements.lock")


if __name__ == "__main__":
    main()
