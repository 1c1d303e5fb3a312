"""Each built package holds its function's own package and `shared`, the same modules as the
source tree, and nothing from the tools side (publishing, the local stack, the test kit); the
CloudFront resources package also holds the CloudFront Function's code it publishes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from testkit import lambda_runtime
from testkit.build import FUNCTIONS, ensure_built
from tools.stack import ROOT

#: Each function's own package, as template.yaml's handlers name it.
OWN_PACKAGE = {
    "EdgeAuthFunction": "edge_auth",
    "EdgeConfigFunction": "edge_config",
    "CloudFrontResourcesFunction": "cloudfront_resources",
    "LogRetentionFunction": "log_retention",
    "ContentDeliveryFunction": "content_delivery",
    "EnrolmentFunction": "enrolment_api",
    "GrantKeyFunction": "grant_key",
    "GrantKeyScheduleFunction": "grant_key",
}
FUNCTION_PACKAGES = set(OWN_PACKAGE.values())
TOOLS_SIDE = {"tools", "local", "testkit", "tests", "bench", "publishing"}
#: The one file that is not Python, and the one package that carries it.
GRANT_CHECK = ROOT / "functions" / "grant_check" / "index.js"
PUBLISHER = "CloudFrontResourcesFunction"


def python_modules(top: Path) -> set[str]:
    return {p.relative_to(top).as_posix() for p in top.rglob("*.py")}


@pytest.fixture(scope="module")
def build() -> Path:
    return ensure_built()


def test_every_function_has_a_package_named_in_this_table() -> None:
    assert set(OWN_PACKAGE) == set(FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_package_holds_its_own_package_and_shared_exactly_as_in_the_source(
    build: Path, name: str
) -> None:
    own = OWN_PACKAGE[name]
    for package in (own, "shared"):
        assert python_modules(build / name / package) == python_modules(
            ROOT / "functions" / package
        ), package


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_package_holds_no_other_function_s_package_and_nothing_from_the_tools_side(
    build: Path, name: str
) -> None:
    top_level = {p.name for p in (build / name).iterdir()}
    assert not top_level & (FUNCTION_PACKAGES - {OWN_PACKAGE[name]})
    assert not top_level & TOOLS_SIDE


def test_the_packaged_content_delivery_handler_loads_only_shared_and_its_own_modules(
    build: Path,
) -> None:
    """Imported from the package alone (plus the runtime's SDK), as Lambda would."""
    code = (
        "import content_delivery.app; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        f"set({sorted(FUNCTION_PACKAGES | TOOLS_SIDE | {'shared'})!r})))"
    )
    env = {
        "CATALOG_TABLE": "t",
        "CONTENT_BASE_URL": "https://d1.cloudfront.net",
        "APP_ORIGINS": "https://app.example",
        "ALL_ACCESS_GROUPS": "students",
        "ENROLMENT_TABLE": "enrolments",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = lambda_runtime.run(build / "ContentDeliveryFunction", code, env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == str(["content_delivery", "shared"])


def test_the_cloudfront_resources_package_holds_index_js_byte_for_byte(build: Path) -> None:
    directory = build / PUBLISHER / "grant_check"
    assert [p.name for p in directory.iterdir()] == ["index.js"]
    assert (directory / "index.js").read_bytes() == GRANT_CHECK.read_bytes()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_no_other_package_holds_the_grant_check(build: Path, name: str) -> None:
    assert (build / name / "grant_check").exists() == (name == PUBLISHER)


def test_the_packaged_custom_resource_reads_the_packaged_code_under_its_hash(build: Path) -> None:
    """Imported from the package alone, as Lambda would: the path it reads is the package's."""
    sha256 = hashlib.sha256(GRANT_CHECK.read_bytes()).hexdigest()
    code = (
        "from cloudfront_resources import function_code; "
        f"print(len(function_code.checked({sha256!r})), function_code.PACKAGED)"
    )
    result = lambda_runtime.run(build / PUBLISHER, code, {"AWS_DEFAULT_REGION": "us-east-1"})
    assert result.returncode == 0, result.stderr[-2000:]
    size, path = result.stdout.split()
    assert int(size) == len(GRANT_CHECK.read_bytes())
    assert Path(path) == build / PUBLISHER / "grant_check" / "index.js"
