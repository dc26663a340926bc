r"""Split MyST markdown into translatable messages and the markup around them.

A *message* is one block of prose: a paragraph, one list item, a heading's text, one table
row, a directive's title, an ``:alt:`` option, a glossary term or definition. Everything else
(code, math blocks, labels, directive options, fences, comments, front matter) is kept
verbatim. Line breaks inside a block are joined with single spaces, so re-wrapping an English
paragraph does not change its message; a translation is written on one line.

>>> pieces = segment("# Title\n\nSome *text*\non two lines.\n\n```python\nx = 1\n```")
>>> [p.text for p in pieces if p.kind == "msg"]
['Title', 'Some *text* on two lines.']
>>> join(pieces, {"Title": "Titre"}.get)
'# Titre\n\nSome *text* on two lines.\n\n```python\nx = 1\n```'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Piece", "segment", "join", "messages"]

# Directives whose content is code, data or generated: never translated.
VERBATIM_DIRECTIVES = frozenset(
    {
        "code-cell",
        "code",
        "code-block",
        "sourcecode",
        "math",
        "bibliography",
        "footbibliography",
        "include",
        "literalinclude",
        "toctree",
        "tableofcontents",
        "raw",
        "eval-rst",
        "mermaid",
        "glue",
        "glue:figure",
        "glue:any",
        "solution-start",
        "solution-end",
        "csv-table",
    }
)
# Directives whose argument is a title shown to readers (other arguments are paths or labels).
TITLE_DIRECTIVES = frozenset(
    {
        "exercise",
        "admonition",
        "dropdown",
        "tab-item",
        "grid-item-card",
        "card",
        "list-table",
        "table",
        "topic",
        "sidebar",
        "margin",
    }
)
# Directive options whose value is prose.
TEXT_OPTIONS = frozenset({"alt", "caption"})

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^(?P<lead>\s*:(?P<key>[\w-]+):\s?)(?P<value>.*)$")
_HEADING = re.compile(r"^(?P<lead>\s*#{1,6}\s+)(?P<text>.*?)\s*$")
_ITEM = re.compile(r"^(?P<lead>(?P<indent>\s*)(?:(?:[-*+]|\d{1,9}[.)])(?:\s+|$))+)(?P<text>.*)$")
_DEFN = re.compile(r"^(?P<lead>\s*:\s+)(?P<text>.*)$")
_QUOTE = re.compile(r"^(?P<lead>\s*>\s?)(?P<text>.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")
_LABEL = re.compile(r"^\s*\([^()\s]+\)=\s*$")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Piece:
    """One piece of a document: ``kind`` "raw" (a verbatim line) or "msg" (a message).

    A message is written back as ``lead`` followed by its (translated) text on one line.
    """

    kind: str
    text: str
    lead: str = ""


def _raw(line: str) -> Piece:
    return Piece("raw", line)


def _msg(lead: str, text: str) -> Piece:
    text = " ".join(text.split())
    return Piece("msg", text, lead) if _LETTER.search(text) else Piece("raw", lead + text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _starts_block(line: str, *, in_paragraph: bool = False) -> bool:
    """Whether ``line`` starts a block that ends the paragraph or list item before it.

    Inside a paragraph (``in_paragraph``), as in CommonMark, only an ordered item numbered 1
    or a non-empty bullet item interrupts it: "in force in / 2020. The..." is one sentence.
    """
    stripped = line.strip()
    item = _ITEM.match(line)
    if item and in_paragraph:
        marker = item["lead"].strip()
        item = (marker[0] in "-*+" and item["text"].strip()) or marker[:2] in ("1.", "1)")
    return bool(
        _FENCE.match(line)
        or _HEADING.match(line)
        or item
        or _QUOTE.match(line)
        or _LABEL.match(line)
        or stripped.startswith(("|", "$$", "<!--", "%", "+++", "\\begin{"))
        or _DEFN.match(line)
    )


def _closing(lines: list[str], start: int, char: str, length: int) -> int:
    """Index of the line closing a fence of ``length`` ``char``, or ``len(lines)``."""
    pattern = re.compile(rf"^\s*{re.escape(char)}{{{length},}}\s*$")
    for j in range(start, len(lines)):
        if pattern.match(lines[j]):
            return j
    return len(lines)


def segment(text: str) -> list[Piece]:
    """Split markdown ``text`` into pieces.

    ``join(segment(t), lambda m: None)`` gives ``t`` back, up to the joining of wrapped
    lines inside messages.
    """
    lines = text.split("\n")
    out: list[Piece] = []
    i = 0
    if lines and lines[0].strip() == "---":  # front matter (jupytext, MyST)
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is not None:
            out.extend(_raw(line) for line in lines[: end + 1])
            i = end + 1
    out.extend(_segment_lines(lines[i:]))
    return out


def _segment_lines(lines: list[str]) -> list[Piece]:
    out: list[Piece] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            out.append(_raw(line))
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            i = _fenced(lines, i, fence, out)
            continue
        if stripped.startswith("$$"):
            end = (
                i
                if (len(stripped) > 2 and stripped.endswith("$$"))
                else next((j for j in range(i + 1, n) if lines[j].strip().endswith("$$")), n - 1)
            )
            out.extend(_raw(x) for x in lines[i : end + 1])
            i = end + 1
            continue
        if stripped.startswith("\\begin{"):
            end = next((j for j in range(i, n) if "\\end{" in lines[j]), n - 1)
            out.extend(_raw(x) for x in lines[i : end + 1])
            i = end + 1
            continue
        if stripped.startswith("<!--"):
            end = next((j for j in range(i, n) if "-->" in lines[j]), n - 1)
            out.extend(_raw(x) for x in lines[i : end + 1])
            i = end + 1
            continue
        if _LABEL.match(line) or stripped.startswith(("%", "+++")):
            out.append(_raw(line))
            i += 1
            continue
        if stripped.startswith("|"):
            if _TABLE_SEPARATOR.match(line):
                out.append(_raw(line))
            else:
                out.append(_msg(line[: _indent(line)], stripped))
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            out.append(_msg(heading["lead"], heading["text"]))
            i += 1
            continue
        for pattern in (_ITEM, _DEFN, _QUOTE):
            match = pattern.match(line)
            if match:
                body = [match["text"]]
                i += 1
                while i < n and lines[i].strip() and not _starts_block(lines[i]):
                    body.append(lines[i])
                    i += 1
                if pattern is _QUOTE:  # a quote's next lines carry their own ">"
                    while i < n and _QUOTE.match(lines[i]) and lines[i].strip() != ">":
                        body.append(_QUOTE.match(lines[i])["text"])
                        i += 1
                out.append(_msg(match["lead"], "\n".join(body)))
                break
        else:
            # A paragraph: the lines of one indentation up to a blank line or another block.
            indent = _indent(line)
            body = [stripped]
            i += 1
            while (  # a more indented line starts a block (a glossary definition)
                i < n
                and lines[i].strip()
                and _indent(lines[i]) <= indent
                and not _starts_block(lines[i], in_paragraph=True)
            ):
                body.append(lines[i].strip())
                i += 1
            out.append(_msg(line[:indent], "\n".join(body)))
    return out


def _fenced(lines: list[str], i: int, fence: re.Match, out: list[Piece]) -> int:
    """Segment the fenced block opening at line ``i``; return the index after it."""
    char, length = fence["fence"][0], len(fence["fence"])
    close = _closing(lines, i + 1, char, length)
    directive = _DIRECTIVE.match(fence["info"])
    if directive is None or directive["name"] in VERBATIM_DIRECTIVES:
        out.extend(_raw(x) for x in lines[i : close + 1])
        return close + 1
    name, arg = directive["name"], directive["arg"]
    opening = fence["indent"] + fence["fence"] + "{" + name + "}"
    if arg and name in TITLE_DIRECTIVES:
        out.append(_msg(opening + " ", arg))
    else:
        out.append(_raw(lines[i]))
    j = i + 1
    if j < close and lines[j].strip() == "---":  # options as a YAML block
        end = next((k for k in range(j + 1, close) if lines[k].strip() == "---"), j)
        out.extend(_raw(x) for x in lines[j : end + 1])
        j = end + 1
    while j < close:
        option = _OPTION.match(lines[j])
        if not option:
            break
        if option["key"] in TEXT_OPTIONS and option["value"].strip():
            out.append(_msg(option["lead"], option["value"]))
        else:
            out.append(_raw(lines[j]))
        j += 1
    out.extend(_segment_lines(lines[j:close]))
    if close < len(lines):
        out.append(_raw(lines[close]))
    return close + 1


def join(pieces: list[Piece], translate: Callable[[str], str | None]) -> str:
    """Write ``pieces`` back as markdown, each message replaced by ``translate(message)``.

    A message is kept as it is when ``translate`` returns None or an empty string.
    """
    lines = []
    for piece in pieces:
        if piece.kind == "raw":
            lines.append(piece.text)
        else:
            lines.append(piece.lead + (translate(piece.text) or piece.text))
    return "\n".join(lines)


def messages(text: str) -> list[str]:
    """List the messages of markdown ``text``, in order (repeats kept)."""
    return [p.text for p in segment(text) if p.kind == "msg"]
