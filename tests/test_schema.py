"""The shipped JSON Schemas accept the shipped content and reject bad samples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from confkb.load.source import split_front_matter
from tests.conftest import REPO, SAMPLES

SCHEMAS = REPO / "src/confkb/schema"


def _schema(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMAS / f"{name}.schema.json").read_text()))


def _plain(value):  # YAML dates become strings, as an editor's YAML language server sees them
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _front(path: Path) -> dict:
    front, _body, _line, _problems = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    return _plain(yaml.safe_load(front))


@pytest.mark.parametrize("root", [REPO, SAMPLES / "kb-minimal"], ids=["shipped", "sample"])
def test_content_matches_schemas(root: Path) -> None:
    """Every event, talk and tool file validates against its schema."""
    files = 0
    for event in root.glob("talks/*/event.yml"):
        _schema("event").validate(_plain(yaml.safe_load(event.read_text(encoding="utf-8"))))
        files += 1
    for talk in root.glob("talks/*/*.md"):
        _schema("talk").validate(_front(talk))
        files += 1
    for tool in root.glob("tools/*.yml"):
        _schema("tool").validate(_plain(yaml.safe_load(tool.read_text(encoding="utf-8"))))
        files += 1
    assert files >= 6


@pytest.mark.parametrize("case, schema", [
    ("unknown-field/talks/demo-conf-2024/extra.md", "talk"),
    ("unknown-language/talks/demo-conf-2024/lang.md", "talk"),
    ("missing-field/talks/demo-conf-2024/no-title.md", "talk"),
    ("bad-tool/tools/weird.yml", "tool"),
])
def test_schema_rejects_bad_samples(case: str, schema: str) -> None:
    """The schema catches what an editor should underline."""
    path = SAMPLES / "bad" / case
    data = _front(path) if path.suffix == ".md" else _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert list(_schema(schema).iter_errors(data))
