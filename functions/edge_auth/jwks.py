"""The signing keys the edge trusts, and the one way they may change: a rate-limited refresh.

Keys are baked into the configuration at deploy time so that no request waits on the network.
When Cognito rotates its keys, tokens arrive with a ``kid`` the baked set does not know; the
store then fetches the pool's JWKS once, with a short timeout, and at most once per
``min_refresh_interval`` seconds so that a flood of forged ``kid`` values cannot turn the edge
into a request amplifier against Cognito.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from .config import parse_jwks
from .errors import ConfigError, JwksFetchError, UnknownKeyError

#: At most one JWKS fetch per this many seconds per execution environment.
MIN_REFRESH_INTERVAL_SECONDS = 300.0
#: A viewer-request trigger has 5 s in all; a refresh may use a small part of it.
FETCH_TIMEOUT_SECONDS = 1.5

Fetcher = Callable[[str, float], Mapping[str, Any]]


def _default_fetcher(url: str, timeout: float) -> Mapping[str, Any]:
    from .jwks_fetch import fetch_jwks  # deferred: urllib.request and ssl cost milliseconds

    return fetch_jwks(url, timeout)


class KeyStore:
    """Look up JWKs by ``kid``, refreshing from ``jwks_url`` when a ``kid`` is unknown."""

    def __init__(
        self,
        keys: Mapping[str, Mapping[str, Any]],
        jwks_url: str,
        *,
        fetcher: Fetcher = _default_fetcher,
        clock: Callable[[], float] = time.monotonic,
        min_refresh_interval: float = MIN_REFRESH_INTERVAL_SECONDS,
    ) -> None:
        self._keys = dict(keys)
        self._jwks_url = jwks_url
        self._fetcher = fetcher
        self._clock = clock
        self._min_refresh_interval = min_refresh_interval
        self._last_refresh: float | None = None
        self._last_refresh_error: str | None = None

    def key_for(self, kid: str) -> Mapping[str, Any]:
        """The JWK named ``kid``; raises ``UnknownKeyError`` when it cannot be found."""
        key = self._keys.get(kid)
        if key is None and self._refresh():
            key = self._keys.get(kid)
        if key is None:
            raise UnknownKeyError("kid is not in the JWKS", detail=self._last_refresh_error)
        return key

    def _refresh(self) -> bool:
        """Fetch the JWKS if the rate limit allows; True when the key set was replaced."""
        now = self._clock()
        if self._last_refresh is not None and now - self._last_refresh < self._min_refresh_interval:
            return False
        self._last_refresh = now
        try:
            self._keys = parse_jwks(self._fetcher(self._jwks_url, FETCH_TIMEOUT_SECONDS))
        except (JwksFetchError, ConfigError) as exc:
            self._last_refresh_error = str(exc)
            return False
        self._last_refresh_error = None
        return True
