"""boto3's client for the session's local KeyValueStore endpoint (``key_value_stores``; a store
of the test's own is ``store``, both in tests/integration/conftest.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from local.keyvaluestore import LocalKeyValueStores

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient


@pytest.fixture(scope="module")
def client(
    key_value_stores: LocalKeyValueStores, session: boto3.Session
) -> CloudFrontKeyValueStoreClient:
    return key_value_stores.client(session)
