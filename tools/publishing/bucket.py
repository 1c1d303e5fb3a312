"""The content bucket's side of a publish (not in the function package): uploads, each
answered with the version it created, with the type, caching and disposition an object keeps;
deletions of exact versions; and withdrawing everything under one publish's own key or folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from botocore.exceptions import ClientError

from shared.aws_errors import error_code
from shared.catalog.model import ContentItem, ContentKey

from .draft import Draft
from .errors import PublishError
from .media_types import content_disposition

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

#: Files above this go up in parts of this size (big videos).
PART_SIZE = 8 * 1024 * 1024
#: Every publish has a key of its own, so an object's bytes never change: cache for a day.
CACHE_CONTROL = "public, max-age=86400"

Progress = Callable[[int], None]


class ContentBucket:
    """The objects, each write answered with the version it created."""

    def __init__(self, s3: S3Client, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def upload(self, item: ContentItem, draft: Draft, progress: Progress | None) -> str:
        """Upload the draft's file as ``item.key``, or each file of its set under the item's
        root (the entry last); the version ID S3 created for ``item.key``."""
        if draft.rendition is None:
            saved_as = item.content_id + draft.kind.extension
            return self._put(
                item, item.key, draft.path, draft.size, item.content_type, saved_as, progress
            )
        if item.root is None:
            raise ValueError("a rendition set's item must have a root")
        version = ""
        for file in draft.rendition.files:
            key = ContentKey.parse(item.root + file.relative)
            saved_as = file.relative.rsplit("/", 1)[-1]
            version = self._put(
                item, key, file.path, file.size, file.media_type, saved_as, progress
            )
        return version

    def _put(
        self,
        item: ContentItem,
        key: ContentKey,
        path: Path,
        size: int,
        content_type: str,
        saved_as: str,
        progress: Progress | None,
    ) -> str:
        """Upload one object. Its ``Content-Disposition`` is decided here, with its type, and
        kept with its bytes: S3 answers with it and CloudFront passes it on, so no function
        at the edge has to look at responses. ``saved_as`` (the content ID or the set file's
        name: safe characters only) names a download."""
        extra: dict[str, Any] = {
            "ContentType": content_type,
            "CacheControl": CACHE_CONTROL,
            "Metadata": {"content-id": item.content_id},
        }
        disposition = content_disposition(content_type, saved_as)
        if disposition is not None:
            extra["ContentDisposition"] = disposition
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
            if error_code(exc) in ("404", "NoSuchKey", "NoSuchVersion", "400"):
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
