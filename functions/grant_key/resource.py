"""The stack's first grant key, made at deploy time: a custom resource over the grant
KeyValueStore (property ``StoreArn``) and Secrets Manager.

Create makes the HMAC key that signs ``g1`` grants with ``shared.grant_keys.first_key``: the
key goes into the store first, current, where the CloudFront Function finds it, then into a
secret named for the stack (:func:`secret_name`), where the Content Delivery function reads
it. It answers with the secret's ARN only (``SecretArn``, also the physical ID): the key is in
no answer, no log line and no physical ID. Later keys are the schedule's
(``grant_key.schedule``) and ``bin/content grant-key``'s.

* **Update never rotates**: the same secret, the same key. Only a new ``StoreArn`` (a store
  replaced) writes a key again, the first key of that store, into the same secret.
* **A retried Create converges.** The name is fixed by the stack's ID and the resource's
  logical ID, so a Create that ran before (a Lambda retry after a crash or timeout, a Create
  CloudFormation never heard back from) left a secret that this one finds. If its tags say it
  belongs to this stack's resource, the new key is written into it (PutSecretValue); the
  earlier attempt's key, if it reached the store, is retired, since nothing signed with it
  (the API is made after this resource answers). A secret of that name with other tags is left
  alone and the Create fails.
* **Delete deletes the secret at once** (``ForceDeleteWithoutRecovery``): without its stack the
  key signs for nothing, a recovery window would only keep it alive for 7 to 30 more days, and
  a new stack makes a new key. It deletes only a secret whose tags name this stack's resource.
  The store's keys go with the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import grant_secret as secret
from shared.aws_errors import describe, error_code
from shared.custom_resource import properties as props
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request
from shared.grant_keys import GrantKeyError, SecretWriter, first_key, secret_writer
from shared.grant_store_writes import GrantKeyConflictError
from shared.grant_token import HmacKey
from shared.key_value_store import KeyValueStore, KeyValueStoreError
from shared.patterns import KEY_VALUE_STORE_ARN

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_secretsmanager.type_defs import TagTypeDef

#: ``<stack name>/grant-key-<stack UUID>``: the template's IAM statement grants this prefix.
NAME_INFIX = "/grant-key-"
TAG_STACK = "private-content:stack-id"
TAG_RESOURCE = "private-content:logical-id"
PROPERTIES = frozenset({"StoreArn"})

_STACK_ID = re.compile(
    r"arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack/(?P<name>[A-Za-z][A-Za-z0-9-]{0,127})"
    r"/(?P<uuid>[0-9a-f-]{36})"
)
_SECRET_ARN = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+")


def secret_name(stack_id: str) -> str:
    """The grant key's secret for the stack ``stack_id``: its UUID makes every stack (even a
    new one of a deleted stack's name) a name of its own."""
    match = _STACK_ID.fullmatch(stack_id)
    if match is None:
        raise CustomResourceError(f"not a CloudFormation stack ID: {stack_id!r}")
    return f"{match['name']}{NAME_INFIX}{match['uuid']}"


def _said(exc: ClientError | BotoCoreError) -> str:
    """Secrets Manager's error code and message; never the request (it holds the key)."""
    return describe(exc, "Secrets Manager")


def owner_tags(request: Request) -> list[TagTypeDef]:
    return [
        {"Key": TAG_STACK, "Value": request.stack_id},
        {"Key": TAG_RESOURCE, "Value": request.logical_resource_id},
    ]


def owned_by(described: Mapping[str, Any], request: Request) -> bool:
    tags = {tag["Key"]: tag["Value"] for tag in described.get("Tags", [])}
    return tags.get(TAG_STACK) == request.stack_id and (
        tags.get(TAG_RESOURCE) == request.logical_resource_id
    )


def _store_arn(properties: Mapping[str, Any]) -> str:
    unknown = set(properties) - PROPERTIES
    if unknown:
        raise CustomResourceError(f"unknown properties: {', '.join(sorted(unknown))}")
    arn = props.required_str(properties, "StoreArn")
    if not KEY_VALUE_STORE_ARN.fullmatch(arn):
        raise CustomResourceError(f"property StoreArn is not a KeyValueStore ARN: {arn!r}")
    return arn


def _first_key(kvs: CloudFrontKeyValueStoreClient, store_arn: str, write: SecretWriter) -> None:
    """The store's first key, then the secret (``write``), as ``shared.grant_keys`` does it."""
    try:
        first_key(KeyValueStore(kvs, store_arn), write)
    except (KeyValueStoreError, GrantKeyConflictError) as exc:
        raise CustomResourceError(f"cannot write the grant key into {store_arn}: {exc}") from None
    except GrantKeyError as exc:
        raise CustomResourceError(str(exc)) from None


