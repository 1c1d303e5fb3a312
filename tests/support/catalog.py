"""An in-memory catalog with the same interface (and item parsing) as the DynamoDB one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.catalog.model import ContentItem, Course
from shared.catalog.store import CourseListing


class InMemoryCatalog:
    """Stores items in their DynamoDB form and parses them on the way out, as CatalogStore does."""

    def __init__(
        self,
        items: Iterable[ContentItem | dict[str, Any]] = (),
        courses: Iterable[Course] = (),
    ) -> None:
        """``items``, in courses that exist; ``courses`` are records (title, description)."""
        self.items = {}
        for item in items:
            stored = item.to_dynamo() if isinstance(item, ContentItem) else item
            self.items[stored["contentId"]] = stored
        self.records = {course.course_id: course for course in courses}

    def get(self, content_id: str) -> ContentItem | None:
        stored = self.items.get(content_id)
        return None if stored is None else ContentItem.from_dynamo(stored)

    def list_course(self, course_id: str) -> CourseListing:
        found = [i for i in self.items.values() if i["courseId"] == course_id]
        return CourseListing.parse(sorted(found, key=lambda item: item["position"]))

    def course_ids(self) -> list[str]:
        return sorted({str(i["courseId"]) for i in self.items.values()} | self.records.keys())

    def courses(self, course_ids: Iterable[str]) -> dict[str, Course]:
        return {c: self.records[c] for c in course_ids if c in self.records}


class BrokenCatalog:
    """A catalog whose backend fails, as DynamoDB does when throttled or misconfigured."""

    def get(self, content_id: str) -> ContentItem | None:
        raise RuntimeError(f"DynamoDB is unavailable (secret detail for {content_id})")

    def list_course(self, course_id: str) -> CourseListing:
        raise RuntimeError("DynamoDB is unavailable")

    def course_ids(self) -> list[str]:
        raise RuntimeError("DynamoDB is unavailable")

    def courses(self, course_ids: Iterable[str]) -> dict[str, Course]:
        raise RuntimeError("DynamoDB is unavailable")
