"""Checks done in the runner itself: YAML and JSON parsing, Kubernetes manifest fields.

Parsing is deterministic and safe (``yaml.safe_load``), so it needs no container. A
Kubernetes manifest (a document with ``apiVersion`` and ``kind``) is additionally checked
here for the fields every object needs, and then, in the container, decoded by kubectl
into its typed API object (see :mod:`confkb.runner.driver`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from confkb.snippets.model import Snippet

# Kinds whose objects hold a pod template (or are a pod): their containers are checked.
_POD_PATHS = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


@dataclass(frozen=True)
class DataCheck:
    """The outcome of parsing a YAML or JSON block.

    Attributes:
        ok: True when it parsed (and, for manifests, has the required fields).
        message: Why not, with the file line where the parser stopped.
        manifests: Number of Kubernetes objects found (0: plain data).
    """

    ok: bool
    message: str = ""
    manifests: int = 0


def is_manifest(document: Any) -> bool:
    """A Kubernetes object: a mapping with ``apiVersion`` and ``kind``."""
    return isinstance(document, dict) and "apiVersion" in document and "kind" in document


def _dig(document: dict, path: tuple[str, ...]) -> Any:
    node: Any = document
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def manifest_problems(document: dict) -> list[str]:
    """Fields every Kubernetes object needs, and containers in pod templates."""
    problems = []
    kind = document.get("kind")
    api_version = document.get("apiVersion")
    if not isinstance(kind, str) or not kind:
        problems.append("kind must be a non-empty string")
    if not isinstance(api_version, str) or not api_version or api_version.count("/") > 1:
        problems.append("apiVersion must be 'v1' or 'group/version'")
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        problems.append("metadata is missing")
    elif not (metadata.get("name") or metadata.get("generateName")):
        problems.append("metadata.name (or generateName) is missing")
    pod_path = _POD_PATHS.get(kind) if isinstance(kind, str) else None
    if pod_path:
        pod = _dig(document, pod_path)
        containers = pod.get("containers") if isinstance(pod, dict) else None
        where = ".".join(pod_path)
        if not isinstance(containers, list) or not containers:
            problems.append(f"{where}.containers must list at least one container")
        else:
            for i, container in enumerate(containers):
                if not isinstance(container, dict) or not container.get("name") or not container.get("image"):
                    problems.append(f"{where}.containers[{i}] needs a name and an image")
    name = (metadata or {}).get("name") if isinstance(metadata, dict) else None
    label = f"{kind or '?'}/{name or '?'}"
    return [f"{label}: {p}" for p in problems]


def check_data(snippet: Snippet) -> DataCheck:
    """Parse a YAML or JSON block; check manifests' required fields.

    Line numbers in messages are lines of the source file (the fence is at
    ``snippet.line``, so the block's first line is ``snippet.line + 1``).
    """
    first = snippet.line + 1
    if snippet.kind == "json":
        try:
            documents = [json.loads(snippet.code)]
        except json.JSONDecodeError as exc:
            return DataCheck(False, f"JSON does not parse: {exc.msg} (line {first + exc.lineno - 1}, column {exc.colno})")
    else:
        try:
            documents = [d for d in yaml.safe_load_all(snippet.code) if d is not None]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {first + mark.line}, column {mark.column + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return DataCheck(False, f"YAML does not parse: {problem}{where}")
    manifests = [d for d in documents if is_manifest(d)]
    problems = [p for d in manifests for p in manifest_problems(d)]
    if problems:
        return DataCheck(False, "; ".join(problems), len(manifests))
    return DataCheck(True, "", len(manifests))
