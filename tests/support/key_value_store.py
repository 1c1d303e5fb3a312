"""Clients for KeyValueStore tests: one that lets another writer in just before each write, and
the environment that brings clients code makes itself to the local stand-ins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit


class Racing:
    """A real ``cloudfront-keyvaluestore`` client whose ``update_keys`` first lets ``rival``
    write (the first ``times`` calls), as another writer would between our read and our
    write; ``writes`` counts the ``update_keys`` calls that reached the store."""

    def __init__(self, client: Any, rival: Callable[[], object], times: int) -> None:
        self._client = client
        self._rival = rival
        self._left = times
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name != "update_keys":
            return attribute

        def after_the_rival(**kwargs: Any) -> Any:
            if self._left > 0:
                self._left -= 1
                self._rival()
            self.writes += 1
            return attribute(**kwargs)

        return after_the_rival


def reach_stand_ins(monkeypatch: Any, moto_url: str, store_url: str) -> None:
    """Make clients that code builds for itself (``boto3.client(...)``, as a Lambda handler or
    the CLI does) reach moto, and the local KeyValueStore for ``cloudfront-keyvaluestore``:
    its endpoint rules put the account in the host name, so the stand-in is also the HTTP
    proxy, which moto's address bypasses."""
    moto = urlsplit(moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE", store_url)
    monkeypatch.setenv("HTTP_PROXY", store_url)
    monkeypatch.setenv("NO_PROXY", moto.netloc)
