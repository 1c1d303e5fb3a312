"""A bounded in-memory cache of authorization decisions for tokens already verified.

A video player sends dozens of range requests with one token; verifying the RSA signature
again for each would cost a modular exponentiation every time. Only tokens whose signature and
claims verified are cached, so a stream of forged tokens cannot fill the cache. An entry never
outlives the token's ``exp``, nor the key that verified it: a refresh that drops a key drops
every decision the key vouched for (``drop_keys``).
"""

from __future__ import annotations

from collections.abc import Set
from typing import NamedTuple

from shared.access import AccessRule
from shared.trust.rs256 import RsaPublicKey

#: Entries held per execution environment; each costs about the size of one token.
MAX_ENTRIES = 2048


class CachedDecision(NamedTuple):
    """``expires_at`` is the token's ``exp``; ``groups`` its ``cognito:groups`` and ``rule``
    its pool's access rule, so each URI is judged without verifying again; ``key`` the key its
    signature verified with."""

    expires_at: float
    groups: frozenset[str]
    rule: AccessRule
    key: RsaPublicKey


class TokenCache:
    """Map token text to its decision; drop entries at expiry and the oldest when full."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._entries: dict[str, CachedDecision] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str, now: float) -> CachedDecision | None:
        """The cached decision for ``token``, or None if absent or expired."""
        entry = self._entries.get(token)
        if entry is not None and now >= entry.expires_at:
            del self._entries[token]
            return None
        return entry

    def put(self, token: str, decision: CachedDecision, now: float) -> None:
        """Remember ``decision``; when full, purge expired entries, then the oldest."""
        if token not in self._entries and len(self._entries) >= self._max_entries:
            self._entries = {t: d for t, d in self._entries.items() if now < d.expires_at}
            while len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
        self._entries[token] = decision

    def drop_keys(self, keys: Set[RsaPublicKey]) -> None:
        """Forget every decision that one of ``keys`` vouched for."""
        if keys:
            self._entries = {t: d for t, d in self._entries.items() if d.key not in keys}
