"""Trying a deploy-time step again: the pauses grow to a ceiling, and a failure that waiting
cannot cure is raised at once."""

from __future__ import annotations

import itertools
import time

import pytest

from shared.custom_resource.retry import OutOfTimeError, pauses, until_deadline


def test_the_pauses_double_from_one_second_up_to_ten() -> None:
    assert list(itertools.islice(pauses(), 7)) == [1, 2, 4, 8, 10, 10, 10]


def test_a_failure_that_is_not_retryable_is_raised_after_one_attempt() -> None:
    attempts: list[float] = []

    def fail(left: float) -> None:
        attempts.append(left)
        raise KeyError("permanent")

    with pytest.raises(KeyError, match="permanent"):
        until_deadline(fail, deadline=time.monotonic() + 60, retryable=lambda e: False)
    assert len(attempts) == 1
    assert 0 < attempts[0] <= 60


def test_no_second_attempt_when_the_first_pause_would_end_past_the_deadline() -> None:
    attempts: list[float] = []

    def fail(left: float) -> None:
        attempts.append(left)
        raise TimeoutError("slow")

    with pytest.raises(OutOfTimeError, match=r"^slow \(after 1 attempt in \d+ s\)$") as failed:
        until_deadline(fail, deadline=time.monotonic() + 0.5, retryable=lambda e: True)
    assert isinstance(failed.value.__cause__, TimeoutError)
    assert len(attempts) == 1
