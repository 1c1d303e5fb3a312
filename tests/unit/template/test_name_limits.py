"""Every name the stack makes fits its limit, whatever stack name CloudFormation accepts.

CloudFormation allows stack names of 128 characters. The template's names are read after the
SAM transform and worked out for a stack of that length (and a stack ID ending in a UUID, as
CloudFormation makes them); each must fit the limit its resource type's schema or AWS's
documentation gives it (tests/support/name_limits.py). Names the functions make at deploy time
(the grant key's secret and its tags) are checked against Secrets Manager's own limits.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from grant_key.resource import owner_tags, secret_name
from shared.custom_resource.protocol import Request
from tests.support.name_limits import LimitedString, limited_strings, schema_limit
from tests.support.representative_arns import Resolver, branches, pseudo_parameters
from tests.support.template import resources_of_type, transformed_template

#: The longest stack name CloudFormation accepts ([a-zA-Z][-a-zA-Z0-9]*, 128 characters).
LONGEST_STACK_NAME = ("private-content-at-edge-" * 6)[:127] + "x"
PSEUDO = pseudo_parameters(LONGEST_STACK_NAME)

#: Lambda: "The total size of all environment variables doesn't exceed 4 KB" (Lambda quotas).
LAMBDA_ENVIRONMENT_BYTES = 4096
#: IAM: a role's inline policies together hold at most 10,240 characters, white space not
#: counted (IAM and AWS STS quotas, "Role policy size").
IAM_ROLE_POLICY_CHARACTERS = 10_240

CFN = transformed_template()
LIMITED = list(limited_strings(CFN))


def test_the_stack_name_is_the_longest_cloudformation_accepts() -> None:
    assert len(LONGEST_STACK_NAME) == 128
    assert PSEUDO["AWS::StackId"].split("/")[1] == LONGEST_STACK_NAME


@pytest.mark.parametrize("limited", LIMITED, ids=[limited.id for limited in LIMITED])
def test_every_limited_string_fits_with_the_longest_stack_name(limited: LimitedString) -> None:
    resolver = Resolver(CFN, PSEUDO)
    for value in branches(limited.value):
        resolved = resolver.resolve(value)
        assert isinstance(resolved, str), resolved
        assert len(resolved) <= limited.max_length, (limited.type_name, resolved)


@pytest.mark.parametrize(
    "name",
    [
        # The names that a long stack name made overflow (issue 19), and the other names
        # derived from the stack's name or ID.
        "OriginAccessControl.OriginAccessControlConfig.Name",
        "ResponseHeadersPolicy.ResponseHeadersPolicyConfig.Name",
        "GrantStore.Name",
        "GrantCheckFunction.Name",
        "Distribution.DistributionConfig.Comment",
        "UserPool.UserPoolName",
        "UserPoolDomain.Domain",
        "ApiAccessLogGroup.LogGroupName",
        "EdgeAuthLogs.LogGroupName",
        "ContentDeliveryLogs.LogGroupName",
    ],
)
def test_the_names_made_from_the_stack_s_name_or_id_are_among_those_checked(name: str) -> None:
    assert name in {limited.id for limited in LIMITED}


def _request(stack_id: str) -> Request:
    return Request(
        request_type="Create",
        properties={},
        old_properties={},
        physical_resource_id=None,
        logical_resource_id="GrantKey",
        stack_id=stack_id,
        request_id="request",
        response_url="https://example.com/response",
    )


def test_the_grant_key_s_secret_name_and_tags_fit_secrets_manager_s_limits() -> None:
    """The GrantKey custom resource names its secret and tags it in code."""
    name = secret_name(PSEUDO["AWS::StackId"])
    assert LONGEST_STACK_NAME in name
    assert len(name) <= schema_limit("AWS::SecretsManager::Secret", "Name")
    tag_value_limit = schema_limit("AWS::SecretsManager::Secret", "Tags.[].Value")
    for tag in owner_tags(_request(PSEUDO["AWS::StackId"])):
        assert len(tag["Value"]) <= tag_value_limit, tag


@pytest.mark.parametrize("function", sorted(resources_of_type(CFN, "AWS::Lambda::Function")))
def test_every_function_s_environment_fits_lambda_s_4_kb_with_the_longest_stack_name(
    function: str,
) -> None:
    environment = CFN["Resources"][function]["Properties"].get("Environment", {})
    for variables in branches(environment.get("Variables", {})):
        resolved = Resolver(CFN, PSEUDO).resolve(variables)
        assert len(json.dumps(resolved).encode()) <= LAMBDA_ENVIRONMENT_BYTES


def _inline_policies(role: str) -> list[Any]:
    """The policy documents IAM counts as ``role``'s inline policies: its own ``Policies`` and
    every AWS::IAM::Policy attached to it."""
    resources = CFN["Resources"]
    documents = [p["PolicyDocument"] for p in resources[role]["Properties"].get("Policies", [])]
    documents += [
        policy["Properties"]["PolicyDocument"]
        for policy in resources_of_type(CFN, "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
    ]
    return documents


@pytest.mark.parametrize("role", sorted(resources_of_type(CFN, "AWS::IAM::Role")))
def test_every_role_s_inline_policies_fit_iam_s_limit_with_the_longest_stack_name(
    role: str,
) -> None:
    for documents in branches(_inline_policies(role)):
        resolved = Resolver(CFN, PSEUDO).resolve(documents)
        characters = sum(len(json.dumps(d, separators=(",", ":"))) for d in resolved)
        assert characters <= IAM_ROLE_POLICY_CHARACTERS
