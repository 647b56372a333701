"""``confkb validate``, ``confkb render`` and ``confkb new talk``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from confkb.content import load_content
from confkb.load import slugify
from confkb.problems import ContentError
from confkb.site import prepare_site, render_to_folder


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the site commands."""
    p = sub.add_parser("validate", help="check all content; exit 1 listing every problem")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("render", help="write the generated pages as plain Markdown")
    p.add_argument("--out", required=True, type=Path, help="folder to write into")
    p.add_argument("--results", type=Path, default=Path(".confkb/results.json"),
                   help="snippet results to show as badges (default: .confkb/results.json)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("schema", help="print the path (or the text) of a shipped JSON Schema")
    p.add_argument("name", choices=["talk", "event", "tool"])
    p.add_argument("--print", action="store_true", dest="show", help="print the schema itself")
    p.set_defaults(func=cmd_schema)

    new = sub.add_parser("new", help="scaffold content").add_subparsers(dest="what", metavar="WHAT")
    p = new.add_parser("talk", help="create talks/<event>/<slug>.md from a template")
    p.add_argument("--event", required=True, help="event id (folder under talks/)")
    p.add_argument("--title", required=True)
    p.add_argument("--speaker", action="append", default=[], help="speaker name (repeatable)")
    p.add_argument("--affiliation", action="append", default=[], help="affiliation, in speaker order")
    p.add_argument("--date", help="YYYY-MM-DD (default: the event's first day)")
    p.add_argument("--language", default="en", choices=["en", "de"])
    p.add_argument("--slug", help="file name without .md (default: from the title)")
    p.set_defaults(func=cmd_new_talk)


def cmd_validate(args: argparse.Namespace) -> int:
    """Load everything and report all problems."""
    try:
        content = load_content(Path(args.root))
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    kb = content.kb
    print(f"ok: {len(kb.events)} events, {len(kb.talks)} talks, {len(kb.speakers)} speakers, "
          f"{len(kb.tools)} tools, {len(content.snippets)} snippets")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Show where a JSON Schema is, for editor settings, or print it."""
    path = Path(__file__).resolve().parent.parent / "schema" / f"{args.name}.schema.json"
    print(path.read_text(encoding="utf-8") if args.show else path)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    """Write generated pages into a folder."""
    root = Path(args.root)
    results = args.results if args.results.is_absolute() else root / args.results
    try:
        plan = prepare_site(root, results=results)
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    written = render_to_folder(plan, args.out)
    print(f"wrote {len(written)} files to {args.out}")
    return 0


_TALK_TEMPLATE = """---
title: "{title}"
speakers:
{speakers}
date: {date}
language: {language}
tags: []
tools: []
links: {{}}
summary: >-
  One or two sentences: what the talk was about and why it matters.
---

## What it was about

Write the notes here. Name tools by their proper names (they link to their pages).
Fence every command and name its language:

<!-- snippet: skip="replace with directives, see the authoring guide" -->
```bash
echo "replace me"
```
"""


def cmd_new_talk(args: argparse.Namespace) -> int:
    """Scaffold a talk file; refuses to overwrite."""
    root = Path(args.root)
    event_dir = root / "talks" / args.event
    if not (event_dir / "event.yml").is_file():
        print(f"talks/{args.event}/event.yml: event: no such event; create the event file first", file=sys.stderr)
        return 1
    slug = args.slug or slugify(args.title)
    target = event_dir / f"{slug}.md"
    if target.exists():
        print(f"{target.relative_to(root)}: already exists; choose another --slug", file=sys.stderr)
        return 1
    date = args.date
    if not date:
        import yaml

        date = str(yaml.safe_load((event_dir / "event.yml").read_text(encoding="utf-8")).get("start", dt.date.today()))
    speakers = []
    for index, name in enumerate(args.speaker or ["Speaker Name"]):
        speakers.append(f'  - name: "{name}"')
        if index < len(args.affiliation):
            speakers.append(f'    affiliation: "{args.affiliation[index]}"')
    target.write_text(
        _TALK_TEMPLATE.format(title=args.title.replace('"', "'"), speakers="\n".join(speakers), date=date,
                              language=args.language),
        encoding="utf-8",
    )
    print(f"created {target.relative_to(root)}")
    return 0
