"""Everything a site build needs from confkb, without MkDocs: content, pages, nav, manifest.

The MkDocs plugin and ``confkb render`` both call :func:`prepare_site`; only the plugin knows
MkDocs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from confkb.catalog import Catalog, build_catalog
from confkb.content import load_content
from confkb.model import CATEGORIES
from confkb.pages import Page, Verification, build_pages, common

EVENTS_BEFORE_YEARS = 12  # more events than this are grouped by year in the navigation
GUIDE_ORDER = ["authoring.md", "formats.md", "schema.md", "snippet-runner.md", "ci.md", "links.md", "about.md"]


@dataclass(frozen=True)
class SitePlan:
    """The generated pages and the navigation for one build."""

    catalog: Catalog
    pages: tuple[Page, ...]
    nav: list
    hidden: frozenset[str]


def load_verification(path: Path) -> Verification:
    """Snippet results from the latest results file; empty when there is none yet.

    Raises:
        ValueError: When the file exists but cannot be read as a results file.
    """
    if not path.is_file():
        return Verification()
    from confkb.reports.json_report import read_results

    summary = read_results(path)
    return Verification(
        results={r.snippet_id: r for r in summary.results},
        finished_at=summary.finished_at,
        engine=summary.engine,
    )


def _guide(docs_pages: list[str]) -> list:
    ordered = [p for p in GUIDE_ORDER if p in docs_pages]
    ordered += sorted(p for p in docs_pages if p not in ordered and p != "index.md")
    return ordered


def build_nav(catalog: Catalog, docs_pages: list[str]) -> list:
    """The site navigation: small at the top, grouped by event and category, pruned by the theme."""
    events: list = [{"Overview": common.EVENTS_INDEX}]
    by_year: dict[int, list] = {}
    for event in catalog.events.values():
        talks = [{t.title: common.talk_path(t)} for t in catalog.talks_by_event.get(event.id, [])]
        by_year.setdefault(event.start.year, []).append(
            {event.name: [{"About the event": common.event_path(event.id)}, *talks]}
        )
    if len(catalog.events) > EVENTS_BEFORE_YEARS:
        # With pruning, a page's sidebar then lists the years, the events of its year and
        # the talks of its event: it stays small however many events there are.
        events += [{str(year): items} for year, items in by_year.items()]
    else:
        events += [item for items in by_year.values() for item in items]
    tools = [{"By category": common.TOOLS_INDEX}]
    for category, members in catalog.tools_by_category.items():
        tools.append({CATEGORIES[category]: [{t.name: common.tool_path(t.id)} for t in members]})
    nav: list = [
        {"Home": common.HOME_PATH},
        {"Events": events},
        {"Tools": tools},
        {"Speakers": common.SPEAKERS_INDEX},
        {"Tags": common.TAGS_PATH},
        {"Snippets": common.SNIPPETS_PATH},
    ]
    guide = _guide(docs_pages)
    if guide:
        nav.append({"Guide": guide})
    return nav


def prepare_site(
    root: Path,
    *,
    talks_dir: str = "talks",
    tools_dir: str = "tools",
    results: Path | None = None,
    site_title: str = "Conference knowledge base",
    docs_pages: list[str] | None = None,
    directory_urls: bool = True,
) -> SitePlan:
    """Load, index and render a knowledge base.

    Raises:
        ContentError: When the content has problems (all of them, at path:line).
    """
    content = load_content(root, talks_dir, tools_dir)
    catalog = build_catalog(content)
    verification = load_verification(results) if results else Verification()
    pages = build_pages(catalog, verification, site_title=site_title, directory_urls=directory_urls)
    docs_pages = docs_pages or []
    if "index.md" in docs_pages:  # a hand-written home page wins
        pages = [p for p in pages if p.path != common.HOME_PATH]
    hidden = frozenset(common.speaker_path(s) for s in catalog.speakers)
    return SitePlan(catalog, tuple(pages), build_nav(catalog, docs_pages), hidden)


def manifest(plan: SitePlan, docs_pages: list[str], docs_dir: str, directory_urls: bool = True) -> str:
    """``confkb-manifest.json``: which source files each page of the built site comes from."""
    entries = []
    for page in plan.pages:
        url = common.page_url(page.path, directory_urls)
        html = url + "index.html" if url.endswith("/") or url == "" else url
        entries.append({"url": url, "html": html, "sources": list(page.sources)})
    for path in docs_pages:
        url = common.page_url(path, directory_urls)
        html = url + "index.html" if url.endswith("/") or url == "" else url
        entries.append({"url": url, "html": html, "sources": [f"{docs_dir}/{path}"]})
    return json.dumps({"version": 1, "pages": entries}, indent=1, sort_keys=True)


def render_to_folder(plan: SitePlan, out: Path) -> list[Path]:
    """Write the generated pages as plain Markdown (plus ``nav.json``) for any generator."""
    written = []
    for page in plan.pages:
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
        written.append(target)
    nav = out / "nav.json"
    nav.write_text(json.dumps(plan.nav, indent=1, ensure_ascii=False), encoding="utf-8")
    written.append(nav)
    return written
