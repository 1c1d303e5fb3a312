"""The time a custom resource keeps to answer CloudFormation: enough for every attempt at
sending the answer to time out, with the pauses between them."""

from __future__ import annotations

import pytest

from shared.custom_resource.protocol import (
    ANSWER_SLACK_SECONDS,
    DEADLINE_MARGIN_SECONDS,
    SEND_ATTEMPTS,
    SEND_TIMEOUT_SECONDS,
    pause_after,
    worst_case_send_seconds,
)
from tests.support.template import source_template

#: Seconds of work a custom resource function must have left once the margin is kept.
MIN_WORK_SECONDS = 20


def test_the_worst_case_send_is_three_timed_out_attempts_and_the_two_pauses_between() -> None:
    assert (SEND_ATTEMPTS, SEND_TIMEOUT_SECONDS) == (3, 10.0)
    assert [pause_after(attempt) for attempt in (1, 2)] == [1.0, 2.0]
    assert worst_case_send_seconds() == 3 * 10.0 + 1.0 + 2.0


def test_the_margin_covers_the_worst_case_send_and_the_slack_to_prepare_it() -> None:
    assert worst_case_send_seconds() + ANSWER_SLACK_SECONDS == DEADLINE_MARGIN_SECONDS
    assert DEADLINE_MARGIN_SECONDS >= 33.0


def _custom_resource_functions() -> dict[str, int]:
    """Timeout of every function that backs a custom resource, by logical ID."""
    resources = source_template()["Resources"]
    tokens = {
        resource["Properties"]["ServiceToken"]["Fn::GetAtt"][0]
        for resource in resources.values()
        if resource["Type"] == "AWS::CloudFormation::CustomResource"
    }
    return {name: int(resources[name]["Properties"]["Timeout"]) for name in sorted(tokens)}


@pytest.mark.parametrize(("function", "timeout"), _custom_resource_functions().items())
def test_every_custom_resource_function_has_time_to_work_before_the_margin(
    function: str, timeout: int
) -> None:
    assert timeout - DEADLINE_MARGIN_SECONDS >= MIN_WORK_SECONDS, function
