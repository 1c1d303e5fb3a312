"""Find a deployed stack's resources: stack name and Region from samconfig.toml, names from
the stack's outputs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudformation import CloudFormationClient

SAMCONFIG = Path(__file__).resolve().parents[1] / "samconfig.toml"


class StackError(Exception):
    """The stack cannot be found or lacks an output this tool needs."""


@dataclass(frozen=True)
class StackTarget:
    stack_name: str
    region: str


@dataclass(frozen=True)
class StackResources:
    bucket: str
    table: str
    distribution_id: str
    content_base_url: str


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
        raise StackError(f"{path} names no stack_name; pass --stack")
    return StackTarget(str(merged["stack_name"]), str(merged.get("region", "us-east-1")))


def resolve(cloudformation: CloudFormationClient, stack_name: str) -> StackResources:
    """Read the bucket, table and distribution from the stack's outputs."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        raise StackError(
            f"stack {stack_name!r} not found: {exc.response['Error']['Message']}"
        ) from exc
    except BotoCoreError as exc:
        raise StackError(f"cannot reach CloudFormation: {exc}") from exc
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
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
    )
