"""The Content Delivery API's routes, in process, with the API Gateway events from events/."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from content_delivery import app as app_module
from content_delivery.api import build_app
from local.lambda_context import LocalLambdaContext
from local.samples import SAMPLE_ITEMS
from shared.catalog.model import ContentItem, ContentKey
from testkit.events import APP_ORIGIN
from tests.support.catalog import BrokenCatalog, InMemoryCatalog
from tests.support.content_api import CDN, OTHER_ORIGIN, Invoke, unread_enrolments
from tests.support.fakes import json_lines
from tests.support.sample_events import LoadEvent


def content_event(load_event: LoadEvent, content_id: str) -> dict[str, Any]:
    event = copy.deepcopy(load_event("api_get_content_found"))
    event["path"] = f"/content/{content_id}"
    event["pathParameters"] = {"contentId": content_id}
    return event


def test_a_known_item_is_answered_with_its_cloudfront_url(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    status, _, body = invoke(load_event("api_get_content_found"))
    assert status == 200
    assert body == {
        "contentId": "aws-101-intro",
        "courseId": "aws-101",
        "title": "Welcome to AWS 101",
        "type": "video",
        "url": f"{CDN}/courses/aws-101/aws-101-intro/sample.mp4",
        "contentType": "video/mp4",
        "position": 1,
        "size": SAMPLE_ITEMS[0].size,
    }


def test_the_url_never_points_at_s3(invoke: Invoke, load_event: LoadEvent) -> None:
    _, _, body = invoke(load_event("api_list_course_content"))
    for item in body["items"]:
        assert item["url"].startswith(CDN + "/")
        assert "amazonaws.com" not in item["url"]


def test_an_unknown_item_is_a_404(invoke: Invoke, load_event: LoadEvent) -> None:
    status, _, body = invoke(load_event("api_get_content_not_found"))
    assert (status, body) == (404, {"message": "content not found"})


def test_the_malformed_id_sample_is_a_400(invoke: Invoke, load_event: LoadEvent) -> None:
    status, _, body = invoke(load_event("api_get_content_malformed_id"))
    assert status == 400
    assert body["message"].startswith("invalid content ID")


@pytest.mark.parametrize(
    "content_id", ["a" * 65, "a b", "intro.mp4", "é", "..", "a%2Fb", "<script>", "a;b"]
)
def test_ids_outside_the_documented_set_are_a_400(
    invoke: Invoke, load_event: LoadEvent, content_id: str
) -> None:
    status, _, _ = invoke(content_event(load_event, content_id))
    assert status == 400


@pytest.mark.parametrize("content_id", ["a", "A-z_0", "a" * 64])
def test_ids_inside_the_documented_set_are_looked_up(
    invoke: Invoke, load_event: LoadEvent, content_id: str
) -> None:
    status, _, _ = invoke(content_event(load_event, content_id))
    assert status == 404  # well-formed, just not in the catalog


def test_a_course_lists_its_items_in_order(invoke: Invoke, load_event: LoadEvent) -> None:
    status, _, body = invoke(load_event("api_list_course_content"))
    assert status == 200
    assert body["courseId"] == "aws-101"
    assert [item["contentId"] for item in body["items"]] == [i.content_id for i in SAMPLE_ITEMS]
    assert [item["type"] for item in body["items"]] == ["video", "quiz", "assignment", "video"]
    assert body["items"][-1]["contentType"] == "application/vnd.apple.mpegurl"


def test_an_unknown_course_is_a_404(invoke: Invoke, load_event: LoadEvent) -> None:
    event = copy.deepcopy(load_event("api_list_course_content"))
    event["path"] = "/courses/aws-999/content"
    event["pathParameters"] = {"courseId": "aws-999"}
    status, _, body = invoke(event)
    assert (status, body) == (404, {"message": "course not found"})


def test_an_unknown_route_is_a_404(invoke: Invoke, load_event: LoadEvent) -> None:
    event = copy.deepcopy(load_event("api_get_content_found"))
    event["path"] = "/elsewhere"
    status, _, body = invoke(event)
    assert (status, body) == (404, {"message": "not found"})


def test_keys_are_percent_encoded_in_urls(invoke: Invoke, load_event: LoadEvent) -> None:
    key = ContentKey.parse("courses/c/assignment 1+notes.pdf")
    item = ContentItem("notes", "c", "t", "assignment", key, "application/pdf", 1)
    _, _, body = invoke(content_event(load_event, "notes"), InMemoryCatalog([item]))
    assert body["url"] == f"{CDN}/courses/c/assignment%201%2Bnotes.pdf"


def test_the_size_is_included_when_known(invoke: Invoke, load_event: LoadEvent) -> None:
    key = ContentKey.parse("courses/c/k.json")
    item = ContentItem("sized", "c", "t", "quiz", key, "application/json", 1, size=1234)
    _, _, body = invoke(content_event(load_event, "sized"), InMemoryCatalog([item]))
    assert body["size"] == 1234


@pytest.mark.parametrize(
    "name",
    ["api_get_content_found", "api_get_content_not_found", "api_get_content_malformed_id"],
)
def test_every_answer_carries_cors_for_the_app_origin(
    invoke: Invoke, load_event: LoadEvent, name: str
) -> None:
    _, headers, _ = invoke(load_event(name))
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN


def from_origin(event: dict[str, Any], origin: str) -> dict[str, Any]:
    event = copy.deepcopy(event)
    event["headers"]["Origin"] = origin
    event["multiValueHeaders"]["Origin"] = [origin]
    return event


def test_an_answer_names_whichever_app_origin_asked(invoke: Invoke, load_event: LoadEvent) -> None:
    _, headers, _ = invoke(from_origin(load_event("api_get_content_found"), OTHER_ORIGIN))
    assert headers["Access-Control-Allow-Origin"] == OTHER_ORIGIN


def test_an_answer_to_another_origin_carries_no_cors_grant(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    _, headers, _ = invoke(from_origin(load_event("api_get_content_found"), "https://evil.example"))
    assert "Access-Control-Allow-Origin" not in headers


def preflight(load_event: LoadEvent, origin: str) -> dict[str, Any]:
    """A browser's CORS preflight as API Gateway delivers it: no authorizer on OPTIONS."""
    event = from_origin(load_event("api_get_content_found"), origin)
    event["httpMethod"] = event["requestContext"]["httpMethod"] = "OPTIONS"
    del event["requestContext"]["authorizer"]
    for name in ("Authorization",):
        event["headers"].pop(name, None)
        event["multiValueHeaders"].pop(name, None)
    event["headers"]["Access-Control-Request-Method"] = "GET"
    event["headers"]["Access-Control-Request-Headers"] = "authorization"
    return event


