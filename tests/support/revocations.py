"""A grant store in the local KeyValueStore stand-in, holding a current grant key, and what the
grant check (``testkit.grant_reference``, held to the CloudFront Function by the shared corpus)
decides for a learner's grant against it: for tests of the writes that revoke grants."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from local.keyvaluestore import ARN_PREFIX, KeyValueStoreData, LocalKeyValueStores
from shared.grant_store import parse_revocation_value, revocation_name
from shared.grant_store_writes import add_key
from shared.grant_token import HmacKey, generate_key, mint
from shared.key_value_store import KeyValueStore
from testkit.grant_reference import check

#: How long the probes' grants last.
PROBE_LIFETIME = 3600


@dataclass(frozen=True)
class GrantStore:
    """A store of its own in the stand-in (``data``: what the edge reads), written through
    boto3's client (``kvs``), with ``key`` as its current grant key."""

    data: KeyValueStoreData
    kvs: KeyValueStore
    key: HmacKey
    endpoint: LocalKeyValueStores

    @property
    def arn(self) -> str:
        return self.data.arn

    def decision(self, sub: str, course: str, issued: float, now: float | None = None) -> str:
        """What the grant check decides for a grant of ``sub`` for ``course`` issued at
        ``issued``, checked at ``now`` (``issued`` + 1 by default): ``allowed``,
        ``revoked``, or the rule that refused it."""
        grant = mint(self.key, sub, course, issued, PROBE_LIFETIME)
        uri = f"/g/{grant}/courses/{course}/{course}-intro/lecture.mp4"
        at = int(issued) + 1 if now is None else int(now)
        return check(uri, at, self.data.entries()).reason

    def revoked_at(self, sub: str, course: str | None = None) -> int | None:
        """The second the revocation of ``sub`` (for ``course``, or every course) holds."""
        value = self.data.entries().get(revocation_name(sub, course))
        return None if value is None else parse_revocation_value(value)

    def revocations(self) -> dict[str, str]:
        return {k: v for k, v in self.data.entries().items() if k.startswith("r:")}

    def client(self) -> Any:
        return self.endpoint.client()

    def broken(self) -> KeyValueStore:
        """The same endpoint, asked for a store that does not exist: every write fails."""
        arn = f"{self.data.arn}-gone"
        return KeyValueStore(self.endpoint.client(), arn, pause=lambda _: None)


def new_grant_store(endpoint: LocalKeyValueStores) -> GrantStore:
    data = endpoint.create(f"grants-{uuid.uuid4().hex[:12]}")
    kvs = KeyValueStore(endpoint.client(), data.arn, pause=lambda _: None)
    key = generate_key()
    add_key(kvs, key)
    return GrantStore(data, kvs, key, endpoint)


class Ticking:
    """A clock that moves on by ``step`` seconds each time it is read, from ``start``: every
    write that takes the time lands in a later second than the one before."""

    def __init__(self, start: float, step: float = 1.0) -> None:
        self.now = start - step
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class Before:
    """A real boto3 client that runs ``rival`` once, just before its first ``name`` call (as
    another party acting between two of our writes would)."""

    def __init__(self, client: Any, name: str, rival: Callable[[], object]) -> None:
        self._client = client
        self._name = name
        self._rival: Callable[[], object] | None = rival

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name != self._name:
            return attribute

        def after_the_rival(**kwargs: Any) -> Any:
            if self._rival is not None:
                rival, self._rival = self._rival, None
                rival()
            return attribute(**kwargs)

        return after_the_rival


def unreachable_grant_store() -> KeyValueStore:
    """A grant store where nothing answers (one attempt, no retry): for tests in which no
    grant may be written, or in which every write must fail."""
    client = boto3.client(
        "cloudfront-keyvaluestore",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="unit",
        aws_secret_access_key="unit",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    return KeyValueStore(client, f"{ARN_PREFIX}unreachable", pause=lambda _: None)
