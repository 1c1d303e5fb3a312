"""The grant key resource's pure parts: the secret's name, and the properties it refuses before
any call."""

from __future__ import annotations

from typing import Any

import pytest

from grant_key.resource import NAME_INFIX, apply, secret_name
from shared.custom_resource.protocol import CustomResourceError, Request
from testkit.custom_resource import cfn_event

STACK_ID = (
    "arn:aws:cloudformation:us-east-1:123456789012:stack/private-content/"
    "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"
)
STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def test_the_secret_is_named_for_the_stack_and_its_uuid() -> None:
    assert secret_name(STACK_ID) == (
        f"private-content{NAME_INFIX}1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"
    )


def test_a_new_stack_of_a_deleted_stack_s_name_gets_a_secret_of_its_own() -> None:
    again = STACK_ID.replace("1a2b3c4d-5e6f", "9f8e7d6c-5b4a")
    assert secret_name(again) != secret_name(STACK_ID)


@pytest.mark.parametrize(
    "stack_id",
    ["", "private-content", "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1a2b"],
)
def test_a_stack_id_that_is_not_one_fails_readably(stack_id: str) -> None:
    with pytest.raises(CustomResourceError, match="not a CloudFormation stack ID"):
        secret_name(stack_id)


def request(request_type: str, properties: dict[str, Any]) -> Request:
    event = cfn_event(
        request_type,
        properties,
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=STACK_ID,
        physical_id="arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf",
    )
    return Request.from_event(event)


@pytest.mark.parametrize("request_type", ["Create", "Update"])
@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({}, "property StoreArn is required"),
        ({"StoreArn": ""}, "property StoreArn is required"),
        ({"StoreArn": "arn:aws:s3:::bucket"}, "not a KeyValueStore ARN"),
        ({"StoreArn": f"{STORE_ARN}/keys"}, "not a KeyValueStore ARN"),
        ({"StoreArn": STORE_ARN, "Issuer": "urn:x"}, "unknown properties: Issuer"),
    ],
)
def test_properties_it_cannot_act_on_fail_before_any_call(
    request_type: str, properties: dict[str, Any], message: str
) -> None:
    with pytest.raises(CustomResourceError, match=message):
        apply(None, None, request(request_type, properties))  # type: ignore[arg-type]
