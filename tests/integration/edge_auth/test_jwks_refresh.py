"""JWKS refreshes against real loopback servers that misbehave on purpose.

Each test drives the whole handler (``gate.decide``) with a token under a new ``kid``, so the
edge must refresh, against a key server that redirects, drips, hangs or talks garbage. The
answer must always be an ordinary ``unknown_key`` deny, within the refresh deadline, carrying
an operator detail, and the attacker's key must never be trusted.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edge_auth import gate as edge
from shared.trust.errors import JwksFetchError
from shared.trust.jwks_fetch import fetch_jwks
from testkit.events import viewer_request
from testkit.tokens import SigningKey, cognito_claims, edge_config
from tests.support.fakes import json_lines
from tests.support.http import Answer, scripted_server
from tests.support.raw_server import RawServerFactory
from tests.support.tls_server import TlsServerFactory

_services = itertools.count()


def gate_for(jwks_url: str, test_key: SigningKey, tmp_path: Path) -> edge.Gate:
    """A gate from a config file; its own service name, so that its log reaches capsys."""
    path = tmp_path / "config.json"
    service = f"edge-auth-refresh-{next(_services)}"
    path.write_text(json.dumps(edge_config(test_key, jwks_url=jwks_url, service=service)))
    return edge.start(str(path))


def decide_with_new_kid(gate: edge.Gate, key: SigningKey) -> dict[str, Any]:
    token = key.sign(cognito_claims())
    return edge.decide(gate, viewer_request("/v.mp4", {"Authorization": f"Bearer {token}"}))


def deny_line(out: str) -> dict[str, Any]:
    [line] = [line for line in json_lines(out) if line.get("message", "").startswith("request")]
    return line


def http_answer(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    return head.encode() + b"\r\n\r\n" + body


def test_a_redirect_is_never_followed(
    test_key: SigningKey,
    rotated_key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A redirect to another host once replaced the trusted keys with an attacker's."""
    with scripted_server() as pool, scripted_server() as attacker:
        attacker.routes["/jwks.json"] = Answer(body=json.dumps(rotated_key.jwks()).encode())
        pool.routes["/jwks.json"] = Answer(
            status=302, headers={"Location": f"{attacker.url}/jwks.json"}
        )
        gate = gate_for(f"{pool.url}/jwks.json", test_key, tmp_path)
        assert decide_with_new_kid(gate, rotated_key)["status"] == "401"
        assert attacker.requests == []
    line = deny_line(capsys.readouterr().out)
    assert line["reason"] == "unknown_key"
    assert "302" in line["detail"]
    assert "not followed" in line["detail"]


