"""Parse ``<!-- snippet: ... -->`` directives into :class:`Directives`, reporting every problem."""

from __future__ import annotations

import re
import shlex

from confkb.problems import Problem
from confkb.snippets.model import NEEDS, Directives

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LISTS = {"needs", "images", "files", "tools"}
_KEYS = {
    "id", "scenario", "file", "env", "image", "needs", "images", "timeout",
    "expect-exit", "expect-output", "files", "skip", "tools", "note",
}


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError as exc:  # unbalanced quotes
        raise _Bad(f"cannot read directives ({exc}); quote values with spaces in double quotes")


class _Bad(Exception):
    pass


def parse_directives(text: str, path: str, line: int) -> tuple[Directives, list[Problem]]:
    """Parse the body of a snippet directive comment.

    Args:
        text: The text between ``snippet:`` and ``-->``, e.g. ``needs=docker timeout=90``.
        path: File the comment is in, for problems.
        line: Line of the comment, for problems.

    Returns:
        The directives (defaults where a value was bad) and every problem found.
    """
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, line, f"snippet.{key}" if key else "snippet", message))

    try:
        tokens = _split(text)
    except _Bad as exc:
        bad("", str(exc))
        return Directives(), problems

    values: dict[str, object] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if key not in _KEYS:
            bad(key, f"unknown directive {key!r}; known: {', '.join(sorted(_KEYS))}")
            continue
        if not sep or not value.strip():
            bad(key, "needs a value, e.g. " + ('skip="why it cannot run"' if key == "skip" else f"{key}=..."))
            continue
        if key in values:
            bad(key, "given twice")
        if key in _LISTS:
            values[key] = tuple(v.strip() for v in value.split(",") if v.strip())
        else:
            values[key] = value.strip()

    kwargs: dict[str, object] = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if key in {"id", "scenario"}:
            if not _ID.match(str(value)):
                bad(key, f"{value!r} must be lower case letters, digits, '.', '_' or '-'")
                continue
        elif key == "needs":
            unknown = sorted(set(value) - NEEDS)  # type: ignore[arg-type]
            if unknown:
                bad(key, f"unknown need {', '.join(unknown)}; known: {', '.join(sorted(NEEDS))}")
                continue
            value = frozenset(value)  # type: ignore[arg-type]
        elif key in {"timeout", "expect-exit"}:
            try:
                value = int(str(value))
            except ValueError:
                bad(key, f"{value!r} is not a whole number")
                continue
            if key == "timeout" and not 1 <= value <= 3600:
                bad(key, "must be between 1 and 3600 seconds")
                continue
            if key == "expect-exit" and not 0 <= value <= 255:
                bad(key, "must be an exit code between 0 and 255")
                continue
        elif key == "expect-output":
            try:
                re.compile(str(value))
            except re.error as exc:
                bad(key, f"not a valid regular expression: {exc}")
                continue
        elif key == "file" and (str(value).startswith("/") or ".." in str(value).split("/")):
            bad(key, "must be a relative path inside the workspace")
            continue
        kwargs[name] = value
    if "env" in kwargs and "image" in kwargs:
        bad("image", "give either env= or image=, not both")
    return Directives(**kwargs), problems  # type: ignore[arg-type]
