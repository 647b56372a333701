"""Unit tests of the runner's pure parts: no engine needed."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from confkb.results.model import Result, Status
from confkb.runner.cache import ResultCache, scenario_key
from confkb.runner.checks import check_data
from confkb.runner.driver import build_driver
from confkb.runner.engine import detect_kind, resolve_engine_url
from confkb.runner.execute import Resolved, failed_command, key_line
from confkb.runner.images import ImageChoice, ImageMap, dockerfile_base_images, normalize_image
from confkb.runner.markers import MarkerSplitter
from confkb.runner.plan import plan_scenario
from confkb.runner.sandbox import OutputCapture, RunIdentity, SandboxLimits, owner_alive
from confkb.runner.settings import SettingsError, resolve_settings
from confkb.runner.shard import parse_shard, select_shard, shard_of
from confkb.snippets.extract import strip_prompts

from .helpers import scenario, snippet

# --- cache key ----------------------------------------------------------------------------

def _resolved(env_id: str = "sha256:env1", images: dict | None = None) -> Resolved:
    return Resolved(ImageChoice("shell", "confkb-env/shell:latest", env_id, "environment"),
                    f"shell@{env_id}", images or {})


def _key(*snippets, resolved=None, limits=SandboxLimits(), root=Path("/nonexistent")):
    return scenario_key(plan_scenario(scenario(*snippets)), resolved or _resolved(), limits, root)


def test_cache_key_is_stable_and_covers_what_results_depend_on():
    """Same inputs, same key; code, directives, environment image, limits or a missing image change it."""
    base = snippet("echo hi")
    assert _key(base) == _key(base)
    assert _key(base) != _key(replace(base, code="echo ho", hash="ffffffffffffffff"))
    assert _key(base) != _key(snippet("echo hi", timeout=5))
    assert _key(base) != _key(base, resolved=_resolved("sha256:env2"))
    assert _key(base) != _key(base, limits=SandboxLimits(memory="2g"))
    with_image = snippet("trivy --version", image="aquasec/trivy:1")
    missing = _resolved(images={0: (ImageChoice("x", None, None, "not available"),)})
    present = _resolved(images={0: (ImageChoice("x", "x", "sha256:x", "local"),)})
    assert _key(with_image, resolved=missing) != _key(with_image, resolved=present)
    moved = replace(base, line=99)
    assert _key(base) == _key(moved), "moving a block in its file does not change what it does"


def test_cache_stores_conclusive_results_only(tmp_path):
    """Passed/failed results are cached (and come back marked cached, at the current line); timeouts are not."""
    plan = plan_scenario(scenario(snippet("echo hi")))
    cache = ResultCache(tmp_path)
    result = Result("s-1", "talks/e/t.md", 10, "h", Status.PASSED, output="hi\n")
    assert cache.put("ab" * 32, [result])
    moved_plan = plan_scenario(scenario(replace(snippet("echo hi"), line=42)))
    back = cache.get("ab" * 32, moved_plan)
    assert back and back[0].cached and back[0].line == 42 and back[0].output == "hi\n"
    assert plan.steps  # the plan is what the key was made from
    assert not cache.put("cd" * 32, [replace(result, status=Status.TIMED_OUT)])
    assert ResultCache(tmp_path, read=False).get("ab" * 32, plan) is None


# --- shards ------------------------------------------------------------------------------

def test_shards_partition_stably():
    """Every scenario is in exactly one shard, and adding scenarios does not move others."""
    ids = [f"talk-{i}.scenario" for i in range(200)]

    class Item:
        def __init__(self, id):
            self.id = id

    items = [Item(i) for i in ids]
    shards = [select_shard(items, i, 4) for i in range(1, 5)]
    assert sorted(x.id for s in shards for x in s) == sorted(ids)
    assert all(20 < len(s) < 80 for s in shards)
    before = {i: shard_of(i, 4) for i in ids}
    assert all(shard_of(i, 4) == before[i] for i in ids)
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "x", "1/0", "2"):
        with pytest.raises(ValueError):
            parse_shard(bad)


# --- output splitting and capping -----------------------------------------------------------

def test_marker_splitter_handles_chunk_boundaries_and_forgeries():
    """Blocks split at markers cut anywhere; a marker with another token is just output."""
    events = []
    splitter = MarkerSplitter("@@confkb-abc@@", 1000, events.append)
    stream = (b"pre\n\n@@confkb-abc@@ begin 0\none\n@@confkb-xyz@@ end 0 0 0\n"
              b"\n@@confkb-abc@@ end 0 3 2\n\n@@confkb-abc@@ begin 2\ntwo\n\n@@confkb-abc@@ done\n")
    for i in range(0, len(stream), 3):
        splitter.feed(stream[i:i + 3])
    splitter.close()
    kinds = [(e.kind, e.index, e.exit_code, e.refused) for e in events]
    assert kinds == [("begin", 0, None, 0), ("end", 0, 3, 2), ("begin", 2, None, 0),
                     ("done", None, None, 0), ("eof", None, None, 0)]
    assert splitter.output(0) == "one\n@@confkb-xyz@@ end 0 0 0\n"
    assert splitter.output(2) == "two\n"
    assert splitter.preamble.text() == "pre\n"


def test_output_capture_keeps_head_and_tail_within_the_cap():
    """Output beyond the cap is counted, not kept; a note says how much is missing."""
    capture = OutputCapture(100)
    for i in range(1000):
        capture.add(f"{i:04d}\n".encode())
    text = capture.text()
    assert text.startswith("0000\n") and text.rstrip().endswith("0999")
    assert "bytes not shown: output is capped at 100 bytes" in text
    assert len(capture.head) + len(capture.tail) == 100
    splitter = MarkerSplitter("@@confkb-abc@@", 64, lambda e: None)
    splitter.feed(b"\n@@confkb-abc@@ begin 0\n")
    for _ in range(1000):
        splitter.feed(b"x" * 10_000)  # ten megabytes without a newline
    assert len(splitter._buffer) < 64
    assert splitter.outputs[0].total + len(splitter._buffer) == 10_000_000


# --- planning ------------------------------------------------------------------------------

def test_plan_statuses_environments_and_services():
    """Static outcomes are decided up front; environments and services follow the blocks."""
    plan = plan_scenario(scenario(
        snippet("FROM alpine AS base\nFROM base\nFROM debian:bookworm-slim", id="df", language="dockerfile",
                file="Dockerfile"),
        snippet("docker build .", id="build", needs=frozenset({"registry"}), images=("nginx",)),
        snippet("kubectl get pods", id="k8s", needs=frozenset({"kubernetes"})),
        snippet("never", id="skipped", skip="needs a cloud account"),
        snippet("notes", id="txt", language="text"),
        snippet("x", id="odd", language="cobol"),
    ))
    steps = {s.snippet.id: s for s in plan.steps}
    assert steps["k8s"].status is Status.NOT_RUN and steps["k8s"].reason == "no Kubernetes cluster available here"
    assert steps["skipped"].status is Status.SKIPPED and steps["skipped"].reason == "needs a cloud account"
    assert steps["txt"].status is Status.SKIPPED and steps["txt"].reason == "text block"
    assert steps["odd"].status is Status.FAILED
    assert steps["df"].action == "write" and not steps["df"].build_after_write
    assert plan.needs == {"docker", "registry"} and plan.env == "docker"
    assert plan.preload == ("alpine", "debian:bookworm-slim", "nginx")
    alone = plan_scenario(scenario(snippet("FROM alpine", id="df", language="dockerfile", file="Dockerfile")))
    assert alone.steps[0].build_after_write and "docker" in alone.needs
    py = plan_scenario(scenario(snippet("print(1)", id="p", language="python")))
    assert py.env == "python"
    clash = plan_scenario(scenario(snippet("a", id="a", env="shell"), snippet("b", id="b", env="python")))
    assert clash.steps[1].status is Status.FAILED and "env=python" in clash.steps[1].reason


def test_console_prompts_are_stripped():
    """Console blocks run their commands only: prompts removed, output lines dropped."""
    assert strip_prompts("$ echo a\na\n$ ls \\\n  -l\ntotal 0") == "echo a\nls \\\n  -l"


# --- images and settings ----------------------------------------------------------------------

def test_image_names_and_maps():
    """Names normalise; later image maps win; FROM lines give base images without stages or scratch."""
    assert normalize_image("alpine") == "alpine:latest"
    assert normalize_image("docker.io/library/alpine:3.19") == "alpine:3.19"
    assert normalize_image("localhost:5000/test") == "localhost:5000/test:latest"
    assert normalize_image("ghcr.io/oras-project/oras:v1.2.0") == "ghcr.io/oras-project/oras:v1.2.0"
    image_map = ImageMap().layered({"alpine": "env:alpine"}, "a").layered({"alpine:latest": "mine"}, "b")
    assert image_map.lookup("docker.io/alpine") == "mine"
    text = "FROM --platform=$X golang:1.22 AS build\nFROM build\nFROM scratch\nFROM $BASE\nfrom alpine"
    assert dockerfile_base_images(text) == ("golang:1.22", "alpine")


def test_settings_precedence(tmp_path):
    """Flag beats environment beats confkb.yml beats default, for jobs and image-map entries."""
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "image-map.yml").write_text("alpine: env:alpine\nnginx: env:nginx\n")
    (tmp_path / "confkb.yml").write_text("snippets:\n  jobs: 3\n  image_map:\n    nginx: cfg/nginx\n")
    env_map = tmp_path / "env-map.yml"
    env_map.write_text("nginx: env/nginx\nalpine: env/alpine\n")
    flag_map = tmp_path / "flag-map.yml"
    flag_map.write_text("image_map:\n  alpine: flag/alpine\n")
    s = resolve_settings(tmp_path, environ={})
    assert s.jobs == 3 and s.image_map.lookup("nginx") == "cfg/nginx" and s.image_map.lookup("alpine") == "env:alpine"
    s = resolve_settings(tmp_path, environ={"CONFKB_JOBS": "4", "CONFKB_IMAGE_MAP": str(env_map)})
    assert s.jobs == 4 and s.image_map.lookup("nginx") == "env/nginx"
    s = resolve_settings(tmp_path, jobs=1, image_map_file=flag_map,
                         environ={"CONFKB_JOBS": "4", "CONFKB_IMAGE_MAP": str(env_map)})
    assert s.jobs == 1 and s.image_map.lookup("alpine") == "flag/alpine" and s.image_map.lookup("nginx") == "env/nginx"
    with pytest.raises(SettingsError):
        resolve_settings(tmp_path, jobs=0, environ={})


def test_engine_resolution_order(tmp_path):
    """--engine, CONFKB_ENGINE, DOCKER_HOST, CONTAINER_HOST, confkb.yml, then sockets found on disk."""
    env = {"CONFKB_ENGINE": "tcp://a:1", "DOCKER_HOST": "tcp://b:2", "CONTAINER_HOST": "unix:///c"}
    assert resolve_engine_url("tcp://flag:0", env, "tcp://cfg").url == "tcp://flag:0"
    assert resolve_engine_url(None, env, "tcp://cfg").source == "CONFKB_ENGINE"
    assert resolve_engine_url(None, {"DOCKER_HOST": "tcp://b:2"}, "tcp://cfg").url == "tcp://b:2"
    assert resolve_engine_url(None, {"CONTAINER_HOST": "unix:///c"}, "tcp://cfg").url == "unix:///c"
    assert resolve_engine_url(None, {}, "tcp://cfg").source == "confkb.yml snippets.engine"
    podman = tmp_path / "podman" / "podman.sock"
    podman.parent.mkdir()
    podman.touch()
    found = resolve_engine_url(None, {"XDG_RUNTIME_DIR": str(tmp_path)}, None)
    assert found.url.startswith("unix://")
    assert detect_kind({"Components": [{"Name": "Podman Engine"}]}) == "podman"
    assert detect_kind({"Components": [{"Name": "Engine"}], "Platform": {"Name": "Docker Engine - Community"}}) == "docker"


# --- checks, messages, driver, ownership -----------------------------------------------------

def test_data_checks_point_at_file_lines():
    """Parse errors name the source file's line; manifests need a name and containers."""
    bad = check_data(snippet("a: 1\nb: [1, 2\n", language="yaml", line=10))
    assert not bad.ok and "line 13" in bad.message
    pod = check_data(snippet("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}", language="yaml"))
    assert not pod.ok and "spec.containers must list at least one container" in pod.message
    good = check_data(snippet('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}', language="json"))
    assert good.ok and good.manifests == 1


