"""The Content Delivery package carries the catalog's model and read side, not its publishing
code, and runs from what it carries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.support.build import ensure_built


@pytest.fixture(scope="module")
def package() -> Path:
    return ensure_built() / "ContentDeliveryFunction"


def test_the_package_holds_the_catalog_s_read_side_only(package: Path) -> None:
    assert sorted(p.name for p in (package / "catalog").iterdir()) == [
        "__init__.py",
        "errors.py",
        "model.py",
        "store.py",
    ]


def test_the_package_holds_the_grant_key_s_format_not_the_resource_that_makes_it(
    package: Path,
) -> None:
    assert sorted(p.name for p in (package / "grant_key").iterdir()) == [
        "__init__.py",
        "secret.py",
    ]


def test_the_packaged_handler_imports_no_publishing_code(package: Path) -> None:
    """Imported from the package alone (plus the runtime's SDK), as Lambda would."""
    sdk = Path(boto3.__file__).parents[1]
    code = (
        f"import sys; sys.path[:0] = [{str(package)!r}]; sys.path.append({str(sdk)!r}); "
        "import content_delivery.app; "
        "print(sorted(m for m in sys.modules if m.startswith(('catalog', 'course_access'))))"
    )
    env = {
        "CATALOG_TABLE": "t",
        "CONTENT_BASE_URL": "https://d1.cloudfront.net",
        "APP_ORIGINS": "https://app.example",
        "ALL_ACCESS_GROUPS": "students",
        "COURSE_GROUP_PREFIX": "course-",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": os.environ["PATH"],
    }
    result = subprocess.run(
        [sys.executable, "-B", "-I", "-S", "-c", code], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == str(
        [
            "catalog",
            "catalog.errors",
            "catalog.model",
            "catalog.store",
            "course_access",
            "course_access.grants",
            "course_access.rule",
        ]
    )


def test_the_grant_key_package_holds_its_resource_and_the_protocol_only() -> None:
    built = ensure_built() / "GrantKeyFunction"
    ours = {p.name for p in built.iterdir() if (p / "__init__.py").exists() and p.name.islower()}
    assert {"grant_key", "custom_resource"} <= ours
    assert not ours & {"content_delivery", "edge_auth", "edge_config", "catalog"}
    assert sorted(p.name for p in (built / "grant_key").iterdir()) == [
        "__init__.py",
        "app.py",
        "resource.py",
        "secret.py",
    ]