def _create(
    secrets: SecretsManagerClient,
    kvs: CloudFrontKeyValueStoreClient,
    request: Request,
    store_arn: str,
) -> Outcome:
    name = secret_name(request.stack_id)
    made: list[str] = []

    def create_or_adopt(key: HmacKey) -> None:
        made.append(_create_secret(secrets, request, name, key))

    _first_key(kvs, store_arn, create_or_adopt)
    return _outcome(made[-1])


def _create_secret(secrets: SecretsManagerClient, request: Request, name: str, key: HmacKey) -> str:
    """The ARN of the stack's secret, made now or by an earlier attempt, holding ``key``."""
    try:
        return secrets.create_secret(
            Name=name,
            Description="HMAC key that signs this stack's content grants (rotated on a schedule)",
            SecretString=secret.secret_string(key),
            Tags=owner_tags(request),
        )["ARN"]
    except ClientError as exc:
        if error_code(exc) != "ResourceExistsException":
            raise GrantKeyError(f"cannot create secret {name}: {_said(exc)}") from None
    except BotoCoreError as exc:
        raise GrantKeyError(f"cannot create secret {name}: {_said(exc)}") from None
    return _adopt(secrets, request, name, key)


def _adopt(secrets: SecretsManagerClient, request: Request, name: str, key: HmacKey) -> str:
    """An earlier attempt of this Create made the secret ``name``: write ``key`` into it."""
    try:
        described = secrets.describe_secret(SecretId=name)
    except (ClientError, BotoCoreError) as exc:
        raise GrantKeyError(f"cannot take over secret {name}: {_said(exc)}") from None
    if not owned_by(described, request) or described.get("DeletedDate"):
        raise GrantKeyError(
            f"secret {name} exists and is not this stack's live grant key; "
            "delete it or deploy under another stack name"
        )
    arn = str(described["ARN"])
    secret_writer(secrets, arn)(key)
    return arn


def _outcome(arn: str) -> Outcome:
    return Outcome(arn, {"SecretArn": arn})


def _describe(secrets: SecretsManagerClient, secret_id: str) -> Any:
    """DescribeSecret's answer, or None when no such secret exists."""
    try:
        return secrets.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise CustomResourceError(f"cannot describe secret {secret_id}: {_said(exc)}") from None
    except BotoCoreError as exc:
        raise CustomResourceError(f"cannot describe secret {secret_id}: {_said(exc)}") from None


def _update(
    secrets: SecretsManagerClient,
    kvs: CloudFrontKeyValueStoreClient,
    request: Request,
    store_arn: str,
) -> Outcome:
    arn = request.physical_resource_id or ""
    described = _describe(secrets, arn)
    if described is None or not owned_by(described, request) or described.get("DeletedDate"):
        raise CustomResourceError(f"the grant key secret {arn} is gone or not this stack's")
    if request.old_properties.get("StoreArn") != store_arn:
        _first_key(kvs, store_arn, secret_writer(secrets, arn))
    return _outcome(arn)


def _delete(secrets: SecretsManagerClient, request: Request) -> Outcome:
    physical = request.physical_resource_id or ""
    # A Create that never answered has no ARN as its ID; its secret still has its name.
    target = physical if _SECRET_ARN.fullmatch(physical) else secret_name(request.stack_id)
    described = _describe(secrets, target)
    # Scheduled for deletion already (by hand): it goes without us.
    if described is not None and owned_by(described, request) and not described.get("DeletedDate"):
        try:
            secrets.delete_secret(SecretId=described["ARN"], ForceDeleteWithoutRecovery=True)
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise CustomResourceError(f"cannot delete secret {target}: {_said(exc)}") from None
        except BotoCoreError as exc:
            raise CustomResourceError(f"cannot delete secret {target}: {_said(exc)}") from None
    return Outcome(physical or "none")


def apply(
    secrets: SecretsManagerClient, kvs: CloudFrontKeyValueStoreClient, request: Request
) -> Outcome:
    """Handle one custom resource request (the protocol layer answers CloudFormation)."""
    if request.request_type == "Delete":
        return _delete(secrets, request)
    store_arn = _store_arn(request.properties)
    if request.request_type == "Create":
        return _create(secrets, kvs, request, store_arn)
    return _update(secrets, kvs, request, store_arn)
