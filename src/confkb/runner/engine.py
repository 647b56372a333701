"""The container engine: which socket to talk to, and whether it is Docker or Podman.

Resolution order (the first that applies wins; nothing is read at import time):

1. ``--engine URL`` on the command line;
2. ``CONFKB_ENGINE`` in the environment;
3. ``DOCKER_HOST`` in the environment;
4. ``CONTAINER_HOST`` in the environment (Podman's variable);
5. ``snippets.engine`` in ``confkb.yml``;
6. the confkb socket ``/run/confkb-docker.sock`` (what ``scripts/engine-up`` starts), if present;
7. Docker's default socket ``/var/run/docker.sock``, if present;
8. Podman's sockets ``$XDG_RUNTIME_DIR/podman/podman.sock`` and ``/run/podman/podman.sock``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests.exceptions

CONFKB_SOCKET = Path("/run/confkb-docker.sock")
DOCKER_SOCKET = Path("/var/run/docker.sock")

# API calls other than waits and builds (which pass their own timeouts) must not hang a run.
API_TIMEOUT = 120


class EngineUnavailable(Exception):
    """No container engine answers; the message says where we looked."""


@dataclass(frozen=True)
class EngineChoice:
    """Where the engine is expected and which rule chose it."""

    url: str
    source: str


def _socket_url(path: Path) -> str:
    return f"unix://{path}"


def resolve_engine_url(
    flag: str | None = None,
    environ: Mapping[str, str] | None = None,
    config_value: str | None = None,
) -> EngineChoice:
    """Choose the engine URL by the documented order.

    Args:
        flag: The ``--engine`` value, if given.
        environ: The environment to read (``os.environ`` by default).
        config_value: ``snippets.engine`` from ``confkb.yml``, if set.

    Returns:
        The URL and the rule that chose it; the last default when nothing is found.
    """
    env = os.environ if environ is None else environ
    if flag:
        return EngineChoice(flag, "--engine")
    for name in ("CONFKB_ENGINE", "DOCKER_HOST", "CONTAINER_HOST"):
        if env.get(name):
            return EngineChoice(env[name], name)
    if config_value:
        return EngineChoice(config_value, "confkb.yml snippets.engine")
    candidates = [(CONFKB_SOCKET, "confkb socket"), (DOCKER_SOCKET, "Docker's default socket")]
    if env.get("XDG_RUNTIME_DIR"):
        candidates.append((Path(env["XDG_RUNTIME_DIR"]) / "podman/podman.sock", "Podman user socket"))
    candidates.append((Path("/run/podman/podman.sock"), "Podman system socket"))
    for path, source in candidates:
        if path.exists():
            return EngineChoice(_socket_url(path), source)
    return EngineChoice(_socket_url(DOCKER_SOCKET), "default (nothing found)")


@dataclass
class Engine:
    """A connected engine.

    Attributes:
        url: The engine's API address.
        source: Which resolution rule chose it.
        client: The Docker SDK client (Podman's Docker-compatible API speaks the same).
        kind: ``docker`` or ``podman``.
        version: The engine's version string.
    """

    url: str
    source: str
    client: docker.DockerClient
    kind: str
    version: str
    _info: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def api(self) -> docker.APIClient:
        """The low-level API client (streams, execs, archives)."""
        return self.client.api

    @property
    def is_podman(self) -> bool:
        """True when the engine is Podman's compatible service."""
        return self.kind == "podman"

    def describe(self) -> str:
        """``docker 20.10.24 at unix:///run/confkb-docker.sock``."""
        return f"{self.kind} {self.version} at {self.url}"

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def detect_kind(version: Mapping[str, Any]) -> str:
    """``podman`` when the version document names a Podman component, else ``docker``."""
    components = version.get("Components") or []
    names = " ".join(str(c.get("Name", "")) for c in components)
    platform = str((version.get("Platform") or {}).get("Name", ""))
    return "podman" if "podman" in f"{names} {platform}".lower() else "docker"


def connect(
    flag: str | None = None,
    environ: Mapping[str, str] | None = None,
    config_value: str | None = None,
    pool_size: int = 16,
) -> Engine:
    """Connect to the engine chosen by :func:`resolve_engine_url` and identify it once.

    Args:
        flag: ``--engine`` value.
        environ: Environment to read.
        config_value: ``snippets.engine`` from ``confkb.yml``.
        pool_size: HTTP connections to keep; each worker streams output on its own.

    Raises:
        EngineUnavailable: When nothing answers at the chosen address.
    """
    choice = resolve_engine_url(flag, environ, config_value)
    try:
        client = docker.DockerClient(
            base_url=choice.url, timeout=API_TIMEOUT, max_pool_size=pool_size
        )
        version = client.version()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as exc:
        raise EngineUnavailable(
            f"no container engine answers at {choice.url} (chosen by {choice.source}): {exc}. "
            "Start one with scripts/engine-up, or point --engine / DOCKER_HOST at one."
        ) from exc
    return Engine(
        url=choice.url,
        source=choice.source,
        client=client,
        kind=detect_kind(version),
        version=str(version.get("Version", "?")),
        _info=dict(version),
    )
