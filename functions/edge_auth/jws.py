"""Compact JWS parsing and RS256 signature checking for Cognito tokens.

Only what Cognito issues is accepted: three canonical base64url parts, a JSON object header with
``alg`` exactly ``RS256`` and a string ``kid``, a JSON object payload. Keys come only from the
configured key store: ``jku``, ``x5u``, ``jwk`` and ``x5c`` header parameters are ignored, and
any ``crit`` extension is refused because none is understood (RFC 7515 section 4.1.11).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from . import rs256
from .errors import (
    InvalidSignatureError,
    MalformedTokenError,
    UnsupportedAlgorithmError,
)

#: Cognito tokens are a few KB; CloudFront caps all headers of a request at 20 KB.
MAX_TOKEN_LENGTH = 16_384

_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class VerifiedToken(NamedTuple):
    """The decoded parts of a token whose signature has been checked."""

    header: dict[str, Any]
    claims: dict[str, Any]


def _b64url_decode(part: str) -> bytes:
    """Strict base64url: alphabet only, no padding, canonical (re-encodes to the same text)."""
    if not _B64URL.fullmatch(part):
        raise MalformedTokenError("invalid base64url")
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedTokenError("invalid base64url") from exc
    if base64.urlsafe_b64encode(raw).rstrip(b"=") != part.encode("ascii"):
        raise MalformedTokenError("non-canonical base64url")
    return raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeError are ValueErrors
        raise MalformedTokenError("invalid JSON") from exc
    if not isinstance(value, dict):
        raise MalformedTokenError("not a JSON object")
    return value


def decode_and_verify(token: str, key_for: Callable[[str], Mapping[str, Any]]) -> VerifiedToken:
    """Parse ``token``, check its header and RS256 signature, and return header and claims.

    ``key_for`` maps a ``kid`` to its JWK, raising ``UnknownKeyError`` when there is none.
    All three parts must be strict base64url before anything else happens; the payload's JSON
    is parsed only after the signature verified, so nothing unsigned can influence a decision.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedTokenError("token too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedTokenError("a JWS has three parts")
    header_b64, payload_b64, signature_b64 = parts
    header = _json_object(_b64url_decode(header_b64))
    payload = _b64url_decode(payload_b64)
    signature = _b64url_decode(signature_b64)

    if header.get("alg") != "RS256":
        raise UnsupportedAlgorithmError("alg must be RS256")
    if "crit" in header:
        raise UnsupportedAlgorithmError("no crit extension is supported")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise MalformedTokenError("kid must be a non-empty string")

    jwk = key_for(kid)
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    if not rs256.verify(jwk, signing_input, signature):
        raise InvalidSignatureError("signature does not verify")
    return VerifiedToken(header, _json_object(payload))
