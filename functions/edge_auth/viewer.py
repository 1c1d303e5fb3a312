"""The CloudFront side: read a viewer-request event, find the token, shape the answers.

CloudFront's event shape is documented in the Lambda@Edge event structure: headers are keyed by
lower-case name, each a list of ``{"key", "value"}`` objects. Everything here treats the event
as untrusted input: a shape it does not expect is a ``MalformedEventError``, never a crash.
"""

from __future__ import annotations

from typing import Any

from .errors import AmbiguousTokenError, DeniedError, MalformedEventError, MissingTokenError

Headers = dict[str, list[dict[str, str]]]

_BODIES = {401: "Unauthorized\n", 403: "Forbidden\n"}
_DESCRIPTIONS = {401: "Unauthorized", 403: "Forbidden"}
_REALM = "content"


def viewer_request(event: object) -> dict[str, Any]:
    """The ``request`` object of a viewer-request event, with its headers checked."""
    try:
        cf = event["Records"][0]["cf"]  # type: ignore[index]
        request = cf["request"]
        event_type = cf.get("config", {}).get("eventType", "viewer-request")
    except (TypeError, KeyError, IndexError, AttributeError) as exc:
        raise MalformedEventError("not a CloudFront event") from exc
    if event_type != "viewer-request" or not isinstance(request, dict):
        raise MalformedEventError("not a viewer-request event")
    headers = request.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(entries, list)
        and all(isinstance(e, dict) and isinstance(e.get("value"), str) for e in entries)
        for entries in headers.values()
    ):
        raise MalformedEventError("headers are not in CloudFront's shape")
    return request


def is_preflight(request: dict[str, Any]) -> bool:
    """CORS preflights carry no credentials by design (Fetch standard), so they pass."""
    return request.get("method") == "OPTIONS"


def _header_values(headers: Headers, name: str) -> list[str]:
    return [entry["value"] for entry in headers.get(name, [])]


def _cookie_values(headers: Headers, cookie_name: str) -> list[str]:
    values = []
    for header in _header_values(headers, "cookie"):
        for pair in header.split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep and name == cookie_name:
                values.append(value.strip().strip('"'))
    return values


def bearer_token(request: dict[str, Any], cookie_name: str | None) -> str:
    """The token from ``Authorization: Bearer`` (scheme case-insensitive), else the cookie.

    A header or cookie that appears more than once with different values is refused rather
    than guessed at. A non-Bearer Authorization scheme is not ours and is ignored.
    """
    headers: Headers = request.get("headers", {})
    tokens = set()
    for value in _header_values(headers, "authorization"):
        scheme, _, credentials = value.strip().partition(" ")
        if scheme.lower() == "bearer":
            tokens.add(credentials.strip())
    if not tokens and cookie_name:
        tokens.update(_cookie_values(headers, cookie_name))
    tokens.discard("")
    if not tokens:
        raise MissingTokenError("no bearer token")
    if len(tokens) > 1:
        raise AmbiguousTokenError("more than one token")
    return tokens.pop()


def allow(request: dict[str, Any]) -> dict[str, Any]:
    """Forward ``request`` with the Authorization header removed.

    The token has done its job; it must neither reach the origin nor become part of any
    cache key or origin log.
    """
    request.get("headers", {}).pop("authorization", None)
    return request


def cors_headers(event: object, allowed_origins: frozenset[str]) -> Headers:
    """CORS headers for a generated deny, so that the app's scripts can read the 401/403.

    Best effort on purpose: any surprise in the event means no CORS headers, never an error.
    """
    if not allowed_origins:
        return {}
    try:
        origin = event["Records"][0]["cf"]["request"]["headers"]["origin"][0]["value"]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        origin = None
    headers: Headers = {"vary": [{"key": "Vary", "value": "Origin"}]}
    if isinstance(origin, str) and origin in allowed_origins:
        headers["access-control-allow-origin"] = [
            {"key": "Access-Control-Allow-Origin", "value": origin}
        ]
    return headers


def deny(error: DeniedError, extra_headers: Headers | None = None) -> dict[str, Any]:
    """A small generated 401/403 that tells the client what RFC 6750 says and nothing more."""
    challenge = f'Bearer realm="{_REALM}"'
    if error.error:
        challenge += f', error="{error.error}"'
    headers = {
        "www-authenticate": [{"key": "WWW-Authenticate", "value": challenge}],
        "cache-control": [{"key": "Cache-Control", "value": "no-store"}],
        "content-type": [{"key": "Content-Type", "value": "text/plain; charset=utf-8"}],
        **(extra_headers or {}),
    }
    return {
        "status": str(error.status),
        "statusDescription": _DESCRIPTIONS[error.status],
        "headers": headers,
        "body": _BODIES[error.status],
    }
