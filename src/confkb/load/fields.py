"""Field checks shared by the event, talk and tool loaders: each returns a value or records a problem."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from confkb.load.source import YamlDoc
from confkb.problems import Problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")

_MISSING = object()


class Fields:
    """Typed access to one YAML mapping, collecting problems instead of raising.

    Args:
        doc: The parsed document.
        mapping: The mapping to read (the document itself or a nested mapping).
        prefix: Dotted path of ``mapping`` inside the document.
        known: Every field allowed in this mapping; others are reported.
    """

    def __init__(self, doc: YamlDoc, mapping: Any, prefix: str, known: set[str]) -> None:
        self.doc = doc
        self.prefix = prefix
        self.problems: list[Problem] = []
        self.mapping: dict[str, Any] = mapping if isinstance(mapping, dict) else {}
        if not isinstance(mapping, dict):
            self.problems.append(doc.problem(prefix, f"must be a mapping of fields, not {_kind(mapping)}"))
            return
        for key in self.mapping:
            if str(key) not in known:
                hint = _closest(str(key), known)
                self.problems.append(
                    doc.problem(self.key(str(key)), "unknown field" + (f"; did you mean {hint!r}?" if hint else ""))
                )

    def key(self, name: str) -> str:
        """Dotted path of a field of this mapping."""
        return f"{self.prefix}.{name}" if self.prefix else name

    def bad(self, name: str, message: str) -> None:
        """Record a problem at a field."""
        self.problems.append(self.doc.problem(self.key(name), message))

    def _get(self, name: str, required: bool) -> Any:
        value = self.mapping.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problems.append(
                    Problem(self.doc.path, self.doc.line(self.prefix), self.key(name), "required field is missing")
                )
            return _MISSING
        return value

    def string(self, name: str, required: bool = False, pattern: re.Pattern[str] | None = None,
               what: str = "") -> str | None:
        """A non-empty string field."""
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.bad(name, f"must be text, not {_kind(value)}")
            return None
        text = str(value).strip()
        if not text:
            if required:
                self.bad(name, "must not be empty")
            return None
        if pattern and not pattern.match(text):
            self.bad(name, f"{text!r} is not {what or 'valid'}")
            return None
        return text

    def url(self, name: str, required: bool = False) -> str | None:
        """An http(s) URL field."""
        return self.string(name, required, URL, "an http(s) URL")

    def date(self, name: str, required: bool = False) -> dt.date | None:
        """A ``YYYY-MM-DD`` date field."""
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.bad(name, f"{value!r} is not a date; write YYYY-MM-DD")
            return None

    def boolean(self, name: str, default: bool) -> bool:
        """A true/false field."""
        value = self._get(name, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.bad(name, f"must be true or false, not {value!r}")
            return default
        return value

    def strings(self, name: str, required: bool = False, pattern: re.Pattern[str] | None = None,
                what: str = "") -> tuple[str, ...]:
        """A list of strings (a single string is accepted as a list of one)."""
        value = self._get(name, required)
        if value is _MISSING:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.bad(name, f"must be a list, not {_kind(value)}")
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.bad(f"{name}.{index}", f"must be text, not {_kind(item)}")
                continue
            text = str(item).strip()
            if pattern and not pattern.match(text):
                self.bad(f"{name}.{index}", f"{text!r} is not {what or 'valid'}")
                continue
            out.append(text)
        return tuple(out)

    def raw(self, name: str, required: bool = False) -> Any:
        """The value as parsed, or None."""
        value = self._get(name, required)
        return None if value is _MISSING else value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _closest(name: str, known: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return match[0] if match else None
