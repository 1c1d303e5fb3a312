"""Unit tests run without a network: any socket connection fails the test loudly."""

from __future__ import annotations

import socket
from typing import Any

import pytest


class NetworkBlockedError(RuntimeError):
    """Raised when a unit test tries to reach the network."""


def _blocked(*_args: Any, **_kwargs: Any) -> Any:
    raise NetworkBlockedError("unit tests must not use the network (see tests/unit/conftest.py)")


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _blocked)
    monkeypatch.setattr(socket.socket, "connect_ex", _blocked)
    monkeypatch.setattr(socket, "create_connection", _blocked)
    monkeypatch.setattr(socket, "getaddrinfo", _blocked)
