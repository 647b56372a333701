"""Results: one status vocabulary and one run summary for every report and the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """What happened to a snippet. ``failed`` is the snippet's fault; ``harness error`` ours."""

    PASSED = "passed"
    FAILED = "failed"
    TIMED_OUT = "timed out"
    SKIPPED = "skipped"
    NOT_RUN = "not run"
    HARNESS_ERROR = "harness error"

    @property
    def is_failure(self) -> bool:
        """Statuses that make a run exit non-zero."""
        return self in {Status.FAILED, Status.TIMED_OUT, Status.HARNESS_ERROR}


@dataclass(frozen=True)
class Result:
    """The outcome of one snippet.

    Attributes:
        snippet_id: The snippet's stable id.
        path: Source file of the snippet.
        line: Line of its opening fence.
        hash: The snippet's content hash when it ran (a stale result does not match).
        status: One of :class:`Status`.
        reason: Why it was skipped, not run, failed or broke; empty when it passed.
        exit_code: Exit code of the block, when it ran.
        duration: Seconds spent on it.
        output: Combined output, capped.
        environment: Environment name and image id, e.g. ``shell@sha256:ab12...``.
        finished_at: ISO 8601 UTC time the result was produced.
        cached: True when taken from the cache rather than run now.
        lint: shellcheck findings (informational), ``line: message``.
        tools: Tool ids the snippet uses (for filtering the catalogue).
    """

    snippet_id: str
    path: str
    line: int
    hash: str
    status: Status
    reason: str = ""
    exit_code: int | None = None
    duration: float = 0.0
    output: str = ""
    environment: str = ""
    finished_at: str = ""
    cached: bool = False
    lint: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunSummary:
    """One run of the snippet runner."""

    results: tuple[Result, ...]
    started_at: str
    finished_at: str
    engine: str = ""
    runner_version: str = ""
    shard: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 unless something failed, timed out or broke."""
        return 1 if any(r.status.is_failure for r in self.results) else 0
