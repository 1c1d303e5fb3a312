"""The edge handler end to end, in process: sample events in, CloudFront answers out."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from edge_auth import gate as edge
from edge_auth.errors import ExpiredTokenError
from edge_auth.jwks import PENALTY_SECONDS
from shared.b64 import b64url_encode
from shared.trust.config import parse_config
from testkit.tokens import (
    TEST_CONFIG_PATH,
    TEST_COOKIE,
    TEST_ISSUER,
    SigningKey,
    cognito_claims,
    edge_config,
)
from tests.support.fakes import FakeClock, FakeFetcher, json_lines
from tests.unit.edge_auth.conftest import GateFactory
from tools.stack import ROOT

Event = dict[str, Any]
LoadEvent = Callable[[str], Event]
APP_ORIGIN = "https://learn.example.com"
ALLOWED = ["edge_valid_token", "edge_valid_cookie", "edge_browser_request", "edge_preflight"]
DENIED = {"edge_no_token": 401, "edge_expired_token": 401, "edge_wrong_group": 403}


def with_header(event: Event, name: str, value: str) -> Event:
    event = copy.deepcopy(event)
    event["Records"][0]["cf"]["request"]["headers"][name.lower()] = [{"key": name, "value": value}]
    return event


def token_event(load_event: LoadEvent, token: str, scheme: str = "Bearer") -> Event:
    return with_header(load_event("edge_no_token"), "Authorization", f"{scheme} {token}")


def status(answer: dict[str, Any]) -> int | None:
    """The generated status, or None when the answer is the (allowed) request."""
    return int(answer["status"]) if "status" in answer else None


@pytest.fixture
def gate(make_gate: GateFactory, test_key: SigningKey) -> edge.Gate:
    return make_gate(json.loads(TEST_CONFIG_PATH.read_text()))


def test_the_sample_config_trusts_the_test_key(test_key: SigningKey) -> None:
    assert parse_config(json.loads(TEST_CONFIG_PATH.read_text())).pools[0].keys[test_key.kid]


@pytest.mark.parametrize("name", ALLOWED)
def test_allowed_samples_are_forwarded_without_the_authorization_header(
    gate: edge.Gate, load_event: LoadEvent, name: str
) -> None:
    event = load_event(name)
    request = event["Records"][0]["cf"]["request"]
    answer = edge.decide(gate, event)
    assert status(answer) is None
    assert answer["uri"] == request["uri"]
    assert "authorization" not in answer["headers"]
    assert answer["headers"]["host"] == request["headers"]["host"]


def test_headers_other_than_authorization_reach_the_origin(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    answer = edge.decide(gate, load_event("edge_valid_cookie"))
    assert answer["headers"]["range"] == [{"key": "Range", "value": "bytes=0-1023"}]


def test_a_browser_s_request_reaches_the_origin_with_every_header_but_authorization(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    event = load_event("edge_browser_request")
    sent = copy.deepcopy(event["Records"][0]["cf"]["request"]["headers"])
    assert len(sent) >= 15
    answer = edge.decide(gate, event)
    del sent["authorization"]
    assert answer["headers"] == sent


def test_a_header_the_decision_does_not_read_is_forwarded_as_cloudfront_sent_it(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    """Only the headers the decision reads are checked; CloudFront owns the rest."""
    event = load_event("edge_valid_token")
    event["Records"][0]["cf"]["request"]["headers"]["x-odd"] = [{"key": "X-Odd"}]
    assert edge.decide(gate, event)["headers"]["x-odd"] == [{"key": "X-Odd"}]


@pytest.mark.parametrize("cookie", ["c=1", [{"key": "Cookie"}], [{"value": 7}]])
def test_a_malformed_cookie_header_is_refused_when_the_token_must_come_from_it(
    gate: edge.Gate, load_event: LoadEvent, cookie: Any, caplog: pytest.LogCaptureFixture
) -> None:
    event = load_event("edge_no_token")
    event["Records"][0]["cf"]["request"]["headers"]["cookie"] = cookie
    assert status(edge.decide(gate, event)) == 401
    assert [r.__dict__.get("reason") for r in caplog.records] == ["malformed_event"]


@pytest.mark.parametrize(("name", "expected"), DENIED.items())
def test_denied_samples_get_their_status(
    gate: edge.Gate, load_event: LoadEvent, name: str, expected: int
) -> None:
    assert status(edge.decide(gate, load_event(name))) == expected


@pytest.mark.parametrize(
    ("name", "challenge"),
    [
        ("edge_no_token", 'Bearer realm="content"'),
        ("edge_expired_token", 'Bearer realm="content", error="invalid_token"'),
        ("edge_wrong_group", 'Bearer realm="content", error="insufficient_scope"'),
    ],
)
def test_denies_carry_an_rfc6750_challenge(
    gate: edge.Gate, load_event: LoadEvent, name: str, challenge: str
) -> None:
    answer = edge.decide(gate, load_event(name))
    assert answer["headers"]["www-authenticate"] == [
        {"key": "WWW-Authenticate", "value": challenge}
    ]


@pytest.mark.parametrize("name", DENIED)
def test_denies_are_never_cached_and_tiny(
    gate: edge.Gate, load_event: LoadEvent, name: str
) -> None:
    answer = edge.decide(gate, load_event(name))
    assert answer["headers"]["cache-control"] == [{"key": "Cache-Control", "value": "no-store"}]
    assert len(answer["body"]) <= 16
    assert len(json.dumps(answer)) < 40 * 1024  # Lambda@Edge's limit for generated responses


def test_a_deny_says_nothing_about_the_token(gate: edge.Gate, load_event: LoadEvent) -> None:
    answer = edge.decide(gate, load_event("edge_expired_token"))
    text = json.dumps(answer).lower()
    for leak in ("expired", "exp", "students", "kid", "signature", "cognito"):
        assert leak not in text


def test_a_lowercase_bearer_scheme_is_accepted(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()), scheme="bearer")
    assert status(edge.decide(gate, event)) is None


@pytest.mark.parametrize("scheme", ["Basic", "Token", "Bearer:"])
def test_another_authorization_scheme_is_not_a_token(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, scheme: str
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()), scheme=scheme)
    answer = edge.decide(gate, event)
    assert status(answer) == 401
    assert "error=" not in answer["headers"]["www-authenticate"][0]["value"]


def test_the_header_wins_over_the_cookie(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    expired = test_key.sign(cognito_claims(now=1_000_000))
    event = with_header(load_event("edge_valid_cookie"), "Authorization", f"Bearer {expired}")
    assert status(edge.decide(gate, event)) == 401


def test_the_cookie_is_ignored_when_no_cookie_name_is_configured(
    make_gate: GateFactory, test_key: SigningKey, load_event: LoadEvent
) -> None:
    gate = make_gate({**edge_config(test_key), "cookie_name": None})
    assert status(edge.decide(gate, load_event("edge_valid_cookie"))) == 401


def test_two_different_tokens_are_refused_rather_than_guessed(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()))
    other = test_key.sign(cognito_claims(groups=["students", "x"]))
    event["Records"][0]["cf"]["request"]["headers"]["authorization"].append(
        {"key": "Authorization", "value": f"Bearer {other}"}
    )
    answer = edge.decide(gate, event)
    assert status(answer) == 401
    assert 'error="invalid_request"' in answer["headers"]["www-authenticate"][0]["value"]


def test_two_different_token_cookies_are_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    valid = test_key.sign(cognito_claims())
    cookies = f"{TEST_COOKIE}={valid}; {TEST_COOKIE}={valid[:-2]}xx"
    event = with_header(load_event("edge_no_token"), "Cookie", cookies)
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize("name", [f"x{TEST_COOKIE}", f"{TEST_COOKIE}_old", TEST_COOKIE.upper()])
def test_a_cookie_with_a_similar_name_is_not_the_token_cookie(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, name: str
) -> None:
    event = with_header(
        load_event("edge_no_token"), "Cookie", f"{name}={test_key.sign(cognito_claims())}"
    )
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize("empty", ["Bearer ", "Bearer", "bearer   "])
def test_an_empty_bearer_header_falls_back_to_the_cookie(
    gate: edge.Gate, load_event: LoadEvent, empty: str
) -> None:
    """The rule is "header, else cookie": a header without a token is no header."""
    event = with_header(load_event("edge_valid_cookie"), "Authorization", empty)
    assert status(edge.decide(gate, event)) is None


def test_a_valid_header_is_used_whatever_the_cookie_holds(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    event = token_event(load_event, test_key.sign(cognito_claims()))
    event = with_header(event, "Cookie", f"{TEST_COOKIE}=garbage")
    assert status(edge.decide(gate, event)) is None


@pytest.mark.parametrize("method", ["options", "Options", "HEAD"])
def test_only_an_exact_options_method_passes_without_a_token(
    gate: edge.Gate, load_event: LoadEvent, method: str
) -> None:
    event = copy.deepcopy(load_event("edge_no_token"))
    event["Records"][0]["cf"]["request"]["method"] = method
    assert status(edge.decide(gate, event)) == 401


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


# --- caching ---------------------------------------------------------------------------


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


# --- key rotation ----------------------------------------------------------------------


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


# --- key rotation, removal and the refresh policy ------------------------------------


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


# --- issuers and pools -----------------------------------------------------------------


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


# --- configuration ---------------------------------------------------------------------


BAD_CONFIGS: dict[str, object] = {
    "not-an-object": ["issuer"],
    "unknown-key": {**edge_config(SigningKey.test_only()), "required_group": ["x"]},
    "no-client-ids": {**edge_config(SigningKey.test_only()), "client_ids": []},
    "bad-jwks": {**edge_config(SigningKey.test_only()), "jwks": {"keys": []}},
}


@pytest.mark.parametrize("name", ALLOWED)
@pytest.mark.parametrize("bad", BAD_CONFIGS)
def test_an_invalid_config_denies_every_request(
    write_config: Callable[[object], Path], load_event: LoadEvent, bad: str, name: str
) -> None:
    gate = edge.start(str(write_config(BAD_CONFIGS[bad])))
    answer = edge.decide(gate, load_event(name))
    assert status(answer) == 401


def test_a_missing_config_file_denies_every_request(tmp_path: Path, load_event: LoadEvent) -> None:
    gate = edge.start(str(tmp_path / "config.json"))
    assert status(edge.decide(gate, load_event("edge_valid_token"))) == 401


def test_an_invalid_config_is_logged_once_with_a_clear_message(
    write_config: Callable[[object], Path], load_event: LoadEvent, caplog: pytest.LogCaptureFixture
) -> None:
    gate = edge.start(str(write_config(BAD_CONFIGS["unknown-key"])))
    for _ in range(3):
        edge.decide(gate, load_event("edge_valid_token"))
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "required_group" in errors[0].__dict__["detail"]
    assert [r.reason for r in caplog.records if hasattr(r, "reason")] == ["config_error"] * 3


def test_start_survives_an_unexpected_error_while_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, load_event: LoadEvent
) -> None:
    """An exception in Lambda's init phase would make CloudFront answer 5xx; deny instead."""

    def explode(path: str) -> Any:
        raise MemoryError("boom")

    monkeypatch.setattr(edge, "load_config", explode)
    gate = edge.start(str(tmp_path / "config.json"))
    assert status(edge.decide(gate, load_event("edge_valid_token"))) == 401


