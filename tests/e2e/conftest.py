"""End-to-end fixtures: the local stack (`make local`'s entry point) started on free ports in a
subprocess, tokens from its pool, and a headless browser."""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jwt
import pytest

from local.cognito import sign_in
from tests.support.artifacts import artifact
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.local_stack import local_client, started_local_stack, user


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The local stack with its defaults, for the whole session."""
    with started_local_stack(tmp_path_factory.mktemp("local-stack")) as info:
        artifact("local-stack-startup.txt").write_text(
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
    with started_local_stack(tmp_path_factory.mktemp("short-token-stack"), *options) as info:
        yield info


@pytest.fixture(scope="session")
def cognito(stack: dict[str, Any]) -> Any:
    return local_client(stack, "cognito-idp")


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
