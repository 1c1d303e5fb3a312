"""A local API Gateway for the Content Delivery function: CORS preflights answered from the
template's Cors settings, the Cognito authorizer emulated, proxy events built as API Gateway
builds them, and the function's routes (``content_delivery.app.build_app``) answering."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from .authorizer import CognitoAuthorizer, Unauthorized
from .events import api_proxy_event, authorizer_claims
from .http import QuietHandler
from .template import resource_properties


def template_routes() -> dict[str, re.Pattern[str]]:
    """The function's API events in template.yaml: resource path -> request path pattern."""
    events = resource_properties("ContentDeliveryFunction")["Events"].values()
    paths = [event["Properties"]["Path"] for event in events if event["Type"] == "Api"]
    return {
        path: re.compile(re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path)))
        for path in paths
    }


ROUTES = template_routes()


@dataclass(frozen=True)
class ApiCors:
    """The ``Cors`` of the template's ContentApi, with ``AppOrigin`` filled in."""

    headers: list[tuple[str, str]]

    @classmethod
    def from_template(cls, app_origin: str) -> ApiCors:
        cors = resource_properties("ContentApi")["Cors"]

        def unquoted(value: str) -> str:  # SAM wants these as quoted strings: "'GET,OPTIONS'"
            return value.strip("'")

        return cls(
            [
                ("Access-Control-Allow-Origin", app_origin),
                ("Access-Control-Allow-Headers", unquoted(cors["AllowHeaders"])),
                ("Access-Control-Allow-Methods", unquoted(cors["AllowMethods"])),
                ("Access-Control-Max-Age", unquoted(cors["MaxAge"])),
            ]
        )


class LocalApi:
    def __init__(
        self, resolver: APIGatewayRestResolver, authorizer: CognitoAuthorizer, cors: ApiCors
    ) -> None:
        self.resolver = resolver
        self.authorizer = authorizer
        self.cors = cors

    def handle(self, request: QuietHandler) -> None:
        path = urlsplit(request.path).path
        route = next(((r, m) for r, p in ROUTES.items() if (m := p.fullmatch(path))), None)
        origin_header = [self.cors.headers[0]]  # DEFAULT_4XX gateway responses carry it
        if route is None:
            _json(request, 403, {"message": "Missing Authentication Token"}, origin_header)
            return
        if request.command == "OPTIONS":  # the CORS mock integration SAM generates
            request.send_body(200, [("Content-Type", "application/json"), *self.cors.headers], b"")
            return
        try:
            claims = self.authorizer.claims(request.headers.get("Authorization"))
        except Unauthorized:
            _json(request, 401, {"message": "Unauthorized"}, origin_header)
            return
        resource, match = route
        event = api_proxy_event(
            method=request.command,
            resource=resource,
            path=path,
            path_parameters={k: unquote(v) for k, v in match.groupdict().items()},
            headers=dict(request.headers.items()),
            claims=authorizer_claims(claims),
            source_ip=request.client_address[0],
        )
        answer = self.resolver.resolve(event, _Context())  # type: ignore[arg-type] # duck-typed
        headers = [(k, v) for k, vs in (answer.get("multiValueHeaders") or {}).items() for v in vs]
        headers += list((answer.get("headers") or {}).items())
        request.send_body(answer["statusCode"], headers, answer.get("body", "").encode("utf-8"))


def _json(
    request: QuietHandler, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
) -> None:
    request.send_body(
        status, [("Content-Type", "application/json"), *headers], json.dumps(body).encode()
    )


class _Context:
    """The Lambda context attributes Powertools reads."""

    function_name = "local-content-delivery"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:local-content-delivery"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
