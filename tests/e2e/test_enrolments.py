"""Enrolments over `make local` and real HTTP: the enrolment API signed with the stack's
admin credentials by botocore's SigV4 signer, the learner-facing API deciding from the store on
every call, and `bin/content --local import` of 10,000 enrolments killed midway and run again.
On a stack of this module's own (the 150 courses and 10,000 enrolments stay out of the other
tests' listings); each test enrols a learner of its own."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.credentials import Credentials

from shared.enrolments.model import format_time
from shared.enrolments.store import EnrolmentStore
from tests.support.grant_keys import grant_of_url
from tests.support.http_client import http
from tests.support.killing import killed_after_its_write
from tests.support.local_learners import Learner
from tests.support.local_stack import local_client, started_local_stack
from tests.support.signed import admin, call
from tools.content import run


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with started_local_stack(tmp_path_factory.mktemp("enrolment-stack")) as info:
        yield info


@pytest.fixture(scope="module")
def cognito(stack: dict[str, Any]) -> Any:
    return local_client(stack, "cognito-idp")


@pytest.fixture
def learner(stack: dict[str, Any], cognito: Any) -> Learner:
    return Learner(stack, cognito)


def state_file(stack: dict[str, Any]) -> Path:
    return Path(stack["edge_config_path"]).parent / "stack.json"


def content(stack: dict[str, Any], learner: Learner, course: str) -> int:
    return learner.api(stack, f"/courses/{course}/content")[0]


def import_file(stack: dict[str, Any], path: Path) -> int:
    return run(["--local", "--local-state", str(state_file(stack)), "import", str(path)])


@pytest.mark.slow
def test_a_learner_enrolled_in_150_courses_sees_all_150_and_opens_each_with_content(
    stack: dict[str, Any], learner: Learner, tmp_path: Path
) -> None:
    prefix = f"c150-{uuid.uuid4().hex[:6]}"
    new = [f"{prefix}-{n:03d}" for n in range(148)]
    with_content = [stack["course_id"], stack["other_course_id"]]
    lines = [json.dumps({"course": c, "title": f"Course {c}"}) for c in [*new, f"{prefix}-x"]]
    lines += [json.dumps({"enrol": {"course": c, "learner": learner.sub}}) for c in new]
    lines += [json.dumps({"enrol": {"course": c, "learner": learner.sub}}) for c in with_content]
    (tmp_path / "150.jsonl").write_text("\n".join(lines) + "\n")
    assert import_file(stack, tmp_path / "150.jsonl") == 0

    listed: list[str] = []
    path, pages = "/courses?limit=50", 0
    while True:
        status, body = learner.api(stack, path)
        assert status == 200
        listed += [course["courseId"] for course in body["courses"]]
        pages += 1
        if "next" not in body:
            break
        path = f"/courses?limit=50&next={body['next']}"
    assert sorted(listed) == sorted([*new, *with_content])
    assert pages >= 3

    for course in listed:
        status, body = learner.api(stack, f"/courses/{course}/content")
        if course in with_content:
            assert status == 200
            assert http(body["items"][0]["url"]).status == 200, course
        else:
            assert (status, body) == (404, {"message": "course not found"})
    assert content(stack, learner, f"{prefix}-x") == 403


def test_an_unenrolment_signed_with_the_admin_credentials_refuses_the_next_call(
    stack: dict[str, Any], learner: Learner
) -> None:
    path = f"/enrolments/{stack['course_id']}/{learner.sub}"
    assert call(stack, "PUT", path, {"reference": "e2e"}, admin(stack))[0] == 200
    assert content(stack, learner, stack["course_id"]) == 200
    assert call(stack, "DELETE", path, None, admin(stack)) == (204, None)
    assert content(stack, learner, stack["course_id"]) == 403
    assert learner.api(stack, "/courses") == (200, {"courses": []})


@pytest.mark.parametrize(
    "window",
    [{"notAfter": -60}, {"notBefore": 3600}, {"notBefore": -7200, "notAfter": -3600}],
    ids=["ended", "not yet started", "window in the past"],
)
def test_an_enrolment_outside_its_window_is_a_403_and_not_listed(
    stack: dict[str, Any], learner: Learner, window: dict[str, int]
) -> None:
    now = int(time.time())
    fields = {name: format_time(now + offset) for name, offset in window.items()}
    path = f"/enrolments/{stack['course_id']}/{learner.sub}"
    assert call(stack, "PUT", path, fields, admin(stack))[0] == 200
    assert content(stack, learner, stack["course_id"]) == 403
    assert learner.api(stack, "/courses") == (200, {"courses": []})


def test_a_grant_issued_near_not_after_expires_with_the_enrolment(
    stack: dict[str, Any], learner: Learner
) -> None:
    ends = int(time.time()) + 120
    path = f"/enrolments/{stack['course_id']}/{learner.sub}"
    assert call(stack, "PUT", path, {"notAfter": format_time(ends)}, admin(stack))[0] == 200
    status, body = learner.api(stack, f"/courses/{stack['course_id']}/content")
    assert status == 200
    assert {grant_of_url(item["url"]).expires_at for item in body["items"]} == {ends}
    assert http(body["items"][0]["url"]).status == 200  # until then
    _, listed = learner.api(stack, "/courses")
    assert listed["courses"][0]["notAfter"] == format_time(ends)


ROUTES = [
    ("PUT", "/enrolments/{course}/{sub}", {}),
    ("DELETE", "/enrolments/{course}/{sub}", None),
    ("POST", "/enrolments", {"delete": [{"courseId": "{course}", "learner": "{sub}"}]}),
    ("GET", "/enrolments?learner={sub}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[r[0] for r in ROUTES])
def test_the_enrolment_routes_refuse_anything_but_a_valid_signature(
    stack: dict[str, Any], learner: Learner, method: str, path: str, body: Any
) -> None:
    enrolled = f"/enrolments/{stack['course_id']}/{learner.sub}"
    assert call(stack, "PUT", enrolled, {}, admin(stack))[0] == 200
    filled = path.format(course=stack["course_id"], sub=learner.sub)
    sent = (
        None
        if body is None
        else json.loads(
            json.dumps(body).replace("{course}", stack["course_id"]).replace("{sub}", learner.sub)
        )
    )
    keys = admin(stack)
    for credentials, headers in [
        (None, {}),
        (Credentials("AKIAOTHERCREDENTIAL1", keys.secret_key), {}),
        (Credentials(keys.access_key, "not-the-admin-secret"), {}),
        (None, {"Authorization": learner.id_token}),
        (None, {"Authorization": f"Bearer {learner.access_token}"}),
    ]:
        status, answer = call(stack, method, filled, sent, credentials, headers)
        assert status == 403, (credentials, headers)
        assert set(answer) == {"message"}
    assert content(stack, learner, stack["course_id"]) == 200  # nothing changed


def test_a_batch_of_101_items_is_a_400(stack: dict[str, Any]) -> None:
    items = [{"courseId": stack["course_id"], "learner": str(uuid.uuid4())} for _ in range(101)]
    status, body = call(stack, "POST", "/enrolments", {"put": items}, admin(stack))
    assert status == 400
    assert "1 to 100 items" in body["message"]


def test_a_batch_with_one_bad_item_applies_the_others_and_reports_it(
    stack: dict[str, Any], learner: Learner
) -> None:
    other = str(uuid.uuid4())
    batch = {
        "put": [
            {"courseId": stack["course_id"], "learner": learner.sub},
            {"courseId": stack["course_id"], "learner": "not-a-sub"},
            {"courseId": stack["other_course_id"], "learner": other},
        ]
    }
    status, body = call(stack, "POST", "/enrolments", batch, admin(stack))
    assert status == 200
    assert [item["status"] for item in body["put"]] == [200, 400, 200]
    assert "invalid learner" in body["put"][1]["message"]
    assert content(stack, learner, stack["course_id"]) == 200
    status, listed = call(stack, "GET", f"/enrolments?learner={other}", None, admin(stack))
    assert [e["courseId"] for e in listed["enrolments"]] == [stack["other_course_id"]]


@pytest.mark.slow
def test_an_import_of_10000_enrolments_killed_midway_holds_exactly_the_file_once_re_run(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    course = f"bulk-{uuid.uuid4().hex[:8]}"
    learners = {str(uuid.uuid4()) for _ in range(10_000)}
    lines = [json.dumps({"course": course, "title": "Bulk"})]
    lines += [json.dumps({"enrol": {"course": course, "learner": sub}}) for sub in learners]
    path = tmp_path / "10k.jsonl"
    path.write_text("\n".join(lines) + "\n")
    args = ("--local", "--local-state", str(state_file(stack)), "import", str(path))
    # The course record, then 400 batches of 25: killed after the 201st write.
    assert killed_after_its_write(
        "testkit.killable_import", stack["aws_endpoint_url"], "201", *args
    )
    store = EnrolmentStore(
        local_client(stack, "dynamodb"),
        stack["enrolment_table"],
    )

    def enrolled() -> set[str]:
        found: set[str] = set()
        cursor = None
        while True:
            page = store.course_page(course, 100, cursor)
            found |= {e.learner for e in page.items}
            cursor = page.next
            if cursor is None:
                return found

    assert len(enrolled()) == 200 * 25  # exactly the batches written before the kill
    assert import_file(stack, path) == 0
    assert enrolled() == learners
