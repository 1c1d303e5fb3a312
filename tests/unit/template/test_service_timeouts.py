"""How long CloudFormation waits for each custom resource: long enough for any answer its
function can send, and no more than 15 minutes when none will come.

CloudFormation invokes a custom resource's function asynchronously and waits for the answer
until the resource's ``ServiceTimeout`` (3,600 s when unset). Once the handler runs, it answers
before the function's ``Timeout``: ``shared.custom_resource.protocol.run`` stops the work
``DEADLINE_MARGIN_SECONDS`` before it, time enough to send the answer. Before the handler runs
come the invocation's queueing and Lambda's Init phase (at most 10 s). A function that cannot
start at all (an import error, a package without its dependencies) never answers: then
``ServiceTimeout`` alone ends the wait, on the create and again on the rollback's delete.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.custom_resource.protocol import DEADLINE_MARGIN_SECONDS
from tests.support.template import resources_of_type, source_template

#: Time from CloudFormation's invocation to the handler starting, allowed for: the
#: asynchronous invocation's queue and Lambda's Init phase (10 s at most).
START_SECONDS = 120
#: A broken start fails the stack within 15 minutes (issue 19); CloudFormation allows 1-3,600.
MAX_SERVICE_TIMEOUT = 900

TEMPLATE = source_template()
CUSTOM_RESOURCES = resources_of_type(TEMPLATE, "AWS::CloudFormation::CustomResource")


def _function_of(resource: dict[str, Any]) -> dict[str, Any]:
    name, attribute = resource["Properties"]["ServiceToken"]["Fn::GetAtt"]
    assert attribute == "Arn"
    properties: dict[str, Any] = TEMPLATE["Resources"][name]["Properties"]
    return properties


def test_the_template_has_custom_resources_to_check() -> None:
    assert len(CUSTOM_RESOURCES) >= 10


@pytest.mark.parametrize("name", sorted(CUSTOM_RESOURCES))
def test_every_custom_resource_ends_cloudformation_s_wait_within_15_minutes(name: str) -> None:
    service_timeout = CUSTOM_RESOURCES[name]["Properties"]["ServiceTimeout"]
    assert isinstance(service_timeout, int)
    assert 1 <= service_timeout <= MAX_SERVICE_TIMEOUT


@pytest.mark.parametrize("name", sorted(CUSTOM_RESOURCES))
def test_cloudformation_waits_for_the_latest_answer_its_function_can_send(name: str) -> None:
    """The answer goes out before the function's Timeout (the protocol keeps its margin inside
    it), so the latest one arrives START_SECONDS + Timeout after the invocation."""
    timeout = int(_function_of(CUSTOM_RESOURCES[name])["Timeout"])
    assert timeout > DEADLINE_MARGIN_SECONDS
    assert CUSTOM_RESOURCES[name]["Properties"]["ServiceTimeout"] >= START_SECONDS + timeout
