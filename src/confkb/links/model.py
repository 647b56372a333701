"""The link vocabulary: where a link is, what happened to it, and one report per run.

"The link is broken" (``failed``: the server answered, and the answer is bad) is kept apart
from "we could not make the request" (``error``: DNS, refused connection, timeout): the first
is the author's to fix, the second may be the network's or ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LinkStatus(StrEnum):
    """What happened to one link."""

    OK = "ok"
    REDIRECTED = "redirected"
    WARNING = "warning"
    FAILED = "failed"
    ERROR = "error"
    IGNORED = "ignored"
    CACHED = "cached"

    @property
    def is_failure(self) -> bool:
        """Statuses that make a run exit non-zero."""
        return self in {LinkStatus.FAILED, LinkStatus.ERROR}

    @property
    def is_problem(self) -> bool:
        """Statuses worth showing an author (failures and warnings)."""
        return self in {LinkStatus.FAILED, LinkStatus.ERROR, LinkStatus.WARNING}

    @property
    def is_success(self) -> bool:
        """Statuses that mean the target was reached."""
        return self in {LinkStatus.OK, LinkStatus.REDIRECTED, LinkStatus.CACHED}


class LinkKind(StrEnum):
    """Where a link points."""

    INTERNAL = "internal"
    EXTERNAL = "external"


@dataclass(frozen=True, order=True)
class Location:
    """Where a link was written, as an author would open it.

    Attributes:
        path: Source file relative to the knowledge-base root (``talks/...``, ``tools/...``,
            ``docs/...``), or the HTML file when no source is known.
        line: 1-based line in ``path``.
        page: The built HTML page the link was found in, relative to the site folder.
        href: The link as written in the HTML (``href``/``src`` value).
        text: The link text or image ``alt``, for people and for finding the source line.
    """

    path: str
    line: int
    page: str = ""
    href: str = ""
    text: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class LinkResult:
    """The outcome for one link target, with every place that links to it.

    Attributes:
        url: The target: an absolute URL without fragment for an external link; for an
            internal one, the target file in the site plus its ``#fragment``.
        kind: Internal or external.
        status: One of :class:`LinkStatus`.
        reason: Why, in words (``HTTP 404 Not Found``, ``missing anchor #install``, ...);
            empty for a plain success.
        code: The final HTTP status code, when there was a response.
        final_url: Where redirects ended, when the link was redirected.
        locations: Every place the link occurs, sorted.
        requests: HTTP requests made for this link in this run (0 when cached or internal).
        duration: Seconds spent on it, including retries and waits.
        cached: True when the outcome was taken from the cache.
    """

    url: str
    kind: LinkKind
    status: LinkStatus
    reason: str = ""
    code: int | None = None
    final_url: str = ""
    locations: tuple[Location, ...] = ()
    requests: int = 0
    duration: float = 0.0
    cached: bool = False

    @property
    def is_external(self) -> bool:
        """True for links to other sites."""
        return self.kind is LinkKind.EXTERNAL

    def places(self) -> list[Location]:
        """The locations, one per ``path:line``.

        A tool page and a talk page may both show a link from the talk's front matter: two
        pages, one line to fix, so one finding.
        """
        seen: dict[tuple[str, int], Location] = {}
        for loc in self.locations:
            seen.setdefault((loc.path, loc.line), loc)
        return list(seen.values())


@dataclass(frozen=True)
class LinkReport:
    """One run of the link checker.

    Attributes:
        results: One entry per link target, internal first, each sorted by URL.
        pages: Number of HTML pages read.
        started_at: ISO 8601 UTC time the run started.
        finished_at: ISO 8601 UTC time it ended.
        duration: Seconds for the whole run.
        offline: True when external links were not checked.
        notes: Things the run could not do as asked (e.g. an unreadable manifest), for the
            terminal; they never change the exit code.
    """

    results: tuple[LinkResult, ...]
    pages: int
    started_at: str = ""
    finished_at: str = ""
    duration: float = 0.0
    offline: bool = False
    notes: tuple[str, ...] = field(default=())

    def counts(self) -> dict[LinkStatus, int]:
        """Number of link targets per status, every status present (zero included)."""
        counts = {status: 0 for status in LinkStatus}
        for result in self.results:
            counts[result.status] += 1
        return counts

    @property
    def requests(self) -> int:
        """HTTP requests made in this run."""
        return sum(r.requests for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 unless a link that must pass failed or could not be checked."""
        return 1 if any(r.status.is_failure for r in self.results) else 0
