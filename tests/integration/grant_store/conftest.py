"""A local KeyValueStore endpoint (``local.keyvaluestore``) for the module, a store of its own
per test, and boto3's client for it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest

from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalKeyValueStores]:
    local = LocalKeyValueStores()
    yield local
    local.stop()


@pytest.fixture
def store(endpoint: LocalKeyValueStores) -> KeyValueStoreData:
    return endpoint.create(f"grants-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def client(endpoint: LocalKeyValueStores, session: boto3.Session) -> CloudFrontKeyValueStoreClient:
    return endpoint.client(session)
