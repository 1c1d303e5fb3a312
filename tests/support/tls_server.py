"""A loopback HTTPS server whose certificate the test chooses: signed by a test CA the
process trusts or by one nobody trusts, for any host name."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass
class TlsServer:
    """A loopback HTTPS server answering every request with ``body``; ``port`` to dial."""

    port: int
    requests: int = 0


#: The ``tls_server`` fixture: ``serve_tls`` under the CA the process trusts.
TlsServerFactory = Callable[..., contextlib.AbstractContextManager[TlsServer]]


@dataclass(frozen=True)
class CertificateAuthority:
    """A certificate authority made for one test."""

    name: x509.Name
    key: rsa.RSAPrivateKey

    @classmethod
    def create(cls, common_name: str) -> CertificateAuthority:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        return cls(name, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def certificate_pem(self) -> bytes:
        """The CA's self-signed certificate."""
        common_name = str(self.name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)
        return _pem(_certificate(common_name, self.key, self.name, self.key))


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


@contextlib.contextmanager
def serve_tls(
    directory: Path,
    trusted_ca: CertificateAuthority,
    body: bytes,
    *,
    name: str = "localhost",
    trusted: bool = True,
) -> Iterator[TlsServer]:
    """Serve ``body`` over TLS under a certificate for ``name``, signed by ``trusted_ca`` when
    ``trusted``, else by a new CA nobody trusts; its key and chain go to ``directory``."""
    ca = trusted_ca if trusted else CertificateAuthority.create("CA untrusted")
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = _certificate(name, leaf_key, ca.name, ca.key)
    (directory / "leaf.pem").write_bytes(
        _pem(leaf)
        + leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(directory / "leaf.pem")
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
