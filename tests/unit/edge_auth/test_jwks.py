"""KeyStore: baked-in keys first; one rate-limited refresh when a kid is unknown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from edge_auth import jwks
from edge_auth.config import parse_jwks
from edge_auth.errors import JwksFetchError, UnknownKeyError
from tests.support.fakes import FakeClock, FakeFetcher
from tests.support.tokens import SigningKey

URL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestOnly1/.well-known/jwks.json"


def store(keys: Mapping[str, Any], fetcher: FakeFetcher, clock: FakeClock) -> jwks.KeyStore:
    return jwks.KeyStore(keys, URL, fetcher=fetcher, clock=clock)


def test_a_baked_in_key_is_served_without_any_fetch(test_key: SigningKey) -> None:
    fetcher = FakeFetcher()
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    assert keys.key_for(test_key.kid)["n"] == test_key.public_jwk()["n"]
    assert fetcher.calls == []


def test_an_unknown_kid_triggers_one_fetch_from_the_pool_jwks_url(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher({"keys": [test_key.public_jwk(), rotated_key.public_jwk()]})
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    assert keys.key_for(rotated_key.kid)["n"] == rotated_key.public_jwk()["n"]
    assert fetcher.calls == [(URL, jwks.FETCH_TIMEOUT_SECONDS)]


def test_an_empty_store_fetches_on_first_use(test_key: SigningKey) -> None:
    fetcher = FakeFetcher(test_key.jwks())
    keys = store({}, fetcher, FakeClock(1000.0))
    assert keys.key_for(test_key.kid)
    assert len(fetcher.calls) == 1


def test_refreshes_are_rate_limited(test_key: SigningKey, rotated_key: SigningKey) -> None:
    fetcher = FakeFetcher(test_key.jwks(), rotated_key.jwks())
    clock = FakeClock(1000.0)
    keys = store(parse_jwks(test_key.jwks()), fetcher, clock)
    for _ in range(3):
        with pytest.raises(UnknownKeyError):
            keys.key_for(rotated_key.kid)
    assert len(fetcher.calls) == 1

    clock.now += jwks.MIN_REFRESH_INTERVAL_SECONDS - 1
    with pytest.raises(UnknownKeyError):
        keys.key_for(rotated_key.kid)
    assert len(fetcher.calls) == 1

    clock.now += 1
    assert keys.key_for(rotated_key.kid)
    assert len(fetcher.calls) == 2


def test_a_failed_fetch_denies_and_keeps_the_known_keys(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher(JwksFetchError("timed out"))
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    with pytest.raises(UnknownKeyError) as denied:
        keys.key_for(rotated_key.kid)
    assert denied.value.detail == "timed out"
    assert keys.key_for(test_key.kid)


@pytest.mark.parametrize("answer", [{}, {"keys": []}, {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}])
def test_a_fetched_jwks_without_usable_keys_is_ignored(
    answer: dict[str, Any], test_key: SigningKey
) -> None:
    fetcher = FakeFetcher(answer)
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    with pytest.raises(UnknownKeyError) as denied:
        keys.key_for("other")
    assert denied.value.detail
    assert keys.key_for(test_key.kid)


def test_a_successful_refresh_replaces_the_key_set(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    """Keys Cognito has retired stop being trusted once a refresh no longer lists them."""
    fetcher = FakeFetcher(rotated_key.jwks())
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    keys.key_for(rotated_key.kid)
    with pytest.raises(UnknownKeyError):
        keys.key_for(test_key.kid)


def test_a_failed_fetch_counts_toward_the_rate_limit(test_key: SigningKey) -> None:
    """While Cognito is unreachable, a flood of unknown kids still costs one fetch."""
    fetcher = FakeFetcher(JwksFetchError("down"), test_key.jwks())
    keys = store({}, fetcher, FakeClock(1000.0))
    for kid in ("a", "b", "c"):
        with pytest.raises(UnknownKeyError):
            keys.key_for(kid)
    assert len(fetcher.calls) == 1
