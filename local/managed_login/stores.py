"""What the stand-in remembers between requests: sign-in transactions, sessions, authorization
codes and refresh tokens. Each is a random secret of 32 bytes handed to the client and kept
here only as its SHA-256 digest, with an expiry read from an injectable clock.

Rules (Cognito's): a code is redeemed once, within five minutes; a second redemption is
refused and also revokes what the first one issued (RFC 6749 section 4.1.2). Each refresh
returns a new refresh token valid for what remains of the first one's lifetime (no sliding),
and the one presented is refused from then on (grace period 0). Revoking a refresh token
revokes its whole rotated family.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from .errors import invalid_grant

Clock = Callable[[], float]
T = TypeVar("T")

#: Random bytes in every secret the stand-in hands out.
SECRET_BYTES = 32
#: "The authorization code is one time use and valid for five minutes" (Cognito).
CODE_LIFETIME_SECONDS = 300


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


class SecretStore(Generic[T]):
    """Values reachable by a random secret until ``lifetime`` seconds after they were stored.

    Lookups go through the secret's digest (a dict lookup on a hash of the secret), so no
    comparison ever runs on the secret itself and the store never holds it.
    """

    def __init__(self, lifetime: float, clock: Clock = time.time) -> None:
        self._lifetime = lifetime
        self._clock = clock
        self._items: dict[bytes, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def issue(self, value: T) -> str:
        """A new secret for ``value``."""
        secret = new_secret()
        self.put(secret, value)
        return secret

    def put(self, secret: str, value: T) -> None:
        """Store ``value`` under a secret the caller already holds."""
        with self._lock:
            now = self._clock()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            self._items[_digest(secret)] = (now + self._lifetime, value)

    def peek(self, secret: str) -> T | None:
        """The value, unexpired, or None; the secret stays valid."""
        with self._lock:
            item = self._items.get(_digest(secret))
        return item[1] if item is not None and item[0] > self._clock() else None

    def take(self, secret: str) -> T | None:
        """The value, unexpired, or None; the secret is spent either way."""
        with self._lock:
            item = self._items.pop(_digest(secret), None)
        return item[1] if item is not None and item[0] > self._clock() else None

    def drop(self, secret: str) -> None:
        with self._lock:
            self._items.pop(_digest(secret), None)


@dataclass(frozen=True)
class CodeGrant:
    """What an authorization code stands for. ``family`` names the refresh-token family its
    redemption starts, so that a replayed code can revoke it."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    scopes: tuple[str, ...]
    username: str
    auth_time: int
    nonce: str | None = None
    family: str = ""


class CodeReusedError(Exception):
    """A code was presented again: refuse it and revoke the family of ``family``."""

    def __init__(self, family: str) -> None:
        super().__init__("authorization code has been consumed already")
        self.family = family


class AuthorizationCodes:
    def __init__(self, clock: Clock = time.time) -> None:
        self._live: SecretStore[CodeGrant] = SecretStore(CODE_LIFETIME_SECONDS, clock)
        #: Spent codes (digest -> the family they started), remembered while they would be live.
        self._spent: SecretStore[str] = SecretStore(CODE_LIFETIME_SECONDS, clock)
        self._lock = threading.Lock()

    def issue(self, grant: CodeGrant) -> str:
        """A new code for ``grant``, which gets a fresh family ID."""
        return self._live.issue(replace(grant, family=new_secret()))

    def redeem(self, code: str) -> CodeGrant:
        """The grant of an unspent, unexpired code, spending it; ``CodeReusedError`` for a spent
        one, an ``invalid_grant`` OAuthError for any other."""
        with self._lock:
            grant = self._live.take(code)
            if grant is None:
                family = self._spent.peek(code)
                if family is not None:
                    raise CodeReusedError(family)
                raise invalid_grant(
                    "Authorization code has been consumed already or does not exist"
                )
            self._spent.put(code, grant.family)
        return grant


@dataclass(frozen=True)
class RefreshGrant:
    """What a refresh token stands for; ``expires_at`` is the first token's, for the family."""

    family: str
    client_id: str
    username: str
    scopes: tuple[str, ...]
    auth_time: int
    origin_jti: str
    expires_at: float


@dataclass
class _Entry:
    grant: RefreshGrant
    used: bool = False


class RefreshTokens:
    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._tokens: dict[bytes, _Entry] = {}
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, grant: RefreshGrant) -> str:
        """The first refresh token of ``grant.family``."""
        with self._lock:
            return self._store(grant)

    def _store(self, grant: RefreshGrant) -> str:
        now = self._clock()
        self._tokens = {k: e for k, e in self._tokens.items() if e.grant.expires_at > now}
        token = new_secret()
        self._tokens[_digest(token)] = _Entry(grant)
        return token

    def rotate(self, token: str, client_id: str) -> tuple[str, RefreshGrant]:
        """A new token for the grant of ``token`` (same family, same expiry), spending ``token``;
        an ``invalid_grant`` OAuthError when it is unknown, spent, revoked, expired or another
        client's."""
        with self._lock:
            entry = self._tokens.get(_digest(token))
            if entry is None or entry.grant.client_id != client_id:
                raise invalid_grant("Invalid Refresh Token")
            if entry.grant.family in self._revoked:
                raise invalid_grant("Refresh Token has been revoked")
            if entry.used:
                raise invalid_grant("Refresh Token has been used already")
            if entry.grant.expires_at <= self._clock():
                raise invalid_grant("Refresh Token has expired")
            entry.used = True
            return self._store(entry.grant), entry.grant

    def owner(self, token: str) -> str | None:
        """The client a known token was issued to, or None."""
        with self._lock:
            entry = self._tokens.get(_digest(token))
        return entry.grant.client_id if entry is not None else None

    def revoke(self, token: str) -> None:
        """Revoke the family of ``token``; an unknown token is no error (RFC 7009)."""
        with self._lock:
            entry = self._tokens.get(_digest(token))
            if entry is not None:
                self._revoked.add(entry.grant.family)

    def revoke_family(self, family: str) -> None:
        with self._lock:
            self._revoked.add(family)
