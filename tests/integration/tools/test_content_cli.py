"""`bin/content` against a moto server: a CloudFormation stack whose outputs name a real bucket,
a catalog table with the template's schema, and a CloudFront distribution."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from shared.catalog.model import ContentItem
from tests.support.moto_stack import Stack
from tests.support.publishing import Fault, Faulty, Snapshot, throttled
from tools.content import run
from tools.publishing.bucket import ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.errors import PublishError
from tools.publishing.invalidation import NoCache
from tools.publishing.publisher import Publisher
from tools.publishing.writes import CatalogWriter
from tools.stack import ROOT, StackResources

#: Publishing needs its course first.
pytestmark = [pytest.mark.usefixtures("aws_101"), pytest.mark.slow]

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"v" * 2048


def cli(stack_name: str, *args: str) -> tuple[int, str, str]:
    """Run the command in process, as `bin/content --stack <name> ...` would."""
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack_name, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def add(
    stack: Stack,
    path: Path,
    *extra: str,
    content_id: str = "aws-101-intro",
    course: str = "aws-101",
) -> tuple[int, str, str]:
    return cli(
        stack.name,
        "add",
        "--course",
        course,
        "--id",
        content_id,
        "--title",
        "Welcome",
        "--file",
        str(path),
        *extra,
    )


def course_put(stack: Stack, course_id: str, *extra: str) -> tuple[int, str, str]:
    """`bin/content course put` (a course must exist before anything is published to it)."""
    title = f"Course {course_id}"
    return cli(stack.name, "course", "put", "--course", course_id, "--title", title, *extra)


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "intro.MP4"
    path.write_bytes(VIDEO)
    return path


def snapshot(aws: dict[str, Any], stack: StackResources) -> Snapshot:
    return Snapshot.take(aws["dynamodb"], aws["s3"], stack.table, stack.bucket)


def served(aws: dict[str, Any], stack: StackResources, content_id: str) -> bytes:
    """The bytes a member gets for the item: its key's current object."""
    item = snapshot(aws, stack).items[content_id]
    body: bytes = aws["s3"].get_object(Bucket=stack.bucket, Key=item.key.value)["Body"].read()
    return body


def invalidated_paths(aws: dict[str, Any], stack: StackResources) -> list[str]:
    cloudfront = aws["cloudfront"]
    listing = cloudfront.list_invalidations(DistributionId=stack.distribution_id)
    paths = []
    for summary in listing["InvalidationList"].get("Items", []):
        batch = cloudfront.get_invalidation(DistributionId=stack.distribution_id, Id=summary["Id"])
        paths += batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
    return paths


