"""KeyStore: baked-in keys first; refreshes under a penalty box when a kid is unknown."""

from __future__ import annotations

import base64

import pytest

from edge_auth import jwks
from shared.trust.errors import JwksFetchError
from shared.trust.keyset import KeySet, parse_jwks
from testkit.tokens import SigningKey
from tests.support.fakes import FakeClock, FakeFetcher

URL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestOnly1/.well-known/jwks.json"
PENALTY = jwks.PENALTY_SECONDS


def store(keys: KeySet, fetcher: FakeFetcher, clock: FakeClock) -> jwks.KeyStore:
    return jwks.KeyStore(keys, URL, fetcher=fetcher, clock=clock)


def both(*keys: SigningKey) -> dict[str, object]:
    return {"keys": [key.public_jwk() for key in keys]}


def test_a_baked_in_key_is_served_without_any_fetch(test_key: SigningKey) -> None:
    fetcher = FakeFetcher()
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    assert keys.get(test_key.kid) == parse_jwks(test_key.jwks())[test_key.kid]
    assert fetcher.calls == []


def test_a_refresh_fetches_the_pool_jwks_once_under_the_deadline(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher(both(test_key, rotated_key))
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    keys.refresh(rotated_key.kid)
    assert keys.get(rotated_key.kid) == parse_jwks(rotated_key.jwks())[rotated_key.kid]
    assert fetcher.calls == [(URL, jwks.FETCH_TIMEOUT_SECONDS)]


def test_the_refresh_deadline_is_well_inside_lambda_edge_s_five_seconds() -> None:
    assert jwks.FETCH_TIMEOUT_SECONDS <= 2.0


def test_a_flood_of_forged_kids_costs_one_fetch_per_penalty(test_key: SigningKey) -> None:
    fetcher = FakeFetcher(*[test_key.jwks()] * 10)
    clock = FakeClock(1000.0)
    keys = store(parse_jwks(test_key.jwks()), fetcher, clock)
    for i in range(1000):
        clock.now = 1000.0 + i * (PENALTY - 0.5) / 1000
        keys.refresh(f"forged-{i}")
    assert len(fetcher.calls) == 1
    assert "without this kid" in (keys.last_miss or "")


def test_after_a_flood_a_rotated_key_is_accepted_once_the_penalty_ends(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    """Forged kids keep the box closed for PENALTY_SECONDS at most; then Cognito's new key
    is fetched and trusted, not five minutes later."""
    fetcher = FakeFetcher(test_key.jwks(), both(test_key, rotated_key))
    clock = FakeClock(1000.0)
    keys = store(parse_jwks(test_key.jwks()), fetcher, clock)
    keys.refresh("forged")
    clock.now += 1.0
    keys.refresh(rotated_key.kid)  # Cognito has rotated; the box is still closed
    assert keys.get(rotated_key.kid) is None
    assert "no JWKS refresh for" in (keys.last_miss or "")
    clock.now = 1000.0 + PENALTY
    keys.refresh(rotated_key.kid)
    assert keys.get(rotated_key.kid) is not None
    assert len(fetcher.calls) == 2


def test_a_minute_of_forged_kids_costs_at_most_six_fetches(test_key: SigningKey) -> None:
    """docs/edge-authorizer.md's promise for a flood, with the store's own penalty."""
    fetcher = FakeFetcher(*[test_key.jwks()] * 100)
    clock = FakeClock(1000.0)
    keys = store(parse_jwks(test_key.jwks()), fetcher, clock)
    for i in range(6000):
        clock.now = 1000.0 + i / 100
        keys.refresh(f"forged-{i}")
    assert len(fetcher.calls) <= 6


def test_a_rotated_key_is_trusted_ten_seconds_after_a_forged_kid_closed_the_box(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    """docs/edge-authorizer.md's promise for a rotation during a flood: seconds, not minutes."""
    fetcher = FakeFetcher(test_key.jwks(), both(test_key, rotated_key))
    clock = FakeClock(1000.0)
    keys = store(parse_jwks(test_key.jwks()), fetcher, clock)
    keys.refresh("forged")
    clock.now = 1010.0
    keys.refresh(rotated_key.kid)
    assert keys.get(rotated_key.kid) is not None


def test_a_forged_kid_s_refresh_also_brings_in_keys_published_since(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher(both(test_key, rotated_key))
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    keys.refresh("forged")
    assert keys.get(rotated_key.kid) is not None


def test_a_refresh_that_finds_its_kid_leaves_the_box_open(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    third = SigningKey.generate("third-key")
    fetcher = FakeFetcher(both(test_key, rotated_key), both(test_key, rotated_key, third))
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    keys.refresh(rotated_key.kid)
    keys.refresh(third.kid)
    assert keys.get(third.kid) is not None
    assert len(fetcher.calls) == 2


def test_a_failed_fetch_closes_the_box_and_keeps_the_known_keys(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher(JwksFetchError("timed out"), test_key.jwks())
    clock = FakeClock(1000.0)
    keys = store(parse_jwks(test_key.jwks()), fetcher, clock)
    for kid in ("a", "b", "c"):
        keys.refresh(kid)
    assert len(fetcher.calls) == 1
    assert "timed out" in (keys.last_miss or "")
    assert keys.get(test_key.kid) is not None


@pytest.mark.parametrize("answer", [{}, {"keys": []}, {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}])
def test_a_fetched_jwks_without_usable_keys_is_ignored(
    answer: dict[str, object], test_key: SigningKey
) -> None:
    keys = store(parse_jwks(test_key.jwks()), FakeFetcher(answer), FakeClock(1000.0))
    assert keys.refresh("other") == frozenset()
    assert keys.last_miss
    assert keys.get(test_key.kid) is not None


def test_a_refresh_replaces_the_key_set_and_reports_what_it_dropped(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    """Keys Cognito has retired stop being trusted once a refresh no longer lists them."""
    keys = store(parse_jwks(test_key.jwks()), FakeFetcher(rotated_key.jwks()), FakeClock(1000.0))
    dropped = keys.refresh(rotated_key.kid)
    assert dropped == frozenset(parse_jwks(test_key.jwks()).values())
    assert keys.get(test_key.kid) is None


def test_new_material_under_a_known_kid_drops_the_old_key(
    test_key: SigningKey, attacker_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher(both(attacker_key, rotated_key))
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    assert keys.refresh(rotated_key.kid) == frozenset(parse_jwks(test_key.jwks()).values())


def test_a_fetched_key_must_pass_the_same_rules_as_a_baked_one(test_key: SigningKey) -> None:
    """A hostile JWKS cannot slip in a key the configuration would have refused."""
    n = (1 << 8191) + (1 << 101) + 1

    def b64(i: int) -> str:
        return base64.urlsafe_b64encode(i.to_bytes(1024, "big")).rstrip(b"=").decode()

    slow = {"kty": "RSA", "kid": "slow", "n": b64(n), "e": b64(n - 2)}
    fetcher = FakeFetcher({"keys": [test_key.public_jwk(), slow]})
    keys = store(parse_jwks(test_key.jwks()), fetcher, FakeClock(1000.0))
    keys.refresh("slow")
    assert keys.get("slow") is None
    assert keys.get(test_key.kid) is not None


def test_a_refresh_with_no_thread_to_be_had_is_a_failed_fetch_that_closes_the_box(
    test_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold environment at its thread limit must deny as unknown_key, not internal_error."""

    def no_thread(self: object) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr("threading.Thread.start", no_thread)
    clock = FakeClock(1000.0)
    keys = jwks.KeyStore(
        parse_jwks(test_key.jwks()), URL, fetcher=jwks.fetch_on_demand, clock=clock
    )
    assert keys.refresh("unknown") == frozenset()
    assert "can't start new thread" in (keys.last_miss or "")
    assert "no JWKS refresh for" not in (keys.last_miss or "")
    keys.refresh("unknown")
    assert "no JWKS refresh for" in (keys.last_miss or "")  # the box closed
