"""Strict base64url (RFC 4648 section 5, unpadded), as JWS and JWK use it."""

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
