"""Signing keys as parsed objects: a JWK Set becomes ``kid`` -> :class:`rs256.RsaPublicKey`.

Every rule about which keys the edge trusts lives here (the JWK's type, algorithm and use) or
in ``rs256.public_key`` (the RSA bounds), and applies once, when a JWKS is baked into the
configuration or fetched on refresh. The verifier then only ever sees checked keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.b64 import b64url_decode

from .errors import InvalidJwksError
from .rs256 import RsaPublicKey, public_key

KeySet = Mapping[str, RsaPublicKey]
#: JWK members of private keys (RFC 7518 section 6.3.2): a JWKS meant for the edge that holds
#: one is refused outright, so a private key can never ride along into an edge package.
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def _uint(value: object) -> int:
    """A JWK base64url big-endian unsigned integer, strictly."""
    if not isinstance(value, str):
        raise ValueError("n and e must be base64url strings")
    return int.from_bytes(b64url_decode(value), "big")


def parse_jwk(jwk: Mapping[str, Any]) -> RsaPublicKey:
    """The RSA key of a JWK meant for RS256 signatures; ``ValueError`` for any other JWK.

    Refused: another key type, a key declared for another algorithm or for encryption, key
    material outside ``rs256``'s bounds.
    """
    if jwk.get("kty") != "RSA":
        raise ValueError("kty must be RSA")
    if jwk.get("alg", "RS256") != "RS256":
        raise ValueError("alg must be RS256 when present")
    if jwk.get("use", "sig") != "sig":
        raise ValueError("use must be sig when present")
    return public_key(_uint(jwk.get("n")), _uint(jwk.get("e")))


def parse_jwks(jwks: object) -> dict[str, RsaPublicKey]:
    """Map ``kid`` to key for every usable RS256 signing key of a JSON Web Key Set.

    Keys of other types or uses are skipped (a JWKS may legitimately carry them); a set with no
    usable key at all, a ``kid`` used twice, or any private key material raises
    ``InvalidJwksError``.
    """
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise InvalidJwksError('a JWKS is an object with a "keys" list')
    keys: dict[str, RsaPublicKey] = {}
    for jwk in jwks["keys"]:
        if not isinstance(jwk, Mapping):
            raise InvalidJwksError("every JWKS entry must be an object")
        if _PRIVATE_MEMBERS & jwk.keys():
            raise InvalidJwksError("a JWKS entry holds private key material")
        try:
            key = parse_jwk(jwk)
        except ValueError:
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidJwksError("every RS256 key needs a non-empty string kid")
        if kid in keys:
            raise InvalidJwksError(f"kid {kid!r} appears twice in the JWKS")
        keys[kid] = key
    if not keys:
        raise InvalidJwksError("the JWKS holds no usable RS256 signing key")
    return keys
