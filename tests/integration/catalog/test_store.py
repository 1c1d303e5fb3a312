"""The DynamoDB catalog and the deployed handler's wiring, against a moto DynamoDB table
created with template.yaml's key schema and index."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from local.lambda_context import LocalLambdaContext
from local.resources import create_catalog_table
from local.samples import SAMPLE_COURSE, SAMPLE_ITEMS
from shared.catalog.errors import CatalogItemError
from shared.catalog.model import ContentItem, ContentKey
from shared.catalog.store import CatalogStore, CourseCount
from shared.enrolments.store import EnrolmentStore
from tools.publishing.writes import to_attributes


@pytest.fixture
def dynamodb(session: boto3.Session, moto_url: str) -> Any:
    return session.client("dynamodb", endpoint_url=moto_url)


@pytest.fixture
def table_name(dynamodb: Any) -> Iterator[str]:
    name = create_catalog_table(dynamodb, f"catalog-{uuid.uuid4().hex[:8]}")
    for item in SAMPLE_ITEMS:
        dynamodb.put_item(TableName=name, Item=to_attributes(item.to_dynamo()))
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture
def catalog(dynamodb: Any, table_name: str) -> CatalogStore:
    return CatalogStore(dynamodb, table_name)


def put(dynamodb: Any, table_name: str, values: dict[str, Any]) -> None:
    dynamodb.put_item(TableName=table_name, Item=to_attributes(values))


def test_an_item_is_read_back_as_written(catalog: CatalogStore) -> None:
    assert catalog.get("aws-101-quiz-1") == SAMPLE_ITEMS[1]


def test_an_unknown_item_is_none(catalog: CatalogStore) -> None:
    assert catalog.get("nope") is None


def test_a_course_is_listed_in_position_order_through_the_index(
    catalog: CatalogStore, dynamodb: Any, table_name: str
) -> None:
    key = ContentKey.parse("courses/aws-101/b.mp4")
    extra = ContentItem("aws-101-bonus", SAMPLE_COURSE, "Bonus", "video", key, "video/mp4", 0)
    put(dynamodb, table_name, extra.to_dynamo())
    listed = catalog.list_course(SAMPLE_COURSE)
    assert [item.content_id for item in listed.items] == [
        "aws-101-bonus",
        *[i.content_id for i in SAMPLE_ITEMS],
    ]


def test_another_course_s_items_are_not_listed(catalog: CatalogStore) -> None:
    assert catalog.list_course("aws-999").items == []


def test_the_last_position_of_a_course_comes_from_the_index(catalog: CatalogStore) -> None:
    assert catalog.last_position(SAMPLE_COURSE) == max(i.position for i in SAMPLE_ITEMS)
    assert catalog.last_position("aws-999") is None


def test_courses_are_named_by_the_course_list_and_counted_through_the_index(
    catalog: CatalogStore, dynamodb: Any, table_name: str
) -> None:
    put(dynamodb, table_name, {"contentId": "_courses", "names": {SAMPLE_COURSE, "emptied"}})
    assert catalog.list_courses() == [CourseCount(SAMPLE_COURSE, len(SAMPLE_ITEMS))]


def test_only_the_courses_asked_for_are_counted(
    catalog: CatalogStore, dynamodb: Any, table_name: str
) -> None:
    put(dynamodb, table_name, {"contentId": "_courses", "names": {SAMPLE_COURSE, "other"}})
    assert catalog.course_ids() == [SAMPLE_COURSE, "other"]
    assert catalog.list_courses(["other"]) == []
    assert catalog.list_courses([SAMPLE_COURSE]) == [CourseCount(SAMPLE_COURSE, len(SAMPLE_ITEMS))]


def test_a_hand_written_off_model_item_is_an_error(
    catalog: CatalogStore, dynamodb: Any, table_name: str
) -> None:
    put(dynamodb, table_name, {"contentId": "broken", "courseId": "c", "position": 1})
    with pytest.raises(CatalogItemError):
        catalog.get("broken")


@pytest.fixture
def deployed_handler(
    monkeypatch: pytest.MonkeyPatch, table_name: str, moto_url: str, enrolment_store: EnrolmentStore
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """content_delivery.app imported fresh with the environment template.yaml gives it."""
    monkeypatch.setenv("CATALOG_TABLE", table_name)
    monkeypatch.setenv("ENROLMENT_TABLE", enrolment_store.table)
    monkeypatch.setenv("CONTENT_BASE_URL", "https://d111111abcdef8.cloudfront.net")
    monkeypatch.setenv("APP_ORIGINS", "https://learn.example.com")
    monkeypatch.setenv("ALL_ACCESS_GROUPS", "students")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    import content_delivery.app as module

    module = importlib.reload(module)
    return lambda event: module.handler(event, LocalLambdaContext())


def test_the_deployed_handler_answers_from_dynamodb(
    deployed_handler: Callable[[dict[str, Any]], dict[str, Any]],
    load_event: Callable[[str], dict[str, Any]],
) -> None:
    answers = {
        name: deployed_handler(load_event(name))["statusCode"]
        for name in [
            "api_get_content_found",
            "api_get_content_not_found",
            "api_get_content_malformed_id",
            "api_list_course_content",
            "api_list_courses",
            "api_get_content_forbidden",
        ]
    }
    assert answers == {
        "api_get_content_found": 200,
        "api_get_content_not_found": 404,
        "api_get_content_malformed_id": 400,
        "api_list_course_content": 200,
        "api_list_courses": 200,
        "api_get_content_forbidden": 403,
    }


def test_the_deployed_handler_refuses_a_request_without_claims(
    deployed_handler: Callable[[dict[str, Any]], dict[str, Any]],
    load_event: Callable[[str], dict[str, Any]],
) -> None:
    event = load_event("api_list_course_content")
    del event["requestContext"]["authorizer"]
    assert deployed_handler(event)["statusCode"] == 401
