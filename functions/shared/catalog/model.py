"""The catalog's items: every rule about their fields, and their DynamoDB representation.

A reader should find the rule for any catalog field here: IDs, titles, object keys, positions,
and the attribute names; the media types a publish accepts are ``tools.publishing.media_types``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from shared.access import COURSES_PREFIX, ID_PATTERN, ID_RULE

from .errors import CatalogItemError, InvalidValueError

# Content and course IDs follow ID_PATTERN, whose home is the access rule (shared.access):
# the edge imports that without this module.
RESERVED_PREFIX = "_"
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 1000
#: A course's own record (``_course#<course ID>``): its title and description. A course exists
#: when its ID is in the course list (``shared.catalog.store.COURSES_RECORD``); courses are created
#: explicitly (``bin/content course put``), never by a publish.
COURSE_RECORD_PREFIX = "_course#"
CONTENT_TYPES = ("video", "quiz", "assignment")
#: An HLS playlist (RFC 8216): an item with this media type is a rendition set, played with an
#: HLS player, whose other files lie beside its entry playlist. (Which media types are
#: published, and how a file's type is told, is ``tools.publishing.media_types``.)
HLS_PLAYLIST = "application/vnd.apple.mpegurl"
#: Every object the catalog may point at lives under this prefix.
KEY_PREFIX = COURSES_PREFIX
#: S3's limit on an object key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The attribute that holds an item's object key (a publish's switch is conditional on it).
KEY_ATTRIBUTE = "key"
#: New items go at position 1 or later; 0 is accepted when read (the first tool's default).
FIRST_POSITION = 1


def validate_id(value: str, what: str = "ID") -> str:
    """``value`` if it is a well-formed ID, else ``InvalidValueError`` with a short message."""
    if not ID_PATTERN.fullmatch(value):
        raise InvalidValueError(f"invalid {what}: use {ID_RULE}")
    return value


def validate_title(value: str) -> str:
    """The title, stripped: one line of 1-200 characters (``list`` prints one per line)."""
    title = value.strip()
    if not title or len(title) > MAX_TITLE_LENGTH or _CONTROL_CHARACTERS.search(title):
        raise InvalidValueError(
            f"the title must be one line of 1-{MAX_TITLE_LENGTH} characters, no control characters"
        )
    return title


def validate_description(value: str) -> str:
    """The description, stripped: 1-1000 characters, line breaks allowed, no other control
    characters."""
    description = value.strip()
    if (
        not description
        or len(description) > MAX_DESCRIPTION_LENGTH
        or _CONTROL_CHARACTERS.search(description.replace("\n", ""))
    ):
        raise InvalidValueError(
            f"the description must be 1-{MAX_DESCRIPTION_LENGTH} characters, "
            "no control characters but line breaks"
        )
    return description


def validate_position(value: int) -> int:
    if value < FIRST_POSITION:
        raise InvalidValueError(f"position must be {FIRST_POSITION} or more")
    return value


@dataclass(frozen=True)
class Course:
    """A course: its ID, title and optional description."""

    course_id: str
    title: str
    description: str | None = None

    @classmethod
    def check(cls, course_id: str, title: str, description: str | None = None) -> Course:
        """The course, or ``InvalidValueError`` naming the first rule broken."""
        return cls(
            validate_id(course_id, "course ID"),
            validate_title(title),
            None if description is None else validate_description(description),
        )

    @property
    def record_id(self) -> str:
        return COURSE_RECORD_PREFIX + self.course_id

    def to_dynamo(self) -> dict[str, Any]:
        record = {"contentId": self.record_id, "title": self.title}
        if self.description is not None:
            record["description"] = self.description
        return record

    @classmethod
    def from_dynamo(cls, record: Mapping[str, Any]) -> Course:
        """Parse a course record; one off the model is a ``CatalogItemError``."""
        try:
            description = record.get("description")
            return cls.check(
                str(record["contentId"]).removeprefix(COURSE_RECORD_PREFIX),
                str(record["title"]),
                None if description is None else str(description),
            )
        except (KeyError, InvalidValueError) as exc:
            raise CatalogItemError(
                f"course record {record.get('contentId')!r} is broken: {exc}"
            ) from exc


@dataclass(frozen=True)
class ContentKey:
    """An object key the catalog may turn into a URL: a clean relative key under ``courses/``.

    Clean means no segment is empty (no ``//``, no leading or trailing ``/``), ``.`` or
    ``..`` or starts with ``_``, and there is no backslash and no control character; the
    prefix rules out a scheme. Anything else could point a URL somewhere the catalog never
    meant.
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
        elif any(s in ("", ".", "..") or s.startswith(RESERVED_PREFIX) for s in segments):
            problem = "has an empty, '.', '..' or '_'-prefixed segment"
        else:
            return cls(value)
        raise CatalogItemError(f"object key {value!r} {problem}")

    @classmethod
    def for_publish(cls, course_id: str, content_id: str, token: str, extension: str) -> ContentKey:
        """Each publish gets a key of its own, ``courses/<course>/<id>/<token><ext>``: nothing
        a publish uploads can ever replace what the catalog serves."""
        return cls.parse(f"{KEY_PREFIX}{course_id}/{content_id}/{token}{extension}")

    @property
    def path(self) -> str:
        """The URL path: ``/<key>`` with every segment percent-encoded (UTF-8).

        Only "/" stays literal. "+" in particular is encoded: S3 would read a literal "+" in a
        path as a space. So are "%", "?", "#" and spaces, which would otherwise change the URL.
        """
        return "/" + quote(self.value, safe="/")

    @classmethod
    def in_set(cls, course_id: str, content_id: str, token: str, relative: str) -> ContentKey:
        """A file of a publish's rendition set, ``courses/<course>/<id>/<token>/<relative>``:
        the set keeps its directory's layout, so the playlists' relative URIs resolve."""
        return cls.parse(f"{set_root(course_id, content_id, token)}{relative}")

    def url(self, base_url: str) -> str:
        return base_url + self.path


def set_root(course_id: str, content_id: str, token: str) -> str:
    """The folder a publish's rendition set lives in: that publish's own, nothing else's."""
    return f"{KEY_PREFIX}{course_id}/{content_id}/{token}/"


@dataclass(frozen=True)
class ContentItem:
    """One piece of course content and where its object lives in the content bucket.

    ``version`` (the S3 version the catalog serves) and ``sha256`` (of the file) are recorded
    by every publish; items written before they were are still read.

    A rendition set (``files`` is its number of objects) is every object under
    :attr:`root`, the publish's own folder; ``key`` is its entry playlist, at the top of it,
    ``version`` the entry's, ``size`` the set's total and ``sha256`` its manifest's
    (``tools.publishing.renditions``).
    """

    content_id: str
    course_id: str
    title: str
    type: str
    key: ContentKey
    content_type: str
    position: int
    size: int | None = None
    version: str | None = None
    sha256: str | None = None
    files: int | None = None

    @property
    def root(self) -> str | None:
        """A rendition set's folder, ``courses/<course>/<id>/<token>/``; None for one file."""
        return None if self.files is None else self.key.value.rsplit("/", 1)[0] + "/"

    def to_dynamo(self) -> dict[str, Any]:
        """The item as DynamoDB attributes (Python values; the store serialises them)."""
        item: dict[str, Any] = {
            "contentId": self.content_id,
            "courseId": self.course_id,
            "title": self.title,
            "type": self.type,
            KEY_ATTRIBUTE: self.key.value,
            "contentType": self.content_type,
            "position": self.position,
        }
        optional = {
            "size": self.size,
            "version": self.version,
            "sha256": self.sha256,
            "files": self.files,
        }
        item |= {name: value for name, value in optional.items() if value is not None}
        return item

    @classmethod
    def from_dynamo(cls, item: Mapping[str, Any]) -> ContentItem:
        """Parse a catalog item; anything off-model is a ``CatalogItemError`` naming the item."""
        content_id = item.get("contentId")
        try:
            size, version, sha256, files = (
                item.get(name) for name in ("size", "version", "sha256", "files")
            )
            parsed = cls(
                content_id=validate_id(str(item["contentId"])),
                course_id=validate_id(str(item["courseId"])),
                title=str(item["title"]),
                type=str(item["type"]),
                key=ContentKey.parse(str(item[KEY_ATTRIBUTE])),
                content_type=str(item["contentType"]),
                position=_integer(item["position"]),
                size=None if size is None else _integer(size),
                version=None if version is None else str(version),
                sha256=None if sha256 is None else str(sha256),
                files=None if files is None else _integer(files),
            )
            if not parsed.key.value.startswith(f"{KEY_PREFIX}{parsed.course_id}/"):
                # The edge judges a URL by the course in its path, the API by courseId: an
                # item must not say one course and point into another.
                raise ValueError(f"key is not under its course {parsed.course_id}")
            if parsed.files is not None:
                _check_set(parsed)
            if parsed.type not in CONTENT_TYPES:
                raise ValueError(f"unknown type {parsed.type!r}")
            if parsed.position < 0:
                raise ValueError(f"negative position {parsed.position}")
        except (KeyError, TypeError, ValueError, InvalidValueError, CatalogItemError) as exc:
            raise CatalogItemError(f"catalog item {content_id!r} is broken: {exc}") from exc
        return parsed


def _check_set(item: ContentItem) -> None:
    """A set's root is deleted whole when the set is replaced or removed: it must be the
    folder of one publish of this very item, ``courses/<course>/<id>/<token>/``, with the
    entry playlist at its top, never a course's or another item's folder."""
    segments = item.key.value.split("/")
    if len(segments) != 5 or segments[2] != item.content_id:
        raise ValueError("a rendition set's key is not courses/<course>/<id>/<token>/<playlist>")
    if item.content_type != HLS_PLAYLIST or item.files is None or item.files < 1:
        raise ValueError("a rendition set's entry must be an HLS playlist, with 1 or more files")


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise ValueError(f"not an integer: {value!r}")
    return int(value)
