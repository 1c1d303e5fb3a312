"""The Enrolment API's routes, in process, over the enrolment store in moto: an IAM caller (as
API Gateway passes one after checking the signature) creates, replaces, deletes and lists
enrolments; anything without one is a 403; bad input is a 400, an unknown course a 404; a
batch applies its good items and reports each; nothing calls Cognito. (What unenrolments do to
grants: test_revocations.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.enrolments.store import EnrolmentStore
from tests.support.aws_calls import calls_to
from tests.support.enrolment_api import BACKEND, call
from tests.support.enrolments import enrol, new_learner
from tests.support.revocations import GrantStore


@pytest.fixture
def store(enrolment_store: EnrolmentStore) -> EnrolmentStore:
    return enrolment_store


def test_put_creates_an_enrolment_recording_who_and_when(store: EnrolmentStore) -> None:
    learner = new_learner()
    fields = {"notAfter": "2030-01-01T00:00:00Z", "reference": "order-42"}
    status, body = call(store, "PUT", f"/enrolments/aws-101/{learner}", fields)
    assert (status, body) == (
        200,
        {
            "courseId": "aws-101",
            "learner": learner,
            "notAfter": "2030-01-01T00:00:00Z",
            "reference": "order-42",
            "changedBy": BACKEND,
            "changedAt": "2027-01-15T08:00:00Z",
        },
    )
    assert store.enrolment(learner, "aws-101") is not None


def test_put_again_replaces_and_an_empty_body_opens_the_window(store: EnrolmentStore) -> None:
    learner = new_learner()
    call(store, "PUT", f"/enrolments/aws-101/{learner}", {"notAfter": "2030-01-01T00:00:00Z"})
    assert call(store, "PUT", f"/enrolments/aws-101/{learner}")[0] == 200
    enrolment = store.enrolment(learner, "aws-101")
    assert enrolment is not None
    assert enrolment.window.not_after is None


def test_put_into_a_course_without_a_record_is_a_404(store: EnrolmentStore) -> None:
    status, body = call(store, "PUT", f"/enrolments/aws-999/{new_learner()}")
    assert (status, body) == (404, {"message": "no course aws-999"})


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/enrolments/aws-101/not-a-sub", None, "invalid learner"),
        ("/enrolments/aws-101/3F2A8C1E-0B1D-4C2E-9F3A-7D6E5C4B3A21", None, "invalid learner"),
        ("/enrolments/a%20b/{learner}", None, "invalid course ID"),
        ("/enrolments/aws-101/{learner}", "not json", "not JSON"),
        ("/enrolments/aws-101/{learner}", [1], "JSON object"),
        ("/enrolments/aws-101/{learner}", {"notAftr": "2030-01-01T00:00:00Z"}, "unknown field"),
        ("/enrolments/aws-101/{learner}", {"notAfter": "2030-01-01"}, "notAfter"),
        ("/enrolments/aws-101/{learner}", {"notAfter": "2030-01-01T00:00:00+02:00"}, "UTC"),
        ("/enrolments/aws-101/{learner}", {"reference": ""}, "reference"),
        ("/enrolments/aws-101/{learner}", "x" * 300_000, "larger than"),
    ],
)
def test_a_bad_put_is_a_400_with_a_short_message(
    store: EnrolmentStore, path: str, body: Any, message: str
) -> None:
    status, answer = call(store, "PUT", path.format(learner=new_learner()), body)
    assert status == 400
    assert message in answer["message"]
    assert len(answer["message"]) < 200


def test_delete_is_a_204_whether_or_not_there_was_an_enrolment(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    path, grants = f"/enrolments/aws-101/{learner}", grant_store.kvs
    assert call(store, "DELETE", path, grants=grants) == (204, None)
    assert store.enrolment(learner, "aws-101") is None
    assert call(store, "DELETE", path, grants=grants) == (204, None)


@pytest.mark.parametrize(
    "who",
    [
        {"caller": None},
        {"caller": {"userArn": ""}},
        {"caller": {"userArn": "anonymous"}},
        {"caller": None, "claims": {"sub": "3f2a8c1e-0b1d-4c2e-9f3a-7d6e5c4b3a21"}},
    ],
    ids=["no caller", "empty caller", "not an ARN", "a learner's token"],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/enrolments/aws-101/{learner}", None),
        ("DELETE", "/enrolments/aws-101/{learner}", None),
        ("POST", "/enrolments", {"delete": [{"courseId": "aws-101", "learner": "{learner}"}]}),
        ("GET", "/enrolments?learner={learner}", None),
        ("POST", "/learners/{learner}/revoke", None),
    ],
)
def test_a_request_with_no_iam_caller_is_a_403_and_changes_nothing(
    store: EnrolmentStore,
    grant_store: GrantStore,
    who: dict[str, Any],
    method: str,
    path: str,
    body: Any,
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    route, _, query = path.format(learner=learner).partition("?")
    text = None if body is None else json.dumps(body).replace("{learner}", learner)
    params = dict([query.split("=")]) if query else None
    answer = call(store, method, route, text, params, grants=grant_store.kvs, **who)
    assert answer == (403, {"message": "Forbidden"})
    assert store.enrolment(learner, "aws-101") is not None
    assert grant_store.revocations() == {}


def test_a_batch_applies_its_good_items_and_reports_each_in_place(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    kept, gone, other = new_learner(), new_learner(), new_learner()
    enrol(store, gone, "aws-101")
    status, body = call(
        store,
        "POST",
        "/enrolments",
        {
            "put": [
                {"courseId": "aws-101", "learner": kept, "reference": "r-1"},
                {"courseId": "aws-999", "learner": other},
                {"courseId": "aws-201", "learner": "nobody"},
                "not an object",
            ],
            "delete": [{"courseId": "aws-101", "learner": gone}],
        },
        grants=grant_store.kvs,
    )
    assert status == 200
    assert [r["status"] for r in body["put"]] == [200, 404, 400, 400]
    assert body["put"][1] == {
        "courseId": "aws-999",
        "learner": other,
        "status": 404,
        "message": "no course aws-999",
    }
    assert body["delete"] == [{"courseId": "aws-101", "learner": gone, "status": 204}]
    assert store.enrolment(kept, "aws-101") is not None
    assert store.enrolment(gone, "aws-101") is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"put": [{"courseId": "aws-101", "learner": "x"}] * 101}, "1 to 100 items"),
        ({"put": [{}] * 60, "delete": [{}] * 41}, "1 to 100 items"),
        ({"put": []}, "1 to 100 items"),
        ({"puts": []}, '{"put"'),
        ({"put": {}}, "must be lists"),
        ([], '{"put"'),
    ],
)
def test_a_batch_that_is_not_one_is_a_400_and_applies_nothing(
    store: EnrolmentStore, body: Any, message: str
) -> None:
    status, answer = call(store, "POST", "/enrolments", body)
    assert status == 400
    assert message in answer["message"]


def test_a_batch_of_100_items_is_applied_whole(store: EnrolmentStore) -> None:
    learners = [new_learner() for _ in range(100)]
    items = [{"courseId": "aws-201", "learner": learner} for learner in learners]
    status, body = call(store, "POST", "/enrolments", {"put": items})
    assert status == 200
    assert {r["status"] for r in body["put"]} == {200}


def test_get_lists_a_learner_s_or_a_course_s_enrolments_page_by_page(
    store: EnrolmentStore,
) -> None:
    learners = sorted(new_learner() for _ in range(5))
    for learner in learners:
        enrol(store, learner, "aws-201")
    enrol(store, learners[0], "aws-101")
    status, body = call(store, "GET", "/enrolments", query={"learner": learners[0]})
    assert (status, [e["courseId"] for e in body["enrolments"]]) == (200, ["aws-101", "aws-201"])
    listed, query = [], {"courseId": "aws-201", "limit": "2"}
    while True:
        status, body = call(store, "GET", "/enrolments", query=query)
        assert status == 200
        listed += [e["learner"] for e in body["enrolments"]]
        if "next" not in body:
            break
        query = {**query, "next": body["next"]}
    assert listed == learners


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"learner": "x", "courseId": "y"},
        {"learner": "x"},
        {"courseId": "aws-101", "limit": "0"},
    ],
)
def test_a_bad_listing_request_is_a_400(store: EnrolmentStore, query: dict[str, str]) -> None:
    assert call(store, "GET", "/enrolments", query=query)[0] == 400


def test_no_route_of_the_enrolment_api_calls_cognito(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner, grants = new_learner(), grant_store.kvs
    with calls_to("cognito-idp") as cognito:
        call(store, "PUT", f"/enrolments/aws-101/{learner}")
        call(store, "POST", "/enrolments", {"put": [{"courseId": "aws-201", "learner": learner}]})
        call(store, "GET", "/enrolments", query={"learner": learner})
        call(store, "DELETE", f"/enrolments/aws-101/{learner}", grants=grants)
        call(store, "POST", f"/learners/{learner}/revoke", grants=grants)
    assert cognito == []
