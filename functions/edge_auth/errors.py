"""Why a viewer request is denied: one exception type per failure.

Every failure the authorizer can meet is a subclass of :class:`DeniedError`. Each class
carries the answer CloudFront sends (``status`` and the RFC 6750 ``error`` attribute) and a
``reason`` code used in logs and metrics. The handler maps them to responses in one place, so
adding a rule never means touching the response code.
"""

from __future__ import annotations


class DeniedError(Exception):
    """Base of every deny. Defaults: 401 with ``error="invalid_token"``.

    ``detail`` is for the operator's log only (why a JWKS refresh failed, say), never for
    the viewer.
    """

    status: int = 401
    error: str | None = "invalid_token"
    reason: str = "invalid_token"

    def __init__(self, message: str = "", *, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail


class UnconfiguredError(DeniedError):
    """The edge configuration was missing or invalid at start-up (``shared.trust.errors.
    ConfigError``), so no token can be trusted."""

    reason = "config_error"


class InternalError(DeniedError):
    """A bug in this function. The viewer sees an ordinary 401; the log has the details."""

    reason = "internal_error"


class MalformedEventError(DeniedError):
    """The event is not a CloudFront viewer-request event this function understands."""

    error = "invalid_request"
    reason = "malformed_event"


class MissingTokenError(DeniedError):
    """No bearer token in the Authorization header or the configured cookie.

    RFC 6750 section 3.1: a request without authentication information gets no error code.
    """

    error = None
    reason = "missing_token"


class AmbiguousTokenError(DeniedError):
    """More than one candidate token (repeated header or cookie): refuse to guess."""

    error = "invalid_request"
    reason = "ambiguous_token"


class MalformedTokenError(DeniedError):
    """Not a compact JWS: wrong part count, bad base64url, non-object JSON, oversized."""

    reason = "malformed_token"


class UnsupportedAlgorithmError(DeniedError):
    """``alg`` is not exactly RS256, or the header demands a ``crit`` extension."""

    reason = "unsupported_algorithm"


class UnknownKeyError(DeniedError):
    """``kid`` names no key of the configured (or freshly fetched) JWKS."""

    reason = "unknown_key"


class InvalidSignatureError(DeniedError):
    """The RS256 signature does not verify with the key named by ``kid``."""

    reason = "invalid_signature"


class ExpiredTokenError(DeniedError):
    """``exp`` is missing, not a number, or not in the future."""

    reason = "expired_token"


class ImmatureTokenError(DeniedError):
    """``nbf`` or ``iat`` lies in the future beyond the allowed clock skew."""

    reason = "immature_token"


class InvalidClaimError(DeniedError):
    """A claim is present but has the wrong type (``iat`` as a string, say)."""

    reason = "invalid_claim"


class InvalidIssuerError(DeniedError):
    """``iss`` is not exactly the configured user pool."""

    reason = "invalid_issuer"


class InvalidTokenUseError(DeniedError):
    """``token_use`` is not one of the configured token uses."""

    reason = "invalid_token_use"


class InvalidAudienceError(DeniedError):
    """``aud`` (ID token) or ``client_id`` (access token) is not a configured app client."""

    reason = "invalid_audience"


class MissingGroupError(DeniedError):
    """A valid token whose ``cognito:groups`` holds none of the required groups."""

    status = 403
    error = "insufficient_scope"
    reason = "missing_group"
