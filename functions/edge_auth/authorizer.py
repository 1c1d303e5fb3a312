"""The authorization decision for one token: verify once, then answer from the cache.

This is where the pieces meet: the JWS layer checks the signature with a key from the
``KeyStore``, the claim rules check the payload, the group rule decides between allow and 403,
and the ``TokenCache`` remembers verified tokens until they expire.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from . import claims, jws
from .config import EdgeConfig
from .errors import MissingGroupError
from .jwks import KeyStore
from .token_cache import CachedDecision, TokenCache


class Authorizer:
    """Decide whether a bearer token grants access under one ``EdgeConfig``."""

    def __init__(
        self,
        config: EdgeConfig,
        key_store: KeyStore,
        *,
        cache: TokenCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._key_store = key_store
        self._cache = cache if cache is not None else TokenCache()
        self._clock = clock

    @classmethod
    def from_config(cls, config: EdgeConfig) -> Authorizer:
        """An authorizer over the config's baked-in keys, refreshing from its JWKS URL."""
        return cls(config, KeyStore(config.keys, config.jwks_url))

    def authorize(self, token: str) -> None:
        """Return if ``token`` grants access; raise a ``DeniedError`` subclass otherwise."""
        now = self._clock()
        decision = self._cache.get(token, now)
        if decision is None:
            decision = self._verify(token, now)
            self._cache.put(token, decision, now)
        if not decision.in_group:
            raise MissingGroupError("token is in none of the required groups")

    def _verify(self, token: str, now: float) -> CachedDecision:
        payload = jws.decode_and_verify(token, self._key_store.key_for)
        config = self._config
        expires_at = claims.check_claims(
            payload,
            issuer=config.issuer,
            client_ids=config.client_ids,
            token_uses=config.token_uses,
            now=now,
        )
        try:
            claims.check_groups(payload, config.required_groups)
        except MissingGroupError:
            return CachedDecision(expires_at, in_group=False)
        return CachedDecision(expires_at, in_group=True)
