"""Enrolments in DynamoDB.

Keyed by ``learner`` (the Cognito ``sub``) and ``courseId``, so a learner's enrolments are one
partition, read with one strongly consistent Query; the ``byCourse`` index (``courseId``,
``learner``) lists a course's learners (an index is read eventually consistent only). An
enrolment goes only into a course that exists: the caller says which do (the catalog's
``course_ids``), read once per call or batch.

Decisions read with ``ConsistentRead``: an unenrolment is seen by the next call. Pages follow
DynamoDB's: ``next`` names where the page ended (opaque to callers, checked when it comes
back) and is None on the last page.

A record may carry ``revocationPending`` (``REVOCATION_PENDING``): a change that must revoke
the learner's grants for the course wrote it and has not confirmed the revocation yet
(``shared.enrolments.revoking``). Readers of the enrolment ignore it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared.access import ID_PATTERN
from shared.aws_errors import error_code
from shared.b64 import b64url_decode, b64url_encode
from shared.catalog.errors import InvalidValueError

from .errors import BrokenRecordError, ThrottledError, UnknownCourseError
from .model import LEARNER_PATTERN, Enrolment

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb import DynamoDBClient

COURSE_INDEX = "byCourse"
#: ``limit`` of every paginated answer: 1-100, 50 when not given.
MAX_PAGE = 100
DEFAULT_PAGE = 50
#: DynamoDB's own limit: BatchWriteItem takes 25 requests.
WRITE_BATCH = 25
#: How often an unprocessed part of a batch (throttling) is tried again, with backoff.
BATCH_ATTEMPTS = 8
#: DynamoDB's own limit: BatchGetItem reads 100 keys.
READ_BATCH = 100
#: The attribute of a record whose revocation is still owed (see the module docstring).
REVOCATION_PENDING = "revocationPending"
#: A learner and a course: an enrolment's key.
Key = tuple[str, str]

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize
T = TypeVar("T")


def enrolment_key(learner: str, course_id: str) -> dict[str, Any]:
    return {"learner": {"S": learner}, "courseId": {"S": course_id}}


def _attributes(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serialize(value) for name, value in values.items()}


def _plain(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserialize(value) for name, value in raw.items()}


def page_limit(value: str | None) -> int:
    """The ``limit`` query parameter: 1-100, default 50."""
    if value is None:
        return DEFAULT_PAGE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidValueError(f"limit must be a whole number from 1 to {MAX_PAGE}")
    return int(value)


def encode_cursor(last: str) -> str:
    return b64url_encode(json.dumps({"after": last}, separators=(",", ":")).encode())


def decode_cursor(cursor: str, pattern: Any) -> str:
    """Where the previous page ended; ``InvalidValueError`` unless it is one of ours."""
    try:
        after = json.loads(b64url_decode(cursor))["after"]
    except (ValueError, KeyError, TypeError):
        after = None
    if not isinstance(after, str) or not pattern.fullmatch(after):
        raise InvalidValueError("invalid next: pass the value of the previous page's next")
    return after


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None = None
    #: Records left out because they break the model (logged by the caller).
    broken: list[BrokenRecordError] = field(default_factory=list)


@dataclass(frozen=True)
class BatchOutcome:
    """One item of a batch: what was asked and how it went (HTTP-like ``status``)."""

    op: str
    course_id: str
    learner: str
    status: int
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "op": self.op,
            "courseId": self.course_id,
            "learner": self.learner,
            "status": self.status,
        }
        if self.message is not None:
            answer["message"] = self.message
        return answer


@dataclass
class BatchItem:
    """One item of a batch, in the order asked: a put (``enrolment``) or a delete, and its
    ``outcome`` once decided (refused, or written)."""

    op: str
    learner: str
    course_id: str
    enrolment: Enrolment | None = None
    outcome: BatchOutcome | None = None

    @property
    def key(self) -> Key:
        return (self.learner, self.course_id)

    def decide(self, status: int, message: str | None = None) -> None:
        self.outcome = BatchOutcome(self.op, self.course_id, self.learner, status, message)


def batch_items(
    puts: Sequence[Enrolment], deletes: Sequence[Key], courses: Collection[str]
) -> list[BatchItem]:
    """Puts, then deletes (learner, course), with the ones that cannot be written refused: an
    item whose key came before in the same batch (DynamoDB refuses a batch that names a key
    twice), a put into a course not in ``courses`` (the courses that exist)."""
    items = [BatchItem("put", e.learner, e.course_id, e) for e in puts]
    items += [BatchItem("delete", learner, course) for learner, course in deletes]
    seen: set[Key] = set()
    for item in items:
        if item.key in seen:
            item.decide(400, "appears twice in the batch")
        elif item.op == "put" and item.course_id not in courses:
            item.decide(404, f"no course {item.course_id}")
        seen.add(item.key)
    return items


class Held(NamedTuple):
    """A stored record: its enrolment (None when it breaks the model: it never opened
    anything) and whether a revocation is still owed for it."""

    enrolment: Enrolment | None
    revocation_pending: bool


class EnrolmentStore:
    """The enrolment table, through the DynamoDB client API."""

    def __init__(
        self,
        dynamodb: DynamoDBClient,
        table: str,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.dynamodb = dynamodb
        self.table = table
        self._sleep = sleep

    # ------------------------------------------------------------------ reads --
    def enrolment(self, learner: str, course_id: str) -> Enrolment | None:
        """The enrolment, read strongly consistent; ``BrokenRecordError`` when off-model."""
        raw = self.dynamodb.get_item(
            TableName=self.table, Key=enrolment_key(learner, course_id), ConsistentRead=True
        ).get("Item")
        return None if raw is None else Enrolment.from_dynamo(_plain(dict(raw)))

    def learner_page(self, learner: str, limit: int, cursor: str | None) -> Page[Enrolment]:
        """A learner's enrolments by course ID, strongly consistent."""
        start = None
        if cursor is not None:
            start = enrolment_key(learner, decode_cursor(cursor, ID_PATTERN))
        raw, last = self._query(
            {
                "KeyConditionExpression": "learner = :learner",
                "ExpressionAttributeValues": {":learner": {"S": learner}},
                "ConsistentRead": True,
            },
            limit,
            start,
        )
        return _page(raw, Enrolment.from_dynamo, None if last is None else last["courseId"]["S"])

    def course_page(self, course_id: str, limit: int, cursor: str | None) -> Page[Enrolment]:
        """A course's enrolments by learner, from the index (eventually consistent)."""
        start = None
        if cursor is not None:
            start = enrolment_key(decode_cursor(cursor, LEARNER_PATTERN), course_id)
        raw, last = self._query(
            {
                "IndexName": COURSE_INDEX,
                "KeyConditionExpression": "courseId = :course",
                "ExpressionAttributeValues": {":course": {"S": course_id}},
            },
            limit,
            start,
        )
        return _page(raw, Enrolment.from_dynamo, None if last is None else last["learner"]["S"])

    def held(self, keys: Collection[Key]) -> dict[Key, Held]:
        """The stored records of ``keys`` that exist, read strongly consistent (BatchGetItem,
        100 keys a call, what DynamoDB leaves unprocessed asked again)."""
        found: dict[Key, Held] = {}
        ordered = sorted(set(keys))
        for start in range(0, len(ordered), READ_BATCH):
            for raw in self._read_chunk(ordered[start : start + READ_BATCH]):
                plain = _plain(raw)
                try:
                    enrolment: Enrolment | None = Enrolment.from_dynamo(plain)
                except BrokenRecordError:
                    enrolment = None
                key = (str(plain.get("learner")), str(plain.get("courseId")))
                found[key] = Held(enrolment, plain.get(REVOCATION_PENDING) is True)
        return found

    def _read_chunk(self, keys: list[Key]) -> list[dict[str, Any]]:
        asked: Any = {"Keys": [enrolment_key(*key) for key in keys], "ConsistentRead": True}
        items: list[dict[str, Any]] = []
        for attempt in range(BATCH_ATTEMPTS):
            answer = self.dynamodb.batch_get_item(RequestItems={self.table: asked})
            items += [dict(raw) for raw in answer.get("Responses", {}).get(self.table, [])]
            left = (answer.get("UnprocessedKeys") or {}).get(self.table)
            if not left or not left.get("Keys"):
                return items
            asked = dict(left)
            self._backoff(attempt)
        raise ThrottledError("throttled: DynamoDB left enrolments unread; try again")

    # ----------------------------------------------------------------- writes --
    def put_if_absent(self, enrolment: Enrolment) -> bool:
        """Create an enrolment unless the learner has one in the course already (whatever its
        window); True if this call created it. The caller has checked the course exists."""
        try:
            self.dynamodb.put_item(
                TableName=self.table,
                Item=self._item(enrolment),
                ConditionExpression="attribute_not_exists(learner)",
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def put(
        self, enrolment: Enrolment, courses: Collection[str], *, revocation_pending: bool = False
    ) -> None:
        """Create or replace an enrolment; ``UnknownCourseError`` unless its course is one of
        ``courses`` (the courses that exist)."""
        if enrolment.course_id not in courses:
            raise UnknownCourseError(f"no course {enrolment.course_id}")
        item = self._item(enrolment, revocation_pending)
        self.dynamodb.put_item(TableName=self.table, Item=item)

    def settle(self, enrolment: Enrolment) -> bool:
        """Take ``revocationPending`` off the record ``enrolment`` was written as; False when
        the record has changed since (another writer's record is theirs to settle)."""
        if enrolment.change is None:
            raise ValueError("only a record that names its change can be settled")
        change = enrolment.change.to_dynamo()
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key=enrolment_key(enrolment.learner, enrolment.course_id),
                UpdateExpression="REMOVE #pending",
                ConditionExpression="#pending = :yes AND changedAt = :at AND changedBy = :by",
                ExpressionAttributeNames={"#pending": REVOCATION_PENDING},
                ExpressionAttributeValues=_attributes(
                    {":yes": True, ":at": change["changedAt"], ":by": change["changedBy"]}
                ),
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def delete(self, learner: str, course_id: str) -> bool:
        """Delete the enrolment; False when there was none (nothing to do is no error)."""
        answer = self.dynamodb.delete_item(
            TableName=self.table, Key=enrolment_key(learner, course_id), ReturnValues="ALL_OLD"
        )
        return "Attributes" in answer

    def apply(
        self,
        puts: Sequence[Enrolment],
        deletes: Sequence[Key],
        courses: Collection[str],
    ) -> list[BatchOutcome]:
        """Puts (each into one of ``courses``, the courses that exist) and deletes (learner,
        course) in batches; one outcome per item, in order: puts, then deletes
        (``batch_items`` says which are refused)."""
        items = batch_items(puts, deletes, courses)
        self.write(items)
        return [item.outcome for item in items if item.outcome is not None]

    def write(self, items: Sequence[BatchItem], pending: Collection[Key] = ()) -> None:
        """Write the items not decided yet, 25 a call, and decide each: written, or 503 when
        DynamoDB left it unprocessed after every retry. Puts whose key is in ``pending`` are
        written with ``revocationPending``."""
        writes = [item for item in items if item.outcome is None]
        requests: list[dict[str, Any]] = []
        for item in writes:
            if item.enrolment is None:
                requests.append({"DeleteRequest": {"Key": enrolment_key(*item.key)}})
            else:
                record = self._item(item.enrolment, item.key in pending)
                requests.append({"PutRequest": {"Item": record}})
        failed = self._batch_write(requests)
        for position, item in enumerate(writes):
            if position in failed:
                item.decide(503, "throttled: send this item again")
            else:
                item.decide(200 if item.op == "put" else 204)

    # --------------------------------------------------------------- plumbing --
    def _item(self, enrolment: Enrolment, revocation_pending: bool = False) -> dict[str, Any]:
        pending = {REVOCATION_PENDING: True} if revocation_pending else {}
        return _attributes(enrolment.to_dynamo() | pending)

    def _query(
        self, query: dict[str, Any], limit: int, start: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page: up to ``limit`` items, and the key to go on from (None: the end)."""
        request: dict[str, Any] = {"TableName": self.table, "Limit": limit, **query}
        if start is not None:
            request["ExclusiveStartKey"] = start
        answer = self.dynamodb.query(**request)
        items = [dict(raw) for raw in answer.get("Items", [])]
        last = answer.get("LastEvaluatedKey")
        return items, None if last is None else dict(last)

    def _batch_write(self, requests: list[dict[str, Any]]) -> set[int]:
        """Write in batches of 25, retrying what DynamoDB leaves unprocessed; the positions of
        the requests still unwritten after every retry."""
        failed: set[int] = set()
        for start in range(0, len(requests), WRITE_BATCH):
            chunk = requests[start : start + WRITE_BATCH]
            left = self._write_chunk(chunk)
            failed |= {start + chunk.index(request) for request in left}
        return failed

    def _write_chunk(self, chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
        pending = chunk
        for attempt in range(BATCH_ATTEMPTS):
            answer = self.dynamodb.batch_write_item(RequestItems={self.table: pending})  # type: ignore[dict-item]
            pending = list((answer.get("UnprocessedItems") or {}).get(self.table, []))  # type: ignore[arg-type]
            if not pending:
                return []
            self._backoff(attempt)
        return pending

    def _backoff(self, attempt: int) -> None:
        self._sleep(min(0.05 * 2**attempt, 2.0))


def _page(
    raw: list[dict[str, Any]], parse: Callable[[dict[str, Any]], T], last: str | None
) -> Page[T]:
    items: list[T] = []
    broken: list[BrokenRecordError] = []
    for record in raw:
        try:
            items.append(parse(_plain(record)))
        except BrokenRecordError as exc:
            broken.append(exc)
    return Page(items, None if last is None else encode_cursor(last), broken)
