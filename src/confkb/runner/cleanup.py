"""Removing what runs leave behind: on every exit path, and after a runner was killed.

A run removes its own containers, networks and volumes when a scenario ends (success,
failure, timeout), and all of them again when the run ends or is interrupted. A runner
killed with SIGKILL cannot do that, so every run starts with a *sweep*: resources of runs
whose owning process is gone are removed. Resources of a runner that is still alive (a
concurrent run on the same engine) are left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import docker
import docker.errors
import requests.exceptions

from confkb.runner.sandbox import OWNER, OWNER_LABEL, RUN_LABEL, RunIdentity, owner_alive

_GONE = (docker.errors.NotFound, docker.errors.NullResource)
_TRANSIENT = (docker.errors.APIError, requests.exceptions.RequestException)


def _ours(client: docker.DockerClient, run_id: str | None = None) -> tuple[list, list, list]:
    labels = [f"{OWNER_LABEL}={OWNER}"]
    if run_id:
        labels.append(f"{RUN_LABEL}={run_id}")
    filters = {"label": labels}
    containers = client.containers.list(all=True, filters=filters, ignore_removed=True)
    networks = client.networks.list(filters=filters)
    volumes = client.volumes.list(filters=filters)
    return containers, networks, volumes


def remove_resources(containers: Iterable, networks: Iterable, volumes: Iterable) -> list[str]:
    """Remove containers (killing them), then networks, then volumes; ignore ones already gone.

    Returns:
        Problems met (a resource that would not go), for the run's log.
    """
    problems = []
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except _GONE:
            pass
        except _TRANSIENT as exc:
            if "already in progress" not in str(exc):
                problems.append(f"container {container.name}: {exc}")
    for network in networks:
        try:
            network.remove()
        except _GONE:
            pass
        except _TRANSIENT as exc:
            problems.append(f"network {network.name}: {exc}")
    for volume in volumes:
        try:
            volume.remove(force=True)
        except _GONE:
            pass
        except _TRANSIENT as exc:
            problems.append(f"volume {volume.name}: {exc}")
    return problems


def remove_run(client: docker.DockerClient, run_id: str) -> list[str]:
    """Remove every resource labelled with ``run_id``; returns problems met."""
    return remove_resources(*_ours(client, run_id))


def sweep_abandoned(client: docker.DockerClient, me: RunIdentity) -> list[str]:
    """Remove resources of runs whose runner process is gone.

    Args:
        client: Docker SDK client.
        me: This run (never swept).

    Returns:
        One line per abandoned run removed, e.g. ``run 0a1b2c (pid 123): 3 containers``.
    """
    containers, networks, volumes = _ours(client)
    by_run: dict[str, dict[str, list]] = defaultdict(lambda: {"c": [], "n": [], "v": []})
    labels_of: dict[str, dict[str, str]] = {}
    for kind, items in (("c", containers), ("n", networks), ("v", volumes)):
        for item in items:
            labels = (item.attrs.get("Labels") if kind != "c" else item.labels) or {}
            run_id = labels.get(RUN_LABEL, "")
            if run_id == me.run_id:
                continue
            by_run[run_id][kind].append(item)
            labels_of.setdefault(run_id, labels)
    swept = []
    for run_id, items in by_run.items():
        if owner_alive(labels_of[run_id], me.host):
            continue
        remove_resources(items["c"], items["n"], items["v"])
        pid = labels_of[run_id].get("confkb.pid", "?").split(":")[0]
        swept.append(
            f"run {run_id or '?'} (pid {pid}, gone): removed {len(items['c'])} containers, "
            f"{len(items['n'])} networks, {len(items['v'])} volumes"
        )
    return swept
