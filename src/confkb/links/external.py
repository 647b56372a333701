"""Check external URLs concurrently, politely and once each.

Politeness is per host: at most ``host_concurrency`` requests in flight to one host, and a
``Retry-After`` on a 429 or 503 pauses the whole host, not just the one request. Speed comes
from checking many hosts (and a few URLs per host) at once on one event loop.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from confkb.links.config import LinksConfig
from confkb.links.fetch import RequestError, Response, fetch
from confkb.links.model import LinkStatus
from confkb.links.retry import (
    HOST_WIDE_STATUSES,
    RETRY_STATUSES,
    backoff_delay,
    head_unreliable,
    retry_after_seconds,
)

Fetcher = Callable[..., Awaitable[Response]]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Outcome:
    """What checking one URL came to (before it is tied to the pages that use it).

    Attributes:
        status: ``ok``, ``redirected``, ``warning``, ``failed`` or ``error``.
        reason: Why, in words.
        code: Final HTTP status code, if there was a response.
        final_url: Where redirects ended, when there were any.
        requests: Requests made.
        duration: Seconds from the first request to the verdict.
    """

    status: LinkStatus
    reason: str = ""
    code: int | None = None
    final_url: str = ""
    requests: int = 0
    duration: float = 0.0


@dataclass
class _Host:
    slots: asyncio.Semaphore
    paused_until: float = 0.0
    # Set once the host has answered HEAD with 405 or 501: it will not do better next time.
    prefers_get: bool = False


@dataclass
class _Attempts:
    """Book-keeping for one URL across its redirects and retries."""

    started: float | None = None
    deadline: float | None = None
    requests: int = 0
    retries: int = 0
    last_problem: str = ""
    notes: list[str] = field(default_factory=list)


def _status_words(code: int, reason: str) -> str:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = reason
    return f"HTTP {code} {phrase}".rstrip()


class ExternalChecker:
    """Checks a set of URLs with the limits, retries and policies of a :class:`LinksConfig`."""

    def __init__(self, config: LinksConfig, fetcher: Fetcher = fetch) -> None:
        """Prepare a checker; it is used for one run (one event loop).

        Args:
            config: The settings.
            fetcher: The request function (the real one unless a test says otherwise).
        """
        self.config = config
        self._fetch = fetcher
        self._hosts: dict[str, _Host] = {}
        self._global: asyncio.Semaphore | None = None
        self._ssl: ssl.SSLContext | None = None

    def _host(self, hostname: str) -> _Host:
        if hostname not in self._hosts:
            policy = self.config.policy_for(hostname)
            limit = (policy and policy.max_concurrency) or self.config.host_concurrency
            self._hosts[hostname] = _Host(asyncio.Semaphore(limit))
        return self._hosts[hostname]

    def _headers(self, hostname: str) -> dict[str, str]:
        headers = {"User-Agent": self.config.user_agent}
        policy = self.config.policy_for(hostname)
        for name, value in policy.headers if policy else ():
            expanded = _expand_env(value)
            if expanded is not None:
                headers[name] = expanded
        return headers

    async def check_all(
        self, urls: list[str], progress: Progress | None = None
    ) -> dict[str, Outcome]:
        """Check every URL once.

        Args:
            urls: Absolute URLs without fragments, each once.
            progress: Called with ``(done, total)`` after each URL.

        Returns:
            The outcome per URL.
        """
        self._global = asyncio.Semaphore(self.config.concurrency)
        if any(urlsplit(u).scheme == "https" for u in urls):
            self._ssl = ssl.create_default_context()
        outcomes: dict[str, Outcome] = {}
        total = len(urls)

        async def one(url: str) -> None:
            try:
                outcomes[url] = await self.check(url)
            except Exception as exc:  # noqa: BLE001 - one odd URL must not end the run
                # A bug of ours or an answer nobody foresaw: say so for this URL (an error,
                # not a failure: the link was not judged) and go on with the others.
                reason = f"checker error: {type(exc).__name__}: {exc}"
                outcomes[url] = Outcome(LinkStatus.ERROR, reason)
            if progress:
                progress(len(outcomes), total)

        # One task per URL is cheap; the semaphores, not the task count, bound the load.
        await asyncio.gather(*(one(u) for u in urls))
        return outcomes

    async def check(self, url: str) -> Outcome:
        """Check one URL: follow redirects, retry what is worth retrying, judge the answer."""
        state = _Attempts()
        chain = [url]
        try:
            while True:
                response = await self._fetch_retrying(chain[-1], state)
                location = response.headers.get("location", "").strip()
                if not (300 <= response.status < 400 and response.status != 304):
                    break
                if not location:
                    return self._done(
                        state,
                        LinkStatus.FAILED,
                        response,
                        f"{_status_words(response.status, '')} without a Location",
                    )
                target = urljoin(chain[-1], location).partition("#")[0]
                if urlsplit(target).scheme not in ("http", "https"):
                    return self._done(
                        state,
                        LinkStatus.FAILED,
                        response,
                        f"redirected to an unsupported URL {target}",
                    )
                if target in chain:
                    loop = " -> ".join([*chain[chain.index(target) :], target])
                    return self._done(state, LinkStatus.FAILED, response, f"redirect loop: {loop}")
                if len(chain) > self.config.max_redirects:
                    return self._done(
                        state,
                        LinkStatus.FAILED,
                        response,
                        f"more than {self.config.max_redirects} redirects",
                    )
                chain.append(target)
        except RequestError as exc:
            return self._done(state, LinkStatus.ERROR, None, str(exc))
        return self._judge(chain, response, state)

    def _judge(self, chain: list[str], response: Response, state: _Attempts) -> Outcome:
        code = response.status
        words = _status_words(code, response.reason)
        final = chain[-1] if len(chain) > 1 else ""
        if 200 <= code < 300:
            if final:
                return self._done(
                    state, LinkStatus.REDIRECTED, response, f"redirected to {final}", final
                )
            return self._done(state, LinkStatus.OK, response, "")
        for host in dict.fromkeys(urlsplit(u).hostname or "" for u in (chain[0], chain[-1])):
            policy = self.config.policy_for(host)
            if policy and code in policy.accept:
                return self._done(
                    state, policy.severity, response, f"{words} (accepted for {policy.host})", final
                )
        return self._done(state, LinkStatus.FAILED, response, words, final)

    def _done(
        self,
        state: _Attempts,
        status: LinkStatus,
        response: Response | None,
        reason: str,
        final_url: str = "",
    ) -> Outcome:
        notes = list(state.notes)
        if state.retries and status is not LinkStatus.OK:
            notes.append(f"after {state.retries} {'retry' if state.retries == 1 else 'retries'}")
        if notes:
            reason = f"{reason} ({'; '.join(notes)})" if reason else "; ".join(notes)
        return Outcome(
            status,
            reason,
            response.status if response else None,
            final_url,
            state.requests,
            time.monotonic() - (state.started or time.monotonic()),
        )

    async def _fetch_retrying(self, url: str, state: _Attempts) -> Response:
        """One redirect hop: the request, a GET fallback, and retries with backoff."""
        hostname = (urlsplit(url).hostname or "").lower()
        host = self._host(hostname)
        use_get = not self.config.head
        attempt = 0
        while True:
            try:
                method, response = await self._request(url, use_get, host, hostname, state)
            except RequestError as exc:
                if not exc.retryable or attempt >= self.config.retries:
                    raise
                wait, failure = backoff_delay(attempt, self.config.backoff, 1e9), exc
                state.last_problem = str(exc)
            else:
                if method == "HEAD" and head_unreliable(response.status):
                    host.prefers_get = host.prefers_get or response.status in (405, 501)
                    use_get = True
                    continue  # a different question, not a retry
                if response.status not in RETRY_STATUSES or attempt >= self.config.retries:
                    return response
                failure = response
                state.last_problem = _status_words(response.status, response.reason)
                asked = retry_after_seconds(response.headers.get("retry-after"))
                wait = (
                    asked if asked is not None else backoff_delay(attempt, self.config.backoff, 1e9)
                )
                if wait > self.config.max_retry_wait:
                    state.notes.append(
                        f"server asked to wait {wait:.0f} s, more than max_retry_wait "
                        f"{self.config.max_retry_wait:g} s"
                    )
                    return response
                if asked is not None and response.status in HOST_WIDE_STATUSES:
                    host.paused_until = max(host.paused_until, time.monotonic() + wait)
            wait = min(wait, self.config.max_retry_wait)
            remaining = (state.deadline or 0) - time.monotonic()
            if wait >= remaining:
                note = f"gave up: deadline of {self.config.deadline:g} s"
                if isinstance(failure, RequestError):
                    raise RequestError(f"{failure} ({note})", retryable=False)
                state.notes.append(note)
                return failure
            attempt += 1
            state.retries += 1
            await asyncio.sleep(wait)

    async def _request(
        self, url: str, use_get: bool, host: _Host, hostname: str, state: _Attempts
    ) -> tuple[str, Response]:
        """One request, inside the host's and the global limits and the URL's deadline.

        Returns:
            The method used and the response. HEAD is chosen only once a slot is held, so
            that what an earlier request learnt about the host (it refuses HEAD) counts.
        """
        assert self._global is not None
        async with host.slots:
            # Waiting out a host-wide pause holds a slot of that host only (it is paused
            # anyway), never a global one that other hosts could use.
            while (pause := host.paused_until - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            async with self._global:
                now = time.monotonic()
                if state.deadline is None:
                    state.started, state.deadline = now, now + self.config.deadline
                remaining = state.deadline - now
                if remaining <= 0:
                    # Waiting for a slot ate the rest of the time; say what went wrong before.
                    last = f" (last attempt: {state.last_problem})" if state.last_problem else ""
                    raise RequestError(
                        f"gave up: deadline of {self.config.deadline:g} s{last}", retryable=False
                    )
                state.requests += 1
                method = "GET" if use_get or host.prefers_get else "HEAD"
                try:
                    async with asyncio.timeout(remaining):
                        return method, await self._fetch(
                            url,
                            method,
                            headers=self._headers(hostname),
                            connect_timeout=self.config.connect_timeout,
                            read_timeout=self.config.read_timeout,
                            ssl_context=self._ssl,
                        )
                except TimeoutError:
                    raise RequestError(
                        f"no answer within the deadline of {self.config.deadline:g} s",
                        retryable=False,
                    ) from None


def _expand_env(value: str) -> str | None:
    """``${VAR}`` from the environment; ``None`` when a variable is unset (header left out)."""
    missing = False

    def sub(match: re.Match[str]) -> str:
        nonlocal missing
        found = os.environ.get(match.group(1))
        missing = missing or found is None
        return found or ""

    expanded = re.sub(r"\$\{(\w+)\}", sub, value)
    return None if missing else expanded


def check_urls(
    urls: list[str],
    config: LinksConfig,
    progress: Progress | None = None,
    fetcher: Fetcher = fetch,
) -> dict[str, Outcome]:
    """Check ``urls`` (each once) and return the outcome per URL; blocks until done."""
    if not urls:
        return {}
    checker = ExternalChecker(config, fetcher)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(checker.check_all(urls, progress))
    # Called from code that already runs an event loop (a notebook, an async test harness):
    # asyncio.run() would refuse, so run the check on a loop of its own in a worker thread.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, checker.check_all(urls, progress)).result()
