"""The CloudFront side: read a viewer-request event once, find the token, shape the answers.

CloudFront's event shape is documented in the Lambda@Edge event structure: headers are keyed by
lower-case name, each a list of ``{"key", "value"}`` objects. ``parse`` reads the event once
into a :class:`ViewerRequest` that the decision, the deny's CORS headers and the log context
all use. It checks what every decision needs (the event type, the method, the
``authorization`` header); the ``cookie`` header is checked only when the decision falls back
to it, ``origin`` only when a deny needs CORS headers, and the other headers go to the origin
as CloudFront sent them (checking all of them was most of the cached path's time). The event
is untrusted input: a shape ``parse`` does not expect makes a request whose ``problem`` says
so (a ``MalformedEventError`` deny), never a crash.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from shared.grant_layout import PATH_SEGMENT

from .errors import AmbiguousTokenError, DeniedError, MalformedEventError, MissingTokenError
from .paths import course_of

Headers = dict[str, list[dict[str, str]]]

_BODIES = {401: "Unauthorized\n", 403: "Forbidden\n"}
_DESCRIPTIONS = {401: "Unauthorized", 403: "Forbidden"}
_REALM = "content"
#: Content grant URLs (``/g/<grant>/...``) belong to the ``/g/*`` behavior, whose CloudFront
#: Function checks them; one reaches this function only when a distribution lacks that
#: behavior (a deployment that predates it, a mistake). It is refused like any URI outside the
#: courses, and its grant, a credential naming its learner, is kept out of the log.
_GRANT_PREFIX = f"/{PATH_SEGMENT}/"


class ViewerRequest(NamedTuple):
    """What one viewer-request event says, read once.

    ``request`` is CloudFront's request object, forwarded on allow; ``problem`` is set (and
    the rest may be empty) when the event is not a viewer request this function understands;
    ``config`` is the event's ``cf.config`` (request and distribution IDs, for the log).
    """

    request: dict[str, Any]
    problem: str | None
    #: CORS preflights carry no credentials by design (Fetch standard), so they pass.
    is_preflight: bool
    authorization: tuple[str, ...]
    headers: dict[Any, Any]
    config: dict[str, Any]

    def cookies(self) -> tuple[str, ...]:
        """The ``cookie`` header's values; ``MalformedEventError`` if not in CloudFront's shape."""
        try:
            return _values(self.headers, "cookie")
        except _BadHeaderError as bad:
            raise MalformedEventError(f"the {bad} header is not in CloudFront's shape") from bad

    def origin(self) -> str | None:
        """The ``Origin`` header, or None when absent or not in CloudFront's shape."""
        try:
            origins = _values(self.headers, "origin")
        except _BadHeaderError:
            return None
        return origins[0] if origins else None

    def log_context(self) -> dict[str, Any]:
        """Identifiers that tie a log line to CloudFront's own logs; never headers, tokens or
        grants."""
        uri = self.request.get("uri")
        fields = (
            ("request_id", self.config.get("requestId"), 128),
            ("distribution_id", self.config.get("distributionId"), 64),
            ("uri", _without_grant(uri) if type(uri) is str else uri, 512),
        )
        return {name: str(value)[:limit] for name, value, limit in fields if value}


def _without_grant(uri: str) -> str:
    """``uri`` with the segment after a leading ``/g/`` replaced by ``-``, for logs."""
    if not uri.startswith(_GRANT_PREFIX):
        return uri
    _, slash, rest = uri[len(_GRANT_PREFIX) :].partition("/")
    return f"{_GRANT_PREFIX}-{slash}{rest}"


#: Builds a ViewerRequest without NamedTuple's keyword-argument ``__new__``: ``parse`` runs on
#: every request, and that call alone was a tenth of the cached path.
_new_request = tuple.__new__
_NOTHING: dict[str, Any] = {}


