"""API Gateway's IAM authorization (``AWS_IAM`` on a method), as the local API's stand-in for
it: Signature Version 4 verified the way AWS documents it ("Create a signed AWS API request",
IAM User Guide), with the local stack's one set of admin credentials.

A request passes when its ``Authorization`` header is ``AWS4-HMAC-SHA256`` with a credential
this verifier knows, scoped to this region, the ``execute-api`` service and ``aws4_request``,
dated by ``X-Amz-Date`` within five minutes of now (the scope's date agreeing), signing at
least ``host`` and ``x-amz-date``, and carrying the signature of the canonical request as
received (method, path, query, the signed headers, the SHA-256 of the body). Anything else
is API Gateway's 403. Nothing here evaluates IAM policies: a known credential may call every
``AWS_IAM`` method, as an administrator's could.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "execute-api"
#: How far X-Amz-Date may be from the verifier's clock, either way.
MAX_SKEW_SECONDS = 300
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+),\s*Signature=(?P<signature>[0-9a-f]{64})"
)
_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")
#: API Gateway's answers, word for word where it has one.
MISSING = "Missing Authentication Token"
INVALID_TOKEN = "The security token included in the request is invalid."  # noqa: S105
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)


class SignatureRefused(Exception):  # noqa: N818 - named after what API Gateway does
    """The request would get API Gateway's 403; ``str(exc)`` is its message."""


@dataclass(frozen=True)
class Principal:
    """A credential the verifier accepts, and the IAM identity it stands for."""

    access_key_id: str
    secret_access_key: str
    user_arn: str


@dataclass(frozen=True)
class SignedRequest:
    """A request as the API received it: the path and query as sent (still percent-encoded),
    every header with its repeats, the body's bytes."""

    method: str
    path: str
    query: str
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name]


@dataclass(frozen=True)
class SigV4Verifier:
    region: str
    principals: Mapping[str, Principal]
    clock: Callable[[], float] = field(default=time.time)

    def verify(self, request: SignedRequest) -> Principal:
        """The principal that signed ``request``; ``SignatureRefused`` otherwise."""
        authorization = request.header_values("authorization")
        if not authorization:
            raise SignatureRefused(MISSING)
        found = _AUTHORIZATION.fullmatch(authorization[0].strip())
        if len(authorization) != 1 or found is None:
            raise SignatureRefused(
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"
                f" parameters of {ALGORITHM}."
            )
        key_id, _, scope = found["credential"].partition("/")
        principal = self.principals.get(key_id)
        if principal is None or request.header_values("x-amz-security-token"):
            raise SignatureRefused(INVALID_TOKEN)
        signed = found["signed"].split(";")
        stamp = self._timestamp(request, signed, scope)
        expected = _signature(principal.secret_access_key, stamp, scope, request, signed)
        if not hmac.compare_digest(expected, found["signature"]):
            raise SignatureRefused(MISMATCH)
        return principal

    def _timestamp(self, request: SignedRequest, signed: list[str], scope: str) -> str:
        """X-Amz-Date, checked against the scope, the signed headers and the clock."""
        dates = request.header_values("x-amz-date")
        if len(dates) != 1 or not _DATE.fullmatch(dates[0]):
            raise SignatureRefused("Authorization requires a valid X-Amz-Date header.")
        stamp = dates[0]
        if scope != f"{stamp[:8]}/{self.region}/{SERVICE}/aws4_request":
            raise SignatureRefused(
                f"Credential should be scoped to a valid region, the service '{SERVICE}' and "
                f"the date {stamp[:8]}."
            )
        if not {"host", "x-amz-date"} <= set(signed) or signed != sorted(set(signed)):
            raise SignatureRefused("'Host' and 'X-Amz-Date' must be signed, names in order.")
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        if abs(self.clock() - signed_at) > MAX_SKEW_SECONDS:
            raise SignatureRefused(f"Signature expired: {stamp} is out of the 5 min. window.")
        return stamp


def _signature(
    secret: str, stamp: str, scope: str, request: SignedRequest, signed: list[str]
) -> str:
    canonical = "\n".join(
        [
            request.method.upper(),
            _canonical_path(request.path),
            _canonical_query(request.query),
            "".join(f"{name}:{_header(request, name)}\n" for name in signed),
            ";".join(signed),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    to_sign = "\n".join(
        [ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    key = f"AWS4{secret}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _canonical_path(path: str) -> str:
    """The path as sent, dot segments and empty segments removed, URI-encoded once more
    (every service but S3 encodes the already encoded path again)."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    trailing = "/" if path.endswith("/") and segments else ""
    return quote("/" + "/".join(segments) + trailing, safe="/~")


def _canonical_query(query: str) -> str:
    pairs = []
    for pair in query.split("&") if query else []:
        name, _, value = pair.partition("=")
        pairs.append((quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _header(request: SignedRequest, name: str) -> str:
    values = request.header_values(name)
    if not values:
        raise SignatureRefused(f"Signed header '{name}' is not in the request.")
    return ",".join(" ".join(value.split()) for value in values)
