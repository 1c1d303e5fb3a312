"""The grant key and its Secrets Manager value, written once for every party that touches it.

The secret's value is JSON ``{"kid": "...", "private_key": "<PKCS#8 PEM>"}``: the deploy-time
custom resource (``grant_key.resource``) and ``make local`` (``local/grant_key.py``) write it
with :func:`secret_string`, the Content Delivery function reads it with :func:`parse_secret`.
Only :func:`public_jwk` leaves the Region: the edge config holds the public half alone.

The ``kid`` is ``grant-`` plus the key's RFC 7638 thumbprint (truncated), so a ``kid`` names
one key's material and is never reused for another.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, NamedTuple

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.b64 import b64url_encode, b64url_uint

#: RSA-2048: what the edge verifies fastest in pure Python, and the smallest size it accepts.
KEY_BITS = 2048
PUBLIC_EXPONENT = 65537
KID_PREFIX = "grant-"
KID = re.compile(r"[A-Za-z0-9_.-]{1,128}")


class GrantSecretError(ValueError):
    """The secret's value is no usable grant key (the message never shows the value)."""


class GrantKey(NamedTuple):
    kid: str
    private_key: rsa.RSAPrivateKey


def _public_members(key: rsa.RSAPublicKey) -> tuple[str, str]:
    numbers = key.public_numbers()
    return b64url_uint(numbers.n), b64url_uint(numbers.e)


def _kid(n: str, e: str) -> str:
    canonical = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"))
    thumbprint = hashlib.sha256(canonical.encode("ascii")).digest()
    return KID_PREFIX + b64url_encode(thumbprint)[:22]


def kid_of(key: rsa.RSAPublicKey) -> str:
    """``grant-`` + the first 22 characters of the key's RFC 7638 thumbprint."""
    return _kid(*_public_members(key))


def generate() -> GrantKey:
    """A new RSA key pair, named by its thumbprint."""
    private_key = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)
    return GrantKey(kid_of(private_key.public_key()), private_key)


def _jwk(kid: str, n: str, e: str) -> dict[str, Any]:
    return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": n, "e": e}


def public_jwk(key: GrantKey) -> dict[str, Any]:
    """The public JWK the edge verifies grants with: ``kty``, ``alg``, ``use``, ``kid``, ``n``,
    ``e`` and nothing else."""
    return _jwk(key.kid, *_public_members(key.private_key.public_key()))


def public_jwk_from(kid: str, n: str, e: str) -> dict[str, Any]:
    """The public JWK of a key recorded as its ``kid``, ``n`` and ``e`` (base64url), checked:
    ``GrantSecretError`` unless ``kid`` is exactly the thumbprint of ``n`` and ``e``, so a
    record that was half written or altered is never published."""
    if _kid(n, e) != kid:
        raise GrantSecretError("the recorded public key does not match its kid")
    return _jwk(kid, n, e)


def secret_string(key: GrantKey) -> str:
    """The Secrets Manager value holding ``key`` (the private key, unencrypted PKCS#8 PEM:
    Secrets Manager encrypts it at rest)."""
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return json.dumps({"kid": key.kid, "private_key": pem})


def parse_secret(secret: str) -> GrantKey:
    """The grant key in the secret's value; ``GrantSecretError`` (never showing the value)."""
    try:
        raw = json.loads(secret)
        kid, pem = raw["kid"], raw["private_key"]
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError) as exc:
        raise GrantSecretError(f"the grant key secret is unusable ({type(exc).__name__})") from None
    if not isinstance(kid, str) or not KID.fullmatch(kid):
        raise GrantSecretError("the grant key secret has no valid kid")
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < KEY_BITS:
        raise GrantSecretError(f"the grant key is not an RSA key of {KEY_BITS} bits or more")
    return GrantKey(kid, key)
