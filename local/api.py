"""A local API Gateway for the Content Delivery function: the Cognito authorizer emulated on
the methods the template puts behind it, proxy events built as API Gateway builds them, the
function's routes (``content_delivery.app.build_app``) answering, CORS preflights included,
and API Gateway's own 4xx answers carrying the template's gateway-response headers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from tools.http import QuietHandler

from .authorizer import CognitoAuthorizer, Unauthorized
from .events import api_proxy_event, authorizer_claims
from .lambda_context import LocalLambdaContext
from .template import resource_properties


def template_routes() -> dict[tuple[str, str], re.Pattern[str]]:
    """The function's API events in template.yaml: (method, resource path) -> request path
    pattern."""
    events = resource_properties("ContentDeliveryFunction")["Events"].values()
    keys = [
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in events
        if event["Type"] == "Api"
    ]
    return {
        (method, path): re.compile(re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path)))
        for method, path in keys
    }


def unauthenticated_methods() -> frozenset[tuple[str, str]]:
    """The (method, resource path) pairs whose event sets ``Auth: {Authorizer: NONE}``."""
    events = resource_properties("ContentDeliveryFunction")["Events"].values()
    return frozenset(
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in events
        if event["Type"] == "Api"
        and event["Properties"].get("Auth", {}).get("Authorizer") == "NONE"
    )


ROUTES = template_routes()
OPEN_METHODS = unauthenticated_methods()


@dataclass(frozen=True)
class GatewayResponseHeaders:
    """The headers of the template's DEFAULT_4XX gateway response (API Gateway's own 401s and
    403s), unquoted."""

    headers: list[tuple[str, str]]

    @classmethod
    def from_template(cls) -> GatewayResponseHeaders:
        declared = resource_properties("ContentApi")["GatewayResponses"]["DEFAULT_4XX"]
        # SAM wants these as quoted strings: "'*'".
        return cls(
            [(k, v.strip("'")) for k, v in declared["ResponseParameters"]["Headers"].items()]
        )


class LocalApi:
    def __init__(
        self,
        resolver: APIGatewayRestResolver,
        authorizer: CognitoAuthorizer,
        gateway_headers: GatewayResponseHeaders,
    ) -> None:
        self.resolver = resolver
        self.authorizer = authorizer
        self.gateway_headers = gateway_headers

    def handle(self, request: QuietHandler) -> None:
        path = urlsplit(request.path).path
        route = next(
            (
                (key, m)
                for key, p in ROUTES.items()
                if key[0] == request.command and (m := p.fullmatch(path))
            ),
            None,
        )
        if route is None:
            _json(
                request,
                403,
                {"message": "Missing Authentication Token"},
                self.gateway_headers.headers,
            )
            return
        claims: dict[str, Any] = {}
        if route[0] not in OPEN_METHODS:
            try:
                claims = self.authorizer.claims(request.headers.get("Authorization"))
            except Unauthorized:
                _json(request, 401, {"message": "Unauthorized"}, self.gateway_headers.headers)
                return
        (_, resource), match = route
        event = api_proxy_event(
            method=request.command,
            resource=resource,
            path=path,
            path_parameters={k: unquote(v) for k, v in match.groupdict().items()},
            headers=dict(request.headers.items()),
            claims=authorizer_claims(claims) if claims else None,
            source_ip=request.client_address[0],
        )
        answer = self.resolver.resolve(event, LocalLambdaContext())  # type: ignore[arg-type] # duck-typed
        headers = [(k, v) for k, vs in (answer.get("multiValueHeaders") or {}).items() for v in vs]
        headers += list((answer.get("headers") or {}).items())
        request.send_body(answer["statusCode"], headers, answer.get("body", "").encode("utf-8"))


def _json(
    request: QuietHandler, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
) -> None:
    request.send_body(
        status, [("Content-Type", "application/json"), *headers], json.dumps(body).encode()
    )
