"""Generated pages: a pure function from the catalog and snippet results to Markdown pages."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from confkb.catalog import Catalog
from confkb.model import CATEGORIES
from confkb.pages import common
from confkb.pages.body import autolink, decorate_snippets
from confkb.pages.catalogue import catalogue_page
from confkb.pages.common import Page, Verification
from confkb.results.model import Status

__all__ = ["Page", "Verification", "build_pages"]


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", " ".join(text.split()))
    return match.group(1) if match else " ".join(text.split())


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown, escaped where needed by the md filter
    )
    env.filters["md"] = common.md_escape
    env.filters["first_sentence"] = _first_sentence
    env.filters["language_name"] = common.language_name
    env.globals.update(
        long_date=common.long_date,
        date_range=common.date_range,
        language_name=common.language_name,
        talk_path=common.talk_path,
        event_path=common.event_path,
        tool_path=common.tool_path,
        speaker_path=common.speaker_path,
        TAGS_PATH=common.TAGS_PATH,
        TOOLS_INDEX=common.TOOLS_INDEX,
        SNIPPETS_PATH=common.SNIPPETS_PATH,
        SPEAKERS_INDEX=common.SPEAKERS_INDEX,
    )
    return env


def _tidy(markdown: str) -> str:
    """Collapse runs of blank lines left by templates (keeps golden files readable)."""
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


class _Renderer:
    def __init__(self, catalog: Catalog, verification: Verification, directory_urls: bool) -> None:
        self.catalog = catalog
        self.verification = verification
        self.directory_urls = directory_urls
        self.env = _environment()

    def render(self, template: str, path: str, **context: object) -> str:
        return _tidy(self.env.get_template(template).render(rel=lambda to: common.rel(path, to), **context))

    def talk(self, talk) -> Page:  # type: ignore[no-untyped-def]
        path = common.talk_path(talk)
        snippets = self.catalog.snippets_by_owner.get(talk.id, [])
        body = decorate_snippets(talk.body, talk.body_line, snippets, self.verification)
        body = autolink(body, path, self.catalog)
        tools = [self.catalog.tools[t] for t in self.catalog.tools_by_talk.get(talk.id, []) if t in self.catalog.tools]
        links = [(label, url) for label, url in (
            ("Slides", talk.links.slides), ("Video", talk.links.video), ("Repository", talk.links.repository)
        ) if url]
        content = self.render(
            "talk.md.j2", path, talk=talk, event=self.catalog.events[talk.event_id], tools=tools,
            links=links, body=body,
        )
        return Page(path, talk.title, content, (talk.source.path,))

    def tool(self, tool) -> Page:  # type: ignore[no-untyped-def]
        path = common.tool_path(tool.id)
        catalog = self.catalog
        successor = None
        if tool.status.successor:
            other = catalog.tools.get(tool.status.successor)
            successor = f"[{other.name}]({common.rel(path, common.tool_path(other.id))})" if other else tool.status.successor
        mentions = []
        by_talk: dict[str, list[str]] = {}
        for mention in catalog.mentions_by_tool.get(tool.id, []):
            sentences = by_talk.setdefault(mention.talk_id, [])
            if mention.sentence and mention.sentence not in sentences and len(sentences) < 3:
                sentences.append(mention.sentence)
        for talk in catalog.talks_by_tool.get(tool.id, []):
            mentions.append({"talk": talk, "event": catalog.events[talk.event_id], "sentences": by_talk.get(talk.id, [])})
        snippets = []
        for snippet in catalog.snippets_by_tool.get(tool.id, []):
            if snippet.owner.startswith("tool:") or snippet.kind == "text":
                continue
            snippets.append({
                "talk": catalog.talks[snippet.owner],
                "snippet": snippet,
                "language": "bash" if snippet.language == "console" else snippet.language,
                "badge": common.badge_line(snippet, self.verification.status(snippet)),
            })
        examples = []
        own = {s.line: s for s in catalog.snippets_by_owner.get(f"tool:{tool.id}", [])}
        for example in tool.examples:
            snippet = own.get(example.line)
            examples.append({
                "title": example.title,
                "language": example.language,
                "code": example.code.rstrip("\n"),
                "badge": common.badge_line(snippet, self.verification.status(snippet)) if snippet else "",
            })
        related = [catalog.tools[t] for t in tool.related if t in catalog.tools]
        alternatives = [catalog.tools[t] for t in tool.alternatives if t in catalog.tools]
        if not alternatives:
            alternatives = [t for t in catalog.tools_by_category.get(tool.category, []) if t.id != tool.id]
        notes = autolink(tool.notes, path, catalog, skip={tool.id}) if tool.notes else ""
        content = self.render(
            "tool.md.j2", path, tool=tool, successor=successor, mentions=mentions, snippets=snippets,
            examples=examples, related=related, alternatives=alternatives, notes=notes,
            category_name=CATEGORIES[tool.category],
        )
        sources = (tool.source.path, *sorted({m["talk"].source.path for m in mentions}))
        return Page(path, tool.name, content, sources)

    def pages(self, site_title: str) -> list[Page]:
        c = self.catalog
        out = [self.talk(t) for t in c.talks.values()]
        out += [self.tool(t) for t in c.tools.values()]
        for event in c.events.values():
            path = common.event_path(event.id)
            talks = c.talks_by_event.get(event.id, [])
            out.append(Page(path, event.name, self.render("event.md.j2", path, event=event, talks=talks),
                            (event.source.path,)))
        for speaker in c.speakers.values():
            path = common.speaker_path(speaker.id)
            talks = c.talks_by_speaker.get(speaker.id, [])
            out.append(Page(path, speaker.name, self.render("speaker.md.j2", path, speaker=speaker, talks=talks,
                                                            events=c.events),
                            tuple(t.source.path for t in talks)))
        weights = {t: c.tool_weight(t) for t in c.tools}
        groups = [(cat, CATEGORIES[cat], members) for cat, members in c.tools_by_category.items()]
        out.append(Page(common.TOOLS_INDEX, "Tools", self.render(
            "tools_index.md.j2", common.TOOLS_INDEX, tools=list(c.tools.values()), groups=groups, weights=weights),
            tuple(t.source.path for t in c.tools.values())))
        out.append(Page(common.TAGS_PATH, "Tags", self.render(
            "tags.md.j2", common.TAGS_PATH, tags=list(c.talks_by_tag.items()), events=c.events)))
        counts_by_event = {e: len(c.talks_by_event.get(e, [])) for e in c.events}
        out.append(Page(common.EVENTS_INDEX, "Events", self.render(
            "events_index.md.j2", common.EVENTS_INDEX, events=list(c.events.values()), counts=counts_by_event)))
        speakers = [(s, c.talks_by_speaker.get(s.id, [])) for s in c.speakers.values()]
        out.append(Page(common.SPEAKERS_INDEX, "Speakers", self.render(
            "speakers_index.md.j2", common.SPEAKERS_INDEX, speakers=speakers)))
        out.append(catalogue_page(c, self.verification, self.directory_urls))
        snippets = c.content.snippets
        counts = {
            "events": len(c.events), "talks": len(c.talks), "speakers": len(c.speakers), "tools": len(c.tools),
            "snippets": sum(1 for s in snippets if s.kind != "text"),
            "passed": sum(1 for s in snippets if (r := self.verification.status(s).result) and r.status is Status.PASSED),
        }
        out.append(Page(common.HOME_PATH, "Home", self.render(
            "home.md.j2", common.HOME_PATH, site_title=site_title, counts=counts, events=list(c.events.values()),
            talk_counts=counts_by_event, top_tools=c.most_discussed(10), weights=weights,
            category_names=CATEGORIES, verification=self.verification)))
        return out


def build_pages(
    catalog: Catalog,
    verification: Verification | None = None,
    *,
    site_title: str = "Conference knowledge base",
    directory_urls: bool = True,
) -> list[Page]:
    """Every generated page of a knowledge base.

    Args:
        catalog: The indexed knowledge base.
        verification: Latest snippet results; without them every snippet is "not yet verified".
        site_title: Title for the home page.
        directory_urls: Whether the generator uses directory URLs (affects raw-HTML links only).

    Returns:
        Pages in a stable order: talks, tools, events, speakers, then the index pages.
    """
    return _Renderer(catalog, verification or Verification(), directory_urls).pages(site_title)
