"""When to try again, and how long to wait first."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Statuses worth another attempt: the server is busy, overloaded or briefly broken.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# Statuses whose Retry-After speaks for the whole host (RFC 9110: 429 and 503), so every
# request to that host waits, not just the one that was told.
HOST_WIDE_STATUSES = frozenset({429, 503})


def head_unreliable(status: int) -> bool:
    """Whether a ``HEAD`` answer should be checked again with ``GET``.

    Many servers answer ``HEAD`` with 405 or 501, and some with 403 or 404 for pages that a
    browser gets fine; only a ``GET`` tells. Rate limits and overload are retried instead.
    """
    return (400 <= status < 500 and status not in (408, 429)) or status == 501


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header.

    Args:
        value: The header value: a number of seconds or an HTTP date.
        now: The current time (for tests); the system clock when omitted.

    Returns:
        Seconds (never negative), or ``None`` when there is no usable value.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with a little jitter, so retries from many tasks spread out.

    Args:
        attempt: 0 for the wait before the first retry, 1 before the second, ...
        base: The first wait in seconds.
        cap: The longest wait.

    Returns:
        ``base * 2**attempt``, plus up to 10 %, capped at ``cap``.
    """
    return min(cap, base * (2**attempt) * (1 + random.random() / 10))
