"""External links against local servers that misbehave in the ways real ones do."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from confkb.links import LinkStatus
from confkb.links.external import check_urls

from .conftest import Reply


def check_one(url, config):
    return check_urls([url], config)[url]


def test_404_is_failed(serve, fast_config):
    """A 404 is the link's fault: failed, with the code, and not retried."""
    server = serve(lambda m, p, n: Reply(404))
    out = check_one(server.url("/gone"), fast_config)
    assert out.status is LinkStatus.FAILED
    assert out.code == 404
    assert "404 Not Found" in out.reason
    # HEAD said 404, so GET is asked once (some servers only lie to HEAD); no retries.
    assert [s.method for s in server.seen] == ["HEAD", "GET"]


def test_429_retry_after_seconds_is_honoured(serve, fast_config):
    """A 429 with Retry-After: 1 makes the checker wait at least 1 s, then succeed."""
    server = serve(lambda m, p, n: Reply(429, {"Retry-After": "1"}) if n == 0 else Reply(200))
    out = check_one(server.url("/busy"), fast_config)
    assert out.status is LinkStatus.OK
    first, second = server.seen[0].at, server.seen[1].at
    assert second - first >= 0.95
    assert out.requests == 2


def test_429_retry_after_http_date_is_honoured(serve, fast_config):
    """Retry-After may be an HTTP date; the wait until then is honoured too."""

    def route(method, path, n):
        if n == 0:
            when = datetime.now(UTC) + timedelta(seconds=2)
            return Reply(429, {"Retry-After": format_datetime(when, usegmt=True)})
        return Reply(200)

    server = serve(route)
    out = check_one(server.url("/busy"), fast_config)
    assert out.status is LinkStatus.OK
    # The date has one-second resolution, so the wait is between 1 and 2 s.
    assert server.seen[1].at - server.seen[0].at >= 0.9


def test_retry_after_longer_than_allowed_fails_fast(serve, fast_config):
    """A server asking to wait an hour does not stall the run: the link fails, saying why."""
    server = serve(lambda m, p, n: Reply(429, {"Retry-After": "3600"}))
    start = time.monotonic()
    out = check_one(server.url("/later"), fast_config)
    assert time.monotonic() - start < 2
    assert out.status is LinkStatus.FAILED
    assert "asked to wait 3600 s" in out.reason


def test_500_then_200_retry_succeeds(serve, fast_config):
    """A passing server error is retried with backoff, and the retry's success counts."""
    server = serve(lambda m, p, n: Reply(500) if n == 0 else Reply(200))
    out = check_one(server.url("/flaky"), fast_config)
    assert out.status is LinkStatus.OK
    assert server.count("/flaky") == 2


def test_500_forever_is_failed_after_retries(serve, fast_config):
    """A server error that persists is a failure, after the configured retries."""
    server = serve(lambda m, p, n: Reply(500))
    out = check_one(server.url("/down"), replace(fast_config, retries=2))
    assert out.status is LinkStatus.FAILED
    assert "after 2 retries" in out.reason
    assert server.count("/down") == 3


def test_redirect_is_followed(serve, fast_config):
    """A redirect to a page that works is reported as redirected, with where it ended."""
    server = serve(lambda m, p, n: Reply(301, {"Location": "/new"}) if p == "/old" else Reply(200))
    out = check_one(server.url("/old"), fast_config)
    assert out.status is LinkStatus.REDIRECTED
    assert out.final_url == server.url("/new")
    assert out.status.is_success


def test_redirect_loop_is_detected(serve, fast_config):
    """/a -> /b -> /a is a loop: reported as failed, naming the loop, after two requests."""
    server = serve(lambda m, p, n: Reply(302, {"Location": "/b" if p == "/a" else "/a"}))
    out = check_one(server.url("/a"), fast_config)
    assert out.status is LinkStatus.FAILED
    assert "redirect loop" in out.reason
    assert server.url("/a") in out.reason and server.url("/b") in out.reason
    assert server.count() == 2


def test_too_many_redirects(serve, fast_config):
    """An endless chain of new URLs stops at max_redirects."""
    server = serve(lambda m, p, n: Reply(302, {"Location": f"{p}x"}))
    out = check_one(server.url("/r"), replace(fast_config, max_redirects=5))
    assert out.status is LinkStatus.FAILED
    assert "more than 5 redirects" in out.reason
    assert server.count() == 6


def test_server_that_never_answers_is_an_error(silent_server, fast_config):
    """No answer within the read timeout: we could not check it (error, not failed)."""
    config = replace(fast_config, read_timeout=0.3, retries=1)
    start = time.monotonic()
    out = check_one(silent_server.url("/"), config)
    assert time.monotonic() - start < 3
    assert out.status is LinkStatus.ERROR
    assert "timed out" in out.reason
    assert out.code is None


def test_deadline_bounds_all_retries(silent_server, fast_config):
    """The per-URL deadline cuts retries short however many are allowed."""
    config = replace(fast_config, read_timeout=5, retries=10, deadline=0.5)
    start = time.monotonic()
    out = check_one(silent_server.url("/"), config)
    assert time.monotonic() - start < 1.5
    assert out.status is LinkStatus.ERROR
    assert "deadline" in out.reason


def test_slow_body_does_not_matter(serve, fast_config):
    """Only the headers are read: a body that takes 5 s costs nothing, even with GET."""
    server = serve(lambda m, p, n: Reply(200, body_delay=5))
    start = time.monotonic()
    out = check_one(server.url("/slow"), replace(fast_config, head=False, read_timeout=1))
    assert time.monotonic() - start < 1
    assert out.status is LinkStatus.OK
    assert server.seen[0].method == "GET"


