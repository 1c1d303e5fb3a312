"""A request to publish, checked against every rule before any AWS call (not in the function
package): IDs, title and position, and the file (or HLS rendition set) with its type, its first
bytes and its digest. Whatever is wrong is an ``InvalidValueError`` naming the first rule broken.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import (
    HLS_PLAYLIST,
    ContentItem,
    ContentKey,
    validate_id,
    validate_position,
    validate_title,
)

from .media_types import FileKind, check_bytes
from .renditions import RenditionSet


def _checked_header(course_id: str, content_id: str, title: str, position: int | None) -> str:
    """The item's IDs and position checked (``InvalidValueError`` otherwise); its clean title."""
    validate_id(course_id, "course ID")
    validate_id(content_id, "content ID")
    checked_title = validate_title(title)
    if position is not None:
        validate_position(position)
    return checked_title


@dataclass(frozen=True)
class Draft:
    """A request to publish a file or (``rendition``) an HLS rendition set, checked against
    every rule before any AWS call. For a set, ``path`` and ``kind`` are its entry
    playlist's, ``size`` and ``sha256`` the whole set's."""

    course_id: str
    content_id: str
    title: str
    path: Path
    kind: FileKind
    size: int
    sha256: str
    position: int | None
    rendition: RenditionSet | None = None

    @classmethod
    def check(
        cls,
        course_id: str,
        content_id: str,
        title: str,
        path: Path,
        type_: str | None = None,
        media_type: str | None = None,
        position: int | None = None,
    ) -> Draft:
        """The draft, or ``InvalidValueError`` naming the first rule broken."""
        checked_title = _checked_header(course_id, content_id, title, position)
        if path.is_dir():
            raise InvalidValueError(
                f"{path} is a directory: publish an HLS rendition set with --dir {path}"
            )
        kind = FileKind.of(path.name, media_type, type_)
        if not path.is_file():
            raise InvalidValueError(f"no such file: {path}")
        size = path.stat().st_size
        if size == 0:
            raise InvalidValueError(f"{path} is empty")
        with path.open("rb") as stream:
            check_bytes(kind.media, stream, path.name)
            stream.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(chunk)
        return cls(
            course_id, content_id, checked_title, path, kind, size, digest.hexdigest(), position
        )

    @classmethod
    def check_dir(
        cls,
        course_id: str,
        content_id: str,
        title: str,
        directory: Path,
        type_: str | None = None,
        position: int | None = None,
        *,
        skip_os_junk: bool = False,
    ) -> Draft:
        """The draft of a rendition set (``renditions``), or ``InvalidValueError``."""
        checked_title = _checked_header(course_id, content_id, title, position)
        rendition = RenditionSet.scan(directory, skip_os_junk=skip_os_junk)
        entry = rendition.entry
        kind = FileKind(".m3u8", HLS_PLAYLIST, "video")
        if type_ is not None and type_ != kind.type:
            raise InvalidValueError(f"--type {type_} contradicts {directory}, which is a video")
        return cls(
            course_id,
            content_id,
            checked_title,
            entry.path,
            kind,
            rendition.size,
            rendition.sha256,
            position,
            rendition,
        )

    def item(self, token: str, position: int) -> ContentItem:
        if self.rendition is None:
            key = ContentKey.for_publish(
                self.course_id, self.content_id, token, self.kind.extension
            )
        else:
            key = ContentKey.in_set(
                self.course_id, self.content_id, token, self.rendition.entry.relative
            )
        return ContentItem(
            content_id=self.content_id,
            course_id=self.course_id,
            title=self.title,
            type=self.kind.type,
            key=key,
            content_type=self.kind.media_type,
            position=position,
            size=self.size,
            sha256=self.sha256,
            files=None if self.rendition is None else len(self.rendition.files),
        )

    def published_as(self, item: ContentItem) -> bool:
        """Whether ``item`` already is this draft (a re-run after the publish finished)."""
        return (
            item.course_id,
            item.title,
            item.type,
            item.content_type,
            item.size,
            item.sha256,
            item.files,
        ) == (
            self.course_id,
            self.title,
            self.kind.type,
            self.kind.media_type,
            self.size,
            self.sha256,
            None if self.rendition is None else len(self.rendition.files),
        ) and self.position in (None, item.position)
