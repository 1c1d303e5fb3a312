"""Add, list and remove course content: the object in the bucket and its catalog item, both or
neither.

``add`` uploads first and writes the catalog item second, so the catalog never points at a
missing object; if the catalog write fails, the object version just uploaded is deleted again
(for a replacement, that makes the previous version current once more). ``remove`` deletes the
catalog item first, so the API stops handing out the URL before the object goes.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from content_delivery.errors import CatalogItemError, InvalidIdError
from content_delivery.model import CONTENT_TYPES, ContentItem, ContentKey, validate_id

from .stack import StackResources

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

#: Files above this go up in parts, several at once (big videos).
MULTIPART_THRESHOLD = 8 * 1024 * 1024
#: Content URLs are stable per content ID, so a day of caching; a replacement is invalidated.
CACHE_CONTROL = "public, max-age=86400"
MAX_TITLE_LENGTH = 200
_TYPE_BY_EXTENSION = {
    ".mp4": "video",
    ".webm": "video",
    ".mov": "video",
    ".m4v": "video",
    ".json": "quiz",
}

Progress = Callable[[int], None]


class PublishError(Exception):
    """A failure described for the operator; nothing was left half-written unless it says so."""


class InvalidRequestError(PublishError):
    """The operator's request is wrong (bad ID, missing file, duplicate); nothing was touched."""


@dataclass(frozen=True)
class NewContent:
    """What the operator asks to publish."""

    course_id: str
    content_id: str
    title: str
    path: Path
    type: str | None = None
    content_type: str | None = None
    position: int = 0


def _checked_id(value: str, what: str) -> str:
    try:
        return validate_id(value, what)
    except InvalidIdError as exc:
        raise InvalidRequestError(str(exc)) from exc


def content_key(course_id: str, content_id: str, path: Path) -> ContentKey:
    """The predictable object key: ``courses/<course>/<content id><extension>``."""
    return ContentKey.parse(f"courses/{course_id}/{content_id}{path.suffix.lower()}")


def plan_item(request: NewContent) -> ContentItem:
    """Validate the request and describe the catalog item it becomes; raises PublishError."""
    _checked_id(request.course_id, "course ID")
    _checked_id(request.content_id, "content ID")
    if not request.path.is_file():
        raise InvalidRequestError(f"no such file: {request.path}")
    title = request.title.strip()
    if not title or len(title) > MAX_TITLE_LENGTH:
        raise InvalidRequestError(f"the title must be 1-{MAX_TITLE_LENGTH} characters")
    kind = request.type or _TYPE_BY_EXTENSION.get(request.path.suffix.lower(), "assignment")
    if kind not in CONTENT_TYPES:
        raise InvalidRequestError(f"type must be one of {', '.join(CONTENT_TYPES)}")
    content_type = request.content_type or mimetypes.guess_type(request.path.name)[0]
    if not content_type:
        raise InvalidRequestError(
            f"cannot tell the Content-Type of {request.path.name}; pass --content-type"
        )
    if request.position < 0:
        raise InvalidRequestError("position must be 0 or more")
    return ContentItem(
        content_id=request.content_id,
        course_id=request.course_id,
        title=title,
        type=kind,
        key=content_key(request.course_id, request.content_id, request.path),
        content_type=content_type,
        position=request.position,
        size=request.path.stat().st_size,
    )


