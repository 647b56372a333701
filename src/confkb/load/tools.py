"""Load ``tools/<id>.yml``."""

from __future__ import annotations

from pathlib import Path

from confkb.load.fields import SLUG, Fields
from confkb.load.source import read_yaml_file
from confkb.model import CATEGORIES, TOOL_STATES, Source, Tool, ToolExample, ToolStatus
from confkb.problems import Problem

TOOL_FIELDS = {
    "name", "aliases", "autolink", "description", "category", "homepage", "repository",
    "license", "maintainer", "status", "image", "smoke_command", "related", "alternatives",
    "examples", "notes",
}
STATUS_FIELDS = {"state", "since", "successor", "note"}
EXAMPLE_FIELDS = {"title", "language", "code", "snippet"}


def load_tool(file: Path, rel: str, tool_id: str) -> tuple[Tool | None, list[Problem]]:
    """Read and validate one tool file (references to other tools are checked later)."""
    doc, problems = read_yaml_file(file, rel)
    if doc is None:
        return None, problems
    f = Fields(doc, doc.data, "", TOOL_FIELDS)
    problems = f.problems
    if not SLUG.match(tool_id):
        problems.append(Problem(rel, 1, "id", f"file name {tool_id!r} must be a lower-case id (a-z, 0-9, -)"))
    name = f.string("name", required=True)
    category = f.string("category", required=True)
    if category and category not in CATEGORIES:
        f.bad("category", f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}")

    s = Fields(doc, f.raw("status", required=True) or {}, "status", STATUS_FIELDS)
    if "status" in f.mapping:
        problems += s.problems
    state = s.string("state", required="status" in f.mapping)
    if state and state not in TOOL_STATES:
        s.bad("state", f"unknown state {state!r}; use one of {', '.join(sorted(TOOL_STATES))}")
    status = ToolStatus(
        state=state if state in TOOL_STATES else "active",
        since=s.date("since"),
        successor=s.string("successor"),
        note=s.string("note"),
    )
    if "status" in f.mapping:
        problems += [p for p in s.problems if p not in problems]

    examples = []
    raw_examples = f.raw("examples")
    if raw_examples is not None and not isinstance(raw_examples, list):
        f.bad("examples", "must be a list of {title, language, code, snippet}")
        raw_examples = []
    for index, item in enumerate(raw_examples or []):
        e = Fields(doc, item, f"examples.{index}", EXAMPLE_FIELDS)
        title, code = e.string("title", required=True), e.raw("code", required=True)
        if code is not None and not isinstance(code, str):
            e.bad("code", "must be text")
            code = None
        language = e.string("language") or "bash"
        problems += e.problems
        if title and code:
            examples.append(
                ToolExample(
                    title=title,
                    language=language.lower(),
                    code=code,
                    directives=e.string("snippet") or "",
                    line=doc.line(f"examples.{index}.code"),
                )
            )

    aliases = f.strings("aliases")
    autolink = f.boolean("autolink", True)
    tool = Tool(
        id=tool_id,
        name=name or tool_id,
        aliases=aliases,
        description=f.string("description", required=True) or "",
        category=category if category in CATEGORIES else "runtime",
        homepage=f.url("homepage"),
        repository=f.url("repository"),
        license=f.string("license"),
        maintainer=f.string("maintainer"),
        status=status,
        image=f.string("image"),
        smoke_command=f.string("smoke_command"),
        related=f.strings("related"),
        alternatives=f.strings("alternatives"),
        examples=tuple(examples),
        notes=f.string("notes") or "",
        source=Source(rel, 1),
        autolink=autolink,
        lines=dict(doc.lines),
    )
    return tool, problems
