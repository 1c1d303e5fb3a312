"""The custom resource protocol against a local HTTP listener standing in for the pre-signed
S3 response URL: CloudFormation always gets an answer, with a reason a person can read."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
from collections.abc import Iterator
from typing import Any

import pytest

from shared.custom_resource.protocol import (
    DEADLINE_MARGIN_SECONDS,
    SEND_ATTEMPTS,
    CustomResourceError,
    Outcome,
    Request,
    run,
)
from testkit.custom_resource import cfn_event
from tests.support.http import Answer, ScriptedServer, scripted_server

log = logging.getLogger("test-custom-resource")


class Logger:
    def info(self, msg: str, *, extra: Any) -> None:
        log.info(msg, extra=dict(extra))


@pytest.fixture
def listener() -> Iterator[ScriptedServer]:
    with scripted_server() as server:
        server.routes["/response"] = Answer(status=200)
        yield server


def answer_of(server: ScriptedServer) -> dict[str, Any]:
    [request] = server.requests
    assert request.method == "PUT"
    assert request.headers.get("Content-Type", "") == ""  # the URL is signed for no content type
    body: dict[str, Any] = json.loads(request.body)
    return body


def event(server: ScriptedServer, request_type: str = "Create", **kw: Any) -> dict[str, Any]:
    return cfn_event(request_type, {"Name": "x"}, f"{server.url}/response", **kw)


def test_a_success_reports_the_physical_id_and_attributes(listener: ScriptedServer) -> None:
    status = run(event(listener), lambda r: Outcome("res-1", {"Arn": "arn:1"}), 60, Logger())
    body = answer_of(listener)
    assert status == "SUCCESS"
    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == "res-1"
    assert body["Data"] == {"Arn": "arn:1"}
    assert body["RequestId"] == "5d478078-13e9-baf0-464a-7ef285ecc786"
    assert body["LogicalResourceId"] == "EdgeConfig"
    assert body["StackId"].startswith("arn:aws:cloudformation:")


def test_a_resource_error_fails_with_its_message(listener: ScriptedServer) -> None:
    def fail(request: Request) -> Outcome:
        raise CustomResourceError("property Issuer is required")

    assert run(event(listener), fail, 60, Logger()) == "FAILED"
    body = answer_of(listener)
    assert body["Reason"] == "property Issuer is required"
    assert body["PhysicalResourceId"].startswith("failed-create-")


def test_an_unexpected_error_fails_with_its_type_and_message(listener: ScriptedServer) -> None:
    def crash(request: Request) -> Outcome:
        raise KeyError("Configuration")

    run(event(listener), crash, 60, Logger())
    assert answer_of(listener)["Reason"] == "KeyError: 'Configuration'"


def test_a_failed_update_keeps_the_old_physical_id(listener: ScriptedServer) -> None:
    def fail(request: Request) -> Outcome:
        raise CustomResourceError("nope")

    run(event(listener, "Update", physical_id="res-1", old_properties={}), fail, 60, Logger())
    assert answer_of(listener)["PhysicalResourceId"] == "res-1"


def test_a_hanging_resource_is_answered_before_lambda_times_out(listener: ScriptedServer) -> None:
    def hang(request: Request) -> Outcome:
        time.sleep(30)
        raise AssertionError("unreachable")

    start = time.monotonic()
    remaining = DEADLINE_MARGIN_SECONDS + 1.5
    assert run(event(listener), hang, remaining_seconds=remaining, logger=Logger()) == "FAILED"
    assert time.monotonic() - start < 10
    assert "timed out" in answer_of(listener)["Reason"]


def test_the_rollback_delete_of_a_failed_create_does_nothing(listener: ScriptedServer) -> None:
    def must_not_run(request: Request) -> Outcome:
        raise AssertionError("handler called")

    failed_id = "failed-create-5d478078-13e9-baf0-464a-7ef285ecc786"
    assert (
        run(event(listener, "Delete", physical_id=failed_id), must_not_run, 60, Logger())
        == "SUCCESS"
    )
    assert answer_of(listener)["PhysicalResourceId"] == failed_id


def test_a_long_reason_is_truncated(listener: ScriptedServer) -> None:
    def fail(request: Request) -> Outcome:
        raise CustomResourceError("x" * 10_000)

    run(event(listener), fail, 60, Logger())
    assert len(answer_of(listener)["Reason"]) <= 1000


def test_the_answer_is_retried_when_the_url_fails_transiently(listener: ScriptedServer) -> None:
    listener.routes["/response"] = [Answer(status=503), Answer(status=200)]
    assert run(event(listener), lambda r: Outcome("res-1"), 60, Logger()) == "SUCCESS"
    assert [r.method for r in listener.requests] == ["PUT", "PUT"]


def test_properties_arrive_without_the_service_token(listener: ScriptedServer) -> None:
    seen: list[Request] = []

    def record(request: Request) -> Outcome:
        seen.append(request)
        return Outcome("res-1")

    run(event(listener), record, 60, Logger())
    assert seen[0].properties == {"Name": "x"}


def test_the_service_timeout_is_cloudformation_s_and_reaches_no_handler(
    listener: ScriptedServer,
) -> None:
    """CloudFormation passes ``ServiceTimeout`` on in both the new and the old properties."""
    seen: list[Request] = []

    def record(request: Request) -> Outcome:
        seen.append(request)
        return Outcome("res-1")

    update = cfn_event(
        "Update",
        {"Name": "x", "ServiceTimeout": "300"},
        f"{listener.url}/response",
        physical_id="res-1",
        old_properties={"Name": "x", "ServiceTimeout": "900"},
    )
    assert run(update, record, 60, Logger()) == "SUCCESS"
    assert (seen[0].properties, seen[0].old_properties) == ({"Name": "x"}, {"Name": "x"})


@pytest.mark.slow
def test_an_answer_the_url_never_takes_is_tried_as_often_as_the_margin_counts(
    listener: ScriptedServer,
) -> None:
    listener.routes["/response"] = Answer(status=503)
    with pytest.raises(urllib.error.HTTPError):
        run(event(listener), lambda r: Outcome("res-1"), 60, Logger())
    assert [r.method for r in listener.requests] == ["PUT"] * SEND_ATTEMPTS


def test_an_event_that_is_not_from_cloudformation_is_refused() -> None:
    with pytest.raises(CustomResourceError, match="not a CloudFormation"):
        run({"RequestType": "Create"}, lambda r: Outcome("x"), 60, Logger())


def test_the_service_token_is_dropped_from_old_properties_too(listener: ScriptedServer) -> None:
    seen: list[Request] = []

    def record(request: Request) -> Outcome:
        seen.append(request)
        return Outcome("res-1")

    update = event(listener, "Update", physical_id="res-1", old_properties={"Name": "old"})
    run(update, record, 60, Logger())
    assert seen[0].old_properties == {"Name": "old"}


def test_the_handler_sees_the_deadline_its_answer_must_beat(listener: ScriptedServer) -> None:
    """Waits inside a handler (the edge version becoming Active) stop in time to answer."""
    seen: list[float] = []

    def record(request: Request) -> Outcome:
        seen.append(request.seconds_left())
        return Outcome("res-1")

    run(event(listener), record, 60, Logger())
    [left] = seen
    assert 0 < left <= 60 - DEADLINE_MARGIN_SECONDS
