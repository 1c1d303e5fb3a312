"""`bin/content enroll | unenroll | enrolments | migrate-groups` against a stack in moto:
enrolments live in the enrolment table, into courses of the catalog; Cognito is asked only to
turn an email into a sub, and never when a learner is given by sub."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from shared.catalog.store import CatalogStore
from shared.enrolments.store import EnrolmentStore
from tests.support.aws_calls import calls_to
from tests.support.moto_stack import Stack
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
    return pool_id


@pytest.fixture
def store(aws: dict[str, Any], deployed: Stack) -> EnrolmentStore:
    table = deployed.resources.enrolment_table
    assert table is not None
    return EnrolmentStore(aws["dynamodb"], table)


@pytest.fixture
def courses(deployed: Stack) -> None:
    for course in ("aws-101", "aws-201"):
        assert cli(deployed.name, "course", "put", "--course", course, "--title", course)[0] == 0


def sub_of(aws: dict[str, Any], pool_id: str, user: str = USER) -> str:
    answer = aws["cognito-idp"].admin_get_user(UserPoolId=pool_id, Username=user)
    return str(next(a["Value"] for a in answer["UserAttributes"] if a["Name"] == "sub"))


def test_enroll_by_email_looks_the_sub_up_and_writes_the_enrolment(
    aws: dict[str, Any], deployed: Stack, pool: str, store: EnrolmentStore, courses: None
) -> None:
    code, out, err = cli(
        deployed.name, "enroll", "--user", USER, "--course", "aws-101",
        "--not-after", "2030-01-01T00:00:00Z", "--reference", "order-7",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"enrolled {USER} in aws-101 (from their next API call)\n"
    enrolment = store.enrolment(sub_of(aws, pool), "aws-101")
    assert enrolment is not None
    assert enrolment.window.to_json() == {"notAfter": "2030-01-01T00:00:00Z"}
    assert enrolment.reference == "order-7"


def test_enroll_by_sub_makes_no_cognito_call_at_all(
    aws: dict[str, Any], deployed: Stack, pool: str, store: EnrolmentStore, courses: None
) -> None:
    sub = sub_of(aws, pool)
    with calls_to("cognito-idp") as cognito:
        code, _, err = cli(deployed.name, "enroll", "--user", sub, "--course", "aws-101")
        assert (code, err) == (0, "")
        assert cli(deployed.name, "unenroll", "--user", sub, "--course", "aws-101")[0] == 0
    assert cognito == []
    assert store.enrolment(sub, "aws-101") is None


def test_enroll_again_replaces_the_enrolment(
    aws: dict[str, Any], deployed: Stack, pool: str, store: EnrolmentStore, courses: None
) -> None:
    cli(deployed.name, "enroll", "--user", USER, "--course", "aws-101", "--reference", "a")
    cli(deployed.name, "enroll", "--user", USER, "--course", "aws-101", "--reference", "b")
    enrolment = store.enrolment(sub_of(aws, pool), "aws-101")
    assert enrolment is not None
    assert enrolment.reference == "b"


def test_an_enrolment_into_a_course_without_a_record_is_exit_2(deployed: Stack, pool: str) -> None:
    code, _, err = cli(deployed.name, "enroll", "--user", USER, "--course", "aws-999")
    assert code == 2
    assert err == "error: no course aws-999; create it with `bin/content course put`\n"


def test_enrolments_lists_a_learner_s_courses_and_a_course_s_learners(
    aws: dict[str, Any], deployed: Stack, pool: str, courses: None
) -> None:
    for course in ("aws-201", "aws-101"):
        cli(deployed.name, "enroll", "--user", USER, "--course", course)
    sub = sub_of(aws, pool)
    code, out, _ = cli(deployed.name, "enrolments", "--learner", USER)
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()[:-1]] == [
        ["aws-101", sub],
        ["aws-201", sub],
    ]
    assert out.endswith("2 enrolment(s)\n")
    code, out, _ = cli(deployed.name, "enrolments", "--course", "aws-201")
    assert (code, out.splitlines()[-1]) == (0, "1 enrolment(s)")


def test_unenroll_removes_the_one_enrolment(
    aws: dict[str, Any], deployed: Stack, pool: str, store: EnrolmentStore, courses: None
) -> None:
    for course in ("aws-101", "aws-201"):
        cli(deployed.name, "enroll", "--user", USER, "--course", course)
    code, out, _ = cli(deployed.name, "unenroll", "--user", USER, "--course", "aws-101")
    assert (code, out) == (
        0,
        f"unenrolled {USER} from aws-101 (from their next API call; their grants for it are "
        "revoked)\n",
    )
    sub = sub_of(aws, pool)
    assert store.enrolment(sub, "aws-101") is None
    assert store.enrolment(sub, "aws-201") is not None


def test_unenrolling_a_learner_who_is_not_enrolled_is_exit_2(deployed: Stack, pool: str) -> None:
    code, _, err = cli(deployed.name, "unenroll", "--user", USER, "--course", "aws-101")
    assert (code, err) == (
        2,
        f"error: {USER} is not enrolled in aws-101 (their grants for it are revoked all the "
        "same)\n",
    )


@pytest.mark.parametrize("command", ["enroll", "unenroll"])
def test_an_unknown_user_is_one_line_and_exit_2(deployed: Stack, pool: str, command: str) -> None:
    code, _, err = cli(deployed.name, command, "--user", "nobody@example.com", "--course", "c1")
    assert (code, err) == (2, "error: no user nobody@example.com in the user pool\n")


def test_publishing_creates_no_cognito_group(
    aws: dict[str, Any], deployed: Stack, pool: str, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("notes\n")
    assert cli(deployed.name, "course", "put", "--course", "new-course", "--title", "New")[0] == 0
    command = ["add", "--course", "new-course", "--id", "n", "--title", "Notes", "--file"]
    with calls_to("cognito-idp") as cognito:
        assert cli(deployed.name, *command, str(notes))[0] == 0
    assert cognito == []
    assert aws["cognito-idp"].list_groups(UserPoolId=pool)["Groups"] == []


def test_a_stack_without_the_enrolment_table_cannot_enroll(aws: dict[str, Any]) -> None:
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
    assert "EnrolmentTableName" in err


def test_migrate_groups_copies_course_group_members_into_enrolments_once(
    aws: dict[str, Any], deployed: Stack, pool: str, store: EnrolmentStore
) -> None:
    cognito = aws["cognito-idp"]
    other = "other@example.com"
    cognito.admin_create_user(UserPoolId=pool, Username=other, MessageAction="SUPPRESS")
    for group, members in {
        "course-aws-101": [USER, other],
        "course-aws-201": [USER],
        "students": [other],
        "course-_bad": [USER],
    }.items():
        cognito.create_group(GroupName=group, UserPoolId=pool)
        for member in members:
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=member, GroupName=group)
    assert cli(deployed.name, "course", "put", "--course", "aws-201", "--title", "Kept")[0] == 0
    first = cli(deployed.name, "migrate-groups")
    assert first == (
        0,
        "2 course group(s): 1 course record(s) created, 3 enrolment(s) created, 0 already there\n",
        "",
    )
    catalog = CatalogStore(aws["dynamodb"], deployed.resources.table)
    kept, created = catalog.course("aws-201"), catalog.course("aws-101")
    assert kept is not None
    assert kept.title == "Kept"  # an existing course stays as it was
    assert created is not None
    assert created.title == "aws-101"
    learner, someone = sub_of(aws, pool), sub_of(aws, pool, other)
    assert [e.course_id for e in store.learner_page(learner, 10, None).items] == [
        "aws-101",
        "aws-201",
    ]
    assert [e.course_id for e in store.learner_page(someone, 10, None).items] == ["aws-101"]
    assert cli(deployed.name, "migrate-groups")[1] == (
        "2 course group(s): 0 course record(s) created, 0 enrolment(s) created, 3 already there\n"
    )
