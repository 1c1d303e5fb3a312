"""What the edge reports: counts as one EMF line per interval, one log line per deny."""

from __future__ import annotations

import json

import pytest

from edge_auth import gate as edge
from edge_auth.errors import ExpiredTokenError
from testkit.tokens import TEST_CONFIG_PATH
from tests.support.edge_gates import GateFactory
from tests.support.fakes import FakeClock, json_lines
from tests.support.sample_events import LoadEvent


def test_allowed_requests_print_nothing_until_the_metrics_interval(
    make_gate: GateFactory, load_event: LoadEvent, capsys: pytest.CaptureFixture[str]
) -> None:
    gate = make_gate(json.loads(TEST_CONFIG_PATH.read_text()), monotonic=FakeClock(0.0))
    for _ in range(50):
        edge.decide(gate, load_event("edge_valid_token"))
    assert capsys.readouterr().out == ""


def test_counts_leave_as_one_emf_line_per_interval(
    make_gate: GateFactory, load_event: LoadEvent, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock(0.0)
    gate = make_gate(json.loads(TEST_CONFIG_PATH.read_text()), monotonic=clock, flush_interval=60)
    for _ in range(5):
        edge.decide(gate, load_event("edge_valid_token"))
    edge.decide(gate, load_event("edge_expired_token"))
    edge.decide(gate, load_event("edge_preflight"))
    clock.now = 60.0
    edge.decide(gate, load_event("edge_wrong_group"))

    emf = [line for line in json_lines(capsys.readouterr().out) if "_aws" in line]
    assert len(emf) == 1
    [directive] = emf[0]["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "PrivateContent"
    values = {m["Name"]: emf[0][m["Name"]] for m in directive["Metrics"]}  # EMF value lists
    assert values == {
        "Allowed": [5.0],
        "Preflight": [1.0],
        "Denied": [2.0],
        "Denied.expired_token": [1.0],
        "Denied.missing_group": [1.0],
    }


def test_each_deny_is_logged_with_its_reason_and_request_id(
    gate: edge.Gate, load_event: LoadEvent, capsys: pytest.CaptureFixture[str]
) -> None:
    edge.decide(gate, load_event("edge_expired_token"))
    [line] = json_lines(capsys.readouterr().out)
    assert line["reason"] == ExpiredTokenError.reason
    assert line["status"] == 401
    assert line["request_id"].startswith("sample-")
    assert line["uri"] == "/courses/aws-101/intro.mp4"


def test_a_deny_logs_only_the_start_of_a_huge_uri(
    gate: edge.Gate, load_event: LoadEvent, capsys: pytest.CaptureFixture[str]
) -> None:
    """The viewer chooses the URI; an 8 KB one must not make every deny line 8 KB."""
    event = load_event("edge_no_token")
    uri = event["Records"][0]["cf"]["request"]["uri"] = "/" + "a" * 8000
    edge.decide(gate, event)
    [line] = json_lines(capsys.readouterr().out)
    assert uri.startswith(line["uri"])
    assert 1 < len(line["uri"]) <= 512
