"""Per-course access over `make local` and real HTTP: the demo learner, enrolled in one course
through the enrolment store, reads it through the API's grant URLs and gets 403 on another,
at the API and at the edge; their token alone opens nothing at the edge; GET /courses lists
exactly their courses; the all-access member reads everything on their token."""

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


def test_a_learner_gets_the_exact_bytes_of_the_enrolled_course_through_its_grant_url(
    stack: dict[str, Any], learner_token: str
) -> None:
    status, body = api(stack, f"/courses/{stack['course_id']}/content", learner_token)
    assert status == 200
    first = next(i for i in body["items"] if i["contentId"] == stack["content"][0]["contentId"])
    answer = http(first["url"])
    assert answer.status == 200
    assert hashlib.sha256(answer.body).hexdigest() == stack["content"][0]["sha256"]


@pytest.mark.parametrize("which", ["enrolled", "other"])
def test_a_learner_s_token_alone_opens_nothing_at_the_edge(
    stack: dict[str, Any], learner_token: str, which: str
) -> None:
    url = content_url(stack) if which == "enrolled" else other_course_url(stack)
    answer = http(url, headers={"Authorization": f"Bearer {learner_token}"})
    assert answer.status == 403
    assert 'error="insufficient_scope"' in answer.headers["WWW-Authenticate"]
    assert answer.body == b"Forbidden\n"


def test_a_grant_of_one_course_opens_nothing_in_another(
    stack: dict[str, Any], learner_token: str
) -> None:
    _, body = api(stack, f"/courses/{stack['course_id']}/content", learner_token)
    url = body["items"][0]["url"]
    grant_base = url[: url.index("/courses/")]
    other_key = stack["other_content"][0]["key"]
    answer = http(f"{grant_base}/{quote(other_key)}")
    assert answer.status == 403


def test_the_all_access_member_reads_the_other_course_too(
    stack: dict[str, Any], member_token: str
) -> None:
    answer = http(other_course_url(stack), headers={"Authorization": f"Bearer {member_token}"})
    assert answer.status == 200
    assert hashlib.sha256(answer.body).hexdigest() == stack["other_content"][0]["sha256"]
    status, body = api(stack, f"/courses/{stack['other_course_id']}/content", member_token)
    assert (status, len(body["items"])) == (200, len(stack["other_content"]))


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


def test_get_courses_lists_exactly_the_learner_s_courses_with_their_titles(
    stack: dict[str, Any], learner_token: str
) -> None:
    status, body = api(stack, "/courses", learner_token)
    assert status == 200
    assert [c["courseId"] for c in body["courses"]] == [stack["course_id"]]
    assert body["courses"][0]["title"]
    assert "next" not in body


def test_get_courses_lists_every_course_for_the_all_access_member(
    stack: dict[str, Any], member_token: str
) -> None:
    _, body = api(stack, "/courses?limit=100", member_token)
    listed = [c["courseId"] for c in body["courses"]]
    assert {stack["course_id"], stack["other_course_id"]} <= set(listed)  # and any added
    assert listed == sorted(listed)


def test_get_courses_lists_nothing_for_a_user_in_no_group(
    stack: dict[str, Any], outsider_token: str
) -> None:
    assert api(stack, "/courses", outsider_token) == (200, {"courses": []})
