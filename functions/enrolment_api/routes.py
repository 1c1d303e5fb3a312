"""The Enrolment API's routes: a platform's backend enrols its learners (by Cognito ``sub``).

API Gateway checks the SigV4 signature (``AWS_IAM`` on every method here) and IAM decides
whether the signer may call the method; the routes refuse (403) any request whose context
names no IAM caller, so a method that lost its ``AWS_IAM`` setting opens nothing. The caller's
ARN is recorded as ``changedBy``. No route calls Cognito: a learner is their ``sub``. The logs
and traces name the course and the caller, never a learner's ``sub`` (no answer is traced).

* ``PUT /enrolments/{courseId}/{learner}``, optional body ``{"notBefore", "notAfter",
  "reference"}``: create or replace, 200 with the enrolment; 404 for a course without a record.
* ``DELETE /enrolments/{courseId}/{learner}``: 204, also when there was none.
* ``POST /enrolments``, ``{"put": [...], "delete": [...]}``, 1-100 items in all: 200 with one
  result per item, in the same two lists; a bad item does not fail the others.
* ``GET /enrolments?learner=SUB`` or ``?courseId=ID``, ``limit`` (1-100, 50) and ``next``.
* ``POST /learners/{learner}/revoke``: every grant of the learner, for every course, issued up
  to now is refused at the edge; 200 saying so.

A deletion, and a replacement that narrows the window, revoke the learner's grants for the
course (``shared.enrolments.revoking``): the revocation is written first, and if the grant
store cannot be written the answer is a 503 and nothing changes (a batch item: that item's
503); sent again, such a request converges.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from typing import Any, Protocol

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import validate_id
from shared.enrolments.model import Change, Enrolment, format_time, validate_learner
from shared.enrolments.revoking import RevokingEnrolments
from shared.enrolments.store import MAX_PAGE, BatchOutcome, EnrolmentStore, page_limit
from shared.grant_store_writes import revoke
from shared.key_value_store import KeyValueStore

from .errors import NotSignedError
from .observability import logger, metrics, tracer

#: An IAM caller as API Gateway names it in ``requestContext.identity.userArn``.
_CALLER = re.compile(r"arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[\x21-\x7e]{1,1900}")
#: The largest body read: a full batch is about 40 KB.
MAX_BODY = 256 * 1024


class Courses(Protocol):
    """Which courses exist: the catalog's course list (``shared.catalog.store``)."""

    def course_ids(self) -> list[str]: ...


