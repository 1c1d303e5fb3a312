"""Where the edge takes the token from: the Authorization header (Bearer, any case), else the
token cookie by its exact name; two different tokens are refused, never guessed between."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from edge_auth import gate as edge
from testkit.tokens import TEST_COOKIE, SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.sample_events import LoadEvent
from tests.support.viewer_requests import status, token_event, with_header


@pytest.mark.parametrize("cookie", ["c=1", [{"key": "Cookie"}], [{"value": 7}]])
def test_a_malformed_cookie_header_is_refused_when_the_token_must_come_from_it(
    gate: edge.Gate, load_event: LoadEvent, cookie: Any, caplog: pytest.LogCaptureFixture
) -> None:
    event = load_event("edge_no_token")
    event["Records"][0]["cf"]["request"]["headers"]["cookie"] = cookie
    assert status(edge.decide(gate, event)) == 401
    assert [r.__dict__.get("reason") for r in caplog.records] == ["malformed_event"]


def test_a_lowercase_bearer_scheme_is_accepted(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()), scheme="bearer")
    assert status(edge.decide(gate, event)) is None


@pytest.mark.parametrize("scheme", ["Basic", "Token", "Bearer:"])
def test_another_authorization_scheme_is_not_a_token(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, scheme: str
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()), scheme=scheme)
    answer = edge.decide(gate, event)
    assert status(answer) == 401
    assert "error=" not in answer["headers"]["www-authenticate"][0]["value"]


def test_the_header_wins_over_the_cookie(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    expired = test_key.sign(cognito_claims(now=1_000_000))
    event = with_header(load_event("edge_valid_cookie"), "Authorization", f"Bearer {expired}")
    assert status(edge.decide(gate, event)) == 401


def test_the_cookie_is_ignored_when_no_cookie_name_is_configured(
    make_gate: GateFactory, test_key: SigningKey, load_event: LoadEvent
) -> None:
    gate = make_gate({**edge_config(test_key), "cookie_name": None})
    assert status(edge.decide(gate, load_event("edge_valid_cookie"))) == 401


def test_two_different_tokens_are_refused_rather_than_guessed(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()))
    other = test_key.sign(cognito_claims(groups=["students", "x"]))
    event["Records"][0]["cf"]["request"]["headers"]["authorization"].append(
        {"key": "Authorization", "value": f"Bearer {other}"}
    )
    answer = edge.decide(gate, event)
    assert status(answer) == 401
    assert 'error="invalid_request"' in answer["headers"]["www-authenticate"][0]["value"]


def test_two_different_token_cookies_are_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    valid = test_key.sign(cognito_claims())
    cookies = f"{TEST_COOKIE}={valid}; {TEST_COOKIE}={valid[:-2]}xx"
    event = with_header(load_event("edge_no_token"), "Cookie", cookies)
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize("name", [f"x{TEST_COOKIE}", f"{TEST_COOKIE}_old", TEST_COOKIE.upper()])
def test_a_cookie_with_a_similar_name_is_not_the_token_cookie(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, name: str
) -> None:
    event = with_header(
        load_event("edge_no_token"), "Cookie", f"{name}={test_key.sign(cognito_claims())}"
    )
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize("empty", ["Bearer ", "Bearer", "bearer   "])
def test_an_empty_bearer_header_falls_back_to_the_cookie(
    gate: edge.Gate, load_event: LoadEvent, empty: str
) -> None:
    """The rule is "header, else cookie": a header without a token is no header."""
    event = with_header(load_event("edge_valid_cookie"), "Authorization", empty)
    assert status(edge.decide(gate, event)) is None


def test_a_valid_header_is_used_whatever_the_cookie_holds(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()))
    event = with_header(event, "Cookie", f"{TEST_COOKIE}=garbage")
    assert status(edge.decide(gate, event)) is None


@pytest.mark.parametrize("method", ["options", "Options", "HEAD"])
def test_only_an_exact_options_method_passes_without_a_token(
    gate: edge.Gate, load_event: LoadEvent, method: str
) -> None:
    event = copy.deepcopy(load_event("edge_no_token"))
    event["Records"][0]["cf"]["request"]["method"] = method
    assert status(edge.decide(gate, event)) == 401
