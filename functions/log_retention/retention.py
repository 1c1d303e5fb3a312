"""Set a log group's retention, creating the group if it is missing; never delete it.

A log group the stack creates under a fixed name (``AWS::Logs::LogGroup``) is deleted with the
stack, but whatever still logs to that name re-creates it: CloudFront's replicas of the edge
function keep running for hours, and the logs of a custom resource function's Delete can
arrive after CloudFormation has removed its group. The next create of a stack of the same
name then fails on "already exists". Like the CDK's ``LogRetention``, this resource creates
the group only if it is missing, sets its retention, and leaves it on Delete, so a redeploy
adopts it and its retention keeps bounding what accumulates.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from shared.custom_resource import properties as props
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_logs import CloudWatchLogsClient

#: The values PutRetentionPolicy accepts (the template's LogRetentionDays offers the same).
# fmt: off
RETENTION_DAYS = frozenset({
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
})
# fmt: on


def retention_days(raw: str) -> int:
    """The ``RetentionInDays`` property (CloudFormation sends numbers as strings)."""
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if days not in RETENTION_DAYS:
        raise CustomResourceError(
            f"RetentionInDays must be one of {sorted(RETENTION_DAYS)}, not {raw!r}"
        )
    return days


def apply(client: CloudWatchLogsClient, request: Request) -> Outcome:
    """Create (if missing) and set retention on Create and Update; leave the group on Delete."""
    if request.request_type == "Delete":
        return Outcome(request.physical_resource_id or "none")
    name = props.required_str(request.properties, "LogGroupName")
    days = retention_days(props.required_str(request.properties, "RetentionInDays"))
    try:
        # Re-created by a replica or left by an earlier stack of this name: adopt it.
        with contextlib.suppress(client.exceptions.ResourceAlreadyExistsException):
            client.create_log_group(logGroupName=name)
        client.put_retention_policy(logGroupName=name, retentionInDays=days)
    except ClientError as exc:
        raise CustomResourceError(f"cannot set the retention of log group {name}: {exc}") from exc
    return Outcome(name, {"LogGroupName": name})
