"""Fixtures for the edge handler: gates with controllable clocks and JWKS answers."""

from __future__ import annotations

import json

import pytest

from edge_auth.gate import Gate
from testkit.tokens import TEST_CONFIG_PATH
from tests.support.edge_gates import GateFactory, gate_from_config


@pytest.fixture
def make_gate() -> GateFactory:
    """Build a Gate from a config dict, as ``gate.start`` would, with injectable parts."""
    return gate_from_config


@pytest.fixture
def gate(make_gate: GateFactory) -> Gate:
    """A gate on the committed test-only config, which the sample events pass."""
    return make_gate(json.loads(TEST_CONFIG_PATH.read_text()))
