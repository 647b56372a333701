"""Shared fixtures: sample knowledge bases copied into a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"
REPO = Path(__file__).parent.parent


@pytest.fixture
def minimal_kb(tmp_path: Path) -> Path:
    """A copy of the small valid sample knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(SAMPLES / "kb-minimal", target)
    return target


def overlay(kb: Path, case: Path) -> None:
    """Copy a bad-input case's files over a knowledge base."""
    for file in case.rglob("*"):
        if file.is_file() and file.name != "expected.txt":
            target = kb / file.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
