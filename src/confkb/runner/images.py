"""Images snippets ask for, and the local images that stand in for them.

A snippet names images in three places: ``image=`` (run the block in that image),
``images=`` (preload them into the scenario's Docker daemon) and the ``FROM`` lines of its
Dockerfiles. No registry may be reachable, so every name goes through the *image map*
first. An image that is neither mapped, nor local, nor pullable makes the snippet *not
run* with the reason, never *passed*.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import docker.errors
import requests.exceptions
import yaml

ENV_PREFIX = "env:"
# A failed pull is not retried for this long: without a reachable registry every attempt
# fails the same way, and a cached re-run should not spend seconds finding that out again.
PULL_RETRY_SECONDS = 3600


def normalize_image(name: str) -> str:
    """The canonical form of an image reference, so equal images compare equal.

    ``alpine``, ``alpine:latest``, ``docker.io/library/alpine`` all become
    ``alpine:latest``; other registries keep their host; a digest is kept as it is.
    """
    name = name.strip()
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    last = name.rsplit("/", 1)[-1]
    if "@" not in last and ":" not in last:
        name += ":latest"
    return name


@dataclass(frozen=True)
class ImageMap:
    """Image names (normalised) mapped to a local image or ``env:<environment>``.

    Attributes:
        entries: The mapping.
        sources: Where the entries came from, lowest precedence first (for messages).
    """

    entries: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def lookup(self, name: str) -> str | None:
        """The stand-in for ``name``, or None when it is not mapped."""
        return self.entries.get(normalize_image(name))

    def layered(self, more: Mapping[str, str], source: str) -> ImageMap:
        """A map with ``more`` on top (its entries win)."""
        entries = dict(self.entries)
        entries.update({normalize_image(k): str(v).strip() for k, v in more.items()})
        return ImageMap(entries, (*self.sources, source))


def read_image_map_file(path: Path) -> dict[str, str]:
    """Entries of an image-map YAML file: a mapping, or a mapping under ``image_map``.

    Raises:
        ValueError: When the file is not such a mapping of strings.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read image map: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("image_map"), dict):
        data = data["image_map"]
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{path}: an image map is a mapping of image name to local image")
    return data


@dataclass(frozen=True)
class ImageChoice:
    """What a requested image resolved to.

    Attributes:
        requested: The name as the snippet wrote it.
        local: The local image to use; None when the image cannot be had.
        image_id: The local image's id (part of the cache key).
        how: ``mapped to env:alpine``, ``local``, ``pulled``; or the reason it is missing.
    """

    requested: str
    local: str | None
    image_id: str | None
    how: str

    @property
    def available(self) -> bool:
        """True when the image can be used."""
        return self.local is not None


def _pull_failure(exc: Exception) -> str:
    text = str(getattr(exc, "explanation", None) or exc)
    text = " ".join(text.split())
    network = re.search(r"no such host|dial tcp|i/o timeout|connection refused|network is unreachable|"
                        r"TLS handshake|server misbehaving|Temporary failure", text, re.IGNORECASE)
    short = text if len(text) <= 220 else text[:219] + "…"
    if network:
        return f"no registry reachable (pull failed: {short})"
    return f"pull failed: {short}"


class ImageResolver:
    """Resolves requested images once per run (thread-safe; results are memoised).

    Args:
        client: Docker SDK client of the engine.
        image_map: The run's image map.
        ensure_environment: Builds (if needed) an environment by name and returns
            ``(image reference, image id)``; used for ``env:<name>`` stand-ins.
        allow_pull: Try pulling images that are neither mapped nor local.
        failures_file: Where failed pulls are remembered (for :data:`PULL_RETRY_SECONDS`);
            None to remember nothing.
    """

    def __init__(
        self,
        client: docker.DockerClient,
        image_map: ImageMap,
        ensure_environment: Callable[[str], tuple[str, str]],
        allow_pull: bool = True,
        failures_file: Path | None = None,
    ) -> None:
        self.client = client
        self.image_map = image_map
        self.ensure_environment = ensure_environment
        self.allow_pull = allow_pull
        self.failures_file = failures_file
        self._memo: dict[str, ImageChoice] = {}
        self._lock = threading.Lock()
        self._failures = self._read_failures()

    def _read_failures(self) -> dict[str, dict]:
        if self.failures_file is None:
            return {}
        try:
            data = json.loads(self.failures_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        now = time.time()
        return {k: v for k, v in data.items()
                if isinstance(v, dict) and now - float(v.get("at", 0)) < PULL_RETRY_SECONDS}

    def _remember_failure(self, key: str, reason: str) -> None:
        if self.failures_file is None:
            return
        self._failures[key] = {"at": time.time(), "reason": reason}
        self.failures_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".pulls.", dir=self.failures_file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._failures, handle, indent=1)
        os.replace(tmp, self.failures_file)

    def resolve(self, requested: str) -> ImageChoice:
        """Resolve one image name (see the module docstring for the order)."""
        key = normalize_image(requested)
        with self._lock:
            if key not in self._memo:
                self._memo[key] = self._resolve(requested, key)
            return self._memo[key]

    def _local_id(self, ref: str) -> str | None:
        try:
            return str(self.client.images.get(ref).id)
        except docker.errors.ImageNotFound:
            return None

    def _resolve(self, requested: str, key: str) -> ImageChoice:
        target = self.image_map.lookup(key)
        if target and target.startswith(ENV_PREFIX):
            env_name = target[len(ENV_PREFIX):]
            try:
                ref, image_id = self.ensure_environment(env_name)
            except Exception as exc:  # a broken environment build must not pass anything
                return ImageChoice(requested, None, None,
                                   f"image {requested} is mapped to {target}, which could not be built: {exc}")
            return ImageChoice(requested, ref, image_id, f"mapped to {target}")
        if target:
            image_id = self._local_id(target)
            if image_id:
                return ImageChoice(requested, target, image_id, f"mapped to {target}")
            return ImageChoice(requested, None, None,
                               f"image {requested} is mapped to {target}, which is not a local image")
        image_id = self._local_id(key)
        if image_id:
            return ImageChoice(requested, key, image_id, "local")
        if not self.allow_pull:
            return ImageChoice(requested, None, None,
                               f"image {requested} is not available here: not local, not in the image map")
        remembered = self._failures.get(key)
        if remembered:
            return ImageChoice(requested, None, None, f"image {requested} is not available here: "
                                                      f"{remembered['reason']}")
        try:
            image = self.client.images.pull(key)
        except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
            reason = _pull_failure(exc)
            self._remember_failure(key, reason)
            return ImageChoice(requested, None, None, f"image {requested} is not available here: {reason}")
        return ImageChoice(requested, key, str(image.id), "pulled")


_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(?P<image>\S+)(?:\s+AS\s+(?P<stage>\S+))?",
                   re.IGNORECASE | re.MULTILINE)


def dockerfile_base_images(text: str) -> tuple[str, ...]:
    """Images a Dockerfile starts from, leaving out ``scratch``, earlier stages and ``$ARG`` names."""
    stages: set[str] = set()
    images: list[str] = []
    for match in _FROM.finditer(text):
        image, stage = match.group("image"), match.group("stage")
        if image.lower() != "scratch" and image.lower() not in stages and "$" not in image:
            if image not in images:
                images.append(image)
        if stage:
            stages.add(stage.lower())
    return tuple(images)
