"""The sandbox every snippet runs in: labels, limits and capped output.

Defaults, chosen so that a snippet can do what conference demos do and nothing more:

* no network (``network_mode=none``) unless the scenario says ``needs=network``;
* every capability dropped, ``no-new-privileges``;
* a read-only root file system; writable tmpfs for ``/tmp``, ``/root`` (``$HOME``),
  ``/run``, ``/var/tmp`` and the workspace;
* memory, process (pids) and CPU limits;
* its own cgroup namespace (so the limits it sees are its own);
* a timeout per block that kills the container;
* output capped per block (the first and the last half of the cap are kept).

Everything the runner creates (containers, networks, volumes) carries the labels of
:class:`RunIdentity`, so that a later run can sweep what a killed runner left behind.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

OWNER_LABEL = "confkb.owner"
OWNER = "confkb"
RUN_LABEL = "confkb.run"
PID_LABEL = "confkb.pid"
HOST_LABEL = "confkb.host"
SCENARIO_LABEL = "confkb.scenario"
ROLE_LABEL = "confkb.role"


def process_start_time(pid: int) -> str | None:
    """The start time of a process (clock ticks since boot), or None when it is gone.

    Together with the pid it identifies a process even after the pid is reused.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may contain spaces; fields after the last ')' are fixed.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


@dataclass(frozen=True)
class RunIdentity:
    """Who owns the resources of a run.

    Attributes:
        run_id: Random id of the run.
        pid: The runner's process id.
        pid_start: The runner's start time (see :func:`process_start_time`).
        host: The runner's host name (pids mean nothing on other hosts).
    """

    run_id: str
    pid: int
    pid_start: str
    host: str

    @classmethod
    def current(cls) -> RunIdentity:
        """The identity of this process, with a fresh run id."""
        pid = os.getpid()
        return cls(uuid.uuid4().hex[:12], pid, process_start_time(pid) or "", socket.gethostname())

    @property
    def pid_label(self) -> str:
        """``<pid>:<start time>``."""
        return f"{self.pid}:{self.pid_start}"

    def labels(self, scenario: str | None = None, role: str | None = None) -> dict[str, str]:
        """The labels to put on a resource of this run."""
        labels = {
            OWNER_LABEL: OWNER,
            RUN_LABEL: self.run_id,
            PID_LABEL: self.pid_label,
            HOST_LABEL: self.host,
        }
        if scenario:
            labels[SCENARIO_LABEL] = scenario
        if role:
            labels[ROLE_LABEL] = role
        return labels


def owner_alive(labels: dict[str, str], host: str) -> bool:
    """Whether the runner that labelled a resource may still be running.

    Resources of another host are assumed alive (we cannot tell); resources whose pid is
    gone, or reused by a process started at another time, are not.
    """
    if labels.get(HOST_LABEL) != host:
        return True
    pid_text, _, start = labels.get(PID_LABEL, "").partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    now = process_start_time(pid)
    return now is not None and (not start or now == start)


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of the snippet container and of the Docker-in-Docker service.

    Attributes:
        memory: Memory limit of the snippet container (tmpfs use counts against it).
        pids: Process limit of the snippet container (a fork bomb stops here).
        cpus: CPUs the snippet container may use.
        output_cap: Bytes of output kept per block; the rest is counted, not kept.
        tmpfs_size: Size of each writable tmpfs.
        dind_memory: Memory limit of the throwaway Docker daemon (its images live in RAM).
        dind_pids: Process limit of the throwaway Docker daemon and its containers.
    """

    memory: str = "1g"
    pids: int = 512
    cpus: float = 1.0
    output_cap: int = 64 * 1024
    tmpfs_size: str = "512m"
    dind_memory: str = "3g"
    dind_pids: int = 4096

    def key(self) -> str:
        """A string for the cache key (results depend on limits)."""
        return f"{self.memory}/{self.pids}/{self.cpus}/{self.output_cap}/{self.tmpfs_size}"


def snippet_host_config(limits: SandboxLimits, *, workspace_volume: str | None) -> dict:
    """Keyword arguments for ``APIClient.create_host_config`` that make the sandbox.

    Args:
        limits: The limits.
        workspace_volume: A volume to mount at ``/workspace`` (shared with a Docker
            daemon, or pre-filled with files); a tmpfs when None.
    """
    tmpfs = {
        "/tmp": f"rw,exec,size={limits.tmpfs_size}",
        "/root": f"rw,exec,size={limits.tmpfs_size}",
        "/run": "rw,exec,size=64m",
        "/var/tmp": "rw,size=64m",
        "/confkb": "rw,exec,size=64m",
    }
    binds = {}
    if workspace_volume:
        binds[workspace_volume] = {"bind": "/workspace", "mode": "rw"}
    else:
        tmpfs["/workspace"] = f"rw,exec,size={limits.tmpfs_size}"
    return {
        "read_only": True,
        "tmpfs": tmpfs,
        "binds": binds,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "mem_limit": limits.memory,
        "memswap_limit": limits.memory,
        "pids_limit": limits.pids,
        "nano_cpus": int(limits.cpus * 1e9),
        "cgroupns": "private",
        "init": True,
        # Output is read from the attached stream and capped there; a log driver would
        # write all of it (gigabytes, if a snippet prints that much) to the engine's disk.
        "log_config": {"type": "none", "config": {}},
    }


class OutputCapture:
    """Keeps the first and last half of ``cap`` bytes of a stream; counts the rest.

    Memory stays bounded whatever a snippet prints.
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data: bytes) -> None:
        """Append a chunk of output."""
        self.total += len(data)
        room = self.cap // 2 - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            excess = len(self.tail) - (self.cap - self.cap // 2)
            if excess > 0:
                del self.tail[:excess]

    @property
    def truncated(self) -> bool:
        """True when bytes were dropped."""
        return self.total > len(self.head) + len(self.tail)

    def text(self) -> str:
        """The kept output, with a note where bytes were left out."""
        head = bytes(self.head).decode("utf-8", "replace")
        tail = bytes(self.tail).decode("utf-8", "replace")
        if not self.truncated:
            return head + tail
        dropped = self.total - len(self.head) - len(self.tail)
        return (
            f"{head}\n[... {dropped} bytes not shown: output is capped at {self.cap} bytes "
            f"per block ({self.total} bytes in all) ...]\n{tail}"
        )
