"""CloudFormation-shaped properties become CloudFront API shapes (botocore's model, offline)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from cloudfront_resources.config_objects import (
    ORIGIN_ACCESS_CONTROL,
    RESPONSE_HEADERS_POLICY,
    api_config,
)
from cloudfront_resources.resources import KINDS, kind_of
from cloudfront_resources.shapes import to_api
from local.template import evaluate
from shared.custom_resource.protocol import CLOUDFORMATION_PROPERTIES, CustomResourceError
from tests.support.representative_arns import PSEUDO_PARAMETERS
from tests.support.template import source_template


@pytest.fixture(scope="module")
def cloudfront() -> Any:
    return boto3.client(
        "cloudfront", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


APP_ORIGINS = ["https://a.example", "https://b.example"]


def as_cloudformation_sends(value: Any) -> Any:
    """What CloudFormation passes: intrinsics resolved (AppOrigins here), scalars as strings."""
    return _strings(evaluate(value, {"AppOrigins": APP_ORIGINS, **PSEUDO_PARAMETERS}))


def _strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, int) else value


def template_properties(name: str) -> dict[str, Any]:
    """The resource's own properties: the protocol layer drops CloudFormation's before a
    handler sees them."""
    properties = dict(source_template()["Resources"][name]["Properties"])
    for own in CLOUDFORMATION_PROPERTIES:
        properties.pop(own)
    return as_cloudformation_sends(properties)  # type: ignore[no-any-return]


def test_the_template_s_response_headers_policy_converts_to_the_api_shape(cloudfront: Any) -> None:
    properties = template_properties("ResponseHeadersPolicy")
    properties["ResponseHeadersPolicyConfig"]["Name"] = "policy"
    config = api_config(cloudfront, RESPONSE_HEADERS_POLICY, properties)
    cors = config["CorsConfig"]
    assert cors["AccessControlAllowOrigins"] == {"Quantity": 2, "Items": APP_ORIGINS}
    assert cors["AccessControlAllowMethods"] == {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"]}
    assert cors["AccessControlMaxAgeSec"] == 600
    assert cors["OriginOverride"] is True
    assert cors["AccessControlAllowCredentials"] is False
    hsts = config["SecurityHeadersConfig"]["StrictTransportSecurity"]
    csp = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp == (
        "default-src 'none'; frame-ancestors https://a.example https://b.example; "
        "form-action 'none'; sandbox"
    )
    assert hsts == {
        "AccessControlMaxAgeSec": 63072000,
        "IncludeSubdomains": True,
        "Preload": False,
        "Override": True,
    }


def test_the_template_s_origin_access_control_converts_to_the_api_shape(cloudfront: Any) -> None:
    properties = template_properties("OriginAccessControl")
    properties["OriginAccessControlConfig"]["Name"] = "oac"
    config = api_config(cloudfront, ORIGIN_ACCESS_CONTROL, properties)
    assert config["SigningBehavior"] == "always"
    assert config["OriginAccessControlOriginType"] == "s3"


def test_the_template_s_grant_check_function_config_converts_to_the_api_shape(
    cloudfront: Any,
) -> None:
    """AWS::CloudFront::Function writes KeyValueStoreAssociations as a plain list."""
    properties = template_properties("GrantCheckFunction")
    assert kind_of(properties).native == "Function"
    arn = "arn:aws:cloudfront::123456789012:key-value-store/9b8c0e62-example"
    [association] = properties["FunctionConfig"]["KeyValueStoreAssociations"]
    association["KeyValueStoreARN"] = arn  # what CloudFormation makes of !GetAtt GrantStore.Arn
    shape = cloudfront.meta.service_model.shape_for("FunctionConfig")
    config = to_api(shape, properties["FunctionConfig"], "FunctionConfig")
    assert config["Runtime"] == "cloudfront-js-2.0"
    assert config["KeyValueStoreAssociations"] == {
        "Quantity": 1,
        "Items": [{"KeyValueStoreARN": arn}],
    }


def test_the_template_s_grant_store_is_a_key_value_store() -> None:
    assert kind_of(template_properties("GrantStore")).native == "KeyValueStore"


def test_lists_of_objects_get_their_quantity(cloudfront: Any) -> None:
    properties = {
        "ResponseHeadersPolicyConfig": {
            "Name": "p",
            "CustomHeadersConfig": {"Items": [{"Header": "X-A", "Value": "1", "Override": "true"}]},
        }
    }
    config = api_config(cloudfront, RESPONSE_HEADERS_POLICY, properties)
    assert config["CustomHeadersConfig"] == {
        "Quantity": 1,
        "Items": [{"Header": "X-A", "Value": "1", "Override": True}],
    }


def test_a_plain_list_is_taken_for_a_counted_one(cloudfront: Any) -> None:
    """As AWS::CloudFront::Function writes its KeyValueStoreAssociations."""
    properties = {
        "ResponseHeadersPolicyConfig": {
            "Name": "p",
            "CustomHeadersConfig": [{"Header": "X-A", "Value": "1", "Override": "true"}],
        }
    }
    config = api_config(cloudfront, RESPONSE_HEADERS_POLICY, properties)
    assert config["CustomHeadersConfig"] == {
        "Quantity": 1,
        "Items": [{"Header": "X-A", "Value": "1", "Override": True}],
    }


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"Name": "p", "Unknown": "x"}, "unknown properties"),
        ({"Name": "p", "CorsConfig": {"OriginOverride": "yes"}}, "boolean"),
        ({"Name": "p", "CorsConfig": {"AccessControlMaxAgeSec": "ten"}}, "integer"),
        (
            {"Name": "p", "CorsConfig": {"AccessControlAllowOrigins": {"Items": "https://a"}}},
            "list",
        ),
        ({"Name": 7}, "string"),
        ("policy", "object"),
    ],
)
def test_malformed_properties_get_a_readable_error(
    cloudfront: Any, config: Any, message: str
) -> None:
    properties = {"ResponseHeadersPolicyConfig": config}
    with pytest.raises(CustomResourceError, match=message):
        api_config(cloudfront, RESPONSE_HEADERS_POLICY, properties)


@pytest.mark.parametrize(
    "properties",
    [
        {},
        {"Other": 1},
        {"OriginAccessControlConfig": {}, "ResponseHeadersPolicyConfig": {}},
        {"Name": "n", "Comment": "c", "Other": 1},
        {"Name": "n", "FunctionConfig": {}},
        {"Name": "n", "FunctionConfig": {}, "CodeSha256": "0" * 64, "Comment": "c"},
        {"Name": "n", "OriginAccessControlConfig": {}},
    ],
)
def test_exactly_one_kind_of_config_must_be_given(properties: dict[str, Any]) -> None:
    with pytest.raises(CustomResourceError, match="exactly one"):
        kind_of(properties)


def test_the_four_kinds_stand_in_for_their_native_types() -> None:
    assert [kind.native for kind in KINDS] == [
        "OriginAccessControl",
        "ResponseHeadersPolicy",
        "KeyValueStore",
        "Function",
    ]
