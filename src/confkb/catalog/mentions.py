"""Find tool names in talk prose: for the tool pages' context sentences and for auto-links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from confkb.catalog.prose import iter_lines, plain_text, split_line
from confkb.model import Talk, Tool

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9\"'(])")


@dataclass(frozen=True)
class Mention:
    """A tool named in a talk's prose.

    Attributes:
        tool_id: The tool.
        talk_id: The talk (``event/slug``).
        line: Line in the talk file.
        sentence: The sentence around the name, as plain text.
    """

    tool_id: str
    talk_id: str
    line: int
    sentence: str


_TOKEN = re.compile(r"[A-Za-z0-9]+")
_BEFORE = re.compile(r"[\w/.@-]")
_AFTER = re.compile(r"[\w/@-]|\.\w")


class ToolMatcher:
    """Matches any tool name or alias as a whole word, longest name first.

    Names are indexed by their first word, so a text is scanned once word by word instead
    of trying hundreds of alternatives at every position.
    """

    def __init__(self, tools: Iterable[Tool]) -> None:
        self.by_name: dict[str, str] = {}
        for tool in tools:
            for name in tool.prose_names:
                self.by_name.setdefault(name, tool.id)
        self.by_first: dict[str, list[str]] = {}
        for name in sorted(self.by_name, key=len, reverse=True):
            first = _TOKEN.match(name)
            if first and first.start() == 0:
                self.by_first.setdefault(first.group(0), []).append(name)

    def _whole_word(self, text: str, start: int, end: int) -> bool:
        # Not part of a longer word, path, id or domain ("k3s-io", "trivy.dev", "docs/oras").
        if start and _BEFORE.match(text[start - 1]):
            return False
        return not _AFTER.match(text, end)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, tool_id)`` of every tool name in a prose text."""
        found: list[tuple[int, int, str]] = []
        pos = 0
        for token in _TOKEN.finditer(text):
            start = token.start()
            names = self.by_first.get(token.group(0))
            if start < pos or not names:
                continue
            for name in names:
                end = start + len(name)
                if text.startswith(name, start) and self._whole_word(text, start, end):
                    found.append((start, end, self.by_name[name]))
                    pos = end
                    break
        return found


def _sentence(line: str, start: int) -> str:
    """The sentence of a line that contains position ``start``."""
    pos = 0
    for part in _SENTENCE_END.split(line):
        end = pos + len(part)
        if start <= end:
            return plain_text(part)
        pos = end + 1
    return plain_text(line)


_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s+")


def _paragraph(lines: list[tuple[str, bool]], index: int) -> tuple[str, int]:
    """The paragraph (or list item) around line ``index``, joined, and where that line starts in it."""
    start = index
    while start > 0 and lines[start - 1][1] and not _ITEM.match(lines[start][0]):
        start -= 1
    end = index
    while end + 1 < len(lines) and lines[end + 1][1] and not _ITEM.match(lines[end + 1][0]):
        end += 1
    parts = [lines[i][0].strip() for i in range(start, end + 1)]
    offset = sum(len(p) + 1 for p in parts[: index - start])
    lead = len(lines[index][0]) - len(lines[index][0].lstrip())
    return " ".join(parts), offset - lead


def find_mentions(talk: Talk, matcher: ToolMatcher) -> list[Mention]:
    """Every tool named in a talk's prose, one mention per tool and line."""
    mentions: list[Mention] = []
    seen: set[tuple[str, int]] = set()
    lines = [(line, prose) for _index, line, prose in iter_lines(talk.body)]
    for index, (line, prose) in enumerate(lines):
        if not prose:
            continue
        offset = 0
        for segment in split_line(line):
            if segment.prose:
                for start, _end, tool_id in matcher.find(segment.text):
                    key = (tool_id, index)
                    if key not in seen:
                        seen.add(key)
                        paragraph, shift = _paragraph(lines, index)
                        mentions.append(
                            Mention(tool_id, talk.id, talk.body_line + index,
                                    _sentence(paragraph, shift + offset + start))
                        )
            offset += len(segment.text)
    return mentions
