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

import hashlib
import hmac
from typing import NamedTuple

# DER of DigestInfo(AlgorithmIdentifier(id-sha256, NULL), OCTET STRING(32 bytes)), RFC 8017 9.2.
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

# The bounds below keep a hostile key from making ``pow`` run for seconds: verification costs
# about (bits of e) multiplications of (bits of n)-bit numbers.
#: Keys shorter than this are refused; Cognito signs with 2048-bit keys.
MIN_MODULUS_BITS = 2048
#: Refuse absurd moduli (8192 bits with e = 65537 still verifies in milliseconds).
MAX_MODULUS_BITS = 8192
#: The public exponent is odd and in [3, 2**31 - 1], the range Go's crypto/rsa also accepts;
#: Cognito uses 65537. Unbounded, an 8192-bit key with e close to n took a second per token.
MIN_PUBLIC_EXPONENT = 3
MAX_PUBLIC_EXPONENT = 2**31 - 1


class RsaPublicKey(NamedTuple):
    """A checked RSA public key: modulus, public exponent, modulus length in bytes.

    Build it with :func:`public_key`, which applies every bound once; ``verify`` trusts it.
    """

    n: int
    e: int
    size: int


def public_key(n: int, e: int) -> RsaPublicKey:
    """Check ``n`` and ``e`` against the bounds above; ``ValueError`` names the one broken."""
    if not MIN_MODULUS_BITS <= n.bit_length() <= MAX_MODULUS_BITS or n % 2 == 0:
        raise ValueError(f"RSA modulus must be odd and {MIN_MODULUS_BITS}-{MAX_MODULUS_BITS} bits")
    if not MIN_PUBLIC_EXPONENT <= e <= MAX_PUBLIC_EXPONENT or e % 2 == 0:
        raise ValueError(
            f"RSA public exponent must be odd and {MIN_PUBLIC_EXPONENT}-{MAX_PUBLIC_EXPONENT}"
        )
    return RsaPublicKey(n, e, (n.bit_length() + 7) // 8)


def _encoded_message(signing_input: bytes, size: int) -> bytes:
    """EMSA-PKCS1-v1_5 encoding of SHA-256(signing_input) for a ``size``-byte modulus."""
    t = _SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    return b"\x00\x01" + b"\xff" * (size - len(t) - 3) + b"\x00" + t


def verify(key: RsaPublicKey, signing_input: bytes, signature: bytes) -> bool:
    """Return True only if ``signature`` is a valid RS256 signature of ``signing_input``.

    Never raises: a signature of the wrong length or a representative out of range returns
    False.
    """
    if len(signature) != key.size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    em = pow(s, key.e, key.n).to_bytes(key.size, "big")
    return hmac.compare_digest(em, _encoded_message(signing_input, key.size))
