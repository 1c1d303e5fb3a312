"""Reading and changing a CloudFront KeyValueStore through the ``cloudfront-keyvaluestore``
API, safely among other writers.

Every change is planned from the values it replaces and written on the condition that the
store did not change meanwhile: ``update`` asks for the store's ETag, reads the keys, asks the
plan what they must become, and writes only the differences, in one UpdateKeys (all or
nothing) conditioned on that ETag (``If-Match``). When another writer got there first (409
ConflictException) the batch is read and planned again, up to ``attempts`` times. Keys are
changed in batches of at most ``BATCH_SIZE`` (each batch atomic, the batches one after the
other): a run stopped between two batches leaves the first written and the rest not, and
running it again writes only what is still different, so it converges.

The store's API is signed with SigV4A: botocore needs ``awscrt`` for that (a dependency of
the functions that write).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws_errors import describe, error_code

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

#: Changes per UpdateKeys: small requests, a batch that fits well within CloudFront's limits.
BATCH_SIZE = 50
ATTEMPTS = 5
#: A plan: the current values of a batch's keys (None: absent) to what they must be.
Plan = Callable[[Mapping[str, str | None]], Mapping[str, str | None]]


class KeyValueStoreError(Exception):
    """The store could not be read or changed, or not reached (the message names the
    service's error)."""


class KeyValueStore:
    """The store ``arn``, through ``client``; ``pause`` waits between attempts (seconds)."""

    def __init__(
        self,
        client: CloudFrontKeyValueStoreClient,
        arn: str,
        *,
        attempts: int = ATTEMPTS,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._arn = arn
        self._attempts = attempts
        self._pause = pause

    def get(self, key: str) -> str | None:
        """The value of ``key``, or None when the store has no such key."""
        try:
            return self._client.get_key(KvsARN=self._arn, Key=key)["Value"]
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return None
            raise KeyValueStoreError(describe(exc, "CloudFront KeyValueStore")) from None
        except BotoCoreError as exc:
            raise KeyValueStoreError(describe(exc, "CloudFront KeyValueStore")) from None

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key that starts with ``prefix`` (the API lists all; this filters)."""
        return (key for key, _ in self.items(prefix))

    def items(self, prefix: str = "") -> Iterator[tuple[str, str]]:
        """Every entry whose key starts with ``prefix``, as ListKeys pages them (50 a call):
        a listing, not a snapshot; a plan judges each value again before it is changed."""
        token: dict[str, str] = {}
        while True:
            try:
                page = self._client.list_keys(KvsARN=self._arn, MaxResults=50, **token)
            except (ClientError, BotoCoreError) as exc:
                raise KeyValueStoreError(describe(exc, "CloudFront KeyValueStore")) from None
            for item in page.get("Items", []):
                if item["Key"].startswith(prefix):
                    yield item["Key"], item["Value"]
            if "NextToken" not in page:
                return
            token = {"NextToken": page["NextToken"]}

    def update(self, keys: Iterable[str], plan: Plan) -> int:
        """Change ``keys`` as ``plan`` says (see the module docstring); the number of entries
        written. ``KeyValueStoreError`` when a batch cannot be written."""
        ordered = sorted(set(keys))
        written = 0
        for start in range(0, len(ordered), BATCH_SIZE):
            written += self._update_batch(ordered[start : start + BATCH_SIZE], plan)
        return written

    def _update_batch(self, keys: list[str], plan: Plan) -> int:
        for attempt in range(self._attempts):
            try:
                etag = self._client.describe_key_value_store(KvsARN=self._arn)["ETag"]
                current = {key: self.get(key) for key in keys}
                wanted = plan(current)
                puts = [
                    {"Key": key, "Value": value}
                    for key in keys
                    if (value := wanted.get(key, current[key])) is not None
                    and value != current[key]
                ]
                deletes = [
                    {"Key": key}
                    for key in keys
                    if key in wanted and wanted[key] is None and current[key] is not None
                ]
                if not puts and not deletes:
                    return 0
                changes: dict[str, Any] = {"Puts": puts} if puts else {}
                if deletes:
                    changes["Deletes"] = deletes
                self._client.update_keys(KvsARN=self._arn, IfMatch=etag, **changes)
                return len(puts) + len(deletes)
            except BotoCoreError as exc:  # no answer at all: the endpoint is not reached
                raise KeyValueStoreError(describe(exc, "CloudFront KeyValueStore")) from None
            except ClientError as exc:
                if error_code(exc) != "ConflictException":
                    raise KeyValueStoreError(describe(exc, "CloudFront KeyValueStore")) from None
                if attempt + 1 < self._attempts:
                    self._pause(0.1 * 2**attempt)
        raise KeyValueStoreError(
            f"CloudFront KeyValueStore kept changing: {self._attempts} conflicting attempts"
        )
