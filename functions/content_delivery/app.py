"""Lambda handler of the Content Delivery API (API Gateway REST proxy, Cognito authorizer).

Settings are read from the environment once, when Lambda loads this module; a bad environment
is logged once and every request then answers a generic 500 (with CORS when APP_ORIGINS itself
is valid and names the request's Origin). The routes live in ``api.py``.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.catalog.store import CatalogStore
from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore

from .api import build_app
from .errors import SettingsError
from .grants import grant_signer
from .observability import logger, metrics, tracer
from .settings import app_origins, load_settings


def _app_from_environment() -> APIGatewayRestResolver | None:
    try:
        settings = load_settings(os.environ)
    except SettingsError as exc:
        logger.error("invalid configuration, answering 500", extra={"detail": str(exc)})
        return None
    dynamodb = boto3.client("dynamodb")
    grant_store = None
    if settings.grants is not None:
        client = boto3.client("cloudfront-keyvaluestore")
        grant_store = KeyValueStore(client, settings.grants.store_arn)
    return build_app(
        settings,
        CatalogStore(dynamodb, settings.catalog_table),
        EnrolmentStore(dynamodb, settings.enrolment_table),
        grant_signer(settings.grants, SecretsProvider()),
        grant_store=grant_store,
    )


def _unavailable(event: dict[str, Any]) -> dict[str, Any]:
    """The answer while the settings are broken: a generic 500, with CORS if the request's
    Origin is one of the app origins, so the app can still read it."""
    headers = {"Content-Type": "application/json"}
    sent = {k.lower(): v for k, v in (event.get("headers") or {}).items()}.get("origin")
    if sent in (app_origins(os.environ) or ()):
        headers |= {"Access-Control-Allow-Origin": sent, "Vary": "Origin"}
    return {"statusCode": 500, "headers": headers, "body": '{"message":"internal error"}'}


APP = _app_from_environment()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)  # answers carry grants
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if APP is None:
        return _unavailable(event)
    return APP.resolve(event, context)
