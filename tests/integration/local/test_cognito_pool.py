"""The local stack's user pool client, as moto stores it: the template's OAuth client, with the
callback and sign-out URLs derived from the local app origin as the template derives them."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from local.cognito import create_cognito_pool
from local.template import resource_properties, source_template

ORIGIN = "http://127.0.0.1:8123"


@pytest.fixture(scope="module")
def client(moto_url: str, session: boto3.Session) -> dict[str, Any]:
    cognito = session.client("cognito-idp", endpoint_url=moto_url)
    pool = create_cognito_pool(
        cognito, moto_url, app_origins=[ORIGIN], name=f"oauth-{uuid.uuid4().hex[:8]}"
    )
    described: dict[str, Any] = cognito.describe_user_pool_client(  # type: ignore[assignment]
        UserPoolId=pool.pool_id, ClientId=pool.client_id
    )["UserPoolClient"]
    return described


def test_the_local_client_s_callback_and_sign_out_url_is_the_app_page(
    client: dict[str, Any],
) -> None:
    assert client["CallbackURLs"] == [f"{ORIGIN}/"]
    assert client["LogoutURLs"] == [f"{ORIGIN}/"]


@pytest.mark.parametrize(
    "setting",
    [
        "AllowedOAuthFlowsUserPoolClient",
        "AllowedOAuthFlows",
        "AllowedOAuthScopes",
        "SupportedIdentityProviders",
    ],
)
def test_the_local_client_has_the_template_s_oauth_settings(
    client: dict[str, Any], setting: str
) -> None:
    assert client[setting] == resource_properties("UserPoolClient")[setting]


def test_the_local_client_has_the_template_s_default_token_lifetimes(
    client: dict[str, Any],
) -> None:

    parameters = source_template()["Parameters"]
    assert client["IdTokenValidity"] == parameters["IdTokenValidityMinutes"]["Default"]
    assert client["AccessTokenValidity"] == parameters["AccessTokenValidityMinutes"]["Default"]
    assert client["RefreshTokenValidity"] == parameters["RefreshTokenValidityDays"]["Default"]
