"""CloudFront objects made from one configuration property: origin access controls and
response headers policies.

Each is named by its CloudFormation configuration property, the same one the native resource
type takes (``OriginAccessControlConfig`` of ``AWS::CloudFront::OriginAccessControl``,
``ResponseHeadersPolicyConfig`` of ``AWS::CloudFront::ResponseHeadersPolicy``); the object's
physical ID is its CloudFront ID, and its attribute ``Id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.aws_errors import describe, error_code
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request

from .deletion import delete_until_deadline
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
class ConfigObject:
    """One CloudFront object type: its config property and the API operations on it."""

    config: str  # e.g. "OriginAccessControlConfig": property, API parameter and shape name
    noun: str  # e.g. "origin_access_control" in create_/get_/update_/delete_
    native: str  # e.g. "OriginAccessControl": AWS::CloudFront::<native>, and the answers' key
    missing: str  # the error code when the object no longer exists
    in_use: str  # the error code when a distribution still holds it (Delete's 409)
    named: Callable[[CloudFrontClient], Iterator[tuple[str, str]]]  # (name, id) of all

    @property
    def signature(self) -> str:
        return self.config

    def takes(self, properties: Mapping[str, Any]) -> bool:
        return set(properties) == {self.config}

    def call(self, client: CloudFrontClient, verb: str, **kwargs: Any) -> Any:
        return getattr(client, f"{verb}_{self.noun}")(**kwargs)

    def find(self, client: CloudFrontClient, name: str) -> str | None:
        """The ID of the object called ``name``, if the account has one."""
        return next((object_id for found, object_id in self.named(client) if found == name), None)

    def create(self, client: CloudFrontClient, request: Request) -> Outcome:
        """Create the object, or adopt the one that already has its (stack-specific) name.

        Adopting makes Create safe to repeat: a retried invocation, or a Create that finished
        after CloudFormation had been told it timed out, would otherwise leave an object whose
        name blocks every later attempt.
        """
        config = api_config(client, self, request.properties)
        try:
            existing = self.find(client, config["Name"])
            if existing is not None:
                return self._update(client, existing, config)
            answer = self.call(client, "create", **{self.config: config})
        except ClientError as exc:
            raise CustomResourceError(describe(exc, "CloudFront")) from exc
        object_id = answer[self.native]["Id"]
        return Outcome(object_id, {"Id": object_id})

    def update(self, client: CloudFrontClient, request: Request) -> Outcome:
        config = api_config(client, self, request.properties)
        try:
            return self._update(client, request.physical_resource_id or "", config)
        except ClientError as exc:
            raise CustomResourceError(describe(exc, "CloudFront")) from exc

    def _update(self, client: CloudFrontClient, object_id: str, config: Any) -> Outcome:
        etag = self.call(client, "get", Id=object_id)["ETag"]
        self.call(client, "update", Id=object_id, IfMatch=etag, **{self.config: config})
        return Outcome(object_id, {"Id": object_id})

    def delete(self, client: CloudFrontClient, request: Request) -> Outcome:
        """Delete; an object that is already gone counts as deleted, one still in use is
        tried again until the request's deadline (``deletion.delete_until_deadline``)."""
        object_id = request.physical_resource_id or ""

        def attempt() -> None:
            try:
                etag = self.call(client, "get", Id=object_id)["ETag"]
                self.call(client, "delete", Id=object_id, IfMatch=etag)
            except ClientError as exc:
                if error_code(exc) != self.missing:
                    raise

        delete_until_deadline(attempt, self.in_use, request.deadline)
        return Outcome(object_id)


ORIGIN_ACCESS_CONTROL = ConfigObject(
    "OriginAccessControlConfig",
    "origin_access_control",
    "OriginAccessControl",
    "NoSuchOriginAccessControl",
    "OriginAccessControlInUse",
    _origin_access_controls,
)
RESPONSE_HEADERS_POLICY = ConfigObject(
    "ResponseHeadersPolicyConfig",
    "response_headers_policy",
    "ResponseHeadersPolicy",
    "NoSuchResponseHeadersPolicy",
    "ResponseHeadersPolicyInUse",
    _response_headers_policies,
)


def api_config(client: CloudFrontClient, kind: ConfigObject, properties: Mapping[str, Any]) -> Any:
    shape = client.meta.service_model.shape_for(kind.config)
    return to_api(shape, properties[kind.config], kind.config)
