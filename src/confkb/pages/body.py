"""Rewrite a talk's Markdown body for the site: auto-link tool names, decorate snippets."""

from __future__ import annotations

import re

from confkb.catalog import Catalog
from confkb.catalog.prose import classify_lines, map_prose
from confkb.pages.common import Verification, badge_line, rel, tool_path
from confkb.snippets.extract import split_console
from confkb.snippets.model import Snippet


def autolink(markdown: str, page_path: str, catalog: Catalog, skip: set[str] | None = None) -> str:
    """Link the first mention of each tool per section to its page.

    Only prose is touched: never code, links, headings, HTML or comments. A new section starts
    at each heading, so a long talk links a tool again where a reader may jump in.
    """
    skip = skip or set()
    sections: list[list[str]] = [[]]
    # iter_lines knows fences, so a "# comment" inside a code block is not a heading.
    for _index, line, kind in classify_lines(markdown):
        if kind == "heading" and sections[-1]:
            sections.append([])
        sections[-1].append(line)

    return "\n".join(_link_section("\n".join(section), page_path, catalog, skip) for section in sections)


def _link_section(text: str, page_path: str, catalog: Catalog, skip: set[str]) -> str:
    """Link the first prose mention of each tool in one section."""
    linked: set[str] = set()

    def link(prose: str, _index: int) -> str:
        pieces = []
        pos = 0
        for start, end, tool_id in catalog.matcher.find(prose):
            if tool_id in linked or tool_id in skip:
                continue
            linked.add(tool_id)
            pieces.append(prose[pos:start])
            pieces.append(f"[{prose[start:end]}]({rel(page_path, tool_path(tool_id))}){{ .confkb-tool }}")
            pos = end
        pieces.append(prose[pos:])
        return "".join(pieces)

    return map_prose(text, link)


def decorate_snippets(
    markdown: str, body_line: int, snippets: list[Snippet], verification: Verification
) -> str:
    """Put a status badge above every runnable block; split console blocks into command and output.

    A console block becomes a ``bash`` block of commands only, so the copy button copies
    exactly what to type; its output follows in a ``text`` block.
    """
    by_line = {s.line: s for s in snippets}
    lines = markdown.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        snippet = by_line.get(body_line + index)
        if snippet is None:
            out.append(lines[index])
            index += 1
            continue
        opening = lines[index]
        indent = opening[: len(opening) - len(opening.lstrip())]
        marker = re.match(r"[`~]+", opening.lstrip()).group(0)  # type: ignore[union-attr]
        end = index + 1
        while end < len(lines) and not re.match(rf"^[ \t]*{re.escape(marker)}[`~]*[ \t]*$", lines[end]):
            end += 1
        block = lines[index : end + 1]
        if snippet.kind != "text":
            out.append(indent + badge_line(snippet, verification.status(snippet)))
            out.append("")
        if snippet.language == "console":
            commands, output = split_console("\n".join(l[len(indent):] for l in block[1:-1]))
            if commands:
                out += [f"{indent}{marker}bash", *(indent + c for c in commands), indent + marker]
                if any(o.strip() for o in output):
                    out += ["", f"{indent}{marker}text", *(indent + o for o in output), indent + marker]
            else:
                out += block
        else:
            out += block
        index = end + 1
    return "\n".join(out)
