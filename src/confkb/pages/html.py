"""Post-processing of rendered HTML pages (generator-neutral)."""

from __future__ import annotations

import re

# Whitespace inside these elements is meaningful (or code): never touch it.
_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")


def compact_html(html: str) -> str:
    """Collapse each run of blank lines and indentation to a single newline.

    Material's templates indent every navigation item deeply; on a knowledge base with a
    thousand talks this halves the bytes of every page. Whitespace that contains a line break
    stays a line break, so inline spacing is unchanged, and ``pre``, ``textarea``,
    ``script`` and ``style`` elements are copied as they are.
    """
    parts = _KEEP.split(html)
    out = []
    # re.split with two groups yields: text, whole kept element, its tag name, text, ...
    for index in range(0, len(parts), 3):
        out.append(_LINE_BREAKS.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)
