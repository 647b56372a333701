"""Read content files as text and YAML, turning every failure into a :class:`Problem`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from confkb.problems import Problem


@dataclass
class YamlDoc:
    """A parsed YAML mapping with the line of every key.

    Attributes:
        data: The parsed value (a dict for valid content files).
        lines: Line of each key, by dotted path (``status.state``, ``speakers.0.name``).
        path: File path, for problems.
        first_line: Line of the document's first line in its file (front matter starts at 2).
    """

    data: Any
    path: str
    first_line: int = 1
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int:
        """Line of a dotted key, or of its closest known parent, or of the document start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return self.first_line

    def problem(self, key: str, message: str) -> Problem:
        """A problem located at ``key``."""
        return Problem(self.path, self.line(key), key or "file", message)


def read_text(file: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a content file as UTF-8; report non-UTF-8 and empty files."""
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(rel, line, "file", f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
        ]
    if not text.strip():
        return None, [Problem(rel, 1, "file", "file is empty")]
    return text.lstrip("\ufeff"), []


# libyaml's parser is several times faster than the pure-Python one; both keep line marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe YAML, but an impossible date stays text so the field check can report it."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _record_lines(node: yaml.Node, prefix: str, first_line: int, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            dotted = f"{prefix}.{key}" if prefix else key
            lines[dotted] = key_node.start_mark.line + first_line
            _record_lines(value_node, dotted, first_line, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            dotted = f"{prefix}.{index}"
            lines[dotted] = item.start_mark.line + first_line
            _record_lines(item, dotted, first_line, lines)


def parse_yaml(text: str, rel: str, first_line: int = 1) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document, keeping the line of every key.

    Returns:
        The document, or ``None`` with a problem when the YAML is invalid.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}, {what}"
        return None, [Problem(rel, line, "yaml", f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(rel, first_line, "yaml", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    doc = YamlDoc(data=data, path=rel, first_line=first_line)
    if node is not None:
        _record_lines(node, "", first_line, doc.lines)
    return doc, []


def split_front_matter(text: str, rel: str) -> tuple[str | None, str, int, list[Problem]]:
    """Split ``---`` front matter from a Markdown body.

    Returns:
        (front matter text, body, line where the body starts, problems).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1, [
            Problem(rel, 1, "front matter", "missing: the file must start with a '---' line")
        ]
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2, []
    return None, text, 1, [
        Problem(rel, 1, "front matter", "never closed: add a '---' line after the last field")
    ]


def read_yaml_file(file: Path, rel: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Read and parse a YAML content file; ``None`` with the problems when it cannot be used."""
    text, problems = read_text(file, rel)
    if text is None:
        return None, problems
    return parse_yaml(text, rel)
