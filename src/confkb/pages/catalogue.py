"""The snippet catalogue page: every snippet with its status, filterable by status and tool."""

from __future__ import annotations

from confkb.catalog import Catalog
from confkb.pages.common import (
    SNIPPETS_PATH,
    Page,
    Verification,
    badge,
    esc,
    href,
    tool_path,
)
from confkb.results.model import Status


def _where_path(catalog: Catalog, owner: str) -> tuple[str, str]:
    from confkb.pages.common import talk_path

    if owner.startswith("tool:"):
        tool = catalog.tools[owner[5:]]
        return tool.name, tool_path(tool.id)
    talk = catalog.talks[owner]
    return talk.title, talk_path(talk)


def catalogue_page(catalog: Catalog, verification: Verification, directory_urls: bool = True) -> Page:
    """One table row per runnable snippet, with ``data-status`` and ``data-tools`` for the filter."""
    snippets = [s for s in catalog.content.snippets if s.kind != "text"]
    counts: dict[str, int] = {}
    rows = []
    for snippet in snippets:
        status = verification.status(snippet)
        key = status.result.status.value if status.result else "not yet verified"
        counts[key] = counts.get(key, 0) + 1
        where_title, where_path = _where_path(catalog, snippet.owner)
        tools = " ".join(
            f'<a href="{esc(href(SNIPPETS_PATH, tool_path(t), directory_urls))}">{esc(catalog.tools[t].name)}</a>'
            for t in snippet.tools if t in catalog.tools
        )
        reason = status.result.reason if status.result else ""
        rows.append(
            f'<tr data-status="{esc(key)}" data-tools="{esc(" ".join(snippet.tools))}">'
            f"<td><code>{esc(snippet.id)}</code></td>"
            f'<td><a href="{esc(href(SNIPPETS_PATH, where_path, directory_urls))}">{esc(where_title)}</a><br>'
            f"<small><code>{esc(snippet.location)}</code></small></td>"
            f"<td>{esc(snippet.language)}</td><td>{tools}</td>"
            f"<td>{badge(snippet, status)}<br><small>{esc(reason)}</small></td></tr>"
        )
    order = [s.value for s in Status] + ["not yet verified"]
    status_options = "".join(
        f'<option value="{esc(k)}">{esc(k)} ({counts[k]})</option>' for k in order if k in counts
    )
    used = sorted({t for s in snippets for t in s.tools if t in catalog.tools}, key=lambda t: catalog.tools[t].name.lower())
    tool_options = "".join(f'<option value="{esc(t)}">{esc(catalog.tools[t].name)}</option>' for t in used)
    summary = ", ".join(f"{counts[k]} {k}" for k in order if k in counts) or "no snippets"
    when = (
        f"Latest verification: {esc(verification.finished_at[:16].replace('T', ' '))} UTC"
        + (f" on {esc(verification.engine)}" if verification.engine else "")
        if verification.finished_at
        else "No results file was found when this site was built: every snippet is not yet verified."
    )
    content = f"""---
title: Snippets
---

# Snippets

Every command block in the notes and tool pages, with the status of its latest smoke test.
{len(snippets)} snippets: {summary}.

{when}

<div class="confkb-filter">
<label>Status <select id="confkb-filter-status"><option value="">all</option>{status_options}</select></label>
<label>Tool <select id="confkb-filter-tool"><option value="">all</option>{tool_options}</select></label>
<span id="confkb-filter-count"></span>
</div>

<table class="confkb-catalogue">
<thead><tr><th>Snippet</th><th>Where</th><th>Language</th><th>Tools</th><th>Status</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
"""
    return Page(SNIPPETS_PATH, "Snippets", content, tuple(sorted({s.path for s in snippets})))
