"""A fake X-Ray daemon: a UDP socket on loopback that keeps every datagram the X-Ray SDK sends
it (``AWS_XRAY_DAEMON_ADDRESS``), for tests that read what a traced function records."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeDaemon:
    """``address`` for ``AWS_XRAY_DAEMON_ADDRESS``; ``datagrams`` as received, in order."""

    address: str
    datagrams: list[bytes] = field(default_factory=list)

    def documents(self) -> list[dict[str, Any]]:
        """Each datagram's trace document (the line after the SDK's JSON header line)."""
        found = []
        for datagram in self.datagrams:
            header, _, body = datagram.partition(b"\n")
            assert json.loads(header) == {"format": "json", "version": 1}
            found.append(json.loads(body))
        return found

    def text(self) -> str:
        return b"\n".join(self.datagrams).decode("utf-8", "replace")


@contextmanager
def fake_xray_daemon() -> Iterator[FakeDaemon]:
    """Listen until the block ends, then read what is left in the socket's buffer.

    A datagram sent on loopback is in the receiving socket's buffer once ``sendto`` returns,
    so everything a process sent before it exited is read, without waiting on a clock.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    host, port = sock.getsockname()
    daemon = FakeDaemon(f"{host}:{port}")
    closing = threading.Event()

    def receive() -> None:
        while True:
            try:
                daemon.datagrams.append(sock.recv(65_535))
            except TimeoutError:
                if closing.is_set():
                    return  # nothing arrived after the block ended: all read

    reader = threading.Thread(target=receive, name="fake-xray-daemon", daemon=True)
    reader.start()
    try:
        yield daemon
    finally:
        closing.set()
        reader.join()
        sock.close()
