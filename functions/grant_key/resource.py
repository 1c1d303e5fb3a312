"""The stack's grant key, made at deploy time: a custom resource over Secrets Manager.

Create generates an RSA key pair, stores the private key in a secret named for the stack
(:func:`secret_name`) and answers with public data only: the secret's ARN, the ``kid``, the
public JWK and the grant issuer (``Issuer``, passed through so that the template names it
once). The private key is in no answer, no log line and no physical ID (the secret's ARN).

Because the IAM policy grants no ``GetSecretValue``, the public key is recorded beside the
private one, in the secret's tags (``kid``, ``n`` in chunks, ``e``); Update reads it back with
DescribeSecret and checks it against its ``kid`` (:func:`shared.grant_secret.public_jwk_from`).

* **Update never rotates**: the same secret, the same key, only ``Issuer`` may change.
* **A retried Create converges.** The name is fixed by the stack's ID and the resource's
  logical ID, so a Create that ran before (a Lambda retry after a crash or timeout, a Create
  CloudFormation never heard back from) left a secret that this one finds. If its tags say it
  belongs to this stack's resource, a fresh key is written into it (PutSecretValue, then
  TagResource with the new public key), because nothing was ever told to trust the old one:
  the key the edge ends up trusting is always the one this invocation generated. A secret of
  that name with other tags is left alone and the Create fails.
* **Delete deletes at once** (``ForceDeleteWithoutRecovery``): without its stack the key
  signs for nothing (the edge config that trusts it goes with the distribution), a recovery
  window would only keep a private key alive for 7 to 30 more days, and a new stack makes a
  new key. It deletes only a secret whose tags name this stack's resource.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import grant_secret as secret
from shared.aws_errors import describe, error_code
from shared.custom_resource import properties as props
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_secretsmanager.type_defs import TagTypeDef

#: ``<stack name>/grant-key-<stack UUID>``: the template's IAM statement grants this prefix.
NAME_INFIX = "/grant-key-"
TAG_STACK = "private-content:stack-id"
TAG_RESOURCE = "private-content:logical-id"
TAG_KID = "private-content:grant-kid"
TAG_E = "private-content:grant-e"
#: ``n`` is split over tags: a tag value holds at most 256 characters.
TAG_N = "private-content:grant-n-"
N_CHUNK = 200
PROPERTIES = frozenset({"Issuer"})

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


def public_tags(key: secret.GrantKey) -> list[TagTypeDef]:
    """The public key as tags (every value within Secrets Manager's tag alphabet)."""
    jwk = secret.public_jwk(key)
    n = jwk["n"]
    chunks = [n[i : i + N_CHUNK] for i in range(0, len(n), N_CHUNK)]
    tags: list[TagTypeDef] = [
        {"Key": TAG_KID, "Value": jwk["kid"]},
        {"Key": TAG_E, "Value": jwk["e"]},
    ]
    tags += [{"Key": f"{TAG_N}{i}", "Value": chunk} for i, chunk in enumerate(chunks)]
    return tags


def _tags(described: Mapping[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in described.get("Tags", [])}


def owned_by(described: Mapping[str, Any], request: Request) -> bool:
    tags = _tags(described)
    return tags.get(TAG_STACK) == request.stack_id and (
        tags.get(TAG_RESOURCE) == request.logical_resource_id
    )


def recorded_jwk(described: Mapping[str, Any]) -> dict[str, Any]:
    """The public JWK recorded in a secret's tags, checked against its ``kid``."""
    tags = _tags(described)
    chunks: list[str] = []
    while f"{TAG_N}{len(chunks)}" in tags:
        chunks.append(tags[f"{TAG_N}{len(chunks)}"])
    try:
        return secret.public_jwk_from(tags[TAG_KID], "".join(chunks), tags[TAG_E])
    except (KeyError, secret.GrantSecretError) as exc:
        raise CustomResourceError(
            f"secret {described.get('ARN')} holds no consistent public grant key in its tags"
        ) from exc


def _outcome(arn: str, jwk: Mapping[str, Any], issuer: str) -> Outcome:
    return Outcome(
        arn,
        {
            "SecretArn": arn,
            "Kid": str(jwk["kid"]),
            "PublicJwk": json.dumps(dict(jwk), sort_keys=True, separators=(",", ":")),
            "Issuer": issuer,
        },
    )


def _issuer(properties: Mapping[str, Any]) -> str:
    unknown = set(properties) - PROPERTIES
    if unknown:
        raise CustomResourceError(f"unknown properties: {', '.join(sorted(unknown))}")
    return props.required_str(properties, "Issuer")


def _create(client: SecretsManagerClient, request: Request, issuer: str) -> Outcome:
    name = secret_name(request.stack_id)
    key = secret.generate()
    try:
        arn = client.create_secret(
            Name=name,
            Description="Private key that signs this stack's content grants (public key in tags)",
            SecretString=secret.secret_string(key),
            Tags=[*owner_tags(request), *public_tags(key)],
        )["ARN"]
    except ClientError as exc:
        if error_code(exc) != "ResourceExistsException":
            raise CustomResourceError(f"cannot create secret {name}: {_said(exc)}") from None
        arn = _adopt(client, request, name, key)
    except BotoCoreError as exc:
        raise CustomResourceError(f"cannot create secret {name}: {_said(exc)}") from None
    return _outcome(arn, secret.public_jwk(key), issuer)


def _adopt(client: SecretsManagerClient, request: Request, name: str, key: secret.GrantKey) -> str:
    """An earlier attempt of this Create made the secret ``name``: write ``key`` into it."""
    try:
        described = client.describe_secret(SecretId=name)
        if not owned_by(described, request) or described.get("DeletedDate"):
            raise CustomResourceError(
                f"secret {name} exists and is not this stack's live grant key; "
                "delete it or deploy under another stack name"
            )
        arn = described["ARN"]
        client.put_secret_value(SecretId=arn, SecretString=secret.secret_string(key))
        client.tag_resource(SecretId=arn, Tags=public_tags(key))
    except (ClientError, BotoCoreError) as exc:
        raise CustomResourceError(f"cannot take over secret {name}: {_said(exc)}") from None
    return str(arn)


def _describe(client: SecretsManagerClient, secret_id: str) -> Any:
    """DescribeSecret's answer, or None when no such secret exists."""
    try:
        return client.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise CustomResourceError(f"cannot describe secret {secret_id}: {_said(exc)}") from None
    except BotoCoreError as exc:
        raise CustomResourceError(f"cannot describe secret {secret_id}: {_said(exc)}") from None


def _update(client: SecretsManagerClient, request: Request, issuer: str) -> Outcome:
    arn = request.physical_resource_id or ""
    described = _describe(client, arn)
    if described is None or not owned_by(described, request) or described.get("DeletedDate"):
        raise CustomResourceError(f"the grant key secret {arn} is gone or not this stack's")
    return _outcome(arn, recorded_jwk(described), issuer)


def _delete(client: SecretsManagerClient, request: Request) -> Outcome:
    physical = request.physical_resource_id or ""
    # A Create that never answered has no ARN as its ID; its secret still has its name.
    target = physical if _SECRET_ARN.fullmatch(physical) else secret_name(request.stack_id)
    described = _describe(client, target)
    # Scheduled for deletion already (by hand): it goes without us.
    if described is not None and owned_by(described, request) and not described.get("DeletedDate"):
        try:
            client.delete_secret(SecretId=described["ARN"], ForceDeleteWithoutRecovery=True)
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise CustomResourceError(f"cannot delete secret {target}: {_said(exc)}") from None
        except BotoCoreError as exc:
            raise CustomResourceError(f"cannot delete secret {target}: {_said(exc)}") from None
    return Outcome(physical or "none")


def apply(client: SecretsManagerClient, request: Request) -> Outcome:
    """Handle one custom resource request (the protocol layer answers CloudFormation)."""
    if request.request_type == "Delete":
        return _delete(client, request)
    issuer = _issuer(request.properties)
    if request.request_type == "Create":
        return _create(client, request, issuer)
    return _update(client, request, issuer)
