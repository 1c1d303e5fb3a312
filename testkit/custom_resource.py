"""CloudFormation custom resource events, as CloudFormation sends them."""

from __future__ import annotations

from typing import Any


def cfn_event(
    request_type: str,
    properties: dict[str, Any],
    response_url: str,
    *,
    physical_id: str | None = None,
    old_properties: dict[str, Any] | None = None,
    logical_id: str = "EdgeConfig",
    stack_id: str = "arn:aws:cloudformation:us-east-1:123456789012:stack/private-content/1a2b",
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:resource",
        "ResponseURL": response_url,
        "StackId": stack_id,
        "RequestId": "5d478078-13e9-baf0-464a-7ef285ecc786",
        "LogicalResourceId": logical_id,
        "ResourceType": "AWS::CloudFormation::CustomResource",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:resource",
            **properties,
        },
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        event["OldResourceProperties"] = {"ServiceToken": event["ServiceToken"], **old_properties}
    return event
