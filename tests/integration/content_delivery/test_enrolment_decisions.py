"""The Content Delivery API decides from the enrolment store on every call (against DynamoDB in
moto): a learner reads a course while an enrolment in it is valid, and from nothing else; the
all-access group reads every course on its token; ``GET /courses`` lists page by page; a
grant never outlives the enrolment that allowed it."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from content_delivery.api import build_app
from content_delivery.grants import GrantSigner
from content_delivery.settings import GrantSettings, Settings
from local.lambda_context import LocalLambdaContext
from local.samples import SAMPLE_ITEMS
from shared.access import AccessRule
from shared.catalog.model import ContentKey, Course
from shared.enrolments.model import format_time
from shared.enrolments.store import EnrolmentStore, enrolment_key
from tests.support.aws_calls import calls_to
from tests.support.catalog import InMemoryCatalog
from tests.support.enrolments import enrol, new_learner
from tests.support.grant_keys import grant_of_url, grant_secret
from tests.support.revocations import unreachable_grant_store
from tests.support.sample_events import LoadEvent

NOW = 1_800_000_000
LIFETIME = 4 * 3600
STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/grants"
OTHER_ITEM = dataclasses.replace(
    SAMPLE_ITEMS[1],
    content_id="aws-201-quiz",
    course_id="aws-201",
    key=ContentKey.parse("courses/aws-201/aws-201-quiz/sample.json"),
)
SETTINGS = Settings(
    catalog_table="catalog",
    content_base_url="https://d111111abcdef8.cloudfront.net",
    app_origins=("https://learn.example.com",),
    access=AccessRule.create({"students"}),
    enrolment_table="enrolments",
)


class Api:
    """The API over the sample catalog and a store in moto, at a clock the test sets;
    ``courses``: the catalog's course records (titles) besides the samples'."""

    def __init__(
        self,
        store: EnrolmentStore,
        load_event: LoadEvent,
        grants: bool = False,
        courses: tuple[str, ...] = (),
    ) -> None:
        self.now = float(NOW)
        self.load_event = load_event
        secret = grant_secret()
        signer = GrantSigner(LIFETIME, lambda: secret) if grants else None
        settings = SETTINGS
        if grants:
            grant_settings = GrantSettings("grant-key", LIFETIME, STORE_ARN)
            settings = dataclasses.replace(SETTINGS, grants=grant_settings)
        self.app = build_app(
            settings,
            InMemoryCatalog(
                (*SAMPLE_ITEMS, OTHER_ITEM),
                [Course.check(c, f"Course {c}") for c in ("aws-101", "aws-201", *courses)],
            ),
            store,
            signer,
            clock=lambda: self.now,
            grant_store=unreachable_grant_store() if grants else None,
        )

    def get(
        self, path: str, sub: str, groups: str | None = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        event = copy.deepcopy(self.load_event("api_list_courses"))
        event["path"] = event["requestContext"]["path"] = path
        parts = path.strip("/").split("/")
        if parts[0] == "content":
            event["resource"], event["pathParameters"] = (
                "/content/{contentId}",
                {"contentId": parts[1]},
            )
        elif len(parts) == 3:
            event["resource"] = "/courses/{courseId}/content"
            event["pathParameters"] = {"courseId": parts[1]}
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = (
            {k: [v] for k, v in query.items()} if query else None
        )
        claims = event["requestContext"]["authorizer"]["claims"]
        claims["sub"] = sub
        if groups is None:
            claims.pop("cognito:groups", None)
        else:
            claims["cognito:groups"] = groups
        answer = self.app.resolve(event, LocalLambdaContext())  # type: ignore[arg-type]
        return answer["statusCode"], json.loads(answer["body"])


@pytest.fixture
def store(enrolment_store: EnrolmentStore) -> EnrolmentStore:
    return enrolment_store


@pytest.fixture
def api(store: EnrolmentStore, load_event: LoadEvent) -> Api:
    return Api(store, load_event)


def at(epoch: int) -> str:
    return format_time(epoch)


def test_an_enrolled_learner_reads_the_course_and_its_items(
    api: Api, store: EnrolmentStore
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    status, body = api.get("/courses/aws-101/content", learner)
    assert (status, len(body["items"])) == (200, len(SAMPLE_ITEMS))
    assert api.get("/content/aws-101-intro", learner)[0] == 200


@pytest.mark.parametrize(
    "path", ["/courses/aws-201/content", "/content/aws-201-quiz", "/courses/aws-999/content"]
)
def test_a_learner_without_an_enrolment_gets_403(
    api: Api, store: EnrolmentStore, path: str
) -> None:
    """Even for a course that does not exist: the answer says nothing about the catalog."""
    learner = new_learner()
    enrol(store, learner, "aws-101")
    assert api.get(path, learner) == (403, {"message": "Forbidden"})


def test_course_groups_in_the_token_open_nothing(api: Api, store: EnrolmentStore) -> None:
    """The per-course groups of earlier versions are read nowhere."""
    status, _ = api.get("/courses/aws-101/content", new_learner(), "course-aws-101")
    assert status == 403


def test_the_all_access_group_reads_every_course_without_reading_enrolments(
    api: Api, store: EnrolmentStore
) -> None:
    with calls_to("dynamodb") as reads:
        for path in (
            "/courses/aws-101/content",
            "/courses/aws-201/content",
            "/content/aws-201-quiz",
        ):
            assert api.get(path, new_learner(), "students")[0] == 200
    assert reads == []


def test_an_unenrolment_is_refused_on_the_very_next_call(api: Api, store: EnrolmentStore) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    assert api.get("/courses/aws-101/content", learner)[0] == 200
    store.delete(learner, "aws-101")
    assert api.get("/courses/aws-101/content", learner)[0] == 403


def test_every_decision_reads_the_enrolment_strongly_consistent(
    api: Api, store: EnrolmentStore
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    with calls_to("dynamodb") as reads:
        api.get("/courses/aws-101/content", learner)
        api.get("/courses", learner)
    assert reads
    assert all(params.get("ConsistentRead") is True for op, params in reads if op != "BatchGetItem")
    assert all(
        keys["ConsistentRead"] is True
        for op, params in reads
        if op == "BatchGetItem"
        for keys in params["RequestItems"].values()
    )


@pytest.mark.parametrize(
    ("window", "status"),
    [
        ({"notBefore": at(NOW + 1)}, 403),
        ({"notBefore": at(NOW)}, 200),
        ({"notAfter": at(NOW)}, 403),
        ({"notAfter": at(NOW + 1)}, 200),
        ({"notBefore": at(NOW - 10), "notAfter": at(NOW - 1)}, 403),
    ],
)
def test_an_enrolment_opens_its_course_only_within_its_window(
    api: Api, store: EnrolmentStore, window: dict[str, str], status: int
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101", **window)
    assert api.get("/courses/aws-101/content", learner)[0] == status


def test_a_future_enrolment_opens_its_course_once_it_starts(
    api: Api, store: EnrolmentStore
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101", notBefore=at(NOW + 3600))
    assert api.get("/courses/aws-101/content", learner)[0] == 403
    api.now = NOW + 3600
    assert api.get("/courses/aws-101/content", learner)[0] == 200


def test_a_broken_enrolment_record_is_a_403(api: Api, store: EnrolmentStore) -> None:
    learner = new_learner()
    store.dynamodb.put_item(
        TableName=store.table, Item=enrolment_key(learner, "aws-101") | {"notAfter": {"S": "x"}}
    )
    assert api.get("/courses/aws-101/content", learner)[0] == 403


@pytest.mark.parametrize(
    ("not_after", "expires"),
    [(None, NOW + LIFETIME), (NOW + 600, NOW + 600), (NOW + LIFETIME + 600, NOW + LIFETIME)],
)
def test_a_grant_never_outlives_the_enrolment_that_allowed_it(
    store: EnrolmentStore, load_event: LoadEvent, not_after: int | None, expires: int
) -> None:
    api = Api(store, load_event, grants=True)
    learner = new_learner()
    enrol(store, learner, "aws-101", **({} if not_after is None else {"notAfter": at(not_after)}))
    _, body = api.get("/courses/aws-101/content", learner)
    assert grant_of_url(body["items"][0]["url"]).expires_at == expires
    _, item = api.get("/content/aws-101-intro", learner)
    assert grant_of_url(item["url"]).expires_at == expires


def all_courses(api: Api, sub: str, groups: str | None, limit: int) -> tuple[list[Any], int]:
    listed: list[Any] = []
    query: dict[str, str] = {"limit": str(limit)}
    pages = 0
    while True:
        status, body = api.get("/courses", sub, groups, query)
        assert status == 200
        listed += body["courses"]
        pages += 1
        if "next" not in body:
            return listed, pages
        query = {"limit": str(limit), "next": body["next"]}


def test_get_courses_lists_a_learner_s_courses_page_by_page_with_titles_and_ends(
    store: EnrolmentStore, load_event: LoadEvent
) -> None:
    learner = new_learner()
    courses = [f"c-{i:02d}" for i in range(12)]
    api = Api(store, load_event, courses=tuple(courses))
    for course in courses:
        enrol(store, learner, course, notAfter=at(NOW + 3600))
    listed, pages = all_courses(api, learner, None, 5)
    assert pages == 3
    assert listed == [
        {"courseId": c, "title": f"Course {c}", "notAfter": at(NOW + 3600)} for c in courses
    ]


def test_get_courses_leaves_out_enrolments_not_valid_now(api: Api, store: EnrolmentStore) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")
    enrol(store, learner, "aws-201", notBefore=at(NOW + 60))
    assert api.get("/courses", learner) == (
        200,
        {"courses": [{"courseId": "aws-101", "title": "Course aws-101"}]},
    )


def test_get_courses_lists_every_course_for_the_all_access_group(
    api: Api, store: EnrolmentStore
) -> None:
    listed, pages = all_courses(api, new_learner(), "students", 1)
    assert listed == [
        {"courseId": "aws-101", "title": "Course aws-101"},
        {"courseId": "aws-201", "title": "Course aws-201"},
    ]
    assert pages == 2


def test_a_course_without_a_record_is_listed_by_its_id(
    store: EnrolmentStore, load_event: LoadEvent
) -> None:
    """A course published to before courses had records has no title: its ID stands in."""
    api = Api(store, load_event)
    api.app = build_app(SETTINGS, InMemoryCatalog(SAMPLE_ITEMS), store, clock=lambda: api.now)
    assert api.get("/courses", new_learner(), "students") == (
        200,
        {"courses": [{"courseId": "aws-101", "title": "aws-101"}]},
    )


def test_get_courses_lists_nothing_for_a_user_with_no_enrolment(api: Api) -> None:
    assert api.get("/courses", new_learner()) == (200, {"courses": []})


@pytest.mark.parametrize(
    "query", [{"limit": "0"}, {"limit": "101"}, {"limit": "x"}, {"next": "not-ours"}]
)
def test_a_bad_page_request_is_a_400(api: Api, query: dict[str, str]) -> None:
    status, body = api.get("/courses", new_learner(), None, query)
    assert status == 400
    assert body["message"].startswith(("limit must", "invalid next"))
