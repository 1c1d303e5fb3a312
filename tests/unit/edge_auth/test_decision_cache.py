"""Verified tokens are remembered: not verified again, but refused once they expire, and a
forbidden one stays forbidden."""

from __future__ import annotations

import copy

from edge_auth import gate as edge
from testkit.tokens import SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import FakeClock
from tests.support.sample_events import LoadEvent
from tests.support.viewer_requests import status, token_event


def test_a_verified_token_is_answered_from_the_cache(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey
) -> None:
    """Once verified, the token is not verified again: the key store is not even asked."""
    gate = make_gate(edge_config(test_key))
    event = token_event(load_event, test_key.sign(cognito_claims()))
    assert status(edge.decide(gate, copy.deepcopy(event))) is None
    gate.authorizer._pools[0].keys._keys.clear()  # type: ignore[union-attr]
    assert status(edge.decide(gate, copy.deepcopy(event))) is None


def test_a_cached_token_is_refused_once_it_expires(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey
) -> None:
    clock = FakeClock(1_800_000_000.0)
    gate = make_gate(edge_config(test_key), clock=clock)
    event = token_event(load_event, test_key.sign(cognito_claims(now=clock.now, lifetime=60)))
    assert status(edge.decide(gate, copy.deepcopy(event))) is None
    clock.now += 60
    assert status(edge.decide(gate, copy.deepcopy(event))) == 401


def test_a_cached_token_outside_the_group_stays_forbidden(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    event = load_event("edge_wrong_group")
    assert [status(edge.decide(gate, copy.deepcopy(event))) for _ in range(3)] == [403, 403, 403]
