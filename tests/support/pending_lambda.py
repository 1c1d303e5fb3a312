"""A Lambda endpoint whose new versions start Pending, as Lambda's do: an HTTP proxy in front
of a moto server (where every version is Active at once).

Every request goes to moto unchanged; a function configuration in an answer (GetFunction,
GetFunctionConfiguration, PublishVersion) for a version named in ``pending`` is reported
``Pending`` for that many answers, then as moto has it.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.http import QuietTestHandler, serving

PENDING = {
    "State": "Pending",
    "StateReason": "The function is being created.",
    "StateReasonCode": "Creating",
}
_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive"}


@dataclass
class PendingLambda:
    url: str
    #: version number -> how many more answers report it Pending
    pending: dict[str, int] = field(default_factory=dict)
    #: version numbers of every configuration reported Pending, in order
    reported: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rewrite(self, body: bytes) -> bytes:
        try:
            answer = json.loads(body)
        except ValueError:
            return body
        if not isinstance(answer, dict):
            return body
        configuration = answer.get("Configuration", answer)
        version = configuration.get("Version") if isinstance(configuration, dict) else None
        with self.lock:
            if not isinstance(version, str) or self.pending.get(version, 0) <= 0:
                return body
            self.pending[version] -= 1
            self.reported.append(version)
        configuration.update(PENDING)
        return json.dumps(answer).encode()


@contextmanager
def pending_lambda(moto_url: str) -> Iterator[PendingLambda]:
    upstream = urllib.parse.urlsplit(moto_url)
    state = PendingLambda(url="")

    class Proxy(QuietTestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            connection = http.client.HTTPConnection(upstream.netloc, timeout=30)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                answer: Any = state.rewrite(response.read())
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
            finally:
                connection.close()
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_PUT = do_POST = do_DELETE = _forward  # noqa: N815 - http.server's naming

    with serving(Proxy) as url:
        state.url = url
        yield state
