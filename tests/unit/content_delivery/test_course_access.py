"""The API applies the edge's access rule: 403 for a course the caller may not read, and
GET /courses lists exactly the courses the caller may read."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from local.samples import SAMPLE_ITEMS
from shared.catalog.model import ContentKey
from tests.support.catalog import BrokenCatalog, InMemoryCatalog
from tests.support.content_api import Invoke
from tests.support.sample_events import LoadEvent

OTHER_ITEM = dataclasses.replace(
    SAMPLE_ITEMS[1],
    content_id="aws-201-quiz",
    course_id="aws-201",
    key=ContentKey.parse("courses/aws-201/aws-201-quiz/sample.json"),
)
CATALOG_ITEMS = (*SAMPLE_ITEMS, OTHER_ITEM)


def catalog() -> InMemoryCatalog:
    return InMemoryCatalog(CATALOG_ITEMS)


def as_member_of(event: dict[str, Any], *groups: str) -> dict[str, Any]:
    event = copy.deepcopy(event)
    claims = event["requestContext"]["authorizer"]["claims"]
    if groups:
        claims["cognito:groups"] = ",".join(groups)
    else:
        claims.pop("cognito:groups", None)
    return event


def test_a_learner_of_another_course_gets_403_for_an_item(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    status, headers, body = invoke(load_event("api_get_content_forbidden"), catalog())
    assert (status, body) == (403, {"message": "Forbidden"})
    assert headers["Access-Control-Allow-Origin"] == "https://learn.example.com"


def test_a_learner_of_the_course_gets_its_item(invoke: Invoke, load_event: LoadEvent) -> None:
    event = as_member_of(load_event("api_get_content_found"), "course-aws-101")
    status, _, body = invoke(event, catalog())
    assert (status, body["courseId"]) == (200, "aws-101")


def test_a_user_in_no_group_gets_403_for_an_item(invoke: Invoke, load_event: LoadEvent) -> None:
    status, _, _ = invoke(as_member_of(load_event("api_get_content_found")), catalog())
    assert status == 403


def test_a_learner_of_another_course_gets_403_for_the_course_listing(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    event = as_member_of(load_event("api_list_course_content"), "course-aws-201")
    status, _, body = invoke(event, catalog())
    assert (status, body) == (403, {"message": "Forbidden"})


def test_a_course_listing_is_refused_before_the_catalog_is_read(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    """So the answer does not tell whether the course exists."""
    event = as_member_of(load_event("api_list_course_content"), "course-aws-201")
    status, _, _ = invoke(event, BrokenCatalog())
    assert status == 403


def test_a_learner_of_the_course_gets_the_course_listing(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    event = as_member_of(load_event("api_list_course_content"), "course-aws-101")
    status, _, body = invoke(event, catalog())
    assert status == 200
    assert [item["contentId"] for item in body["items"]] == [i.content_id for i in SAMPLE_ITEMS]


@pytest.mark.parametrize(
    "group", ["Course-aws-101", "course-aws-1010", "course-aws-10", " course-aws-101", "student"]
)
def test_only_exact_group_names_grant_a_course(
    invoke: Invoke, load_event: LoadEvent, group: str
) -> None:
    event = as_member_of(load_event("api_list_course_content"), group)
    status, _, _ = invoke(event, catalog())
    assert status == 403


def test_the_sample_courses_listing_shows_an_all_access_member_every_course(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    status, _, body = invoke(load_event("api_list_courses"), catalog())
    assert status == 200
    assert body == {
        "courses": [
            {"courseId": "aws-101", "items": len(SAMPLE_ITEMS)},
            {"courseId": "aws-201", "items": 1},
        ]
    }


def test_the_courses_listing_shows_a_learner_exactly_the_enrolled_courses(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    event = as_member_of(load_event("api_list_courses"), "course-aws-201", "course-gone")
    _, _, body = invoke(event, catalog())
    assert body == {"courses": [{"courseId": "aws-201", "items": 1}]}


def test_the_courses_listing_of_a_user_in_no_group_is_empty(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    status, _, body = invoke(as_member_of(load_event("api_list_courses")), catalog())
    assert (status, body) == (200, {"courses": []})


def test_the_courses_listing_of_a_user_in_unrelated_groups_is_empty(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    event = as_member_of(load_event("api_list_courses"), "teachers")
    _, _, body = invoke(event, catalog())
    assert body == {"courses": []}


def test_the_courses_listing_without_claims_is_a_401(invoke: Invoke, load_event: LoadEvent) -> None:
    event = copy.deepcopy(load_event("api_list_courses"))
    event["requestContext"]["authorizer"] = {}
    status, _, _ = invoke(event, catalog())
    assert status == 401


@pytest.mark.parametrize("groups", [["students"], 7, None])
def test_groups_not_passed_as_api_gateway_s_string_grant_nothing(
    invoke: Invoke, load_event: LoadEvent, groups: Any
) -> None:
    event = copy.deepcopy(load_event("api_get_content_found"))
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = groups
    status, _, _ = invoke(event, catalog())
    assert status == 403
