"""A loopback TCP server that answers as a script says: for the edge against hostile or
broken key servers (slow, endless, truncated answers)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Script = Callable[[socket.socket], None]


@dataclass
class RawServer:
    """A loopback TCP server that reads one request per connection, then runs ``script``.

    ``finished`` is set when a script ran to its end (the client stayed to the last byte).
    """

    url: str
    finished: threading.Event = field(default_factory=threading.Event)
    connections: int = 0


#: The ``raw_server`` fixture: ``serve_raw``.
RawServerFactory = Callable[[Script], contextlib.AbstractContextManager[RawServer]]


@contextlib.contextmanager
def serve_raw(script: Script) -> Iterator[RawServer]:
    """``script`` run on each connection of a new loopback server, until the block ends."""
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
