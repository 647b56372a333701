"""Terminal output: progress while snippets run, and a summary table at the end.

On a terminal the progress is one line redrawn in place (a bar and the counts); anywhere
else (CI logs, pipes) it is one plain line per finished snippet, so logs stay readable.
"""

from __future__ import annotations

import shutil
import sys
import threading
from typing import TextIO

from confkb.results.model import Result, RunSummary, Status

_ORDER = (
    Status.PASSED,
    Status.FAILED,
    Status.TIMED_OUT,
    Status.HARNESS_ERROR,
    Status.NOT_RUN,
    Status.SKIPPED,
)
_COLOURS = {
    Status.PASSED: "32",
    Status.FAILED: "31",
    Status.TIMED_OUT: "31",
    Status.HARNESS_ERROR: "35",
    Status.NOT_RUN: "33",
    Status.SKIPPED: "36",
}


def _paint(text: str, status: Status, colour: bool) -> str:
    return f"\033[{_COLOURS[status]}m{text}\033[0m" if colour else text


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class Progress:
    """Reports each finished snippet; safe to call from several worker threads.

    Args:
        total: Number of snippets in the run.
        stream: Where to write (standard error by default, so standard output stays for
            machine-readable output).
        tty: Force the in-place bar on or off; by default it is on when ``stream`` is a
            terminal.
    """

    def __init__(self, total: int, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.done = 0
        self.counts = {status: 0 for status in Status}
        self._lock = threading.Lock()

    def message(self, text: str) -> None:
        """A line of information (environment builds, sweeps) between progress updates."""
        with self._lock:
            if self.tty:
                self.stream.write("\r\033[K")
            self.stream.write(text + "\n")
            self.stream.flush()

    def finished(self, result: Result) -> None:
        """Record one finished snippet and show it."""
        with self._lock:
            self.done += 1
            self.counts[result.status] += 1
            if self.tty:
                self._draw(result)
            else:
                self._line(result)
            self.stream.flush()

    def close(self) -> None:
        """End the in-place line, if any."""
        with self._lock:
            if self.tty and self.done:
                self.stream.write("\n")
                self.stream.flush()

    def _line(self, result: Result) -> None:
        cached = " (cached)" if result.cached else ""
        reason = f" - {_shorten(result.reason, 120)}" if result.reason else ""
        self.stream.write(
            f"[{self.done}/{self.total}] {result.status.value.upper()}{cached} "
            f"{result.snippet_id} ({result.path}:{result.line}, {result.duration:.1f}s){reason}\n"
        )
        if result.status.is_failure and result.output:
            tail = result.output.rstrip().splitlines()[-5:]
            for line in tail:
                self.stream.write(f"    | {line}\n")

    def _draw(self, result: Result) -> None:
        width = shutil.get_terminal_size((100, 20)).columns
        if result.status is not Status.PASSED:
            # Anything not passed gets its own line, so it is not lost when the bar redraws.
            self.stream.write("\r\033[K")
            self._line(result)
        bar_width = 24
        filled = int(bar_width * self.done / max(1, self.total))
        bar = "#" * filled + "-" * (bar_width - filled)
        counts = " ".join(
            _paint(f"{self.counts[s]} {s.value}", s, True) for s in _ORDER if self.counts[s]
        )
        line = f"[{bar}] {self.done}/{self.total} {counts}"
        self.stream.write("\r\033[K" + line[: width + 40])


def summary_table(summary: RunSummary, *, colour: bool = False, width: int = 100) -> str:
    """A plain-text summary: counts per status and one row per snippet that did not pass.

    Args:
        summary: The run.
        colour: Colour the status words (for terminals).
        width: Width to fit reasons into.
    """
    results = summary.results
    lines = []
    cached = sum(1 for r in results if r.cached)
    counts = {s: sum(1 for r in results if r.status is s) for s in _ORDER}
    head = ", ".join(_paint(f"{counts[s]} {s.value}", s, colour) for s in _ORDER if counts[s])
    lines.append(f"{len(results)} snippets: {head or 'none'}" + (f" ({cached} from cache)" if cached else ""))
    others = [r for r in results if r.status is not Status.PASSED]
    if others:
        id_width = min(36, max(len("snippet"), *(len(r.snippet_id) for r in others)))
        status_width = max(len("status"), *(len(r.status.value) for r in others))
        lines.append("")
        lines.append(f"{'status':<{status_width}}  {'snippet':<{id_width}}  where / why")
        rank = {s: i for i, s in enumerate(_ORDER)}
        for r in sorted(others, key=lambda r: (rank[r.status], r.path, r.line)):
            status = _paint(f"{r.status.value:<{status_width}}", r.status, colour)
            snippet = _shorten(r.snippet_id, id_width)
            lines.append(f"{status}  {snippet:<{id_width}}  {r.path}:{r.line}")
            if r.reason:
                indent = " " * (status_width + id_width + 4)
                lines.append(indent + _shorten(r.reason, max(40, width - len(indent))))
    verdict = "FAILED" if summary.exit_code else "OK"
    lines.append("")
    lines.append(f"{verdict}: {summary.started_at} - {summary.finished_at}"
                 + (f", shard {summary.shard}" if summary.shard else "")
                 + (f", {summary.engine}" if summary.engine else ""))
    return "\n".join(lines) + "\n"
