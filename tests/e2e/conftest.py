"""End-to-end fixtures: the local stack (`make local`'s entry point) started on free ports in a
subprocess, and helpers that talk to it over real HTTP."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest

from local.cognito import DemoUser, sign_in
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tools.stack import LOCAL_CREDENTIALS, ROOT

ARTIFACTS = ROOT / "test-artifacts"
READY_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


def http(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> HttpAnswer:
    """One real HTTP request; error statuses are answers, not exceptions."""
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return HttpAnswer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return HttpAnswer(error.code, dict(error.headers), error.read())


@contextlib.contextmanager
def local_stack(state: Path, *options: str) -> Iterator[dict[str, Any]]:
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


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The local stack with its defaults, for the whole session."""
    with local_stack(tmp_path_factory.mktemp("local-stack")) as info:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "local-stack-startup.txt").write_text(
            f"launch to ready: {info['launch_seconds']:.2f} s (reported by the stack: "
            f"{info['startup_seconds']} s)\n"
        )
        yield info


#: ID and access token lifetimes of ``short_token_stack``: long enough for a sign-in and a
#: page load, short enough for a test to see them expire.
SHORT_TOKEN_SECONDS = 6


@pytest.fixture(scope="session")
def short_token_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A second local stack whose managed-login stand-in issues short-lived ID and access
    tokens (its development option), for tests that watch tokens expire."""
    seconds = str(SHORT_TOKEN_SECONDS)
    options = ("--id-token-seconds", seconds, "--access-token-seconds", seconds)
    with local_stack(tmp_path_factory.mktemp("short-token-stack"), *options) as info:
        yield info


@pytest.fixture(scope="session")
def cognito(stack: dict[str, Any]) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=stack["aws_endpoint_url"],
        region_name=stack["region"],
        **LOCAL_CREDENTIALS,
    )


def user(stack: dict[str, Any], in_group: bool, enrolled: bool = False) -> DemoUser:
    """The all-access member, the user in no group, or (``enrolled``) a course's learner."""
    found = next(
        u for u in stack["users"] if u["in_group"] is in_group and bool(u["courses"]) is enrolled
    )
    return DemoUser(
        found["username"], found["password"], found["in_group"], tuple(found["courses"])
    )


@pytest.fixture(scope="session")
def member_token(stack: dict[str, Any], cognito: Any) -> str:
    return str(sign_in(cognito, stack["client_id"], user(stack, in_group=True))["IdToken"])


@pytest.fixture(scope="session")
def outsider_token(stack: dict[str, Any], cognito: Any) -> str:
    return str(sign_in(cognito, stack["client_id"], user(stack, in_group=False))["IdToken"])


@pytest.fixture(scope="session")
def expired_token(member_token: str) -> str:
    """The member's token, expired an hour ago, signed with the key moto's Cognito signs with."""
    claims = jwt.decode(member_token, options={"verify_signature": False})
    now = int(time.time())
    claims.update(iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
    packed = (
        resources.files("moto").joinpath("cognitoidp/resources/jwks-private.json.gz").read_bytes()
    )
    private = json.loads(gzip.decompress(packed))  # one private JWK
    token = jwt.encode(
        claims, jwt.PyJWK(private).key, algorithm="RS256", headers={"kid": private["kid"]}
    )
    # Only the expiry is wrong: the signature verifies with the pool's published key.
    public = {k: private[k] for k in ("kty", "n", "e", "kid", "alg")}
    jwt.decode(
        token,
        jwt.PyJWK(public).key,
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_aud": False},
    )
    return token


def content_url(stack: dict[str, Any], index: int = 0) -> str:
    from urllib.parse import quote

    return f"{stack['cloudfront_url']}/{quote(stack['content'][index]['key'])}"


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium. CI installs it (.ci/run) and sets CI, where a missing browser fails
    the test; elsewhere the test is skipped with the reason shown in pytest's summary."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the browser test (.ci/run installs it)")
        pytest.skip(f"{message}; CI runs this test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
