"""The edge applies the token rule to each request's URI: the all-access group reads every
course and paths outside courses/; a course group (as tokens of earlier versions carry) or any
other group opens nothing on a token, so a learner reads only through the API's grants; URIs
that could escape into another course are refused whoever asks."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from edge_auth import gate as edge
from testkit.tokens import SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import json_lines
from tests.support.sample_events import Event, LoadEvent
from tests.support.viewer_requests import status

INTRO = "/courses/aws-101/aws-101-intro/9c2e41d07a5b4f0e8d3a6b1c2d3e4f50.mp4"
OTHER_COURSE = "/courses/aws-201/aws-201-intro/0a1b2c3d4e5f60718293a4b5c6d7e8f9.mp4"


@pytest.fixture
def gate(make_gate: GateFactory, test_key: SigningKey) -> edge.Gate:
    return make_gate(edge_config(test_key))


def request_for(load_event: LoadEvent, token: str, uri: str, method: str = "GET") -> Event:
    event = copy.deepcopy(load_event("edge_no_token"))
    request = event["Records"][0]["cf"]["request"]
    request["uri"] = uri
    request["method"] = method
    request["headers"]["authorization"] = [{"key": "Authorization", "value": f"Bearer {token}"}]
    return event


def decide(gate: edge.Gate, load_event: LoadEvent, key: SigningKey, groups: list[str], uri: str):
    token = key.sign(cognito_claims(groups=groups))
    return edge.decide(gate, request_for(load_event, token, uri))


@pytest.mark.parametrize("uri", [INTRO, OTHER_COURSE, "/x.pdf"])
def test_a_course_group_opens_nothing_on_a_token_not_even_its_own_course(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, uri: str
) -> None:
    answer = decide(gate, load_event, test_key, ["course-aws-101"], uri)
    assert status(answer) == 403
    assert 'error="insufficient_scope"' in answer["headers"]["www-authenticate"][0]["value"]


def test_an_all_access_member_reads_every_course_and_paths_outside_them(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    for uri in (INTRO, OTHER_COURSE, "/x.pdf", "/Courses/aws-101/x.mp4"):
        assert status(decide(gate, load_event, test_key, ["students"], uri)) is None


def test_a_user_in_no_group_gets_403(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    assert status(decide(gate, load_event, test_key, [], INTRO)) == 403


def test_one_cached_token_keeps_its_answer_for_each_uri(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    """The cache keeps the token's groups: a later URI is judged by them, not let through."""
    token = test_key.sign(cognito_claims(groups=["course-aws-101", "teachers"]))
    for uri in (INTRO, OTHER_COURSE, INTRO):
        assert status(edge.decide(gate, request_for(load_event, token, uri))) == 403
    member = test_key.sign(cognito_claims(groups=["students"]))
    for uri in (INTRO, OTHER_COURSE, INTRO):
        assert status(edge.decide(gate, request_for(load_event, member, uri))) is None


ESCAPES = [
    "/courses/aws-101/../aws-201/aws-201-intro/x.mp4",
    "/courses/aws-101/./../aws-201/x.mp4",
    "/courses/aws-101/%2e%2e/aws-201/x.mp4",
    "/courses/aws-101/%2E%2E/aws-201/x.mp4",
    "/courses/aws-101/.%2e/aws-201/x.mp4",
    "/courses/aws-101/..%2faws-201/x.mp4",
    "/courses/aws-101/..%2Faws-201%2Fx.mp4",
    "/courses/aws-101/%252e%252e/aws-201/x.mp4",
    "/courses/aws-101/..%5caws-201/x.mp4",
    "/courses/aws-101/..\\aws-201\\x.mp4",
    "/courses/aws-101//../aws-201/x.mp4",
    "/courses/aws-101/x/..",
    "/courses/aws-101/",
    "/courses/aws-101",
    "/courses//aws-201/x.mp4",
    "/courses/aws-101%2f..%2faws-201/x.mp4",
    "/courses/%61ws-101/x.mp4",
    "/courses/aws-101/x%00.mp4",
    "/courses/aws-101/x%zz.mp4",
    "/courses/aws-101/%ff.mp4",
    "/courses/aws-101/x\n.mp4",
    "/courses/_courses/x.mp4",
]


@pytest.mark.parametrize("uri", ESCAPES)
def test_an_ambiguous_uri_under_courses_is_refused_whoever_asks(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, uri: str
) -> None:
    assert status(decide(gate, load_event, test_key, ["students"], uri)) == 401


def test_an_ambiguous_uri_is_logged_as_a_malformed_request_with_its_uri(
    gate: edge.Gate,
    load_event: LoadEvent,
    test_key: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    decide(gate, load_event, test_key, ["students"], "/courses/aws-101/../aws-201/x.mp4")
    [line] = [line for line in json_lines(capsys.readouterr().out) if line.get("reason")]
    assert line["reason"] == "malformed_event"
    assert line["uri"] == "/courses/aws-101/../aws-201/x.mp4"


@pytest.mark.parametrize(
    "uri",
    [
        "/courses/aws-101/aws-101-intro/a%20b.mp4",
        "/courses/aws-101/aws-101-intro/%C3%A9t%C3%A9.pdf",
        "/courses/aws-101/hls/720p/segment-001.ts",
        "/courses/aws-101/x/...",
    ],
)
def test_a_clean_uri_in_the_course_is_read_by_the_all_access_member(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, uri: str
) -> None:
    assert status(decide(gate, load_event, test_key, ["students"], uri)) is None


def test_a_preflight_for_an_ambiguous_uri_is_refused_too(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    event = copy.deepcopy(load_event("edge_preflight"))
    event["Records"][0]["cf"]["request"]["uri"] = "/courses/aws-101/../aws-201/x.mp4"
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize("uri", [None, 7, ["/courses/aws-101/x"]])
def test_a_uri_that_is_not_a_string_is_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, uri: Any
) -> None:
    assert status(decide(gate, load_event, test_key, ["students"], uri)) == 401


def test_answers_stay_right_after_the_seen_uri_memo_fills_and_empties(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    from edge_auth.paths import MAX_SEEN, course_of

    for i in range(MAX_SEEN + 10):
        course_of(f"/courses/aws-{i}/x.mp4")
    assert status(decide(gate, load_event, test_key, ["students"], INTRO)) is None
    assert status(decide(gate, load_event, test_key, ["course-aws-101"], INTRO)) == 403
