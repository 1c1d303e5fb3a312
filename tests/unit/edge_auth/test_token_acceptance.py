"""Which tokens the edge accepts: signed by the pool's key, for its issuer and app client, of a
configured token use, with claims in range."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from edge_auth import gate as edge
from shared.b64 import b64url_encode
from testkit.tokens import SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import json_lines
from tests.support.sample_events import LoadEvent
from tests.support.viewer_requests import status, token_event


@pytest.mark.parametrize("token_use", ["id", "access"])
def test_id_and_access_tokens_are_both_accepted_when_configured(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, token_use: str
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims(token_use)))
    assert status(edge.decide(gate, event)) is None


def test_a_token_from_another_user_pool_is_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    other_pool = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool"
    event = token_event(load_event, test_key.sign(cognito_claims(issuer=other_pool)))
    assert status(edge.decide(gate, event)) == 401


def test_a_token_for_another_app_client_is_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims(client_id="someotherclient")))
    assert status(edge.decide(gate, event)) == 401


def test_a_forged_token_under_the_trusted_kid_is_refused(
    gate: edge.Gate, load_event: LoadEvent, attacker_key: SigningKey
) -> None:
    event = token_event(load_event, attacker_key.sign(cognito_claims()))
    assert status(edge.decide(gate, event)) == 401


def test_an_empty_required_groups_list_admits_any_pool_user(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey
) -> None:
    gate = make_gate(edge_config(test_key, required_groups=[]))
    assert status(edge.decide(gate, load_event("edge_wrong_group"))) is None


def signed_with_raw_exp(key: SigningKey, exp: str) -> str:
    """A token whose payload carries ``exp`` as written (JSON numbers have no range)."""
    claims = cognito_claims()
    payload = json.dumps(claims).replace(f'"exp": {claims["exp"]}', f'"exp": {exp}')
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": key.kid}).encode())
    signing_input = f"{header}.{b64url_encode(payload.encode())}"
    signature = key.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url_encode(signature)}"


@pytest.mark.parametrize("exp", ["1e400", "1" + "0" * 400, "-1e400"])
def test_a_signed_exp_beyond_any_float_is_an_invalid_claim_deny(
    gate: edge.Gate,
    load_event: LoadEvent,
    test_key: SigningKey,
    exp: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = token_event(load_event, signed_with_raw_exp(test_key, exp))
    assert status(edge.decide(gate, event)) == 401
    [line] = json_lines(capsys.readouterr().out)
    assert (line["level"], line["reason"]) == ("INFO", "invalid_claim")
