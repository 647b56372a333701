"""Whole runs against a local server: dedupe, cache, ignore rules and host policies."""

from __future__ import annotations

import json
from dataclasses import replace

from confkb.links import HostPolicy, LinkStatus, check_site
from confkb.links.cache import LinkCache

from .conftest import Reply, write_site


def many_pages(tmp_path, server, pages=25):
    """A site where every page links the same URL (with and without fragments)."""
    body = (
        f'<a href="{server.url("/shared")}">shared</a>'
        f'<a href="{server.url("/shared#part-2")}">shared, part 2</a>'
    )
    return write_site(tmp_path / "site", {f"p{i}/index.html": body for i in range(pages)})


def test_one_request_per_url_however_many_pages(tmp_path, serve, fast_config):
    """25 pages, 50 uses, fragments and all: the server sees one request."""
    server = serve(lambda m, p, n: Reply(200))
    site = many_pages(tmp_path, server)
    report = check_site(site, root=tmp_path, config=fast_config)
    assert server.count("/shared") == 1
    [result] = [r for r in report.results if r.is_external]
    assert result.url == server.url("/shared")
    assert len(result.locations) == 50
    assert report.requests == 1


def test_cache_hit_on_second_run_and_expiry(tmp_path, serve, fast_config):
    """Second run: from the cache, no request. After the TTL: asked again."""
    server = serve(lambda m, p, n: Reply(200))
    site = many_pages(tmp_path, server, pages=2)
    config = replace(fast_config, cache=True, cache_ttl=3600)

    first = check_site(site, root=tmp_path, config=config)
    assert [str(r.status) for r in first.results if r.is_external] == ["ok"]
    cache_file = tmp_path / ".confkb" / "links-cache.json"
    assert cache_file.is_file()

    second = check_site(site, root=tmp_path, config=config)
    [cached] = [r for r in second.results if r.is_external]
    assert cached.status is LinkStatus.CACHED and cached.cached
    assert server.count() == 1

    # Age the entry beyond the TTL: the next run asks again.
    data = json.loads(cache_file.read_text())
    for entry in data["entries"].values():
        entry["checked_at"] -= 7200
    cache_file.write_text(json.dumps(data))
    third = check_site(site, root=tmp_path, config=config)
    assert [str(r.status) for r in third.results if r.is_external] == ["ok"]
    assert server.count() == 2


def test_failures_are_not_cached_by_default(tmp_path, serve, fast_config):
    """A broken link is asked again next run (it may have been fixed)."""
    server = serve(lambda m, p, n: Reply(404))
    site = write_site(tmp_path / "site", {"index.html": f'<a href="{server.url("/x")}">x</a>'})
    config = replace(fast_config, cache=True)
    check_site(site, root=tmp_path, config=config)
    before = server.count()
    report = check_site(site, root=tmp_path, config=config)
    assert server.count() == 2 * before
    assert [str(r.status) for r in report.results] == ["failed"]


def test_cache_failures_when_asked(tmp_path, serve, fast_config):
    """cache_failures: true keeps failures too, reported with their own status, cached."""
    server = serve(lambda m, p, n: Reply(404))
    site = write_site(tmp_path / "site", {"index.html": f'<a href="{server.url("/x")}">x</a>'})
    config = replace(fast_config, cache=True, cache_failures=True)
    check_site(site, root=tmp_path, config=config)
    before = server.count()
    [result] = check_site(site, root=tmp_path, config=config).results
    assert server.count() == before
    assert result.status is LinkStatus.FAILED and result.cached


def test_cache_ttl_unit(tmp_path):
    """An entry is fresh until its TTL, then gone (and dropped from the file on save)."""
    now = [1000.0]
    cache = LinkCache(tmp_path / "c.json", ttl=60, clock=lambda: now[0])
    cache.put("https://x.org/", LinkStatus.OK, 200, "", "")
    cache.put("https://x.org/bad", LinkStatus.FAILED, 404, "HTTP 404", "")
    assert cache.get("https://x.org/") is not None
    assert cache.get("https://x.org/bad") is None  # failures are not kept by default
    cache.save()
    now[0] += 59
    assert LinkCache(tmp_path / "c.json", ttl=60, clock=lambda: now[0]).get("https://x.org/")
    now[0] += 2
    assert (
        LinkCache(tmp_path / "c.json", ttl=60, clock=lambda: now[0]).get("https://x.org/") is None
    )


