"""Load a knowledge base from disk, validate it, and report every problem at once."""

from __future__ import annotations

from pathlib import Path

from confkb.load.events import load_event
from confkb.load.fields import SLUG, Fields
from confkb.load.source import read_yaml_file
from confkb.load.talks import _speaker, load_talk, slugify
from confkb.load.tools import load_tool
from confkb.model import Event, KnowledgeBase, Speaker, Talk, Tool
from confkb.problems import ContentError, Problem

__all__ = ["load_knowledge_base", "slugify"]


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _load_tools(root: Path, tools_dir: str, problems: list[Problem]) -> list[Tool]:
    folder = root / tools_dir
    tools: list[Tool] = []
    seen: dict[str, str] = {}
    if not folder.is_dir():
        return tools
    for file in sorted(folder.iterdir()):
        if file.name.startswith(".") or file.is_dir() or file.name.lower() == "readme.md":
            continue
        rel = _rel(file, root)
        if file.suffix not in {".yml", ".yaml"}:
            problems.append(Problem(rel, 1, "file", "not a tool file; tool files end in .yml"))
            continue
        tool_id = file.stem
        if tool_id.lower() in seen:
            problems.append(Problem(rel, 1, "id", f"duplicate tool id {tool_id!r}: also {seen[tool_id.lower()]}"))
            continue
        seen[tool_id.lower()] = rel
        tool, found = load_tool(file, rel, tool_id)
        problems += found
        if tool:
            tools.append(tool)
    return tools


def _check_tool_refs(tools: list[Tool], problems: list[Problem]) -> None:
    ids = {t.id for t in tools}
    owners: dict[str, Tool] = {}
    for tool in tools:
        for kind in ("related", "alternatives"):
            for index, ref in enumerate(getattr(tool, kind)):
                if ref not in ids:
                    line = tool.lines.get(f"{kind}.{index}", 1)
                    problems.append(Problem(tool.source.path, line, kind, f"unknown tool {ref!r}"))
                elif ref == tool.id:
                    line = tool.lines.get(f"{kind}.{index}", 1)
                    problems.append(Problem(tool.source.path, line, kind, "a tool cannot list itself"))
        for name in tool.prose_names:
            other = owners.setdefault(name, tool)
            if other is not tool:
                problems.append(
                    Problem(tool.source.path, tool.lines.get("aliases", tool.lines.get("name", 1)), "aliases",
                            f"name {name!r} is also used by {other.source.path}")
                )


def _load_speaker_registry(root: Path, talks_dir: str, problems: list[Problem]) -> dict[str, Speaker]:
    file = root / talks_dir / "speakers.yml"
    if not file.is_file():
        return {}
    rel = _rel(file, root)
    doc, found = read_yaml_file(file, rel)
    problems += found
    if doc is None:
        return {}
    if not isinstance(doc.data, list):
        problems.append(Problem(rel, 1, "speakers", "must be a list of {id, name, affiliation}"))
        return {}
    holder = Fields(doc, {"speakers": doc.data}, "", {"speakers"})
    registry: dict[str, Speaker] = {}
    for index, item in enumerate(doc.data):
        holder.prefix = ""
        speaker = _speaker(holder, index, item)
        if isinstance(speaker, Speaker):
            registry[speaker.id] = speaker
    for problem in holder.problems:  # the holder invents a 'speakers.' prefix: drop it
        problems.append(Problem(problem.path, problem.line, problem.field.removeprefix("speakers."), problem.message))
    return registry


def _resolve_speakers(talks: list[Talk], registry: dict[str, Speaker], problems: list[Problem]) -> tuple[list[Talk], list[Speaker]]:
    known = dict(registry)
    for talk in talks:  # inline definitions first, so references may point to any talk
        for index, speaker in enumerate(talk.speakers):
            if isinstance(speaker, Speaker):
                first = known.setdefault(speaker.id, speaker)
                if first.name != speaker.name:
                    problems.append(
                        Problem(talk.source.path, talk.lines.get(f"speakers.{index}", 1), f"speakers.{index}",
                                f"speaker id {speaker.id!r} is already {first.name!r}; give this speaker another id")
                    )
    resolved: list[Talk] = []
    for talk in talks:
        speakers: list[Speaker] = []
        for index, speaker in enumerate(talk.speakers):
            if isinstance(speaker, str):
                if speaker not in known:
                    problems.append(
                        Problem(talk.source.path, talk.lines.get(f"speakers.{index}", 1), f"speakers.{index}",
                                f"unknown speaker {speaker!r}; define it with name and affiliation")
                    )
                    continue
                speaker = known[speaker]
            speakers.append(speaker)
        resolved.append(_replace(talk, speakers=tuple(speakers)))
    return resolved, sorted(known.values(), key=lambda s: s.name.lower())


