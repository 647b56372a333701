"""Environments: the images snippets run in, defined in the repository under ``envs/``.

Each ``envs/<name>/Dockerfile`` (with the files beside it) becomes the local image
``confkb-env/<name>:latest``, labelled with a hash of its definition. It is rebuilt only
when that hash changes: a Dockerfile edit, a file beside it, a parent environment
(``FROM confkb-env/<parent>``), the base image, or the host settings passed in.

Every environment starts from the base image ``confkb/base:bookworm``: a Debian bookworm
root file system made with ``mmdebstrap --variant=minbase`` and imported (no registry is
needed). It is made once, when missing; its tarball is kept to re-import it quickly.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Callable
from configparser import ConfigParser
from pathlib import Path

import docker
import docker.errors

BASE_IMAGE = "confkb/base:bookworm"
IMAGE_PREFIX = "confkb-env/"
HASH_LABEL = "confkb.env.hash"
BUILD_TIMEOUT = 1800
_PARENT = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?confkb-env/(?P<name>[a-z0-9][a-z0-9._-]*)",
                     re.IGNORECASE | re.MULTILINE)


class EnvironmentUnavailable(Exception):
    """An environment could not be found or built; the message says why."""


def environment_image(name: str) -> str:
    """The local image reference of an environment."""
    return f"{IMAGE_PREFIX}{name}:latest"


def host_settings() -> dict[str, bytes]:
    """Files passed into every build context under ``host/``.

    The host's extra CA certificates and a pip configuration, so that pip and curl inside
    containers work behind the same egress as the host (a TLS-inspecting proxy, a package
    index mirror). Only ``http(s)`` indexes are passed on: ``file://`` ones exist only on
    the host.
    """
    files: dict[str, bytes] = {}
    for crt in sorted(Path("/usr/local/share/ca-certificates").glob("**/*.crt")):
        files[f"host/ca-certificates/{crt.name}"] = crt.read_bytes()
    files["host/ca-certificates/.keep"] = b""
    index_url, extra = _host_pip_indexes()
    lines = ["[global]", "cert = /etc/ssl/certs/ca-certificates.crt"]
    if index_url:
        lines.append(f"index-url = {index_url}")
    if extra:
        lines.append("extra-index-url = " + " ".join(extra))
    files["host/pip.conf"] = ("\n".join(lines) + "\n").encode()
    return files


def _pip_config_files() -> list[Path]:
    # pip's own order: site-wide, then per user; later files win.
    home = Path.home()
    files = [Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf"),
             home / ".pip/pip.conf", home / ".config/pip/pip.conf"]
    if os.environ.get("PIP_CONFIG_FILE"):
        files.append(Path(os.environ["PIP_CONFIG_FILE"]))
    return [f for f in files if f.is_file()]


def _host_pip_indexes() -> tuple[str | None, list[str]]:
    """The host's pip index settings (read from its files and environment, as pip does)."""
    index_url: str | None = None
    extra: list[str] = []
    for path in _pip_config_files():
        parser = ConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        for section in ("global", "install"):
            if parser.has_option(section, "index-url"):
                index_url = parser.get(section, "index-url").strip()
            if parser.has_option(section, "extra-index-url"):
                extra = parser.get(section, "extra-index-url").split()
    index_url = os.environ.get("PIP_INDEX_URL", index_url)
    extra = os.environ.get("PIP_EXTRA_INDEX_URL", " ".join(extra)).split()
    web = ("http://", "https://")
    return (index_url if index_url and index_url.startswith(web) else None,
            [u for u in extra if u.startswith(web)])


