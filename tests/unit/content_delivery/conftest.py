"""Fixtures for the Content Delivery API: settings, sample catalog, in-process invocation."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from content_delivery.api import build_app
from content_delivery.observability import logger, metrics
from content_delivery.settings import Settings
from local.lambda_context import LocalLambdaContext
from local.samples import SAMPLE_ITEMS
from shared.access import AccessRule
from shared.catalog.store import Catalog
from shared.enrolments.store import EnrolmentStore
from tests.support.catalog import InMemoryCatalog

APP_ORIGIN = "https://learn.example.com"
#: A second app origin (staging, say): CORS answers name whichever of the two asked.
OTHER_ORIGIN = "https://staging.learn.example.com"
CDN = "https://d111111abcdef8.cloudfront.net"


@pytest.fixture
def settings() -> Settings:
    return Settings(
        catalog_table="catalog",
        content_base_url=CDN,
        app_origins=(APP_ORIGIN, OTHER_ORIGIN),
        access=AccessRule.create({"students"}),
        enrolment_table="enrolments",
    )


def unread_enrolments() -> EnrolmentStore:
    """An enrolment store these unit tests never read: the all-access group decides from its
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


Invoke = Callable[..., tuple[int, dict[str, str], Any]]


@pytest.fixture
def invoke(settings: Settings) -> Invoke:
    """Resolve an API Gateway event in process; returns (status, headers, decoded JSON body)."""

    def call(
        event: dict[str, Any], catalog: Catalog | None = None
    ) -> tuple[int, dict[str, str], Any]:
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

    return call


class _CurrentStdout:
    """Writes to whatever ``sys.stdout`` is at the moment of writing (capsys swaps it late)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@pytest.fixture
def api_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """capsys, with the function's Powertools logger writing into it for this test.

    The logger is created once at import and keeps the stream it found then.
    """
    handler = logger.registered_handler
    previous = handler.stream  # type: ignore[attr-defined]
    handler.stream = _CurrentStdout()  # type: ignore[attr-defined]
    yield capsys
    handler.stream = previous  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_metrics() -> None:
    """Routes resolved without the handler leave data points behind; each test starts clean."""
    metrics.clear_metrics()