def _replace(talk: Talk, **changes: object) -> Talk:
    from dataclasses import replace

    return replace(talk, **changes)  # type: ignore[arg-type]


def _load_events_and_talks(root: Path, talks_dir: str, problems: list[Problem]) -> tuple[list[Event], list[Talk]]:
    folder = root / talks_dir
    events: list[Event] = []
    talks: list[Talk] = []
    if not folder.is_dir():
        problems.append(Problem(talks_dir, 0, "talks", f"folder {talks_dir}/ not found"))
        return events, talks
    for event_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        event_id = event_dir.name
        event_file = event_dir / "event.yml"
        event = None
        if not SLUG.match(event_id):
            problems.append(Problem(_rel(event_dir, root), 0, "event", f"folder name {event_id!r} must be a lower-case id"))
        if event_file.is_file():
            event, found = load_event(event_file, _rel(event_file, root), event_id)
            problems += found
            if event:
                events.append(event)
        slugs: dict[str, str] = {}
        for file in sorted(event_dir.glob("*.md")):
            rel = _rel(file, root)
            if file.name.lower() == "readme.md":
                continue
            if not event_file.is_file():
                problems.append(Problem(rel, 1, "event", f"unknown event {event_id!r}: {_rel(event_file, root)} is missing"))
            key = file.stem.lower()
            if key in slugs:
                problems.append(Problem(rel, 1, "slug", f"duplicate talk slug {file.stem!r}: also {slugs[key]}"))
                continue
            slugs[key] = rel
            talk, found = load_talk(file, rel, event_id)
            problems += found
            if talk is None:
                continue
            talks.append(talk)
            if event:
                if not event.start <= talk.date <= event.end:
                    problems.append(Problem(rel, talk.lines.get("date", 1), "date",
                                            f"{talk.date} is outside the event ({event.start} to {event.end})"))
                if talk.language not in event.languages:
                    problems.append(Problem(rel, talk.lines.get("language", 1), "language",
                                            f"{talk.language!r} is not among the event's languages "
                                            f"({', '.join(event.languages)}) in {event.source.path}"))
    return events, talks


def load_knowledge_base(root: Path | str, talks_dir: str = "talks", tools_dir: str = "tools") -> KnowledgeBase:
    """Load and validate a whole knowledge base.

    Args:
        root: Folder holding ``talks/`` and ``tools/``.
        talks_dir: Name of the talks folder under ``root``.
        tools_dir: Name of the tools folder under ``root``.

    Returns:
        The validated knowledge base.

    Raises:
        ContentError: With every problem found, each at ``path:line``.
    """
    root = Path(root)
    problems: list[Problem] = []
    tools = _load_tools(root, tools_dir, problems)
    _check_tool_refs(tools, problems)
    events, talks = _load_events_and_talks(root, talks_dir, problems)
    registry = _load_speaker_registry(root, talks_dir, problems)
    talks, speakers = _resolve_speakers(talks, registry, problems)
    tool_ids = {t.id for t in tools}
    for talk in talks:
        for index, ref in enumerate(talk.tools):
            if ref not in tool_ids:
                problems.append(Problem(talk.source.path, talk.lines.get(f"tools.{index}", 1), f"tools.{index}",
                                        f"unknown tool {ref!r}; add {tools_dir}/{ref}.yml or fix the id"))
    if problems:
        raise ContentError(problems)
    return KnowledgeBase(
        root=str(root),
        events=tuple(sorted(events, key=lambda e: (e.start, e.id), reverse=True)),
        talks=tuple(sorted(talks, key=lambda t: (t.event_id, t.date, t.kind != "keynote", t.kind == "notes", t.title))),
        tools=tuple(sorted(tools, key=lambda t: t.name.lower())),
        speakers=tuple(speakers),
    )
