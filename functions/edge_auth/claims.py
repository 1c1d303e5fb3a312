"""Cognito claim rules, applied to the payload of a token whose signature already verified.

The rules are the ones Cognito documents for verifying a user pool token: a future ``exp``,
``iss`` exactly one of the pool's two issuer strings, ``token_use`` of an accepted kind, and the
app client in ``aud`` (ID tokens) or ``client_id`` (access tokens). ``nbf`` and ``iat`` are
checked when present. Groups are read separately (``groups``): what they grant depends on the
URI, and a valid token outside the rule is a 403, not a 401.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import (
    ExpiredTokenError,
    ImmatureTokenError,
    InvalidAudienceError,
    InvalidClaimError,
    InvalidIssuerError,
    InvalidTokenUseError,
)

#: Where Cognito names the app client: ``aud`` in ID tokens, ``client_id`` in access tokens.
_CLIENT_CLAIM = {"id": "aud", "access": "client_id"}

#: Tolerated clock skew, in seconds, for ``nbf`` and ``iat`` between Cognito and the edge.
CLOCK_SKEW_SECONDS = 60


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    """A NumericDate claim (RFC 7519): a finite JSON number; ``bool`` is not a number.

    JSON numbers have no range: ``1e400`` decodes to infinity and a 400-digit integer does
    not fit a float at all. Both are an invalid claim, like any other number no clock reaches.
    """
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidClaimError(f"{name} must be a number")
    try:
        moment = float(value)
    except OverflowError as exc:
        raise InvalidClaimError(f"{name} is out of range") from exc
    if not math.isfinite(moment):
        raise InvalidClaimError(f"{name} must be finite")
    return moment


def check_claims(
    claims: Mapping[str, Any],
    *,
    issuers: frozenset[str],
    client_ids: frozenset[str],
    token_uses: frozenset[str],
    now: float,
) -> float:
    """Apply the token rules and return ``exp``, the moment the token stops being valid."""
    exp = _numeric_date(claims, "exp")
    if exp is None:
        raise ExpiredTokenError("exp is required")
    if now >= exp:
        raise ExpiredTokenError("token expired")
    for name in ("nbf", "iat"):
        moment = _numeric_date(claims, name)
        if moment is not None and moment > now + CLOCK_SKEW_SECONDS:
            raise ImmatureTokenError(f"{name} is in the future")

    iss = claims.get("iss")
    if not isinstance(iss, str) or iss not in issuers:
        raise InvalidIssuerError("iss is not the configured user pool")
    token_use = claims.get("token_use")
    if not isinstance(token_use, str) or token_use not in token_uses:
        raise InvalidTokenUseError("token_use is not accepted")
    client = claims.get(_CLIENT_CLAIM[token_use])
    if not isinstance(client, str) or client not in client_ids:
        raise InvalidAudienceError("token was not issued to an accepted app client")
    return exp


def groups(claims: Mapping[str, Any]) -> frozenset[str]:
    """The token's ``cognito:groups``: a list of strings, anything else in it ignored; a
    missing or malformed claim is no groups."""
    value = claims.get("cognito:groups")
    if not isinstance(value, list):
        return frozenset()
    return frozenset(group for group in value if isinstance(group, str))
