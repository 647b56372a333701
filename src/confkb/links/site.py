"""Read a built site: every file in it, and the links and anchors of every HTML page.

Internal links are then checked against what is really there, the way a static web server
would resolve them: ``dir/`` serves ``dir/index.html``, ``dir`` redirects to ``dir/``, and a
``#fragment`` must be an ``id`` (or ``<a name>``) in the target page.
"""

from __future__ import annotations

import os
import posixpath
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from confkb.links.html_scan import PageScan, scan_html

HTML_SUFFIXES = (".html", ".htm")

# Schemes that name no document to fetch; nothing to check.
SKIPPED_SCHEMES = frozenset({"mailto", "tel", "javascript", "data", "blob", "about", "sms"})

# Below this many pages a process pool costs more than it saves.
_PARALLEL_FROM = 200


@dataclass
class Site:
    """A built site as the checker sees it.

    Attributes:
        root: The site folder.
        files: Every file in it, relative, with ``/`` separators.
        pages: The scan of every HTML page, by relative path.
    """

    root: Path
    files: set[str]
    pages: dict[str, PageScan]


def _scan_file(path: str) -> PageScan:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return scan_html(handle.read())


def read_site(site_dir: Path, jobs: int | None = None) -> Site:
    """List the site's files and scan its HTML pages (in parallel for big sites).

    Args:
        site_dir: The built site folder.
        jobs: Worker processes for scanning; ``os.cpu_count()`` when omitted, 1 for none.

    Returns:
        The site.
    """
    files: set[str] = set()
    for folder, dirs, names in os.walk(site_dir):
        dirs.sort()
        rel = os.path.relpath(folder, site_dir)
        for name in names:
            files.add(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    html = sorted(f for f in files if f.lower().endswith(HTML_SUFFIXES))
    paths = [str(site_dir / f) for f in html]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(html) >= _PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            scans = list(pool.map(_scan_file, paths, chunksize=32))
    else:
        scans = [_scan_file(p) for p in paths]
    return Site(site_dir, files, dict(zip(html, scans, strict=True)))


@dataclass(frozen=True)
class Classified:
    """What a link on a page is.

    Attributes:
        kind: ``internal``, ``external``, ``outside`` (a relative link that climbs out of
            the site folder), ``skip`` (mailto: and the like: nothing to check) or
            ``unsupported`` (a scheme we cannot check, e.g. ``ftp:``).
        target: For internal links the site path of the target (``""`` for the site's
            root); for external ones the absolute URL without fragment.
        fragment: The fragment (decoded), for internal links.
        directory: For internal links, whether the link names a directory (``dir/``).
    """

    kind: str
    target: str = ""
    fragment: str = ""
    directory: bool = False


def classify(page: str, href: str) -> Classified:
    """Say what ``href``, found in ``page``, points at.

    Args:
        page: The page's path relative to the site folder.
        href: The link as written.

    Returns:
        The classification, with internal targets resolved against ``page``.
    """
    try:
        parts = urlsplit(href)
    except ValueError:
        return Classified("unsupported")
    scheme = parts.scheme.lower()
    if scheme in SKIPPED_SCHEMES:
        return Classified("skip")
    if scheme in ("http", "https") or (not scheme and parts.netloc):
        absolute = href if scheme else "https:" + href
        return Classified("external", absolute.partition("#")[0])
    if scheme:
        return Classified("unsupported")
    path = unquote(parts.path)
    fragment = unquote(parts.fragment)
    if not path:
        return Classified("internal", page, fragment)
    directory = path.endswith("/") or path.rsplit("/", 1)[-1] in (".", "..")
    joined = (
        path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    )
    target = posixpath.normpath(joined) if joined else "."
    if target == ".." or target.startswith("../"):
        return Classified("outside", target.lstrip("./"), fragment, directory)
    return Classified("internal", "" if target == "." else target, fragment, directory)


def find_target(site: Site, link: Classified) -> str | None:
    """The file an internal link is served from, or ``None`` when there is none."""
    target = link.target
    if not target:
        return "index.html" if "index.html" in site.files else None
    index = f"{target}/index.html"
    if link.directory:
        return index if index in site.files else None
    if target in site.files:
        return target
    return index if index in site.files else None


def anchor_exists(scan: PageScan, fragment: str) -> bool:
    """Whether ``fragment`` can be scrolled to in a page (``#top`` and ``#`` always can)."""
    if not fragment or fragment.lower() == "top" or fragment.startswith(":~:"):
        return True
    # A text fragment (#id:~:text=...) scrolls to the text; the id part must still exist.
    fragment = fragment.split(":~:", 1)[0]
    return fragment in scan.anchors
