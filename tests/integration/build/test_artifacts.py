"""What `sam build` produces, tested as built: sizes, contents, and the edge code running alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from testkit import lambda_runtime
from testkit.build import FUNCTIONS, EdgeRun, ensure_built, run_edge_package, zipped
from testkit.tokens import TEST_CONFIG_PATH
from tools.stack import ROOT

ONE_MB = 1_048_576
EDGE_BUDGET = 300 * 1024


@pytest.fixture(scope="module")
def build() -> Path:
    return ensure_built()


@pytest.fixture(scope="module")
def edge(build: Path) -> Path:
    return build / "EdgeAuthFunction"


def test_every_function_was_built(build: Path) -> None:
    for name in FUNCTIONS:
        assert (build / name).is_dir(), name


def test_the_zipped_edge_package_is_under_lambda_edge_s_1_mb_limit(edge: Path) -> None:
    assert len(zipped(edge)) < ONE_MB


def test_the_zipped_edge_package_stays_within_its_300_kb_budget(edge: Path) -> None:
    assert len(zipped(edge)) < EDGE_BUDGET


def test_the_edge_package_holds_only_what_the_edge_imports(edge: Path) -> None:
    top_level = {p.name for p in edge.iterdir()}
    assert top_level == {
        "edge_auth",
        "shared",
        "aws_lambda_powertools",
        "jmespath",
        "typing_extensions.py",
    }
    assert not (edge / "aws_lambda_powertools" / "event_handler").exists()
    assert not list(edge.rglob("__pycache__"))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_no_package_carries_a_config_json(build: Path, name: str) -> None:
    """A packaged config.json could trust a test key; only the deploy-time resource adds one."""
    assert not list((build / name).rglob("config.json"))


#: The regional functions that hold or make the private grant key: they alone need
#: ``cryptography``; the edge (which verifies in pure Python) must never carry it. The grant
#: key functions make HMAC keys with ``secrets`` and need none.
KEY_HOLDERS = {"ContentDeliveryFunction"}
#: The functions that write the grant KeyValueStore, whose API botocore signs with SigV4A only
#: through the AWS CRT, which the Lambda runtime does not provide.
GRANT_STORE_WRITERS = {
    "ContentDeliveryFunction",
    "EnrolmentFunction",
    "GrantKeyFunction",
    "GrantKeyScheduleFunction",
}
LAMBDA_ZIPPED_LIMIT = 50 * ONE_MB


@pytest.mark.parametrize("name", FUNCTIONS)
def test_no_package_bundles_the_sdk(build: Path, name: str) -> None:
    """boto3/botocore come from the Lambda runtime; a bundled botocore would shadow it."""
    for heavy in ("boto3", "botocore", "s3transfer"):
        assert not (build / name / heavy).exists(), heavy


@pytest.mark.parametrize("name", FUNCTIONS)
def test_only_the_grant_key_s_holders_bundle_cryptography(build: Path, name: str) -> None:
    assert (build / name / "cryptography").exists() is (name in KEY_HOLDERS)


@pytest.mark.parametrize("name", sorted(GRANT_STORE_WRITERS))
def test_the_grant_store_s_writers_bundle_the_aws_crt_for_sigv4a(build: Path, name: str) -> None:
    assert (build / name / "awscrt").is_dir()


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - {"EdgeAuthFunction"}))
def test_every_regional_package_fits_lambda_s_50_mb_zipped_limit(build: Path, name: str) -> None:
    assert len(zipped(build / name)) < LAMBDA_ZIPPED_LIMIT


def test_compiled_extensions_target_the_lambda_runtime(build: Path) -> None:
    extensions = list(build.rglob("*.so"))
    assert extensions  # wrapt, for the X-Ray SDK
    for extension in extensions:
        assert "cpython-313-x86_64-linux-gnu" in extension.name or ".abi3." in extension.name


def run_samples(edge: Path, names: list[str], config: Path | None) -> EdgeRun:
    events = [json.loads((ROOT / "events" / f"{name}.json").read_text()) for name in names]
    return run_edge_package(edge, events, config)


SAMPLES = {
    "edge_valid_token": None,
    "edge_valid_cookie": None,
    "edge_preflight": None,
    "edge_no_token": "401",
    "edge_expired_token": "401",
    "edge_wrong_group": "403",
}


def test_the_built_edge_package_decides_every_sample_alone(edge: Path) -> None:
    answers = run_samples(edge, list(SAMPLES), TEST_CONFIG_PATH).answers
    assert [a.get("status") for a in answers] == list(SAMPLES.values())


def test_the_built_edge_package_logs_and_emits_metrics_with_its_trimmed_powertools(
    edge: Path,
) -> None:
    out = run_samples(edge, ["edge_no_token", "edge_valid_token"], TEST_CONFIG_PATH).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(line.get("reason") == "missing_token" for line in lines)
    assert any("_aws" in line and line.get("Allowed") == [1.0] for line in lines)


def test_the_built_edge_package_denies_everything_without_a_config(edge: Path) -> None:
    answers = run_samples(edge, ["edge_valid_token", "edge_preflight"], None).answers
    assert [a.get("status") for a in answers] == ["401", "401"]


def lambda_python() -> str | None:
    """A CPython 3.13 interpreter (Lambda's python3.13), if this machine has one."""
    candidates = [os.environ.get("PYTHON313"), shutil.which("python3.13")]
    candidates += [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"))]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 13)":
            return candidate
    return None


PYTHON313 = lambda_python()


@pytest.mark.skipif(
    PYTHON313 is None, reason="no CPython 3.13 here (set PYTHON313): cannot import the cp313 build"
)
@pytest.mark.parametrize(
    ("function", "module"),
    [
        ("ContentDeliveryFunction", "content_delivery.app"),
        ("EdgeConfigFunction", "edge_config.app"),
        ("CloudFrontResourcesFunction", "cloudfront_resources.app"),
        ("LogRetentionFunction", "log_retention.app"),
        ("GrantKeyFunction", "grant_key.app"),
        ("GrantKeyScheduleFunction", "grant_key.schedule"),
        ("EdgeAuthFunction", "edge_auth.app"),
    ],
)
def test_regional_packages_import_on_the_lambda_python(
    build: Path, function: str, module: str
) -> None:
    """Imported by CPython 3.13 with the runtime's SDK, as Lambda's python3.13 would."""
    env = {
        "CATALOG_TABLE": "t",
        "CONTENT_BASE_URL": "https://d1.cloudfront.net",
        "APP_ORIGINS": "https://app.example",
        "AWS_DEFAULT_REGION": "us-east-1",
        "EDGE_AUTH_CONFIG": str(TEST_CONFIG_PATH),
    }
    extra = "import wrapt._wrappers; " if function == "ContentDeliveryFunction" else ""
    code = f"import {module}; {extra}print('ok', sys.version_info[:2])"
    assert PYTHON313 is not None
    result = lambda_runtime.run(build / function, code, env, python=PYTHON313)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ok (3, 13)" in result.stdout
