"""Per-course access over `make local` and real HTTP: a learner enrolled in one course reads it
and gets 403 on another, at the edge and in the API; GET /courses lists exactly the readable
courses; a user in no group gets no listing."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

import pytest

from local.cognito import sign_in
from tests.support.http_client import http
from tests.support.local_stack import content_url, user

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def learner_token(stack: dict[str, Any], cognito: Any) -> str:
    learner = user(stack, in_group=False, enrolled=True)
    assert list(learner.courses) == [stack["course_id"]]
    return str(sign_in(cognito, stack["client_id"], learner)["IdToken"])


def other_course_url(stack: dict[str, Any]) -> str:
    return f"{stack['cloudfront_url']}/{quote(stack['other_content'][0]['key'])}"


def api(stack: dict[str, Any], path: str, token: str) -> tuple[int, Any]:
    answer = http(f"{stack['api_url']}{path}", headers={"Authorization": token})
    return answer.status, json.loads(answer.body)


def test_a_learner_gets_the_exact_bytes_of_the_enrolled_course(
    stack: dict[str, Any], learner_token: str
) -> None:
    answer = http(content_url(stack), headers={"Authorization": f"Bearer {learner_token}"})
    assert answer.status == 200
    assert hashlib.sha256(answer.body).hexdigest() == stack["content"][0]["sha256"]


def test_a_learner_gets_403_and_no_bytes_on_another_course_at_the_edge(
    stack: dict[str, Any], learner_token: str
) -> None:
    answer = http(other_course_url(stack), headers={"Authorization": f"Bearer {learner_token}"})
    assert answer.status == 403
    assert 'error="insufficient_scope"' in answer.headers["WWW-Authenticate"]
    assert answer.body == b"Forbidden\n"


def test_a_learner_cannot_walk_into_another_course_through_the_uri(
    stack: dict[str, Any], learner_token: str
) -> None:
    other_key = stack["other_content"][0]["key"]
    escaped = other_key.replace("courses/", "", 1)
    for path in (
        f"/courses/{stack['course_id']}/../{escaped}",
        f"/courses/{stack['course_id']}/%2e%2e/{escaped}",
    ):
        answer = http(
            f"{stack['cloudfront_url']}{path}",
            headers={"Authorization": f"Bearer {learner_token}"},
        )
        assert answer.status in (401, 403), path
        assert answer.body in (b"Unauthorized\n", b"Forbidden\n")


def test_the_all_access_member_reads_the_other_course_too(
    stack: dict[str, Any], member_token: str
) -> None:
    answer = http(other_course_url(stack), headers={"Authorization": f"Bearer {member_token}"})
    assert answer.status == 200
    assert hashlib.sha256(answer.body).hexdigest() == stack["other_content"][0]["sha256"]


def test_the_api_gives_a_learner_the_enrolled_course_and_403_on_another(
    stack: dict[str, Any], learner_token: str
) -> None:
    status, body = api(stack, f"/courses/{stack['course_id']}/content", learner_token)
    assert status == 200
    assert len(body["items"]) == len(stack["content"])
    other_id = stack["other_content"][0]["contentId"]
    assert api(stack, f"/courses/{stack['other_course_id']}/content", learner_token) == (
        403,
        {"message": "Forbidden"},
    )
    assert api(stack, f"/content/{other_id}", learner_token) == (403, {"message": "Forbidden"})


def test_get_courses_lists_exactly_the_learner_s_courses(
    stack: dict[str, Any], learner_token: str
) -> None:
    status, body = api(stack, "/courses", learner_token)
    assert status == 200
    assert body == {"courses": [{"courseId": stack["course_id"], "items": len(stack["content"])}]}


def test_get_courses_lists_every_course_for_the_all_access_member(
    stack: dict[str, Any], member_token: str
) -> None:
    _, body = api(stack, "/courses", member_token)
    listed = [c["courseId"] for c in body["courses"]]
    assert {stack["course_id"], stack["other_course_id"]} <= set(listed)  # and any published
    assert listed == sorted(listed)


def test_get_courses_lists_nothing_for_a_user_in_no_group(
    stack: dict[str, Any], outsider_token: str
) -> None:
    assert api(stack, "/courses", outsider_token) == (200, {"courses": []})