def _definition_files(directory: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            files[path.relative_to(directory).as_posix()] = path.read_bytes()
    return files


def _context_tar(files: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755 if data.startswith(b"#!") else 0o644
            tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


class Environments:
    """The environments of one ``envs/`` folder, built on demand (thread-safe).

    Args:
        client: Docker SDK client.
        envs_dir: The folder holding ``<name>/Dockerfile``.
        cache_dir: Where the base image's tarball is kept.
        say: Called with a line of progress (builds take minutes; say so).
    """

    def __init__(
        self,
        client: docker.DockerClient,
        envs_dir: Path,
        cache_dir: Path,
        say: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.client = client
        self.envs_dir = Path(envs_dir)
        self.cache_dir = Path(cache_dir)
        self.say = say
        self._lock = threading.RLock()
        self._hashes: dict[str, str] = {}
        self._ready: dict[str, tuple[str, str]] = {}
        self._host: dict[str, bytes] | None = None
        self.built: list[str] = []

    def names(self) -> list[str]:
        """Names of the environments defined."""
        return sorted(p.parent.name for p in self.envs_dir.glob("*/Dockerfile"))

    def _host_files(self) -> dict[str, bytes]:
        if self._host is None:
            self._host = host_settings()
        return self._host

    def _dockerfile(self, name: str) -> str:
        path = self.envs_dir / name / "Dockerfile"
        if not path.is_file():
            known = ", ".join(self.names()) or "none"
            raise EnvironmentUnavailable(f"no environment {name!r} (envs/{name}/Dockerfile; known: {known})")
        return path.read_text(encoding="utf-8")

    def parents(self, name: str) -> list[str]:
        """Environments this one is built ``FROM``."""
        return [m.group("name") for m in _PARENT.finditer(self._dockerfile(name))]

    def definition_hash(self, name: str, _seen: tuple[str, ...] = ()) -> str:
        """Hash of everything the environment's image is made from."""
        with self._lock:
            if name in self._hashes:
                return self._hashes[name]
            if name in _seen:
                raise EnvironmentUnavailable(f"environments build FROM each other in a cycle: {' -> '.join(_seen + (name,))}")
            digest = hashlib.sha256()
            for rel, data in {**_definition_files(self.envs_dir / name), **self._host_files()}.items():
                digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
            for parent in self.parents(name):
                digest.update(b"parent\0" + self.definition_hash(parent, _seen + (name,)).encode())
            if BASE_IMAGE.split(":")[0] in self._dockerfile(name):
                digest.update(b"base\0" + self.ensure_base().encode())
            self._hashes[name] = digest.hexdigest()[:16]
            return self._hashes[name]

    def ensure(self, name: str) -> tuple[str, str]:
        """Build the environment if its image is missing or out of date.

        Returns:
            The image reference and the image id.

        Raises:
            EnvironmentUnavailable: When it is not defined or its build fails.
        """
        with self._lock:
            if name in self._ready:
                return self._ready[name]
            for parent in self.parents(name):
                self.ensure(parent)
            wanted = self.definition_hash(name)
            ref = environment_image(name)
            try:
                image = self.client.images.get(ref)
                if image.labels.get(HASH_LABEL) == wanted:
                    self._ready[name] = (ref, str(image.id))
                    return self._ready[name]
            except docker.errors.ImageNotFound:
                pass
            self._ready[name] = (ref, self._build(name, ref, wanted))
            return self._ready[name]

    def _build(self, name: str, ref: str, wanted: str) -> str:
        self.say(f"building environment {name} (envs/{name}/Dockerfile changed or image missing)")
        files = {**_definition_files(self.envs_dir / name), **self._host_files()}
        log: list[str] = []
        image_id = None
        try:
            for item in self.client.api.build(
                fileobj=_context_tar(files), custom_context=True, tag=ref, rm=True,
                forcerm=True, labels={HASH_LABEL: wanted, "confkb.owner": "confkb-env"},
                decode=True, timeout=BUILD_TIMEOUT,
            ):
                if "stream" in item:
                    log.append(item["stream"])
                if "error" in item:
                    tail = "".join(log)[-2000:]
                    raise EnvironmentUnavailable(f"building environment {name} failed: {item['error'].strip()}\n{tail}")
                if "aux" in item and "ID" in item["aux"]:
                    image_id = item["aux"]["ID"]
        except docker.errors.DockerException as exc:
            raise EnvironmentUnavailable(f"building environment {name} failed: {exc}") from exc
        if image_id is None:
            image_id = str(self.client.images.get(ref).id)
        self.say(f"built environment {name} ({image_id[:19]})")
        self.built.append(name)
        return image_id

    def prune_replaced(self) -> None:
        """Remove environment images that a rebuild replaced (untagged, not in use)."""
        if not self.built:
            return
        try:
            self.client.images.prune(filters={"dangling": True, "label": "confkb.owner=confkb-env"})
        except docker.errors.APIError:
            pass  # another prune is running, or an image is in use: next time

    def ensure_base(self) -> str:
        """Make the base image when it is missing; returns its id."""
        with self._lock:
            try:
                return str(self.client.images.get(BASE_IMAGE).id)
            except docker.errors.ImageNotFound:
                pass
            tarball = self.cache_dir / "base-bookworm.tar"
            if not tarball.is_file():
                self._debootstrap(tarball)
            self.say(f"importing {tarball} as {BASE_IMAGE}")
            repo, tag = BASE_IMAGE.split(":")
            with tarball.open("rb") as handle:
                self.client.api.import_image_from_data(
                    handle, repository=repo, tag=tag, changes=['CMD ["bash"]']
                )
            return str(self.client.images.get(BASE_IMAGE).id)

    def _debootstrap(self, tarball: Path) -> None:
        if not shutil.which("mmdebstrap"):
            raise EnvironmentUnavailable(
                f"the base image {BASE_IMAGE} is missing and mmdebstrap is not installed "
                "(scripts/engine-up installs it)"
            )
        self.say(f"making the base image with mmdebstrap (about 30 s) into {tarball}")
        tarball.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tarball.parent) as tmp:
            target = Path(tmp) / "rootfs.tar"
            done = subprocess.run(
                ["mmdebstrap", "--variant=minbase", "--include=ca-certificates", "bookworm", str(target)],
                capture_output=True, text=True, check=False,
            )
            if done.returncode != 0:
                raise EnvironmentUnavailable(f"mmdebstrap failed: {done.stderr[-2000:]}")
            target.replace(tarball)
