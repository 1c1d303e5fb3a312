"""A deny is readable by the app's origin (so the page can react to it) and by no other."""

from __future__ import annotations

from edge_auth import gate as edge
from testkit.events import APP_ORIGIN
from tests.support.sample_events import LoadEvent
from tests.support.viewer_requests import with_header


def test_a_deny_lets_the_app_origin_read_it(gate: edge.Gate, load_event: LoadEvent) -> None:
    event = with_header(load_event("edge_no_token"), "Origin", APP_ORIGIN)
    headers = edge.decide(gate, event)["headers"]
    assert headers["access-control-allow-origin"] == [
        {"key": "Access-Control-Allow-Origin", "value": APP_ORIGIN}
    ]
    assert headers["vary"] == [{"key": "Vary", "value": "Origin"}]


def test_a_deny_gives_no_cors_grant_to_other_origins(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    event = with_header(load_event("edge_no_token"), "Origin", "https://evil.example")
    assert "access-control-allow-origin" not in edge.decide(gate, event)["headers"]
