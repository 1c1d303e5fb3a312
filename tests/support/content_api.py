"""The Content Delivery API in process: the origins its tests configure, an API Gateway event
resolved by the app, and the function's logger pointed at the test's captured output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import boto3

from content_delivery.api import build_app
from content_delivery.settings import Settings
from local.lambda_context import LocalLambdaContext
from local.samples import SAMPLE_ITEMS
from shared.catalog.store import Catalog
from shared.enrolments.store import EnrolmentStore
from tests.support.catalog import InMemoryCatalog

#: A second app origin (staging, say): CORS answers name whichever of the two asked.
OTHER_ORIGIN = "https://staging.learn.example.com"
CDN = "https://d111111abcdef8.cloudfront.net"

#: The ``invoke`` fixture: ``invoke_api`` with the test's settings.
Invoke = Callable[..., tuple[int, dict[str, str], Any]]


def invoke_api(
    settings: Settings, event: dict[str, Any], catalog: Catalog | None = None
) -> tuple[int, dict[str, str], Any]:
    """Resolve an API Gateway event in process over ``catalog`` (the sample items when None);
    returns (status, headers, decoded JSON body)."""
    app = build_app(
        settings,
        catalog if catalog is not None else InMemoryCatalog(SAMPLE_ITEMS),
        unread_enrolments(),
    )
    answer = app.resolve(event, LocalLambdaContext())  # type: ignore[arg-type]
    headers = {
        k: v[0] if isinstance(v, list) else v
        for k, v in answer.get("multiValueHeaders", {}).items()
    }
    headers.update(answer.get("headers") or {})
    return answer["statusCode"], headers, json.loads(answer["body"])


def unread_enrolments() -> EnrolmentStore:
    """An enrolment store the unit tests never read: the all-access group decides from its
    token (any read would need the network, which unit tests refuse, and answer 500).
    Decisions read from the store are tested against moto in tests/integration."""
    client = boto3.client(
        "dynamodb",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="unit",
        aws_secret_access_key="unit",
    )
    return EnrolmentStore(client, "enrolments")


class CurrentStdout:
    """Writes to whatever ``sys.stdout`` is at the moment of writing (capsys swaps it late)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()
