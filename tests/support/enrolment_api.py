"""The Enrolment API in process: an API Gateway event, as after API Gateway checked an IAM
caller's signature, resolved by the app over a real enrolment table and grant store."""

from __future__ import annotations

import json
from typing import Any

from enrolment_api.api import build_app
from local.events import api_proxy_event
from local.lambda_context import LocalLambdaContext
from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore
from tests.support.revocations import unreachable_grant_store

NOW = 1_800_000_000
BACKEND = "arn:aws:sts::123456789012:assumed-role/shop-backend/checkout"
CALLER = {"accessKey": "ASIAEXAMPLE", "accountId": "123456789012", "userArn": BACKEND}


class KnownCourses:
    """The catalog's course list, as the function reads it (``course_ids``)."""

    def course_ids(self) -> list[str]:
        return ["aws-101", "aws-201"]


COURSES = KnownCourses()


def _route(path: str) -> tuple[str, dict[str, str]]:
    """The API's resource for ``path`` and its path parameters."""
    parts = path.split("?")[0].strip("/").split("/")
    if parts[0] == "learners" and len(parts) == 3:
        return "/learners/{learner}/revoke", {"learner": parts[1]}
    if len(parts) == 3:
        return "/enrolments/{courseId}/{learner}", {"courseId": parts[1], "learner": parts[2]}
    return "/enrolments", {}


def call(
    store: EnrolmentStore,
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    caller: dict[str, str] | None = CALLER,
    claims: dict[str, str] | None = None,
    grants: KeyValueStore | None = None,
    now: float = NOW,
) -> tuple[int, Any]:
    """(status, decoded body) of ``method path``; ``grants``: the grant store (by default one
    where nothing answers, for requests that must not write one)."""
    resource, parameters = _route(path)
    event = api_proxy_event(
        method=method,
        resource=resource,
        path=path,
        path_parameters=parameters,
        headers={"Host": "abc123.execute-api.us-east-1.amazonaws.com"},
        claims=claims,
        query={k: [v] for k, v in (query or {}).items()},
        body=None if body is None else body if isinstance(body, str) else json.dumps(body),
        caller=caller,
    )
    app = build_app(store, COURSES, grants or unreachable_grant_store(), clock=lambda: now)
    answer = app.resolve(event, LocalLambdaContext())  # type: ignore[arg-type]
    text = answer.get("body") or ""
    return answer["statusCode"], json.loads(text) if text else None
