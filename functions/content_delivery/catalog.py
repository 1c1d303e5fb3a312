"""The content catalog in DynamoDB, behind a small interface the routes depend on.

Items are keyed by ``contentId``; the ``byCourse`` index (``courseId``, ``position``) lists a
course's items in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from .model import ContentItem

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

COURSE_INDEX = "byCourse"
#: A course listing stops here; a course is a few dozen items, not thousands.
MAX_COURSE_ITEMS = 500


class Catalog(Protocol):
    def get(self, content_id: str) -> ContentItem | None: ...

    def list_course(self, course_id: str) -> list[ContentItem]: ...


class DynamoCatalog:
    """``Catalog`` over a DynamoDB table (boto3 resource API)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, content_id: str) -> ContentItem | None:
        item = self._table.get_item(Key={"contentId": content_id}).get("Item")
        return None if item is None else ContentItem.from_dynamo(item)

    def list_course(self, course_id: str) -> list[ContentItem]:
        items: list[ContentItem] = []
        query: dict[str, Any] = {
            "IndexName": COURSE_INDEX,
            "KeyConditionExpression": "courseId = :course",
            "ExpressionAttributeValues": {":course": course_id},
        }
        while len(items) < MAX_COURSE_ITEMS:
            page = self._table.query(**query)
            items += [ContentItem.from_dynamo(item) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items[:MAX_COURSE_ITEMS]
