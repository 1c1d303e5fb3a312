"""What each error becomes: short JSON messages, never a stack trace."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from shared import api_answers
from shared.api_answers import message
from shared.catalog.errors import InvalidValueError
from shared.enrolments.errors import ThrottledError, UnknownCourseError
from shared.key_value_store import KeyValueStoreError

from .errors import NotSignedError
from .observability import logger, metrics


def not_signed(exc: NotSignedError) -> Response[Any]:
    logger.warning("request refused", extra={"detail": str(exc)})
    metrics.add_metric(name="EnrolmentUnsigned", unit=MetricUnit.Count, value=1)
    return message(403, "Forbidden")


def invalid_value(exc: InvalidValueError) -> Response[Any]:
    return message(400, str(exc))


def unknown_course(exc: UnknownCourseError) -> Response[Any]:
    return message(404, str(exc))


def store_unwritable(exc: KeyValueStoreError) -> Response[Any]:
    """The revocation could not be written (first: nothing changed) or confirmed: the same
    request, sent again, converges."""
    logger.error("grant store not written", extra={"detail": str(exc)})
    metrics.add_metric(name="GrantStoreUnwritable", unit=MetricUnit.Count, value=1)
    return message(503, "the grant store could not be written: send the same request again")


def throttled(exc: ThrottledError) -> Response[Any]:
    logger.warning("throttled", extra={"detail": str(exc)})
    return message(503, "throttled: send the same request again")


def error_answers() -> APIGatewayRouter:
    """This function's exception handlers, for ``include_router``."""
    return api_answers.error_answers(
        [
            (NotSignedError, not_signed),
            (InvalidValueError, invalid_value),
            (UnknownCourseError, unknown_course),
            (KeyValueStoreError, store_unwritable),
            (ThrottledError, throttled),
        ],
        logger,
    )
