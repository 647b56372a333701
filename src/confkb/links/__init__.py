"""Link checking for a built knowledge-base site.

Internal links and anchors are checked against the built HTML; external links over HTTP
with retries, ``Retry-After``, per-host limits and a cache; every finding is reported at the
source ``path:line`` an author wrote it on. Nothing here imports MkDocs.
"""

from __future__ import annotations

from confkb.links.check import check_site
from confkb.links.config import HostPolicy, LinksConfig, resolve_config
from confkb.links.model import LinkKind, LinkReport, LinkResult, LinkStatus, Location

__all__ = [
    "HostPolicy",
    "LinkKind",
    "LinkReport",
    "LinkResult",
    "LinkStatus",
    "LinksConfig",
    "Location",
    "check_site",
    "resolve_config",
]