@pytest.mark.parametrize("origin", [APP_ORIGIN, OTHER_ORIGIN])
def test_the_function_answers_preflights_from_each_app_origin(
    settings: Any, load_event: LoadEvent, origin: str
) -> None:
    answer = build_app(settings, InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments()).resolve(
        preflight(load_event, origin),
        LocalLambdaContext(),  # type: ignore[arg-type]
    )
    headers = {k: v[0] for k, v in answer["multiValueHeaders"].items()}
    assert answer["statusCode"] == 204
    assert headers["Access-Control-Allow-Origin"] == origin
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    assert "GET" in headers["Access-Control-Allow-Methods"]


def test_a_preflight_from_another_origin_is_granted_nothing(
    settings: Any, load_event: LoadEvent
) -> None:
    answer = build_app(settings, InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments()).resolve(
        preflight(load_event, "https://evil.example"),
        LocalLambdaContext(),  # type: ignore[arg-type]
    )
    assert "Access-Control-Allow-Origin" not in answer["multiValueHeaders"]


@pytest.mark.parametrize("origin", [APP_ORIGIN, "https://evil.example"])
@pytest.mark.parametrize(
    "name",
    ["api_get_content_found", "api_get_content_not_found", "api_get_content_malformed_id"],
)
def test_every_answer_says_it_varies_with_the_origin(
    invoke: Invoke, load_event: LoadEvent, name: str, origin: str
) -> None:
    """A browser's cache must not hand one origin's CORS answer to another origin."""
    _, headers, _ = invoke(from_origin(load_event(name), origin))
    assert headers["Vary"] == "Origin"


@pytest.mark.parametrize("origin", [APP_ORIGIN, "https://evil.example"])
def test_a_preflight_answer_says_it_varies_with_the_origin(
    settings: Any, load_event: LoadEvent, origin: str
) -> None:
    answer = build_app(settings, InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments()).resolve(
        preflight(load_event, origin),
        LocalLambdaContext(),  # type: ignore[arg-type]
    )
    assert answer["multiValueHeaders"]["Vary"] == ["Origin"]


