"""The edge's two answers to the sample events: the request forwarded to the origin without
its token, or a small, uncacheable deny that says nothing about the token."""

from __future__ import annotations

import copy
import json

import pytest

from edge_auth import gate as edge
from shared.trust.config import parse_config
from testkit.tokens import TEST_CONFIG_PATH, SigningKey
from tests.support.sample_events import ALLOWED, DENIED, LoadEvent
from tests.support.viewer_requests import status


def test_the_sample_config_trusts_the_test_key(test_key: SigningKey) -> None:
    assert parse_config(json.loads(TEST_CONFIG_PATH.read_text())).pools[0].keys[test_key.kid]


@pytest.mark.parametrize("name", ALLOWED)
def test_allowed_samples_are_forwarded_without_the_authorization_header(
    gate: edge.Gate, load_event: LoadEvent, name: str
) -> None:
    event = load_event(name)
    request = event["Records"][0]["cf"]["request"]
    answer = edge.decide(gate, event)
    assert status(answer) is None
    assert answer["uri"] == request["uri"]
    assert "authorization" not in answer["headers"]
    assert answer["headers"]["host"] == request["headers"]["host"]


def test_headers_other_than_authorization_reach_the_origin(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    answer = edge.decide(gate, load_event("edge_valid_cookie"))
    assert answer["headers"]["range"] == [{"key": "Range", "value": "bytes=0-1023"}]


def test_a_browser_s_request_reaches_the_origin_with_every_header_but_authorization(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    event = load_event("edge_browser_request")
    sent = copy.deepcopy(event["Records"][0]["cf"]["request"]["headers"])
    assert len(sent) >= 15
    answer = edge.decide(gate, event)
    del sent["authorization"]
    assert answer["headers"] == sent


def test_a_header_the_decision_does_not_read_is_forwarded_as_cloudfront_sent_it(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    """Only the headers the decision reads are checked; CloudFront owns the rest."""
    event = load_event("edge_valid_token")
    event["Records"][0]["cf"]["request"]["headers"]["x-odd"] = [{"key": "X-Odd"}]
    assert edge.decide(gate, event)["headers"]["x-odd"] == [{"key": "X-Odd"}]


@pytest.mark.parametrize(("name", "expected"), DENIED.items())
def test_denied_samples_get_their_status(
    gate: edge.Gate, load_event: LoadEvent, name: str, expected: int
) -> None:
    assert status(edge.decide(gate, load_event(name))) == expected


@pytest.mark.parametrize(
    ("name", "challenge"),
    [
        ("edge_no_token", 'Bearer realm="content"'),
        ("edge_expired_token", 'Bearer realm="content", error="invalid_token"'),
        ("edge_wrong_group", 'Bearer realm="content", error="insufficient_scope"'),
    ],
)
def test_denies_carry_an_rfc6750_challenge(
    gate: edge.Gate, load_event: LoadEvent, name: str, challenge: str
) -> None:
    answer = edge.decide(gate, load_event(name))
    assert answer["headers"]["www-authenticate"] == [
        {"key": "WWW-Authenticate", "value": challenge}
    ]


@pytest.mark.parametrize("name", DENIED)
def test_denies_are_never_cached_and_tiny(
    gate: edge.Gate, load_event: LoadEvent, name: str
) -> None:
    answer = edge.decide(gate, load_event(name))
    assert answer["headers"]["cache-control"] == [{"key": "Cache-Control", "value": "no-store"}]
    assert len(answer["body"]) <= 16
    assert len(json.dumps(answer)) < 40 * 1024  # Lambda@Edge's limit for generated responses


def test_a_deny_says_nothing_about_the_token(gate: edge.Gate, load_event: LoadEvent) -> None:
    answer = edge.decide(gate, load_event("edge_expired_token"))
    text = json.dumps(answer).lower()
    for leak in ("expired", "exp", "students", "kid", "signature", "cognito"):
        assert leak not in text
