"""Create, update and delete CloudFront objects from CloudFormation properties, for the types
the Serverless Application Repository does not accept.

Each kind takes the properties of the native type it stands in for, so the template reads the
same as with the native types: ``OriginAccessControlConfig`` (``AWS::CloudFront::
OriginAccessControl``), ``ResponseHeadersPolicyConfig`` (``...::ResponseHeadersPolicy``),
``Name`` and ``Comment`` (``...::KeyValueStore``), ``Name`` and ``FunctionConfig``
(``...::Function``, whose code comes from the package: ``cloudfront_functions``). The properties
a request carries decide its kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from shared.custom_resource.protocol import CustomResourceError, Outcome, Request

from .cloudfront_functions import CLOUDFRONT_FUNCTION
from .config_objects import ORIGIN_ACCESS_CONTROL, RESPONSE_HEADERS_POLICY
from .key_value_stores import KEY_VALUE_STORE

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient


class Kind(Protocol):
    """One kind of CloudFront object the custom resource makes."""

    @property
    def native(self) -> str:
        """The native type it stands in for: ``AWS::CloudFront::<native>``."""

    @property
    def signature(self) -> str:
        """Its properties, in words, for the error that no kind takes a request's."""

    def takes(self, properties: Mapping[str, Any]) -> bool: ...
    def create(self, client: CloudFrontClient, request: Request) -> Outcome: ...
    def update(self, client: CloudFrontClient, request: Request) -> Outcome: ...
    def delete(self, client: CloudFrontClient, request: Request) -> Outcome: ...


KINDS: tuple[Kind, ...] = (
    ORIGIN_ACCESS_CONTROL,
    RESPONSE_HEADERS_POLICY,
    KEY_VALUE_STORE,
    CLOUDFRONT_FUNCTION,
)


def kind_of(properties: Mapping[str, Any]) -> Kind:
    """The one kind that takes these properties."""
    taking = [kind for kind in KINDS if kind.takes(properties)]
    if len(taking) != 1:
        given = ", ".join(sorted(properties)) or "nothing"
        choices = "; ".join(kind.signature for kind in KINDS)
        raise CustomResourceError(f"got {given}; give exactly one of: {choices}")
    return taking[0]


def apply(client: CloudFrontClient, request: Request) -> Outcome:
    """Dispatch one custom resource request to its kind's create, update or delete."""
    kind = kind_of(request.properties)
    if request.request_type == "Create":
        return kind.create(client, request)
    if request.request_type == "Delete":
        return kind.delete(client, request)
    if kind != kind_of(request.old_properties):
        # A different kind of object: create the new one; CloudFormation then deletes the old.
        return kind.create(client, request)
    return kind.update(client, request)