def test_a_server_dripping_a_valid_jwks_is_cut_off_at_the_deadline(
    raw_server: RawServerFactory,
    test_key: SigningKey,
    rotated_key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One byte every 10 ms: each read is quick, the whole answer takes seconds."""
    answer = http_answer(json.dumps(rotated_key.jwks()).encode())

    def drip(connection: socket.socket) -> None:
        for byte in answer:
            connection.sendall(bytes([byte]))
            time.sleep(0.01)

    with raw_server(drip) as server:
        gate = gate_for(f"{server.url}/jwks.json", test_key, tmp_path)
        assert decide_with_new_kid(gate, rotated_key)["status"] == "401"
        assert not server.finished.is_set()  # the handler did not wait for the whole answer
    line = deny_line(capsys.readouterr().out)
    assert line["reason"] == "unknown_key"
    assert "within" in line["detail"]


def test_a_server_that_accepts_and_never_answers_is_cut_off(
    raw_server: RawServerFactory, test_key: SigningKey, rotated_key: SigningKey, tmp_path: Path
) -> None:
    released = threading.Event()

    def hang(connection: socket.socket) -> None:
        released.wait(10)

    with raw_server(hang) as server:
        gate = gate_for(f"{server.url}/jwks.json", test_key, tmp_path)
        assert decide_with_new_kid(gate, rotated_key)["status"] == "401"
        assert not released.is_set()
        released.set()


@pytest.fixture
def stuck_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Name resolution that hangs until released (a resolver that never answers)."""
    released = threading.Event()

    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        released.wait(10)
        raise socket.gaierror("released")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield released
    released.set()


def test_the_deadline_covers_name_resolution(stuck_resolver: threading.Event) -> None:
    with pytest.raises(JwksFetchError, match=r"within 0\.3 s"):
        fetch_jwks("https://jwks.example/keys", timeout=0.3)
    assert not stuck_resolver.is_set()  # gave up while the resolver was still stuck


def test_a_fetch_that_outlived_its_deadline_in_name_resolution_hangs_up_once_connected(
    raw_server: RawServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resolver slower than the deadline used to free the worker from it: once connected,
    it read a dripping answer for as long as each byte came within a socket timeout."""
    hung_up = threading.Event()

    def drip_until_hung_up(connection: socket.socket) -> None:
        try:
            for _ in range(3000):
                connection.sendall(b" ")
                time.sleep(0.01)
        except OSError:
            hung_up.set()

    resolve = socket.getaddrinfo
    gave_up = threading.Event()

    def resolver_slower_than_the_deadline(*args: Any, **kwargs: Any) -> Any:
        gave_up.wait(10)
        return resolve(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver_slower_than_the_deadline)
    with raw_server(drip_until_hung_up) as server:
        with pytest.raises(JwksFetchError, match="within"):
            fetch_jwks(f"{server.url}/jwks.json", timeout=0.3)
        gave_up.set()
        assert hung_up.wait(10)


GARBAGE = {
    "bad-status-line": b"garbage\r\n\r\n",
    "over-long-header-line": b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 70_000 + b"\r\n\r\n",
    "too-many-headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 200 + b"\r\n",
    "truncated-body": b'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{"keys": [',
    "not-http-at-all": b"\x16\x03\x01\x00\x05hello",
}


@pytest.mark.parametrize("garbage", GARBAGE)
def test_a_garbage_answer_is_an_unknown_key_deny_with_detail(
    raw_server: RawServerFactory,
    test_key: SigningKey,
    rotated_key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    garbage: str,
) -> None:
    def answer(connection: socket.socket) -> None:
        connection.sendall(GARBAGE[garbage])

    with raw_server(answer) as server:
        gate = gate_for(f"{server.url}/jwks.json", test_key, tmp_path)
        assert decide_with_new_kid(gate, rotated_key)["status"] == "401"
    out = capsys.readouterr().out
    line = deny_line(out)
    assert (line["level"], line["reason"]) == ("INFO", "unknown_key")
    assert line["detail"].startswith("a failed refresh: cannot fetch JWKS")
    assert '"ERROR"' not in out


@pytest.mark.parametrize(
    "url",
    [
        "http://jwks.example/keys",  # plain HTTP beyond loopback
        "http://127.0.0.1.evil.example/keys",
        "https://user@jwks.example/keys",
        "https://jwks.example/keys?next=http://evil",
        "ftp://127.0.0.1/keys",
        "file:///etc/passwd",
    ],
)
def test_only_https_or_loopback_http_urls_are_ever_contacted(
    url: str, stuck_resolver: threading.Event
) -> None:
    """Refused before any name is resolved (the resolver here would hang)."""
    with pytest.raises(JwksFetchError, match="refusing"):
        fetch_jwks(url, timeout=5)


def test_an_https_server_with_an_untrusted_certificate_is_refused(
    raw_server: RawServerFactory,
) -> None:
    """TLS is verified: a loopback server speaking no valid TLS fails the fetch."""

    def answer(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\n\r\n{}")

    with raw_server(answer) as server:
        https_url = server.url.replace("http://127.0.0.1", "https://localhost") + "/jwks.json"
        with pytest.raises(JwksFetchError, match="cannot fetch"):
            fetch_jwks(https_url, timeout=2)


def test_a_jwks_under_a_trusted_certificate_for_its_host_is_fetched(
    tls_server: TlsServerFactory, test_key: SigningKey
) -> None:
    """The control for the two refusals below: this test CA is trusted, this server works."""
    with tls_server(json.dumps(test_key.jwks()).encode()) as server:
        url = f"https://localhost:{server.port}/jwks.json"
        assert fetch_jwks(url, timeout=5) == test_key.jwks()


@pytest.mark.parametrize(
    ("name", "trusted"),
    [("localhost", False), ("jwks.example", True)],
    ids=["signed-by-an-untrusted-authority", "issued-for-another-host"],
)
def test_a_certificate_not_trusted_for_the_host_gets_no_request(
    tls_server: TlsServerFactory, test_key: SigningKey, name: str, trusted: bool
) -> None:
    """Whoever answers for the JWKS host (DNS, the path) must prove to be that host."""
    with tls_server(json.dumps(test_key.jwks()).encode(), name=name, trusted=trusted) as server:
        with pytest.raises(JwksFetchError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_jwks(f"https://localhost:{server.port}/jwks.json", timeout=5)
        assert server.requests == 0
