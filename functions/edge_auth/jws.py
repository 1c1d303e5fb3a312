"""Compact JWS parsing and RS256 signature checking for Cognito tokens.

Only what Cognito issues is accepted: three canonical base64url parts, a JSON object header with
``alg`` exactly ``RS256`` and a string ``kid``, a JSON object payload. Keys come only from the
configured key store: ``jku``, ``x5u``, ``jwk`` and ``x5c`` header parameters are ignored, and
any ``crit`` extension is refused because none is understood (RFC 7515 section 4.1.11).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from shared.b64 import b64url_decode
from shared.trust import rs256
from shared.trust.rs256 import RsaPublicKey

from .errors import InvalidSignatureError, MalformedTokenError, UnsupportedAlgorithmError

#: Cognito tokens are a few KB; CloudFront caps all headers of a request at 20 KB.
MAX_TOKEN_LENGTH = 16_384


def _b64url_decode(part: str) -> bytes:
    try:
        return b64url_decode(part)
    except ValueError as exc:
        raise MalformedTokenError(str(exc)) from exc


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


class CompactJws(NamedTuple):
    """A token whose form and header passed, signature not yet checked."""

    kid: str
    signing_input: bytes
    payload: bytes
    signature: bytes

    def unverified_issuer(self) -> str | None:
        """``iss`` as the token claims it, UNVERIFIED: fit only to choose which pool's JWKS to
        refresh for an unknown ``kid``, never to trust anything."""
        try:
            iss = _json_object(self.payload).get("iss")
        except MalformedTokenError:
            return None
        return iss if isinstance(iss, str) else None


def parse(token: str) -> CompactJws:
    """Check ``token``'s form and header; raise a ``DeniedError`` subclass otherwise.

    All three parts must be strict base64url before anything else happens.
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
    return CompactJws(kid, f"{header_b64}.{payload_b64}".encode("ascii"), payload, signature)


def verified_claims(token: CompactJws, key: RsaPublicKey) -> dict[str, Any]:
    """The claims of ``token`` if ``key`` signed it; ``InvalidSignatureError`` otherwise.

    The payload's JSON is parsed only after the signature verified, so nothing unsigned can
    influence a decision.
    """
    if not rs256.verify(key, token.signing_input, token.signature):
        raise InvalidSignatureError("signature does not verify")
    return _json_object(token.payload)
