"""The signing keys of one user pool, and the one way they may change: a refresh.

Keys are baked into the configuration at deploy time so that no request waits on the network.
When Cognito rotates its keys, tokens arrive with a ``kid`` the store does not know; the store
then fetches the pool's JWKS, under one short deadline, and replaces its keys with the ones
fetched (checked by the same rules as the baked ones, ``keyset.parse_jwks``).

The refresh policy is a penalty box (the model of awslabs/aws-jwt-verify's
``SimplePenaltyBox``): a refresh that fails, or succeeds without the ``kid`` it was made for,
closes the box for ``PENALTY_SECONDS``; while it is closed, unknown ``kid`` values are denied
without any fetch. A refresh that finds its ``kid`` closes nothing. So:

* a flood of forged ``kid`` values costs at most one fetch per ``PENALTY_SECONDS`` per pool
  per execution environment (6 a minute), however many requests it sends;
* a genuinely new key is accepted on the first request after the box opens: within
  ``PENALTY_SECONDS`` of its first use (plus one fetch) even during such a flood, and at once
  when no forged ``kid`` was refused in the last ``PENALTY_SECONDS``. A forged ``kid``'s fetch
  also brings in any key Cognito has published by then.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from shared.trust.errors import InvalidJwksError, JwksFetchError
from shared.trust.keyset import KeySet, parse_jwks
from shared.trust.rs256 import RsaPublicKey

#: After a refresh that failed or did not find its kid, no fetch for this many seconds.
PENALTY_SECONDS = 10.0
#: A viewer-request trigger has 5 s in all; one refresh, DNS included, may use this much.
FETCH_TIMEOUT_SECONDS = 1.5

Fetcher = Callable[[str, float], Mapping[str, Any]]


def fetch_on_demand(url: str, timeout: float) -> Mapping[str, Any]:
    from shared.trust.jwks_fetch import (
        fetch_jwks,  # deferred: http.client, ssl and threads cost milliseconds
    )

    return fetch_jwks(url, timeout)


class KeyStore:
    """The keys of one pool by ``kid``; ``refresh`` re-reads them from ``jwks_url``."""

    def __init__(
        self,
        keys: KeySet,
        jwks_url: str,
        *,
        fetcher: Fetcher = fetch_on_demand,
        clock: Callable[[], float] = time.monotonic,
        penalty_seconds: float = PENALTY_SECONDS,
    ) -> None:
        self._keys = dict(keys)
        self._jwks_url = jwks_url
        self._fetcher = fetcher
        self._clock = clock
        self._penalty_seconds = penalty_seconds
        self._closed_until = float("-inf")
        self._why_closed = ""
        self.last_miss: str | None = None

    def get(self, kid: str) -> RsaPublicKey | None:
        """The key named ``kid`` among those held now (no network)."""
        return self._keys.get(kid)

    def refresh(self, kid: str) -> frozenset[RsaPublicKey]:
        """Fetch the JWKS for ``kid`` unless the penalty box is closed; never raises.

        Returns the keys the refresh dropped (whatever they vouched for must go too). When
        ``kid`` is still unknown afterwards, ``last_miss`` says why, for the operator's log.
        """
        now = self._clock()
        if now < self._closed_until:
            wait = self._closed_until - now
            self.last_miss = f"no JWKS refresh for {wait:.1f} s more after {self._why_closed}"
            return frozenset()
        try:
            keys = parse_jwks(self._fetcher(self._jwks_url, FETCH_TIMEOUT_SECONDS))
        except (JwksFetchError, InvalidJwksError) as exc:
            self._close(f"a failed refresh: {exc}")
            return frozenset()
        dropped = frozenset(self._keys.values()) - frozenset(keys.values())
        self._keys = keys
        if kid in keys:
            self.last_miss = None
        else:
            self._close(f"a refresh of {self._jwks_url} without this kid")
        return dropped

    def _close(self, why: str) -> None:
        self._closed_until = self._clock() + self._penalty_seconds
        self._why_closed = why
        self.last_miss = why
