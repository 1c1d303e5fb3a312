"""Key rotation: an unknown kid refreshes the pool's JWKS once, a dropped key drops what it
vouched for, and a flood of forged kids costs one fetch."""

from __future__ import annotations

import copy

import pytest

from edge_auth import gate as edge
from edge_auth.jwks import PENALTY_SECONDS
from testkit.tokens import SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import FakeClock, FakeFetcher, json_lines
from tests.support.sample_events import LoadEvent
from tests.support.viewer_requests import status, token_event


def test_a_token_signed_with_a_rotated_key_is_accepted_after_one_refresh(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher({"keys": [test_key.public_jwk(), rotated_key.public_jwk()]})
    gate = make_gate(edge_config(test_key), fetcher=fetcher)
    event = token_event(load_event, rotated_key.sign(cognito_claims()))
    assert status(edge.decide(gate, event)) is None
    assert [url for url, _ in fetcher.calls] == [
        edge_config(test_key)["issuer"] + "/.well-known/jwks.json"
    ]


def test_an_unknown_kid_is_refused_when_the_jwks_cannot_be_fetched(
    make_gate: GateFactory,
    load_event: LoadEvent,
    test_key: SigningKey,
    rotated_key: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gate = make_gate(edge_config(test_key), fetcher=FakeFetcher())
    assert (
        status(edge.decide(gate, token_event(load_event, rotated_key.sign(cognito_claims()))))
        == 401
    )
    [line] = [line for line in json_lines(capsys.readouterr().out) if line.get("reason")]
    assert line["reason"] == "unknown_key"
    assert "unreachable" in line["detail"]


def test_dropping_a_key_on_refresh_drops_the_decisions_it_vouched_for(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey, rotated_key: SigningKey
) -> None:
    """A token verified under a key that Cognito no longer lists is not allowed from cache."""
    gate = make_gate(edge_config(test_key), fetcher=FakeFetcher(rotated_key.jwks()))
    old = token_event(load_event, test_key.sign(cognito_claims()))
    assert status(edge.decide(gate, copy.deepcopy(old))) is None
    new = token_event(load_event, rotated_key.sign(cognito_claims()))
    assert status(edge.decide(gate, new)) is None  # refresh: only the rotated key is listed
    assert status(edge.decide(gate, copy.deepcopy(old))) == 401


def test_a_kid_flood_then_a_rotation_costs_one_fetch_and_seconds_of_denial(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey, rotated_key: SigningKey
) -> None:
    clock = FakeClock(5000.0)
    fetcher = FakeFetcher(
        test_key.jwks(), {"keys": [test_key.public_jwk(), rotated_key.public_jwk()]}
    )
    gate = make_gate(edge_config(test_key), fetcher=fetcher, refresh_clock=clock)
    for i in range(200):
        forged = SigningKey(rotated_key.private_key, f"forged-{i}").sign(cognito_claims())
        assert status(edge.decide(gate, token_event(load_event, forged))) == 401
    assert len(fetcher.calls) == 1
    genuine = token_event(load_event, rotated_key.sign(cognito_claims()))
    clock.now += 1
    assert status(edge.decide(gate, copy.deepcopy(genuine))) == 401  # still in the penalty box
    clock.now = 5000.0 + PENALTY_SECONDS
    assert status(edge.decide(gate, copy.deepcopy(genuine))) is None
    assert len(fetcher.calls) == 2


def test_an_unknown_kid_claiming_no_configured_pool_fetches_nothing(
    make_gate: GateFactory, load_event: LoadEvent, rotated_key: SigningKey, test_key: SigningKey
) -> None:
    fetcher = FakeFetcher(rotated_key.jwks())
    gate = make_gate(edge_config(test_key), fetcher=fetcher)
    other = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Elsewhere"
    event = token_event(load_event, rotated_key.sign(cognito_claims(issuer=other)))
    assert status(edge.decide(gate, event)) == 401
    assert fetcher.calls == []
