"""Turn the fences of talks and the examples of tool files into :class:`Snippet` objects."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from confkb.load.fences import scan_fences
from confkb.model import Fence, KnowledgeBase, Tool
from confkb.problems import Problem
from confkb.snippets.directives import parse_directives
from confkb.snippets.model import RUNNABLE_LANGUAGES, Scenario, Snippet

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def split_console(code: str) -> tuple[list[str], list[str]]:
    """Commands (``$ `` prompts removed, continuation lines kept) and output lines of a console block."""
    commands: list[str] = []
    output: list[str] = []
    continued = False
    for line in code.split("\n"):
        if line.startswith("$ ") or line == "$":
            commands.append(line[2:])
            continued = line.endswith("\\")
        elif continued:
            commands.append(line)
            continued = line.endswith("\\")
        else:
            output.append(line)
    return commands, output


def strip_prompts(code: str) -> str:
    """Commands of a console block: ``$ `` prompts removed, output lines dropped.

    A block without any ``$ `` prompt is taken as commands only.
    """
    commands, _output = split_console(code)
    return "\n".join(commands) if commands else code


def tool_vocabulary(tools: Iterable[Tool]) -> dict[str, str]:
    """Command words that identify a tool in a snippet, mapped to the tool id.

    Lower-case single-word names and aliases count (``trivy``, ``oras``, ``buildx``), as do ids.
    """
    vocab: dict[str, str] = {}
    for tool in tools:
        for word in (tool.id, *tool.names):
            if " " not in word and word == word.lower():
                vocab.setdefault(word, tool.id)
    return vocab


def detect_tools(code: str, vocabulary: dict[str, str]) -> tuple[str, ...]:
    """Tool ids whose command words appear in a snippet, in order of first appearance."""
    found: OrderedDict[str, None] = OrderedDict()
    for word in _WORD.findall(code):
        tool_id = vocabulary.get(word)
        if tool_id:
            found[tool_id] = None
    return tuple(found)


def _hash(language: str, code: str, directives: str) -> str:
    digest = hashlib.sha256(f"{language}\0{code}\0{directives}".encode())
    return digest.hexdigest()[:16]


def _snippet(
    fence: Fence,
    *,
    path: str,
    owner: str,
    slug: str,
    ordinal: int,
    vocabulary: dict[str, str],
    base_dir: Path | None,
    problems: list[Problem],
    extra_tools: tuple[str, ...] = (),
) -> Snippet | None:
    kind = RUNNABLE_LANGUAGES.get(fence.language)
    if fence.language and kind is None:
        problems.append(
            Problem(
                path,
                fence.line,
                "fence",
                f"language {fence.language!r} is not one the snippet runner knows "
                f"({', '.join(sorted(RUNNABLE_LANGUAGES))}); use text for blocks that are "
                "not commands",
            )
        )
        return None
    if kind is None:  # missing language: already reported by the fence scanner
        return None
    directive_line = fence.directive_line or fence.line
    directives, found = parse_directives(fence.directives, path, directive_line)
    problems.extend(found)
    if base_dir is not None:
        for name in directives.files:
            if not (base_dir / name).is_file():
                problems.append(
                    Problem(path, directive_line, "snippet.files", f"{name!r} not found beside {path}")
                )
    code = strip_prompts(fence.code) if fence.language == "console" else fence.code
    if directives.tools is not None:
        unknown = [t for t in directives.tools if t not in set(vocabulary.values())]
        if unknown and vocabulary:
            problems.append(
                Problem(path, directive_line, "snippet.tools", f"unknown tool {', '.join(unknown)}")
            )
        tools = directives.tools
    else:
        tools = tuple(OrderedDict.fromkeys((*extra_tools, *detect_tools(code, vocabulary))))
    return Snippet(
        id=directives.id or f"{slug}-{ordinal}",
        path=path,
        line=fence.line,
        language=fence.language,
        kind=kind,
        code=code,
        hash=_hash(fence.language, code, fence.directives),
        directives=directives,
        tools=tools,
        owner=owner,
    )


def snippets_from_fences(
    fences: Iterable[Fence],
    *,
    path: str,
    owner: str,
    slug: str,
    vocabulary: dict[str, str] | None = None,
    base_dir: Path | None = None,
) -> tuple[list[Snippet], list[Problem]]:
    """Snippets of one file's fences, numbered in document order."""
    problems: list[Problem] = []
    snippets = []
    for ordinal, fence in enumerate(fences, start=1):
        snippet = _snippet(
            fence,
            path=path,
            owner=owner,
            slug=slug,
            ordinal=ordinal,
            vocabulary=vocabulary or {},
            base_dir=base_dir,
            problems=problems,
        )
        if snippet:
            snippets.append(snippet)
    return snippets, problems


