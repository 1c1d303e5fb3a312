"""CloudFormation custom resources: read the request, always answer, never let a stack hang.

CloudFormation waits for a custom resource's answer until the resource's ``ServiceTimeout``
(an hour by default). ``run`` makes sure it always gets one once the handler runs: the
resource's work runs in a worker thread with a deadline ``DEADLINE_MARGIN_SECONDS`` before the
Lambda timeout, a margin that covers the worst case of sending the answer; whatever happens
(an answer, an exception, the deadline) a SUCCESS or FAILED response is PUT to the pre-signed
``ResponseURL`` with a readable reason. The handler sees that deadline (``Request.deadline``),
so a wait of its own can end in time to report why it failed.

A handler that never runs (its module cannot be imported, say) sends nothing: then only
``ServiceTimeout`` ends CloudFormation's wait, which is why every custom resource sets one.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

#: No Lambda invocation runs longer, so no wait needs to either (a request without deadline).
LAMBDA_MAX_TIMEOUT_SECONDS = 900.0
#: CloudFormation shows at most about 4 KB of reason; keep it well inside.
MAX_REASON_LENGTH = 1000
#: Tries at PUTting the answer, and how long each may block (urllib applies the timeout to each
#: socket operation: connecting, sending, reading the answer).
SEND_ATTEMPTS = 3
SEND_TIMEOUT_SECONDS = 10.0
#: Logging the outcome and building the answer's body, before the first attempt.
ANSWER_SLACK_SECONDS = 2.0
#: Properties CloudFormation itself reads and passes on in ``ResourceProperties``: ``ServiceToken``
#: (where to send the request) and ``ServiceTimeout`` (how long it waits for the answer, a
#: string). They are not the resource's, so no handler sees them, and changing the timeout
#: alone changes nothing a handler reads.
CLOUDFORMATION_PROPERTIES = ("ServiceToken", "ServiceTimeout")
#: Physical ID reported for a Create that failed before anything existed.
FAILED_CREATE_PREFIX = "failed-create-"

Status = Literal["SUCCESS", "FAILED"]


class CustomResourceError(Exception):
    """A failure whose message is written for the person reading the stack's events."""


@dataclass(frozen=True)
class Request:
    """The parts of a custom resource event that resource code needs."""

    request_type: Literal["Create", "Update", "Delete"]
    properties: Mapping[str, Any]
    old_properties: Mapping[str, Any]
    physical_resource_id: str | None
    logical_resource_id: str
    stack_id: str
    request_id: str
    response_url: str
    #: ``time.monotonic()`` by which the handler must have returned for its answer to be sent;
    #: ``run`` sets it from the time Lambda has left.
    deadline: float = math.inf

    def seconds_left(self) -> float:
        """Seconds until ``deadline`` (never negative)."""
        return max(self.deadline - time.monotonic(), 0.0)

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> Request:
        try:
            request_type = event["RequestType"]
            if request_type not in ("Create", "Update", "Delete"):
                raise CustomResourceError(f"unknown RequestType {request_type!r}")
            return cls(
                request_type=request_type,
                properties=_own_properties(event.get("ResourceProperties")),
                old_properties=_own_properties(event.get("OldResourceProperties")),
                physical_resource_id=event.get("PhysicalResourceId"),
                logical_resource_id=str(event["LogicalResourceId"]),
                stack_id=str(event["StackId"]),
                request_id=str(event["RequestId"]),
                response_url=str(event["ResponseURL"]),
            )
        except KeyError as exc:
            raise CustomResourceError(f"not a CloudFormation custom resource event: {exc}") from exc


def _own_properties(raw: object) -> dict[str, Any]:
    """The resource's properties without ``CLOUDFORMATION_PROPERTIES``, which CloudFormation
    includes in both the new and the old properties."""
    properties = dict(raw) if isinstance(raw, Mapping) else {}
    for name in CLOUDFORMATION_PROPERTIES:
        properties.pop(name, None)
    return properties


