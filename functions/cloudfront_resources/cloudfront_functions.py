"""A CloudFront Function, with ``AWS::CloudFront::Function``'s ``Name`` and ``FunctionConfig``
and its attribute ``FunctionARN``; the code is the packaged file (``function_code``), named by
its hash, ``CodeSha256``, in place of the native type's inline ``FunctionCode``. The physical
ID is the function's name (``names``).

Distributions run a function's LIVE stage, so every write ends in publishing:

* Create: CreateFunction (the DEVELOPMENT stage), then PublishFunction (LIVE).
* Update: UpdateFunction, then PublishFunction.
* Each write is conditioned on the DEVELOPMENT stage's ETag read just before it.
* A retried Create converges: a function of its (stack-specific) name, left by an attempt
  that stopped after CreateFunction or UpdateFunction, is updated and published, not created.
* Delete: DeleteFunction, tried again while a distribution still has the function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from shared.aws_errors import describe, error_code
from shared.custom_resource import properties as props
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request

from . import function_code
from .deletion import delete_named
from .names import name_of, replaced, to_delete
from .shapes import to_api

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient

MISSING = "NoSuchFunctionExists"
IN_USE = "FunctionInUse"
DEVELOPMENT: Final = "DEVELOPMENT"


class CloudFrontFunctions:
    native = "Function"
    signature = "Name, FunctionConfig and CodeSha256 (a CloudFront Function)"

    def takes(self, properties: Mapping[str, Any]) -> bool:
        return set(properties) == {"Name", "FunctionConfig", "CodeSha256"}

    def create(self, client: CloudFrontClient, request: Request) -> Outcome:
        return self._publish(client, request, create=True)

    def update(self, client: CloudFrontClient, request: Request) -> Outcome:
        return self._publish(client, request, create=replaced(request))

    def _publish(self, client: CloudFrontClient, request: Request, *, create: bool) -> Outcome:
        """Make the function's DEVELOPMENT stage the properties' code and configuration,
        creating it if ``create`` and it does not exist, then publish that to LIVE."""
        name = name_of(request.properties)
        code = function_code.checked(props.required_str(request.properties, "CodeSha256"))
        shape = client.meta.service_model.shape_for("FunctionConfig")
        config = to_api(shape, request.properties["FunctionConfig"], "FunctionConfig")
        try:
            etag = _development_etag(client, name)
            if etag is None and not create:
                raise CustomResourceError(f"CloudFront Function {name} is gone")
            if etag is None:
                client.create_function(Name=name, FunctionConfig=config, FunctionCode=code)
            else:
                client.update_function(
                    Name=name, IfMatch=etag, FunctionConfig=config, FunctionCode=code
                )
            # Read back, not taken from the write's answer: botocore's model reads
            # UpdateFunction's ETag from a header it spells "ETtag".
            written = _development_etag(client, name)
            if written is None:
                raise CustomResourceError(f"CloudFront Function {name} is gone")
            summary = client.publish_function(Name=name, IfMatch=written)["FunctionSummary"]
        except ClientError as exc:
            raise CustomResourceError(describe(exc, "CloudFront")) from exc
        return Outcome(name, {"FunctionARN": summary["FunctionMetadata"]["FunctionARN"]})

    def delete(self, client: CloudFrontClient, request: Request) -> Outcome:
        name = to_delete(request)
        delete_named(
            client.describe_function,
            client.delete_function,
            name,
            (MISSING, IN_USE),
            request.deadline,
        )
        return Outcome(request.physical_resource_id or name)


def _development_etag(client: CloudFrontClient, name: str) -> str | None:
    """The ETag of the function's DEVELOPMENT stage, if the account has a function ``name``."""
    try:
        return client.describe_function(Name=name, Stage=DEVELOPMENT)["ETag"]
    except ClientError as exc:
        if error_code(exc) == MISSING:
            return None
        raise


CLOUDFRONT_FUNCTION = CloudFrontFunctions()
