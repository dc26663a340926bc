"""Trainer kit: overview slide decks per module and the self-assessment forms.

Everything is generated from the notebooks, so the kit never drifts from the course:

- **Slide decks** (one per part of ``_toc.yml`` that holds notebooks: Start here, Mapping,
  Corridor design, Monitoring). Each notebook gives a title slide (title and hook), its
  learning objectives, one slide per figure of its committed outputs (with caption and alt
  text) and its key points. A deck is one self-contained HTML file: styles, script and
  images inline, nothing fetched from a network, so a trainer can project it offline.
  Arrow keys, space, Page Up/Down, Home and End move between slides; printing (to PDF)
  puts one slide on each page.
- **Self-assessment forms**: ``book/self_assessment.md`` (a printable page with a 1-5
  scale per learning objective, before and after the workshop) and
  ``book/self_assessment.csv`` (a template where the trainer enters the answers). Both are
  committed; ``tests/test_trainer_kit.py`` fails when they no longer match the notebooks.

Usage::

    python .ci/make_slides.py [SITE_DIR]   # decks into SITE_DIR/slides/ (default: every edition)
    python .ci/make_slides.py --pages      # rewrite the self-assessment page and CSV
    python .ci/make_slides.py --check      # exit 1 when the page or CSV is out of date

``make book`` runs the first form on each edition it builds (``_build/html/en``, ``fr``,
``es``; the trainer's guide of each links to ``../slides/``). Without SITE_DIR, the decks
go into every edition of ``_build/html``. The decks are made from the English notebooks
in every edition for now: their sections are found by their English headings.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "self_assessment.md"
CSV_FILE = ROOT / "book" / "self_assessment.csv"
#: Answer columns of the CSV template: one pair (before, after) per participant.
PARTICIPANTS = 20

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ITEM_RE = re.compile(r"^\s*(?:[-*]|\d+\.)\s+(.*\S)\s*$")


@dataclass
class Notebook:
    """What the kit takes from one notebook."""

    number: str
    stem: str
    title: str
    hook: str
    objectives: list[str]
    key_points: list[str]
    figures: list[dict] = field(default_factory=list)  # png (base64), caption, alt
    minutes: int = 0


# --------------------------------------------------------------------------- reading
def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _markdown_lines(nb: dict):
    """(line) of every markdown cell, code fences left out, in order."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        fence = False
        for line in _source(cell).splitlines():
            if line.lstrip().startswith(("```", "~~~", ":::")):
                fence = not fence
                continue
            if not fence:
                yield line


def _section(nb: dict, title: str) -> list[str]:
    """Lines of the level-2 section *title* (up to the next level-2 heading)."""
    lines, inside = [], False
    for line in _markdown_lines(nb):
        match = _HEADING_RE.match(line)
        if match and len(match.group(1)) == 2:
            inside = match.group(2).strip().lower() == title.lower()
            continue
        if inside:
            lines.append(line)
    return lines


def _items(lines: list[str]) -> list[str]:
    """List items of *lines*, continuation lines joined; stops at the first paragraph after."""
    items: list[str] = []
    for line in lines:
        match = _ITEM_RE.match(line)
        if match:
            items.append(match.group(1))
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
        elif items and line.strip():
            break
    return items


def objectives(nb: dict) -> list[str]:
    """Return the learning objectives: the list after "able to" in the Overview."""
    lines = _section(nb, "Overview")
    start = next((i for i, line in enumerate(lines) if "able to" in line), None)
    if start is None:
        return []
    return [item.rstrip(" ;.,") for item in _items(lines[start + 1 :])]


def read_notebook(path: Path) -> Notebook:
    """Read title, hook, objectives, key points, figures and minutes of one notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    title, hook = path.stem, ""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = _source(cell).strip()
        match = _HEADING_RE.match(text.splitlines()[0]) if text else None
        if match and len(match.group(1)) == 1:
            title = match.group(2)
            hook = " ".join(text.splitlines()[1:]).strip()
            break
    figures = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("mystnb", {})
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                figures.append(
                    {
                        "png": "".join(png).replace("\n", ""),
                        "caption": meta.get("figure", {}).get("caption", ""),
                        "alt": meta.get("image", {}).get("alt", "") or "Figure of the notebook",
                    }
                )
    gpec = nb.get("metadata", {}).get("gpec", {})
    return Notebook(
        number=path.stem[:2],
        stem=path.stem,
        title=title,
        hook=hook,
        objectives=objectives(nb),
        key_points=_items(_section(nb, "Key points")),
        figures=figures,
        minutes=int(gpec.get("teaching", 0)) + int(gpec.get("exercises", 0)),
    )


def modules(root: Path = ROOT) -> list[tuple[str, list[Notebook]]]:
    """Return the parts of ``_toc.yml`` that hold notebooks, with them, in book order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found = []
    for part in toc.get("parts", []):
        files = [c["file"] for c in part.get("chapters", []) if "file" in c]
        notebooks = [
            read_notebook(root / f"{f}.ipynb") for f in files if f.startswith("notebooks/")
        ]
        if notebooks:
            found.append((part["caption"], notebooks))
    return found


