"""ID and access tokens minted as Cognito mints them, with a key made at each start.

moto signs every token for an hour with one static key (``kid`` "dummy"), so the stand-in signs
its own: RS256 with an RSA key generated when the local stack starts and held in memory only.
Its public JWK joins the pool's JWKS that the local edge and API authorizer trust.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from local.template import deployed_value, resource_properties

from .stores import Clock

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
#: Cognito's units when ``TokenValidityUnits`` does not name one.
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}


@dataclass(frozen=True)
class TokenLifetimes:
    id_seconds: int
    access_seconds: int
    refresh_seconds: int

    @classmethod
    def from_template(cls, client_logical_id: str = "UserPoolClient") -> TokenLifetimes:
        """The app client's validities in template.yaml (parameters at their defaults)."""
        client = resource_properties(client_logical_id)
        units = deployed_value(client.get("TokenValidityUnits", {})) or {}

        def seconds(kind: str) -> int:
            amount = int(deployed_value(client[f"{kind}Validity"]))
            unit = deployed_value(units.get(kind, _DEFAULT_UNITS[kind]))
            return amount * _UNIT_SECONDS[unit]

        return cls(seconds("IdToken"), seconds("AccessToken"), seconds("RefreshToken"))

    def overridden(
        self, *, id_seconds: int | None, access_seconds: int | None, refresh_seconds: int | None
    ) -> TokenLifetimes:
        """These lifetimes with the given ones replaced (a dev option); each at least 1 s."""
        changes = {
            name: value
            for name, value in (
                ("id_seconds", id_seconds),
                ("access_seconds", access_seconds),
                ("refresh_seconds", refresh_seconds),
            )
            if value is not None
        }
        if any(value < 1 for value in changes.values()):
            raise ValueError("token lifetimes are at least 1 second")
        return replace(self, **changes)


class LoginSigningKey:
    """A fresh RSA-2048 key; only ``public_jwk`` ever leaves this object."""

    def __init__(self) -> None:
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"local-managed-login-{secrets.token_hex(8)}"

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self._private.public_key(), as_dict=True)
        return {
            "kty": "RSA",
            "n": jwk["n"],
            "e": jwk["e"],
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
        }

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._private, algorithm="RS256", headers={"kid": self.kid})


@dataclass(frozen=True)
class UserProfile:
    """The user as moto holds them at the moment a token is issued."""

    username: str
    sub: str
    email: str | None
    email_verified: bool
    groups: tuple[str, ...]


@dataclass(frozen=True)
class MintedTokens:
    access_token: str
    id_token: str | None
    expires_in: int


class TokenMinter:
    def __init__(
        self, issuer: str, key: LoginSigningKey, lifetimes: TokenLifetimes, clock: Clock = time.time
    ) -> None:
        self.issuer = issuer
        self.key = key
        self.lifetimes = lifetimes
        self._clock = clock

    def mint(
        self,
        user: UserProfile,
        *,
        client_id: str,
        scopes: Sequence[str],
        auth_time: int,
        origin_jti: str,
        nonce: str | None = None,
    ) -> MintedTokens:
        """An access token, and an ID token when ``openid`` is among the scopes (as Cognito)."""
        now = int(self._clock())
        common: dict[str, Any] = {
            "sub": user.sub,
            "iss": self.issuer,
            "origin_jti": origin_jti,
            "event_id": str(uuid.uuid4()),
            "auth_time": auth_time,
            "iat": now,
        }
        if user.groups:
            common["cognito:groups"] = list(user.groups)
        access = self.key.sign(
            {
                **common,
                "token_use": "access",
                "client_id": client_id,
                "scope": " ".join(scopes),
                "username": user.username,
                "exp": now + self.lifetimes.access_seconds,
                "jti": str(uuid.uuid4()),
                "version": 2,
            }
        )
        id_token = None
        if "openid" in scopes:
            claims: dict[str, Any] = {
                **common,
                "token_use": "id",
                "aud": client_id,
                "cognito:username": user.username,
                "email_verified": user.email_verified,
                "exp": now + self.lifetimes.id_seconds,
                "jti": str(uuid.uuid4()),
            }
            if user.email is not None:
                claims["email"] = user.email
            if nonce is not None:
                claims["nonce"] = nonce
            id_token = self.key.sign(claims)
        return MintedTokens(access, id_token, self.lifetimes.access_seconds)
