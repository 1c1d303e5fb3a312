"""Fixtures for the edge against hostile key servers: raw sockets that answer as scripted, and
an HTTPS server whose certificate the test chooses."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from shared.trust import jwks_fetch

Script = Callable[[socket.socket], None]


@dataclass
class RawServer:
    """A loopback TCP server that reads one request per connection, then runs ``script``.

    ``finished`` is set when a script ran to its end (the client stayed to the last byte).
    """

    url: str
    finished: threading.Event = field(default_factory=threading.Event)
    connections: int = 0


@contextlib.contextmanager
def _serve(script: Script) -> Iterator[RawServer]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    server = RawServer(f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()

    def handle(connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.recv(65_536)
            script(connection)
            server.finished.set()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server.connections += 1
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.fixture
def raw_server() -> Callable[[Script], contextlib.AbstractContextManager[RawServer]]:
    """``with raw_server(script) as server:`` runs a scripted TCP server on loopback."""
    return _serve


@dataclass
class TlsServer:
    """A loopback HTTPS server answering every request with ``body``; ``port`` to dial."""

    port: int
    requests: int = 0


def _certificate(
    name: str, subject_key: rsa.RSAPrivateKey, issuer: x509.Name, issuer_key: rsa.RSAPrivateKey
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
    )
    if name.startswith("CA "):
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


TlsServerFactory = Callable[..., contextlib.AbstractContextManager[TlsServer]]


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsServerFactory]:
    """``with tls_server(body, name=..., trusted=...) as server:`` serves ``body`` over TLS.

    The process trusts one test CA (``SSL_CERT_FILE``, read when the edge builds its TLS
    context); the server's certificate names ``name`` and is signed by that CA when
    ``trusted``, else by a CA nobody trusts.
    """
    trusted_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    trusted_ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA trusted")])
    trusted_ca = _certificate("CA trusted", trusted_key, trusted_ca_name, trusted_key)
    (tmp_path / "ca.pem").write_bytes(_pem(trusted_ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    jwks_fetch._tls.cache_clear()  # the context is built once per process

    @contextlib.contextmanager
    def serve(body: bytes, *, name: str = "localhost", trusted: bool = True) -> Iterator[TlsServer]:
        ca_key, ca_name = trusted_key, trusted_ca_name
        if not trusted:
            ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA untrusted")])
        leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        leaf = _certificate(name, leaf_key, ca_name, ca_key)
        (tmp_path / "leaf.pem").write_bytes(
            _pem(leaf)
            + leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp_path / "leaf.pem")
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        server = TlsServer(listener.getsockname()[1])
        stop = threading.Event()
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

        def handle(connection: socket.socket) -> None:
            with contextlib.suppress(OSError), context.wrap_socket(connection, True) as tls:
                tls.recv(65_536)
                server.requests += 1
                tls.sendall(answer)

        def accept() -> None:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    connection, _ = listener.accept()
                    connection.settimeout(5)
                    threading.Thread(target=handle, args=(connection,), daemon=True).start()

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            yield server
        finally:
            stop.set()
            thread.join()
            listener.close()

    yield serve
    jwks_fetch._tls.cache_clear()
