"""A scenario's services: its workspace, network, Docker daemon and registry.

The containers of one scenario share one network namespace, like a Kubernetes pod: the
first service started (the registry, else the Docker daemon) owns it, and the others join
it with ``network_mode=container:<owner>``. So the snippet reaches its Docker daemon at
``tcp://127.0.0.1:2375`` and its registry at ``localhost:5000`` - and so does the daemon,
which is why ``docker push localhost:5000/...`` works (Docker treats localhost registries
as insecure without configuration). Without ``needs=network`` that namespace has only a
loopback interface: nothing outside is reachable. With it, the owner joins a bridge network
created for the scenario (labelled, removed afterwards).

Each scenario gets a *fresh* Docker daemon (about 2 s to start here) rather than sharing
one: containers, images, build caches and names (``docker run --name nginx``) of one
scenario can then never leak into another, and parallel workers cannot collide. The host's
Docker socket is never mounted.

The daemon runs in a container with broad privileges (all capabilities but
CAP_SYS_RESOURCE, no seccomp/AppArmor, unmasked /proc - what dockerd needs to start
containers), but with its own cgroup namespace, memory and pids limits, no network unless
asked, and nothing of the host mounted: its containers nest under its limits.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import docker
import docker.errors
from docker.utils.socket import frames_iter

from confkb.runner.cleanup import remove_resources
from confkb.runner.images import ImageChoice, normalize_image
from confkb.runner.sandbox import RunIdentity, SandboxLimits

DIND_ADDRESS = "tcp://127.0.0.1:2375"
DIND_START_TIMEOUT = 60.0


class ServiceError(Exception):
    """A service did not come up: a harness error, not the snippet's fault."""


