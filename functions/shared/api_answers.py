"""What an API function's errors become: short JSON messages, never a stack trace.

Every API function answers its own errors its own way, and the rest the same way: a route that
does not exist is a 404, anything unexpected a logged 500 that says nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

#: An exception handler: the exception in, the answer out.
Handler = Callable[[Any], Response[Any]]
#: How a function words an answer: status and message in, the response out.
Message = Callable[[int, str], Response[Any]]


def message(status: int, text: str) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body={"message": text})


def error_answers(
    handlers: Sequence[tuple[type[Exception], Handler]],
    logger: Logger,
    answer: Message = message,
) -> APIGatewayRouter:
    """A router holding only exception handlers, for ``include_router``: ``handlers`` first,
    then no route (404) and anything else (500, logged with its traceback), each worded by
    ``answer``."""

    def no_route(exc: NotFoundError) -> Response[Any]:
        return answer(404, "not found")

    def unexpected(exc: Exception) -> Response[Any]:
        logger.exception("unexpected error")
        return answer(500, "internal error")

    every: list[tuple[type[Exception], Handler]] = [
        *handlers,
        (NotFoundError, no_route),
        (Exception, unexpected),
    ]
    router = APIGatewayRouter()  # type: ignore[no-untyped-call]
    for error, handler in every:
        router.exception_handler(error)(handler)
    return router