class EnrolmentRoutes:
    """The routes over one enrolment store and the grant store; ``router`` holds them for the
    app. An enrolment goes only into a course of ``courses``, read (strongly consistent) once
    per request."""

    def __init__(
        self,
        store: EnrolmentStore,
        courses: Courses,
        grants: KeyValueStore,
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self.courses = courses
        self.grants = grants
        self.changes = RevokingEnrolments(store, grants, clock)
        self.clock = clock
        self.router = APIGatewayRouter()  # type: ignore[no-untyped-call]
        self.router.put("/enrolments/<course_id>/<learner>")(self.put_one)
        self.router.delete("/enrolments/<course_id>/<learner>")(self.delete_one)
        self.router.post("/enrolments")(self.batch)
        self.router.get("/enrolments")(self.listing)
        self.router.post("/learners/<learner>/revoke")(self.revoke_learner)

    def change(self) -> Change:
        """Who is asking (their IAM ARN) and now; no IAM caller is a 403."""
        caller = self.router.current_event.request_context.identity.user_arn
        if not isinstance(caller, str) or not _CALLER.fullmatch(caller):
            raise NotSignedError("the request names no IAM caller")
        return Change(caller, int(self.clock()))

    def body(self) -> Any:
        text = self.router.current_event.body
        if not text:
            return None
        if len(text) > MAX_BODY:
            raise InvalidValueError(f"the body is larger than {MAX_BODY} bytes")
        try:
            return json.loads(text)
        except ValueError:
            raise InvalidValueError("the body is not JSON") from None

    @tracer.capture_method(capture_response=False)
    def put_one(self, course_id: str, learner: str) -> dict[str, Any]:
        change = self.change()
        fields = self.body()
        if fields is None:
            fields = {}
        if not isinstance(fields, dict):
            raise InvalidValueError("the body must be a JSON object")
        enrolment = Enrolment.parse(learner, course_id, fields, change)
        self.changes.put(enrolment, self.courses.course_ids())
        logger.info("enrolled", extra={"course_id": course_id, "by": change.by})
        metrics.add_metric(name="Enrolled", unit=MetricUnit.Count, value=1)
        return enrolment.to_json()

    @tracer.capture_method(capture_response=False)
    def delete_one(self, course_id: str, learner: str) -> Response[Any]:
        change = self.change()
        self.changes.delete(validate_learner(learner), validate_id(course_id, "course ID"))
        logger.info("unenrolled", extra={"course_id": course_id, "by": change.by})
        metrics.add_metric(name="Unenrolled", unit=MetricUnit.Count, value=1)
        return Response(status_code=204)

    @tracer.capture_method(capture_response=False)
    def batch(self) -> dict[str, Any]:
        change = self.change()
        asked = self.body()
        if not isinstance(asked, dict) or not set(asked) <= {"put", "delete"}:
            raise InvalidValueError('the body must be {"put": [...], "delete": [...]}')
        puts, deletes = asked.get("put", []), asked.get("delete", [])
        if not isinstance(puts, list) or not isinstance(deletes, list):
            raise InvalidValueError('"put" and "delete" must be lists')
        if not 1 <= len(puts) + len(deletes) <= MAX_PAGE:
            raise InvalidValueError(f"a batch holds 1 to {MAX_PAGE} items in all")
        answer = Batch(change).run(self.changes, puts, deletes, self.courses.course_ids())
        logger.info("batch applied", extra={"items": len(puts) + len(deletes), "by": change.by})
        return answer

    @tracer.capture_method(capture_response=False)
    def listing(self) -> dict[str, Any]:
        self.change()
        event = self.router.current_event
        learner = event.get_query_string_value("learner")
        course_id = event.get_query_string_value("courseId")
        limit = page_limit(event.get_query_string_value("limit"))
        cursor = event.get_query_string_value("next")
        if (learner is None) == (course_id is None):
            raise InvalidValueError("give exactly one of learner and courseId")
        if learner is not None:
            page = self.store.learner_page(validate_learner(learner), limit, cursor)
        else:
            page = self.store.course_page(validate_id(str(course_id), "course ID"), limit, cursor)
        for broken in page.broken:
            logger.error("broken enrolment record left out", extra={"detail": str(broken)})
        answer: dict[str, Any] = {"enrolments": [e.to_json() for e in page.items]}
        if page.next is not None:
            answer["next"] = page.next
        return answer

    @tracer.capture_method(capture_response=False)
    def revoke_learner(self, learner: str) -> dict[str, Any]:
        change = self.change()
        sub = validate_learner(learner)
        now = self.clock()
        revoke(self.grants, sub, now)
        logger.info("grants revoked for every course", extra={"by": change.by})
        metrics.add_metric(name="GrantsRevoked", unit=MetricUnit.Count, value=1)
        return {"learner": sub, "courses": "all", "grantsIssuedUpTo": format_time(int(now))}


class Batch:
    """One ``POST /enrolments``: each item checked on its own, the good ones applied together."""

    def __init__(self, change: Change) -> None:
        self.change = change

    def run(
        self,
        changes: RevokingEnrolments,
        puts: list[Any],
        deletes: list[Any],
        courses: Collection[str],
    ) -> dict[str, Any]:
        results: dict[str, list[dict[str, Any] | None]] = {
            "put": [None] * len(puts),
            "delete": [None] * len(deletes),
        }
        good_puts: list[tuple[int, Enrolment]] = []
        good_deletes: list[tuple[int, tuple[str, str]]] = []
        for index, item in enumerate(puts):
            try:
                good_puts.append((index, self._put(item)))
            except InvalidValueError as exc:
                results["put"][index] = _refused(item, str(exc))
        for index, item in enumerate(deletes):
            try:
                good_deletes.append((index, self._delete(item)))
            except InvalidValueError as exc:
                results["delete"][index] = _refused(item, str(exc))
        outcomes = changes.apply(
            [e for _, e in good_puts], [key for _, key in good_deletes], courses
        )
        placed = [("put", i) for i, _ in good_puts] + [("delete", i) for i, _ in good_deletes]
        for (op, index), outcome in zip(placed, outcomes, strict=True):
            results[op][index] = _result(outcome)
        return results

    def _put(self, item: Any) -> Enrolment:
        if not isinstance(item, dict):
            raise InvalidValueError("an item must be a JSON object")
        fields = {k: v for k, v in item.items() if k not in ("courseId", "learner")}
        return Enrolment.parse(_text(item, "learner"), _text(item, "courseId"), fields, self.change)

    def _delete(self, item: Any) -> tuple[str, str]:
        if not isinstance(item, dict) or not set(item) <= {"courseId", "learner"}:
            raise InvalidValueError('a delete item is {"courseId", "learner"}')
        return validate_learner(_text(item, "learner")), validate_id(
            _text(item, "courseId"), "course ID"
        )


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str):
        raise InvalidValueError(f"{name} must be a string")
    return value


def _refused(item: Any, message: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"status": 400, "message": message}
    if isinstance(item, dict):
        answer |= {k: item[k] for k in ("courseId", "learner") if isinstance(item.get(k), str)}
    return answer


def _result(outcome: BatchOutcome) -> dict[str, Any]:
    answer = outcome.to_json()
    del answer["op"]
    return answer
