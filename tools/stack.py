"""Find the stack's resources: a deployed stack's from its outputs (stack name and Region from
samconfig.toml), or the running `make local` stack's from its .local/stack.json."""

from __future__ import annotations

import json
import os
import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from shared.aws_errors import describe, error_code

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

ROOT = Path(__file__).resolve().parents[1]
SAMCONFIG = ROOT / "samconfig.toml"
#: Where `make local` describes the running local stack.
LOCAL_STATE = ROOT / ".local" / "stack.json"
#: The first deploy, as the README's "The first deploy in five steps" gives it.
DEPLOY_STEPS = "`make build && .venv/bin/sam deploy --guided` (README: The first deploy)"
#: Where AWS credentials come from for the AWS CLI, SAM and these tools.
CONFIGURE_CREDENTIALS = (
    "configure AWS credentials (`aws configure`, or `aws configure sso` then `aws sso login`"
    " and AWS_PROFILE) and run this again"
)
#: CloudFormation's error codes for credentials it does not accept.
_REFUSED_CREDENTIALS = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch"}
)


class Credentials(TypedDict):
    """Keyword arguments of ``boto3.client`` and ``boto3.Session`` that name credentials."""

    aws_access_key_id: str
    aws_secret_access_key: str


#: The credentials every client of the local stack uses: moto accepts any, and these keep real
#: ones from ever reaching it.
LOCAL_CREDENTIALS = Credentials(aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106
#: What a process's environment may hold that would point AWS clients at a real account.
_REAL_AWS_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL")


def use_fake_credentials(region: str, name: str = "local") -> None:
    """Make this process's AWS clients use fake credentials in ``region``, whatever the
    environment held, so nothing run against moto can ever reach a real account."""
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": name, "AWS_SECRET_ACCESS_KEY": name, "AWS_DEFAULT_REGION": region}
    )
    for variable in _REAL_AWS_VARIABLES:
        os.environ.pop(variable, None)


def keyvaluestore_client(
    session: boto3.Session, endpoint_url: str | None = None
) -> CloudFrontKeyValueStoreClient:
    """boto3's ``cloudfront-keyvaluestore`` client: AWS's, or with ``endpoint_url`` the local
    stand-in's (``local.keyvaluestore``). The endpoint rules put the account in the host name
    (``<account>.<endpoint>``), which no loopback name resolves, so the stand-in is reached as
    an HTTP proxy: boto3 builds and signs (SigV4A) each request exactly as for AWS."""
    if endpoint_url is None:
        return session.client("cloudfront-keyvaluestore")
    config = Config(proxies={"http": endpoint_url}, retries={"max_attempts": 1})
    return session.client("cloudfront-keyvaluestore", endpoint_url=endpoint_url, config=config)


#: The local stack answers on loopback: a connection it does not accept at once, it never will.
LOCAL_CONNECT_SECONDS = 2.0


class StackError(Exception):
    """The stack cannot be found or lacks an output this tool needs."""


@dataclass(frozen=True)
class StackTarget:
    stack_name: str
    region: str


@dataclass(frozen=True)
class StackResources:
    """What publishing and enrolment need; no distribution ID where nothing is cached (the
    local stack); no enrolment table for a stack deployed before it existed; no prefix for a
    stack that never had course groups."""

    bucket: str
    table: str
    distribution_id: str | None
    content_base_url: str
    user_pool_id: str | None = None
    #: The per-course groups of earlier versions (``bin/content migrate-groups`` reads them).
    course_group_prefix: str | None = None
    enrolment_table: str | None = None
    #: The grant KeyValueStore and the grant key's secret (``bin/content grant-key``); None
    #: for a stack deployed before them.
    grant_store_arn: str | None = None
    grant_secret_id: str | None = None


@dataclass(frozen=True)
class RunningLocalStack:
    """The running `make local` stack: its resources and where its AWS stand-in answers."""

    resources: StackResources
    endpoint_url: str
    region: str
    #: The local KeyValueStore stand-in (``local.keyvaluestore``), if the stack runs one.
    keyvaluestore_url: str | None = None


def local_stack(path: Path = LOCAL_STATE) -> RunningLocalStack:
    """The local stack described by ``path``; ``StackError`` when it is not running: no
    ``path``, or one left by a stack that stopped without removing it (killed, say), whose
    AWS stand-in no longer answers."""
    stack = _read_local_stack(path)
    if not _answers(stack.endpoint_url):
        raise StackError(
            f"the local stack is not running (nothing answers at {stack.endpoint_url}; {path} "
            "is left from a stopped one); start it with `make local`"
        )
    return stack


