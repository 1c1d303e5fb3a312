"""A custom resource's Lambda handler, made from the function that applies its requests.

Every custom resource function is the same few lines: a Powertools logger, one AWS client, and
``protocol.run`` with the time Lambda leaves; only the service and ``apply`` differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from aws_lambda_powertools import Logger

from .protocol import Outcome, Request, run

#: ``apply(client, request)``: what the resource does for one request, with ``service``'s client.
Apply = Callable[[Any, Request], Outcome]
LambdaHandler = Callable[[dict[str, Any], Any], None]

logger = Logger()


def handler_for(service: str, apply: Apply) -> LambdaHandler:
    """The Lambda handler that answers CloudFormation with ``apply`` and a ``service`` client,
    made for each request as each resource's own handler made it before."""

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> None:
        client = boto3.client(service)  # type: ignore[call-overload]
        run(
            event,
            lambda request: apply(client, request),
            context.get_remaining_time_in_millis() / 1000,
            logger,
        )

    return handler
