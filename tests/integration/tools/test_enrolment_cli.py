"""`bin/content enroll | unenroll | enrolments` and the course group a publish creates,
against Cognito in moto."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto_stack import Stack, create_course
from tools.content import run

pytestmark = pytest.mark.slow

USER = "learner@example.com"


def cli(stack: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def pool(aws: dict[str, Any], deployed: Stack) -> str:
    pool_id = deployed.resources.user_pool_id
    assert pool_id is not None
    aws["cognito-idp"].admin_create_user(
        UserPoolId=pool_id,
        Username=USER,
        UserAttributes=[{"Name": "email", "Value": USER}],
        MessageAction="SUPPRESS",
    )
    aws["cognito-idp"].create_group(GroupName="students", UserPoolId=pool_id)
    return pool_id


def groups_of(aws: dict[str, Any], pool_id: str, user: str = USER) -> list[str]:
    answer = aws["cognito-idp"].admin_list_groups_for_user(UserPoolId=pool_id, Username=user)
    return sorted(g["GroupName"] for g in answer["Groups"])


def pool_groups(aws: dict[str, Any], pool_id: str) -> list[str]:
    answer = aws["cognito-idp"].list_groups(UserPoolId=pool_id)
    return sorted(g["GroupName"] for g in answer["Groups"])


def test_enroll_adds_the_user_to_the_course_group_creating_it(
    aws: dict[str, Any], deployed: Stack, pool: str
) -> None:
    code, out, err = cli(deployed.name, "enroll", "--user", USER, "--course", "aws-101")
    assert (code, err) == (0, "")
    assert out == f"enrolled {USER} in aws-101 (from their next token)\n"
    assert "course-aws-101" in pool_groups(aws, pool)
    assert groups_of(aws, pool) == ["course-aws-101"]


def test_enroll_again_changes_nothing(aws: dict[str, Any], deployed: Stack, pool: str) -> None:
    for _ in range(2):
        assert cli(deployed.name, "enroll", "--user", USER, "--course", "aws-101")[0] == 0
    assert groups_of(aws, pool) == ["course-aws-101"]


def test_enrolments_lists_the_user_s_courses_only(
    aws: dict[str, Any], deployed: Stack, pool: str
) -> None:
    aws["cognito-idp"].admin_add_user_to_group(UserPoolId=pool, Username=USER, GroupName="students")
    for course in ("aws-201", "aws-101"):
        cli(deployed.name, "enroll", "--user", USER, "--course", course)
    code, out, _ = cli(deployed.name, "enrolments", "--user", USER)
    assert (code, out) == (0, "aws-101\naws-201\n2 course(s)\n")


def test_unenroll_removes_the_user_from_the_course_group_only(
    aws: dict[str, Any], deployed: Stack, pool: str
) -> None:
    for course in ("aws-101", "aws-201"):
        cli(deployed.name, "enroll", "--user", USER, "--course", course)
    code, out, _ = cli(deployed.name, "unenroll", "--user", USER, "--course", "aws-101")
    assert (code, out) == (0, f"unenrolled {USER} from aws-101 (from their next token)\n")
    assert groups_of(aws, pool) == ["course-aws-201"]
    assert "course-aws-101" in pool_groups(aws, pool)  # the group stays for the others


def test_unenrolling_a_user_who_is_not_enrolled_is_exit_2(deployed: Stack, pool: str) -> None:
    code, _, err = cli(deployed.name, "unenroll", "--user", USER, "--course", "aws-101")
    assert (code, err) == (2, f"error: {USER} is not enrolled in aws-101\n")


@pytest.mark.parametrize("command", ["enroll", "unenroll"])
def test_an_unknown_user_is_one_line_and_exit_2(deployed: Stack, pool: str, command: str) -> None:
    code, _, err = cli(deployed.name, command, "--user", "nobody@example.com", "--course", "c1")
    assert (code, err) == (2, "error: no user nobody@example.com in the user pool\n")


def test_publishing_a_course_s_first_item_creates_its_group_once(
    aws: dict[str, Any], deployed: Stack, pool: str, tmp_path: Path
) -> None:
    create_course(aws, deployed, "new-course")
    notes = tmp_path / "notes.txt"
    notes.write_text("notes\n")
    for content_id in ("first", "second"):
        code, _, err = cli(
            deployed.name,
            "add",
            "--course",
            "new-course",
            "--id",
            content_id,
            "--title",
            "Notes",
            "--file",
            str(notes),
        )
        assert (code, err) == (0, "")
    assert pool_groups(aws, pool).count("course-new-course") == 1


def test_a_stack_without_course_groups_cannot_enroll(aws: dict[str, Any]) -> None:
    name = f"old-{uuid.uuid4().hex[:8]}"
    template = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {
            "ContentBucketName": {"Value": "b"},
            "CatalogTableName": {"Value": "t"},
            "DistributionId": {"Value": "E1"},
            "ContentBaseUrl": {"Value": "https://d1.cloudfront.net"},
        },
    }
    aws["cloudformation"].create_stack(StackName=name, TemplateBody=json.dumps(template))
    code, _, err = cli(name, "enroll", "--user", USER, "--course", "aws-101")
    assert code == 1
    assert "CourseGroupPrefix" in err


def test_a_publish_stopped_before_its_group_is_created_gets_the_group_on_a_re_run(
    aws: dict[str, Any], deployed: Stack, pool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group is the publish's last step: the same command again must still create it."""
    create_course(aws, deployed, "late-group")
    notes = tmp_path / "notes.txt"
    notes.write_text("notes\n")
    command = ["add", "--course", "late-group", "--id", "late", "--title", "Notes"]
    command += ["--file", str(notes)]

    def stopped(self: object, course_id: str) -> bool:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("tools.enrolment.Enrolments.ensure_course_group", stopped)
        code, _, _ = cli(deployed.name, *command)
    assert code != 0
    assert "course-late-group" not in pool_groups(aws, pool)
    code, out, err = cli(deployed.name, *command)
    assert (code, err) == (0, "")
    assert out.startswith("already published late")
    assert "course-late-group" in pool_groups(aws, pool)
