"""The catalog in DynamoDB, read side: what the Content Delivery function ships with.

Content items are keyed by ``contentId``; the ``byCourse`` index (``courseId``, ``position``)
lists a course's items in order. Records whose ``contentId`` starts with ``_`` are the
product's own (no content ID can): ``_courses`` names every course (created with
``bin/content course put``; before that existed, every course published to), ``_course#<id>``
holds a course's title and description, and publishing journals live beside the items they
change (see ``tools.publishing.writes``). None has a ``courseId``, so none is in the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from boto3.dynamodb.types import TypeDeserializer

from .errors import CatalogItemError
from .model import COURSE_RECORD_PREFIX, ContentItem, Course

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb import DynamoDBClient

COURSE_INDEX = "byCourse"
#: A course listing stops here; a course is a few dozen items, not thousands.
MAX_COURSE_ITEMS = 500
#: The record that names the courses (a string set, ``names``): a course exists when it is
#: named there.
COURSES_RECORD = "_courses"

_deserialize = TypeDeserializer().deserialize


def record_key(record_id: str) -> dict[str, Any]:
    """The table key of any record, content item or the product's own."""
    return {"contentId": {"S": record_id}}


def from_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item (attribute-value form) as plain Python values."""
    return {name: _deserialize(value) for name, value in raw.items()}


@dataclass(frozen=True)
class CourseListing:
    """A course's items in order, and the broken ones left out of it (one bad item must not
    hide the rest of the course)."""

    items: list[ContentItem] = field(default_factory=list)
    broken: list[CatalogItemError] = field(default_factory=list)

    @classmethod
    def parse(cls, stored: list[Any]) -> CourseListing:
        listing = cls()
        for raw in stored:
            try:
                listing.items.append(ContentItem.from_dynamo(raw))
            except CatalogItemError as exc:
                listing.broken.append(exc)
        return listing


@dataclass(frozen=True)
class CourseCount:
    course_id: str
    items: int


class Catalog(Protocol):
    """What the API's routes need from the catalog."""

    def get(self, content_id: str) -> ContentItem | None:
        """The item, ``None`` when there is none, ``CatalogItemError`` when it is broken."""

    def list_course(self, course_id: str) -> CourseListing: ...

    def course_ids(self) -> list[str]:
        """Every course, sorted (the ``_courses`` record)."""

    def list_courses(self, course_ids: Iterable[str] | None = None) -> list[CourseCount]:
        """Each of ``course_ids`` (default: every course) that has items, and how many."""


class CatalogStore:
    """The catalog table, read through the DynamoDB client API."""

    def __init__(self, dynamodb: DynamoDBClient, table: str) -> None:
        self.dynamodb = dynamodb
        self.table = table

    def record(self, record_id: str, *, consistent: bool = False) -> dict[str, Any] | None:
        """Any record by ``contentId``, as plain values."""
        answer = self.dynamodb.get_item(
            TableName=self.table, Key=record_key(record_id), ConsistentRead=consistent
        )
        raw = answer.get("Item")
        return None if raw is None else from_attributes(dict(raw))

    def get(self, content_id: str, *, consistent: bool = False) -> ContentItem | None:
        stored = self.record(content_id, consistent=consistent)
        return None if stored is None else ContentItem.from_dynamo(stored)

    def _course_pages(self, course_id: str, **extra: Any) -> Iterator[dict[str, Any]]:
        query: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": COURSE_INDEX,
            "KeyConditionExpression": "courseId = :course",
            "ExpressionAttributeValues": {":course": {"S": course_id}},
            **extra,
        }
        while True:
            page: dict[str, Any] = dict(self.dynamodb.query(**query))
            yield page
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def list_course(self, course_id: str) -> CourseListing:
        stored: list[dict[str, Any]] = []
        for page in self._course_pages(course_id):
            stored += [from_attributes(dict(raw)) for raw in page.get("Items", [])]
            if len(stored) >= MAX_COURSE_ITEMS:
                break
        return CourseListing.parse(stored[:MAX_COURSE_ITEMS])

    def count_course(self, course_id: str) -> int:
        return sum(int(page["Count"]) for page in self._course_pages(course_id, Select="COUNT"))

    def last_position(self, course_id: str) -> int | None:
        """The highest position in the course, from the index (one item read)."""
        page = next(self._course_pages(course_id, ScanIndexForward=False, Limit=1))
        items = page.get("Items", [])
        return int(from_attributes(dict(items[0]))["position"]) if items else None

    def course_ids(self) -> list[str]:
        record = self.record(COURSES_RECORD, consistent=True) or {}
        return sorted(str(name) for name in record.get("names", ()))

    def course(self, course_id: str) -> Course | None:
        """The course's record (title, description); ``None`` for a course without one (one
        published to before courses had records) or no course at all."""
        stored = self.record(COURSE_RECORD_PREFIX + course_id, consistent=True)
        return None if stored is None else Course.from_dynamo(stored)

    def list_courses(self, course_ids: Iterable[str] | None = None) -> list[CourseCount]:
        """Courses with items, and how many, from the course list and the index."""
        names = self.course_ids() if course_ids is None else course_ids
        counts = [CourseCount(name, self.count_course(name)) for name in names]
        return [count for count in counts if count.items]
