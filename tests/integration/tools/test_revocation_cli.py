"""`bin/content unenroll | enroll | revoke` and the grant store: against a stack in moto whose
grant store (output GrantStoreArn) is in the local KeyValueStore, reached as AWS's would be;
and `--local`, through the stand-in's endpoint from stack.json. An unenrolment, and an
enrolment that narrows one, revoke the learner's grants for the course before anything else;
`revoke` revokes without unenrolling. A stack without a grant store, or one that cannot be
written, or a machine whose clock is off AWS's, is one line and exit 1, with the enrolment
still there; bad input is exit 2 before any AWS call."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from shared.enrolments.model import format_time
from shared.enrolments.store import EnrolmentStore
from tests.support.aws_calls import calls_to
from tests.support.enrolments import enrol, new_learner
from tests.support.moto_stack import Stack, deploy_content_stack
from tests.support.revocations import GrantStore
from tools.content import run
from tools.enrolment import ClockSkewError, Enrolling, aws_time
from tools.publishing.writes import CatalogWriter

pytestmark = pytest.mark.slow


def cli(stack: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def store(aws: dict[str, Any], deployed: Stack) -> EnrolmentStore:
    assert deployed.resources.enrolment_table is not None
    return EnrolmentStore(aws["dynamodb"], deployed.resources.enrolment_table)


@pytest.fixture
def courses(deployed: Stack) -> None:
    for course in ("aws-101", "aws-201"):
        assert cli(deployed.name, "course", "put", "--course", course, "--title", course)[0] == 0


def test_unenroll_revokes_the_learner_s_earlier_grants_for_that_course_first(
    deployed: Stack, store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner, other = new_learner(), new_learner()
    for sub in (learner, other):
        enrol(store, sub, "aws-101")
    before = time.time()

    code, _, err = cli(deployed.name, "unenroll", "--user", learner, "--course", "aws-101")

    assert (code, err) == (0, "")
    revoked = grant_store.revoked_at(learner, "aws-101")
    assert revoked is not None
    assert revoked >= int(before)
    assert grant_store.decision(learner, "aws-101", before) == "revoked"
    assert grant_store.decision(learner, "aws-101", revoked + 1) == "allowed"
    assert grant_store.decision(other, "aws-101", before) == "allowed"
    assert store.enrolment(learner, "aws-101") is None


def test_an_enrolment_that_narrows_one_revokes_and_one_that_widens_does_not(
    deployed: Stack, store: EnrolmentStore, grant_store: GrantStore, courses: None
) -> None:
    narrowed, widened = new_learner(), new_learner()
    enrol(store, narrowed, "aws-101")
    enrol(store, widened, "aws-101", notAfter="2099-01-01T00:00:00Z")
    in_an_hour = format_time(int(time.time()) + 3600)
    for args in (("--user", narrowed, "--not-after", in_an_hour), ("--user", widened)):
        code, _, err = cli(deployed.name, "enroll", "--course", "aws-101", *args)
        assert (code, err) == (0, "")
    assert grant_store.revoked_at(narrowed, "aws-101") is not None
    assert grant_store.revoked_at(widened, "aws-101") is None


@pytest.mark.parametrize(
    ("course", "revoked", "kept"),
    [(None, ["aws-101", "aws-201", "any"], []), ("aws-101", ["aws-101"], ["aws-201"])],
    ids=["every course", "one course"],
)
def test_revoke_refuses_earlier_grants_and_keeps_the_enrolment(
    deployed: Stack,
    store: EnrolmentStore,
    grant_store: GrantStore,
    course: str | None,
    revoked: list[str],
    kept: list[str],
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    before = time.time()
    which = [] if course is None else ["--course", course]

    code, out, err = cli(deployed.name, "revoke", "--user", learner, *which)

    assert (code, err) == (0, "")
    assert out.startswith(
        f"revoked the grants of {learner} for {course or 'every course'} issued up to "
    )
    for name in revoked:
        assert grant_store.decision(learner, name, before) == "revoked"
    for name in kept:
        assert grant_store.decision(learner, name, before) == "allowed"
    assert store.enrolment(learner, "aws-101") is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("revoke", "--user", "NOT-A-SUB"), "invalid learner"),
        (("revoke", "--user", new_learner(), "--course", "a b"), "invalid course ID"),
        (("revoke",), "the following arguments are required: --user"),
        (("unenroll", "--user", "x@y", "--course", "aws-101"), "invalid learner"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_aws_call(
    deployed: Stack, args: tuple[str, ...], message: str
) -> None:
    with calls_to("cloudformation") as made:
        code, out, err = cli(deployed.name, *args)
    assert (code, out, made) == (2, "", [])
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1


def test_a_stack_without_a_grant_store_cannot_unenroll_or_revoke_and_changes_nothing(
    aws: dict[str, Any],
) -> None:
    old = deploy_content_stack(aws)  # deployed before its grant store
    assert old.resources.enrolment_table is not None
    store = EnrolmentStore(aws["dynamodb"], old.resources.enrolment_table)
    learner = new_learner()
    enrol(store, learner, "aws-101")
    for args in (("unenroll", "--course", "aws-101"), ("revoke",)):
        code, out, err = cli(old.name, *args, "--user", learner)
        assert (code, out) == (1, "")
        assert err == (
            "error: this stack has no grant store to revoke grants in (output GrantStoreArn): "
            "deploy this version first\n"
        )
    assert store.enrolment(learner, "aws-101") is not None


def test_a_grant_store_that_cannot_be_written_is_exit_1_and_nothing_is_unenrolled(
    aws: dict[str, Any], grant_store: GrantStore, deployed: Stack
) -> None:
    broken = deploy_content_stack(aws, {"GrantStoreArn": f"{grant_store.arn}-gone"})
    assert broken.resources.enrolment_table is not None
    store = EnrolmentStore(aws["dynamodb"], broken.resources.enrolment_table)
    learner = new_learner()
    enrol(store, learner, "aws-101")

    code, out, err = cli(broken.name, "unenroll", "--user", learner, "--course", "aws-101")

    assert (code, out) == (1, "")
    assert err.startswith("error: CloudFront KeyValueStore said ResourceNotFoundException")
    assert err.endswith("; run the same command again to finish\n")
    assert err.count("\n") == 1
    assert store.enrolment(learner, "aws-101") is not None


def test_local_unenroll_revokes_in_the_local_stack_s_grant_store(
    aws: dict[str, Any],
    deployed: Stack,
    store: EnrolmentStore,
    grant_store: GrantStore,
    moto_url: str,
    tmp_path: Path,
) -> None:
    """`--local` finds the store's ARN and the stand-in's endpoint in stack.json."""
    resources = deployed.resources
    state = tmp_path / "stack.json"
    state.write_text(
        json.dumps(
            {
                "bucket": resources.bucket,
                "table": resources.table,
                "enrolment_table": resources.enrolment_table,
                "cloudfront_url": "http://127.0.0.1:1",
                "aws_endpoint_url": moto_url,
                "region": "us-east-1",
                "grant_store_arn": grant_store.arn,
                "keyvaluestore_url": grant_store.endpoint.url,
            }
        )
    )
    learner = new_learner()
    enrol(store, learner, "aws-101")
    before = time.time()
    out, err = io.StringIO(), io.StringIO()

    code = run(
        ["--local", "--local-state", str(state), "unenroll", "--user", learner, "--course",
         "aws-101"],
        out,
        err,
    )  # fmt: skip

    assert (code, err.getvalue()) == (0, "")
    assert grant_store.decision(learner, "aws-101", before) == "revoked"
    assert store.enrolment(learner, "aws-101") is None


@pytest.mark.parametrize(
    ("offset", "refused"),
    [(0, None), (-30, "(29|30) s behind AWS's"), (30, "(29|30) s ahead of AWS's")],
    ids=["in time", "behind", "ahead"],
)
def test_a_machine_whose_clock_is_off_aws_s_may_not_revoke(
    aws: dict[str, Any],
    moto_url: str,
    session: boto3.Session,
    enrolment_store: EnrolmentStore,
    offset: int,
    refused: str | None,
) -> None:
    """A revocation takes the writer's time: one written 30 s behind would leave the last 30 s
    of grants usable. AWS's time is an STS answer's Date (moto's: this machine's own)."""
    enrolling = Enrolling(
        enrolment_store,
        CatalogWriter(aws["dynamodb"], "catalog"),
        None,
        identity=lambda: "arn:aws:iam::123456789012:user/test",
        clock=lambda: time.time() + offset,
        aws_clock=aws_time(session.client("sts", endpoint_url=moto_url)),
    )
    if refused is None:
        enrolling.check_clock()
        return
    with pytest.raises(ClockSkewError, match=refused):
        enrolling.check_clock()


def test_a_machine_just_inside_the_skew_allowed_still_revokes_every_grant_issued_up_to_aws_s_now(
    aws: dict[str, Any], enrolment_store: EnrolmentStore
) -> None:
    """AWS's Date says whole seconds: at 1800000000.999 it says 1800000000, and a machine 2.95 s
    behind (1799999998.049) passes the check. The revocation it writes still covers a grant the
    API issued in AWS's second 1800000000."""
    aws_second = 1_800_000_000
    enrolling = Enrolling(
        enrolment_store,
        CatalogWriter(aws["dynamodb"], "catalog"),
        None,
        identity=lambda: "arn:aws:iam::123456789012:user/test",
        clock=lambda: aws_second + 0.999 - 2.95,
        aws_clock=lambda: aws_second,
    )
    enrolling.check_clock()
    assert int(enrolling.revocation_time()) >= aws_second
