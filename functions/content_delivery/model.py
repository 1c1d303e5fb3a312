"""The content catalog's items: their IDs, fields and DynamoDB representation.

Shared by the API (which reads items) and the operator tool (which writes them), so both
agree on what a valid ID and a valid item are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import CatalogItemError, InvalidIdError

#: Content and course IDs: 1-64 characters of ASCII letters, digits, "-" and "_".
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ID_RULE = "1-64 characters: letters A-Z a-z, digits, '-' and '_'"
CONTENT_TYPES = ("video", "quiz", "assignment")


def validate_id(value: str, what: str = "ID") -> str:
    """``value`` if it is a well-formed ID, else ``InvalidIdError`` with a short message."""
    if not ID_PATTERN.fullmatch(value):
        raise InvalidIdError(f"invalid {what}: use {ID_RULE}")
    return value


@dataclass(frozen=True)
class ContentItem:
    """One piece of course content and where its object lives in the content bucket."""

    content_id: str
    course_id: str
    title: str
    type: str
    key: str
    content_type: str
    position: int
    size: int | None = None

    def to_dynamo(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "contentId": self.content_id,
            "courseId": self.course_id,
            "title": self.title,
            "type": self.type,
            "key": self.key,
            "contentType": self.content_type,
            "position": self.position,
        }
        if self.size is not None:
            item["size"] = self.size
        return item

    @classmethod
    def from_dynamo(cls, item: Mapping[str, Any]) -> ContentItem:
        """Parse a catalog item; anything off-model is a ``CatalogItemError``."""
        try:
            size = item.get("size")
            parsed = cls(
                content_id=str(item["contentId"]),
                course_id=str(item["courseId"]),
                title=str(item["title"]),
                type=str(item["type"]),
                key=str(item["key"]),
                content_type=str(item["contentType"]),
                position=_integer(item["position"]),
                size=None if size is None else _integer(size),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CatalogItemError(f"catalog item is malformed: {exc!r}") from exc
        if parsed.type not in CONTENT_TYPES or not parsed.key:
            raise CatalogItemError(f"catalog item {parsed.content_id!r} has a bad type or key")
        return parsed


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise ValueError(f"not an integer: {value!r}")
    return int(value)
