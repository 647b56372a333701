"""Settings: CLI flag > environment > confkb.yml > default, and every mistake at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from confkb.links import LinksConfig, LinkStatus, resolve_config
from confkb.links.config import parse_duration
from confkb.links.retry import head_unreliable, retry_after_seconds
from confkb.problems import ContentError

CONFIG = """\
site_name: ignored by links
links:
  host_concurrency: 2
  cache_ttl: 12h
  deadline: 90
  ignore:
    - '^https://www\\.linkedin\\.com/'
  hosts:
    - host: sched.com
      accept: [403, 429]
      severity: warning
    - host: github.com
      max_concurrency: 1
      accept: ["500-503"]
      severity: ok
      headers:
        Authorization: "Bearer ${GITHUB_TOKEN}"
"""


def test_defaults_without_a_file(tmp_path):
    """No confkb.yml: the documented defaults."""
    config = resolve_config(tmp_path, environ={})
    assert config == LinksConfig()
    assert config.host_concurrency == 4
    assert config.cache_ttl == 86400
    assert config.cache_path == ".confkb/links-cache.json"


def test_file_section(tmp_path):
    """The links: section of confkb.yml is read, durations and code ranges parsed."""
    (tmp_path / "confkb.yml").write_text(CONFIG)
    config = resolve_config(tmp_path, environ={})
    assert config.host_concurrency == 2
    assert config.cache_ttl == 12 * 3600
    assert config.deadline == 90
    assert config.is_ignored("https://www.linkedin.com/in/x")
    sched = config.policy_for("www.sched.com")
    assert sched and sched.accept == {403, 429} and sched.severity is LinkStatus.WARNING
    github = config.policy_for("github.com")
    assert github and github.accept == {500, 501, 502, 503} and github.severity is LinkStatus.OK
    assert github.max_concurrency == 1
    assert config.policy_for("notgithub.com") is None


def test_precedence_cli_over_env_over_file(tmp_path):
    """The same setting from three places: the command line wins, then the environment."""
    (tmp_path / "confkb.yml").write_text(CONFIG)
    env = {"CONFKB_LINKS_HOST_CONCURRENCY": "3", "CONFKB_LINKS_OFFLINE": "yes"}
    assert resolve_config(tmp_path, environ=env).host_concurrency == 3
    assert resolve_config(tmp_path, environ=env).offline is True
    config = resolve_config(tmp_path, overrides={"host_concurrency": "5"}, environ=env)
    assert config.host_concurrency == 5
    env_ignore = {"CONFKB_LINKS_IGNORE": "^a ^b"}
    assert resolve_config(tmp_path, environ=env_ignore).ignore == ("^a", "^b")


def test_every_problem_at_once_with_lines(tmp_path):
    """Bad values are all reported, each at its confkb.yml line, with no traceback."""
    (tmp_path / "confkb.yml").write_text(
        "links:\n"
        "  host_concurrency: 0\n"
        "  cache_ttl: soon\n"
        "  colour: blue\n"
        "  ignore: ['(']\n"
        "  hosts:\n"
        "    - host: x.org\n"
        "      severity: fatal\n"
        "      accept: [abc]\n"
    )
    with pytest.raises(ContentError) as caught:
        resolve_config(tmp_path, environ={"CONFKB_LINKS_RETRIES": "many"})
    lines = [str(p) for p in caught.value.problems]
    assert "confkb.yml:2: links.host_concurrency: must be at least 1" in lines
    assert any(
        line.startswith("confkb.yml:3: links.cache_ttl: expected a duration") for line in lines
    )
    assert "confkb.yml:4: links.colour: unknown setting" in lines
    assert any(
        line.startswith("confkb.yml:5: links.ignore: bad regular expression") for line in lines
    )
    assert any(line.startswith("confkb.yml:8: links.hosts[0].severity:") for line in lines)
    assert any(line.startswith("confkb.yml:9: links.hosts[0].accept:") for line in lines)
    assert any(line.startswith("environment:0: CONFKB_LINKS_RETRIES:") for line in lines)


def test_bad_yaml_is_a_problem(tmp_path):
    """A confkb.yml that is not YAML is reported at its line."""
    (tmp_path / "confkb.yml").write_text("links:\n  a: [\n")
    with pytest.raises(ContentError) as caught:
        resolve_config(tmp_path, environ={})
    assert caught.value.problems[0].path == "confkb.yml"


def test_explicit_config_file_must_exist(tmp_path):
    """--config names a file; a missing one is an error, not silently the defaults."""
    with pytest.raises(ContentError):
        resolve_config(tmp_path, tmp_path / "nope.yml", environ={})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(30, 30), ("2.5", 2.5), ("500ms", 0.5), ("10m", 600), ("12h", 43200), ("1d", 86400)],
)
def test_durations(text, seconds):
    """Durations in seconds or with a unit."""
    assert parse_duration(text) == seconds


def test_retry_after_seconds_and_dates():
    """Retry-After: seconds or an HTTP date (relative to now); junk is no value."""
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0  # in the past
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_head_fallback_statuses():
    """GET is tried after HEAD for client errors and 501, not for rate limits."""
    assert head_unreliable(405) and head_unreliable(404) and head_unreliable(403)
    assert head_unreliable(501)
    assert not head_unreliable(429) and not head_unreliable(200) and not head_unreliable(503)
