"""Custom resource handler: the stack's grant key (``grant_key.resource``)."""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools import Logger

from shared.custom_resource.protocol import Outcome, Request, run

from . import resource

logger = Logger()


def apply(request: Request) -> Outcome:
    return resource.apply(boto3.client("secretsmanager"), request)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> None:
    run(event, apply, context.get_remaining_time_in_millis() / 1000, logger)
