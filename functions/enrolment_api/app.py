"""Lambda handler of the Enrolment API (API Gateway REST proxy, ``AWS_IAM`` on every method).

``ENROLMENT_TABLE``, ``CATALOG_TABLE`` (which courses exist) and ``GRANT_STORE_ARN`` (the
grant KeyValueStore, where unenrolments revoke grants) are read once, when Lambda loads this
module; without them every request answers a generic 500. The routes live in ``routes.py``.
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
from shared.key_value_store import KeyValueStore
from shared.patterns import KEY_VALUE_STORE_ARN

from .api import build_app
from .observability import logger, metrics, tracer


def _app_from_environment() -> APIGatewayRestResolver | None:
    table, catalog = os.environ.get("ENROLMENT_TABLE", ""), os.environ.get("CATALOG_TABLE", "")
    grant_store = os.environ.get("GRANT_STORE_ARN", "")
    if not table or not catalog or not KEY_VALUE_STORE_ARN.fullmatch(grant_store):
        logger.error(
            "invalid configuration, answering 500",
            extra={
                "detail": "ENROLMENT_TABLE and CATALOG_TABLE must be set, and GRANT_STORE_ARN "
                "to a KeyValueStore ARN"
            },
        )
        return None
    dynamodb = boto3.client("dynamodb")
    return build_app(
        EnrolmentStore(dynamodb, table),
        CatalogStore(dynamodb, catalog),
        KeyValueStore(boto3.client("cloudfront-keyvaluestore"), grant_store),
    )


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
