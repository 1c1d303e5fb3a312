"""What each error becomes: the API's exception handlers, one answer per kind of error.

Every refusal is a short JSON message with ``Vary: Origin`` (its CORS headers come from the
app's CORS configuration); anything unexpected is a generic 500 that names nothing, with the
stack trace in the log only.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from shared import api_answers
from shared.catalog.errors import CatalogItemError, InvalidValueError
from shared.key_value_store import KeyValueStoreError

from .errors import ContentNotFoundError, ForbiddenError, UnauthenticatedError
from .observability import logger, metrics

JSON = "application/json"

#: Every answer's CORS headers depend on the request's Origin: a cache (the browser's) must not
#: reuse one origin's answer for another.
VARY = {"Vary": "Origin"}


def message(status: int, text: str) -> Response[Any]:
    return Response(status_code=status, content_type=JSON, body={"message": text}, headers=VARY)


def report_broken(broken: list[CatalogItemError]) -> None:
    """Log and count catalog items that break the model (they are never served)."""
    for exc in broken:
        logger.error("broken catalog item left out", extra={"detail": str(exc)})
    if broken:
        metrics.add_metric(name="BrokenCatalogItem", unit=MetricUnit.Count, value=len(broken))


def unauthenticated(exc: UnauthenticatedError) -> Response[Any]:
    logger.warning("request refused", extra={"detail": str(exc)})
    metrics.add_metric(name="Unauthenticated", unit=MetricUnit.Count, value=1)
    return message(401, "Unauthorized")


def forbidden(exc: ForbiddenError) -> Response[Any]:
    logger.warning("request refused", extra={"detail": str(exc)})
    metrics.add_metric(name="Forbidden", unit=MetricUnit.Count, value=1)
    return message(403, "Forbidden")


def broken_item(exc: CatalogItemError) -> Response[Any]:
    report_broken([exc])
    return message(404, "content not found")


def invalid_value(exc: InvalidValueError) -> Response[Any]:
    metrics.add_metric(name="InvalidId", unit=MetricUnit.Count, value=1)
    return message(400, str(exc))


def not_found(exc: ContentNotFoundError) -> Response[Any]:
    metrics.add_metric(name="ContentNotFound", unit=MetricUnit.Count, value=1)
    return message(404, str(exc))


def store_unwritable(exc: KeyValueStoreError) -> Response[Any]:
    """A revocation that could not be written: nothing changed, and the caller may try again."""
    logger.error("grant store not written", extra={"detail": str(exc)})
    metrics.add_metric(name="GrantStoreUnwritable", unit=MetricUnit.Count, value=1)
    return message(503, "your grants could not be revoked now: try again")


def error_answers() -> APIGatewayRouter:
    """This function's exception handlers, for ``include_router``."""
    return api_answers.error_answers(
        [
            (UnauthenticatedError, unauthenticated),
            (ForbiddenError, forbidden),
            (CatalogItemError, broken_item),
            (InvalidValueError, invalid_value),
            (ContentNotFoundError, not_found),
            (KeyValueStoreError, store_unwritable),
        ],
        logger,
        message,
    )
