"""Lambda events in the shapes AWS sends them, built from plain HTTP requests.

The local CloudFront and API turn every request into these, and the sample events in events/
are written with the same builders, so both agree with what CloudFront and API Gateway send.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any


def viewer_request_event(
    *,
    method: str,
    uri: str,
    querystring: str = "",
    headers: Iterable[tuple[str, str]] = (),
    client_ip: str = "203.0.113.178",
    distribution_domain: str = "d111111abcdef8.cloudfront.net",
    distribution_id: str = "EDFDVBD6EXAMPLE",
    request_id: str | None = None,
) -> dict[str, Any]:
    """A Lambda@Edge viewer-request event: headers grouped under their lower-case names."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append({"key": name, "value": value})
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": distribution_domain,
                        "distributionId": distribution_id,
                        "eventType": "viewer-request",
                        "requestId": request_id or uuid.uuid4().hex,
                    },
                    "request": {
                        "clientIp": client_ip,
                        "headers": grouped,
                        "method": method,
                        "querystring": querystring,
                        "uri": uri,
                    },
                }
            }
        ]
    }


def authorizer_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's Cognito authorizer passes them: strings, dates spelled out the
    way Java's ``Date.toString`` does, lists joined with commas."""
    passed: dict[str, str] = {}
    for name, value in claims.items():
        if name in ("exp", "iat", "auth_time") and isinstance(value, (int, float)):
            passed[name] = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
        elif isinstance(value, list):
            passed[name] = ",".join(str(v) for v in value)
        else:
            passed[name] = str(value)
    return passed


def api_proxy_event(
    *,
    method: str,
    resource: str,
    path: str,
    path_parameters: Mapping[str, str],
    headers: Mapping[str, str],
    claims: Mapping[str, str] | None,
    request_id: str | None = None,
    source_ip: str = "203.0.113.178",
    request_time_epoch_ms: int = 1_767_225_600_000,
    query: Mapping[str, list[str]] | None = None,
    body: str | None = None,
    caller: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event after the Cognito authorizer accepted the token, or, with
    ``claims`` None, of a method without an authorizer (no ``authorizer`` in its context).

    ``caller``: the IAM identity (``accessKey``, ``userArn``, ...) of an ``AWS_IAM`` method's
    signed request, which API Gateway puts in ``requestContext.identity``; ``query``: each
    parameter's values, in order (the single-value map holds the last, as API Gateway's does).
    """
    event: dict[str, Any] = {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": dict(query) if query else None,
        "pathParameters": dict(path_parameters) or None,  # null for a resource without any
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": headers.get("Host", "abc123.execute-api.us-east-1.amazonaws.com"),
            "httpMethod": method,
            "identity": {
                "sourceIp": source_ip,
                "userAgent": headers.get("User-Agent", ""),
                **(caller or {}),
            },
            "path": f"/v1{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id or str(uuid.uuid4()),
            "requestTimeEpoch": request_time_epoch_ms,
            "resourcePath": resource,
            "stage": "v1",
        },
    }
    if claims is not None:
        event["requestContext"]["authorizer"] = {"claims": dict(claims)}
    return event
