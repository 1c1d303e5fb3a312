"""The content catalog in DynamoDB, behind a small interface the routes depend on.

Items are keyed by ``contentId``; the ``byCourse`` index (``courseId``, ``position``) lists a
course's items in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .errors import CatalogItemError
from .model import ContentItem

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

COURSE_INDEX = "byCourse"
#: A course listing stops here; a course is a few dozen items, not thousands.
MAX_COURSE_ITEMS = 500


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


class Catalog(Protocol):
    def get(self, content_id: str) -> ContentItem | None:
        """The item, ``None`` when there is none, ``CatalogItemError`` when it is broken."""

    def list_course(self, course_id: str) -> CourseListing: ...


class DynamoCatalog:
    """``Catalog`` over a DynamoDB table (boto3 resource API)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, content_id: str) -> ContentItem | None:
        item = self._table.get_item(Key={"contentId": content_id}).get("Item")
        return None if item is None else ContentItem.from_dynamo(item)

    def list_course(self, course_id: str) -> CourseListing:
        items: list[Any] = []
        query: dict[str, Any] = {
            "IndexName": COURSE_INDEX,
            "KeyConditionExpression": "courseId = :course",
            "ExpressionAttributeValues": {":course": course_id},
        }
        while len(items) < MAX_COURSE_ITEMS:
            page = self._table.query(**query)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return CourseListing.parse(items[:MAX_COURSE_ITEMS])