def test_a_preflight_on_an_item_path_reads_nothing_from_the_catalog(
    settings: Any, load_event: LoadEvent
) -> None:
    """OPTIONS has no authorizer: it must be the CORS answer, never a route that reads."""
    answer = build_app(settings, BrokenCatalog(), unread_enrolments()).resolve(
        preflight(load_event, APP_ORIGIN),
        LocalLambdaContext(),  # type: ignore[arg-type]
    )
    assert (answer["statusCode"], answer["body"]) == (204, "")


def test_a_catalog_failure_is_a_generic_500(
    invoke: Invoke, load_event: LoadEvent, api_logs: pytest.CaptureFixture[str]
) -> None:
    status, headers, body = invoke(load_event("api_get_content_found"), BrokenCatalog())
    assert (status, body) == (500, {"message": "internal error"})
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "secret detail" in api_logs.readouterr().out  # the detail is in the log only


API_EVENTS = ["api_get_content_found", "api_list_course_content", "api_get_content_malformed_id"]


def without_claims(event: dict[str, Any], shape: str) -> dict[str, Any]:
    """The event as a route without the authorizer, or a test invoke, would deliver it."""
    context = event["requestContext"]
    if shape == "no authorizer":
        del context["authorizer"]
    elif shape == "null authorizer":
        context["authorizer"] = None
    elif shape == "null claims":
        context["authorizer"]["claims"] = None
    elif shape == "empty claims":
        context["authorizer"]["claims"] = {}
    elif shape == "claims without sub":
        del context["authorizer"]["claims"]["sub"]
    elif shape == "empty sub":
        context["authorizer"]["claims"]["sub"] = ""
    elif shape == "claims as a string":
        context["authorizer"]["claims"] = "sub=someone"
    return event


CLAIMLESS = [
    "no authorizer",
    "null authorizer",
    "null claims",
    "empty claims",
    "claims without sub",
    "empty sub",
    "claims as a string",
]


@pytest.mark.parametrize("shape", CLAIMLESS)
@pytest.mark.parametrize("name", API_EVENTS)
def test_a_request_without_authorizer_claims_is_a_401(
    invoke: Invoke, load_event: LoadEvent, name: str, shape: str
) -> None:
    status, headers, body = invoke(without_claims(load_event(name), shape))
    assert (status, body) == (401, {"message": "Unauthorized"})
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN


def test_a_request_without_claims_never_reaches_the_catalog(
    invoke: Invoke, load_event: LoadEvent
) -> None:
    event = without_claims(load_event("api_get_content_found"), "no authorizer")
    status, _, _ = invoke(event, BrokenCatalog())  # a catalog read would be a 500
    assert status == 401


BROKEN_KEYS = [
    "courses/../secret.pdf",
    "/courses/aws-101/a.mp4",
    "courses//a.mp4",
    "https://evil.example/a.mp4",
    "courses/a\\b.mp4",
    "courses/a\r\nb.mp4",
    "",
]


@pytest.mark.parametrize("key", BROKEN_KEYS)
def test_an_item_with_an_unclean_key_is_not_served(
    invoke: Invoke, load_event: LoadEvent, api_logs: pytest.CaptureFixture[str], key: str
) -> None:
    bad = {**SAMPLE_ITEMS[0].to_dynamo(), "key": key}
    status, _, body = invoke(load_event("api_get_content_found"), InMemoryCatalog([bad]))
    assert (status, body) == (404, {"message": "content not found"})
    lines = json_lines(api_logs.readouterr().out)
    assert any(line.get("message") == "broken catalog item left out" for line in lines)


def test_broken_items_are_counted_in_the_metrics(
    monkeypatch: pytest.MonkeyPatch,
    load_event: LoadEvent,
    api_logs: pytest.CaptureFixture[str],
    settings: Any,
) -> None:
    bad = [{**item.to_dynamo(), "key": "courses/../x"} for item in SAMPLE_ITEMS[:2]]
    catalog = InMemoryCatalog([*bad, SAMPLE_ITEMS[2]])
    monkeypatch.setattr(app_module, "APP", build_app(settings, catalog, unread_enrolments()))
    answer = app_module.handler(load_event("api_list_course_content"), LocalLambdaContext())
    assert answer["statusCode"] == 200
    counts = [
        line["BrokenCatalogItem"]
        for line in json_lines(api_logs.readouterr().out)
        if "BrokenCatalogItem" in line
    ]
    assert counts == [[2.0]]  # one data point: two items left out


