"""End to end: a real ``mkdocs build --strict`` of the shipped content, checked as HTML."""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from confkb.content import load_content
from tests.conftest import REPO, SAMPLES, overlay

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


class _Html(HTMLParser):
    """Collects links, ids, and auto-links inside or outside code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.code_depth = 0
        self.autolinks: list[str] = []
        self.autolinks_in_code = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag in {"code", "pre"}:
            self.code_depth += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
            if "confkb-tool" in (a.get("class") or ""):
                self.autolinks.append(a["href"] or "")
                if self.code_depth:
                    self.autolinks_in_code += 1
        if tag in {"link", "script", "img"}:
            target = a.get("href") or a.get("src")
            if target:
                self.links.append(target)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"code", "pre"} and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base, built once with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("site")
    proc = subprocess.run([*MKDOCS, "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, env=ENV, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    return site


def _page(site: Path, path: str) -> Path:
    return site / path / "index.html"


@pytest.mark.slow
def test_every_talk_and_tool_has_a_page(built_site: Path) -> None:
    """One HTML page per talk, tool, event and speaker."""
    kb = load_content(REPO).kb
    assert len(kb.talks) >= 7 and len(kb.tools) >= 40
    for talk in kb.talks:
        assert _page(built_site, f"talks/{talk.event_id}/{talk.slug}").is_file(), talk.id
    for tool in kb.tools:
        assert _page(built_site, f"tools/{tool.id}").is_file(), tool.id
    for event in kb.events:
        assert _page(built_site, f"events/{event.id}").is_file()
    for speaker in kb.speakers:
        assert _page(built_site, f"speakers/{speaker.id}").is_file()
    for index in ("tools", "tags", "events", "speakers", "snippets"):
        assert _page(built_site, index).is_file()


@pytest.mark.slow
def test_internal_links_resolve(built_site: Path) -> None:
    """Every relative link and anchor in every page points at a file and id that exist."""
    cache: dict[Path, _Html] = {}
    broken = []
    for html in built_site.rglob("*.html"):
        if html.name == "404.html":  # served at any depth, so its links are root-absolute
            continue
        page = cache.setdefault(html, _parse(html))
        for link in page.links:
            if link.startswith(("http://", "https://", "mailto:", "data:", "javascript:")):
                continue
            target, _, anchor = link.partition("#")
            if not target:
                resolved = html
            else:
                resolved = Path(posixpath.normpath(str(html.parent / target.split("?")[0])))
                if resolved.is_dir():
                    resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{html.relative_to(built_site)}: {link}")
                continue
            if anchor and resolved.suffix == ".html":
                ids = cache.setdefault(resolved, _parse(resolved)).ids
                if anchor not in ids:
                    broken.append(f"{html.relative_to(built_site)}: {link} (no id {anchor!r})")
    assert not broken, "\n".join(broken[:20])


@pytest.mark.slow
def test_search_index_finds_the_key_tools(built_site: Path) -> None:
    """Material's search index has German and English, and the Trivy, kaniko, k3s and ORAS pages."""
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) >= {"en", "de"}
    docs = index["docs"]
    for tool_id, word in [("trivy", "Trivy"), ("kaniko", "kaniko"), ("k3s", "k3s"), ("oras", "ORAS")]:
        entries = [d for d in docs if d["location"].startswith(f"tools/{tool_id}/")]
        assert entries, tool_id
        assert any(word in (d["title"] + d["text"]) for d in entries), tool_id
    # Every alias is on its tool's page, so searching an alias finds the tool.
    for tool in load_content(REPO).kb.tools:
        text = " ".join(d["title"] + " " + d["text"] for d in docs if d["location"].startswith(f"tools/{tool.id}/"))
        for alias in tool.aliases:
            assert alias in text, (tool.id, alias)
    # Speaker names are searchable on talk pages.
    assert any("Nicholas Dille" in d["text"] for d in docs if d["location"].startswith("talks/"))


@pytest.mark.slow
def test_archived_tool_shows_warning(built_site: Path) -> None:
    """kaniko's page opens with a danger admonition naming it archived."""
    html = _page(built_site, "tools/kaniko").read_text(encoding="utf-8")
    assert 'class="admonition danger"' in html
    assert "Archived since 3 June 2025" in html


@pytest.mark.slow
def test_autolinks_present_and_never_in_code(built_site: Path) -> None:
    """Talk prose links tool names to tool pages; no auto-link sits inside code."""
    total = 0
    for html in (built_site / "talks").rglob("index.html"):
        page = _parse(html)
        total += len(page.autolinks)
        assert page.autolinks_in_code == 0, html
        for href in page.autolinks:
            assert "/tools/" in posixpath.normpath(str(html.parent / href)) + "/"
    assert total >= 10


@pytest.mark.slow
def test_site_without_results_says_not_yet_verified(tmp_path: Path) -> None:
    """Built with no results file, every snippet badge reads "not yet verified"."""
    kb = tmp_path / "kb"
    import shutil

    shutil.copytree(SAMPLES / "kb-minimal", kb)
    proc = subprocess.run([*MKDOCS, "build", "--strict", "-d", str(tmp_path / "site")],
                          capture_output=True, text=True, env=ENV, cwd=kb, check=False)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site/talks/demo-conf-2024/scanning-images/index.html").read_text(encoding="utf-8")
    assert html.count("not yet verified") == 2
    manifest = json.loads((tmp_path / "site/confkb-manifest.json").read_text())
    sources = {p["url"]: p["sources"] for p in manifest["pages"]}
    assert sources["talks/demo-conf-2024/scanning-images/"] == ["talks/demo-conf-2024/scanning-images.md"]
    assert sources["about/"] == ["docs/about.md"]


@pytest.mark.slow
def test_strict_build_fails_on_bad_content_and_keeps_the_old_site(tmp_path: Path) -> None:
    """Bad content: mkdocs exits non-zero with the path:line messages, no traceback, site untouched."""
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(SAMPLES / "kb-minimal", kb)
    site = tmp_path / "site"
    assert subprocess.run([*MKDOCS, "build", "--strict", "-d", str(site)], env=ENV, cwd=kb, check=False).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    overlay(kb, SAMPLES / "bad" / "unknown-tool")
    overlay(kb, SAMPLES / "bad" / "fence-without-language")
    proc = subprocess.run([*MKDOCS, "build", "--strict", "-d", str(site)], capture_output=True, text=True,
                          env=ENV, cwd=kb, check=False)
    assert proc.returncode != 0
    assert "talks/demo-conf-2024/tools.md:6: tools.1: unknown tool 'trivvy'" in proc.stderr
    assert "talks/demo-conf-2024/fence.md:10: fence: code block has no language" in proc.stderr
    assert "Traceback" not in proc.stderr
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_docs_page_clashing_with_a_generated_page_is_an_error(minimal_kb: Path, tmp_path: Path) -> None:
    """A hand-written page that would overwrite a generated one stops the build with a clear message."""
    (minimal_kb / "docs/snippets.md").write_text("# Mine\n", encoding="utf-8")
    proc = subprocess.run([*MKDOCS, "build", "--strict", "-d", str(tmp_path / "site")],
                          capture_output=True, text=True, env=ENV, cwd=minimal_kb, check=False)
    assert proc.returncode != 0
    assert ("docs/snippets.md and the generated page snippets/index.md would both be written to "
            "snippets/index.html") in proc.stderr
    assert "Traceback" not in proc.stderr
