"""Custom resource handler: a log group's retention, without the stack owning the group."""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools import Logger

from shared.custom_resource.protocol import Outcome, Request, run

from . import retention

logger = Logger()


def apply(request: Request) -> Outcome:
    return retention.apply(boto3.client("logs"), request)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> None:
    run(event, apply, context.get_remaining_time_in_millis() / 1000, logger)
