"""The sample events in events/ have the shape AWS sends (as `sam local generate-event`
produces it), so `sam local invoke -e events/<name>.json` and the in-process tests agree."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from samcli.lib.generated_sample_events.events import Events

from tools.stack import ROOT

EVENTS = sorted((ROOT / "events").glob("*.json"))
_GENERATOR = Events()


def generated(service: str, event_type: str) -> dict[str, Any]:
    """The sample `sam local generate-event <service> <event_type>` prints (its defaults)."""
    tags = _GENERATOR.event_mapping[service][event_type].get("tags", {})
    defaults = {name: tag["default"] for name, tag in tags.items() if "default" in tag}
    values = _GENERATOR.transform(tags, defaults)
    event: dict[str, Any] = json.loads(_GENERATOR.generate_event(service, event_type, values))
    return event


def test_every_event_is_named_by_function_and_scenario() -> None:
    assert EVENTS
    assert all(path.stem.split("_", 1)[0] in {"edge", "api"} for path in EVENTS)


@pytest.mark.parametrize(
    "path", [p for p in EVENTS if p.stem.startswith("api_")], ids=lambda p: p.stem
)
def test_api_events_have_the_api_gateway_proxy_shape(path: Path) -> None:
    reference = generated("apigateway", "aws-proxy")
    event = json.loads(path.read_text())
    assert set(reference) <= set(event)
    assert set(event["requestContext"]) >= {
        "requestId",
        "resourcePath",
        "httpMethod",
        "stage",
        "identity",
    }
    assert event["requestContext"]["authorizer"]["claims"]["sub"]
    # API Gateway names each {parameter} of the resource, and sends null when there is none.
    names = re.findall(r"\{(\w+)\}", event["resource"])
    assert (sorted(event["pathParameters"]) if names else event["pathParameters"]) == (
        sorted(names) or None
    )


@pytest.mark.parametrize(
    "path", [p for p in EVENTS if p.stem.startswith("edge_")], ids=lambda p: p.stem
)
def test_edge_events_have_the_cloudfront_viewer_request_shape(path: Path) -> None:
    reference = generated("cloudfront", "simple-remote-call")["Records"][0]["cf"]
    cf = json.loads(path.read_text())["Records"][0]["cf"]
    assert set(reference) <= set(cf)
    assert set(reference["request"]) <= set(cf["request"])
    assert cf["config"]["eventType"] == "viewer-request"
    for name, entries in cf["request"]["headers"].items():
        assert name == name.lower()
        assert all(entry["key"].lower() == name for entry in entries)


def test_the_events_are_what_make_events_writes() -> None:
    """events/ is generated; a hand edit would drift from the test key and config."""
    from testkit.events import api_events, sample_events
    from testkit.tokens import SigningKey

    expected = {**sample_events(SigningKey.test_only()), **api_events()}
    assert {p.stem for p in EVENTS} == set(expected)
    for path in EVENTS:
        assert json.loads(path.read_text()) == expected[path.stem], path.name
