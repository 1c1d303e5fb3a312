"""Fixtures for the edge against hostile key servers: raw sockets that answer as scripted, and
an HTTPS server whose certificate the test chooses."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.trust import jwks_fetch
from tests.support.raw_server import RawServerFactory, serve_raw
from tests.support.tls_server import CertificateAuthority, TlsServerFactory, serve_tls


@pytest.fixture
def raw_server() -> RawServerFactory:
    """``with raw_server(script) as server:`` runs a scripted TCP server on loopback."""
    return serve_raw


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsServerFactory]:
    """``with tls_server(body, name=..., trusted=...) as server:`` serves ``body`` over TLS.

    The process trusts one test CA (``SSL_CERT_FILE``, read when the edge builds its TLS
    context); the server's certificate names ``name`` and is signed by that CA when
    ``trusted``, else by a CA nobody trusts.
    """
    trusted_ca = CertificateAuthority.create("CA trusted")
    (tmp_path / "ca.pem").write_bytes(trusted_ca.certificate_pem())
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    jwks_fetch._tls.cache_clear()  # the context is built once per process
    yield functools.partial(serve_tls, tmp_path, trusted_ca)
    jwks_fetch._tls.cache_clear()