def slug(caption: str) -> str:
    """File name of a module's deck: ``"Module 1: Mapping"`` -> ``"mapping"``."""
    name = re.sub(r"^Module\s+\d+\s*:\s*", "", caption)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# --------------------------------------------------------------------------- text
def plain(text: str) -> str:
    """MyST inline markup reduced to its words (roles, links, emphasis, code marks)."""
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", text)  # {term}`a <b>`
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](target)
    text = re.sub(r"\*\*|__|(?<!\w)\*|\*(?!\w)|`", "", text)
    text = text.replace("$", "")
    return " ".join(text.split())


def inline_html(text: str) -> str:
    """MyST inline markup as HTML: code, bold, italics; roles and links keep their words."""
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part.replace("$", ""))
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        part = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", part)
        out.append(part)
    return " ".join("".join(out).split())


# --------------------------------------------------------------------------- decks
_CSS = """
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#1a1a1a;
 font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.35}
main{max-width:100%}
.slide{display:none;min-height:100vh;padding:3vh 5vw 9vh;flex-direction:column}
.slide.active{display:flex}
.slide h1{font-size:clamp(1.6rem,4.5vw,3.2rem);margin:0 0 .6em;color:#0b3d2e}
.slide h2{font-size:clamp(1.3rem,3.2vw,2.4rem);margin:0 0 .5em;color:#0b3d2e}
.slide p,.slide li{font-size:clamp(1rem,2.1vw,1.6rem);max-width:60em}
.slide li{margin:.25em 0}
.slide .number{color:#4a4a4a;font-size:clamp(.9rem,1.6vw,1.2rem);margin:0}
.slide figure{margin:0;display:flex;flex-direction:column;align-items:center;flex:1}
.slide figure img{max-width:100%;max-height:68vh;object-fit:contain}
.slide figcaption{font-size:clamp(.85rem,1.6vw,1.2rem);max-width:60em;margin-top:.6em;color:#333}
.slide.title{justify-content:center;background:#eef5f1}
code{font-family:Consolas,"DejaVu Sans Mono",monospace;background:#f1f1f1;padding:0 .2em}
nav{position:fixed;bottom:0;left:0;right:0;display:flex;gap:1em;align-items:center;
 justify-content:flex-end;padding:.4em 1em;background:#ffffffe6;font-size:.9rem;color:#333}
nav button{font:inherit;padding:.2em .8em;border:1px solid #555;background:#fff;color:#1a1a1a;
 border-radius:4px;cursor:pointer}
@media print{
 @page{size:A4 landscape;margin:12mm}
 nav{display:none}
 .slide{display:flex!important;min-height:0;height:auto;padding:0;break-after:page;
  page-break-after:always}
 .slide:last-child{break-after:auto;page-break-after:auto}
 .slide figure img{max-height:150mm}
}
"""

_JS = """
(function(){
 var slides=[].slice.call(document.querySelectorAll('.slide'));
 var counter=document.getElementById('counter');
 var i=0;
 function show(k){
  i=Math.max(0,Math.min(slides.length-1,k));
  slides.forEach(function(s,j){s.classList.toggle('active',j===i);});
  counter.textContent=(i+1)+' / '+slides.length;
  if(history.replaceState){history.replaceState(null,'','#'+(i+1));}
 }
 document.addEventListener('keydown',function(e){
  var k=e.key;
  if(k==='ArrowRight'||k==='ArrowDown'||k==='PageDown'||k===' '||k==='Spacebar'){show(i+1);e.preventDefault();}
  else if(k==='ArrowLeft'||k==='ArrowUp'||k==='PageUp'||k==='Backspace'){show(i-1);e.preventDefault();}
  else if(k==='Home'){show(0);e.preventDefault();}
  else if(k==='End'){show(slides.length-1);e.preventDefault();}
 });
 document.getElementById('prev').addEventListener('click',function(){show(i-1);});
 document.getElementById('next').addEventListener('click',function(){show(i+1);});
 var start=parseInt((location.hash||'#1').slice(1),10);
 show(isNaN(start)?0:start-1);
})();
"""


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{inline_html(x)}</li>" for x in items) + "</ul>"