def test_an_unexpected_start_up_error_is_logged_by_type_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(path: str) -> Any:
        raise ValueError("secret-marker")

    monkeypatch.setattr(edge, "load_config", explode)
    edge.start(str(tmp_path / "config.json"))
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.__dict__["detail"] == "ValueError at start-up"
    assert "secret-marker" not in caplog.text


# --- never raises ----------------------------------------------------------------------


MALFORMED_EVENTS: list[Any] = [
    None,
    {},
    [],
    "event",
    {"Records": []},
    {"Records": [{}]},
    {"Records": [{"cf": None}]},
    {"Records": [{"cf": {"request": None}}]},
    {"Records": [{"cf": {"request": {"headers": None}}}]},
    {"Records": [{"cf": {"request": {"headers": {"authorization": "Bearer x"}}}}]},
    {"Records": [{"cf": {"request": {"headers": {"authorization": [{"value": 7}]}}}}]},
    {"Records": [{"cf": {"request": {"headers": {"authorization": [None]}}}}]},
    {"Records": [{"cf": {"config": {"eventType": "origin-request"}, "request": {"headers": {}}}}]},
    {"Records": [{"cf": {"config": [], "request": {"headers": {}}}}]},
]


@pytest.mark.parametrize("event", MALFORMED_EVENTS)
def test_a_malformed_event_is_denied_not_raised(
    gate: edge.Gate, event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert status(edge.decide(gate, copy.deepcopy(event))) == 401
    assert [r.__dict__.get("reason") for r in caplog.records] == ["malformed_event"]


def test_an_origin_request_event_is_refused_even_with_a_valid_token(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    """This function is for viewer requests only; any other trigger is a deployment mistake."""
    event = load_event("edge_valid_token")
    event["Records"][0]["cf"]["config"]["eventType"] = "origin-request"
    assert status(edge.decide(gate, event)) == 401


@pytest.mark.parametrize(
    "value",
    [
        "Bearer " + "A" * 100_000,
        "Bearer é€😀",
        "Bearer \x00\x01",
        "Bearer a.b.c" * 1000,
        "Bearer",
        "",
    ],
)
def test_huge_or_odd_authorization_values_are_denied_not_raised(
    gate: edge.Gate, load_event: LoadEvent, value: str
) -> None:
    event = with_header(load_event("edge_no_token"), "Authorization", value)
    assert status(edge.decide(gate, event)) == 401


def test_an_unexpected_error_is_a_401_logged_without_the_token(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    token = test_key.sign(cognito_claims())

    class BrokenAuthorizer:
        def authorize(self, token: str) -> None:
            raise ValueError(f"bug while reading {token}")

    broken = gate._replace(authorizer=BrokenAuthorizer())  # type: ignore[arg-type]
    assert status(edge.decide(broken, token_event(load_event, token))) == 401
    out = capsys.readouterr().out
    [line] = [line for line in json_lines(out) if line.get("level") == "ERROR"]
    assert line["error_type"] == "ValueError"
    assert token not in out
    assert token.split(".")[2] not in out


def test_no_log_line_ever_contains_a_token(
    gate: edge.Gate, load_event: LoadEvent, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = []
    for name in [*ALLOWED, *DENIED]:
        event = load_event(name)
        headers = event["Records"][0]["cf"]["request"]["headers"]
        for entries in headers.values():
            tokens += [
                part for entry in entries for part in entry["value"].split(".") if len(part) > 40
            ]
        edge.decide(gate, event)
    gate.telemetry.flush()
    out = capsys.readouterr().out
    assert tokens
    assert not [part for part in tokens if part in out]


# --- CORS ------------------------------------------------------------------------------


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


# --- telemetry -------------------------------------------------------------------------


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


# --- the packaged entry point ------------------------------------------------------------


def _run_handler(config: str | None, event_name: str) -> dict[str, Any]:
    """Import edge_auth.app in a fresh interpreter (as Lambda does) and handle one event."""
    env = {k: v for k, v in os.environ.items() if k != "EDGE_AUTH_CONFIG"}
    if config:
        env["EDGE_AUTH_CONFIG"] = config
    event_path = str(ROOT / "events" / f"{event_name}.json")
    code = (
        "import json; from edge_auth.app import handler; "
        f"print(json.dumps(handler(json.load(open({event_path!r})), None)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "functions",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_handler_reads_its_config_from_edge_auth_config() -> None:
    assert status(_run_handler(str(TEST_CONFIG_PATH), "edge_valid_token")) is None


def test_the_handler_fails_closed_when_its_config_file_is_absent(tmp_path: Path) -> None:
    assert status(_run_handler(str(tmp_path / "none.json"), "edge_valid_token")) == 401


@pytest.mark.parametrize("origin", [["https://learn.example.com"], {"a": 1}, 7, None])
def test_a_malformed_origin_header_is_denied_not_raised(gate: edge.Gate, origin: Any) -> None:
    event = {
        "Records": [
            {
                "cf": {
                    "request": {
                        "method": "GET",
                        "headers": {"origin": [{"key": "Origin", "value": origin}]},
                    }
                }
            }
        ]
    }
    assert status(edge.decide(gate, event)) == 401


def test_a_failure_while_denying_still_answers_401(gate: edge.Gate, load_event: LoadEvent) -> None:
    class BrokenTelemetry:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError("logging is down")

    broken = gate._replace(telemetry=BrokenTelemetry())  # type: ignore[arg-type]
    answer = edge.decide(broken, load_event("edge_no_token"))
    assert status(answer) == 401
    assert answer["headers"]["cache-control"] == [{"key": "Cache-Control", "value": "no-store"}]
