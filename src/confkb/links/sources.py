"""From a link in a built page back to the line an author wrote it on.

The site build writes ``confkb-manifest.json`` into the site folder::

    {"version": 1, "pages": [{"url": "talks/x/y/", "html": "talks/x/y/index.html",
                              "sources": ["talks/x/y.md"]}, ...]}

Sources are relative to the knowledge-base root, and a page may have several (a tool page
lists the tool file and the talks that mention it). The reader is forgiving: a missing or
broken manifest only means findings are reported at the HTML file instead.
"""

from __future__ import annotations

import bisect
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from confkb.links.model import Location

MANIFEST_NAME = "confkb-manifest.json"


@dataclass
class Manifest:
    """Sources per built page.

    Attributes:
        sources: HTML path (relative to the site folder) to its source files.
        note: Why the manifest could not be used, when it could not; empty otherwise.
    """

    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""


def _html_for(entry: dict) -> str:
    """The HTML path of a manifest entry, from ``html`` or else derived from ``url``."""
    html = entry.get("html")
    if isinstance(html, str) and html:
        return posixpath.normpath(html.lstrip("/"))
    url = entry.get("url")
    if not isinstance(url, str):
        return ""
    path = unquote(urlsplit(url).path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return posixpath.normpath(path)


def read_manifest(site_dir: Path) -> Manifest:
    """Read the site's manifest; never raises for a bad or absent file.

    Args:
        site_dir: The built site folder.

    Returns:
        The sources per page; empty (with a ``note`` saying why, unless the file is simply
        absent) when the manifest cannot be used.
    """
    path = site_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Manifest(note=f"{path}: cannot read the manifest ({exc}); reporting HTML paths")
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, list):
        return Manifest(note=f"{path}: no list of pages; reporting HTML paths")
    note = ""
    if data.get("version") != 1:
        note = f"{path}: manifest version {data.get('version')!r} is not 1; reading it anyway"
    sources: dict[str, tuple[str, ...]] = {}
    for entry in pages:
        if not isinstance(entry, dict):
            continue
        html = _html_for(entry)
        found = entry.get("sources")
        if not html or not isinstance(found, list):
            continue
        clean = tuple(s.replace("\\", "/") for s in found if isinstance(s, str) and s)
        if clean:
            sources[html] = clean
    return Manifest(sources, note)


class SourceMap:
    """Finds the source ``path:line`` of a link found in a built page.

    For a link in page P, P's sources are searched, in order, for the href as written, then
    the href without its fragment, then ``#fragment``, then the link text; the ``n``-th time
    a page uses the same href maps to the ``n``-th matching line. Failing all that, the link
    is placed on line 1 of P's first source, and without a manifest entry at the HTML file.
    """

    def __init__(self, manifest: Manifest, root: Path, site_label: str) -> None:
        """Set up the map.

        Args:
            manifest: The site's manifest (possibly empty).
            root: The knowledge-base root, against which sources are read.
            site_label: How to name the site folder in a fallback location (e.g. ``site``).
        """
        self._manifest = manifest
        self._root = root
        self.site_label = site_label.rstrip("/")
        self._sources: dict[str, _SourceText] = {}
        self._seen: dict[tuple[str, str], int] = {}

    def _source(self, source: str) -> _SourceText:
        if source not in self._sources:
            try:
                text = (self._root / source).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._sources[source] = _SourceText(text)
        return self._sources[source]

    def locate(self, page: str, href: str, line: int, text: str = "") -> Location:
        """The place to report a link at.

        Args:
            page: The HTML page (relative to the site folder) the link is in.
            href: The link as written in the HTML.
            line: Its line in the HTML, used when there is no source.
            text: Its link text or image alt text.

        Returns:
            The location, in a source file when the page has one.
        """
        sources = self._manifest.sources.get(page)
        if not sources:
            return Location(f"{self.site_label}/{page}", line, page, href, text)
        nth = self._seen.get((page, href), 0)
        self._seen[(page, href)] = nth + 1
        for needle in _needles(href, text):
            hits: list[tuple[str, int]] = []
            for source in sources:
                wanted = nth + 1 - len(hits)
                hits += [(source, n) for n in self._source(source).lines_with(needle, wanted)]
                if len(hits) > nth:
                    break
            if hits:
                source, number = hits[min(nth, len(hits) - 1)]
                return Location(source, number, page, href, text)
        return Location(sources[0], 1, page, href, text)


class _SourceText:
    """A source file's text, searched with ``str.find`` (a tool page may list hundreds of
    talks as sources, each searched for each of its links: line-by-line Python loops would
    make that quadratic in Python time rather than in C time)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def lines_with(self, needle: str, limit: int) -> list[int]:
        """The first ``limit`` line numbers (1-based) containing ``needle``, each line once."""
        found: list[int] = []
        pos = 0
        while len(found) < limit:
            at = self.text.find(needle, pos)
            if at < 0:
                break
            line = bisect.bisect_right(self.starts, at)
            found.append(line)
            pos = self.starts[line] if line < len(self.starts) else len(self.text)
        return found


def _needles(href: str, text: str) -> list[str]:
    """What to look for in a source, most telling first."""
    needles = [href]
    base, _, fragment = href.partition("#")
    if fragment:
        if base:
            needles.append(base)
        needles.append("#" + fragment)
    if len(text.strip()) >= 3:
        needles.append(text.strip())
    return [n for n in needles if n]
