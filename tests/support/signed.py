"""Requests to the enrolment API signed with botocore's own SigV4 signer, over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def admin(stack: dict[str, Any]) -> Credentials:
    """The local stack's admin credentials (``.local/stack.json``)."""
    given = stack["admin_credentials"]
    return Credentials(given["access_key_id"], given["secret_access_key"])


def call(
    stack: dict[str, Any],
    method: str,
    path: str,
    body: Any = None,
    credentials: Credentials | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """``method path`` on the local API, signed with ``credentials`` (None: unsigned); the
    status and the decoded JSON answer (None when empty)."""
    url = stack["api_url"] + path
    data = None if body is None else json.dumps(body).encode()
    sent = dict(headers or {})
    if data is not None:
        sent["Content-Type"] = "application/json"
    if credentials is not None:
        request = AWSRequest(method=method, url=url, data=data, headers=sent)
        SigV4Auth(credentials, "execute-api", stack["region"]).add_auth(request)
        sent = dict(request.headers.items())
    outgoing = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310
    try:
        with urllib.request.urlopen(outgoing, timeout=30) as answer:  # noqa: S310
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    return status, json.loads(text) if text else None
