"""Content problems: every finding knows where it is, and all are reported at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, at a place an author can jump to.

    Attributes:
        path: File path relative to the knowledge-base root (POSIX separators).
        line: 1-based line number; 0 when the whole file is concerned.
        field: The front-matter or YAML field concerned, or a short topic such as ``fence``.
        message: What is wrong, written for the author.
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(Exception):
    """Raised when the content has problems; carries every problem found, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, followed by a count."""
        lines = [str(p) for p in self.problems]
        n = len(self.problems)
        lines.append(f"{n} problem{'s' if n != 1 else ''} found")
        return "\n".join(lines)
