"""`bin/content` against a moto server: a CloudFormation stack whose outputs name a real bucket,
a catalog table with the template's schema, and a CloudFront distribution."""

from __future__ import annotations

import io
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import boto3
import pytest
from botocore.exceptions import ClientError

from local.template import resource_properties
from tests.support.tokens import ROOT
from tools.content import run
from tools.publisher import ContentPublisher, NewContent, PublishError
from tools.stack import StackResources, resolve

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"v" * 2048


@pytest.fixture
def aws(session: boto3.Session, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Clients on the moto server; the CLI finds it through AWS_ENDPOINT_URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    return {
        name: session.client(name, endpoint_url=moto_url)
        for name in ("s3", "dynamodb", "cloudformation", "cloudfront")
    }


class Stack(NamedTuple):
    name: str
    resources: StackResources


@pytest.fixture
def deployed(aws: dict[str, Any]) -> Iterator[Stack]:
    name = f"content-{uuid.uuid4().hex[:8]}"
    distribution = aws["cloudfront"].create_distribution(
        DistributionConfig={
            "CallerReference": name,
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "content",
                        "DomainName": "b.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "content",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]
    table = resource_properties("CatalogTable")
    template = {
        "Resources": {
            "ContentBucket": {"Type": "AWS::S3::Bucket"},
            "CatalogTable": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    k: table[k]
                    for k in (
                        "BillingMode",
                        "AttributeDefinitions",
                        "KeySchema",
                        "GlobalSecondaryIndexes",
                    )
                },
            },
        },
        "Outputs": {
            "ContentBucketName": {"Value": {"Ref": "ContentBucket"}},
            "CatalogTableName": {"Value": {"Ref": "CatalogTable"}},
            "DistributionId": {"Value": distribution["Id"]},
            "ContentBaseUrl": {"Value": f"https://{distribution['DomainName']}"},
        },
    }
    aws["cloudformation"].create_stack(StackName=name, TemplateBody=json.dumps(template))
    resources = resolve(aws["cloudformation"], name)
    # moto's CloudFormation ignores VersioningConfiguration; the template enables it.
    aws["s3"].put_bucket_versioning(
        Bucket=resources.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    yield Stack(name, resources)
    aws["cloudformation"].delete_stack(StackName=name)


@pytest.fixture
def stack(deployed: Stack) -> StackResources:
    return deployed.resources


def cli(stack_name: str, *args: str) -> tuple[int, str, str]:
    """Run the command in process, as `bin/content --stack <name> ...` would."""
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack_name, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def add(
    stack: Stack, path: Path, *extra: str, content_id: str = "aws-101-intro"
) -> tuple[int, str, str]:
    return cli(
        stack.name,
        "add",
        "--course",
        "aws-101",
        "--id",
        content_id,
        "--title",
        "Welcome",
        "--file",
        str(path),
        *extra,
    )


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "intro.MP4"
    path.write_bytes(VIDEO)
    return path


def versions(aws: dict[str, Any], stack: StackResources, key: str) -> list[dict[str, Any]]:
    answer = aws["s3"].list_object_versions(Bucket=stack.bucket, Prefix=key)
    return [v for v in answer.get("Versions", []) if v["Key"] == key]


def catalog_item(
    aws: dict[str, Any], stack: StackResources, content_id: str
) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        aws["dynamodb"]
        .get_item(TableName=stack.table, Key={"contentId": {"S": content_id}})
        .get("Item")
    )
    return item


KEY = "courses/aws-101/aws-101-intro.mp4"


def test_add_uploads_the_file_and_writes_its_catalog_item(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    code, out, err = add(deployed, video, "--position", "1")
    assert (code, err) == (0, "")
    url = f"{deployed.resources.content_base_url}/{KEY}"
    assert out.strip() == f"published aws-101-intro (video, {len(VIDEO)} bytes): {url}"
    head = aws["s3"].head_object(Bucket=deployed.resources.bucket, Key=KEY)
    assert head["ContentType"] == "video/mp4"
    assert head["CacheControl"] == "public, max-age=86400"
    item = catalog_item(aws, deployed.resources, "aws-101-intro")
    assert item is not None
    assert item["key"] == {"S": KEY}
    assert item["size"] == {"N": str(len(VIDEO))}
    assert item["type"] == {"S": "video"}


def test_a_missing_file_is_a_clear_error_and_changes_nothing(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    code, _, err = add(deployed, tmp_path / "absent.mp4")
    assert code == 2
    assert err == f"error: no such file: {tmp_path / 'absent.mp4'}\n"
    assert aws["s3"].list_object_versions(Bucket=deployed.resources.bucket).get("Versions") is None
    assert catalog_item(aws, deployed.resources, "aws-101-intro") is None


def test_an_unknown_stack_is_a_clear_error(aws: dict[str, Any], video: Path) -> None:
    code, _, err = cli(
        "no-such-stack", "add", "--course", "c", "--id", "i", "--title", "t", "--file", str(video)
    )
    assert code == 1
    assert err.startswith("error: stack 'no-such-stack' not found")


@pytest.mark.parametrize(("flag", "value"), [("--id", "bad id"), ("--course", "x" * 65)])
def test_a_malformed_id_is_refused(deployed: Stack, video: Path, flag: str, value: str) -> None:
    args = {"--course": "aws-101", "--id": "aws-101-intro", flag: value}
    code, _, err = cli(
        deployed.name,
        "add",
        "--course",
        args["--course"],
        "--id",
        args["--id"],
        "--title",
        "t",
        "--file",
        str(video),
    )
    assert code == 2
    assert "invalid" in err


def test_a_duplicate_id_needs_force(aws: dict[str, Any], deployed: Stack, video: Path) -> None:
    assert add(deployed, video)[0] == 0
    code, _, err = add(deployed, video)
    assert code == 2
    assert err == "error: content 'aws-101-intro' already exists; pass --force to replace it\n"
    assert len(versions(aws, deployed.resources, KEY)) == 1


def test_force_replaces_the_object_and_invalidates_the_cached_copy(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    add(deployed, video)
    video.write_bytes(VIDEO + b"v2")
    code, _, _ = add(deployed, video, "--force")
    assert code == 0
    assert (
        aws["s3"].get_object(Bucket=deployed.resources.bucket, Key=KEY)["Body"].read()
        == VIDEO + b"v2"
    )
    invalidations = aws["cloudfront"].list_invalidations(
        DistributionId=deployed.resources.distribution_id
    )["InvalidationList"]
    assert invalidations["Quantity"] == 1


class FailingWrites:
    """The real DynamoDB client, except that writes fail as a throttled table would."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_item(self, **kwargs: Any) -> Any:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
            "PutItem",
        )


def publisher(aws: dict[str, Any], stack: StackResources, dynamodb: Any = None) -> ContentPublisher:
    return ContentPublisher(stack, aws["s3"], dynamodb or aws["dynamodb"], aws["cloudfront"])


def test_a_failed_catalog_write_removes_the_uploaded_object(
    aws: dict[str, Any], stack: StackResources, video: Path
) -> None:
    request = NewContent("aws-101", "aws-101-intro", "Welcome", video)
    with pytest.raises(PublishError, match="upload was undone, nothing changed"):
        publisher(aws, stack, FailingWrites(aws["dynamodb"])).add(request)
    assert versions(aws, stack, KEY) == []
    assert catalog_item(aws, stack, "aws-101-intro") is None


def test_a_failed_replacement_restores_the_previous_object(
    aws: dict[str, Any], stack: StackResources, video: Path
) -> None:
    request = NewContent("aws-101", "aws-101-intro", "Welcome", video)
    publisher(aws, stack).add(request)
    before = catalog_item(aws, stack, "aws-101-intro")
    video.write_bytes(b"replacement")
    with pytest.raises(PublishError):
        publisher(aws, stack, FailingWrites(aws["dynamodb"])).add(request, force=True)
    assert aws["s3"].get_object(Bucket=stack.bucket, Key=KEY)["Body"].read() == VIDEO
    assert catalog_item(aws, stack, "aws-101-intro") == before


def test_a_failed_upload_writes_no_catalog_item(
    aws: dict[str, Any], stack: StackResources, video: Path
) -> None:
    missing_bucket = StackResources(
        "no-such-bucket", stack.table, stack.distribution_id, stack.content_base_url
    )
    with pytest.raises(PublishError, match="upload failed, nothing was published"):
        publisher(aws, missing_bucket).add(NewContent("aws-101", "aws-101-intro", "Welcome", video))
    assert catalog_item(aws, stack, "aws-101-intro") is None


def test_a_large_file_goes_up_in_parts_with_a_progress_bar(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    big = tmp_path / "lecture.mp4"
    big.write_bytes(os.urandom(12 * 1024 * 1024))
    code, _, err = add(deployed, big, content_id="aws-101-lecture")
    assert code == 0
    assert "100% 12.0/12.0 MB" in err
    etag = aws["s3"].head_object(
        Bucket=deployed.resources.bucket, Key="courses/aws-101/aws-101-lecture.mp4"
    )["ETag"]
    assert "-" in etag  # a multipart upload's ETag counts its parts


def test_list_shows_the_catalog_by_course(deployed: Stack, video: Path, tmp_path: Path) -> None:
    quiz = tmp_path / "quiz.json"
    quiz.write_text('{"questions": []}')
    add(deployed, video, "--position", "1")
    cli(
        deployed.name,
        "add",
        "--course",
        "aws-102",
        "--id",
        "q1",
        "--title",
        "Quiz",
        "--file",
        str(quiz),
    )
    code, out, _ = cli(deployed.name, "list", "--course", "aws-101")
    assert code == 0
    assert "aws-101-intro" in out
    assert "q1" not in out
    assert out.endswith("1 item(s)\n")


def test_remove_deletes_the_item_and_the_object(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    add(deployed, video)
    code, out, _ = cli(deployed.name, "remove", "--id", "aws-101-intro")
    assert (code, out) == (0, f"removed aws-101-intro and s3 object {KEY}\n")
    assert catalog_item(aws, deployed.resources, "aws-101-intro") is None
    with pytest.raises(ClientError):
        aws["s3"].head_object(Bucket=deployed.resources.bucket, Key=KEY)
    assert (
        aws["cloudfront"].list_invalidations(DistributionId=deployed.resources.distribution_id)[
            "InvalidationList"
        ]["Quantity"]
        == 1
    )


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
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "published notes (assignment" in result.stdout
    assert catalog_item(aws, deployed.resources, "notes") is not None


class FailingCall:
    """A real client, except that one operation fails as a denied permission would."""

    def __init__(self, client: Any, operation: str) -> None:
        self._client = client
        self._operation = operation

    def __getattr__(self, name: str) -> Any:
        if name == self._operation:

            def denied(**kwargs: Any) -> Any:
                raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, name)

            return denied
        return getattr(self._client, name)


def test_an_upload_that_cannot_be_confirmed_is_withdrawn(
    aws: dict[str, Any], stack: StackResources, video: Path
) -> None:
    s3 = FailingCall(aws["s3"], "head_object")
    publisher = ContentPublisher(stack, s3, aws["dynamodb"], aws["cloudfront"])  # type: ignore[arg-type]
    with pytest.raises(PublishError, match="withdrawn, nothing was published"):
        publisher.add(NewContent("aws-101", "aws-101-intro", "Welcome", video))
    with pytest.raises(ClientError, match=r"Not Found|NoSuchKey|404"):
        aws["s3"].head_object(Bucket=stack.bucket, Key=KEY)
    assert catalog_item(aws, stack, "aws-101-intro") is None


def test_a_replacement_with_a_new_extension_removes_the_old_object_first(
    aws: dict[str, Any], stack: StackResources, video: Path, tmp_path: Path
) -> None:
    publisher(aws, stack).add(NewContent("aws-101", "aws-101-intro", "Welcome", video))
    webm = tmp_path / "intro.webm"
    webm.write_bytes(b"webm")
    cloudfront = FailingCall(aws["cloudfront"], "create_invalidation")
    failing = ContentPublisher(stack, aws["s3"], aws["dynamodb"], cloudfront)  # type: ignore[arg-type]
    with pytest.raises(PublishError, match="invalidation failed"):
        failing.add(NewContent("aws-101", "aws-101-intro", "Welcome", webm), force=True)
    with pytest.raises(ClientError):
        aws["s3"].head_object(Bucket=stack.bucket, Key=KEY)
    assert (
        aws["s3"]
        .get_object(Bucket=stack.bucket, Key="courses/aws-101/aws-101-intro.webm")["Body"]
        .read()
        == b"webm"
    )
