"""Properties of the edge handler, checked on generated input (hypothesis).

1. Whatever a viewer (or a broken event) sends, the handler returns an answer and never raises.
2. No token that a configured key did not sign is ever allowed.
3. Any change to a valid token's text makes it a deny.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_auth import gate as edge
from testkit.tokens import TEST_CONFIG_PATH, TEST_COOKIE, SigningKey, cognito_claims
from tests.support.edge_gates import GateFactory

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ATTACKER = SigningKey.generate(kid=SigningKey.test_only().kid)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
header_names = st.sampled_from(["authorization", "cookie", "origin", "host", "range"]) | st.text(
    max_size=12
)
header_values = st.text(max_size=300) | st.sampled_from(
    ["Bearer ", "bearer a.b.c", f"{TEST_COOKIE}="]
)
headers = st.dictionaries(
    header_names,
    st.lists(
        st.fixed_dictionaries({"key": st.text(max_size=12), "value": header_values}), max_size=3
    ),
    max_size=5,
)
# OPTIONS (a CORS preflight) passes without a token by design; every other method needs one.
methods = (st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"]) | st.text(max_size=8)).filter(
    lambda method: method != "OPTIONS"
)


def viewer_event(request_headers: Any, method: Any = "GET") -> dict[str, Any]:
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "eventType": "viewer-request",
                        "requestId": "r",
                        "distributionId": "d",
                    },
                    "request": {"uri": "/v.mp4", "method": method, "headers": request_headers},
                }
            }
        ]
    }


def is_deny(answer: dict[str, Any]) -> bool:
    return answer.get("status") in {"401", "403"}


@pytest.fixture
def gate(make_gate: GateFactory) -> edge.Gate:
    return make_gate(json.loads(TEST_CONFIG_PATH.read_text()))


@pytest.mark.slow
@SETTINGS
@given(event=json_values)
def test_any_json_value_as_event_gets_a_deny(gate: edge.Gate, event: Any) -> None:
    assert is_deny(edge.decide(gate, event))


@pytest.mark.slow
@SETTINGS
@given(request_headers=headers | json_values, method=methods)
def test_any_headers_without_a_signed_token_get_a_deny(
    gate: edge.Gate, request_headers: Any, method: Any
) -> None:
    assert is_deny(edge.decide(gate, viewer_event(request_headers, method)))


claim_overrides = st.dictionaries(
    st.sampled_from(
        ["iss", "aud", "client_id", "token_use", "exp", "iat", "nbf", "cognito:groups"]
    ),
    json_values,
    max_size=4,
)
header_extras = st.dictionaries(
    st.sampled_from(["typ", "jku", "x5u", "jwk", "cty", "x5t"]), json_values, max_size=2
)


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(overrides=claim_overrides, extras=header_extras, token_use=st.sampled_from(["id", "access"]))
def test_a_token_not_signed_by_a_configured_key_is_never_allowed(
    gate: edge.Gate, overrides: dict[str, Any], extras: dict[str, Any], token_use: str
) -> None:
    claims = {**cognito_claims(token_use), **overrides}
    token = ATTACKER.sign_compact({"alg": "RS256", "kid": ATTACKER.kid, **extras}, claims)
    event = viewer_event({"authorization": [{"key": "Authorization", "value": f"Bearer {token}"}]})
    assert is_deny(edge.decide(gate, event))


VALID = SigningKey.test_only().sign(
    cognito_claims(now=1_767_225_600, lifetime=4_102_444_800 - 1_767_225_600)
)
VALID_EVENT = viewer_event(
    {"authorization": [{"key": "Authorization", "value": f"Bearer {VALID}"}]}
)


def test_the_unmodified_token_is_allowed(gate: edge.Gate) -> None:
    assert not is_deny(edge.decide(gate, copy.deepcopy(VALID_EVENT)))


@pytest.mark.slow
@SETTINGS
@given(
    position=st.integers(min_value=0, max_value=len(VALID) - 1),
    replacement=st.characters(codec="ascii"),
    action=st.sampled_from(["replace", "insert", "delete"]),
)
def test_any_single_character_change_to_a_valid_token_is_denied(
    gate: edge.Gate, position: int, replacement: str, action: str
) -> None:
    if action == "replace":
        mutated = VALID[:position] + replacement + VALID[position + 1 :]
    elif action == "insert":
        mutated = VALID[:position] + replacement + VALID[position:]
    else:
        mutated = VALID[:position] + VALID[position + 1 :]
    event = viewer_event(
        {"authorization": [{"key": "Authorization", "value": f"Bearer {mutated}"}]}
    )
    answer = edge.decide(gate, event)
    # Surrounding whitespace is not part of the token; every other change must deny.
    if mutated.strip() == VALID:
        assert not is_deny(answer)
    else:
        assert is_deny(answer)