def test_slow_headers_hit_the_read_timeout(serve, fast_config):
    """Headers that take longer than read_timeout: error, after retrying."""
    server = serve(lambda m, p, n: Reply(200, delay=1))
    config = replace(fast_config, read_timeout=0.2, retries=1)
    out = check_one(server.url("/slow"), config)
    assert out.status is LinkStatus.ERROR
    assert "timed out after 0.2 s" in out.reason
    assert out.requests == 2


def test_head_not_allowed_falls_back_to_get(serve, fast_config):
    """405 to HEAD means ask with GET; the host is then asked with GET straight away."""
    server = serve(lambda m, p, n: Reply(405) if m == "HEAD" else Reply(200))
    out = check_urls([server.url("/a")], fast_config)
    assert out[server.url("/a")].status is LinkStatus.OK
    assert [s.method for s in server.seen] == ["HEAD", "GET"]


def test_host_that_refuses_head_is_asked_with_get_only(serve, fast_config):
    """Once a host answers HEAD with 405, later URLs of that host skip HEAD."""
    server = serve(lambda m, p, n: Reply(405) if m == "HEAD" else Reply(200))
    config = replace(fast_config, host_concurrency=1)
    urls = [server.url(f"/p{i}") for i in range(5)]
    out = check_urls(urls, config)
    assert all(o.status is LinkStatus.OK for o in out.values())
    assert server.count(method="HEAD") == 1
    assert server.count(method="GET") == 5


def test_head_404_but_get_200_is_ok(serve, fast_config):
    """Some servers answer HEAD with 404 for pages a browser gets: GET decides."""
    server = serve(lambda m, p, n: Reply(404) if m == "HEAD" else Reply(200))
    assert check_one(server.url("/x"), fast_config).status is LinkStatus.OK


def test_connection_refused_is_an_error(fast_config):
    """Nobody listening: error (we could not ask), not failed."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    out = check_one(f"http://127.0.0.1:{port}/", replace(fast_config, retries=1))
    assert out.status is LinkStatus.ERROR
    assert "refused" in out.reason


def test_unknown_host_is_an_error_without_retries(fast_config):
    """A name that does not resolve is an error, and not retried."""
    out = check_one("http://no-such-host.invalid/", fast_config)
    assert out.status is LinkStatus.ERROR
    assert "could not resolve" in out.reason
    assert out.requests == 1


def test_per_host_limit_is_respected(serve, fast_config):
    """With host_concurrency 3, the server never sees more than 3 requests at once."""
    server = serve(lambda m, p, n: Reply(200, delay=0.05))
    urls = [server.url(f"/page/{i}") for i in range(30)]
    out = check_urls(urls, replace(fast_config, host_concurrency=3, concurrency=50))
    assert all(o.status is LinkStatus.OK for o in out.values())
    assert server.max_active == 3
    assert server.count() == 30


def test_host_policy_overrides_the_limit(serve, fast_config):
    """A host policy's max_concurrency wins over the default per-host limit."""
    from confkb.links import HostPolicy

    server = serve(lambda m, p, n: Reply(200, delay=0.05))
    config = replace(
        fast_config,
        host_concurrency=8,
        hosts=(HostPolicy("127.0.0.1", max_concurrency=1),),
    )
    check_urls([server.url(f"/p{i}") for i in range(6)], config)
    assert server.max_active == 1


def test_global_limit_is_respected(serve, fast_config):
    """Two hosts share the global limit."""
    server = serve(lambda m, p, n: Reply(200, delay=0.05))
    # 127.0.0.1 and localhost are two host names for one server: per-host limits of 10
    # would allow 20 at once, the global limit of 2 does not.
    urls = [server.url(f"/{i}") for i in range(10)]
    urls += [f"http://localhost:{server.port}/{i}" for i in range(10)]
    config = replace(fast_config, host_concurrency=10, concurrency=2)
    out = check_urls(urls, config)
    assert all(o.status is LinkStatus.OK for o in out.values())
    assert server.count() == 20
    assert server.max_active == 2


def test_429_pauses_the_whole_host(serve, fast_config):
    """A 429's Retry-After holds back the other requests to that host, not just its own."""

    def route(method, path, n):
        if path == "/first" and n == 0:
            return Reply(429, {"Retry-After": "1"})
        return Reply(200)

    server = serve(route)
    config = replace(fast_config, host_concurrency=1)
    start = time.monotonic()
    out = check_urls([server.url("/first"), server.url("/second")], config)
    assert all(o.status is LinkStatus.OK for o in out.values())
    second = next(s for s in server.seen if s.path == "/second")
    assert second.at - start >= 0.9


def test_an_unforeseen_exception_is_an_error_for_that_url_only(fast_config):
    """A crash while checking one URL makes that URL an error; the others are still checked."""
    from confkb.links.fetch import Response

    async def fetcher(url, method="HEAD", **kw):
        if "odd" in url:
            raise UnicodeError("something nobody foresaw")
        return Response(200)

    out = check_urls(["https://x.org/odd", "https://x.org/fine"], fast_config, fetcher=fetcher)
    assert out["https://x.org/odd"].status is LinkStatus.ERROR
    assert "checker error: UnicodeError" in out["https://x.org/odd"].reason
    assert out["https://x.org/fine"].status is LinkStatus.OK