def test_failure_messages_pick_the_telling_line():
    """The reason quotes the error line and the command the ERR trap reported."""
    output = ("#8 ERROR: executor failed running [/bin/sh -c printenv  grep ssh]: exit code: 1\n------\n"
              "confkb: line 6 of the block: `docker build --ssh default .` exited with 1\n")
    assert key_line(output).startswith("#8 ERROR: executor failed")
    assert failed_command(output) == "line 6 of the block (`docker build --ssh default .`)"


def test_driver_is_valid_posix_shell():
    """The generated driver parses under dash and bash; block text is carried verbatim."""
    plan = plan_scenario(scenario(
        snippet("echo 'it''s' \"$HOME\" `date`\ncat <<EOF\nx\nEOF", id="a"),
        snippet("FROM alpine", id="b", language="dockerfile", file="sub/Dockerfile"),
        snippet("print('hi')", id="c", language="python"),
    ))
    steps = [(i, s) for i, s in enumerate(plan.steps) if s.action != "static"]
    driver = build_driver(steps, "0123456789abcdef", wait_registry=True, wait_docker=True)
    for shell in ("sh", "bash"):
        subprocess.run([shell, "-n"], input=driver.script, text=True, check=True)
    assert "echo 'it''s' \"$HOME\" `date`\ncat <<EOF\nx\nEOF\n" in driver.script
    assert driver.fits_inline and driver.marker == "@@confkb-0123456789abcdef@@"


def test_resources_of_dead_runners_are_recognised():
    """A label naming a live process is alive; a dead pid, a reused pid or another host's is judged right."""
    me = RunIdentity.current()
    assert owner_alive(me.labels(), me.host)
    assert not owner_alive({**me.labels(), "confkb.pid": "999999999:1"}, me.host)
    assert not owner_alive({**me.labels(), "confkb.pid": f"{me.pid}:0"}, me.host)
    assert owner_alive({**me.labels(), "confkb.host": "elsewhere", "confkb.pid": "1:0"}, me.host)
