"""Load ``talks/<event>/<slug>.md``: front matter, body and fences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from confkb.load.fences import scan_fences
from confkb.load.fields import SLUG, Fields
from confkb.load.source import parse_yaml, read_text, split_front_matter
from confkb.model import LANGUAGES, Source, Speaker, Talk, TalkLinks
from confkb.problems import Problem

TALK_FIELDS = {"title", "kind", "speakers", "date", "language", "tags", "tools", "links", "summary"}
SPEAKER_FIELDS = {"id", "name", "affiliation", "links", "note"}
LINK_FIELDS = {"slides", "video", "repository"}
KINDS = {"keynote", "talk", "workshop", "notes"}


def slugify(text: str) -> str:
    """A lower-case ASCII slug: ``Łukasz Lach`` -> ``lukasz-lach``."""
    import unicodedata

    text = text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c if c.isalnum() else "-" for c in ascii_text.lower())
    return "-".join(part for part in out.split("-") if part)


def _speaker(f: Fields, index: int, item: Any) -> Speaker | str | None:
    """A speaker entry: a mapping defines a speaker, a string refers to one defined elsewhere."""
    if isinstance(item, str):
        ref = item.strip()
        if not SLUG.match(ref):
            f.bad(f"speakers.{index}", f"{ref!r} is not a speaker id; write a mapping with name and affiliation")
            return None
        return ref
    s = Fields(f.doc, item, f.key(f"speakers.{index}"), SPEAKER_FIELDS)
    name = s.string("name", required=True)
    speaker_id = s.string("id", pattern=SLUG, what="a lower-case id") or (slugify(name) if name else None)
    links_raw = s.raw("links") or {}
    links: list[tuple[str, str]] = []
    if not isinstance(links_raw, dict):
        s.bad("links", "must be a mapping of label: URL")
    else:
        for label, url in links_raw.items():
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                s.bad(f"links.{label}", "must be an http(s) URL")
            else:
                links.append((str(label), url))
    speaker = (
        Speaker(id=speaker_id, name=name, affiliation=s.string("affiliation"), links=tuple(links),
                note=s.string("note"))
        if name and speaker_id
        else None
    )
    f.problems += s.problems
    return speaker


def load_talk(file: Path, rel: str, event_id: str) -> tuple[Talk | None, list[Problem]]:
    """Read and validate one talk file; references are resolved later by the knowledge base."""
    text, problems = read_text(file, rel)
    if text is None:
        return None, problems
    front, body, body_line, problems = split_front_matter(text, rel)
    if front is None:
        return None, problems
    doc, problems = parse_yaml(front, rel, first_line=2)
    if doc is None:
        return None, problems
    f = Fields(doc, doc.data, "", TALK_FIELDS)
    slug = file.stem
    if not SLUG.match(slug):
        f.problems.append(Problem(rel, 1, "slug", f"file name {slug!r} must be lower case a-z, 0-9 and '-'"))
    title = f.string("title", required=True)
    kind = f.string("kind") or "talk"
    if kind not in KINDS:
        f.bad("kind", f"unknown kind {kind!r}; use one of {', '.join(sorted(KINDS))}")
    speakers_raw = f.raw("speakers", required=kind != "notes")
    speakers: list[Speaker | str] = []
    if speakers_raw is not None:
        if not isinstance(speakers_raw, list):
            f.bad("speakers", "must be a list of speakers ({name, affiliation}) or speaker ids")
        else:
            if not speakers_raw and kind != "notes":
                f.bad("speakers", "a talk needs at least one speaker (use kind: notes for loose notes)")
            for index, item in enumerate(speakers_raw):
                speaker = _speaker(f, index, item)
                if speaker is not None:
                    speakers.append(speaker)
    date = f.date("date", required=True)
    language = f.string("language", required=True)
    if language and language not in LANGUAGES:
        f.bad("language", f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    tags = f.strings("tags", pattern=SLUG, what="a lower-case tag (a-z, 0-9, -)")
    tools = f.strings("tools", pattern=SLUG, what="a tool id")
    links_fields = Fields(doc, f.raw("links") or {}, "links", LINK_FIELDS)
    links = TalkLinks(
        slides=links_fields.url("slides"),
        video=links_fields.url("video"),
        repository=links_fields.url("repository"),
    )
    f.problems += links_fields.problems
    summary = f.string("summary", required=True)
    fences, fence_problems = scan_fences(body, rel, first_line=body_line)
    problems = f.problems + fence_problems
    if not (title and date and language in LANGUAGES):
        return None, problems
    talk = Talk(
        slug=slug,
        event_id=event_id,
        title=title,
        speakers=tuple(speakers),  # type: ignore[arg-type]  # refs are resolved by the loader
        date=date,
        language=language,
        tags=tags,
        tools=tools,
        links=links,
        summary=summary or "",
        body=body,
        body_line=body_line,
        fences=tuple(fences),
        kind=kind if kind in KINDS else "talk",
        source=Source(rel, 1),
        lines=dict(doc.lines),
    )
    return talk, problems
