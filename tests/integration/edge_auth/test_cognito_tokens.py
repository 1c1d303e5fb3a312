"""The edge authorizer against real Cognito-issued tokens (moto server) and real HTTP JWKS."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from edge_auth import gate as edge
from local.cognito import CognitoPool, create_cognito_pool, sign_in
from shared.trust.errors import JwksFetchError
from shared.trust.jwks_fetch import MAX_JWKS_BYTES, fetch_jwks
from testkit.events import viewer_request
from tests.support.http import Answer, scripted_server


def edge_gate(pool: CognitoPool, tmp_path: Any, *, with_jwks: bool, **extra: Any) -> edge.Gate:
    config: dict[str, Any] = {
        "issuer": pool.issuer,
        "client_ids": [pool.client_id],
        "token_use": ["id", "access"],
        "required_groups": [pool.group],
        "jwks_url": pool.jwks_url,
        **extra,
    }
    if with_jwks:
        config["jwks"] = fetch_jwks(pool.jwks_url, timeout=2)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return edge.start(str(path))


def bearer(token: str) -> dict[str, Any]:
    return viewer_request("/courses/aws-101/intro.mp4", {"Authorization": f"Bearer {token}"})


@pytest.fixture
def cognito(session: boto3.Session, moto_url: str) -> Any:
    return session.client("cognito-idp", endpoint_url=moto_url)


def test_the_pool_jwks_endpoint_serves_a_usable_key_set(cognito_pool: CognitoPool) -> None:
    jwks = fetch_jwks(cognito_pool.jwks_url, timeout=2)
    assert jwks["keys"][0]["alg"] == "RS256"


@pytest.mark.parametrize("kind", ["IdToken", "AccessToken"])
def test_a_group_member_s_cognito_token_is_allowed(
    cognito_pool: CognitoPool, cognito: Any, tmp_path: Any, kind: str
) -> None:
    gate = edge_gate(cognito_pool, tmp_path, with_jwks=True)
    token = sign_in(cognito, cognito_pool.client_id, cognito_pool.member())[kind]
    assert "status" not in edge.decide(gate, bearer(token))


def test_a_signed_in_user_outside_the_group_is_forbidden(
    cognito_pool: CognitoPool, cognito: Any, tmp_path: Any
) -> None:
    gate = edge_gate(cognito_pool, tmp_path, with_jwks=True)
    token = sign_in(cognito, cognito_pool.client_id, cognito_pool.outsider())["IdToken"]
    assert edge.decide(gate, bearer(token))["status"] == "403"


def test_without_baked_keys_the_edge_fetches_the_pool_jwks_once(
    cognito_pool: CognitoPool, cognito: Any, tmp_path: Any
) -> None:
    gate = edge_gate(cognito_pool, tmp_path, with_jwks=False)
    token = sign_in(cognito, cognito_pool.client_id, cognito_pool.member())["IdToken"]
    assert "status" not in edge.decide(gate, bearer(token))


def test_only_id_tokens_when_configured_so(
    cognito_pool: CognitoPool, cognito: Any, tmp_path: Any
) -> None:
    gate = edge_gate(cognito_pool, tmp_path, with_jwks=True, token_use=["id"])
    tokens = sign_in(cognito, cognito_pool.client_id, cognito_pool.member())
    assert "status" not in edge.decide(gate, bearer(tokens["IdToken"]))
    assert edge.decide(gate, bearer(tokens["AccessToken"]))["status"] == "401"


def test_a_token_of_another_pool_is_refused(
    cognito_pool: CognitoPool, cognito: Any, tmp_path: Any, moto_url: str
) -> None:
    """moto signs every pool with one key, so only the issuer check tells pools apart."""
    other = create_cognito_pool(cognito, moto_url, name="other")
    gate = edge_gate(cognito_pool, tmp_path, with_jwks=True)
    token = sign_in(cognito, other.client_id, other.member())["IdToken"]
    assert edge.decide(gate, bearer(token))["status"] == "401"


# --- fetch_jwks over real HTTP -------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(status=404, body=b"{}"), "cannot fetch"),
        (Answer(status=500, body=b"{}"), "cannot fetch"),
        (Answer(body=b"not json"), "not JSON"),
        (Answer(body=b"[1, 2]"), "not a JSON object"),
        (Answer(body=b"{" + b" " * MAX_JWKS_BYTES + b"}"), "larger than"),
    ],
)
def test_fetch_jwks_reports_a_bad_answer_as_an_error(answer: Answer, message: str) -> None:
    with scripted_server() as server:
        server.routes["/jwks.json"] = answer
        with pytest.raises(JwksFetchError, match=message):
            fetch_jwks(f"{server.url}/jwks.json", timeout=2)


def test_fetch_jwks_gives_up_after_its_timeout() -> None:
    with scripted_server() as server:
        server.routes["/jwks.json"] = Answer(body=b"{}", delay=5.0)
        start = time.monotonic()
        with pytest.raises(JwksFetchError):
            fetch_jwks(f"{server.url}/jwks.json", timeout=0.3)
        assert time.monotonic() - start < 4.0  # gave up long before the server answered


def test_fetch_jwks_refuses_non_http_urls() -> None:
    with pytest.raises(JwksFetchError, match="refusing"):
        fetch_jwks("file:///etc/passwd", timeout=1)


def test_fetch_jwks_reports_an_unreachable_host() -> None:
    with pytest.raises(JwksFetchError, match="cannot fetch"):
        fetch_jwks("http://127.0.0.1:9/jwks.json", timeout=1)
