"""The local stack (`make local`'s entry point) started on free ports in a subprocess, what
its stack.json says (its users and content), and clients of its AWS stand-ins."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from local.cognito import DemoUser
from tools.stack import LOCAL_CREDENTIALS, ROOT

READY_TIMEOUT_SECONDS = 60


def local_client(stack: dict[str, Any], service: str) -> Any:
    """A boto3 client of ``service`` in the local stack's moto (fake credentials only)."""
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=stack["aws_endpoint_url"],
        region_name=stack["region"],
        **LOCAL_CREDENTIALS,
    )


@contextlib.contextmanager
def started_local_stack(state: Path, *options: str) -> Iterator[dict[str, Any]]:
    """`python -m local [options]` (what `make local` runs) on free ports, writing its state to
    ``state``; its stack.json once ready, until the block ends."""
    log_path = state / "local.log"
    env = dict(os.environ)
    started = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--state-dir", str(state), *options],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ready = state / "stack.json"
    while not ready.exists():
        if process.poll() is not None or time.monotonic() - started > READY_TIMEOUT_SECONDS:
            process.kill()
            pytest.fail(f"the local stack did not start:\n{log_path.read_text()}")
        time.sleep(0.05)
    info: dict[str, Any] = json.loads(ready.read_text())
    info["launch_seconds"] = time.monotonic() - started
    try:
        yield info
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def user(stack: dict[str, Any], in_group: bool, enrolled: bool = False) -> DemoUser:
    """The all-access member, the user in no group, or (``enrolled``) a course's learner."""
    found = next(
        u for u in stack["users"] if u["in_group"] is in_group and bool(u["courses"]) is enrolled
    )
    return DemoUser(
        found["username"], found["password"], found["in_group"], tuple(found["courses"])
    )


def content_url(stack: dict[str, Any], index: int = 0) -> str:
    """The CloudFront URL of the stack's ``index``-th sample object."""
    return f"{stack['cloudfront_url']}/{quote(stack['content'][index]['key'])}"
