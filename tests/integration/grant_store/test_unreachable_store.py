"""A grant store whose endpoint does not answer is a ``KeyValueStoreError`` like any other
failure (its writers answer 503, or exit 1), not an error of another kind."""

from __future__ import annotations

import pytest

from shared.grant_store_writes import revoke
from shared.key_value_store import KeyValueStoreError
from tests.support.revocations import unreachable_grant_store


def test_a_store_where_nothing_answers_is_a_key_value_store_error() -> None:
    with pytest.raises(KeyValueStoreError, match="failed before CloudFront KeyValueStore"):
        revoke(unreachable_grant_store(), "learner", 1_800_000_000)
