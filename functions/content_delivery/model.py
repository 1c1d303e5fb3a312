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
from urllib.parse import quote

from .errors import CatalogItemError, InvalidIdError

#: Content and course IDs: 1-64 characters of ASCII letters, digits, "-" and "_".
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ID_RULE = "1-64 characters: letters A-Z a-z, digits, '-' and '_'"
CONTENT_TYPES = ("video", "quiz", "assignment")
#: Every object the catalog may point at lives under this prefix.
KEY_PREFIX = "courses/"
#: S3's limit on an object key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def validate_id(value: str, what: str = "ID") -> str:
    """``value`` if it is a well-formed ID, else ``InvalidIdError`` with a short message."""
    if not ID_PATTERN.fullmatch(value):
        raise InvalidIdError(f"invalid {what}: use {ID_RULE}")
    return value


@dataclass(frozen=True)
class ContentKey:
    """An object key the catalog may turn into a URL: a clean relative key under ``courses/``.

    Clean means no segment is empty (no ``//``, no leading or trailing ``/``), ``.`` or
    ``..``, and there is no backslash and no control character; the prefix rules out a
    scheme. Anything else could point a URL somewhere the catalog never meant.
    """

    value: str

    @classmethod
    def parse(cls, value: str) -> ContentKey:
        """The key, or ``CatalogItemError`` saying which rule it breaks."""
        segments = value.split("/")
        if not value.startswith(KEY_PREFIX) or len(segments) < 2:
            problem = f"is not under {KEY_PREFIX}"
        elif len(value.encode("utf-8")) > MAX_KEY_BYTES:
            problem = f"is longer than {MAX_KEY_BYTES} bytes"
        elif "\\" in value or _CONTROL_CHARACTERS.search(value):
            problem = "holds a backslash or a control character"
        elif any(segment in ("", ".", "..") for segment in segments):
            problem = "has an empty, '.' or '..' segment"
        else:
            return cls(value)
        raise CatalogItemError(f"object key {value!r} {problem}")

    def url(self, base_url: str) -> str:
        """``<base_url>/<key>`` with every key segment percent-encoded (UTF-8).

        Only "/" stays literal. "+" in particular is encoded: S3 would read a literal "+" in a
        path as a space. So are "%", "?", "#" and spaces, which would otherwise change the URL.
        """
        return f"{base_url}/{quote(self.value, safe='/')}"


@dataclass(frozen=True)
class ContentItem:
    """One piece of course content and where its object lives in the content bucket."""

    content_id: str
    course_id: str
    title: str
    type: str
    key: ContentKey
    content_type: str
    position: int
    size: int | None = None

    def to_dynamo(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "contentId": self.content_id,
            "courseId": self.course_id,
            "title": self.title,
            "type": self.type,
            "key": self.key.value,
            "contentType": self.content_type,
            "position": self.position,
        }
        if self.size is not None:
            item["size"] = self.size
        return item

    @classmethod
    def from_dynamo(cls, item: Mapping[str, Any]) -> ContentItem:
        """Parse a catalog item; anything off-model is a ``CatalogItemError`` naming the item."""
        content_id = item.get("contentId")
        try:
            size = item.get("size")
            parsed = cls(
                content_id=str(item["contentId"]),
                course_id=str(item["courseId"]),
                title=str(item["title"]),
                type=str(item["type"]),
                key=ContentKey.parse(str(item["key"])),
                content_type=str(item["contentType"]),
                position=_integer(item["position"]),
                size=None if size is None else _integer(size),
            )
            if parsed.type not in CONTENT_TYPES:
                raise ValueError(f"unknown type {parsed.type!r}")
        except (KeyError, TypeError, ValueError, CatalogItemError) as exc:
            raise CatalogItemError(f"catalog item {content_id!r} is broken: {exc}") from exc
        return parsed


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise ValueError(f"not an integer: {value!r}")
    return int(value)
