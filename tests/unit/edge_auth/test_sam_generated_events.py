"""Every CloudFront event shape ``sam local generate-event cloudfront`` produces gets a deny.

These samples carry no token; several are origin-request or response shapes, or lack fields a
real viewer request has. The handler must answer each with a 401, never raise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from samcli.lib.generated_sample_events.events import Events

from edge_auth import gate as edge
from testkit.tokens import TEST_CONFIG_PATH
from tests.support.edge_gates import GateFactory

_EVENTS = Events()
_CLOUDFRONT_TYPES = sorted(_EVENTS.event_mapping["cloudfront"])


def test_sam_still_ships_cloudfront_samples() -> None:
    assert len(_CLOUDFRONT_TYPES) >= 10


@pytest.mark.parametrize("event_type", _CLOUDFRONT_TYPES)
def test_a_sam_generated_cloudfront_event_is_denied_without_raising(
    make_gate: GateFactory, event_type: str
) -> None:
    event: dict[str, Any] = json.loads(_EVENTS.generate_event("cloudfront", event_type, {}))
    gate = make_gate(json.loads(TEST_CONFIG_PATH.read_text()))
    answer = edge.decide(gate, event)
    assert answer["status"] == "401"
