"""The grant check's CloudFront Function and key value store as template.yaml declares them:
the code it names is functions/grant_check/index.js as it is now, on the runtime that reads key
value stores, with the stack's store, and the deploy-time function may change that one
function only."""

from __future__ import annotations

import hashlib
from typing import Any

from cloudfront_resources import function_code
from tests.support.representative_arns import Resolver
from tests.support.template import source_template, transformed_template
from tools.stack import ROOT

INDEX_JS = ROOT / "functions" / "grant_check" / "index.js"
TEMPLATE = source_template()
FUNCTION = TEMPLATE["Resources"]["GrantCheckFunction"]["Properties"]


def test_the_template_names_the_code_by_the_sha256_of_index_js_as_it_is() -> None:
    """A changed index.js changes the property, so CloudFormation updates the function; a
    template left behind would be refused by the custom resource at deploy time instead."""
    actual = hashlib.sha256(INDEX_JS.read_bytes()).hexdigest()
    assert FUNCTION["CodeSha256"] == actual, (
        f"index.js changed: set GrantCheckFunction's CodeSha256 in template.yaml to {actual}"
    )


def test_the_custom_resource_reads_the_code_where_the_source_tree_has_it() -> None:
    assert function_code.PACKAGED == INDEX_JS


def test_the_function_runs_on_runtime_2_0_with_the_stack_s_store_as_its_only_one() -> None:
    config = FUNCTION["FunctionConfig"]
    assert config["Runtime"] == "cloudfront-js-2.0"
    assert config["KeyValueStoreAssociations"] == [
        {"KeyValueStoreARN": {"Fn::GetAtt": ["GrantStore", "Arn"]}}
    ]


def test_the_store_and_the_function_are_made_by_the_cloudfront_custom_resource() -> None:
    for name in ("GrantStore", "GrantCheckFunction"):
        resource = TEMPLATE["Resources"][name]
        assert resource["Type"] == "AWS::CloudFormation::CustomResource"
        token = resource["Properties"]["ServiceToken"]
        assert token == {"Fn::GetAtt": ["CloudFrontResourcesFunction", "Arn"]}


def _function_grants(cfn: dict[str, Any], resolver: Resolver) -> dict[frozenset[str], Any]:
    """Actions and (resolved) resources of each statement of the custom resource's role that
    grants a cloudfront:*Function action."""
    role = cfn["Resources"]["CloudFrontResourcesFunctionRole"]["Properties"]
    found = {}
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = frozenset(statement["Action"])
            if any(a.startswith("cloudfront:") and a.endswith("Function") for a in actions):
                found[actions] = resolver.resolve(statement["Resource"])
    return found


def test_the_deploy_time_function_may_change_the_stack_s_grant_check_function_only() -> None:
    cfn = transformed_template()
    resolver = Resolver(cfn)
    name = resolver.resolve(cfn["Resources"]["GrantCheckFunction"]["Properties"]["Name"])
    partition, account = resolver.ref("AWS::Partition"), resolver.ref("AWS::AccountId")
    changes = {
        "cloudfront:DescribeFunction",
        "cloudfront:UpdateFunction",
        "cloudfront:PublishFunction",
        "cloudfront:DeleteFunction",
    }
    grants = _function_grants(cfn, resolver)
    assert grants[frozenset(changes)] == f"arn:{partition}:cloudfront::{account}:function/{name}"
    # CreateFunction supports no resource type: IAM authorizes it against "*" only.
    [create] = [actions for actions in grants if "cloudfront:CreateFunction" in actions]
    assert grants[create] == "*"
    assert set(grants) == {frozenset(changes), create}
