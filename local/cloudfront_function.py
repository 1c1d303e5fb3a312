"""Run a CloudFront Function file in Node, in the runtime 2.0 stand-in
(``local/cloudfront_function_runtime.mjs``), from Python: for the local CloudFront's ``/g/*``
behavior, the tests and the bench. One Node process per ``FunctionRuntime``, many requests,
one at a time (the local CloudFront serves viewers from several threads)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from tools.stack import ROOT

GRANT_CHECK = ROOT / "functions" / "grant_check" / "index.js"
RUNTIME = Path(__file__).with_name("cloudfront_function_runtime.mjs")


class FunctionError(Exception):
    """The function threw, or returned what CloudFront cannot use: CloudFront would answer
    the viewer with a 5xx."""


def function_event(
    uri: str, method: str = "GET", headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A viewer-request event as CloudFront Functions hands it over (header names in lower
    case, each ``{"value": ...}``)."""
    return {
        "version": "1.0",
        "context": {
            "distributionDomainName": "d111111abcdef8.cloudfront.net",
            "distributionId": "EDFDVBD6EXAMPLE",
            "eventType": "viewer-request",
            "requestId": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
        },
        "viewer": {"ip": "198.51.100.11"},
        "request": {
            "method": method,
            "uri": uri,
            "querystring": {},
            "headers": {name.lower(): {"value": value} for name, value in (headers or {}).items()},
            "cookies": {},
        },
    }


class FunctionRuntime:
    """``path`` (the grant check by default) loaded once in a Node process."""

    def __init__(self, path: Path = GRANT_CHECK) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed")
        self._process = subprocess.Popen(  # noqa: S603 - node and files of this repository
            [node, "--experimental-vm-modules", "--no-warnings", str(RUNTIME), str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("the function runtime has no pipes")
        with self._lock:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
            line = stdout.readline()
        if not line:
            stderr = self._process.stderr.read() if self._process.stderr else ""
            raise RuntimeError(f"the function runtime stopped: {stderr}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(
        self, event: dict[str, Any], *, now: float, store: Mapping[str, str | None] | None
    ) -> dict[str, Any]:
        """What the function returns for ``event`` at ``now`` (seconds) with ``store`` (the
        KeyValueStore's entries; None: unreadable, and so is an entry whose value is None);
        ``FunctionError`` when it errs."""
        answer = self._ask(
            {
                "event": event,
                "now": int(now * 1000),
                "store": None if store is None else dict(store),
            }
        )
        if "error" in answer:
            raise FunctionError(answer["error"])
        result: dict[str, Any] = answer["result"]
        return result

    def time_per_call(
        self,
        event: dict[str, Any],
        *,
        now: float,
        store: Mapping[str, str | None] | None,
        calls: int,
        rounds: int,
    ) -> tuple[dict[str, Any], list[float]]:
        """The function's answer and its mean time per call of each round, in nanoseconds
        (measured in Node, around the handler alone)."""
        spec = {
            "event": event,
            "now": int(now * 1000),
            "store": None if store is None else dict(store),
            "calls": calls,
            "rounds": rounds,
        }
        answer = self._ask({"bench": spec})
        return answer["result"], [float(n) for n in answer["nanoseconds"]]

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> FunctionRuntime:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def decision(result: dict[str, Any]) -> tuple[int, str | None]:
    """A function's answer as (status, URI it forwards): 200 and the request's URI when it let
    the request through, the response's status and None otherwise."""
    if "statusCode" in result:
        return int(result["statusCode"]), None
    return 200, str(result["uri"])