def _malformed(
    problem: str, request: dict[str, Any] | None = None, config: dict[str, Any] | None = None
) -> ViewerRequest:
    return ViewerRequest(request or {}, problem, False, (), {}, config or {})


class _BadHeaderError(Exception):
    pass


def _values(headers: dict[Any, Any], name: str) -> tuple[str, ...]:
    """Every value of header ``name``, each checked to be in CloudFront's shape."""
    entries = headers.get(name)
    if entries is None:
        return ()
    if type(entries) is not list:
        raise _BadHeaderError(name)
    values = []
    for entry in entries:
        value = entry.get("value") if type(entry) is dict else None
        if type(value) is not str:
            raise _BadHeaderError(name)
        values.append(value)
    return tuple(values)


def parse(event: object) -> ViewerRequest:
    """Read ``event``; never raises (see ``ViewerRequest.problem``)."""
    try:
        cf = event["Records"][0]["cf"]  # type: ignore[index]
        request = cf["request"]
        config = cf.get("config", _NOTHING)
        event_type = config.get("eventType", "viewer-request")
    except (TypeError, KeyError, IndexError, AttributeError):
        return _malformed("not a CloudFront event")
    if type(config) is not dict:
        return _malformed("not a CloudFront event")
    if type(request) is not dict:
        return _malformed("not a viewer-request event", config=config)
    if event_type != "viewer-request":
        return _malformed("not a viewer-request event", request, config)
    headers = request.get("headers", _NOTHING)
    if type(headers) is not dict:
        return _malformed("headers are not in CloudFront's shape", request, config)
    try:
        authorization = _values(headers, "authorization")
    except _BadHeaderError as bad:
        return _malformed(f"the {bad} header is not in CloudFront's shape", request, config)
    path = course_of(request.get("uri"))
    if path.problem is not None:
        return _malformed(path.problem, request, config)
    preflight = request.get("method") == "OPTIONS"
    return _new_request(ViewerRequest, (request, None, preflight, authorization, headers, config))


def _cookie_values(cookie_headers: tuple[str, ...], cookie_name: str) -> list[str]:
    values = []
    for header in cookie_headers:
        for pair in header.split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep and name == cookie_name:
                values.append(value.strip().strip('"'))
    return values


def bearer_token(viewer: ViewerRequest, cookie_name: str | None) -> str:
    """The token from ``Authorization: Bearer`` (scheme case-insensitive), else the cookie.

    "Else" means: when no Authorization header carries a non-empty Bearer token (an empty
    ``Bearer `` is no token). A header or cookie that appears more than once with different
    values is refused rather than guessed at. A non-Bearer scheme is not ours and is ignored.
    """
    tokens = set()
    for value in viewer.authorization:
        scheme, _, credentials = value.strip().partition(" ")
        if (scheme == "Bearer" or scheme.lower() == "bearer") and (token := credentials.strip()):
            if len(viewer.authorization) == 1:
                return token  # the usual request: one header, one token
            tokens.add(token)
    if not tokens and cookie_name:
        tokens.update(v for v in _cookie_values(viewer.cookies(), cookie_name) if v)
    if not tokens:
        raise MissingTokenError("no bearer token")
    if len(tokens) > 1:
        raise AmbiguousTokenError("more than one token")
    return tokens.pop()


def allow(viewer: ViewerRequest) -> dict[str, Any]:
    """Forward the request with the Authorization header removed.

    The token has done its job; it must neither reach the origin nor become part of any
    cache key or origin log.
    """
    request = viewer.request
    request.get("headers", {}).pop("authorization", None)
    return request


def cors_headers(viewer: ViewerRequest, allowed_origins: frozenset[str]) -> Headers:
    """CORS headers for a generated deny, so that the app's scripts can read the 401/403."""
    if not allowed_origins:
        return {}
    headers: Headers = {"vary": [{"key": "Vary", "value": "Origin"}]}
    origin = viewer.origin()
    if origin in allowed_origins:
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
