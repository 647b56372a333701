"""Sharding: a stable split of the scenarios over several runners (a CI matrix, an indexed Job).

A scenario belongs to shard ``i`` of ``n`` (1-based) when a hash of its id, modulo ``n``,
is ``i - 1``. The split depends only on the scenario's id: adding or changing other
snippets never moves it, so each shard's cache stays warm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``.

    Raises:
        ValueError: Unless it is ``i/n`` with ``1 <= i <= n``.
    """
    index_text, sep, total_text = text.partition("/")
    try:
        index, total = int(index_text), int(total_text)
    except ValueError:
        index, total = 0, 0
    if not sep or not 1 <= index <= total:
        raise ValueError(f"shard {text!r} must be i/n with 1 <= i <= n, e.g. 1/4")
    return index, total


def shard_of(scenario_id: str, total: int) -> int:
    """The 1-based shard a scenario id belongs to."""
    digest = hashlib.sha256(scenario_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def select_shard(items: Iterable[T], index: int, total: int, key=lambda item: item.id) -> list[T]:
    """The items of shard ``index`` of ``total`` (order kept)."""
    return [item for item in items if shard_of(key(item), total) == index]
