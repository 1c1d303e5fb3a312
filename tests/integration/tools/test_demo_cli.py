"""`make demo` against a moto server's CloudFormation: a stack whose outputs describe a deployed
application, the demo page served over real HTTP with a config.json made from them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.http import scripted_server
from tests.support.moto_stack import Stack
from tools.demo import run
from tools.stack import ROOT

pytestmark = pytest.mark.slow

OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.us-east-1.amazonaws.com/v1",
    "ContentBaseUrl": "https://d111111abcdef8.cloudfront.net",
    "UserPoolClientId": "4example0client0id",
    "ManagedLoginUrl": "https://courses-1a2b.auth.us-east-1.amazoncognito.com",
    "AppOriginList": "https://courses.example.com,http://localhost:8000",
}


@pytest.fixture
def demo_stack(aws: dict[str, Any]) -> Iterator[str]:
    name = f"demo-{uuid.uuid4().hex[:8]}"
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in OUTPUTS.items()},
    }
    aws["cloudformation"].create_stack(StackName=name, TemplateBody=json.dumps(template))
    yield name
    aws["cloudformation"].delete_stack(StackName=name)


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, response.headers["Content-Type"], response.read()


def test_the_demo_page_is_served_with_a_config_made_from_the_stack_outputs(
    demo_stack: str, moto_url: str
) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.demo",
            "--stack",
            demo_stack,
            "--region",
            "us-east-1",
            "--port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AWS_ENDPOINT_URL": moto_url},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"Demo page for stack {demo_stack!r}: http://localhost:"), line + (
            process.stderr.read() if process.poll() is not None and process.stderr else ""
        )
        port = line.split("http://localhost:", 1)[1].split("/", 1)[0]
        base = f"http://127.0.0.1:{port}"
        status, content_type, page = get(f"{base}/")
        assert (status, content_type) == (200, "text/html")
        assert page == (ROOT / "tools" / "demo_page" / "index.html").read_bytes()
        status, content_type, body = get(f"{base}/config.json")
        assert (status, content_type) == (200, "application/json")
        assert json.loads(body) == {
            "apiUrl": OUTPUTS["ApiUrl"],
            "authUrl": OUTPUTS["ManagedLoginUrl"],
            "clientId": OUTPUTS["UserPoolClientId"],
            "contentUrl": OUTPUTS["ContentBaseUrl"],
            "scope": "openid email profile",
        }
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_a_stack_deployed_before_the_demo_outputs_is_one_line_and_exit_2(
    deployed: Stack,
) -> None:
    err = io.StringIO()
    assert run(["--stack", deployed.name, "--region", "us-east-1", "--port", "0"], err=err) == 2
    assert err.getvalue() == (
        f"error: stack {deployed.name!r} has no output ApiUrl, ManagedLoginUrl, "
        "UserPoolClientId, AppOriginList; deploy this version (`sam build && sam deploy`)\n"
    )


def test_a_stack_that_does_not_exist_is_one_line_naming_the_deploy_steps(
    aws: dict[str, Any],
) -> None:
    err = io.StringIO()
    assert run(["--stack", "no-such-stack", "--region", "us-east-1"], err=err) == 1
    assert err.getvalue() == (
        "error: stack 'no-such-stack' does not exist in us-east-1: deploy it first with "
        "`make build && .venv/bin/sam deploy --guided` (README: The first deploy), or name yours "
        "with --stack and "
        "--region\n"
    )


def test_without_credentials_the_error_says_to_configure_them_before_any_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    err = io.StringIO()
    with scripted_server() as cloudformation:
        monkeypatch.setenv("AWS_ENDPOINT_URL", cloudformation.url)
        assert run(["--stack", "any", "--region", "us-east-1", "--port", "0"], err=err) == 1
    assert err.getvalue() == (
        "error: no AWS credentials found: configure AWS credentials (`aws configure`, or "
        "`aws configure sso` then `aws sso login` and AWS_PROFILE) and run this again\n"
    )
    assert cloudformation.requests == []
