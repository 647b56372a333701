"""Docker-in-Docker, registry and image-map scenarios, and the seed's broken commands."""

from __future__ import annotations

import io

import pytest

from confkb.results.model import Status
from confkb.runner import run_snippets
from confkb.snippets.extract import snippets_from_markdown

from .conftest import REPO, leftovers

pytestmark = pytest.mark.container

SEED_BROKEN = REPO / "tests" / "samples" / "seed-broken"


def test_dind_registry_and_preloaded_images(runner):
    """A scenario gets its own daemon with images preloaded, a registry at localhost:5000, and no host socket."""
    run = runner.run(
        '''
        <!-- snippet: id=df scenario=build file=Dockerfile needs=docker,registry images=alpine -->
        ```dockerfile
        FROM alpine
        RUN --mount=type=secret,id=mysite.key wc -c /run/secrets/mysite.key
        ```

        <!-- snippet: id=build scenario=build needs=docker,registry images=alpine,nginx expect-output="nginx: master process" -->
        ```bash
        echo secret > mysite.key
        export DOCKER_BUILDKIT=1
        docker build --secret id=mysite.key,src=./mysite.key --progress=plain -t localhost:5000/test:1 .
        docker push localhost:5000/test:1
        docker run -d --name nginx nginx
        docker run --rm --net container:nginx --pid container:nginx alpine ps
        ```

        <!-- snippet: id=isolated scenario=build needs=docker expect-output="^only-mine$" -->
        ```bash
        test ! -e /var/run/docker.sock && test ! -e /run/confkb-docker.sock
        docker ps --format '{{.Names}}' | grep -x nginx >/dev/null && echo only-mine
        ```
        '''
    )
    for snippet_id in ("df", "build", "isolated"):
        assert run[snippet_id].status is Status.PASSED, run[snippet_id]
    assert run["build"].environment.startswith("docker@")
    assert not leftovers(runner.engine)


def test_undeclared_unavailable_image_is_not_run(runner):
    """An image the scenario's daemon cannot pull makes the block not run, with the reason."""
    run = runner.run(
        '''
        <!-- snippet: id=pull needs=docker -->
        ```bash
        docker run --rm mplatform/mquery alpine:3.19
        ```
        '''
    )
    result = run["pull"]
    assert result.status is Status.NOT_RUN
    assert result.reason.startswith("image mplatform/mquery:latest is not available here")


TRIVY = '''
<!-- snippet: id=trivy-version image=aquasec/trivy:0.56.2 expect-output="Version: 0.56.2" -->
```sh
trivy --version
```
'''


def test_image_map_makes_a_missing_image_available(runner, tmp_path):
    """The same snippet is not run without its image, and runs for real once the image map provides one."""
    missing = runner.run(TRIVY)["trivy-version"]
    assert missing.status is Status.NOT_RUN
    assert missing.reason.startswith("image aquasec/trivy:0.56.2 is not available here: no registry reachable")

    # A tiny local image standing in for trivy: the alpine stand-in plus a script.
    dockerfile = (
        "FROM confkb-env/alpine\n"
        "RUN printf '#!/bin/sh\\necho \"Version: 0.56.2 (local stand-in)\"\\n' > /usr/bin/trivy "
        "&& chmod 755 /usr/bin/trivy\n"
    )
    tag = "confkb-test/trivy-stand-in:0.56.2"
    runner.engine.client.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=tag, rm=True,
                                      labels={"confkb.owner": "confkb-test"})
    image_map = tmp_path / "image-map.yml"
    image_map.write_text(f"aquasec/trivy:0.56.2: {tag}\n", encoding="utf-8")
    present = runner.run(TRIVY, settings=runner.settings(image_map_file=image_map, no_cache=True))["trivy-version"]
    assert present.status is Status.PASSED, present
    assert "local stand-in" in present.output
    assert present.environment.startswith("aquasec/trivy:0.56.2@sha256:")


def test_seed_broken_samples_fail_with_useful_messages(runner):
    """The original notes' broken commands fail (the ORAS CLI one is not run: no image), each saying why."""
    snippets = []
    for path in sorted(SEED_BROKEN.glob("*.md")):
        if path.name == "README.md":
            continue
        rel = path.relative_to(REPO).as_posix()
        found, problems = snippets_from_markdown(path.read_text(encoding="utf-8"), rel, path.stem)
        assert not problems, problems
        snippets += found
    summary = run_snippets(snippets, runner.settings(no_cache=True))
    results = {r.snippet_id: r for r in summary.results}
    expected = {
        "seed-broken-printenv-build": "executor failed running [/bin/sh -c printenv  grep ssh",
        "seed-broken-secret-build": "invalid field 'ysite.key' must be a key=value pair",
        "seed-broken-sh-mount": "can't open 'mount'",
        "seed-broken-no-context-build": '"docker build" requires exactly 1 argument',
        "seed-broken-img-annotated": "unexpected EOF while looking for matching",
        "seed-broken-oras-python": "registry:test points to docker.io",
    }
    for snippet_id, message in expected.items():
        assert results[snippet_id].status is Status.FAILED, results[snippet_id]
        assert message in results[snippet_id].reason, results[snippet_id].reason
    assert "exit code 1" in results["seed-broken-printenv-build"].reason
    assert results["seed-broken-oras-cli"].status is Status.NOT_RUN
    assert not any(r.status in {Status.PASSED, Status.HARNESS_ERROR} for r in summary.results)
    assert summary.exit_code == 1
    assert not leftovers(runner.engine)


@pytest.fixture(autouse=True)
def _no_stand_in_left(engine):
    yield
    for image in engine.client.images.list(filters={"label": "confkb.owner=confkb-test"}):
        try:
            engine.client.images.remove(image.id, force=True)
        except Exception:  # noqa: BLE001 - best effort: another test may still use it
            pass


def test_docker_scenario_without_network_cannot_reach_out(runner):
    """The daemon of a scenario without needs=network has no way out either."""
    run = runner.run(
        '''
        <!-- snippet: id=no-net needs=docker images=alpine -->
        ```bash
        docker run --rm alpine wget -q -T 5 -O /dev/null http://deb.debian.org/debian/
        ```
        '''
    )
    assert run["no-net"].status is Status.FAILED
