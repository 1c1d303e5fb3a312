"""Trying a deploy-time step again while it fails for a while, never past the request's deadline.

Some failures right after a stack change are a matter of time: a user pool created seconds ago
whose JWKS is not served yet, an origin access control that CloudFront still counts as in use
by the distribution just deleted. ``until_deadline`` tries again after 1, 2, 4, 8, then every
10 s, as long as the pause ends before the deadline (``Request.deadline``, which leaves the
protocol its time to answer), and then gives up with the last failure and how long it tried.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from .protocol import LAMBDA_MAX_TIMEOUT_SECONDS

FIRST_PAUSE_SECONDS = 1.0
MAX_PAUSE_SECONDS = 10.0

T = TypeVar("T")


class OutOfTimeError(Exception):
    """Every attempt failed, the last with ``last``, and the deadline leaves no time for
    another."""

    def __init__(self, last: Exception, attempts: int, seconds: float) -> None:
        self.last = last
        self.attempts = attempts
        self.seconds = seconds
        super().__init__(f"{last} ({self.summary})")

    @property
    def summary(self) -> str:
        """``after 4 attempts in 7 s``: for a reason that quotes ``last`` in its own words."""
        plural = "" if self.attempts == 1 else "s"
        return f"after {self.attempts} attempt{plural} in {self.seconds:.0f} s"


def pauses() -> Iterator[float]:
    """The pauses between attempts: 1, 2, 4, 8, 10, 10, ... seconds."""
    pause = FIRST_PAUSE_SECONDS
    while True:
        yield pause
        pause = min(pause * 2, MAX_PAUSE_SECONDS)


def until_deadline(
    attempt: Callable[[float], T],
    *,
    deadline: float,
    retryable: Callable[[Exception], bool],
) -> T:
    """What ``attempt(seconds_left)`` returns, trying again after each failure ``retryable``
    accepts while the pause before the next attempt ends before ``deadline`` (a
    ``time.monotonic()`` value); then ``OutOfTimeError``. Any other failure is raised as it is.
    ``seconds_left`` lets an attempt bound its own wait by the deadline."""
    started = time.monotonic()
    deadline = min(deadline, started + LAMBDA_MAX_TIMEOUT_SECONDS)
    waits = pauses()
    attempts = 0
    while True:
        attempts += 1
        try:
            return attempt(max(deadline - time.monotonic(), 0.0))
        except Exception as exc:
            if not retryable(exc):
                raise
            pause = next(waits)
            if time.monotonic() + pause >= deadline:
                raise OutOfTimeError(exc, attempts, time.monotonic() - started) from exc
        time.sleep(pause)