def test_damaged_cache_is_ignored(tmp_path, serve, fast_config):
    """A cache file that is not JSON costs a slow run, not a failed one."""
    server = serve(lambda m, p, n: Reply(200))
    site = write_site(tmp_path / "site", {"index.html": f'<a href="{server.url("/x")}">x</a>'})
    (tmp_path / ".confkb").mkdir()
    (tmp_path / ".confkb" / "links-cache.json").write_text("{{{")
    report = check_site(site, root=tmp_path, config=replace(fast_config, cache=True))
    assert report.exit_code == 0
    assert any("unreadable link cache" in n for n in report.notes)


def test_ignore_rules(tmp_path, serve, fast_config):
    """URLs matching an ignore pattern are reported as ignored and never requested."""
    server = serve(lambda m, p, n: Reply(500))
    site = write_site(
        tmp_path / "site",
        {
            "index.html": f'<a href="{server.url("/private/1")}">a</a><a href="{server.url("/ok")}">b</a>'
        },
    )
    server.route = lambda m, p, n: Reply(200)
    config = replace(fast_config, ignore=(r"/private/",))
    report = check_site(site, root=tmp_path, config=config)
    by_url = {r.url: r for r in report.results}
    assert by_url[server.url("/private/1")].status is LinkStatus.IGNORED
    assert "matches ignore pattern /private/" in by_url[server.url("/private/1")].reason
    assert server.count("/private/1") == 0
    assert by_url[server.url("/ok")].status is LinkStatus.OK


def test_host_policy_turns_a_bot_wall_into_a_warning(tmp_path, serve, fast_config):
    """A 403 from a host with {accept: [403], severity: warning} warns; the run passes."""
    server = serve(lambda m, p, n: Reply(403))
    site = write_site(tmp_path / "site", {"index.html": f'<a href="{server.url("/s")}">s</a>'})

    strict = check_site(site, root=tmp_path, config=fast_config)
    assert [str(r.status) for r in strict.results] == ["failed"]
    assert strict.exit_code == 1

    policy = HostPolicy("127.0.0.1", accept=frozenset({403, 429}))
    lenient = check_site(site, root=tmp_path, config=replace(fast_config, hosts=(policy,)))
    [result] = lenient.results
    assert result.status is LinkStatus.WARNING
    assert "HTTP 403 Forbidden (accepted for 127.0.0.1)" in result.reason
    assert lenient.exit_code == 0


def test_host_policy_does_not_hide_other_failures(tmp_path, serve, fast_config):
    """Accepting 403 for a host still fails a 404 from it."""
    server = serve(lambda m, p, n: Reply(404))
    site = write_site(tmp_path / "site", {"index.html": f'<a href="{server.url("/s")}">s</a>'})
    policy = HostPolicy("127.0.0.1", accept=frozenset({403}))
    report = check_site(site, root=tmp_path, config=replace(fast_config, hosts=(policy,)))
    assert [str(r.status) for r in report.results] == ["failed"]


def test_policy_headers_are_sent_with_env_expansion(tmp_path, serve, fast_config, monkeypatch):
    """A policy header with ${VAR} gets the variable; an unset variable drops the header."""
    got: list[dict[str, str]] = []

    async def fetcher(url, method="HEAD", *, headers=None, **kw):
        from confkb.links.fetch import Response

        got.append(dict(headers or {}))
        return Response(200)

    site = write_site(tmp_path / "site", {"index.html": '<a href="https://api.example.org/">a</a>'})
    policy = HostPolicy(
        "example.org",
        headers=(("Authorization", "Bearer ${LINKS_TEST_TOKEN}"), ("X-Missing", "${NOPE_UNSET}")),
    )
    monkeypatch.setenv("LINKS_TEST_TOKEN", "s3cret")
    monkeypatch.delenv("NOPE_UNSET", raising=False)
    check_site(site, root=tmp_path, config=replace(fast_config, hosts=(policy,)), fetcher=fetcher)
    assert got[0]["Authorization"] == "Bearer s3cret"
    assert "X-Missing" not in got[0]