def _answers(endpoint_url: str) -> bool:
    """Whether something accepts a connection at ``endpoint_url``: one try, before botocore
    (which would retry for half a minute) is given the URL."""
    split = urlsplit(endpoint_url)
    try:
        with socket.create_connection(
            (split.hostname or "", split.port or 80), timeout=LOCAL_CONNECT_SECONDS
        ):
            return True
    except OSError:
        return False


def _read_local_stack(path: Path) -> RunningLocalStack:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return RunningLocalStack(
            StackResources(
                info["bucket"],
                info["table"],
                None,
                info["cloudfront_url"],
                user_pool_id=info.get("user_pool_id"),
                enrolment_table=info.get("enrolment_table"),
                grant_store_arn=info.get("grant_store_arn") or None,
                grant_secret_id=info.get("grant_secret_id") or None,
            ),
            endpoint_url=info["aws_endpoint_url"],
            region=info["region"],
            keyvaluestore_url=info.get("keyvaluestore_url") or None,
        )
    except FileNotFoundError as exc:
        raise StackError(
            f"the local stack is not running (no {path}); start it with `make local`"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StackError(f"cannot read the local stack's state {path}: {exc!r}") from exc


def default_target(path: Path = SAMCONFIG) -> StackTarget:
    """The stack name and Region of samconfig.toml's default environment.

    ``sam deploy --guided`` saves its answers under ``deploy.parameters``, which therefore
    wins over ``global.parameters``, as it does for ``sam deploy`` itself.
    """
    try:
        default = tomllib.loads(path.read_text(encoding="utf-8"))["default"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise StackError(f"cannot read the default environment of {path}: {exc}") from exc
    merged: dict[str, object] = {}
    for command in ("global", "deploy"):
        merged.update(default.get(command, {}).get("parameters", {}))
    if "stack_name" not in merged:
        raise StackError(
            f"{path} names no stack_name: pass --stack, or deploy with {DEPLOY_STEPS}, "
            "which saves it there"
        )
    return StackTarget(str(merged["stack_name"]), str(merged.get("region", "us-east-1")))


def stack_outputs(cloudformation: CloudFormationClient, stack_name: str) -> dict[str, str]:
    """The stack's outputs by key; ``StackError`` when the stack cannot be read, saying why
    and what fixes it (credentials to configure, a stack to deploy)."""
    region = cloudformation.meta.region_name
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except NoCredentialsError as exc:
        raise StackError(f"no AWS credentials found: {CONFIGURE_CREDENTIALS}") from exc
    except ClientError as exc:
        code = error_code(exc)
        if code == "ValidationError" and "does not exist" in describe(exc):
            raise StackError(
                f"stack {stack_name!r} does not exist in {region}: deploy it first with "
                f"{DEPLOY_STEPS}, or name yours with --stack and --region"
            ) from exc
        if code in _REFUSED_CREDENTIALS:
            raise StackError(
                f"AWS refused the credentials ({code}): {CONFIGURE_CREDENTIALS}"
            ) from exc
        raise StackError(f"cannot read stack {stack_name!r} in {region}: {describe(exc)}") from exc
    except BotoCoreError as exc:
        raise StackError(f"cannot reach CloudFormation in {region}: {exc}") from exc
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


def resolve(cloudformation: CloudFormationClient, stack_name: str) -> StackResources:
    """Read the bucket, table and distribution from the stack's outputs."""
    outputs = stack_outputs(cloudformation, stack_name)
    needed = ("ContentBucketName", "CatalogTableName", "DistributionId", "ContentBaseUrl")
    missing = [name for name in needed if name not in outputs]
    if missing:
        raise StackError(
            f"stack {stack_name!r} has no output {', '.join(missing)}; is it this application?"
        )
    return StackResources(
        bucket=outputs["ContentBucketName"],
        table=outputs["CatalogTableName"],
        distribution_id=outputs["DistributionId"],
        content_base_url=outputs["ContentBaseUrl"],
        user_pool_id=outputs.get("UserPoolId"),
        course_group_prefix=outputs.get("CourseGroupPrefix"),
        enrolment_table=outputs.get("EnrolmentTableName"),
        grant_store_arn=outputs.get("GrantStoreArn"),
        grant_secret_id=outputs.get("GrantSecretArn"),
    )
