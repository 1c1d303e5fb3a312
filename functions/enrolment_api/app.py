"""Lambda handler of the Enrolment API (API Gateway REST proxy, ``AWS_IAM`` on every method).

``ENROLMENT_TABLE`` and ``CATALOG_TABLE`` (which courses exist) are read once, when Lambda
loads this module; without them every request answers a generic 500. The routes live in
``routes.py``.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.catalog.store import CatalogStore
from shared.enrolments.store import EnrolmentStore

from .api import build_app
from .observability import logger, metrics, tracer


def _app_from_environment() -> APIGatewayRestResolver | None:
    table, catalog = os.environ.get("ENROLMENT_TABLE", ""), os.environ.get("CATALOG_TABLE", "")
    if not table or not catalog:
        logger.error(
            "invalid configuration, answering 500",
            extra={"detail": "ENROLMENT_TABLE and CATALOG_TABLE must be set"},
        )
        return None
    dynamodb = boto3.client("dynamodb")
    return build_app(EnrolmentStore(dynamodb, table), CatalogStore(dynamodb, catalog))


APP = _app_from_environment()
UNAVAILABLE = {
    "statusCode": 500,
    "headers": {"Content-Type": "application/json"},
    "body": '{"message":"internal error"}',
}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if APP is None:
        return dict(UNAVAILABLE)
    return APP.resolve(event, context)
