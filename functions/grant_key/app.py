"""Custom resource handler: the stack's first grant key (the grant store, then its secret)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from shared.custom_resource.handler import handler_for
from shared.custom_resource.protocol import Outcome, Request

from . import resource

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_secretsmanager import SecretsManagerClient


def _apply(secrets: SecretsManagerClient, request: Request) -> Outcome:
    """``resource.apply`` with a KeyValueStore client too (SigV4A: awscrt is bundled)."""
    return resource.apply(secrets, boto3.client("cloudfront-keyvaluestore"), request)


handler = handler_for("secretsmanager", _apply)
