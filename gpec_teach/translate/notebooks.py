"""The French and Spanish notebooks, generated from the English ones and the catalogues.

``notebooks/<lang>/NN_slug.ipynb`` has the code cells of ``notebooks/NN_slug.ipynb`` (same
source, same tags), its markdown cells translated through the catalogue of the notebook, and
one more line in the hidden setup cell: ``gpec_teach.set_language(<lang>)``, so that the
feedback of ``check()`` is in the notebook's language. Outputs come from executing the
generated notebook (``--execute``); when only the prose changed, the outputs of the existing
translated notebook are kept, so a wording fix does not need a re-run.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from gpec_teach.translate import LANGUAGES, translate_markdown
from gpec_teach.translate.catalog import ROOT

SETUP_TAG = "colab-setup"


def language_line(lang: str) -> str:
    """Return the line added to the hidden setup cell of a translated notebook."""
    return (
        "import gpec_teach  # noqa: E402\n"
        f'gpec_teach.set_language("{lang}")  # check() and its hints in this language'
    )


def target_path(source: Path, lang: str) -> Path:
    """Return the translated notebook of ``source``: ``notebooks/<lang>/<name>``."""
    return source.parent / lang / source.name


def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def code_signature(notebook: dict) -> list[tuple[str, str]]:
    """(type, source) of every code cell but the setup cell: what must match the English."""
    return [
        ("code", _source(cell))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        and SETUP_TAG not in cell.get("metadata", {}).get("tags", [])
    ]


def translate_notebook(source: Path, lang: str, previous: dict | None = None) -> tuple[dict, bool]:
    """Return the translated notebook of ``source`` and whether it must be executed.

    ``previous`` is the committed translated notebook, if any: when its code cells equal the
    English ones, its outputs are kept and no execution is needed.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not a translated language; choose one of {LANGUAGES}")
    english = json.loads(Path(source).read_text(encoding="utf-8"))
    docname = f"notebooks/{Path(source).stem}"
    out = copy.deepcopy(english)
    english_code = [c for c in out["cells"] if c["cell_type"] == "code"]
    previous_code = [c for c in (previous or {}).get("cells", []) if c["cell_type"] == "code"]
    reuse = (
        previous is not None
        and code_signature(previous) == code_signature(english)
        and len(previous_code) == len(english_code)
        and any(c.get("outputs") for c in previous_code)  # it was executed
    )
    for k, cell in enumerate(english_code):
        # the outputs of the executed translation, or none: English outputs would show
        # English feedback of check() in a French notebook
        cell["outputs"] = previous_code[k].get("outputs", []) if reuse else []
        cell["execution_count"] = previous_code[k].get("execution_count") if reuse else None
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _lines(translate_markdown(_source(cell), lang, docname))
        elif SETUP_TAG in cell.get("metadata", {}).get("tags", []):
            text = _source(cell).rstrip("\n")
            cell["source"] = _lines(text + "\n" + language_line(lang))
    gpec = out.setdefault("metadata", {}).setdefault("gpec", {})
    gpec["translation"] = {
        "language": lang,
        "source": f"notebooks/{Path(source).name}",
        "generated_by": "python -m gpec_teach.translate notebooks",
    }
    return out, not reuse


def write_notebook(notebook: dict, path: Path) -> None:
    """Write ``notebook`` as nbformat JSON (one-space indent, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def generate(langs=LANGUAGES, root: Path = ROOT, names: list[str] | None = None) -> list[Path]:
    """Write ``notebooks/<lang>/*.ipynb``; return the notebooks that need executing."""
    stale = []
    for source in sorted((root / "notebooks").glob("[0-9]*.ipynb")):
        if names and source.stem not in names and source.name not in names:
            continue
        for lang in langs:
            target = target_path(source, lang)
            previous = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else None
            notebook, needs_run = translate_notebook(source, lang, previous)
            if previous != notebook:
                write_notebook(notebook, target)
            if needs_run:
                stale.append(target)
    return stale


def strip_widgets(path: Path) -> None:
    """Drop saved widget state (as for the English notebooks): it is large and not rendered."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    if notebook.get("metadata", {}).pop("widgets", None) is not None:
        write_notebook(notebook, path)
