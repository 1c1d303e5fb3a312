"""Unit tests run without a network: any socket connection fails the test loudly."""

from __future__ import annotations

import socket

import pytest

from tests.support.no_network import refuse_connection


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", refuse_connection)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_connection)
    monkeypatch.setattr(socket, "create_connection", refuse_connection)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_connection)