def snippets_from_markdown(
    text: str, path: str, owner: str, vocabulary: dict[str, str] | None = None
) -> tuple[list[Snippet], list[Problem]]:
    """Snippets of a standalone Markdown text (sample files, tests)."""
    fences, problems = scan_fences(text, path)
    slug = Path(path).stem
    snippets, more = snippets_from_fences(
        fences, path=path, owner=owner, slug=slug, vocabulary=vocabulary,
        base_dir=Path(path).parent if Path(path).parent.is_dir() else None,
    )
    return snippets, problems + more


def _tool_snippets(tool: Tool, vocabulary: dict[str, str]) -> tuple[list[Snippet], list[Problem]]:
    problems: list[Problem] = []
    snippets = []
    for ordinal, example in enumerate(tool.examples, start=1):
        fence = Fence(
            line=example.line,
            language=example.language,
            code=example.code.rstrip("\n"),
            directives=" ".join(example.directives.split()),
            directive_line=example.line,
        )
        snippet = _snippet(
            fence,
            path=tool.source.path,
            owner=f"tool:{tool.id}",
            slug=f"tool-{tool.id}",
            ordinal=ordinal,
            vocabulary=vocabulary,
            base_dir=None,
            problems=problems,
            extra_tools=(tool.id,),
        )
        if snippet:
            snippets.append(snippet)
    return snippets, problems


def extract_snippets(kb: KnowledgeBase) -> tuple[list[Snippet], list[Problem]]:
    """Every snippet of a knowledge base: talk fences, then tool examples.

    Returns:
        The snippets, and problems: unknown languages, bad directives, duplicate ids.
    """
    vocabulary = tool_vocabulary(kb.tools)
    root = Path(kb.root)
    snippets: list[Snippet] = []
    problems: list[Problem] = []
    for talk in kb.talks:
        found, more = snippets_from_fences(
            talk.fences,
            path=talk.source.path,
            owner=talk.id,
            # Slugs are unique per event only ("keynote" in every event): the default id
            # carries the event so that it is unique in the whole knowledge base.
            slug=f"{talk.event_id}.{talk.slug}",
            vocabulary=vocabulary,
            base_dir=(root / talk.source.path).parent,
        )
        snippets += found
        problems += more
    for tool in kb.tools:
        found, more = _tool_snippets(tool, vocabulary)
        snippets += found
        problems += more
    seen: dict[str, Snippet] = {}
    for snippet in snippets:
        first = seen.setdefault(snippet.id, snippet)
        if first is not snippet:
            problems.append(
                Problem(
                    snippet.path,
                    snippet.line,
                    "snippet.id",
                    f"id {snippet.id!r} is already used at {first.location}",
                )
            )
    return snippets, problems


def group_scenarios(snippets: Iterable[Snippet]) -> list[Scenario]:
    """Group snippets into scenarios: same file and same ``scenario=`` run together, in order."""
    groups: OrderedDict[tuple[str, str], list[Snippet]] = OrderedDict()
    for snippet in snippets:
        name = snippet.directives.scenario
        key = (snippet.path, name) if name else (snippet.path, f"\0{snippet.id}")
        groups.setdefault(key, []).append(snippet)
    scenarios = []
    for (path, name), members in groups.items():
        if name.startswith("\0"):
            scenario_id = members[0].id
        else:
            scenario_id = f"{members[0].owner.replace('/', '.').replace(':', '.')}.{name}"
        scenarios.append(Scenario(id=scenario_id, snippets=tuple(members)))
    return scenarios
