"""Content grants at the edge: verify one, once, with the grant keys and nothing else.

A grant (``shared.grant_layout``) is checked like a Cognito token is, by the same JWS parser
and RS256 verifier, but against its own key set and its own claim rules: ``kid`` must name a
grant key (a Cognito key never is one), ``iss`` the configured grant issuer, ``token_use``
``content-grant`` (Cognito's are ``id`` or ``access``), ``sub`` a non-empty string, ``iat``
present and ``exp`` at most ``MAX_LIFETIME_SECONDS`` after it, ``prefix`` a clean folder of
one course. Which objects it opens is judged per URI by the authorizer, from the cached
decision.
"""

from __future__ import annotations

from shared.grant_layout import MAX_LIFETIME_SECONDS, TOKEN_USE
from shared.trust.config import GrantConfig

from . import claims, jws
from .errors import InvalidClaimError, InvalidIssuerError, InvalidTokenUseError, UnknownKeyError
from .paths import is_grantable
from .token_cache import GrantDecision


def verify(grant: str, config: GrantConfig, now: float) -> GrantDecision:
    """The decision for ``grant``; a ``DeniedError`` subclass when it is no valid grant."""
    parsed = jws.parse(grant)
    key = config.keys.get(parsed.kid)
    if key is None:
        raise UnknownKeyError("kid is not a grant key")
    payload = jws.verified_claims(parsed, key)
    expires_at = claims.check_times(payload, now)
    issued_at = claims.numeric_date(payload, "iat")
    if issued_at is None or expires_at - issued_at > MAX_LIFETIME_SECONDS:
        raise InvalidClaimError("a grant needs iat, and may last at most a day")
    if payload.get("iss") != config.issuer:
        raise InvalidIssuerError("iss is not the grant issuer")
    if payload.get("token_use") != TOKEN_USE:
        raise InvalidTokenUseError("token_use is not content-grant")
    sub = payload.get("sub")
    if type(sub) is not str or not sub:
        raise InvalidClaimError("sub must be a non-empty string")
    prefix = payload.get("prefix")
    if not is_grantable(prefix):
        raise InvalidClaimError("prefix is not a clean folder of one course")
    return GrantDecision(expires_at, prefix, key)
