"""RSASSA-PKCS1-v1_5 with SHA-256 (JWS ``RS256``) signature verification in pure Python.

Lambda@Edge caps a viewer-request package at 1 MB zipped, and ``cryptography`` alone is larger
than that (and costs over 100 ms to import), so the edge verifies with this module instead.

Verification follows RFC 8017 section 8.2.2 in its "encode and compare" form: the signature is
turned back into the encoded message with the public key, and compared in constant time with
the one encoding of the SHA-256 digest that is allowed. The padding is never parsed, which is
what defeats the Bleichenbacher-style forgeries that lenient ASN.1 parsers accept (checked
against Project Wycheproof's vectors in ``tests/``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any, NamedTuple

from .b64 import b64url_decode

# DER of DigestInfo(AlgorithmIdentifier(id-sha256, NULL), OCTET STRING(32 bytes)), RFC 8017 9.2.
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

#: Keys shorter than this are refused; Cognito signs with 2048-bit keys.
MIN_MODULUS_BITS = 2048
#: Refuse absurd keys so that a hostile JWKS cannot make ``pow`` run for seconds.
MAX_MODULUS_BITS = 8192


class RsaPublicKey(NamedTuple):
    """A parsed RSA public key: modulus, public exponent, modulus length in bytes."""

    n: int
    e: int
    size: int


def _b64url_uint(value: object) -> int:
    """Decode a JWK base64url big-endian unsigned integer, strictly."""
    if not isinstance(value, str):
        raise ValueError("expected a base64url string")
    return int.from_bytes(b64url_decode(value), "big")


@functools.lru_cache(maxsize=64)
def _parse_key(n_b64: object, e_b64: object) -> RsaPublicKey:
    n = _b64url_uint(n_b64)
    e = _b64url_uint(e_b64)
    if not MIN_MODULUS_BITS <= n.bit_length() <= MAX_MODULUS_BITS or n % 2 == 0:
        raise ValueError(f"RSA modulus must be odd and {MIN_MODULUS_BITS}-{MAX_MODULUS_BITS} bits")
    if e < 3 or e % 2 == 0 or e >= n:
        raise ValueError("RSA public exponent must be odd, at least 3 and below the modulus")
    return RsaPublicKey(n, e, (n.bit_length() + 7) // 8)


def public_key(jwk: Mapping[str, Any]) -> RsaPublicKey:
    """Parse and check an RSA JWK meant for RS256 signatures.

    Raises ``ValueError`` for anything else: another key type, a key declared for another
    algorithm or for encryption, or key material outside the accepted sizes.
    """
    if jwk.get("kty") != "RSA":
        raise ValueError("kty must be RSA")
    if jwk.get("alg", "RS256") != "RS256":
        raise ValueError("alg must be RS256 when present")
    if jwk.get("use", "sig") != "sig":
        raise ValueError("use must be sig when present")
    n, e = jwk.get("n"), jwk.get("e")
    if not isinstance(n, str) or not isinstance(e, str):
        raise ValueError("n and e must be base64url strings")
    return _parse_key(n, e)


def _encoded_message(signing_input: bytes, size: int) -> bytes:
    """EMSA-PKCS1-v1_5 encoding of SHA-256(signing_input) for a ``size``-byte modulus."""
    t = _SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    return b"\x00\x01" + b"\xff" * (size - len(t) - 3) + b"\x00" + t


def verify(jwk: Mapping[str, Any], signing_input: bytes, signature: bytes) -> bool:
    """Return True only if ``signature`` is a valid RS256 signature of ``signing_input``.

    Never raises: an unusable key, a signature of the wrong length or a representative out of
    range all return False.
    """
    try:
        key = public_key(jwk)
    except ValueError:
        return False
    if len(signature) != key.size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    em = pow(s, key.e, key.n).to_bytes(key.size, "big")
    return hmac.compare_digest(em, _encoded_message(signing_input, key.size))
