"""One real HTTP request from a test, its answer whatever the status."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

#: How long a revocation may take to reach the local CloudFront before a test gives up.
REVOCATION_PATIENCE_SECONDS = 10.0


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


def http(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> HttpAnswer:
    """One real HTTP request; error statuses are answers, not exceptions."""
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return HttpAnswer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return HttpAnswer(error.code, dict(error.headers), error.read())


def refused(url: str) -> int:
    """The status ``url`` answers once it stops answering 200 (a revocation reaching the
    local CloudFront is waited for, never timed), or 200 if it never does within
    ``REVOCATION_PATIENCE_SECONDS``."""
    deadline = time.monotonic() + REVOCATION_PATIENCE_SECONDS
    while True:
        status = http(url).status
        if status != 200 or time.monotonic() > deadline:
            return status
        time.sleep(0.1)
