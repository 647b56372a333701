"""One HTTP request on asyncio streams: send it, read the status line and headers, hang up.

A link checker needs the status code and, for redirects and rate limits, two headers. It
never needs the body, so none is read: a slow or huge body costs nothing, and the connection
is closed as soon as the headers are in. Everything that stops us getting an answer is a
:class:`RequestError`, never a status: that is the difference between "the link is broken"
and "we could not ask".
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

_HEADER_LIMIT = 64 * 1024
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


@dataclass(frozen=True)
class Response:
    """A response, without its body.

    Attributes:
        status: The status code.
        reason: The reason phrase the server sent (may be empty).
        headers: Header names in lower case; repeated headers joined with ``, ``.
    """

    status: int
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class RequestError(Exception):
    """We could not get an answer (DNS, connection, TLS, timeout, garbled reply).

    Attributes:
        retryable: Whether trying again later may help (a timeout may; an unknown host won't).
    """

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def request_target(url: str) -> tuple[str, str, int, str, bool]:
    """Split ``url`` into what a request needs.

    Returns:
        ``(host, host_header, port, target, tls)`` where ``host`` is ASCII (IDNA-encoded)
        and ``target`` is the percent-encoded path and query.

    Raises:
        RequestError: For a URL that cannot be requested (no host, other scheme, bad port).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RequestError(f"cannot request a {scheme or 'relative'} URL", retryable=False)
    try:
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise RequestError(f"bad URL: {exc}", retryable=False) from None
    if not host:
        raise RequestError("bad URL: no host", retryable=False)
    tls = scheme == "https"
    default = 443 if tls else 80
    port = port or default
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == default else f"{shown}:{port}"
    target = quote(parts.path or "/", safe=_SAFE_PATH)
    if parts.query:
        target += "?" + quote(parts.query, safe=_SAFE_QUERY)
    return host, host_header, port, target, tls


def _parse_head(block: bytes) -> Response:
    lines = block.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not (code.isdigit() and len(code) == 3):
        raise RequestError(f"not an HTTP response: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name, value = name.strip().lower(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return Response(int(code), reason.strip(), headers)


def _describe(exc: BaseException, host: str) -> RequestError:
    """Turn a low-level failure into words an author can act on."""
    if isinstance(exc, socket.gaierror):
        # EAI_AGAIN is a resolver hiccup; the rest mean the name does not resolve.
        again = exc.errno == socket.EAI_AGAIN
        return RequestError(f"could not resolve host {host} ({exc.strerror})", retryable=again)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return RequestError(f"TLS certificate not valid: {exc.verify_message}", retryable=False)
    if isinstance(exc, ssl.SSLError):
        return RequestError(f"TLS error: {exc.reason or exc}", retryable=False)
    if isinstance(exc, ConnectionRefusedError):
        return RequestError(f"connection refused by {host}")
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return RequestError(f"connection reset by {host}")
    if isinstance(exc, asyncio.IncompleteReadError):
        if not exc.partial:
            return RequestError(f"{host} closed the connection without answering")
        return RequestError(f"{host} closed the connection in the middle of the headers")
    if isinstance(exc, asyncio.LimitOverrunError):
        return RequestError(f"{host} sent more than {_HEADER_LIMIT} bytes of headers", False)
    return RequestError(f"network error talking to {host}: {exc}")


async def fetch(
    url: str,
    method: str = "HEAD",
    *,
    headers: dict[str, str] | None = None,
    connect_timeout: float = 10.0,
    read_timeout: float = 20.0,
    ssl_context: ssl.SSLContext | None = None,
) -> Response:
    """Make one request and return the response status and headers.

    Args:
        url: An absolute ``http`` or ``https`` URL (a fragment is ignored).
        method: ``HEAD`` or ``GET``.
        headers: Extra request headers (``User-Agent`` among them).
        connect_timeout: Seconds to connect, TLS handshake included.
        read_timeout: Seconds from sending the request to the end of the response headers.
        ssl_context: TLS settings; the system defaults when omitted.

    Returns:
        The final response (informational ``1xx`` responses are skipped).

    Raises:
        RequestError: When no answer could be had.
    """
    host, host_header, port, target, tls = request_target(url)
    context = (ssl_context or ssl.create_default_context()) if tls else None
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host_header}"]
    extra = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", **(headers or {})}
    # identity: we never read a body, so there is nothing to decompress; close: one request
    # per connection keeps the per-host limit a limit on connections too.
    extra.update({"Accept-Encoding": "identity", "Connection": "close"})
    lines += [f"{k}: {v}" for k, v in extra.items()]
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")

    writer: asyncio.StreamWriter | None = None
    try:
        try:
            async with asyncio.timeout(connect_timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=context,
                    server_hostname=host if tls else None,
                    limit=_HEADER_LIMIT,
                )
        except TimeoutError:
            raise RequestError(f"timed out after {connect_timeout:g} s connecting to {host}")
        try:
            async with asyncio.timeout(read_timeout):
                writer.write(payload)
                await writer.drain()
                while True:
                    response = _parse_head(await reader.readuntil(b"\r\n\r\n"))
                    if response.status >= 200 or response.status == 101:
                        return response
        except TimeoutError:
            raise RequestError(f"timed out after {read_timeout:g} s waiting for {host} to answer")
    except RequestError:
        raise
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
        raise _describe(exc, host) from None
    finally:
        if writer is not None:
            # abort, not close: the body (if any) is of no interest, and waiting for a TLS
            # shutdown could stall. wait_closed makes sure the socket is gone before the
            # caller's per-host slot is given to the next request.
            writer.transport.abort()
            try:
                async with asyncio.timeout(1):
                    await writer.wait_closed()
            except (TimeoutError, OSError):
                pass
