"""Publishing course content, safe to interrupt (not in the function package).

Every object a publish uploads gets a key of its own (``ContentKey.for_publish``), recorded in
the catalog's journal before the upload starts; the catalog item switches to it in one
transaction; only then is the object it replaced deleted and invalidated, and the journal
removed (``tools.publishing.writes``). So at every moment each object under ``courses/`` is either
the one an item serves or one a journal names, and every item's object exists.

Whatever stops a publish, an AWS error, any other exception or Ctrl-C, the same recovery
runs: the journal says which side of the switch the catalog is on, and the publish is undone
(before: every version the publish uploaded is deleted by its version ID) or finished
(after). If the recovery cannot run (the process was killed, the network is gone), the
journal stays and re-running the same command runs it first, then the command, which then
finds the promised state already there or reaches it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol
from urllib.parse import quote

from botocore.exceptions import ClientError

from shared.catalog.errors import CatalogError, InvalidValueError
from shared.catalog.model import (
    HLS_PLAYLIST,
    ContentItem,
    ContentKey,
    FileKind,
    validate_id,
    validate_position,
    validate_title,
)

from .renditions import RenditionSet
from .writes import CatalogWriter, Journal

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

#: Files above this go up in parts of this size (big videos).
PART_SIZE = 8 * 1024 * 1024
#: Every publish has a key of its own, so an object's bytes never change: cache for a day.
CACHE_CONTROL = "public, max-age=86400"

Progress = Callable[[int], None]


class PublishError(CatalogError):
    """A publish that did not finish, described for the operator (what state it left)."""


class NothingToDoError(CatalogError):
    """The request cannot apply to the catalog as it is (a duplicate without ``--force``,
    removing what is not there): nothing was touched."""


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
        kind = FileKind.of(path.name, media_type, type_)
        if kind.media_type == HLS_PLAYLIST:
            raise InvalidValueError(
                f"{path.name} is a playlist: publish it with its segments, --dir DIR"
            )
        if not path.is_file():
            raise InvalidValueError(f"no such file: {path}")
        size = path.stat().st_size
        if size == 0:
            raise InvalidValueError(f"{path} is empty")
        digest = hashlib.sha256()
        with path.open("rb") as stream:
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
    ) -> Draft:
        """The draft of a rendition set (``renditions``), or ``InvalidValueError``."""
        checked_title = _checked_header(course_id, content_id, title, position)
        rendition = RenditionSet.scan(directory)
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


class ContentBucket:
    """The objects, each write answered with the version it created."""

    def __init__(self, s3: S3Client, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def upload(self, item: ContentItem, draft: Draft, progress: Progress | None) -> str:
        """Upload the draft's file as ``item.key``, or each file of its set under the item's
        root (the entry last); the version ID S3 created for ``item.key``."""
        if draft.rendition is None:
            return self._put(item, item.key, draft.path, draft.size, item.content_type, progress)
        if item.root is None:
            raise ValueError("a rendition set's item must have a root")
        version = ""
        for file in draft.rendition.files:
            key = ContentKey.parse(item.root + file.relative)
            version = self._put(item, key, file.path, file.size, file.media_type, progress)
        return version

    def _put(
        self,
        item: ContentItem,
        key: ContentKey,
        path: Path,
        size: int,
        content_type: str,
        progress: Progress | None,
    ) -> str:
        extra: dict[str, Any] = {
            "ContentType": content_type,
            "CacheControl": CACHE_CONTROL,
            "Metadata": {"content-id": item.content_id},
        }
        with path.open("rb") as stream:
            if size <= PART_SIZE:
                answer = self.s3.put_object(
                    Bucket=self.bucket, Key=key.value, Body=stream.read(), **extra
                )
                version: str | None = answer.get("VersionId")
                if progress:
                    progress(size)
            else:
                version = self._upload_in_parts(key.value, stream, extra, progress)
        if not version:
            raise PublishError(f"s3://{self.bucket} is not versioned; the template versions it")
        return version

    def _upload_in_parts(
        self, key: str, stream: BinaryIO, extra: dict[str, Any], progress: Progress | None
    ) -> str | None:
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, **extra)["UploadId"]
        parts: list[CompletedPartTypeDef] = []
        for number, chunk in enumerate(iter(lambda: stream.read(PART_SIZE), b""), start=1):
            answer = self.s3.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=number, Body=chunk
            )
            parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            if progress:
                progress(len(chunk))
        done = self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts}
        )
        return done.get("VersionId")

    def has(self, key: ContentKey, version: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.bucket, Key=key.value, VersionId=version)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NoSuchVersion", "400"):
                return False
            raise
        return True

    def delete_version(self, key: ContentKey, version: str | None) -> None:
        """Delete exactly ``version`` of ``key``; ``None`` (an item published before versions
        were recorded, at a key no publish writes again) leaves a delete marker."""
        if version is None:
            self.s3.delete_object(Bucket=self.bucket, Key=key.value)
        else:
            self.s3.delete_object(Bucket=self.bucket, Key=key.value, VersionId=version)

    def withdraw(self, item: ContentItem) -> None:
        """Delete every version of the item's object (or of every object under a set's root)
        and abort their unfinished uploads: the key, or the root, is one publish's own, so
        everything there is what that publish created."""
        prefix = item.root or item.key.value

        def ours(key: str) -> bool:
            return key.startswith(prefix) if item.root else key == prefix

        markers: dict[str, Any] = {}
        while True:
            page = self.s3.list_object_versions(Bucket=self.bucket, Prefix=prefix, **markers)
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if ours(entry["Key"]):
                    self.s3.delete_object(
                        Bucket=self.bucket, Key=entry["Key"], VersionId=entry["VersionId"]
                    )
            if not page.get("IsTruncated"):
                break
            markers = {
                "KeyMarker": page["NextKeyMarker"],
                "VersionIdMarker": page["NextVersionIdMarker"],
            }
        upload_markers: dict[str, Any] = {}
        while True:
            uploads = self.s3.list_multipart_uploads(
                Bucket=self.bucket, Prefix=prefix, **upload_markers
            )
            for upload in uploads.get("Uploads", []):
                if ours(upload["Key"]):
                    self.s3.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
            if not uploads.get("IsTruncated"):
                break
            upload_markers = {
                "KeyMarker": uploads["NextKeyMarker"],
                "UploadIdMarker": uploads["NextUploadIdMarker"],
            }


def cached_paths(item: ContentItem) -> list[str]:
    """The URL paths CloudFront may hold copies of: the object's, or a set's root with ``*``."""
    if item.root is None:
        return [item.key.path]
    return ["/" + quote(item.root, safe="/") + "*"]


class Invalidator(Protocol):
    def invalidate(self, paths: list[str], reference: str) -> str | None:
        """Drop cached copies of ``paths`` (URL paths); a note for the operator, if any."""


class CloudFrontInvalidation:
    def __init__(self, cloudfront: CloudFrontClient, distribution_id: str) -> None:
        self.cloudfront = cloudfront
        self.distribution_id = distribution_id

    def invalidate(self, paths: list[str], reference: str) -> str | None:
        """One invalidation per publish: the same ``reference`` (the journal's token) on a
        re-run is the same invalidation to CloudFront, not a second one."""
        paths = sorted(paths)
        self.cloudfront.create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": reference,
            },
        )
        return None


class NoCache:
    """Where nothing is cached (the local stack): nothing to invalidate."""

    def invalidate(self, paths: list[str], reference: str) -> str | None:
        return "the local CloudFront caches nothing; invalidation skipped"


@dataclass(frozen=True)
class PublishOutcome:
    """What a command did: the item it published or removed, whether a run before had done
    it already, and notes for the operator."""

    item: ContentItem
    already_done: bool = False
    notes: tuple[str, ...] = ()


def describe_error(exc: BaseException) -> str:
    """An exception in one line: AWS errors as their code and message."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    return str(exc) or type(exc).__name__


class Publisher:
    def __init__(
        self, catalog: CatalogWriter, bucket: ContentBucket, invalidator: Invalidator
    ) -> None:
        self.catalog = catalog
        self.bucket = bucket
        self.invalidator = invalidator

    # --- the commands ---------------------------------------------------------------------

    def add(
        self, draft: Draft, *, force: bool = False, progress: Progress | None = None
    ) -> PublishOutcome:
        """Publish the draft: a new item, or with ``force`` a replacement."""
        notes = self._recover(draft.content_id)
        live = self.catalog.get(draft.content_id, consistent=True)
        if (
            live is not None
            and live.version is not None
            and draft.published_as(live)
            and self.bucket.has(live.key, live.version)
        ):
            return PublishOutcome(live, already_done=True, notes=notes)
        if live is not None and not force:
            raise NothingToDoError(
                f"content {draft.content_id!r} already exists; pass --force to replace it"
            )
        if draft.position is not None:
            position = draft.position
        elif live is not None:
            position = live.position
        else:
            position = (self.catalog.last_position(draft.course_id) or 0) + 1
        target = draft.item(uuid.uuid4().hex, position)
        operation = "add" if live is None else "replace"
        journal = Journal(draft.content_id, uuid.uuid4().hex, operation, target, live)
        with self._recovering(journal):
            self.catalog.begin(journal)
            version = self.bucket.upload(target, draft, progress)
            served = replace(target, version=version)
            if live is None:
                self.catalog.put_if_absent(served, journal)
            else:
                self.catalog.replace(served, journal)
            notes += self._finish(journal)
        return PublishOutcome(served, notes=notes)

    def remove(self, content_id: str) -> PublishOutcome:
        validate_id(content_id, "content ID")
        unfinished = self.catalog.journal(content_id)
        notes = self._recover(content_id)
        live = self.catalog.get(content_id, consistent=True)
        if live is None:
            # A remove that got past its switch last time, finished just now: done.
            removed = unfinished.retire if unfinished and unfinished.switched else None
            if unfinished and unfinished.operation == "remove" and removed is not None:
                return PublishOutcome(removed, already_done=True, notes=notes)
            raise NothingToDoError(f"no content {content_id!r} in the catalog")
        journal = Journal(content_id, uuid.uuid4().hex, "remove", None, live)
        with self._recovering(journal):
            self.catalog.begin(journal)
            self.catalog.delete(journal)
            notes += self._finish(journal)
        return PublishOutcome(live, notes=notes)

    # --- the steps after the switch, and recovery -----------------------------------------

    def _finish(self, journal: Journal) -> tuple[str, ...]:
        """After the switch: the retired object goes, then its cached copies, then the journal."""
        notes: tuple[str, ...] = ()
        retired = journal.retire
        if retired is not None:
            if retired.root is None:
                self.bucket.delete_version(retired.key, retired.version)
            else:
                self.bucket.withdraw(retired)
            note = self.invalidator.invalidate(cached_paths(retired), journal.token)
            notes = (note,) if note else ()
        self.catalog.end(journal)
        return notes

    def _abandon(self, journal: Journal) -> None:
        """Before the switch: withdraw whatever the publish uploaded, then the journal."""
        if journal.target is not None:
            self.bucket.withdraw(journal.target)
        self.catalog.end(journal)

    def _recover(self, content_id: str, token: str | None = None) -> tuple[str, ...]:
        """Finish or undo an interrupted publish of ``content_id`` (its journal says which);
        with ``token``, only that publish's."""
        journal = self.catalog.journal(content_id)
        if journal is None or token not in (None, journal.token):
            return ()
        if journal.switched:
            return (f"finished an interrupted {journal.operation}", *self._finish(journal))
        self._abandon(journal)
        return (f"undid an interrupted {journal.operation} (nothing of it was served)",)

    @contextmanager
    def _recovering(self, journal: Journal) -> Iterator[None]:
        """Whatever stops the steps inside, recover (undo or finish) and say what happened."""
        try:
            yield
        except BaseException as exc:  # Ctrl-C included: the same recovery
            try:
                notes = self._recover(journal.content_id, journal.token) or ("nothing to undo",)
            except BaseException as failed:  # noqa: BLE001
                raise PublishError(
                    f"interrupted ({describe_error(exc)}) and the recovery failed too "
                    f"({describe_error(failed)}); run the same command again to finish"
                ) from exc
            raise PublishError(f"stopped ({describe_error(exc)}); {'; '.join(notes)}") from exc
