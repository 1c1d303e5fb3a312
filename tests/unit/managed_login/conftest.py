"""Fixtures for the managed-login stand-in's parts."""

from __future__ import annotations

import pytest

from tests.support.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves by hand."""
    return FakeClock(1_800_000_000.0)
