"""What the stack keeps: data when the stack is deleted, nothing when its first create fails,
except what cannot or must not be deleted then."""

from __future__ import annotations

import pytest

from tests.support.template import source_template

RESOURCES = source_template()["Resources"]

#: Kept even by the rollback of a failed first create, and why.
KEPT_ALWAYS = {
    # Lambda refuses to delete a function CloudFront still has replicas of.
    "EdgeAuthFunction": "replicated",
    # S3 may have delivered access logs into it, and a bucket holding objects cannot be deleted.
    "LogsBucket": "may hold objects",
    # The account-wide API Gateway setting may name the role already.
    "ApiGatewayLoggingRole": "named by an account setting",
    "ApiGatewayAccount": "an account setting",
}

#: Types that hold data: content, catalog items, users.
STATEFUL_TYPES = {"AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Cognito::UserPool"}


@pytest.mark.parametrize(
    "name",
    sorted(n for n, r in RESOURCES.items() if r["Type"] in STATEFUL_TYPES and n not in KEPT_ALWAYS),
)
def test_data_is_kept_but_a_failed_first_create_deletes_it(name: str) -> None:
    resource = RESOURCES[name]
    assert resource["DeletionPolicy"] == "RetainExceptOnCreate"
    # UpdateReplacePolicy takes Delete, Retain or Snapshot only.
    assert resource["UpdateReplacePolicy"] == "Retain"


def test_only_what_a_rollback_cannot_or_must_not_delete_is_kept_by_it() -> None:
    kept = {name for name, r in RESOURCES.items() if r.get("DeletionPolicy") == "Retain"}
    assert kept == set(KEPT_ALWAYS)


def test_every_stateful_resource_is_kept_when_the_stack_is_deleted() -> None:
    stateful = [r for r in RESOURCES.values() if r["Type"] in STATEFUL_TYPES]
    assert len(stateful) >= 4
    for resource in stateful:
        assert resource["DeletionPolicy"] in ("Retain", "RetainExceptOnCreate")
        assert resource["UpdateReplacePolicy"] == "Retain"
