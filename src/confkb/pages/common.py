"""Helpers shared by the page generators: paths, relative links, dates, badges."""

from __future__ import annotations

import datetime as dt
import functools
import html
import posixpath
from dataclasses import dataclass, field

from confkb.model import LANGUAGES, Event, Talk, Tool
from confkb.results.model import Result, Status
from confkb.snippets.model import Snippet


@dataclass(frozen=True)
class Page:
    """A generated Markdown page.

    Attributes:
        path: Path under the docs root, e.g. ``tools/trivy.md``.
        title: Page title (for the navigation).
        content: The Markdown source.
        sources: Knowledge-base files the page is made from (for link findings and reloads).
    """

    path: str
    title: str
    content: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SnippetStatus:
    """What the site says about one snippet: its latest result, if it matches the snippet."""

    result: Result | None = None
    stale: bool = False


@dataclass
class Verification:
    """Snippet results available to the pages (empty when no results file exists)."""

    results: dict[str, Result] = field(default_factory=dict)
    finished_at: str = ""
    engine: str = ""

    def status(self, snippet: Snippet) -> SnippetStatus:
        """The result of a snippet, or a stale marker when the snippet changed since it ran."""
        result = self.results.get(snippet.id)
        if result is None:
            return SnippetStatus()
        if result.hash != snippet.hash:
            return SnippetStatus(result=None, stale=True)
        return SnippetStatus(result=result)


# --- paths ------------------------------------------------------------------------------------

def talk_path(talk: Talk) -> str:
    """Docs path of a talk page."""
    return f"talks/{talk.event_id}/{talk.slug}.md"


def event_path(event_id: str) -> str:
    """Docs path of an event page."""
    return f"events/{event_id}.md"


def tool_path(tool_id: str) -> str:
    """Docs path of a tool page."""
    return f"tools/{tool_id}.md"


def speaker_path(speaker_id: str) -> str:
    """Docs path of a speaker page."""
    return f"speakers/{speaker_id}.md"


TAGS_PATH = "tags/index.md"
TOOLS_INDEX = "tools/index.md"
EVENTS_INDEX = "events/index.md"
SPEAKERS_INDEX = "speakers/index.md"
SNIPPETS_PATH = "snippets/index.md"
HOME_PATH = "index.md"


@functools.lru_cache(maxsize=65536)
def rel(from_path: str, to_path: str) -> str:
    """A relative Markdown link from one docs page to another (MkDocs checks and rewrites it).

    Both paths are normalised docs paths (no ``.`` or ``..`` parts), so plain string work
    does what ``posixpath.relpath`` does, without its file-system normalisation per call.
    """
    start = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(start) and common < len(target) - 1 and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a docs path, relative to the site root."""
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_path: str, to_path: str, directory_urls: bool = True) -> str:
    """A relative URL for raw HTML (which MkDocs does not rewrite)."""
    start = posixpath.dirname(page_url(from_path, directory_urls).rstrip("/") + "/x") if directory_urls \
        else posixpath.dirname(page_url(from_path, directory_urls))
    target = page_url(to_path, directory_urls)
    out = posixpath.relpath(target or ".", start or ".")
    if target.endswith("/") and not out.endswith("/"):
        out += "/"
    return out


# --- text -------------------------------------------------------------------------------------

def long_date(day: dt.date) -> str:
    """``13 November 2019``."""
    return f"{day.day} {day.strftime('%B %Y')}"


def date_range(event: Event) -> str:
    """``13–14 November 2019`` and the like."""
    if event.start == event.end:
        return long_date(event.start)
    if (event.start.year, event.start.month) == (event.end.year, event.end.month):
        return f"{event.start.day}–{event.end.day} {event.end.strftime('%B %Y')}"
    return f"{long_date(event.start)} – {long_date(event.end)}"


def language_name(code: str) -> str:
    """``de`` -> ``Deutsch``."""
    return LANGUAGES.get(code, code)


def md_escape(text: str) -> str:
    """Escape text for use inside Markdown link text or table cells."""
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def esc(text: str) -> str:
    """Escape text for raw HTML."""
    return html.escape(text, quote=True)


# --- badges -----------------------------------------------------------------------------------

_STATUS_SLUG = {s: s.value.replace(" ", "-") for s in Status}


def badge(snippet: Snippet, status: SnippetStatus) -> str:
    """An inline HTML badge: status, date and environment of the latest verification."""
    result = status.result
    if result is None:
        label = "changed since last verified" if status.stale else "not yet verified"
        return (
            f'<span class="confkb-badge confkb-unverified" data-snippet="{esc(snippet.id)}" '
            f'title="{esc(snippet.location)}">{label}</span>'
        )
    slug = _STATUS_SLUG[result.status]
    day = result.finished_at[:10]
    parts = [result.status.value]
    if day:
        parts.append(day)
    if result.environment:
        parts.append(result.environment.split("@")[0])
    title = result.reason or f"{result.status.value} at {result.finished_at}"
    if result.environment:
        title += f" in {result.environment}"
    return (
        f'<span class="confkb-badge confkb-{slug}" data-snippet="{esc(snippet.id)}" '
        f'data-status="{esc(result.status.value)}" title="{esc(title)}">{esc(" · ".join(parts))}</span>'
    )


def badge_line(snippet: Snippet, status: SnippetStatus) -> str:
    """A badge with the reason or note spelled out, as one Markdown paragraph of raw HTML."""
    parts = [badge(snippet, status)]
    result = status.result
    if result is not None and result.status in {Status.NOT_RUN, Status.SKIPPED} and result.reason:
        parts.append(f'<span class="confkb-reason">{esc(result.reason)}</span>')
    if snippet.directives.note:
        parts.append(f'<span class="confkb-note">{esc(snippet.directives.note)}</span>')
    return '<p class="confkb-snippet-status">' + " ".join(parts) + "</p>"


def tool_link(from_path: str, tool: Tool) -> str:
    """A Markdown link to a tool page."""
    return f"[{md_escape(tool.name)}]({rel(from_path, tool_path(tool.id))})"
