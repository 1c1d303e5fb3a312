"""A real HTTP server on loopback for tests: scripted answers, recorded requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    #: Close the connection without answering: what a reset or a dying server looks like.
    drop: bool = False


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    #: ``time.monotonic()`` when the request arrived.
    at: float = field(default_factory=time.monotonic)


@dataclass
class ScriptedServer:
    """Serves ``routes[path]`` (or ``routes["METHOD path"]``) and records every request.

    A route may hold a list of answers, given one per request (the last one repeats).
    """

    url: str
    routes: dict[str, Answer | list[Answer]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


class QuietTestHandler(BaseHTTPRequestHandler):
    """A request handler that keeps http.server's access log out of the test output."""

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port until the block ends; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    state = ScriptedServer(url="")

    class Handler(QuietTestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
            path = self.path.split("?", 1)[0]
            answer = state.routes.get(
                f"{self.command} {path}",
                state.routes.get(path, Answer(status=404, body=b"not found")),
            )
            if isinstance(answer, list):  # a script: one answer per request, the last repeats
                answer = answer.pop(0) if len(answer) > 1 else answer[0]
            time.sleep(answer.delay)
            if answer.drop:
                self.close_connection = True
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_PUT = do_POST = do_DELETE = _answer  # noqa: N815 - http.server's naming

    with serving(Handler) as url:
        state.url = url
        yield state
