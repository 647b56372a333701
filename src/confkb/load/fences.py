"""Find fenced code blocks in Markdown, with the directive comment right above each."""

from __future__ import annotations

import re

from confkb.model import Fence
from confkb.problems import Problem

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"<!--\s*snippet:(?P<body>.*?)-->", re.DOTALL)


def _language(info: str) -> str:
    """The language of an info string: ``bash``, ``{ .bash title="x" }`` and ``bash title=x``."""
    info = info.strip().lstrip("{").strip()
    if not info:
        return ""
    word = info.split()[0].lstrip(".")
    return word.rstrip("}").lower()


def _directive_above(lines: list[str], fence_index: int) -> tuple[str, int]:
    """The ``<!-- snippet: ... -->`` comment ending on the last non-blank line above a fence."""
    i = fence_index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0 or not lines[i].rstrip().endswith("-->"):
        return "", 0
    # Walk up to the line that opens the comment (comments may span lines).
    j = i
    while j >= 0 and "<!--" not in lines[j]:
        j -= 1
    if j < 0:
        return "", 0
    text = "\n".join(line.strip() for line in lines[j : i + 1])
    match = _DIRECTIVE.search(text)
    if not match:
        return "", 0
    return " ".join(match.group("body").split()), j + 1


def scan_fences(text: str, path: str, first_line: int = 1) -> tuple[list[Fence], list[Problem]]:
    """Return the fenced blocks of a Markdown text and the fence problems found.

    Args:
        text: Markdown body.
        path: File path used in problems.
        first_line: Line number of the first line of ``text`` in its file.

    Returns:
        The fences in document order, and problems (missing language, unclosed fence).
    """
    lines = text.split("\n")
    fences: list[Fence] = []
    problems: list[Problem] = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match or (match.group("fence")[0] == "`" and "`" in match.group("info")):
            i += 1
            continue
        indent, marker = len(match.group("indent")), match.group("fence")
        language = _language(match.group("info"))
        line_no = first_line + i
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            body.append(lines[j][indent:] if lines[j][:indent].strip() == "" else lines[j])
            j += 1
        if j >= len(lines):
            problems.append(
                Problem(path, line_no, "fence", "code block opened here is never closed")
            )
            break
        if not language:
            problems.append(
                Problem(
                    path,
                    line_no,
                    "fence",
                    "code block has no language; write one after the fence "
                    "(bash, console, dockerfile, yaml, json, text, ...)",
                )
            )
        directives, directive_index = _directive_above(lines, i)
        fences.append(
            Fence(
                line=line_no,
                language=language,
                code="\n".join(body),
                directives=directives,
                directive_line=first_line + directive_index - 1 if directive_index else 0,
            )
        )
        i = j + 1
    return fences, problems
