"""What a unit test meets when it tries to reach the network: a loud failure."""

from __future__ import annotations

from typing import Any


class NetworkBlockedError(RuntimeError):
    """Raised when a unit test tries to reach the network."""


def refuse_connection(*_args: Any, **_kwargs: Any) -> Any:
    raise NetworkBlockedError("unit tests must not use the network (see tests/unit/conftest.py)")
