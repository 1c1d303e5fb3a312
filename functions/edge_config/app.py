"""Custom resource: render the edge config and publish the edge version CloudFront uses.

``Pools`` lists the user pools whose tokens the edge accepts, each by ``UserPoolId`` with its
``ClientIds``, ``TokenUse``, ``RequiredGroups`` (the all-access groups: the only groups the
edge reads) and, for local stand-ins only, a ``JwksUrl``. Each pool's issuer is read from
Cognito (DescribeUserPool), so the edge trusts the pool as deployed, in whichever issuer
format it has. ``EdgeFunctionSettings`` is not read: the template repeats the edge function's
settings there, so that changing one changes this resource, whose Update then publishes a
version carrying it.

Create and Update publish a new version (the distribution picks it up from ``Fn::GetAtt
EdgeConfig.FunctionVersionArn``); Delete does nothing, because replicated Lambda@Edge versions
cannot be deleted while CloudFront still holds replicas, and old versions cost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from shared.custom_resource import properties as props
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request, run
from shared.trust.errors import ConfigError, JwksFetchError

from .package import PackageError
from .publisher import ACTIVE_POLL_SECONDS, CodeFetcher, fetch_code, publish_with_config
from .render import (
    TrustedPool,
    config_bytes,
    config_digest,
    issuer_of,
    pool_jwks,
    render_edge_config,
)

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_lambda import LambdaClient

logger = Logger()


def _pool(
    entry: dict[str, Any], cognito: CognitoIdentityProviderClient, deadline: float
) -> TrustedPool:
    pool_id = props.required_str(entry, "UserPoolId")
    try:
        issuer = issuer_of(cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"])
    except (ClientError, BotoCoreError) as exc:
        raise CustomResourceError(f"cannot describe user pool {pool_id}: {exc}") from exc
    jwks_url = props.optional_str(entry, "JwksUrl")
    return TrustedPool(
        issuer=issuer,
        client_ids=props.string_list(entry, "ClientIds"),
        token_use=props.string_list(entry, "TokenUse"),
        required_groups=props.string_list(entry, "RequiredGroups"),
        jwks=pool_jwks(issuer, jwks_url, deadline=deadline),
        jwks_url=jwks_url,
    )


def apply(
    request: Request,
    *,
    lambda_client: LambdaClient | None = None,
    cognito_client: CognitoIdentityProviderClient | None = None,
    fetch: CodeFetcher = fetch_code,
    poll_seconds: float = ACTIVE_POLL_SECONDS,
) -> Outcome:
    """Handle one custom resource request (the protocol layer answers CloudFormation).

    The new version's ARN is reported only once the version is Active, within the request's
    deadline: CloudFront refuses to associate a Pending version.
    """
    if request.request_type == "Delete":
        return Outcome(request.physical_resource_id or "none")
    p = request.properties
    version_arn = props.required_str(p, "FunctionVersionArn")
    cognito = cognito_client or boto3.client("cognito-idp")
    try:
        config = render_edge_config(
            pools=[
                _pool(entry, cognito, request.deadline) for entry in props.object_list(p, "Pools")
            ],
            cookie_name=props.optional_str(p, "CookieName"),
            cors_allowed_origins=props.string_list(p, "CorsAllowedOrigins"),
            service=props.optional_str(p, "ServiceName"),
            metrics_namespace=props.optional_str(p, "MetricsNamespace"),
            log_level=props.optional_str(p, "LogLevel"),
        )
        digest = config_digest(config)
        new_version = publish_with_config(
            lambda_client or boto3.client("lambda"),
            version_arn,
            config_bytes(config),
            description=f"edge config {digest[:12]} on {version_arn.rsplit(':', 1)[-1]}",
            fetch=fetch,
            deadline=request.deadline,
            poll_seconds=poll_seconds,
        )
    except (ConfigError, JwksFetchError, PackageError) as exc:
        raise CustomResourceError(str(exc)) from exc
    logger.info("published edge version", extra={"version_arn": new_version, "config": digest})
    return Outcome(new_version, {"FunctionVersionArn": new_version, "ConfigSha256": digest})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> None:
    run(event, apply, context.get_remaining_time_in_millis() / 1000, logger)
