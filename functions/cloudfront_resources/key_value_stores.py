"""A CloudFront KeyValueStore, with ``AWS::CloudFront::KeyValueStore``'s properties (``Name``,
``Comment``) and attributes (``Arn``, ``Id``); its physical ID is its name (``names``).

Create makes the store, or adopts the one of its (stack-specific) name that an earlier attempt
made, and answers once CloudFront reports it ``READY`` (a new store is ``PROVISIONING`` first,
and a function may only be associated with a store that exists). Update changes the comment;
a store that is gone is an error, not made again empty (its keys are what the grant check
trusts). Delete is tried again while a function still holds the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.aws_errors import describe, error_code
from shared.custom_resource import properties as props
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request
from shared.custom_resource.retry import OutOfTimeError, until_deadline

from .deletion import delete_named
from .names import name_of, replaced, to_delete

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_cloudfront.type_defs import KeyValueStoreTypeDef

MISSING = "EntityNotFound"
IN_USE = "CannotDeleteEntityWhileInUse"
#: The statuses CloudFront's Developer Guide lists ("Key value store statuses"): Provisioning,
#: Ready, and Import failed; only READY may be used. The API does not require the field.
READY = "READY"
PROVISIONING = "PROVISIONING"


class _NotReadyError(Exception):
    """The store exists but is not ready yet."""


class KeyValueStores:
    native = "KeyValueStore"
    signature = "Name and optionally Comment (a key value store)"

    def takes(self, properties: Mapping[str, Any]) -> bool:
        return "Name" in properties and set(properties) <= {"Name", "Comment"}

    def create(self, client: CloudFrontClient, request: Request) -> Outcome:
        return self._converge(client, request, create=True)

    def update(self, client: CloudFrontClient, request: Request) -> Outcome:
        return self._converge(client, request, create=replaced(request))

    def _converge(self, client: CloudFrontClient, request: Request, *, create: bool) -> Outcome:
        name = name_of(request.properties)
        comment = props.optional_str(request.properties, "Comment") or ""
        try:
            found = _described(client, name)
            if found is None and not create:
                raise CustomResourceError(f"key value store {name} is gone")
            if found is None:
                client.create_key_value_store(Name=name, Comment=comment)
            elif found[0].get("Comment", "") != comment:
                client.update_key_value_store(Name=name, Comment=comment, IfMatch=found[1])
            store = _ready(client, name, request.deadline)
        except ClientError as exc:
            raise CustomResourceError(describe(exc, "CloudFront")) from exc
        return Outcome(name, {"Arn": store["ARN"], "Id": store["Id"]})

    def delete(self, client: CloudFrontClient, request: Request) -> Outcome:
        name = to_delete(request)
        delete_named(
            client.describe_key_value_store,
            client.delete_key_value_store,
            name,
            (MISSING, IN_USE),
            request.deadline,
        )
        return Outcome(request.physical_resource_id or name)


def _described(client: CloudFrontClient, name: str) -> tuple[KeyValueStoreTypeDef, str] | None:
    """The store called ``name`` and its ETag, if the account has one."""
    try:
        answer = client.describe_key_value_store(Name=name)
    except ClientError as exc:
        if error_code(exc) == MISSING:
            return None
        raise
    return answer["KeyValueStore"], answer["ETag"]


def _ready(client: CloudFrontClient, name: str, deadline: float) -> KeyValueStoreTypeDef:
    """The store once it is ready, read again while it is provisioning until ``deadline``."""

    def attempt(_left: float) -> KeyValueStoreTypeDef:
        store = client.describe_key_value_store(Name=name)["KeyValueStore"]
        status = store.get("Status", READY)
        if status == PROVISIONING:
            raise _NotReadyError(name)
        if status != READY:
            raise CustomResourceError(f"key value store {name} is {status}, not {READY}")
        return store

    def provisioning(exc: Exception) -> bool:
        return isinstance(exc, _NotReadyError)

    try:
        return until_deadline(attempt, deadline=deadline, retryable=provisioning)
    except OutOfTimeError as exc:
        raise CustomResourceError(
            f"key value store {name} is still {PROVISIONING} ({exc.summary})"
        ) from exc


KEY_VALUE_STORE = KeyValueStores()
