"""A local CloudFront: the distribution's request path, on one machine.

Two cache behaviors, as the template declares them. ``/g/*`` (URIs carrying a content grant):
the request goes through ``functions/grant_check/index.js``, the CloudFront Function, run as
written in Node (``local.cloudfront_function``), with the grant KeyValueStore as it is at that
moment (a fresh snapshot per request: a revocation takes effect at the next request, where
CloudFront needs seconds to propagate it). Everything else becomes a viewer-request event
shaped as CloudFront shapes it and goes through the edge handler (``edge_auth.gate.decide``,
what Lambda@Edge runs). A generated response (401/403) is returned as is; a function that
errs is a 503, as CloudFront answers a function execution error. An allowed request is
fetched from the private bucket with signed S3 requests, the part the Origin Access Control
plays, forwarding ``Range`` (video seeking) and, for CORS preflights, the ``Origin`` and
``Access-Control-Request-*`` headers (the managed CORS-S3Origin policy). Origin responses
get the response headers policy the template declares.

Two documented differences from the real service: nothing is cached, and because moto answers
OPTIONS on an existing private object with 403 (its ACL check runs first), preflights are
answered from the bucket's CORS rules the way S3 evaluates them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit

from botocore.exceptions import ClientError

from edge_auth import gate as edge
from shared.aws_errors import error_code
from shared.grant_layout import PATH_SEGMENT
from tools.http import QuietHandler

from .cloudfront_function import FunctionError, FunctionRuntime, function_event
from .events import viewer_request_event
from .template import evaluate, resource_properties

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_s3 import S3Client

HeaderList = list[tuple[str, str]]
#: Headers S3 answers with that CloudFront passes on to the viewer.
_ORIGIN_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Length",
    "Content-Range",
    "Accept-Ranges",
    "ETag",
    "Last-Modified",
    "Cache-Control",
)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ResponseHeadersPolicy:
    """The template's ResponseHeadersPolicyConfig, with ``AppOrigins`` filled in.

    ``security_headers`` holds the security and custom headers, all of them overriding.
    """

    allow_origins: frozenset[str]
    allow_headers: tuple[str, ...]
    allow_methods: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int
    security_headers: HeaderList

    @classmethod
    def from_template(cls, app_origins: list[str]) -> ResponseHeadersPolicy:
        declared = resource_properties("ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
        config = {
            part: evaluate(declared[part], {"AppOrigins": app_origins})
            for part in ("CorsConfig", "SecurityHeadersConfig", "CustomHeadersConfig")
        }
        cors, security = config["CorsConfig"], config["SecurityHeadersConfig"]

        def items(value: dict[str, Any]) -> tuple[str, ...]:
            return tuple(str(item) for item in value["Items"])

        hsts = security["StrictTransportSecurity"]
        custom = [(h["Header"], str(h["Value"])) for h in config["CustomHeadersConfig"]["Items"]]
        return cls(
            allow_origins=frozenset(items(cors["AccessControlAllowOrigins"])),
            allow_headers=items(cors["AccessControlAllowHeaders"]),
            allow_methods=items(cors["AccessControlAllowMethods"]),
            expose_headers=items(cors["AccessControlExposeHeaders"]),
            max_age=int(cors["AccessControlMaxAgeSec"]),
            security_headers=[
                (
                    "Strict-Transport-Security",
                    f"max-age={hsts['AccessControlMaxAgeSec']}"
                    + ("; includeSubDomains" if hsts["IncludeSubdomains"] else ""),
                ),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", security["ReferrerPolicy"]["ReferrerPolicy"]),
                (
                    "Content-Security-Policy",
                    str(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]),
                ),
                *custom,
            ],
        )

    def headers(self, origin: str | None, preflight: bool) -> HeaderList:
        """What the policy adds (overriding the origin's) to a response for ``origin``."""
        added = list(self.security_headers)
        if origin in self.allow_origins:
            added += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            if preflight:
                added += [
                    ("Access-Control-Allow-Methods", ", ".join(self.allow_methods)),
                    ("Access-Control-Allow-Headers", ", ".join(self.allow_headers)),
                    ("Access-Control-Max-Age", str(self.max_age)),
                ]
            else:
                added.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))
        return added


