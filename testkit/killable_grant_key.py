"""The grant key resource's Create that stops dead after one Secrets Manager write, for tests
that kill it there.

Usage: python -m testkit.killable_grant_key <write> <stack id> <issuer>
``write`` is a client method (``create_secret``, ``put_secret_value``, ...): once it has taken
effect the process prints ``<write> done`` and waits to be killed (SIGKILL: no handler runs,
no answer reaches CloudFormation). Secrets Manager is found through ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import boto3

from grant_key.resource import apply
from shared.custom_resource.protocol import Request
from testkit.custom_resource import cfn_event


class StopsAfter:
    """A real client whose ``write`` waits to be killed once it returned."""

    def __init__(self, client: Any, write: str) -> None:
        self._client = client
        self._write = write

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name != self._write:
            return attribute

        def then_wait(**kwargs: Any) -> Any:
            attribute(**kwargs)
            print(f"{name} done", flush=True)
            time.sleep(600)

        return then_wait


if __name__ == "__main__":
    write, stack_id, issuer = sys.argv[1:4]
    event = cfn_event(
        "Create",
        {"Issuer": issuer},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
    )
    client = boto3.client("secretsmanager", region_name="us-east-1")
    apply(StopsAfter(client, write), Request.from_event(event))  # type: ignore[arg-type]
