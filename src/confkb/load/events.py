"""Load ``talks/<event>/event.yml``."""

from __future__ import annotations

from pathlib import Path

from confkb.load.fields import Fields
from confkb.load.source import read_yaml_file
from confkb.model import LANGUAGES, Event, Source
from confkb.problems import Problem

EVENT_FIELDS = {"name", "start", "end", "city", "country", "venue", "url", "languages", "description"}


def load_event(file: Path, rel: str, event_id: str) -> tuple[Event | None, list[Problem]]:
    """Read and validate one event file."""
    doc, problems = read_yaml_file(file, rel)
    if doc is None:
        return None, problems
    f = Fields(doc, doc.data, "", EVENT_FIELDS)
    name = f.string("name", required=True)
    start = f.date("start", required=True)
    end = f.date("end", required=True)
    city = f.string("city", required=True)
    languages = f.strings("languages", required=True)
    for index, lang in enumerate(languages):
        if lang not in LANGUAGES:
            f.bad(f"languages.{index}", f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    if start and end and end < start:
        f.bad("end", f"{end} is before the start {start}")
    description = f.string("description", required=True)
    event = Event(
        id=event_id,
        name=name or event_id,
        start=start or end,  # type: ignore[arg-type]
        end=end or start,  # type: ignore[arg-type]
        city=city or "",
        venue=f.string("venue"),
        country=f.string("country"),
        url=f.url("url"),
        languages=tuple(lang for lang in languages if lang in LANGUAGES),
        description=description or "",
        source=Source(rel, 1),
    )
    if f.problems or not (name and start and end):
        return (event if start and end else None), f.problems
    return event, []