def test_an_off_model_item_is_not_served(invoke: Invoke, load_event: LoadEvent) -> None:
    bad = {**SAMPLE_ITEMS[0].to_dynamo(), "type": "podcast"}
    status, _, body = invoke(load_event("api_get_content_found"), InMemoryCatalog([bad]))
    assert (status, body) == (404, {"message": "content not found"})


def test_a_broken_item_is_left_out_of_its_course_listing(
    invoke: Invoke, load_event: LoadEvent, api_logs: pytest.CaptureFixture[str]
) -> None:
    bad = {**SAMPLE_ITEMS[1].to_dynamo(), "key": "courses/../../etc/passwd"}
    catalog = InMemoryCatalog([SAMPLE_ITEMS[0], bad, SAMPLE_ITEMS[2]])
    status, _, body = invoke(load_event("api_list_course_content"), catalog)
    assert status == 200
    assert [item["contentId"] for item in body["items"]] == [
        "aws-101-intro",
        "aws-101-assignment-1",
    ]
    assert "etc/passwd" not in json.dumps(body)
    lines = json_lines(api_logs.readouterr().out)
    broken = [line for line in lines if line.get("message") == "broken catalog item left out"]
    assert len(broken) == 1
    assert "aws-101-quiz-1" in broken[0]["detail"]


def test_a_course_of_broken_items_only_is_a_404(invoke: Invoke, load_event: LoadEvent) -> None:
    bad = [{**item.to_dynamo(), "key": "courses//x"} for item in SAMPLE_ITEMS]
    status, _, body = invoke(load_event("api_list_course_content"), InMemoryCatalog(bad))
    assert (status, body) == (404, {"message": "course not found"})


def test_the_log_names_neither_the_caller_s_sub_nor_the_token(
    invoke: Invoke, load_event: LoadEvent, api_logs: pytest.CaptureFixture[str]
) -> None:
    """(A refusal, which reads the learner's enrolment first, is checked against a real store
    in tests/integration/content_delivery/test_traces_and_logs.py.)"""
    event = load_event("api_get_content_found")
    invoke(event)
    out = api_logs.readouterr().out
    assert "content served" in out
    assert event["requestContext"]["authorizer"]["claims"]["sub"] not in out
    assert event["headers"]["Authorization"] not in out


def test_the_handler_answers_500_when_its_settings_are_invalid(
    monkeypatch: pytest.MonkeyPatch, load_event: LoadEvent
) -> None:
    monkeypatch.setattr(app_module, "APP", None)
    monkeypatch.setenv("APP_ORIGINS", f"{OTHER_ORIGIN},{APP_ORIGIN}")
    answer = app_module.handler(load_event("api_get_content_found"), LocalLambdaContext())
    assert answer["statusCode"] == 500
    assert answer["body"] == '{"message":"internal error"}'
    assert answer["headers"]["Access-Control-Allow-Origin"] == APP_ORIGIN


def test_the_500_of_invalid_settings_names_no_origin_but_the_app_s(
    monkeypatch: pytest.MonkeyPatch, load_event: LoadEvent
) -> None:
    monkeypatch.setattr(app_module, "APP", None)
    monkeypatch.setenv("APP_ORIGINS", OTHER_ORIGIN)
    answer = app_module.handler(load_event("api_get_content_found"), LocalLambdaContext())
    assert "Access-Control-Allow-Origin" not in answer["headers"]


def test_the_handler_uses_the_request_id_as_correlation_id(
    monkeypatch: pytest.MonkeyPatch,
    load_event: LoadEvent,
    api_logs: pytest.CaptureFixture[str],
    settings: Any,
) -> None:
    monkeypatch.setattr(
        app_module, "APP", build_app(settings, InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments())
    )
    event = load_event("api_get_content_found")
    assert app_module.handler(event, LocalLambdaContext())["statusCode"] == 200
    lines = [line for line in json_lines(api_logs.readouterr().out) if line.get("message")]
    assert lines
    assert all(line["correlation_id"] == event["requestContext"]["requestId"] for line in lines)
