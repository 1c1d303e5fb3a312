"""Fixtures for the Content Delivery API: settings, sample catalog, in-process invocation."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from content_delivery.observability import logger, metrics
from content_delivery.settings import Settings
from shared.access import AccessRule
from testkit.events import APP_ORIGIN
from tests.support.content_api import CDN, OTHER_ORIGIN, CurrentStdout, Invoke, invoke_api


@pytest.fixture
def settings() -> Settings:
    return Settings(
        catalog_table="catalog",
        content_base_url=CDN,
        app_origins=(APP_ORIGIN, OTHER_ORIGIN),
        access=AccessRule.create({"students"}),
        enrolment_table="enrolments",
    )


@pytest.fixture
def invoke(settings: Settings) -> Invoke:
    """Resolve an API Gateway event in process; returns (status, headers, decoded JSON body)."""
    return functools.partial(invoke_api, settings)


@pytest.fixture
def api_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """capsys, with the function's Powertools logger writing into it for this test.

    The logger is created once at import and keeps the stream it found then.
    """
    handler = logger.registered_handler
    previous = handler.stream  # type: ignore[attr-defined]
    handler.stream = CurrentStdout()  # type: ignore[attr-defined]
    yield capsys
    handler.stream = previous  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_metrics() -> None:
    """Routes resolved without the handler leave data points behind; each test starts clean."""
    metrics.clear_metrics()