def _aws_message(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    return str(exc)


def _to_dynamo(item: ContentItem) -> dict[str, Any]:
    """The item in DynamoDB's attribute-value form."""
    serialize = TypeSerializer().serialize
    return {name: serialize(value) for name, value in item.to_dynamo().items()}


def _from_dynamo(raw: dict[str, Any]) -> ContentItem:
    deserialize = TypeDeserializer().deserialize
    try:
        return ContentItem.from_dynamo({name: deserialize(value) for name, value in raw.items()})
    except (CatalogItemError, TypeError, ValueError) as exc:
        raise PublishError(f"a catalog item does not match the model: {exc}") from exc


class ContentPublisher:
    def __init__(
        self,
        resources: StackResources,
        s3: S3Client,
        dynamodb: DynamoDBClient,
        cloudfront: CloudFrontClient,
    ) -> None:
        self._resources = resources
        self._s3 = s3
        self._dynamodb = dynamodb
        self._cloudfront = cloudfront

    # --- add ------------------------------------------------------------------------------

    def add(
        self, request: NewContent, *, force: bool = False, progress: Progress | None = None
    ) -> ContentItem:
        """Upload the file and write its catalog item; both or neither."""
        item = plan_item(request)
        previous = self.get(item.content_id)
        if previous is not None and not force:
            raise InvalidRequestError(
                f"content {item.content_id!r} already exists; pass --force to replace it"
            )
        version = self._upload(item, request.path, progress)
        try:
            self._write_item(item, replacing=previous is not None)
        except (ClientError, BotoCoreError) as exc:
            self._undo_upload(item, version, cause=exc)
        if previous is not None:
            if previous.key != item.key:  # a new extension: the old object goes first
                self._delete_object(previous.key.value)
            self._invalidate({item.key.value, previous.key.value})
        return item

    def _upload(self, item: ContentItem, path: Path, progress: Progress | None) -> str:
        """Upload and return the new object version's ID."""
        marker = uuid.uuid4().hex
        config = TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD,
            multipart_chunksize=MULTIPART_THRESHOLD,
            max_concurrency=4,
        )
        extra = {
            "ContentType": item.content_type,
            "CacheControl": CACHE_CONTROL,
            "Metadata": {"content-id": item.content_id, "upload": marker},
        }
        try:
            self._s3.upload_file(
                str(path),
                self._resources.bucket,
                item.key.value,
                ExtraArgs=extra,
                Config=config,
                Callback=progress,
            )
        except (Boto3Error, ClientError, BotoCoreError, OSError) as exc:
            raise PublishError(
                f"upload failed, nothing was published: {_aws_message(exc)}"
            ) from exc
        try:
            head = self._s3.head_object(Bucket=self._resources.bucket, Key=item.key.value)
        except (ClientError, BotoCoreError) as exc:
            # Uploaded, but its version cannot be confirmed: take the object out of service
            # (a delete marker; the lifecycle rule expires the data) rather than leave it.
            self._delete_object(item.key.value)
            raise PublishError(
                f"the upload could not be confirmed ({_aws_message(exc)}); it was withdrawn, "
                "nothing was published"
            ) from exc
        if head.get("Metadata", {}).get("upload") != marker:
            raise PublishError(
                f"s3://{self._resources.bucket}/{item.key.value} changed during the upload; "
                "try again"
            )
        return str(head.get("VersionId") or "null")

    def _write_item(self, item: ContentItem, *, replacing: bool) -> None:
        arguments: dict[str, Any] = {"TableName": self._resources.table, "Item": _to_dynamo(item)}
        if not replacing:
            # Another operator may have added the same ID since the check above.
            arguments["ConditionExpression"] = "attribute_not_exists(contentId)"
        self._dynamodb.put_item(**arguments)

    def _undo_upload(self, item: ContentItem, version: str, cause: Exception) -> None:
        where = f"s3://{self._resources.bucket}/{item.key.value} (version {version})"
        try:
            self._s3.delete_object(
                Bucket=self._resources.bucket, Key=item.key.value, VersionId=version
            )
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(
                f"the catalog write failed ({_aws_message(cause)}) and the uploaded object "
                f"could not be removed ({_aws_message(exc)}); delete {where} by hand"
            ) from cause
        raise PublishError(
            f"the catalog write failed ({_aws_message(cause)}); "
            "the upload was undone, nothing changed"
        ) from cause

    # --- list and remove ------------------------------------------------------------------

    def get(self, content_id: str) -> ContentItem | None:
        try:
            answer = self._dynamodb.get_item(
                TableName=self._resources.table,
                Key={"contentId": {"S": content_id}},
                ConsistentRead=True,
            )
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(f"cannot read the catalog: {_aws_message(exc)}") from exc
        stored = answer.get("Item")
        return None if stored is None else _from_dynamo(dict(stored))

    def list(self, course_id: str | None = None) -> list[ContentItem]:
        items: list[ContentItem] = []
        arguments: dict[str, Any] = {"TableName": self._resources.table}
        if course_id is not None:
            _checked_id(course_id, "course ID")
            arguments["FilterExpression"] = "courseId = :course"
            arguments["ExpressionAttributeValues"] = {":course": {"S": course_id}}
        try:
            for page in self._dynamodb.get_paginator("scan").paginate(**arguments):
                items += [_from_dynamo(dict(raw)) for raw in page.get("Items", [])]
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(f"cannot read the catalog: {_aws_message(exc)}") from exc
        return sorted(items, key=lambda item: (item.course_id, item.position, item.content_id))

    def remove(self, content_id: str) -> ContentItem:
        """Remove the catalog item, then the object, then any cached copy."""
        item = self.get(_checked_id(content_id, "content ID"))
        if item is None:
            raise InvalidRequestError(f"no content {content_id!r} in the catalog")
        try:
            self._dynamodb.delete_item(
                TableName=self._resources.table, Key={"contentId": {"S": content_id}}
            )
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(
                f"cannot remove the catalog item, nothing changed: {_aws_message(exc)}"
            ) from exc
        self._delete_object(item.key.value)
        self._invalidate({item.key.value})
        return item

    def _delete_object(self, key: str) -> None:
        try:
            self._s3.delete_object(Bucket=self._resources.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(
                f"the catalog no longer lists it, but s3://{self._resources.bucket}/{key} "
                f"could not be deleted ({_aws_message(exc)}); delete it by hand"
            ) from exc

    def _invalidate(self, keys: set[str]) -> None:
        """Drop cached copies at the edge so a replaced or removed object is not served."""
        paths = sorted(f"/{quote(key, safe='/')}" for key in keys)
        try:
            self._cloudfront.create_invalidation(
                DistributionId=self._resources.distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": uuid.uuid4().hex,
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(
                f"done, but CloudFront may serve the old copy for up to a day: invalidation failed "
                f"({_aws_message(exc)})"
            ) from exc
