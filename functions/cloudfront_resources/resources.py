"""Create, update and delete CloudFront configuration objects from CloudFormation properties.

Each supported kind is named by its CloudFormation configuration property, the same one the
native resource type takes (``OriginAccessControlConfig`` of
``AWS::CloudFront::OriginAccessControl``, ``ResponseHeadersPolicyConfig`` of
``AWS::CloudFront::ResponseHeadersPolicy``), so the template reads the same as with the native
types, which the Serverless Application Repository does not accept yet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.aws_errors import describe, error_code
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request
from shared.custom_resource.retry import OutOfTimeError, until_deadline

from .shapes import to_api

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient


def _origin_access_controls(client: CloudFrontClient) -> Iterator[tuple[str, str]]:
    """(name, id) of every origin access control of the account."""
    marker = ""
    while True:
        page = client.list_origin_access_controls(Marker=marker, MaxItems="100")
        listing = page["OriginAccessControlList"]
        yield from ((item["Name"], item["Id"]) for item in listing.get("Items", []))
        marker = listing.get("NextMarker", "")
        if not marker:
            return


def _response_headers_policies(client: CloudFrontClient) -> Iterator[tuple[str, str]]:
    """(name, id) of every custom response headers policy of the account."""
    marker = ""
    while True:
        page = client.list_response_headers_policies(Type="custom", Marker=marker, MaxItems="100")
        listing = page["ResponseHeadersPolicyList"]
        for item in listing.get("Items", []):
            policy = item["ResponseHeadersPolicy"]
            yield policy["ResponseHeadersPolicyConfig"]["Name"], policy["Id"]
        marker = listing.get("NextMarker", "")
        if not marker:
            return


@dataclass(frozen=True)
class Kind:
    """One CloudFront object type: its config property and the API operations on it."""

    config: str  # e.g. "OriginAccessControlConfig": property, API parameter and shape name
    noun: str  # e.g. "origin_access_control" in create_/get_/update_/delete_
    result: str  # e.g. "OriginAccessControl": the key holding {"Id", ...} in answers
    missing: str  # the error code when the object no longer exists
    in_use: str  # the error code when a distribution still holds it (Delete's 409)
    named: Callable[[CloudFrontClient], Iterator[tuple[str, str]]]  # (name, id) of all

    def call(self, client: CloudFrontClient, verb: str, **kwargs: Any) -> Any:
        return getattr(client, f"{verb}_{self.noun}")(**kwargs)

    def find(self, client: CloudFrontClient, name: str) -> str | None:
        """The ID of the object called ``name``, if the account has one."""
        return next((object_id for found, object_id in self.named(client) if found == name), None)


KINDS = (
    Kind(
        "OriginAccessControlConfig",
        "origin_access_control",
        "OriginAccessControl",
        "NoSuchOriginAccessControl",
        "OriginAccessControlInUse",
        _origin_access_controls,
    ),
    Kind(
        "ResponseHeadersPolicyConfig",
        "response_headers_policy",
        "ResponseHeadersPolicy",
        "NoSuchResponseHeadersPolicy",
        "ResponseHeadersPolicyInUse",
        _response_headers_policies,
    ),
)


def kind_of(properties: Mapping[str, Any]) -> Kind:
    """The one kind whose config property is present."""
    present = [kind for kind in KINDS if kind.config in properties]
    others = set(properties) - {kind.config for kind in KINDS}
    if len(present) != 1 or others:
        names = ", ".join(kind.config for kind in KINDS)
        raise CustomResourceError(f"give exactly one of {names} and nothing else")
    return present[0]


def api_config(client: CloudFrontClient, kind: Kind, properties: Mapping[str, Any]) -> Any:
    shape = client.meta.service_model.shape_for(kind.config)
    return to_api(shape, properties[kind.config], kind.config)


def create(client: CloudFrontClient, kind: Kind, properties: Mapping[str, Any]) -> Outcome:
    """Create the object, or adopt the one that already has its (stack-specific) name.

    Adopting makes Create safe to repeat: a retried invocation, or a Create that finished
    after CloudFormation had been told it timed out, would otherwise leave an object whose
    name blocks every later attempt.
    """
    config = api_config(client, kind, properties)
    try:
        existing = kind.find(client, config["Name"])
        if existing is not None:
            return update(client, kind, existing, properties)
        answer = kind.call(client, "create", **{kind.config: config})
    except ClientError as exc:
        raise CustomResourceError(describe(exc, "CloudFront")) from exc
    object_id = answer[kind.result]["Id"]
    return Outcome(object_id, {"Id": object_id})


def update(
    client: CloudFrontClient, kind: Kind, object_id: str, properties: Mapping[str, Any]
) -> Outcome:
    config = api_config(client, kind, properties)
    try:
        etag = kind.call(client, "get", Id=object_id)["ETag"]
        kind.call(client, "update", Id=object_id, IfMatch=etag, **{kind.config: config})
    except ClientError as exc:
        raise CustomResourceError(describe(exc, "CloudFront")) from exc
    return Outcome(object_id, {"Id": object_id})


def delete(
    client: CloudFrontClient, kind: Kind, object_id: str, deadline: float = math.inf
) -> Outcome:
    """Delete; an object that is already gone counts as deleted.

    CloudFormation deletes the object right after the distribution that used it, and
    CloudFront may still answer that it is in use for a while: that answer is tried again
    with growing pauses (``shared.custom_resource.retry``) until ``deadline``, then fails with
    CloudFront's reason and how long it was tried, rather than leaving the stack in
    DELETE_FAILED at the first refusal.
    """

    def attempt(_left: float) -> None:
        try:
            etag = kind.call(client, "get", Id=object_id)["ETag"]
            kind.call(client, "delete", Id=object_id, IfMatch=etag)
        except ClientError as exc:
            if error_code(exc) != kind.missing:
                raise

    def in_use(exc: Exception) -> bool:
        return isinstance(exc, ClientError) and error_code(exc) == kind.in_use

    try:
        until_deadline(attempt, deadline=deadline, retryable=in_use)
    except OutOfTimeError as exc:
        said = describe(exc.last, "CloudFront") if isinstance(exc.last, ClientError) else exc.last
        raise CustomResourceError(f"{said} ({exc.summary})") from exc
    except ClientError as exc:
        raise CustomResourceError(describe(exc, "CloudFront")) from exc
    return Outcome(object_id)


def apply(client: CloudFrontClient, request: Request) -> Outcome:
    """Dispatch one custom resource request to create, update or delete."""
    if request.request_type == "Create":
        return create(client, kind_of(request.properties), request.properties)
    object_id = request.physical_resource_id or ""
    if request.request_type == "Delete":
        return delete(client, kind_of(request.properties), object_id, request.deadline)
    kind = kind_of(request.properties)
    if kind != kind_of(request.old_properties):
        # A different kind of object: create the new one; CloudFormation then deletes the old.
        return create(client, kind, request.properties)
    return update(client, kind, object_id, request.properties)
