"""Base64url (RFC 4648 section 5, unpadded), as JWS, JWK and PKCE use it: one encoder, and a
strict decoder."""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


def b64url_decode(text: str) -> bytes:
    """Decode ``text``; ``ValueError`` unless it is non-empty, unpadded and canonical.

    Canonical means it re-encodes to the same text: two spellings of the same bytes would
    otherwise be two different tokens (and cache keys) with one signature.
    """
    if not _ALPHABET.fullmatch(text):
        raise ValueError("not unpadded base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid base64url") from exc
    if base64.urlsafe_b64encode(raw).rstrip(b"=") != text.encode("ascii"):
        raise ValueError("non-canonical base64url")
    return raw


def b64url_encode(raw: bytes) -> str:
    """``raw`` as unpadded base64url text."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_uint(value: int) -> str:
    """A JWK's unsigned big-endian integer (RFC 7518 section 2: no leading zero octets)."""
    return b64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))
