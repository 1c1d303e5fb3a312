"""Loopback HTTP servers for the local stack: bind first, serve once the target is ready."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol


class HttpTarget(Protocol):
    """What serves the requests of one local endpoint."""

    def handle(self, request: QuietHandler) -> None: ...


class QuietHandler(BaseHTTPRequestHandler):
    """Hands every request to the server's target; keeps the console for the stack's output."""

    protocol_version = "HTTP/1.1"
    #: Headers and body go out in two writes: without TCP_NODELAY, a kept-alive connection
    #: waits for the client's delayed ACK (40 ms a request) before the body leaves.
    disable_nagle_algorithm = True

    def _dispatch(self) -> None:
        target = getattr(self.server, "target", None)
        if target is None:  # bound but not serving yet
            self.send_body(503, [("Content-Type", "text/plain")], b"starting\n")
            return
        target.handle(self)

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_PUT = do_DELETE = _dispatch  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        return

    def send_body(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    target: HttpTarget | None = None


class BackgroundServer:
    """Binds ``host:port`` at once (port 0 picks a free one), so its URL is known before
    what it serves exists; ``serve`` starts answering in a background thread."""

    def __init__(self, host: str, port: int) -> None:
        self._server = _Server((host, port), QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def serve(self, target: HttpTarget) -> None:
        self._server.target = target
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
