"""`bin/content --local` against the running local stack, as a newcomer would use it: create
their course, publish their own file, watch it through the local CloudFront, list it, count it,
remove it; a document that is not shown in the browser comes as an attachment."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.http_client import http
from tools.stack import ROOT

pytestmark = pytest.mark.slow

COURSE = "newcomer-101"
#: A course of its own for the starter files, so that the handout's course keeps one item.
STARTER_COURSE = "newcomer-starter"


def content(stack: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    """`bin/content --local <args>` pointed at this test run's stack.json."""
    state = Path(stack["edge_config_path"]).parent / "stack.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [str(ROOT / "bin" / "content"), "--local", "--local-state", str(state), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("newcomer") / "handout.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(50_000) + b"\n%%EOF\n")
    return path


@pytest.fixture(scope="module")
def course(stack: dict[str, Any]) -> str:
    result = content(stack, "course", "put", "--course", COURSE, "--title", "Newcomer 101")
    assert (result.returncode, result.stdout) == (0, f"created course {COURSE}: Newcomer 101\n")
    return COURSE


def test_publishing_into_a_course_nobody_created_is_refused(
    stack: dict[str, Any], handout: Path
) -> None:
    result = content(
        stack, "add", "--course", "newcomer-1O1", "--id", "handout-x", "--title", "Handout",
        "--file", str(handout),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: no course 'newcomer-1O1'")


@pytest.fixture(scope="module")
def published(stack: dict[str, Any], handout: Path, course: str) -> str:
    """The URL `bin/content --local add` printed for the newcomer's file."""
    result = content(
        stack, "add", "--course", COURSE, "--id", "handout", "--title", "Handout",
        "--file", str(handout),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("published handout (assignment, 50")
    url = result.stdout.strip().rsplit(": ", 1)[1]
    assert url.startswith(stack["cloudfront_url"] + "/courses/newcomer-101/handout/")
    return url


def test_a_published_file_is_served_byte_identical_to_a_member(
    published: str, handout: Path, member_token: str
) -> None:
    answer = http(published, headers={"Authorization": f"Bearer {member_token}"})
    assert answer.status == 200
    assert hashlib.sha256(answer.body).digest() == hashlib.sha256(handout.read_bytes()).digest()
    assert answer.header("Content-Type") == "application/pdf"
    assert answer.header("Content-Disposition") is None  # a PDF is shown in the browser


@pytest.fixture(scope="module")
def starter(stack: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ZIP of starter files, published to a course of its own."""
    path = tmp_path_factory.mktemp("starter") / "starter-files.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2_000))
    created = content(stack, "course", "put", "--course", STARTER_COURSE, "--title", "Starters")
    assert created.returncode == 0, created.stderr
    result = content(
        stack, "add", "--course", STARTER_COURSE, "--id", "starter", "--title", "Starter files",
        "--file", str(path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().rsplit(": ", 1)[1]


def test_a_document_not_shown_in_the_browser_is_served_as_an_attachment(
    stack: dict[str, Any], starter: str, member_token: str
) -> None:
    answer = http(starter, headers={"Authorization": f"Bearer {member_token}"})
    assert (answer.status, answer.header("Content-Type")) == (200, "application/zip")
    assert answer.header("Content-Disposition") == 'attachment; filename="starter.zip"'
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Content-Security-Policy") == (
        f"default-src 'none'; frame-ancestors {stack['demo_url']}; form-action 'none'; sandbox"
    )


def test_a_published_file_is_refused_to_everyone_else(published: str, outsider_token: str) -> None:
    assert http(published).status == 401
    outsider = http(published, headers={"Authorization": f"Bearer {outsider_token}"})
    assert outsider.status == 403
    assert b"%PDF" not in outsider.body


def test_the_api_hands_out_the_published_url(
    stack: dict[str, Any], published: str, member_token: str
) -> None:
    """The published URL, behind the grant the API signs for the caller (``/g/<grant>``)."""
    answer = http(f"{stack['api_url']}/content/handout", headers={"Authorization": member_token})
    assert answer.status == 200
    base = stack["cloudfront_url"]
    url = json.loads(answer.body)["url"]
    grant = url.removeprefix(f"{base}/g/").split("/", 1)[0]
    assert url == f"{base}/g/{grant}{published.removeprefix(base)}"


def test_list_shows_the_published_item(stack: dict[str, Any], published: str) -> None:
    result = content(stack, "list", "--course", COURSE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == [
        COURSE,
        "1",
        "handout",
        "assignment",
        "Handout",
    ]
    assert result.stdout.endswith("1 item(s)\n")


def test_courses_counts_the_samples_and_the_new_course(
    stack: dict[str, Any], published: str
) -> None:
    result = content(stack, "courses")
    assert result.returncode == 0, result.stderr
    lines = [line.split()[:3] for line in result.stdout.splitlines()]
    assert [stack["course_id"], str(len(stack["content"])), "item(s)"] in lines
    assert [COURSE, "1", "item(s)"] in lines


def test_remove_takes_the_file_out_of_service(
    stack: dict[str, Any], published: str, member_token: str
) -> None:
    result = content(stack, "remove", "--id", "handout")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "note: the local CloudFront caches nothing; invalidation skipped\n"
    assert http(published, headers={"Authorization": f"Bearer {member_token}"}).status != 200
    answer = http(f"{stack['api_url']}/content/handout", headers={"Authorization": member_token})
    assert answer.status == 404
    assert content(stack, "list", "--course", COURSE).stdout == "0 item(s)\n"