class Pod:
    """The resources of one scenario; a context manager that removes them on every path.

    Args:
        client: Docker SDK client.
        identity: The run (for labels).
        scenario_id: For labels and names.
        limits: Sandbox limits.
    """

    def __init__(self, client: docker.DockerClient, identity: RunIdentity, scenario_id: str,
                 limits: SandboxLimits) -> None:
        self.client = client
        self.api = client.api
        self.identity = identity
        self.scenario_id = scenario_id
        self.limits = limits
        self.containers: list[Any] = []
        self.networks: list[Any] = []
        self.volumes: list[Any] = []
        self.owner: str | None = None  # container whose network namespace the pod shares
        self.network: str | None = None
        self.workspace: str | None = None
        self.dind: str | None = None

    def __enter__(self) -> Pod:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def remove(self) -> list[str]:
        """Remove everything created so far (containers first)."""
        problems = remove_resources(self.containers, self.networks, self.volumes)
        self.containers, self.networks, self.volumes = [], [], []
        return problems

    def labels(self, role: str) -> dict[str, str]:
        """Labels for a resource of this pod."""
        return self.identity.labels(self.scenario_id, role)

    def create_workspace(self) -> str:
        """A volume for ``/workspace``, shared by the snippet and its Docker daemon."""
        volume = self.client.volumes.create(labels=self.labels("workspace"))
        self.volumes.append(volume)
        self.workspace = volume.name
        return volume.name

    def create_network(self) -> str:
        """A bridge network for a scenario that needs the network."""
        network = self.client.networks.create(
            f"confkb-{self.identity.run_id}-{len(self.networks)}-{abs(hash(self.scenario_id)) % 10**6}",
            driver="bridge", labels=self.labels("network"),
        )
        self.networks.append(network)
        self.network = network.name
        return network.name

    def network_mode(self) -> str:
        """How a new container of the pod joins its network namespace."""
        if self.owner:
            return f"container:{self.owner}"
        return self.network or "none"

    def _start(self, image: str, command: list[str] | None, role: str, host_config: dict,
               environment: dict[str, str] | None = None) -> str:
        container_id = self.api.create_container(
            image, command, host_config=host_config, labels=self.labels(role),
            environment=environment,
        )["Id"]
        self.containers.append(self.client.containers.get(container_id))
        self.api.start(container_id)
        if self.owner is None:
            self.owner = container_id
        return container_id

    def start_registry(self, image: str) -> str:
        """Start the throwaway registry (plain HTTP on :5000)."""
        host_config = self.api.create_host_config(
            network_mode=self.network_mode(), cap_drop=["ALL"], security_opt=["no-new-privileges"],
            mem_limit="512m", pids_limit=256, init=True,
            tmpfs={"/var/lib/docker-registry": f"rw,size={self.limits.tmpfs_size}"},
            log_config={"type": "none", "config": {}},
        )
        return self._start(image, None, "registry", host_config)

    def start_dind(self, image: str) -> str:
        """Start the throwaway Docker daemon; returns when it answers.

        Raises:
            ServiceError: When it does not answer within :data:`DIND_START_TIMEOUT`.
        """
        mounts = {}
        if self.workspace:
            # Same path as in the snippet container, so `docker run -v "$PWD":...` works.
            mounts[self.workspace] = {"bind": "/workspace", "mode": "rw"}
        host_config = self.api.create_host_config(
            network_mode=self.network_mode(), cgroupns="private",
            cap_add=["ALL"], cap_drop=["SYS_RESOURCE"],
            security_opt=["seccomp=unconfined", "apparmor=unconfined"],
            tmpfs={"/var/lib/docker": "rw,exec", "/run": "rw,exec", "/tmp": "rw,exec"},
            binds=mounts, mem_limit=self.limits.dind_memory, memswap_limit=self.limits.dind_memory,
            pids_limit=self.limits.dind_pids, init=True,
        )
        # systempaths=unconfined (the CLI's name): dockerd writes to /proc/sys.
        host_config["MaskedPaths"] = []
        host_config["ReadonlyPaths"] = []
        self.dind = self._start(image, ["confkb-dind"], "dind", host_config)
        deadline = time.monotonic() + DIND_START_TIMEOUT
        while time.monotonic() < deadline:
            code, _ = self.exec(self.dind, ["docker", "version", "--format", "{{.Server.Version}}"])
            if code == 0:
                return self.dind
            state = self.api.inspect_container(self.dind)["State"]
            if not state.get("Running"):
                break
            time.sleep(0.2)
        logs = self._logs(self.dind)
        raise ServiceError(f"the scenario's Docker daemon did not start: {logs}")

    def _logs(self, container_id: str) -> str:
        try:
            text = self.api.logs(container_id, tail=15).decode("utf-8", "replace")
        except docker.errors.APIError as exc:
            return str(exc)
        return " | ".join(line for line in text.splitlines() if line.strip())[-1500:]

    def exec(self, container_id: str, command: list[str]) -> tuple[int, str]:
        """Run a command in a pod container; (exit code, output)."""
        exec_id = self.api.exec_create(container_id, command)["Id"]
        output = self.api.exec_start(exec_id)
        code = self.api.exec_inspect(exec_id).get("ExitCode")
        return (code if code is not None else -1), output.decode("utf-8", "replace")

    def preload(self, choices: list[ImageChoice]) -> None:
        """Copy images from the engine into the scenario's daemon, under the requested names.

        Raises:
            ServiceError: When loading fails.
        """
        assert self.dind, "start_dind first"
        by_local: dict[str, list[str]] = {}
        for choice in choices:
            assert choice.local
            by_local.setdefault(choice.local, []).append(normalize_image(choice.requested))
        for local, names in by_local.items():
            self._load(local)
            for name in names:
                if name != normalize_image(local):
                    code, out = self.exec(self.dind, ["docker", "tag", local, name])
                    if code != 0:
                        raise ServiceError(f"cannot tag {local} as {name} in the scenario's daemon: {out}")

    def _load(self, local: str) -> None:
        # `docker save | docker exec -i dind docker load`, streamed: no temporary file.
        exec_id = self.api.exec_create(self.dind, ["docker", "load", "-q"], stdin=True)["Id"]
        stream = self.api.exec_start(exec_id, socket=True)
        raw = getattr(stream, "_sock", stream)
        try:
            for chunk in self.api.get_image(local, chunk_size=1 << 20):
                raw.sendall(chunk)
            raw.shutdown(socket.SHUT_WR)
            output = b"".join(data for _, data in frames_iter(stream, tty=False))
        finally:
            stream.close()
        code = self.api.exec_inspect(exec_id).get("ExitCode")
        if code != 0:
            raise ServiceError(f"loading {local} into the scenario's daemon failed: "
                               f"{output.decode('utf-8', 'replace').strip()[-500:]}")
