"""Scheduled handler: the grant key's rotation (every ``GrantKeyRotationDays``) and the grant
store's hourly clean-up, as EventBridge rules invoke it with ``{"action": "rotate"}`` or
``{"action": "clean-up"}``. The procedures are ``shared.grant_keys``'s; this reads the
settings (``GRANT_SECRET_ID``, ``GRANT_STORE_ARN``), makes the clients and logs what changed
(``kid``s, statuses, ``notAfter``; never a secret).

A failure raises, so that Lambda records it and retries the asynchronous invocation (twice,
by default): both actions converge when run again after a stop at any write.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger

from shared.grant_keys import (
    KEY_PROPAGATION_SECONDS,
    clean_up,
    describe_change,
    rotate_key,
    secret_writer,
)
from shared.key_value_store import KeyValueStore
from shared.patterns import KEY_VALUE_STORE_ARN

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

ROTATE = "rotate"
CLEAN_UP = "clean-up"

logger = Logger()


class ScheduleError(ValueError):
    """An event or a setting this handler cannot act on."""


@dataclass(frozen=True)
class ScheduleSettings:
    #: The secret holding the current grant key.
    secret_id: str
    #: The grant KeyValueStore.
    store_arn: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ScheduleSettings:
        secret_id, store_arn = env.get("GRANT_SECRET_ID", ""), env.get("GRANT_STORE_ARN", "")
        if not secret_id:
            raise ScheduleError("GRANT_SECRET_ID is not set")
        if not KEY_VALUE_STORE_ARN.fullmatch(store_arn):
            raise ScheduleError(f"GRANT_STORE_ARN is not a KeyValueStore ARN: {store_arn!r}")
        return cls(secret_id, store_arn)


def action_of(event: object) -> str:
    """The action an event asks for; ``ScheduleError`` for anything else."""
    action = event.get("action") if isinstance(event, dict) else None
    if action not in (ROTATE, CLEAN_UP):
        raise ScheduleError(f'the event is not {{"action": "{ROTATE}" | "{CLEAN_UP}"}}')
    return str(action)


def act(
    action: str,
    settings: ScheduleSettings,
    secrets: SecretsManagerClient,
    kvs: CloudFrontKeyValueStoreClient,
    *,
    clock: Callable[[], float] = time.time,
    pause: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Run ``action``; what changed, as logged."""
    store = KeyValueStore(kvs, settings.store_arn)
    if action == ROTATE:
        changed = rotate_key(
            store,
            secret_writer(secrets, settings.secret_id),
            clock=clock,
            pause=pause,
            propagation_seconds=KEY_PROPAGATION_SECONDS,
        )
        return {"action": action, "keys": [describe_change(c) for c in changed]}
    tidied = clean_up(store, clock())
    return {
        "action": action,
        "keys": [describe_change(c) for c in tidied.keys],
        "revocations_deleted": tidied.revocations_deleted,
    }


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action = action_of(event)
    settings = ScheduleSettings.from_env(os.environ)
    outcome = act(
        action, settings, boto3.client("secretsmanager"), boto3.client("cloudfront-keyvaluestore")
    )
    logger.info("grant keys: %s done", action, extra=outcome)
    return outcome
