"""Content grants in the URI path: verified with the grant keys only, judged against the
object URI after them, rewritten to the plain object URI, and never mistaken for a Cognito
token (nor the reverse)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from edge_auth import gate as edge
from edge_auth import jws
from shared.b64 import b64url_encode
from testkit.signed_grants import GRANT_KID, grant_claims, granted_uri, grants_config
from testkit.tokens import SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import FakeClock, json_lines
from tests.support.sample_events import Event, LoadEvent
from tests.support.viewer_requests import status

NOW = 1_900_000_000.0
INTRO = "/courses/aws-101/aws-101-intro/9c2e41d07a5b4f0e8d3a6b1c2d3e4f50.mp4"
OTHER_COURSE = "/courses/aws-201/aws-201-intro/0a1b2c3d4e5f60718293a4b5c6d7e8f9.mp4"


@pytest.fixture(scope="module")
def grant_key() -> SigningKey:
    return SigningKey.generate(kid=GRANT_KID)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def gate(
    make_gate: GateFactory, test_key: SigningKey, grant_key: SigningKey, clock: FakeClock
) -> edge.Gate:
    config = edge_config(test_key, grants=grants_config(grant_key))
    return make_gate(config, clock=clock)


def request(load_event: LoadEvent, uri: str, token: str | None = None) -> Event:
    event = copy.deepcopy(load_event("edge_no_token"))
    cf_request = event["Records"][0]["cf"]["request"]
    cf_request["uri"] = uri
    if token is not None:
        cf_request["headers"]["authorization"] = [
            {"key": "Authorization", "value": f"Bearer {token}"}
        ]
    return event


def grant(key: SigningKey, **claims: Any) -> str:
    prefix = claims.pop("prefix", "courses/aws-101/")
    return key.sign({**grant_claims(prefix, now=NOW), **claims})


def fetch(gate: edge.Gate, load_event: LoadEvent, grant_text: str, uri: str = INTRO) -> Any:
    return edge.decide(gate, request(load_event, granted_uri(grant_text, uri)))


def test_a_granted_uri_is_forwarded_as_the_plain_object_uri_with_no_header_or_cookie(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    answer = fetch(gate, load_event, grant(grant_key))
    assert status(answer) is None
    assert answer["uri"] == INTRO


def test_two_learners_grants_for_one_object_forward_the_same_uri(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    first = fetch(gate, load_event, grant(grant_key, sub="learner-a"))
    second = fetch(gate, load_event, grant(grant_key, sub="learner-b"))
    assert first["uri"] == second["uri"] == INTRO


def test_a_grant_for_one_course_gets_403_insufficient_scope_on_another(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    answer = fetch(gate, load_event, grant(grant_key), OTHER_COURSE)
    assert status(answer) == 403
    assert 'error="insufficient_scope"' in answer["headers"]["www-authenticate"][0]["value"]


def test_a_narrower_prefix_opens_its_folder_only(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    narrow = grant(grant_key, prefix="courses/aws-101/aws-101-intro/")
    assert status(fetch(gate, load_event, narrow)) is None
    sibling = "/courses/aws-101/aws-101-quiz/0a1b2c3d4e5f60718293a4b5c6d7e8f9.json"
    assert status(fetch(gate, load_event, narrow, sibling)) == 403


def test_a_prefix_spelled_with_escapes_in_the_uri_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    narrow = grant(grant_key, prefix="courses/aws-101/aws-101-intro/")
    escaped = "/courses/aws-101/aws-101-%69ntro/9c2e41d07a5b4f0e8d3a6b1c2d3e4f50.mp4"
    assert status(fetch(gate, load_event, narrow, escaped)) == 403


@pytest.mark.parametrize(
    "uri",
    [
        "/courses/aws-101/../aws-201/x.mp4",
        "/courses/aws-101/a/../../aws-201/x.mp4",
        "/courses/aws-101//x.mp4",
        "/courses/aws-101/a%2F..%2F..%2Faws-201/x.mp4",
        "/courses/aws-101/a%2f..%2faws-201/x.mp4",
        "/courses/aws-101/a%5C..%5Caws-201/x.mp4",
        "/courses/aws-101/a\\..\\aws-201/x.mp4",
        "/courses/aws-101/%2E%2E/aws-201/x.mp4",
        "/courses/aws-101/%252F/x.mp4",
        "/other/x.mp4",
        "/g/x.y.z/courses/aws-101/x.mp4",
    ],
)
def test_an_object_uri_that_could_leave_the_granted_prefix_is_refused_without_rewrite(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey, uri: str
) -> None:
    answer = fetch(gate, load_event, grant(grant_key), uri)
    assert status(answer) in (401, 403)
    assert "uri" not in answer


@pytest.mark.parametrize(
    "prefix",
    [
        "courses/",
        "courses/aws-101",
        "courses/aws-101/../",
        "courses/aws-101/./",
        "courses/aws-101//",
        "courses/aws-101/a%2F/",
        "courses/aws-101/a\\b/",
        "",
        "/",
        "other/",
    ],
)
def test_a_grant_whose_prefix_is_not_a_clean_course_folder_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey, prefix: str
) -> None:
    assert status(fetch(gate, load_event, grant(grant_key, prefix=prefix))) == 401


def test_a_grant_with_a_non_string_prefix_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    assert status(fetch(gate, load_event, grant(grant_key, prefix=["courses/aws-101/"]))) == 401


def test_an_expired_grant_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    expired = grant(grant_key, iat=NOW - 7200, exp=NOW - 1)
    assert status(fetch(gate, load_event, expired)) == 401


def test_a_cached_grant_stops_working_at_its_expiry(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey, clock: FakeClock
) -> None:
    text = grant(grant_key, exp=NOW + 60)
    assert status(fetch(gate, load_event, text)) is None
    clock.now = NOW + 60
    assert status(fetch(gate, load_event, text)) == 401


def test_a_grant_is_verified_once_for_every_object_under_its_prefix(
    gate: edge.Gate,
    load_event: LoadEvent,
    grant_key: SigningKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks: list[str] = []
    verify = jws.verified_claims

    def counting(token: jws.CompactJws, key: Any) -> dict[str, Any]:
        checks.append(token.kid)
        return verify(token, key)

    monkeypatch.setattr(jws, "verified_claims", counting)
    text = grant(grant_key)
    for segment in range(3):
        uri = f"/courses/aws-101/aws-101-intro/v0/seg_{segment:03d}.ts"
        assert status(fetch(gate, load_event, text, uri)) is None
    assert len(checks) == 1


def test_a_tampered_grant_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    header, _, signature = grant(grant_key).split(".")
    widened = b64url_encode(json.dumps(grant_claims("courses/aws-201/", now=NOW)).encode())
    tampered = f"{header}.{widened}.{signature}"
    assert status(fetch(gate, load_event, tampered, OTHER_COURSE)) == 401


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestOnly1"),
        ("iss", None),
        ("token_use", "id"),
        ("token_use", "access"),
        ("token_use", None),
        ("sub", ""),
        ("sub", None),
        ("sub", 42),
        ("iat", None),
        ("exp", None),
        ("exp", NOW + 24 * 3600 + 1),
    ],
)
def test_a_grant_with_a_wrong_or_missing_claim_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey, claim: str, value: Any
) -> None:
    claims = grant_claims(now=NOW)
    if value is None:
        del claims[claim]
    else:
        claims[claim] = value
    assert status(fetch(gate, load_event, grant_key.sign(claims))) == 401


def test_a_grant_signed_by_a_cognito_pool_key_is_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    answer = fetch(gate, load_event, grant(test_key))
    assert status(answer) == 401


def test_a_grant_under_an_unknown_kid_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    other = SigningKey(grant_key.private_key, "grant-unknown")
    answer = fetch(gate, load_event, other.sign(grant_claims(now=NOW)))
    assert status(answer) == 401


def test_a_grant_under_the_grant_kid_from_another_key_is_refused(
    gate: edge.Gate, load_event: LoadEvent
) -> None:
    forged = SigningKey.generate(kid=GRANT_KID)
    assert status(fetch(gate, load_event, forged.sign(grant_claims(now=NOW)))) == 401


def test_a_cognito_token_in_the_grant_segment_is_refused(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    token = test_key.sign(cognito_claims(groups=["course-aws-101"], now=NOW))
    assert status(fetch(gate, load_event, token)) == 401


def test_a_grant_sent_as_a_bearer_token_is_refused(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey
) -> None:
    answer = edge.decide(gate, request(load_event, INTRO, token=grant(grant_key)))
    assert status(answer) == 401


def test_a_granted_uri_is_judged_by_its_grant_not_by_an_authorization_header(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey, test_key: SigningKey
) -> None:
    all_access = test_key.sign(cognito_claims(groups=["students"], now=NOW))
    uri = granted_uri(grant(grant_key), OTHER_COURSE)
    assert status(edge.decide(gate, request(load_event, uri, token=all_access))) == 403


def test_an_edge_without_grant_keys_refuses_every_granted_uri(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey, grant_key: SigningKey
) -> None:
    gate = make_gate(edge_config(test_key), clock=FakeClock(NOW))
    assert status(fetch(gate, load_event, grant(grant_key))) == 401


@pytest.mark.parametrize("segment", ["", "not-a-jws", "a.b", "a.b.c.d", "a.b.c%2E", "a.b.c\\"])
def test_a_grant_segment_that_is_no_compact_jws_is_refused(
    gate: edge.Gate, load_event: LoadEvent, segment: str
) -> None:
    answer = edge.decide(gate, request(load_event, f"/g/{segment}{INTRO}"))
    assert status(answer) == 401


def test_the_old_grant_key_keeps_outstanding_urls_working_after_a_rotation(
    make_gate: GateFactory, load_event: LoadEvent, test_key: SigningKey, grant_key: SigningKey
) -> None:
    new_key = SigningKey.generate(kid="grant-test-2")
    config = edge_config(test_key, grants=grants_config(new_key, grant_key))
    gate = make_gate(config, clock=FakeClock(NOW))
    assert status(fetch(gate, load_event, grant(grant_key))) is None
    assert status(fetch(gate, load_event, grant(new_key))) is None


@pytest.mark.parametrize("uri", [OTHER_COURSE, "/courses/aws-101/../x.mp4"])
def test_a_grant_deny_logs_its_reason_and_object_uri_but_no_part_of_the_grant(
    gate: edge.Gate, load_event: LoadEvent, grant_key: SigningKey, capsys: Any, uri: str
) -> None:
    text = grant(grant_key)
    fetch(gate, load_event, text, uri)
    [line] = [entry for entry in json_lines(capsys.readouterr().out) if "reason" in entry]
    assert line["uri"] == f"/g/-{uri}"
    assert not any(part[:16] in json.dumps(line) for part in text.split("."))
