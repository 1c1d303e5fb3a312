"""The grant key resource's Create that stops dead after one write, for tests that kill it
there.

Usage: python -m testkit.killable_grant_key <write> <stack id> <store arn> <store url>
``write`` is a client method (``update_keys`` of the grant store, ``create_secret`` or
``put_secret_value`` of Secrets Manager): once it has taken effect the process prints
``<write> done`` and waits to be killed (SIGKILL: no handler runs, no answer reaches
CloudFormation). Secrets Manager is found through ``AWS_ENDPOINT_URL``, the grant store at
``<store url>`` (the local KeyValueStore stand-in).
"""

from __future__ import annotations

import sys
import time
from typing import Any

import boto3

from grant_key.resource import apply
from shared.custom_resource.protocol import Request
from testkit.custom_resource import cfn_event
from tools.stack import keyvaluestore_client


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
    write, stack_id, store_arn, store_url = sys.argv[1:5]
    event = cfn_event(
        "Create",
        {"StoreArn": store_arn},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
    )
    session = boto3.Session(region_name="us-east-1")
    secrets = StopsAfter(session.client("secretsmanager"), write)
    kvs = StopsAfter(keyvaluestore_client(session, store_url), write)
    apply(secrets, kvs, Request.from_event(event))  # type: ignore[arg-type]
