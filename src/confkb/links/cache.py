"""Outcomes of external links kept on disk between runs, each trusted for a time-to-live.

By default only successes are kept: a link that failed is checked again next run, so fixing
it (or the remote site coming back) shows at once, while the thousands of links that worked
yesterday are not asked again today.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from confkb.links.model import LinkStatus

CACHE_VERSION = 1


@dataclass(frozen=True)
class CacheEntry:
    """One remembered outcome.

    Attributes:
        status: The status the link had when checked.
        code: The HTTP status code, if there was a response.
        reason: The reason reported then.
        final_url: Where redirects ended, if they did.
        checked_at: Unix time of the check.
    """

    status: LinkStatus
    code: int | None
    reason: str
    final_url: str
    checked_at: float


class LinkCache:
    """A JSON file mapping URLs to outcomes, read once and written once per run."""

    def __init__(
        self,
        path: Path,
        ttl: float,
        *,
        keep_failures: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Open (read) the cache.

        Args:
            path: The cache file; it need not exist.
            ttl: Seconds an entry is trusted.
            keep_failures: Also store failed and error outcomes.
            clock: Source of the current Unix time (for tests).
        """
        self.path = path
        self.ttl = ttl
        self.keep_failures = keep_failures
        self._clock = clock
        self.note = ""
        self._entries: dict[str, CacheEntry] = {}
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            # A damaged cache costs one slow run, never a failed one.
            self.note = f"{self.path}: unreadable link cache ignored ({exc})"
            return
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return
        entries = data.get("entries")
        for url, raw in (entries if isinstance(entries, dict) else {}).items():
            try:
                entry = CacheEntry(
                    LinkStatus(raw["status"]),
                    raw.get("code"),
                    str(raw.get("reason", "")),
                    str(raw.get("final_url", "")),
                    float(raw["checked_at"]),
                )
            except (KeyError, TypeError, ValueError):
                continue
            self._entries[url] = entry

    def _fresh(self, entry: CacheEntry) -> bool:
        age = self._clock() - entry.checked_at
        return 0 <= age < self.ttl

    def get(self, url: str) -> CacheEntry | None:
        """The remembered outcome for ``url``, if there is one younger than the TTL."""
        entry = self._entries.get(url)
        return entry if entry is not None and self._fresh(entry) else None

    def put(
        self, url: str, status: LinkStatus, code: int | None, reason: str, final_url: str
    ) -> None:
        """Remember an outcome, if it is one worth keeping."""
        keep = status.is_success or (self.keep_failures and status.is_failure)
        if keep and status is not LinkStatus.CACHED:
            self._entries[url] = CacheEntry(status, code, reason, final_url, self._clock())

    def save(self) -> None:
        """Write the fresh entries back, atomically (a crash never leaves half a file)."""
        entries = {
            url: {
                "status": str(e.status),
                "code": e.code,
                "reason": e.reason,
                "final_url": e.final_url,
                "checked_at": e.checked_at,
            }
            for url, e in sorted(self._entries.items())
            if self._fresh(e)
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".links-cache-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": CACHE_VERSION, "entries": entries}, handle, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
