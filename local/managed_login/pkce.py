"""PKCE (RFC 7636) as Cognito supports it: the S256 method only."""

from __future__ import annotations

import hashlib
import hmac
import re

from shared.b64 import b64url_encode

#: The only method Cognito's authorization server supports.
METHOD = "S256"
#: A verifier: 43 to 128 unreserved characters (RFC 7636 section 4.1).
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
#: An S256 challenge: base64url of a SHA-256 digest, unpadded, so exactly 43 characters.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


class PkceError(ValueError):
    """The authorization request's PKCE parameters are missing or not S256."""


def s256(verifier: str) -> str:
    """The S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return b64url_encode(digest)


def checked_challenge(challenge: str | None, method: str | None) -> str:
    """The challenge of an authorization request, or ``PkceError``: this public client must
    send one, with the method S256 named (a missing method would mean ``plain``)."""
    if not challenge:
        raise PkceError("code_challenge is required for this client")
    if method != METHOD:
        raise PkceError("code_challenge_method must be S256")
    if not _CHALLENGE.fullmatch(challenge):
        raise PkceError("code_challenge is not an S256 challenge")
    return challenge


def verifier_matches(verifier: str | None, challenge: str) -> bool:
    """Whether ``verifier`` is well formed and hashes to ``challenge`` (constant-time)."""
    if verifier is None or not _VERIFIER.fullmatch(verifier):
        return False
    return hmac.compare_digest(s256(verifier), challenge)
