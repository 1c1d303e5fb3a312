"""A local API Gateway for the stack's REST API: every method template.yaml puts on ContentApi,
routed to its function's routes (the Content Delivery and the Enrolment API's resolvers), with
the method's authorization done as API Gateway does it first: the Cognito authorizer emulated
(the default), SigV4 verified on ``AWS_IAM`` methods (``local.sigv4``), nothing on ``NONE``.
Proxy events are built as API Gateway builds them; API Gateway's own 4xx answers carry the
template's gateway-response headers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from tools.http import QuietHandler

from .authorizer import CognitoAuthorizer, Unauthorized
from .events import api_proxy_event, authorizer_claims
from .lambda_context import LocalLambdaContext
from .sigv4 import SignatureRefused, SignedRequest, SigV4Verifier
from .template import resource_properties, source_template

#: The largest request body the stand-in reads (API Gateway's payload limit is 10 MB).
MAX_BODY = 1024 * 1024


class Route(NamedTuple):
    """One method of the API: its function (logical ID), path pattern and authorization
    (``COGNITO``, the API's default authorizer; ``AWS_IAM``; ``NONE``)."""

    function: str
    method: str
    resource: str
    pattern: re.Pattern[str]
    auth: str


def template_routes() -> list[Route]:
    """Every ``Api`` event on ContentApi in template.yaml, of every function."""
    routes = []
    for name, resource in source_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource_properties(name).get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            properties = event["Properties"]
            path = properties["Path"]
            authorizer = properties.get("Auth", {}).get("Authorizer", "COGNITO")
            routes.append(
                Route(
                    name,
                    properties["Method"].upper(),
                    path,
                    re.compile(re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path))),
                    "COGNITO" if authorizer == "CognitoAuthorizer" else authorizer,
                )
            )
    return routes


ROUTES = template_routes()


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
        resolvers: dict[str, APIGatewayRestResolver],
        authorizer: CognitoAuthorizer,
        signatures: SigV4Verifier,
        gateway_headers: GatewayResponseHeaders,
    ) -> None:
        self.resolvers = resolvers
        self.authorizer = authorizer
        self.signatures = signatures
        self.gateway_headers = gateway_headers

    def handle(self, request: QuietHandler) -> None:
        split = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            request.close_connection = True  # its body stays unread
            self._refuse(request, 413, "Request Too Long")
            return
        body = request.rfile.read(length) if length else b""
        found = next(
            (
                (route, m)
                for route in ROUTES
                if route.method == request.command and (m := route.pattern.fullmatch(split.path))
            ),
            None,
        )
        if found is None:
            self._refuse(request, 403, "Missing Authentication Token")
            return
        route, match = found
        claims: dict[str, Any] | None = None
        caller: dict[str, str] | None = None
        try:
            if route.auth == "COGNITO":
                claims = authorizer_claims(
                    self.authorizer.claims(request.headers.get("Authorization"))
                )
            elif route.auth == "AWS_IAM":
                caller = self._caller(request, split.path, split.query, body)
        except Unauthorized:
            self._refuse(request, 401, "Unauthorized")
            return
        except SignatureRefused as refused:
            self._refuse(request, 403, str(refused))
            return
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(split.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        event = api_proxy_event(
            method=request.command,
            resource=route.resource,
            path=split.path,
            path_parameters={k: unquote(v) for k, v in match.groupdict().items()},
            headers=dict(request.headers.items()),
            claims=claims,
            source_ip=request.client_address[0],
            query=query,
            body=body.decode("utf-8", errors="replace") if body else None,
            caller=caller,
        )
        resolver = self.resolvers[route.function]
        answer = resolver.resolve(event, LocalLambdaContext())  # type: ignore[arg-type] # duck-typed
        headers = [(k, v) for k, vs in (answer.get("multiValueHeaders") or {}).items() for v in vs]
        headers += list((answer.get("headers") or {}).items())
        request.send_body(answer["statusCode"], headers, (answer.get("body") or "").encode("utf-8"))

    def _caller(self, request: QuietHandler, path: str, query: str, body: bytes) -> dict[str, str]:
        """The signer's identity, as API Gateway passes it to the function."""
        principal = self.signatures.verify(
            SignedRequest(request.command, path, query, list(request.headers.items()), body)
        )
        account = principal.user_arn.split(":")[4]
        return {
            "accessKey": principal.access_key_id,
            "accountId": account,
            "caller": principal.access_key_id,
            "user": principal.access_key_id,
            "userArn": principal.user_arn,
        }

    def _refuse(self, request: QuietHandler, status: int, message: str) -> None:
        body = json.dumps({"message": message}).encode()
        headers = [("Content-Type", "application/json"), *self.gateway_headers.headers]
        request.send_body(status, headers, body)
