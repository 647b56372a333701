"""Split Markdown into prose and everything that is not prose (code, links, headings, HTML).

Tool detection and auto-linking both work on prose only, so a tool name inside code, a link,
a heading or a comment is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_NON_PROSE_LINE = re.compile(r"^\s*(<|!!!|\?\?\?|\[[^\]]+\]:\s)")
# Spans inside a prose line that must stay as they are.
_PROTECTED = re.compile(
    r"(?P<code>(`+).+?\2)"
    r"|(?P<link>!?\[(?:[^\[\]]|\[[^\]]*\])*\](?:\([^)]*\)|\[[^\]]*\])?)"
    r"|(?P<auto><https?://[^>]+>)"
    r"|(?P<html><!--.*?-->|</?[A-Za-z][^>]*>)"
    r"|(?P<url>https?://\S+)"
    r"|(?P<attr>\{[:.#][^}]*\})"
)


@dataclass(frozen=True)
class Segment:
    """A piece of one line: prose or protected text."""

    text: str
    prose: bool


def split_line(line: str) -> list[Segment]:
    """Split one prose line into prose and protected segments."""
    segments: list[Segment] = []
    pos = 0
    for match in _PROTECTED.finditer(line):
        if match.start() > pos:
            segments.append(Segment(line[pos : match.start()], True))
        segments.append(Segment(match.group(0), False))
        pos = match.end()
    if pos < len(line):
        segments.append(Segment(line[pos:], True))
    return segments


def iter_lines(markdown: str) -> Iterator[tuple[int, str, bool]]:
    """Yield ``(index, line, is_prose_line)`` for each line of a Markdown text."""
    for index, line, kind in classify_lines(markdown):
        yield index, line, kind == "prose"


def classify_lines(markdown: str) -> Iterator[tuple[int, str, str]]:
    """Yield ``(index, line, kind)``; kind is prose, heading, code, comment or other."""
    fence: str | None = None
    in_comment = False
    for index, line in enumerate(markdown.split("\n")):
        if fence:
            if re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
            yield index, line, "code"
            continue
        if in_comment:
            in_comment = "-->" not in line
            yield index, line, "comment"
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            yield index, line, "code"
            continue
        if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
            in_comment = True
            yield index, line, "comment"
            continue
        if _HEADING.match(line):
            yield index, line, "heading"
        elif line.strip() and not _NON_PROSE_LINE.match(line):
            yield index, line, "prose"
        else:
            yield index, line, "other"


def map_prose(markdown: str, transform: Callable[[str, int], str]) -> str:
    """Apply ``transform(text, line_index)`` to every prose segment; keep the rest byte for byte."""
    out: list[str] = []
    for index, line, prose in iter_lines(markdown):
        if not prose:
            out.append(line)
            continue
        out.append("".join(s.text if not s.prose else transform(s.text, index) for s in split_line(line)))
    return "\n".join(out)


def plain_text(line: str) -> str:
    """A line with Markdown markup reduced to readable text (for context sentences)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"^\s*([-*+]|\d+\.)\s+", "", text)
    return text.strip()
