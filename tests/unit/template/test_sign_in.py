"""template.yaml after the SAM transform: managed login, the web client as a public OAuth
client, and CORS following every app origin (issue 11, "Sign-in")."""

from __future__ import annotations

import re
from typing import Any

import pytest

from local.template import evaluate
from tests.support.template import transformed_template

#: Cognito's pattern for a prefix domain (CFN AWS::Cognito::UserPoolDomain, Domain).
COGNITO_PREFIX = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
#: Words Cognito refuses in a prefix domain.
RESERVED = ("aws", "amazon", "cognito")
ORIGINS = ["https://learn.example.com", "https://staging.learn.example.com"]


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return transformed_template()


def props(cfn: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = cfn["Resources"][name]["Properties"]
    return properties


def with_origins(value: Any) -> Any:
    return evaluate(value, {"AppOrigins": ORIGINS})


# --- managed login -----------------------------------------------------------------------


def test_the_pool_has_a_classic_managed_login_domain(cfn: dict[str, Any]) -> None:
    """Version 2 shows nothing until a branding style exists, and SAR takes no
    ManagedLoginBranding; version 1 needs none."""
    domain = cfn["Resources"]["UserPoolDomain"]
    assert domain["Type"] == "AWS::Cognito::UserPoolDomain"
    assert domain["Properties"]["UserPoolId"] == {"Ref": "UserPool"}
    assert domain["Properties"]["ManagedLoginVersion"] == 1
    assert "CustomDomainConfig" not in domain["Properties"]  # a prefix domain, no certificate


def derived_prefix(cfn: dict[str, Any], stack_id: str) -> str:
    condition, given, derived = props(cfn, "UserPoolDomain")["Domain"]["Fn::If"]
    assert condition == "HasLoginDomainPrefix"
    assert given == {"Ref": "LoginDomainPrefix"}
    separator, (word, select) = derived["Fn::Join"]
    index, split = select["Fn::Select"]
    assert split == {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}
    return f"{word}{separator}{stack_id.split('/')[index]}"


@pytest.mark.parametrize(
    "stack_id",
    [
        "arn:aws:cloudformation:us-east-1:123456789012:stack/My-Stack/1f2e3d4c-5b6a-4789-8abc-def012345678",
        "arn:aws:cloudformation:us-east-1:123456789012:stack/aws-cognito-amazon/00000000-aaaa-bbbb-cccc-ffffffffffff",
    ],
)
def test_the_derived_prefix_is_one_cognito_accepts_whatever_the_stack_is_called(
    cfn: dict[str, Any], stack_id: str
) -> None:
    prefix = derived_prefix(cfn, stack_id)
    assert COGNITO_PREFIX.fullmatch(prefix), prefix
    assert not any(word in prefix for word in RESERVED), prefix


def test_the_derived_prefix_differs_between_stacks(cfn: dict[str, Any]) -> None:
    base = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/"
    one = derived_prefix(cfn, base + "11111111-2222-4333-8444-555555555555")
    other = derived_prefix(cfn, base + "66666666-7777-4888-9999-000000000000")
    assert one != other


@pytest.mark.parametrize("value", ["", "learn", "learn-example-1", "a" * 63])
def test_the_prefix_parameter_accepts_what_cognito_accepts(cfn: dict[str, Any], value: str) -> None:
    assert re.fullmatch(cfn["Parameters"]["LoginDomainPrefix"]["AllowedPattern"], value)


@pytest.mark.parametrize("value", ["-learn", "learn-", "Learn", "learn.example", "a" * 64])
def test_the_prefix_parameter_refuses_what_cognito_refuses(cfn: dict[str, Any], value: str) -> None:
    assert not re.fullmatch(cfn["Parameters"]["LoginDomainPrefix"]["AllowedPattern"], value)


def test_the_managed_login_url_output_names_the_domain_s_prefix(cfn: dict[str, Any]) -> None:
    template, names = cfn["Outputs"]["ManagedLoginUrl"]["Value"]["Fn::Sub"]
    assert template == "https://${Prefix}.auth.${AWS::Region}.amazoncognito.com"
    assert names["Prefix"] == props(cfn, "UserPoolDomain")["Domain"]


# --- the web client ------------------------------------------------------------------------


def test_the_web_client_is_a_public_authorization_code_client(cfn: dict[str, Any]) -> None:
    client = props(cfn, "UserPoolClient")
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]  # no implicit grant
    assert sorted(client["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]


@pytest.mark.parametrize("urls", ["CallbackURLs", "LogoutURLs"])
def test_each_app_origin_is_a_callback_and_sign_out_url(cfn: dict[str, Any], urls: str) -> None:
    assert with_origins(props(cfn, "UserPoolClient")[urls]) == [f"{o}/" for o in ORIGINS]


def test_a_single_app_origin_is_a_single_callback(cfn: dict[str, Any]) -> None:
    client = props(cfn, "UserPoolClient")
    assert evaluate(client["CallbackURLs"], {"AppOrigins": ["http://localhost:8000"]}) == [
        "http://localhost:8000/"
    ]


def test_refresh_tokens_rotate_without_a_grace_period(cfn: dict[str, Any]) -> None:
    rotation = props(cfn, "UserPoolClient")["RefreshTokenRotation"]
    assert rotation["Feature"] == "ENABLED"
    assert rotation["RetryGracePeriodSeconds"] == 0


def test_the_client_allows_no_flow_rotation_is_incompatible_with(cfn: dict[str, Any]) -> None:
    """Cognito: rotation "is incompatible with the REFRESH_TOKEN_AUTH authentication flow"."""
    flows = props(cfn, "UserPoolClient")["ExplicitAuthFlows"]
    assert "ALLOW_REFRESH_TOKEN_AUTH" not in flows
    assert flows == ["ALLOW_USER_SRP_AUTH"]


@pytest.mark.parametrize(
    ("prop", "parameter", "unit", "bounds"),
    [
        ("IdTokenValidity", "IdTokenValidityMinutes", "minutes", (5, 1440)),
        ("AccessTokenValidity", "AccessTokenValidityMinutes", "minutes", (5, 1440)),
        ("RefreshTokenValidity", "RefreshTokenValidityDays", "days", (1, 3650)),
    ],
)
def test_token_lifetimes_are_parameters_within_cognito_s_bounds(
    cfn: dict[str, Any], prop: str, parameter: str, unit: str, bounds: tuple[int, int]
) -> None:
    client = props(cfn, "UserPoolClient")
    assert client[prop] == {"Ref": parameter}
    units = client["TokenValidityUnits"]
    assert units[prop.removesuffix("Validity")] == unit
    declared = cfn["Parameters"][parameter]
    assert (declared["MinValue"], declared["MaxValue"]) == bounds
    assert bounds[0] <= declared["Default"] <= bounds[1]


def test_no_allowed_id_or_access_lifetime_outlives_the_shortest_refresh_lifetime(
    cfn: dict[str, Any],
) -> None:
    """Cognito refuses ID/access lifetimes longer than the refresh lifetime; the bounds make
    that impossible instead of leaving it to a failed deploy."""
    parameters = cfn["Parameters"]
    longest = max(
        parameters[p]["MaxValue"] for p in ("IdTokenValidityMinutes", "AccessTokenValidityMinutes")
    )
    assert longest <= parameters["RefreshTokenValidityDays"]["MinValue"] * 24 * 60


# --- app origins and CORS -------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    ["https://learn.example.com", "https://learn.example.com:8443", "http://localhost:8000"],
)
def test_the_app_origins_parameter_accepts_origins_cognito_can_call_back(
    cfn: dict[str, Any], origin: str
) -> None:
    declared = cfn["Parameters"]["AppOrigins"]
    assert declared["Type"] == "CommaDelimitedList"  # the pattern applies to each element
    assert re.fullmatch(declared["AllowedPattern"], origin)


@pytest.mark.parametrize(
    "origin",
    [
        "http://learn.example.com",
        "https://learn.example.com/",
        "https://x/app",
        "https://Learn.example.com",
        "",
    ],
)
def test_the_app_origins_parameter_refuses_anything_but_an_origin(
    cfn: dict[str, Any], origin: str
) -> None:
    """Plain http would be a callback Cognito refuses; a path or an uppercase host never
    equals the Origin a browser sends."""
    assert not re.fullmatch(cfn["Parameters"]["AppOrigins"]["AllowedPattern"], origin)


def test_the_bucket_s_cors_allows_every_app_origin(cfn: dict[str, Any]) -> None:
    [rule] = props(cfn, "ContentBucket")["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == {"Ref": "AppOrigins"}


def test_the_response_headers_policy_allows_every_app_origin(cfn: dict[str, Any]) -> None:
    config = props(cfn, "ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    assert config["CorsConfig"]["AccessControlAllowOrigins"] == {"Items": {"Ref": "AppOrigins"}}
    assert config["CorsConfig"]["AccessControlAllowCredentials"] is False


def test_every_app_origin_and_only_they_may_frame_content(cfn: dict[str, Any]) -> None:
    config = props(cfn, "ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    csp = with_origins(config["SecurityHeadersConfig"]["ContentSecurityPolicy"])
    assert csp["ContentSecurityPolicy"] == (
        "default-src 'none'; frame-ancestors " + " ".join(ORIGINS) + "; form-action 'none'; sandbox"
    )


def test_the_edge_answers_cors_for_every_app_origin(cfn: dict[str, Any]) -> None:
    assert props(cfn, "EdgeConfig")["CorsAllowedOrigins"] == {"Ref": "AppOrigins"}


def test_the_api_function_gets_every_app_origin(cfn: dict[str, Any]) -> None:
    variables = props(cfn, "ContentDeliveryFunction")["Environment"]["Variables"]
    assert with_origins(variables["APP_ORIGINS"]) == ",".join(ORIGINS)


def test_the_function_not_a_one_origin_mock_answers_every_preflight(cfn: dict[str, Any]) -> None:
    """SAM's Cors makes a mock integration naming one origin; the function answers instead.
    (The app's paths: the enrolment API's, /learners/ included, are for a backend, not a
    browser.)"""
    paths = props(cfn, "ContentApi")["Body"]["paths"]
    backend = ("/enrolments", "/learners/")
    app_paths = {p: o for p, o in paths.items() if not p.startswith(backend)}
    assert app_paths
    for path, operations in app_paths.items():
        integration = operations["options"]["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy", path
        [route] = [op for verb, op in operations.items() if verb != "options"]
        assert integration["uri"] == route["x-amazon-apigateway-integration"]["uri"]
        assert operations["options"]["security"] == [{"NONE": []}], path


def test_api_gateway_s_own_errors_are_readable_by_the_app_and_carry_no_credentials(
    cfn: dict[str, Any],
) -> None:
    """A static header cannot name one of several origins: the fixed, user-free messages of
    gateway responses are readable by any origin, never with credentials."""
    responses = props(cfn, "ContentApi")["Body"]["x-amazon-apigateway-gateway-responses"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        headers = responses[kind]["responseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
        assert "gatewayresponse.header.Access-Control-Allow-Credentials" not in headers


def test_the_app_origins_output_lists_them(cfn: dict[str, Any]) -> None:
    assert with_origins(cfn["Outputs"]["AppOriginList"]["Value"]) == ",".join(ORIGINS)
