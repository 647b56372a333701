"""HTTPS: a certificate the system does not trust is an error; one it trusts is fine."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import replace

import pytest

from confkb.links import LinkStatus
from confkb.links.external import check_urls

from .conftest import Reply

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl tool")


@pytest.fixture
def tls_server(serve, tmp_path):
    """A local HTTPS server with a self-signed certificate for 127.0.0.1."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = serve(lambda m, p, n: Reply(200))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    return server, cert


def test_untrusted_certificate_is_an_error(tls_server, fast_config):
    """A self-signed certificate: error (we could not make a trusted request), not retried."""
    server, _ = tls_server
    url = f"https://127.0.0.1:{server.port}/"
    out = check_urls([url], replace(fast_config, retries=2))[url]
    assert out.status is LinkStatus.ERROR
    assert "certificate" in out.reason
    assert out.requests == 1


def test_trusted_certificate_is_ok(tls_server, fast_config, monkeypatch):
    """With the certificate trusted (SSL_CERT_FILE, as for a company CA), the link is ok."""
    server, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    url = f"https://127.0.0.1:{server.port}/secure"
    out = check_urls([url], fast_config)[url]
    assert out.status is LinkStatus.OK, out.reason
    assert server.count("/secure") == 1
