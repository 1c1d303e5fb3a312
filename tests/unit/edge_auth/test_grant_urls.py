"""Content grants are checked by the CloudFront Function of the ``/g/*`` behavior, never by the
Lambda@Edge function. A grant URL that reaches it anyway (a distribution without that
behavior) is a URI outside the courses like any other: whatever grant it carries, it is
refused and never forwarded, nor rewritten for an all-access member; its grant is never
logged."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from edge_auth import gate as edge
from testkit import grant_cases
from testkit.tokens import LEARNER_SUB, SigningKey, cognito_claims, edge_config
from tests.support.edge_gates import GateFactory
from tests.support.fakes import FakeClock, json_lines
from tests.support.sample_events import Event, LoadEvent
from tests.support.viewer_requests import status

NOW = float(grant_cases.NOW)
#: Every grant URL of the shared corpus, the ones the CloudFront Function lets through too.
GRANT_URLS = {case.name: case.uri for case in grant_cases.cases() if case.uri.startswith("/g/")}
#: A grant of the Lambda@Edge era (RS256, in the layout the edge verified until now).
RS256_CLAIMS = {
    "iss": "urn:private-content:test-stack:grants",
    "token_use": "content-grant",
    "sub": LEARNER_SUB,
    "prefix": "courses/aws-101/",
    "iat": int(NOW),
    "exp": int(NOW) + 3600,
}


@pytest.fixture
def gate(make_gate: GateFactory, test_key: SigningKey) -> edge.Gate:
    return make_gate(edge_config(test_key), clock=FakeClock(NOW))


def request(load_event: LoadEvent, uri: str, token: str | None = None) -> Event:
    event = copy.deepcopy(load_event("edge_no_token"))
    cf_request = event["Records"][0]["cf"]["request"]
    cf_request["uri"] = uri
    if token is not None:
        cf_request["headers"]["authorization"] = [
            {"key": "Authorization", "value": f"Bearer {token}"}
        ]
    return event


def learner_token(key: SigningKey) -> str:
    """A valid token of a learner who is in no all-access group."""
    return key.sign(cognito_claims(groups=["course-aws-101"], now=NOW))


def test_the_corpus_holds_grant_urls_the_cloudfront_function_lets_through() -> None:
    allowed = [case for case in grant_cases.cases() if case.status == 200]
    assert allowed
    assert all(case.uri in GRANT_URLS.values() for case in allowed)


@pytest.mark.parametrize("uri", GRANT_URLS.values(), ids=GRANT_URLS.keys())
def test_a_grant_url_without_a_token_is_refused_and_never_forwarded(
    gate: edge.Gate, load_event: LoadEvent, uri: str
) -> None:
    answer = edge.decide(gate, request(load_event, uri))
    assert status(answer) == 401
    assert "uri" not in answer


@pytest.mark.parametrize("uri", GRANT_URLS.values(), ids=GRANT_URLS.keys())
def test_a_grant_url_with_a_learner_s_token_is_refused_and_never_forwarded(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey, uri: str
) -> None:
    answer = edge.decide(gate, request(load_event, uri, learner_token(test_key)))
    assert status(answer) in (401, 403)
    assert "uri" not in answer


def test_an_rs256_grant_of_the_lambda_at_edge_era_opens_nothing(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    """Even one signed with a key the edge trusts: the edge has no grant rule any more."""
    grant = test_key.sign(RS256_CLAIMS)
    for token in (None, learner_token(test_key), grant):
        answer = edge.decide(gate, request(load_event, grant_cases.url(grant), token))
        assert status(answer) in (401, 403)
        assert "uri" not in answer


def test_a_grant_sent_as_a_bearer_token_is_refused(gate: edge.Gate, load_event: LoadEvent) -> None:
    answer = edge.decide(gate, request(load_event, grant_cases.OBJECT, grant_cases.grant()))
    assert status(answer) == 401


def test_an_all_access_member_s_grant_url_is_forwarded_as_sent_never_rewritten(
    gate: edge.Gate, load_event: LoadEvent, test_key: SigningKey
) -> None:
    """The URI names no object under ``courses/`` (S3 has no ``g/`` key): the grant never
    turns into the object it names."""
    uri = grant_cases.url(grant_cases.grant())
    token = test_key.sign(cognito_claims(now=NOW))
    answer = edge.decide(gate, request(load_event, uri, token))
    assert status(answer) is None
    assert answer["uri"] == uri


@pytest.mark.parametrize("target", [grant_cases.OBJECT, "/courses/aws-101/../x.mp4", ""])
def test_a_grant_url_s_deny_logs_the_uri_without_its_grant(
    gate: edge.Gate, load_event: LoadEvent, capsys: Any, target: str
) -> None:
    grant = grant_cases.grant()
    edge.decide(gate, request(load_event, grant_cases.url(grant, target)))
    [line] = [entry for entry in json_lines(capsys.readouterr().out) if "reason" in entry]
    assert line["uri"] == f"/g/-{target}"
    _, kid, sub, _, _, _, gid, mac = grant.split(".")
    logged = json.dumps(line)
    assert not any(field in logged for field in (kid, sub, gid, mac))