@dataclass
class OriginAnswer:
    status: int
    headers: HeaderList
    chunks: Iterator[bytes]

    @classmethod
    def error(cls, status: int, code: str) -> OriginAnswer:
        body = f"<Error><Code>{code}</Code></Error>".encode()
        headers = [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
        return cls(status, headers, iter([body]))


class S3Origin:
    """The private bucket, read with signed requests (what the OAC does for CloudFront)."""

    def __init__(self, s3: S3Client, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def get(self, uri: str, method: str, range_header: str | None) -> OriginAnswer:
        # CloudFront forwards the path as received; S3 decodes it into the object key.
        key = unquote(uri.lstrip("/"))
        arguments: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if range_header and method == "GET":
            arguments["Range"] = range_header
        try:
            if method == "HEAD":
                answer: Any = self._s3.head_object(**arguments)
            else:
                answer = self._s3.get_object(**arguments)
        except ClientError as exc:
            if error_code(exc) == "InvalidRange":
                return OriginAnswer.error(416, "InvalidRange")
            # Without s3:ListBucket (the template grants none), a missing key is a 403 too.
            return OriginAnswer.error(403, "AccessDenied")
        headers = [(name, _header_value(answer, name)) for name in _ORIGIN_HEADERS]
        body = answer.get("Body")
        return OriginAnswer(
            status=206 if "ContentRange" in answer else 200,
            headers=[(name, value) for name, value in headers if value is not None],
            chunks=iter(lambda: body.read(_CHUNK), b"") if body is not None else iter(()),
        )

    def preflight(
        self, origin: str | None, method: str | None, request_headers: str | None
    ) -> tuple[int, HeaderList]:
        """S3's CORS evaluation of a preflight against the bucket's CORS rules."""
        try:
            rules = self._s3.get_bucket_cors(Bucket=self._bucket)["CORSRules"]
        except ClientError:
            rules = []
        asked = [h.strip().lower() for h in (request_headers or "").split(",") if h.strip()]
        for rule in rules:
            allowed_headers = [h.lower() for h in rule.get("AllowedHeaders", [])]
            if (
                origin in rule["AllowedOrigins"]
                and method in rule["AllowedMethods"]
                and all(h in allowed_headers or "*" in allowed_headers for h in asked)
            ):
                return 200, [
                    ("Access-Control-Allow-Origin", origin or ""),
                    ("Access-Control-Allow-Methods", ", ".join(rule["AllowedMethods"])),
                    ("Access-Control-Allow-Headers", ", ".join(asked)),
                    ("Access-Control-Max-Age", str(rule.get("MaxAgeSeconds", 0))),
                    (
                        "Vary",
                        "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
                    ),
                ]
        return 403, [("Content-Type", "application/xml")]


def _header_value(answer: dict[str, Any], name: str) -> str | None:
    value = answer.get(name.replace("-", ""))
    if value is None:
        return None
    if name == "Last-Modified":
        return str(value.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    return str(value)


class ViewerFunction:
    """A CloudFront Function on viewer requests (``runtime``), reading the KeyValueStore whose
    entries ``store`` returns, at each request."""

    def __init__(self, runtime: FunctionRuntime, store: Callable[[], Mapping[str, str]]) -> None:
        self.runtime = runtime
        self.store = store

    def decide(self, viewer: QuietHandler, path: str) -> dict[str, Any]:
        """What the function returns for this request: a response (``statusCode``) or the
        request to forward; a 503 response when it errs."""
        event = function_event(path, viewer.command, dict(viewer.headers.items()))
        try:
            return self.runtime.run(event, now=time.time(), store=self.store())
        except FunctionError:
            return {"statusCode": 503, "statusDescription": "Service Unavailable", "headers": {}}


class Forward(NamedTuple):
    """A request a viewer-request handler let through: the origin's URI, its headers."""

    uri: str
    headers: dict[str, str]


class LocalCloudFront:
    """The distribution on ``http://host:port``: the behavior's viewer-request handler (the
    grant function for ``/g/*``, the edge handler for the rest), then the bucket."""

    def __init__(
        self,
        gate: edge.Gate,
        origin: S3Origin,
        policy: ResponseHeadersPolicy,
        grant_check: ViewerFunction,
    ) -> None:
        self.gate = gate
        self.origin = origin
        self.policy = policy
        self.grant_check = grant_check

    def handle(self, viewer: QuietHandler) -> None:
        split = urlsplit(viewer.path)
        if split.path.startswith(f"/{PATH_SEGMENT}/"):
            forward = self._through_function(viewer, split.path)
        else:
            forward = self._through_edge(viewer, split.path, split.query)
        if forward is None:
            return
        origin = forward.headers.get("origin")
        if viewer.command == "OPTIONS":
            status, headers = self.origin.preflight(
                origin,
                forward.headers.get("access-control-request-method"),
                forward.headers.get("access-control-request-headers"),
            )
            policy = self.policy.headers(origin, preflight=True) if status == 200 else []
            viewer.send_body(status, _override(headers, policy), b"")
            return
        fetched = self.origin.get(forward.uri, viewer.command, forward.headers.get("range"))
        viewer.send_response(fetched.status)
        for name, value in _override(fetched.headers, self.policy.headers(origin, preflight=False)):
            viewer.send_header(name, value)
        viewer.end_headers()
        if viewer.command != "HEAD":
            for chunk in fetched.chunks:
                viewer.wfile.write(chunk)

    def _through_edge(self, viewer: QuietHandler, path: str, query: str) -> Forward | None:
        """Lambda@Edge's decision; None when it answered the viewer itself."""
        answer = edge.decide(self.gate, edge_event(viewer, path, query))
        if "status" in answer:  # generated by the edge function
            headers = [
                (e["key"], e["value"]) for entries in answer["headers"].values() for e in entries
            ]
            viewer.send_body(int(answer["status"]), headers, answer.get("body", "").encode("utf-8"))
            return None
        return Forward(answer["uri"], {k: v[0]["value"] for k, v in answer["headers"].items()})

    def _through_function(self, viewer: QuietHandler, path: str) -> Forward | None:
        """The grant function's decision; None when it answered the viewer itself."""
        result = self.grant_check.decide(viewer, path)
        if "statusCode" in result:
            headers = [(name, entry["value"]) for name, entry in result["headers"].items()]
            body = result.get("body")
            data = body.get("data", "") if isinstance(body, dict) else (body or "")
            viewer.send_body(int(result["statusCode"]), headers, str(data).encode("utf-8"))
            return None
        return Forward(result["uri"], {k: v["value"] for k, v in result["headers"].items()})


def edge_event(viewer: QuietHandler, path: str, query: str) -> dict[str, Any]:
    """The viewer-request event CloudFront would send for this request."""
    host = viewer.headers.get("Host", "localhost")
    return viewer_request_event(
        method=viewer.command,
        uri=path,
        querystring=query,
        headers=list(viewer.headers.items()),
        client_ip=viewer.client_address[0],
        distribution_domain=host,
        distribution_id="ELOCALDISTRIBUTION",
        request_id=uuid.uuid4().hex,
    )


def _override(headers: HeaderList, policy: HeaderList) -> HeaderList:
    """Policy headers replace the origin's headers of the same name (OriginOverride)."""
    names = {name.lower() for name, _ in policy}
    return [(n, v) for n, v in headers if n.lower() not in names] + policy
