"""Whatever arrives, the edge answers: malformed events and headers, and its own failures, are
a 401, never an exception (which CloudFront would turn into a 5xx); no log line holds a token."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from edge_auth import gate as edge
from testkit.tokens import SigningKey, cognito_claims
from tests.support.fakes import json_lines
from tests.support.sample_events import ALLOWED, DENIED, LoadEvent
from tests.support.viewer_requests import status, token_event, with_header

MALFORMED_EVENTS: list[Any] = [
    None,
    {},
    [],
    "event",
    {"Records": []},
    {"Records": [{}]},
    {"Records": [{"cf": None}]},
    {"Records": [{"cf": {"request": None}}]},
    {"Records": [{"cf": {"request": {"headers": None}}}]},
    {"Records": [{"cf": {"request": {"headers": {"authorization": "Bearer x"}}}}]},
    {"Records": [{"cf": {"request": {"headers": {"authorization": [{"value": 7}]}}}}]},
    {"Records": [{"cf": {"request": {"headers": {"authorization": [None]}}}}]},
    {"Records": [{"cf": {"config": {"eventType": "origin-request"}, "request": {"headers": {}}}}]},
    {"Records": [{"cf": {"config": [], "request": {"headers": {}}}}]},
]


@pytest.mark.parametrize("event", MALFORMED_EVENTS)
def test_a_malformed_event_is_denied_not_raised(
    gate: edge.Gate, event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert status(edge.decide(gate, copy.deepcopy(event))) == 401
    assert [r.__dict__.get("reason") for r in caplog.records] == ["malformed_event"]


def test_an_origin_request_event_is_refused_even_with_a_valid_token(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    """This function is for viewer requests only; any other trigger is a deployment mistake."""
    event = load_event("edge_valid_token")
    event["Records"][0]["cf"]["config"]["eventType"] = "origin-request"
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize(
    "value",
    [
        "Bearer " + "A" * 100_000,
        "Bearer é€😀",
        "Bearer \x00\x01",
        "Bearer a.b.c" * 1000,
        "Bearer",
        "",
    ],
)
def test_huge_or_odd_authorization_values_are_denied_not_raised(
    gate: edge.Gate, load_event: LoadEvent, value: str
) -> None:
    event = with_header(load_event("edge_no_token"), "Authorization", value)
    assert status(edge.decide(gate, event)) == 401


def test_an_unexpected_error_is_a_401_logged_without_the_token(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    token = test_key.sign(cognito_claims())

    class BrokenAuthorizer:
        def authorize(self, token: str) -> None:
            raise ValueError(f"bug while reading {token}")

    broken = gate._replace(authorizer=BrokenAuthorizer())  # type: ignore[arg-type]
    assert status(edge.decide(broken, token_event(load_event, token))) == 401
    out = capsys.readouterr().out
    [line] = [line for line in json_lines(out) if line.get("level") == "ERROR"]
    assert line["error_type"] == "ValueError"
    assert token not in out
    assert token.split(".")[2] not in out


def test_no_log_line_ever_contains_a_token(
    gate: edge.Gate, load_event: LoadEvent, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = []
    for name in [*ALLOWED, *DENIED]:
        event = load_event(name)
        headers = event["Records"][0]["cf"]["request"]["headers"]
        for entries in headers.values():
            tokens += [
                part for entry in entries for part in entry["value"].split(".") if len(part) > 40
            ]
        edge.decide(gate, event)
    gate.telemetry.flush()
    out = capsys.readouterr().out
    assert tokens
    assert not [part for part in tokens if part in out]


@pytest.mark.parametrize("origin", [["https://learn.example.com"], {"a": 1}, 7, None])
def test_a_malformed_origin_header_is_denied_not_raised(gate: edge.Gate, origin: Any) -> None:
    event = {
        "Records": [
            {
                "cf": {
                    "request": {
                        "method": "GET",
                        "headers": {"origin": [{"key": "Origin", "value": origin}]},
                    }
                }
            }
        ]
    }
    assert status(edge.decide(gate, event)) == 401


def test_a_failure_while_denying_still_answers_401(gate: edge.Gate, load_event: LoadEvent) -> None:
    class BrokenTelemetry:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError("logging is down")

    broken = gate._replace(telemetry=BrokenTelemetry())  # type: ignore[arg-type]
    answer = edge.decide(broken, load_event("edge_no_token"))
    assert status(answer) == 401
    assert answer["headers"]["cache-control"] == [{"key": "Cache-Control", "value": "no-store"}]
