"""Deleting a CloudFront object that a distribution, or a function, may still hold for a while.

CloudFormation deletes an object right after the resource that used it (the distribution, the
function a key value store is associated with), and CloudFront may still answer that it is in
use for a while: that answer is tried again with growing pauses
(``shared.custom_resource.retry``) until the request's deadline, then fails with CloudFront's
reason and how long it was tried, rather than leaving the stack in DELETE_FAILED at the first
refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from shared.aws_errors import describe, error_code
from shared.custom_resource.protocol import CustomResourceError
from shared.custom_resource.retry import OutOfTimeError, until_deadline


def delete_until_deadline(attempt: Callable[[], None], in_use: str, deadline: float) -> None:
    """Run ``attempt`` (one read of the current ETag and one delete) until it returns, again
    after each ClientError whose code is ``in_use`` while ``deadline`` leaves time; any other
    failure, or the last one, becomes a ``CustomResourceError`` in CloudFront's words."""

    def held(exc: Exception) -> bool:
        return isinstance(exc, ClientError) and error_code(exc) == in_use

    try:
        until_deadline(lambda _left: attempt(), deadline=deadline, retryable=held)
    except OutOfTimeError as exc:
        said = describe(exc.last, "CloudFront") if isinstance(exc.last, ClientError) else exc.last
        raise CustomResourceError(f"{said} ({exc.summary})") from exc
    except ClientError as exc:
        raise CustomResourceError(describe(exc, "CloudFront")) from exc


def delete_named(
    describe_named: Callable[..., Any],
    delete_named_with: Callable[..., Any],
    name: str,
    errors: tuple[str, str],
    deadline: float,
) -> None:
    """Delete the object ``name`` as ``delete_until_deadline`` does: read its current ETag
    (``describe_named(Name=...)``), delete with it (``delete_named_with(Name=..., IfMatch=...)``).
    ``errors`` are CloudFront's codes for (missing, in use): a missing object is deleted
    already (a retried Delete), one in use is tried again."""
    missing, in_use = errors

    def attempt() -> None:
        try:
            etag = describe_named(Name=name)["ETag"]
            delete_named_with(Name=name, IfMatch=etag)
        except ClientError as exc:
            if error_code(exc) != missing:
                raise

    delete_until_deadline(attempt, in_use, deadline)
