"""The knowledge-base model: frozen dataclasses, each knowing the file it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LANGUAGES = {"en": "English", "de": "Deutsch"}

CATEGORIES = {
    "image-build": "Image build",
    "security-scanning": "Security scanning",
    "orchestration": "Orchestration",
    "runtime": "Runtime",
    "registry-artifacts": "Registries and artifacts",
    "testing": "Testing",
    "packaging": "Packaging",
    "debugging": "Debugging",
    "iac": "Infrastructure as code",
    "ci-cd": "CI/CD",
}

TOOL_STATES = {"active", "maintained", "dormant", "deprecated", "archived"}


@dataclass(frozen=True)
class Source:
    """Where a model object was read from."""

    path: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Event:
    """A conference, read from ``talks/<id>/event.yml``."""

    id: str
    name: str
    start: dt.date
    end: dt.date
    city: str
    venue: str | None
    country: str | None
    url: str | None
    languages: tuple[str, ...]
    description: str
    source: Source


@dataclass(frozen=True)
class Speaker:
    """A person who gave a talk. ``id`` is the slug of the name unless given."""

    id: str
    name: str
    affiliation: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class TalkLinks:
    """Optional links of a talk."""

    slides: str | None = None
    video: str | None = None
    repository: str | None = None


@dataclass(frozen=True)
class Fence:
    """A fenced code block as written in a Markdown file.

    Attributes:
        line: 1-based line of the opening fence.
        language: The info-string language, lower-cased ("" when missing).
        code: The block body, without the fences.
        directives: The raw text of a ``<!-- snippet: ... -->`` comment right above, if any.
        directive_line: Line of that comment (0 when none).
    """

    line: int
    language: str
    code: str
    directives: str = ""
    directive_line: int = 0


@dataclass(frozen=True)
class Talk:
    """One talk note: ``talks/<event>/<slug>.md``."""

    slug: str
    event_id: str
    title: str
    speakers: tuple[Speaker, ...]
    date: dt.date
    language: str
    tags: tuple[str, ...]
    tools: tuple[str, ...]
    links: TalkLinks
    summary: str
    body: str
    body_line: int
    fences: tuple[Fence, ...]
    kind: str
    source: Source
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def id(self) -> str:
        """Globally unique id: ``<event>/<slug>``."""
        return f"{self.event_id}/{self.slug}"


@dataclass(frozen=True)
class ToolStatus:
    """Life-cycle state of a tool."""

    state: str
    since: dt.date | None = None
    successor: str | None = None
    note: str | None = None

    @property
    def is_retired(self) -> bool:
        """True for tools a reader should no longer start with."""
        return self.state in {"archived", "deprecated"}


@dataclass(frozen=True)
class ToolExample:
    """An example command in a tool file; it is extracted and tested like a talk snippet."""

    title: str
    language: str
    code: str
    directives: str
    line: int


@dataclass(frozen=True)
class Tool:
    """A tool, read from ``tools/<id>.yml``."""

    id: str
    name: str
    aliases: tuple[str, ...]
    description: str
    category: str
    homepage: str | None
    repository: str | None
    license: str | None
    maintainer: str | None
    status: ToolStatus
    image: str | None
    smoke_command: str | None
    related: tuple[str, ...]
    alternatives: tuple[str, ...]
    examples: tuple[ToolExample, ...]
    notes: str
    source: Source
    autolink: bool = True
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias: what prose may call this tool."""
        return (self.name, *self.aliases)

    @property
    def prose_names(self) -> tuple[str, ...]:
        """Names that link to this tool when they appear in prose."""
        return self.names if self.autolink else self.aliases


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded from one knowledge-base root, validated."""

    root: str
    events: tuple[Event, ...]
    talks: tuple[Talk, ...]
    tools: tuple[Tool, ...]
    speakers: tuple[Speaker, ...] = field(default=())