def render_deck(caption: str, notebooks: list[Notebook]) -> str:
    """Render one module's deck as a self-contained HTML page."""
    total = sum(nb.minutes for nb in notebooks)
    slides = [
        '<section class="slide title">'
        f"<h1>{html.escape(caption)}</h1>"
        "<p>Ecological Connectivity: a GPEC Curriculum. Overview slides for trainers.</p>"
        + _list([f"{nb.number} {nb.title} ({nb.minutes} min)" for nb in notebooks])
        + f"<p>About {total} minutes of teaching and exercises in all.</p></section>"
    ]
    for nb in notebooks:
        label = f'<p class="number">Notebook {nb.number}</p>'
        slides.append(
            f'<section class="slide title">{label}<h2>{inline_html(nb.title)}</h2>'
            f"<p>{inline_html(nb.hook)}</p></section>"
        )
        slides.append(
            f'<section class="slide">{label}<h2>You will be able to</h2>'
            f"{_list(nb.objectives)}</section>"
        )
        for k, fig in enumerate(nb.figures, 1):
            slides.append(
                f'<section class="slide">{label}<h2>{inline_html(nb.title)}: figure {k}</h2>'
                f'<figure><img src="data:image/png;base64,{fig["png"]}" '
                f'alt="{html.escape(plain(fig["alt"]), quote=True)}">'
                f"<figcaption>{inline_html(fig['caption'])}</figcaption></figure></section>"
            )
        slides.append(
            f'<section class="slide">{label}<h2>Key points</h2>{_list(nb.key_points)}</section>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(caption)}: overview slides</title>\n<style>{_CSS}</style>\n"
        "</head>\n<body>\n<main><article>\n" + "\n".join(slides) + "\n</article></main>\n"
        '<nav aria-label="Slides"><span>Arrow keys or space: next slide. '
        "Print to PDF: one slide per page.</span>"
        '<button id="prev" type="button">Previous</button><span id="counter"></span>'
        '<button id="next" type="button">Next</button></nav>\n'
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


def render_index(found: list[tuple[str, list[Notebook]]]) -> str:
    """Render a small page that lists the decks (for the offline kit)."""
    items = "".join(
        f'<li><a href="{slug(caption)}.html">{html.escape(caption)}</a>: notebooks '
        f"{', '.join(nb.number for nb in notebooks)}</li>"
        for caption, notebooks in found
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Overview slides per module</title>\n"
        "<style>body{font-family:Arial,sans-serif;margin:2em;color:#1a1a1a;line-height:1.5}"
        "</style>\n</head>\n<body>\n<main><article>\n<h1>Overview slides per module</h1>\n"
        "<p>Open a deck, then use the arrow keys or space. Print it to PDF for a handout.</p>"
        f"\n<ul>{items}</ul>\n"
        '<p><a href="../book/trainers_guide.html">Back to the trainer\'s guide</a></p>\n'
        "</article></main>\n</body>\n</html>\n"
    )


def write_decks(site: Path, root: Path = ROOT) -> list[Path]:
    """Write every deck and an index into ``site/slides/``; return the deck paths."""
    out = site / "slides"
    out.mkdir(parents=True, exist_ok=True)
    found = modules(root)
    written = []
    for caption, notebooks in found:
        path = out / f"{slug(caption)}.html"
        path.write_text(render_deck(caption, notebooks), encoding="utf-8")
        written.append(path)
    (out / "index.html").write_text(render_index(found), encoding="utf-8")
    return written


# --------------------------------------------------------------------------- forms
def objective_rows(root: Path = ROOT) -> list[dict]:
    """One row per learning objective: id (``NN.k``), module, notebook, text."""
    rows = []
    for caption, notebooks in modules(root):
        for nb in notebooks:
            for k, text in enumerate(nb.objectives, 1):
                rows.append(
                    {
                        "objective_id": f"{nb.number}.O{k}",
                        "module": caption,
                        "notebook": f"{nb.number} {plain(nb.title)}",
                        "objective": f"I can {_first_person(plain(text))}",
                    }
                )
    return rows


def _first_person(text: str) -> str:
    """Say an objective as the participant: "your environment" -> "my environment"."""
    return re.sub(r"\byour\b", "my", re.sub(r"\bYour\b", "My", text))


def render_csv(root: Path = ROOT, participants: int = PARTICIPANTS) -> str:
    """Render the CSV template: a row per objective, before/after columns per participant."""
    rows = objective_rows(root)
    answers = [f"P{p:02d}_{when}" for p in range(1, participants + 1) for when in ("pre", "post")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["objective_id", "module", "notebook", "objective", *answers])
    for row in rows:
        writer.writerow([*row.values(), *([""] * len(answers))])
    return buffer.getvalue()


_PAGE_HEAD = """\
% Generated by .ci/make_slides.py --pages from the notebooks' objectives. Do not edit:
% change the objectives in the notebooks, then run `python .ci/make_slides.py --pages`.

# Self-assessment before and after the workshop

This form asks participants how well they can do each thing the notebooks teach. They fill
it in twice: at the start of the workshop (**before**) and at the end (**after**). The
difference shows the trainer what was learnt, and what to teach again. The form is not a
test, and it needs no name: a participant number is enough.

**How to use it**

1. Print this page (the browser's *Print* command), or only the modules of your agenda.
2. Give each participant a copy and a number. At the start, they circle a score in the
   *Before* column for each objective. Collect the forms, and give them back at the end
   for the *After* column.
3. Enter the scores in the template {download}`self_assessment.csv`. It has one row per
   objective and two columns per participant (`P01_pre`, `P01_post`, ...). Any spreadsheet
   opens it.
4. Compare the mean score before and after, per objective. A low score after the workshop
   marks an objective to revisit in a follow-up session.

**The scale**

| Score | Meaning |
| --- | --- |
| 1 | I cannot do this. |
| 2 | I could do this with a lot of help. |
| 3 | I could do this with some help or notes. |
| 4 | I can do this on my own. |
| 5 | I can do this on my own and explain it to a colleague. |

Participant number: ________ Date: ________
"""


def render_page(root: Path = ROOT) -> str:
    """Render the printable self-assessment page (MyST markdown)."""
    out = [_PAGE_HEAD]
    for caption, notebooks in modules(root):
        out.append(f"\n## {caption}\n")
        for nb in notebooks:
            out.append(f"\n### {nb.number} {plain(nb.title)}\n")
            out.append("\n| Id | I can ... | Before | After |\n| --- | --- | --- | --- |\n")
            for k, text in enumerate(nb.objectives, 1):
                cell = _first_person(plain(text)).replace("|", "\\|")
                out.append(f"| {nb.number}.O{k} | {cell} | 1 2 3 4 5 | 1 2 3 4 5 |\n")
    return "".join(out)


def pages_up_to_date(root: Path = ROOT) -> list[str]:
    """Names of the committed forms that differ from what the notebooks give now."""
    stale = []
    for path, text in ((PAGE, render_page(root)), (CSV_FILE, render_csv(root))):
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            stale.append(str(path.relative_to(ROOT)))
    return stale


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--pages", action="store_true", help="rewrite the self-assessment forms")
    parser.add_argument("--check", action="store_true", help="exit 1 if the forms are stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = pages_up_to_date()
        for name in stale:
            print(f"{name} is out of date: run `python .ci/make_slides.py --pages`")
        return 1 if stale else 0
    if args.pages:
        PAGE.write_text(render_page(), encoding="utf-8")
        CSV_FILE.write_text(render_csv(), encoding="utf-8")
        print(f"wrote {PAGE.relative_to(ROOT)} and {CSV_FILE.relative_to(ROOT)}")
        return 0
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site} holds no built site (index.html): run `make book` first", file=sys.stderr)
        return 1
    for edition in editions(site):
        for path in write_decks(edition):
            print(f"slides: {path.relative_to(site)} ({path.stat().st_size / 2**20:.1f} MB)")
    return 0


def editions(site: Path) -> list[Path]:
    """Return the editions of a built site: *site* itself, or its ``<lang>/`` editions.

    ``_build/html`` holds one edition per language (``en/``, ``fr/``, ``es/``) next to a
    root ``index.html`` that redirects to ``en/``; a site without editions is one itself.
    """
    found = (
        sorted(
            p
            for p in site.iterdir()
            if p.is_dir() and (p / "_static").is_dir() and (p / "index.html").is_file()
        )
        if not (site / "_static").is_dir()
        else []
    )
    return found or [site]


if __name__ == "__main__":
    sys.exit(main())