def test_add_uploads_the_file_and_writes_its_catalog_item(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    code, out, err = add(deployed, video, "--position", "1")
    assert (code, err) == (0, "")
    item = snapshot(aws, deployed.resources).items["aws-101-intro"]
    assert item.key.value.startswith("courses/aws-101/aws-101-intro/")
    assert item.key.value.endswith(".mp4")
    url = f"{deployed.resources.content_base_url}/{item.key.value}"
    assert out.strip() == (
        f"published aws-101-intro (video, {len(VIDEO)} bytes, position 1): {url}"
    )
    head = aws["s3"].head_object(Bucket=deployed.resources.bucket, Key=item.key.value)
    assert head["ContentType"] == "video/mp4"
    assert head["CacheControl"] == "public, max-age=86400"
    assert head["VersionId"] == item.version
    assert (item.size, item.type, item.position) == (len(VIDEO), "video", 1)
    assert served(aws, deployed.resources, "aws-101-intro") == VIDEO


def test_a_new_item_goes_after_the_last_one_by_default(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    assert add(deployed, video, "--position", "4")[0] == 0
    code, out, _ = add(deployed, video, content_id="aws-101-next")
    assert code == 0
    assert "position 5" in out


def test_the_first_item_of_a_new_course_is_at_position_1(deployed: Stack, video: Path) -> None:
    course_put(deployed, "aws-102")
    code, out, _ = add(deployed, video, content_id="first", course="aws-102")
    assert code == 0
    assert "position 1)" in out


def test_an_unknown_stack_is_a_clear_error(aws: dict[str, Any], video: Path) -> None:
    code, _, err = cli(
        "no-such-stack", "add", "--course", "c", "--id", "i", "--title", "t", "--file", str(video)
    )
    assert code == 1
    assert err.startswith("error: stack 'no-such-stack' does not exist in us-east-1")


def test_a_duplicate_id_needs_force(aws: dict[str, Any], deployed: Stack, video: Path) -> None:
    assert add(deployed, video)[0] == 0
    video.write_bytes(VIDEO + b"other")
    code, _, err = add(deployed, video)
    assert code == 2
    assert err == (
        "error: content 'aws-101-intro' already exists in course 'aws-101'; "
        "pass --force to replace it\n"
    )
    assert len(snapshot(aws, deployed.resources).current) == 1


def test_adding_the_same_file_again_is_already_done(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    assert add(deployed, video)[0] == 0
    before = snapshot(aws, deployed.resources)
    code, out, _ = add(deployed, video)
    assert code == 0
    assert out.startswith("already published aws-101-intro")
    assert snapshot(aws, deployed.resources) == before


def test_force_replaces_the_object_and_invalidates_the_old_one(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    add(deployed, video)
    old = snapshot(aws, deployed.resources).items["aws-101-intro"]
    video.write_bytes(VIDEO + b"v2")
    code, _, _ = add(deployed, video, "--force")
    assert code == 0
    after = snapshot(aws, deployed.resources)
    assert served(aws, deployed.resources, "aws-101-intro") == VIDEO + b"v2"
    assert set(after.current) == {after.items["aws-101-intro"].key.value}
    assert old.key.value not in after.versions  # the old object's version itself is gone
    assert after.items["aws-101-intro"].position == old.position
    assert invalidated_paths(aws, deployed.resources) == [old.key.path]


def test_force_with_another_extension_leaves_only_the_new_object(
    aws: dict[str, Any], deployed: Stack, video: Path, tmp_path: Path
) -> None:
    add(deployed, video)
    webm = tmp_path / "intro.webm"
    webm.write_bytes(b"\x1a\x45\xdf\xa3webm")
    assert add(deployed, webm, "--force")[0] == 0
    after = snapshot(aws, deployed.resources)
    assert after.items["aws-101-intro"].key.value.endswith(".webm")
    assert list(after.current) == [after.items["aws-101-intro"].key.value]
    code, _, _ = cli(deployed.name, "remove", "--id", "aws-101-intro")
    assert code == 0
    assert snapshot(aws, deployed.resources).current == {}


def publisher(aws: dict[str, Any], stack: StackResources, fault: Fault) -> Publisher:
    return Publisher(
        CatalogWriter(Faulty(aws["dynamodb"], fault), stack.table),  # type: ignore[arg-type]
        ContentBucket(Faulty(aws["s3"], fault), stack.bucket),  # type: ignore[arg-type]
        NoCache(),
    )


def test_a_replacement_that_fails_after_its_upload_keeps_the_live_version_served(
    aws: dict[str, Any], stack: StackResources, video: Path
) -> None:
    """The withdrawal bug: undoing a failed replacement must not unpublish the live object
    (the first tool withdrew with a delete that carried no version ID)."""
    publisher(aws, stack, Fault()).add(Draft.check("aws-101", "aws-101-intro", "Welcome", video))
    before = snapshot(aws, stack)
    video.write_bytes(VIDEO + b"replacement")
    fault = Fault(at=3, error=throttled())  # journal, upload, then the catalog switch fails
    with pytest.raises(PublishError, match="undid an interrupted replace"):
        publisher(aws, stack, fault).add(
            Draft.check("aws-101", "aws-101-intro", "Welcome", video), force=True
        )
    assert fault.writes[:3] == ["put_item", "put_object", "transact_write_items"]
    after = snapshot(aws, stack)
    assert after.items == before.items
    assert after.current == before.current
    assert served(aws, stack, "aws-101-intro") == VIDEO


def live_bytes(aws: dict[str, Any], stack: StackResources, content_id: str) -> bytes:
    """What a member is served for the item, read without the catalog module's help."""
    item = aws["dynamodb"].get_item(
        TableName=stack.table, Key={"contentId": {"S": content_id}}, ConsistentRead=True
    )["Item"]
    answer = aws["s3"].get_object(Bucket=stack.bucket, Key=item["key"]["S"])
    body: bytes = answer["Body"].read()
    return body


def test_a_replacement_that_cannot_finish_never_unpublishes_the_live_content(
    aws: dict[str, Any], deployed: Stack, video: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`add --force` where every step after the upload fails (confirming it, writing the
    catalog): the first tool withdrew the upload with a delete that named no version, which hid
    the live version too (the catalog listed the item, S3 said NoSuchKey)."""
    assert add(deployed, video)[0] == 0
    failing = {("s3", "HeadObject"), ("dynamodb", "PutItem"), ("dynamodb", "TransactWriteItems")}
    real = BaseClient._make_api_call  # type: ignore[attr-defined]

    def denied_after_upload(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        item = params.get("Item", {}).get("contentId", {}).get("S")
        writes_item = operation == "TransactWriteItems" or item == "aws-101-intro"
        if (service, operation) in failing and (service == "s3" or writes_item):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation)
        return real(client, operation, params)

    video.write_bytes(VIDEO + b"replacement")
    with monkeypatch.context() as patched:
        patched.setattr(BaseClient, "_make_api_call", denied_after_upload)
        code, _, _ = add(deployed, video, "--force")
    assert code == 1
    assert live_bytes(aws, deployed.resources, "aws-101-intro") == VIDEO


def test_a_large_file_goes_up_in_parts_with_a_progress_bar(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    big = tmp_path / "lecture.mp4"
    data = VIDEO + os.urandom(12 * 1024 * 1024)
    big.write_bytes(data)
    code, _, err = add(deployed, big, content_id="aws-101-lecture")
    assert code == 0
    assert "100% 12.0/12.0 MB" in err
    item = snapshot(aws, deployed.resources).items["aws-101-lecture"]
    head = aws["s3"].head_object(Bucket=deployed.resources.bucket, Key=item.key.value)
    assert "-" in head["ETag"]  # a multipart upload's ETag counts its parts
    assert head["VersionId"] == item.version
    assert served(aws, deployed.resources, "aws-101-lecture") == data


def test_list_shows_the_catalog_by_course(deployed: Stack, video: Path, tmp_path: Path) -> None:
    quiz = tmp_path / "quiz.json"
    quiz.write_text('{"questions": []}')
    add(deployed, video, "--position", "1")
    course_put(deployed, "aws-102")
    add(deployed, quiz, content_id="q1", course="aws-102")
    code, out, _ = cli(deployed.name, "list", "--course", "aws-101")
    assert code == 0
    assert "aws-101-intro" in out
    assert "q1" not in out
    assert out.endswith("1 item(s)\n")


def test_list_without_a_course_shows_every_course(
    deployed: Stack, video: Path, tmp_path: Path
) -> None:
    quiz = tmp_path / "quiz.json"
    quiz.write_text('{"questions": []}')
    add(deployed, video)
    course_put(deployed, "aws-102")
    add(deployed, quiz, content_id="q1", course="aws-102")
    code, out, _ = cli(deployed.name, "list")
    assert code == 0
    assert [line.split()[:3] for line in out.splitlines()] == [
        ["aws-101", "1", "aws-101-intro"],
        ["aws-102", "1", "q1"],
        ["2", "item(s)"],
    ]


def test_courses_lists_every_course_with_its_item_count_and_title(
    deployed: Stack, video: Path, tmp_path: Path
) -> None:
    add(deployed, video)
    add(deployed, video, content_id="aws-101-again")
    course_put(deployed, "aws-102")
    add(deployed, video, content_id="other", course="aws-102")
    cli(deployed.name, "remove", "--id", "other")
    course_put(deployed, "aws-103")
    add(deployed, video, content_id="third", course="aws-103")
    code, out, _ = cli(deployed.name, "courses")
    assert code == 0
    assert out.split("\n") == [
        "aws-101             2 item(s)  Course aws-101",
        "aws-102             0 item(s)  Course aws-102",
        "aws-103             1 item(s)  Course aws-103",
        "3 course(s)",
        "",
    ]


def test_courses_and_list_do_not_scan_the_table(
    aws: dict[str, Any], stack: StackResources, video: Path
) -> None:
    fault = Fault()
    quiet = publisher(aws, stack, fault)
    quiet.add(Draft.check("aws-101", "aws-101-intro", "Welcome", video))
    calls: list[str] = []
    dynamodb = aws["dynamodb"]

    class Recording:
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            return getattr(dynamodb, name)

    catalog = CatalogWriter(Recording(), stack.table)  # type: ignore[arg-type]
    assert [c.items for c in catalog.list_courses()] == [1]
    assert len(catalog.list_course("aws-101").items) == 1
    assert "scan" not in calls
    assert set(calls) == {"get_item", "query"}


def test_remove_deletes_the_item_and_the_object(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    add(deployed, video)
    item: ContentItem = snapshot(aws, deployed.resources).items["aws-101-intro"]
    code, out, _ = cli(deployed.name, "remove", "--id", "aws-101-intro")
    assert (code, out) == (0, f"removed aws-101-intro and its object {item.key.value}\n")
    after = snapshot(aws, deployed.resources)
    assert (after.items, after.current, after.journals) == ({}, {}, {})
    assert invalidated_paths(aws, deployed.resources) == [item.key.path]


def test_removing_unknown_content_is_a_clear_error(deployed: Stack) -> None:
    assert cli(deployed.name, "remove", "--id", "nope") == (
        2,
        "",
        "error: no content 'nope' in the catalog\n",
    )


def test_the_bin_content_wrapper_runs_from_any_directory(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    """What an operator types: relative paths resolve from where they stand."""
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 notes")
    result = subprocess.run(
        [
            str(ROOT / "bin" / "content"),
            "--stack",
            deployed.name,
            "add",
            "--course",
            "aws-101",
            "--id",
            "notes",
            "--title",
            "Notes",
            "--file",
            "notes.pdf",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "published notes (assignment" in result.stdout
    assert "notes" in snapshot(aws, deployed.resources).items
