"""The log retention custom resource against moto's CloudWatch Logs: a group's retention is
kept without the stack owning the group, so delete-then-redeploy never meets "already
exists"."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest

from log_retention.retention import RETENTION_DAYS, apply
from shared.custom_resource.protocol import CustomResourceError, Request
from testkit.custom_resource import cfn_event
from tests.support.http import Answer, scripted_server
from tests.support.template import source_template


@pytest.fixture
def logs(session: boto3.Session, moto_url: str) -> Any:
    return session.client("logs", endpoint_url=moto_url)


@pytest.fixture
def group_name() -> str:
    return f"/aws/lambda/us-east-1.stack-EdgeAuthFunction-{os.urandom(4).hex()}"


def request(request_type: str, name: str, days: str = "30", **kw: Any) -> Request:
    properties = {"LogGroupName": name, "RetentionInDays": days}
    return Request.from_event(
        cfn_event(request_type, properties, "https://unused.example/", logical_id="Logs", **kw)
    )


def retention_of(logs: Any, name: str) -> int | None:
    [group] = [
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        if g["logGroupName"] == name
    ]
    days: int | None = group.get("retentionInDays")
    return days


def test_create_makes_the_group_with_the_retention(logs: Any, group_name: str) -> None:
    outcome = apply(logs, request("Create", group_name, "14"))
    assert outcome.physical_resource_id == group_name
    assert outcome.data == {"LogGroupName": group_name}
    assert retention_of(logs, group_name) == 14


def test_create_adopts_a_group_something_re_created(logs: Any, group_name: str) -> None:
    """A replica logging after the stack was deleted re-created the group, without retention."""
    logs.create_log_group(logGroupName=group_name)
    apply(logs, request("Create", group_name, "30"))
    assert retention_of(logs, group_name) == 30


def test_an_update_sets_the_new_retention(logs: Any, group_name: str) -> None:
    apply(logs, request("Create", group_name, "30"))
    apply(logs, request("Update", group_name, "90", physical_id=group_name))
    assert retention_of(logs, group_name) == 90


def test_delete_leaves_the_group_and_its_retention(logs: Any, group_name: str) -> None:
    apply(logs, request("Create", group_name, "7"))
    outcome = apply(logs, request("Delete", group_name, "7", physical_id=group_name))
    assert outcome.physical_resource_id == group_name
    assert retention_of(logs, group_name) == 7


def test_delete_then_create_again_under_the_same_name_succeeds(logs: Any, group_name: str) -> None:
    apply(logs, request("Create", group_name, "30"))
    apply(logs, request("Delete", group_name, "30", physical_id=group_name))
    logs.put_retention_policy(logGroupName=group_name, retentionInDays=1)  # anything meanwhile
    apply(logs, request("Create", group_name, "60"))
    assert retention_of(logs, group_name) == 60


@pytest.mark.parametrize("days", ["0", "31", "thirty", ""])
def test_a_retention_cloudwatch_does_not_offer_fails_readably(
    logs: Any, group_name: str, days: str
) -> None:
    with pytest.raises(CustomResourceError, match="RetentionInDays"):
        apply(logs, request("Create", group_name, days))
    assert logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"] == []


def test_a_denied_call_fails_with_the_group_s_name(session: boto3.Session) -> None:
    """What IAM would answer (moto does not evaluate IAM), from a local endpoint."""
    denied = Answer(
        status=400,
        content_type="application/x-amz-json-1.1",
        body=b'{"__type":"AccessDeniedException","message":"not authorized to perform"}',
    )
    with scripted_server() as endpoint:
        endpoint.routes["POST /"] = denied
        logs = session.client("logs", endpoint_url=endpoint.url)
        with pytest.raises(CustomResourceError) as failure:
            apply(logs, request("Create", "/aws/lambda/x", "30"))
    assert "cannot set the retention of log group /aws/lambda/x" in str(failure.value)
    assert "not authorized" in str(failure.value)


def test_the_template_offers_exactly_the_retentions_the_resource_accepts() -> None:
    allowed = source_template()["Parameters"]["LogRetentionDays"]["AllowedValues"]
    assert set(allowed) == RETENTION_DAYS
