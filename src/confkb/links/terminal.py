"""The link report for people: findings at ``path:line``, a summary, progress on long runs."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from confkb.links.model import LinkReport, LinkStatus

_SHOWN_ALWAYS = (LinkStatus.FAILED, LinkStatus.ERROR, LinkStatus.WARNING)


def format_findings(report: LinkReport, verbose: bool = False) -> list[str]:
    """One line per place a problem link is written, sorted by file and line.

    Args:
        report: The run.
        verbose: Show every link, not only failures, errors and warnings.

    Returns:
        Lines such as ``talks/x/y.md:12: failed: https://... (HTTP 404 Not Found)``.
    """
    rows = []
    for result in report.results:
        if not verbose and result.status not in _SHOWN_ALWAYS:
            continue
        for loc in result.places():
            # Internal links read best as the author wrote them, external ones as checked.
            shown = result.url if result.is_external else (loc.href or result.url)
            reason = f" ({result.reason})" if result.reason else ""
            rows.append((loc.path, loc.line, f"{loc}: {result.status}: {shown}{reason}"))
    return [text for _, _, text in sorted(rows)]


def format_summary(report: LinkReport) -> str:
    """The closing lines: counts per status, requests and time, and the verdict."""
    counts = report.counts()
    parts = [f"{counts[LinkStatus.OK]} ok"] + [
        f"{n} {status}" for status, n in counts.items() if n and status is not LinkStatus.OK
    ]
    external = sum(1 for r in report.results if r.is_external)
    head = (
        f"links: {len(report.results)} targets on {report.pages} pages: {', '.join(parts)}"
        f"\n       {external} external URLs, {report.requests} requests, {report.duration:.1f} s"
    )
    if report.offline:
        head += " (offline: external links not checked)"
    failed, errors = counts[LinkStatus.FAILED], counts[LinkStatus.ERROR]
    problems = []
    if failed:
        problems.append(f"{failed} broken link{'s' if failed != 1 else ''}")
    if errors:
        problems.append(f"{errors} link{'s' if errors != 1 else ''} could not be checked")
    verdict = f"FAILED: {', '.join(problems)}" if problems else "links OK"
    return f"{head}\n{verdict}"


def format_report(report: LinkReport, verbose: bool = False) -> str:
    """Notes, findings and summary, ready to print."""
    lines = [f"note: {n}" for n in report.notes]
    lines += format_findings(report, verbose)
    lines.append(format_summary(report))
    return "\n".join(lines)


class ProgressLine:
    """Progress of external checks on a terminal (a rewritten line) or a CI log (milestones)."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.2) -> None:
        """Write progress to ``stream`` (stderr by default) at most every ``interval`` s."""
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._milestone = 0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` URLs are checked."""
        if self.tty:
            now = time.monotonic()
            if done == total or now - self._last >= self.interval:
                self._last = now
                self.stream.write(f"\rchecking external links: {done}/{total}")
                self.stream.flush()
                self._drawn = True
        elif total >= 100:
            # A log gets a line at every tenth, not a line per URL.
            step = done * 10 // total
            if step > self._milestone:
                self._milestone = step
                self.stream.write(f"checking external links: {done}/{total}\n")
                self.stream.flush()

    def finish(self) -> None:
        """End the progress line, so the report starts on a fresh one."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