@dataclass(frozen=True)
class Outcome:
    """What a resource handler reports: its physical ID and attributes for ``Fn::GetAtt``."""

    physical_resource_id: str
    data: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Outcome]


class InfoLogger(Protocol):
    """What ``run`` needs of a logger (Powertools' ``Logger`` fits)."""

    def info(self, msg: str, *, extra: Mapping[str, Any]) -> None: ...


def response_body(request: Request, status: Status, outcome: Outcome | None, reason: str) -> bytes:
    # A failed Create has no resource yet; a stable placeholder lets the rollback's Delete
    # be recognised and skipped.
    physical_id = (
        outcome.physical_resource_id
        if outcome
        else request.physical_resource_id or f"{FAILED_CREATE_PREFIX}{request.request_id}"
    )
    return json.dumps(
        {
            "Status": status,
            "Reason": reason[:MAX_REASON_LENGTH],
            "PhysicalResourceId": physical_id,
            "StackId": request.stack_id,
            "RequestId": request.request_id,
            "LogicalResourceId": request.logical_resource_id,
            "Data": dict(outcome.data) if outcome else {},
        }
    ).encode("utf-8")


def pause_after(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (from 1) before the next."""
    return float(attempt)


def worst_case_send_seconds() -> float:
    """How long ``send`` can take when every attempt times out: each attempt's timeout and
    the pauses between attempts."""
    pauses = sum(pause_after(attempt) for attempt in range(1, SEND_ATTEMPTS))
    return SEND_ATTEMPTS * SEND_TIMEOUT_SECONDS + pauses


#: Seconds kept in reserve before the Lambda timeout to send the answer, FAILED or not: the
#: worst case of sending it, and the slack to prepare it.
DEADLINE_MARGIN_SECONDS = worst_case_send_seconds() + ANSWER_SLACK_SECONDS


def send(url: str, body: bytes) -> None:
    """PUT the response to the pre-signed S3 URL, retrying transient failures (in at most
    ``worst_case_send_seconds``, but for a server that drips its answer byte by byte)."""
    # The pre-signed URL is signed for an empty Content-Type.
    request = urllib.request.Request(  # noqa: S310 - URL comes from CloudFormation
        url, data=body, method="PUT", headers={"Content-Type": ""}
    )
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            if attempt == SEND_ATTEMPTS:
                raise
            time.sleep(pause_after(attempt))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, CustomResourceError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def run(
    event: Mapping[str, Any],
    handler: Handler,
    remaining_seconds: float,
    logger: InfoLogger,
) -> Status:
    """Run ``handler`` for ``event`` and send CloudFormation its answer; returns the status.

    ``remaining_seconds`` is the time left before Lambda stops the function. A request that
    cannot even be parsed cannot be answered (there is no URL); it is logged and dropped.
    """
    request = Request.from_event(event)
    if request.request_type == "Delete" and (request.physical_resource_id or "").startswith(
        FAILED_CREATE_PREFIX
    ):
        # The rollback of a Create that failed: nothing was created, nothing to delete.
        send(request.response_url, response_body(request, "SUCCESS", None, "nothing to delete"))
        return "SUCCESS"
    result: dict[str, Any] = {}
    budget = max(remaining_seconds - DEADLINE_MARGIN_SECONDS, 1.0)
    request = dataclasses.replace(request, deadline=time.monotonic() + budget)

    def work() -> None:
        try:
            result["outcome"] = handler(request)
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a FAILED answer
            result["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(request.seconds_left())

    outcome: Outcome | None = result.get("outcome")
    status: Status
    if worker.is_alive():
        status, reason = "FAILED", f"timed out after {budget:.0f} s; see the function's log"
    elif "error" in result:
        status, reason = "FAILED", _describe(result["error"])
    else:
        status, reason = "SUCCESS", "OK"
    logger.info(
        "custom resource answered",
        extra={"status": status, "reason": reason, "request_type": request.request_type},
    )
    send(request.response_url, response_body(request, status, outcome, reason))
    return status
