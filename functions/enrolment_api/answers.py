"""What each error becomes: short JSON messages, never a stack trace."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from shared.catalog.errors import InvalidValueError
from shared.enrolments.errors import UnknownCourseError

from .errors import NotSignedError
from .observability import logger, metrics


def message(status: int, text: str) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body={"message": text})


def not_signed(exc: NotSignedError) -> Response[Any]:
    logger.warning("request refused", extra={"detail": str(exc)})
    metrics.add_metric(name="EnrolmentUnsigned", unit=MetricUnit.Count, value=1)
    return message(403, "Forbidden")


def invalid_value(exc: InvalidValueError) -> Response[Any]:
    return message(400, str(exc))


def unknown_course(exc: UnknownCourseError) -> Response[Any]:
    return message(404, str(exc))


def no_route(exc: NotFoundError) -> Response[Any]:
    return message(404, "not found")


def unexpected(exc: Exception) -> Response[Any]:
    logger.exception("unexpected error")
    return message(500, "internal error")


def error_answers() -> APIGatewayRouter:
    """A router holding only the exception handlers, for ``include_router``."""
    router = APIGatewayRouter()  # type: ignore[no-untyped-call]
    handlers: list[tuple[type[Exception], Any]] = [
        (NotSignedError, not_signed),
        (InvalidValueError, invalid_value),
        (UnknownCourseError, unknown_course),
        (NotFoundError, no_route),
        (Exception, unexpected),
    ]
    for error, handler in handlers:
        router.exception_handler(error)(handler)
    return router
