"""Issuers and pools: both issuer formats of a pool pass, look-alikes do not, and with several
pools a token is judged by the rules of the pool whose key signed it."""

from __future__ import annotations

from typing import Any

import pytest

from edge_auth import gate as edge
from testkit.tokens import TEST_COOKIE, TEST_ISSUER, SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import FakeFetcher
from tests.support.sample_events import LoadEvent
from tests.support.viewer_requests import status, token_event

UPDATED_ISSUER = TEST_ISSUER.replace("https://cognito-idp.", "https://issuer-cognito-idp.")


STAFF_ISSUER = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Staff42"


@pytest.mark.parametrize("configured", [TEST_ISSUER, UPDATED_ISSUER])
@pytest.mark.parametrize("claimed", [TEST_ISSUER, UPDATED_ISSUER])
def test_a_pool_s_tokens_pass_under_either_issuer_format(
    make_gate: GateFactory,
    load_event: LoadEvent,
    test_key: SigningKey,
    configured: str,
    claimed: str,
) -> None:
    """A pool switched to the updated issuer still has live tokens of the original format."""
    gate = make_gate(edge_config(test_key, issuer=configured))
    event = token_event(load_event, test_key.sign(cognito_claims(issuer=claimed)))
    assert status(edge.decide(gate, event)) is None


@pytest.mark.parametrize(
    "claimed",
    [
        UPDATED_ISSUER + "/",
        UPDATED_ISSUER + "x",
        TEST_ISSUER + "/extra",
        UPDATED_ISSUER.replace(".amazonaws.com", ".amazonaws.com.evil.example"),
        UPDATED_ISSUER.replace("issuer-cognito-idp", "issuer-cognito-idp-evil"),
        UPDATED_ISSUER.replace("us-east-1_TestOnly1", "us-east-1_TestOnly2"),
        UPDATED_ISSUER.replace("us-east-1.", "us-west-2."),
    ],
)
def test_a_look_alike_or_extended_issuer_is_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, claimed: str
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims(issuer=claimed)))
    assert status(edge.decide(gate, event)) == 401


@pytest.fixture
def two_pools(make_gate: GateFactory, test_key: SigningKey, rotated_key: SigningKey) -> edge.Gate:
    """Learners (the test pool) and staff (another region, its own key, client and group)."""
    learners = {k: v for k, v in edge_config(test_key).items() if k != "cookie_name"}
    staff = {
        **learners,
        "issuer": STAFF_ISSUER,
        "client_ids": ["staffclient"],
        "token_use": ["access"],
        "required_groups": ["staff"],
        "jwks": rotated_key.jwks(),
    }
    return make_gate({"pools": [learners, staff], "cookie_name": TEST_COOKIE})


def staff_claims(**overrides: Any) -> dict[str, Any]:
    return {
        **cognito_claims("access", issuer=STAFF_ISSUER, client_id="staffclient", groups=["staff"]),
        **overrides,
    }


def test_each_pool_s_members_are_allowed(
    two_pools: edge.Gate, load_event: LoadEvent, test_key: SigningKey, rotated_key: SigningKey
) -> None:
    learner = token_event(load_event, test_key.sign(cognito_claims()))
    staff = token_event(load_event, rotated_key.sign(staff_claims()))
    assert [status(edge.decide(two_pools, e)) for e in (learner, staff)] == [None, None]


def test_a_key_published_by_two_pools_admits_the_members_of_each(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey
) -> None:
    """The pool that lists the key first must not refuse the other pool's tokens."""
    learners = {k: v for k, v in edge_config(test_key).items() if k != "cookie_name"}
    gate = make_gate({"pools": [learners, {**learners, "issuer": STAFF_ISSUER}]})
    tokens = [test_key.sign(cognito_claims(issuer=iss)) for iss in (TEST_ISSUER, STAFF_ISSUER)]
    assert [status(edge.decide(gate, token_event(load_event, t))) for t in tokens] == [None, None]


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(cognito_claims(), id="learner-claims-under-the-staff-key"),
        pytest.param(staff_claims(token_use="id", aud="staffclient"), id="id-token-for-staff"),
        pytest.param(staff_claims(client_id="testonlyappclient"), id="learner-client"),
    ],
)
def test_a_token_is_judged_by_the_rules_of_the_pool_whose_key_signed_it(
    two_pools: edge.Gate, load_event: LoadEvent, rotated_key: SigningKey, claims: dict[str, Any]
) -> None:
    event = token_event(load_event, rotated_key.sign(claims))
    assert status(edge.decide(two_pools, event)) == 401


def test_a_pool_s_groups_do_not_open_another_pool(
    two_pools: edge.Gate, load_event: LoadEvent, rotated_key: SigningKey
) -> None:
    event = token_event(
        load_event, rotated_key.sign(staff_claims(**{"cognito:groups": ["students"]}))
    )
    assert status(edge.decide(two_pools, event)) == 403


def test_an_unknown_kid_refreshes_only_the_pool_its_issuer_names(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey, rotated_key: SigningKey
) -> None:
    fetcher = FakeFetcher({"keys": [test_key.public_jwk(), rotated_key.public_jwk()]})
    learners = {k: v for k, v in edge_config(test_key).items() if k != "cookie_name"}
    staff = {**learners, "issuer": STAFF_ISSUER, "jwks": SigningKey.generate("s").jwks()}
    gate = make_gate({"pools": [learners, staff]}, fetcher=fetcher)
    assert (
        status(edge.decide(gate, token_event(load_event, rotated_key.sign(cognito_claims()))))
        is None
    )
    assert [url for url, _ in fetcher.calls] == [f"{TEST_ISSUER}/.well-known/jwks.json"]
