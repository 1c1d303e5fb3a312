"""Small hand-written fakes (no mocks): a settable clock, a scripted JWKS source, log parsing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared.trust.errors import JwksFetchError


class FakeClock:
    """A clock the test sets by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeFetcher:
    """Answers JWKS fetches with a script of JWKS dicts or exceptions, recording each call.

    Once the script is used up, every further fetch fails as if the network were down.
    """

    def __init__(self, *answers: Mapping[str, Any] | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, float]] = []

    def __call__(self, url: str, timeout: float) -> Mapping[str, Any]:
        self.calls.append((url, timeout))
        if not self.answers:
            raise JwksFetchError(f"{url} unreachable")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def json_lines(captured: str) -> list[dict[str, Any]]:
    """The JSON lines (structured logs and EMF metrics) a function printed."""
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]
