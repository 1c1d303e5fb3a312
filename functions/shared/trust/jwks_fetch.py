"""Fetch a JSON Web Key Set: one GET to the configured host, under one deadline.

The server at the other end is treated as hostile. So:

* **No redirects.** ``http.client`` never follows one; any answer but 200 is a failure. (A
  redirect once replaced the trusted keys with an attacker's.)
* **Only the configured host,** over HTTPS with certificate and host name checks; plain HTTP
  only to loopback (tests and ``make local``), by the same rule the configuration applies
  (``config.JWKS_URL``). No proxy from the environment is ever used.
* **One deadline for everything**, DNS included: the fetch runs in a worker thread that the
  caller waits for at most ``timeout`` seconds. Each socket operation of the worker is also
  bounded by what is left, and the socket is shut when the caller gives up, so a server that
  drips bytes neither holds the viewer request nor keeps the worker alive.
* **Whatever the server makes the client raise** (a bad status line, an over-long header, a
  reset, broken TLS) is a ``JwksFetchError`` with a short reason, never a crash.

Imported only when a refresh actually happens (an unknown ``kid``), so ``http.client``,
``ssl`` and ``threading`` never weigh on a cold start that does not need them. The deploy-time
custom resource and the local tools use the same function.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import socket
import ssl
import threading
import time
from typing import Any

from .config import JWKS_URL
from .errors import JwksFetchError, JwksUrlRefusedError

#: A Cognito JWKS is well under 2 KB; anything much larger is not one.
MAX_JWKS_BYTES = 65_536
#: Reasons quote the server's bytes at most this far (they go to the operator's log).
_MAX_REASON = 160


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs milliseconds."""
    return ssl.create_default_context()


class _Attempt:
    """One GET, run in a worker thread; the caller reads ``body`` or ``error`` after join."""

    def __init__(self, url: str, timeout: float) -> None:
        match = JWKS_URL.fullmatch(url)
        if match is None:
            raise JwksUrlRefusedError(
                f"refusing to fetch JWKS from {url!r}: not https (or loopback)"
            )
        self.url = url
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.https = match["host"] is not None
        self.host = match["host"] or match["loopback"]
        self.port = int(match["port"]) if match["port"] else (443 if self.https else 80)
        self.path = match["path"] or "/"
        self.connection: http.client.HTTPConnection | None = None
        self.body: bytes | None = None
        self.error: str | None = None

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left

    def run(self) -> None:
        try:
            self.body = self._get()
        except JwksFetchError as exc:
            self.error = str(exc)
        except TimeoutError:  # a socket operation ran into the deadline
            self.error = self.too_late()
        except Exception as exc:  # noqa: BLE001 - anything a hostile server provokes is a failed fetch
            self.error = f"{type(exc).__name__}: {exc}"[:_MAX_REASON]
        finally:
            self.close()

    def _get(self) -> bytes:
        host = self.host.strip("[]")
        if self.https:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, self.port, timeout=self._left(), context=_tls()
            )
        else:
            connection = http.client.HTTPConnection(host, self.port, timeout=self._left())
        self.connection = connection
        connection.connect()
        self._tighten()  # name resolution is not bounded by any socket timeout
        connection.request("GET", self.path, headers={"Accept": "application/json"})
        self._tighten()
        response = connection.getresponse()
        if response.status != 200:
            where = response.getheader("Location") if 300 <= response.status < 400 else None
            moved = f", redirect to {where!r} not followed" if where else ""
            raise JwksFetchError(f"HTTP {response.status}{moved}"[:_MAX_REASON])
        body = b""
        while len(body) <= MAX_JWKS_BYTES:
            self._tighten()
            chunk = response.read1(MAX_JWKS_BYTES + 1 - len(body))
            if not chunk:
                if response.length:  # Content-Length promised more than arrived
                    raise JwksFetchError(f"answer ended {response.length} bytes early")
                return body
            body += chunk
        raise JwksFetchError(f"larger than {MAX_JWKS_BYTES} bytes")

    def too_late(self) -> str:
        return f"no complete answer within {self.timeout} s"

    def _tighten(self) -> None:
        """Bound the next socket operation by what is left of the deadline; ``TimeoutError``
        once it has passed, even if the caller already gave up and closed the connection."""
        left = self._left()
        sock = self.connection.sock if self.connection else None
        if sock is not None:
            sock.settimeout(left)

    def close(self) -> None:
        """Shut the socket (from either thread): a worker blocked in a read returns at once.

        Idempotent, and the connection is kept: a worker that was still resolving the name
        when the caller closed gets its socket only afterwards, and must be able to shut it.
        """
        connection = self.connection
        if connection is None:
            return
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        connection.close()


def fetch_jwks(url: str, timeout: float) -> dict[str, Any]:
    """GET ``url`` within ``timeout`` seconds in all: its JSON object, or ``JwksFetchError``."""
    attempt = _Attempt(url, timeout)
    worker = threading.Thread(target=attempt.run, name="jwks-fetch", daemon=True)
    try:
        worker.start()
    except RuntimeError as exc:  # no thread to be had: a failed fetch, so the box closes
        raise JwksFetchError(f"cannot fetch JWKS from {url}: {exc}") from exc
    worker.join(timeout)
    if worker.is_alive():
        attempt.close()
        raise JwksFetchError(f"cannot fetch JWKS from {url}: {attempt.too_late()}")
    if attempt.error is not None or attempt.body is None:
        raise JwksFetchError(f"cannot fetch JWKS from {url}: {attempt.error}")
    try:
        jwks = json.loads(attempt.body)
    except (ValueError, RecursionError) as exc:
        raise JwksFetchError(f"JWKS at {url} is not JSON") from exc
    if not isinstance(jwks, dict):
        raise JwksFetchError(f"JWKS at {url} is not a JSON object")
    return jwks
