"""The backend example of docs/enrolments.md, run as written against the local stack: only
``API_URL`` replaced, the stack's admin credentials in the environment, as a backend's role's
would be. Signed with botocore's SigV4 signer, verified by the local API as API Gateway does."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tools.stack import ROOT

PLACEHOLDER = '"https://<api>.execute-api.us-east-1.amazonaws.com/v1"'


def examples() -> tuple[str, str]:
    """The example's definitions and its calls."""
    page = (ROOT / "docs" / "enrolments.md").read_text(encoding="utf-8")
    found = re.search(
        r"### Calling it from your backend.*?```python\n(.*?)```.*?```python\n(.*?)```", page, re.S
    )
    assert found is not None, "docs/enrolments.md lost its backend example"
    return found.group(1), found.group(2)


def test_the_backend_example_enrols_lists_batches_and_unenrols_as_written(
    stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    definitions, calls = examples()
    assert PLACEHOLDER in definitions
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", stack["admin_credentials"]["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", stack["admin_credentials"]["secret_access_key"])
    namespace: dict[str, Any] = {"sub": str(uuid.uuid4())}
    exec(definitions.replace(PLACEHOLDER, repr(stack["api_url"])), namespace)  # noqa: S102
    exec(calls, namespace)  # noqa: S102
    status, enrolment = namespace["enrolled"]
    assert status == 200
    assert enrolment["notAfter"] == "2030-06-30T00:00:00Z"
    assert enrolment["changedBy"].endswith(":user/local-admin")
    assert namespace["listed"][1]["enrolments"][0]["courseId"] == "aws-101"
    assert namespace["batch"] == (
        200,
        {
            "put": [{"courseId": "aws-201", "learner": namespace["sub"], "status": 200}],
            "delete": [],
        },
    )
    assert namespace["unenrolled"] == (204, None)


def test_the_example_signed_with_another_secret_is_refused(
    stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    definitions, _ = examples()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", stack["admin_credentials"]["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-admin-secret")
    namespace: dict[str, Any] = {}
    exec(definitions.replace(PLACEHOLDER, repr(stack["api_url"])), namespace)  # noqa: S102
    status, _ = namespace["call"]("GET", f"/enrolments?learner={uuid.uuid4()}")
    assert status == 403
