"""One link-check run over a built site: collect, check internal, check external, report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from confkb.links.cache import LinkCache
from confkb.links.config import LinksConfig, resolve_config
from confkb.links.external import Fetcher, Outcome, Progress, check_urls
from confkb.links.fetch import fetch
from confkb.links.model import LinkKind, LinkReport, LinkResult, LinkStatus, Location
from confkb.links.site import (
    Classified,
    Site,
    anchor_exists,
    classify,
    find_target,
    read_site,
)
from confkb.links.sources import SourceMap, read_manifest


@dataclass
class _Entry:
    """A link target being collected: its locations and, once known, its verdict."""

    kind: LinkKind
    locations: list[Location] = field(default_factory=list)
    status: LinkStatus | None = None
    reason: str = ""


def _label(site_dir: Path, root: Path) -> str:
    """How to name the site folder in locations: relative to the root when inside it."""
    try:
        return site_dir.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(site_dir)


def _collect(
    site: Site, sources: SourceMap, config: LinksConfig
) -> tuple[dict[str, _Entry], dict[str, _Entry]]:
    """Classify every link on every page and check the internal ones.

    Returns:
        Internal entries (with verdicts) and external entries (to be checked), by target.
    """
    internal: dict[str, _Entry] = {}
    external: dict[str, _Entry] = {}
    for page, scan in site.pages.items():
        for link in scan.links:
            what = classify(page, link.href)
            if what.kind == "skip":
                continue
            if what.kind == "external":
                if not link.in_content:
                    continue  # the theme's own external links (fonts, repository button)
                entry = external.setdefault(what.target, _Entry(LinkKind.EXTERNAL))
                entry.locations.append(sources.locate(page, link.href, link.line, link.text))
                continue
            if pattern := config.is_ignored(link.href):
                # Keyed by the href, so an ignored spelling does not hide the same target
                # linked elsewhere without it.
                key, status, reason = (
                    link.href,
                    LinkStatus.IGNORED,
                    f"matches ignore pattern {pattern}",
                )
            elif what.kind == "unsupported":
                key, status, reason = link.href, LinkStatus.IGNORED, "unsupported URL scheme"
            else:
                key, status, reason = _judge_internal(site, what, config)
            entry = internal.setdefault(
                key, _Entry(LinkKind.INTERNAL, status=status, reason=reason)
            )
            if link.in_content:
                entry.locations.append(sources.locate(page, link.href, link.line, link.text))
            elif not entry.locations:
                # Theme chrome (navigation, header, assets) comes from the theme and mkdocs.yml,
                # not from a source file, and is the same on every page: one HTML place is enough.
                entry.locations.append(
                    Location(f"{sources.site_label}/{page}", link.line, page, link.href, link.text)
                )
    return internal, external


def _judge_internal(
    site: Site, what: Classified, config: LinksConfig
) -> tuple[str, LinkStatus, str]:
    """Key, status and reason for one internal link."""
    fragment = f"#{what.fragment}" if what.fragment else ""
    if what.kind == "outside":
        return f"../{what.target}{fragment}", LinkStatus.FAILED, "points outside the site"
    found = find_target(site, what)
    if found is None:
        shown = what.target + ("/" if what.directory and what.target else "")
        name = what.target.rsplit("/", 1)[-1]
        page = what.directory or "." not in name or name.endswith((".html", ".htm", ".md"))
        reason = f"{'page' if page else 'file'} not found: {shown or '/'}"
        return f"{shown}{fragment}", LinkStatus.FAILED, reason
    key = f"{found}{fragment}"
    scan = site.pages.get(found)
    if config.anchors and scan is not None and not anchor_exists(scan, what.fragment):
        return key, LinkStatus.FAILED, f"anchor {fragment} not found in {found}"
    return key, LinkStatus.OK, ""


def _external_results(
    entries: dict[str, _Entry],
    config: LinksConfig,
    root: Path,
    offline: bool,
    progress: Progress | None,
    fetcher: Fetcher,
) -> tuple[list[LinkResult], list[str]]:
    """Check the external targets (cache, ignore rules, requests) and build their results."""
    notes: list[str] = []
    results: list[LinkResult] = []
    to_check: list[str] = []
    cache = None
    if config.cache and not offline:
        cache = LinkCache(
            root / config.cache_path, config.cache_ttl, keep_failures=config.cache_failures
        )
        if cache.note:
            notes.append(cache.note)

    def result(url: str, **kwargs) -> LinkResult:
        locations = tuple(sorted(entries[url].locations))
        return LinkResult(url, LinkKind.EXTERNAL, locations=locations, **kwargs)

    for url in sorted(entries):
        if pattern := config.is_ignored(url):
            results.append(
                result(url, status=LinkStatus.IGNORED, reason=f"matches ignore pattern {pattern}")
            )
        elif offline:
            results.append(result(url, status=LinkStatus.IGNORED, reason="offline: not checked"))
        elif cache is not None and (hit := cache.get(url)) is not None:
            status = LinkStatus.CACHED if hit.status.is_success else hit.status
            age = time.time() - hit.checked_at
            reason = f"{hit.reason + '; ' if hit.reason else ''}checked {_age(age)} ago"
            results.append(
                result(
                    url,
                    status=status,
                    reason=reason,
                    code=hit.code,
                    final_url=hit.final_url,
                    cached=True,
                )
            )
        else:
            to_check.append(url)

    outcomes: dict[str, Outcome] = check_urls(to_check, config, progress, fetcher)
    for url in to_check:
        out = outcomes[url]
        results.append(
            result(
                url,
                status=out.status,
                reason=out.reason,
                code=out.code,
                final_url=out.final_url,
                requests=out.requests,
                duration=round(out.duration, 3),
            )
        )
        if cache is not None:
            cache.put(url, out.status, out.code, out.reason, out.final_url)
    if cache is not None and to_check:
        try:
            cache.save()
        except OSError as exc:
            notes.append(f"{cache.path}: could not write the link cache ({exc})")
    results.sort(key=lambda r: r.url)
    return results, notes


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_site(
    site_dir: str | Path,
    root: str | Path = ".",
    config: LinksConfig | None = None,
    *,
    offline: bool | None = None,
    progress: Progress | None = None,
    fetcher: Fetcher = fetch,
    jobs: int | None = None,
) -> LinkReport:
    """Check every link in a built site.

    Args:
        site_dir: The built site folder (with ``confkb-manifest.json``, ideally).
        root: The knowledge-base root: sources and the cache are relative to it.
        config: Settings; resolved from ``root`` (file, environment) when omitted.
        offline: Check internal links only; ``config.offline`` when omitted.
        progress: Called with ``(done, total)`` as external links are checked.
        fetcher: The HTTP request function (tests may pass their own).
        jobs: Processes for reading pages (``os.cpu_count()`` when omitted).

    Returns:
        The report: one result per link target, with every source location.

    Raises:
        FileNotFoundError: When ``site_dir`` is not a folder.
    """
    site_dir, root = Path(site_dir), Path(root)
    if not site_dir.is_dir():
        raise FileNotFoundError(f"site folder not found: {site_dir}")
    config = config or resolve_config(root)
    offline = config.offline if offline is None else offline
    started_at, started = _now(), time.monotonic()

    site = read_site(site_dir, jobs)
    manifest = read_manifest(site_dir)
    sources = SourceMap(manifest, root, _label(site_dir, root))
    internal, external = _collect(site, sources, config)

    results = [
        LinkResult(
            key,
            LinkKind.INTERNAL,
            e.status or LinkStatus.OK,
            e.reason,
            locations=tuple(sorted(e.locations)),
        )
        for key, e in sorted(internal.items())
    ]
    ext_results, notes = _external_results(external, config, root, offline, progress, fetcher)
    return LinkReport(
        results=tuple(results + ext_results),
        pages=len(site.pages),
        started_at=started_at,
        finished_at=_now(),
        duration=round(time.monotonic() - started, 3),
        offline=offline,
        notes=tuple(n for n in [manifest.note, *notes] if n),
    )
