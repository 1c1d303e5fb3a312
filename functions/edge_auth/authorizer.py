"""The authorization decision for one token: verify once, then answer from the cache.

This is where the pieces meet: the JWS layer checks the signature with a key of one of the
configured pools, that pool's claim rules check the payload, its access rule decides from the
token's groups (all-access or nothing) between allow and 403, and the ``TokenCache``
remembers verified tokens (with their groups) until they expire, or until a refresh drops the
key that verified them.

A token is judged by the rules of the pool whose key signed it (of each, should two pools
publish the same key): a staff pool's token never passes on a learner pool's app clients or
groups.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from shared.trust.config import EdgeConfig, PoolConfig
from shared.trust.rs256 import RsaPublicKey

from . import claims, jws
from .errors import DeniedError, InvalidSignatureError, MissingGroupError, UnknownKeyError
from .jwks import Fetcher, KeyStore, fetch_on_demand
from .token_cache import CachedDecision, TokenCache


class PoolWithKeys(NamedTuple):
    """A configured pool and the store of its current keys."""

    config: PoolConfig
    keys: KeyStore


class Authorizer:
    """Decide whether a bearer token grants access to any of the configured pools."""

    def __init__(
        self,
        pools: tuple[PoolWithKeys, ...],
        *,
        cache: TokenCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._pools = pools
        self._cache = cache if cache is not None else TokenCache()
        self._clock = clock

    @classmethod
    def from_config(
        cls,
        config: EdgeConfig,
        *,
        fetcher: Fetcher = fetch_on_demand,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> Authorizer:
        """An authorizer over each pool's baked-in keys, refreshing from its JWKS URL.

        ``clock`` is wall time (token claims), ``monotonic`` the refresh policy's timer.
        """
        return cls(
            tuple(
                PoolWithKeys(
                    pool, KeyStore(pool.keys, pool.jwks_url, fetcher=fetcher, clock=monotonic)
                )
                for pool in config.pools
            ),
            clock=clock,
        )

    def authorize(self, token: str) -> None:
        """Return if ``token`` may read any path (its pool's all-access groups); raise a
        ``DeniedError`` subclass otherwise."""
        now = self._clock()
        decision = self._cache.get(token, now)
        if decision is None:
            decision = self._verify(token, now)
            self._cache.put(token, decision, now)
        if not decision.rule.allows(decision.groups):
            raise MissingGroupError("token's groups do not grant this path")

    def _verify(self, token: str, now: float) -> CachedDecision:
        """Judge ``token`` by the rules of each pool whose key signed it, first pass wins.

        Issuers never overlap between pools, so at most one pool's rules can pass; a key that
        two pools publish must not let the first pool's refusal hide the second's admission.
        """
        parsed = jws.parse(token)
        refused: DeniedError | None = None
        for pool, key in self._candidates(parsed):
            rules = pool.config
            try:
                payload = jws.verified_claims(parsed, key)
                expires_at = claims.check_claims(
                    payload,
                    issuers=rules.issuers,
                    client_ids=rules.client_ids,
                    token_uses=rules.token_uses,
                    now=now,
                )
            except InvalidSignatureError:
                continue
            except DeniedError as exc:  # this key signed it, yet it is no token of this pool
                refused = refused or exc
                continue
            return CachedDecision(expires_at, claims.groups(payload), rules.access, key)
        raise refused or InvalidSignatureError("signature does not verify")

    def _candidates(self, parsed: jws.CompactJws) -> list[tuple[PoolWithKeys, RsaPublicKey]]:
        """The keys named by the token's ``kid`` (one per pool that has it), refreshing once.

        An unknown ``kid`` refreshes only the pool the token's (unverified) ``iss`` names: a
        token claiming no configured pool costs no fetch at all.
        """
        kid = parsed.kid
        found = [(pool, key) for pool in self._pools if (key := pool.keys.get(kid)) is not None]
        if found:
            return found
        iss = parsed.unverified_issuer()
        named = [pool for pool in self._pools if iss in pool.config.issuers]
        if not named:
            raise UnknownKeyError(
                "kid is not in the JWKS", detail="iss names no configured pool; nothing fetched"
            )
        [pool] = named
        self._cache.drop_keys(pool.keys.refresh(kid))
        key = pool.keys.get(kid)
        if key is None:
            raise UnknownKeyError("kid is not in the JWKS", detail=pool.keys.last_miss)
        return [(pool, key)]
