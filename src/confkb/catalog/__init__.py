"""Indexes over a knowledge base: by event, speaker, tag, tool and category."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from confkb.catalog.mentions import Mention, ToolMatcher, find_mentions
from confkb.content import Content
from confkb.model import CATEGORIES, Event, Speaker, Talk, Tool
from confkb.snippets.model import Snippet

__all__ = ["Catalog", "Mention", "ToolMatcher", "build_catalog"]


@dataclass
class Catalog:
    """Read-only indexes used by the page generators (built once per build)."""

    content: Content
    matcher: ToolMatcher
    events: dict[str, Event] = field(default_factory=dict)
    talks: dict[str, Talk] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    talks_by_event: dict[str, list[Talk]] = field(default_factory=lambda: defaultdict(list))
    talks_by_speaker: dict[str, list[Talk]] = field(default_factory=lambda: defaultdict(list))
    talks_by_tag: dict[str, list[Talk]] = field(default_factory=lambda: defaultdict(list))
    talks_by_tool: dict[str, list[Talk]] = field(default_factory=lambda: defaultdict(list))
    mentions_by_tool: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    tools_by_talk: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    snippets_by_tool: dict[str, list[Snippet]] = field(default_factory=lambda: defaultdict(list))
    snippets_by_owner: dict[str, list[Snippet]] = field(default_factory=lambda: defaultdict(list))
    tools_by_category: dict[str, list[Tool]] = field(default_factory=lambda: defaultdict(list))

    def tool_weight(self, tool_id: str) -> int:
        """How much the knowledge base discusses a tool: talks plus mentions."""
        return len(self.talks_by_tool.get(tool_id, ())) + len(self.mentions_by_tool.get(tool_id, ()))

    def most_discussed(self, limit: int = 10) -> list[Tool]:
        """Tools ordered by weight, then name."""
        ranked = sorted(self.tools.values(), key=lambda t: (-self.tool_weight(t.id), t.name.lower()))
        return [t for t in ranked if self.tool_weight(t.id)][:limit]


def build_catalog(content: Content) -> Catalog:
    """Index a loaded knowledge base."""
    kb = content.kb
    catalog = Catalog(content=content, matcher=ToolMatcher(kb.tools))
    catalog.events = {e.id: e for e in kb.events}
    catalog.tools = {t.id: t for t in kb.tools}
    catalog.speakers = {s.id: s for s in kb.speakers}
    for tool in kb.tools:
        catalog.tools_by_category[tool.category].append(tool)
    catalog.tools_by_category = {c: catalog.tools_by_category[c] for c in CATEGORIES if c in catalog.tools_by_category}
    for talk in kb.talks:
        catalog.talks[talk.id] = talk
        catalog.talks_by_event[talk.event_id].append(talk)
        for speaker in talk.speakers:
            catalog.talks_by_speaker[speaker.id].append(talk)
        for tag in talk.tags:
            catalog.talks_by_tag[tag].append(talk)
        mentions = find_mentions(talk, catalog.matcher)
        for mention in mentions:
            catalog.mentions_by_tool[mention.tool_id].append(mention)
        used = dict.fromkeys([*talk.tools, *(m.tool_id for m in mentions)])
        catalog.tools_by_talk[talk.id] = list(used)
    for snippet in content.snippets:
        catalog.snippets_by_owner[snippet.owner].append(snippet)
        for tool_id in snippet.tools:
            catalog.snippets_by_tool[tool_id].append(snippet)
            if not snippet.owner.startswith("tool:") and tool_id not in catalog.tools_by_talk[snippet.owner]:
                catalog.tools_by_talk[snippet.owner].append(tool_id)
    for talk_id, tool_ids in catalog.tools_by_talk.items():
        for tool_id in tool_ids:
            catalog.talks_by_tool[tool_id].append(catalog.talks[talk_id])
    catalog.talks_by_tag = dict(sorted(catalog.talks_by_tag.items()))
    return catalog
