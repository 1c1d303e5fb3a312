"""TokenCache: bounded, and never answers for a token past its exp."""

from __future__ import annotations

from edge_auth.token_cache import CachedDecision, TokenCache
from shared.access import AccessRule
from shared.trust.rs256 import RsaPublicKey

KEY = RsaPublicKey(n=(1 << 2047) + 1, e=65537, size=256)
OTHER_KEY = RsaPublicKey(n=(1 << 2047) + 3, e=65537, size=256)
RULE = AccessRule.create({"students"})
MEMBER = frozenset({"students"})
NO_GROUPS: frozenset[str] = frozenset()


def test_a_cached_decision_is_returned_before_expiry() -> None:
    cache = TokenCache()
    cache.put("t", CachedDecision(200.0, MEMBER, RULE, KEY), now=100.0)
    assert cache.get("t", now=199.9) == CachedDecision(200.0, MEMBER, RULE, KEY)


def test_an_entry_is_dropped_at_the_token_expiry() -> None:
    cache = TokenCache()
    cache.put("t", CachedDecision(200.0, MEMBER, RULE, KEY), now=100.0)
    assert cache.get("t", now=200.0) is None
    assert len(cache) == 0


def test_the_cache_never_holds_more_than_its_bound() -> None:
    cache = TokenCache(max_entries=3)
    for i in range(10):
        cache.put(f"t{i}", CachedDecision(1e12, MEMBER, RULE, KEY), now=0.0)
    assert len(cache) == 3
    assert cache.get("t9", now=0.0) is not None
    assert cache.get("t0", now=0.0) is None


def test_expired_entries_are_evicted_before_live_ones() -> None:
    cache = TokenCache(max_entries=2)
    cache.put("old-live", CachedDecision(1e12, MEMBER, RULE, KEY), now=0.0)
    cache.put("expired", CachedDecision(50.0, MEMBER, RULE, KEY), now=0.0)
    cache.put("new", CachedDecision(1e12, MEMBER, RULE, KEY), now=100.0)
    assert cache.get("old-live", now=100.0) is not None
    assert cache.get("new", now=100.0) is not None


def test_updating_a_present_token_does_not_evict_others() -> None:
    cache = TokenCache(max_entries=2)
    cache.put("a", CachedDecision(1e12, MEMBER, RULE, KEY), now=0.0)
    cache.put("b", CachedDecision(1e12, MEMBER, RULE, KEY), now=0.0)
    cache.put("a", CachedDecision(1e12, NO_GROUPS, RULE, KEY), now=0.0)
    assert cache.get("b", now=0.0) is not None
    assert cache.get("a", now=0.0) == CachedDecision(1e12, NO_GROUPS, RULE, KEY)


def test_dropping_a_key_forgets_every_decision_it_vouched_for() -> None:
    cache = TokenCache()
    cache.put("a", CachedDecision(1e12, MEMBER, RULE, KEY), now=0.0)
    cache.put("b", CachedDecision(1e12, MEMBER, RULE, OTHER_KEY), now=0.0)
    cache.put("c", CachedDecision(1e12, NO_GROUPS, RULE, KEY), now=0.0)
    cache.drop_keys({KEY})
    assert cache.get("a", now=0.0) is None
    assert cache.get("c", now=0.0) is None
    assert cache.get("b", now=0.0) == CachedDecision(1e12, MEMBER, RULE, OTHER_KEY)
