"""Load a knowledge base together with its snippets: what ``validate``, the site and the runner share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confkb.load import load_knowledge_base
from confkb.model import KnowledgeBase
from confkb.problems import ContentError
from confkb.snippets.extract import extract_snippets
from confkb.snippets.model import Snippet


@dataclass(frozen=True)
class Content:
    """A validated knowledge base and its snippets."""

    kb: KnowledgeBase
    snippets: tuple[Snippet, ...]


def load_content(root: Path | str, talks_dir: str = "talks", tools_dir: str = "tools") -> Content:
    """Load, validate and extract snippets; raise :class:`ContentError` with every problem."""
    kb = load_knowledge_base(root, talks_dir, tools_dir)
    snippets, problems = extract_snippets(kb)
    if problems:
        raise ContentError(problems)
    return Content(kb=kb, snippets=tuple(snippets))
