"""The managed-login stand-in over `make local` and real HTTP, driven by authlib's OAuth 2
client: the authorization-code flow with PKCE, and every refusal Cognito would answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.local_stack import content_url, started_local_stack, user
from tests.support.managed_login import (
    authorize,
    endpoint,
    fetch_tokens,
    oauth_client,
    sign_in_form,
)

pytestmark = pytest.mark.slow


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def token_request(stack: dict[str, Any], **form: str) -> requests.Response:
    return requests.post(endpoint(stack, "/oauth2/token"), data=form, timeout=10)


@pytest.fixture
def member(stack):
    return user(stack, in_group=True)


@pytest.fixture
def tokens(stack, member):
    client = oauth_client(stack)
    return fetch_tokens(stack, client, authorize(stack, client, member.username, member.password))


def test_a_client_nobody_here_wrote_gets_tokens_through_the_code_flow_with_pkce(tokens):
    assert tokens["token_type"] == "Bearer"
    assert {"id_token", "access_token", "refresh_token", "expires_in"} <= tokens.keys()


def test_the_id_token_opens_the_api(stack, tokens):
    answer = requests.get(
        f"{stack['api_url']}/courses", headers={"Authorization": tokens["id_token"]}, timeout=10
    )
    assert answer.status_code == 200, answer.text


def test_the_id_token_opens_content_on_cloudfront(stack, tokens):
    answer = requests.get(
        content_url(stack), headers={"Authorization": f"Bearer {tokens['id_token']}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text


def test_the_tokens_live_as_long_as_the_stack_says(stack, tokens):
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == stack["token_seconds"]["id"]
    assert tokens["expires_in"] == stack["token_seconds"]["access"]


def test_state_comes_back_unchanged(stack, member):
    state = "a b&c=d/é+%"
    authorization = authorize(
        stack, oauth_client(stack), member.username, member.password, state=state
    )
    assert query(authorization.location)["state"] == [state]
    assert authorization.location.startswith(stack["callback_url"] + "?")


def test_a_wrong_verifier_is_refused(stack, member):
    client = oauth_client(stack)
    authorization = authorize(stack, client, member.username, member.password)
    authorization.verifier = authorization.verifier[:-1] + (
        "A" if authorization.verifier[-1] != "A" else "B"
    )
    with pytest.raises(OAuthError) as refused:
        fetch_tokens(stack, client, authorization)
    assert refused.value.error == "invalid_grant"


def test_a_reused_code_is_refused(stack, member):
    client = oauth_client(stack)
    authorization = authorize(stack, client, member.username, member.password)
    fetch_tokens(stack, client, authorization)
    with pytest.raises(OAuthError) as refused:
        fetch_tokens(stack, client, authorization)
    assert refused.value.error == "invalid_grant"


def test_a_reused_code_revokes_the_refresh_token_it_issued(stack, member):
    client = oauth_client(stack)
    authorization = authorize(stack, client, member.username, member.password)
    first = fetch_tokens(stack, client, authorization)
    with pytest.raises(OAuthError):
        fetch_tokens(stack, client, authorization)
    with pytest.raises(OAuthError, match="revoked"):
        client.refresh_token(endpoint(stack, "/oauth2/token"), refresh_token=first["refresh_token"])


@pytest.mark.parametrize("foreign_uri", ["http://127.0.0.1:1/", "{app}evil", "{app}/", "{app}?x=1"])
def test_a_foreign_redirect_uri_gets_an_error_page_not_a_redirect(stack, foreign_uri):
    redirect_uri = foreign_uri.format(app=stack["callback_url"])
    foreign = oauth_client(stack, redirect_uri=redirect_uri)
    url, _ = foreign.create_authorization_url(
        endpoint(stack, "/oauth2/authorize"), code_verifier="v" * 64
    )
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert 'name="password"' not in answer.text


def test_a_code_is_refused_with_another_redirect_uri_than_its_own(stack, member):
    client = oauth_client(stack)
    authorization = authorize(stack, client, member.username, member.password)
    answer = token_request(
        stack,
        grant_type="authorization_code",
        client_id=stack["client_id"],
        code=query(authorization.location)["code"][0],
        redirect_uri=stack["callback_url"] + "other",
        code_verifier=authorization.verifier,
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


def test_a_rotated_refresh_token_is_refused_on_reuse(stack, tokens):
    client = oauth_client(stack)
    refreshed = client.refresh_token(
        endpoint(stack, "/oauth2/token"), refresh_token=tokens["refresh_token"]
    )
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    with pytest.raises(OAuthError) as refused:
        client.refresh_token(
            endpoint(stack, "/oauth2/token"), refresh_token=tokens["refresh_token"]
        )
    assert refused.value.error == "invalid_grant"


def test_the_rotated_refresh_token_keeps_the_session_going(stack, tokens):
    client = oauth_client(stack)
    url = endpoint(stack, "/oauth2/token")
    second = client.refresh_token(url, refresh_token=tokens["refresh_token"])
    third = client.refresh_token(url, refresh_token=second["refresh_token"])
    claims = jwt.decode(third["id_token"], options={"verify_signature": False})
    first_claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["auth_time"] == first_claims["auth_time"]
    assert claims["origin_jti"] == first_claims["origin_jti"]


def test_a_revoked_refresh_token_is_refused(stack, tokens):
    client = oauth_client(stack)
    answer = client.revoke_token(
        endpoint(stack, "/oauth2/revoke"),
        token=tokens["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert answer.status_code == 200
    with pytest.raises(OAuthError) as refused:
        client.refresh_token(
            endpoint(stack, "/oauth2/token"), refresh_token=tokens["refresh_token"]
        )
    assert refused.value.error == "invalid_grant"


def test_revoking_revokes_the_tokens_rotated_from_it(stack, tokens):
    client = oauth_client(stack)
    rotated = client.refresh_token(
        endpoint(stack, "/oauth2/token"), refresh_token=tokens["refresh_token"]
    )
    client.revoke_token(endpoint(stack, "/oauth2/revoke"), token=tokens["refresh_token"])
    with pytest.raises(OAuthError, match="revoked"):
        client.refresh_token(
            endpoint(stack, "/oauth2/token"), refresh_token=rotated["refresh_token"]
        )


def test_a_wrong_password_shows_the_page_again_without_a_code(stack, member):
    client = oauth_client(stack)
    url, _ = client.create_authorization_url(
        endpoint(stack, "/oauth2/authorize"), code_verifier="v" * 64
    )
    browser = requests.Session()
    answer = sign_in_form(
        stack, browser, browser.get(url, timeout=10), member.username, "wrong-Passw0rd!"
    )
    assert answer.status_code == 200
    assert "Location" not in answer.headers
    assert "Incorrect username or password" in answer.text
    assert 'name="password"' in answer.text


def test_a_sign_in_form_is_used_once(stack, member):
    client = oauth_client(stack)
    url, _ = client.create_authorization_url(
        endpoint(stack, "/oauth2/authorize"), code_verifier="v" * 64
    )
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    sign_in_form(stack, browser, page, member.username, member.password)
    again = sign_in_form(stack, requests.Session(), page, member.username, member.password)
    assert again.status_code == 400
    assert "Location" not in again.headers


@pytest.mark.parametrize("method", [None, "plain"])
def test_a_challenge_without_s256_is_sent_back_as_invalid_request(stack, method):
    params = {
        "response_type": "code",
        "client_id": stack["client_id"],
        "redirect_uri": stack["callback_url"],
        "state": "s1",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    }
    if method:
        params["code_challenge_method"] = method
    answer = requests.get(
        endpoint(stack, "/oauth2/authorize"), params=params, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    returned = query(answer.headers["Location"])
    assert returned["error"] == ["invalid_request"]
    assert returned["state"] == ["s1"]
    assert "code" not in returned


def test_an_unknown_client_gets_an_error_page(stack):
    params = {
        "response_type": "code",
        "client_id": "not-a-client",
        "redirect_uri": stack["callback_url"],
    }
    answer = requests.get(
        endpoint(stack, "/oauth2/authorize"), params=params, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_a_second_sign_in_uses_the_managed_login_session(stack, member):
    browser = requests.Session()
    authorize(stack, oauth_client(stack), member.username, member.password, browser=browser)
    url, _ = oauth_client(stack).create_authorization_url(
        endpoint(stack, "/oauth2/authorize"), code_verifier="v" * 64
    )
    answer = browser.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert "code" in query(answer.headers["Location"])


def test_sign_out_ends_the_managed_login_session(stack, member):
    browser = requests.Session()
    authorize(stack, oauth_client(stack), member.username, member.password, browser=browser)
    logout = browser.get(
        endpoint(stack, "/logout"),
        params={"client_id": stack["client_id"], "logout_uri": stack["callback_url"]},
        allow_redirects=False,
        timeout=10,
    )
    assert (logout.status_code, logout.headers["Location"]) == (302, stack["callback_url"])
    url, _ = oauth_client(stack).create_authorization_url(
        endpoint(stack, "/oauth2/authorize"), code_verifier="v" * 64
    )
    answer = browser.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 200
    assert 'name="password"' in answer.text


def test_sign_out_to_an_unregistered_url_is_refused(stack):
    answer = requests.get(
        endpoint(stack, "/logout"),
        params={"client_id": stack["client_id"], "logout_uri": "http://127.0.0.1:1/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_a_group_joined_after_sign_in_shows_in_the_next_refreshed_token(stack, cognito):
    username, password = "late-enrolment@example.com", "Late-Enrolment-Passw0rd!"
    cognito.admin_create_user(
        UserPoolId=stack["user_pool_id"],
        Username=username,
        UserAttributes=[{"Name": "email", "Value": username}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=stack["user_pool_id"], Username=username, Password=password, Permanent=True
    )
    client = oauth_client(stack)
    first = fetch_tokens(stack, client, authorize(stack, client, username, password))
    group = "late-joiners"
    cognito.create_group(GroupName=group, UserPoolId=stack["user_pool_id"])
    cognito.admin_add_user_to_group(
        UserPoolId=stack["user_pool_id"], Username=username, GroupName=group
    )
    refreshed = client.refresh_token(
        endpoint(stack, "/oauth2/token"), refresh_token=first["refresh_token"]
    )
    before = jwt.decode(first["id_token"], options={"verify_signature": False})
    after = jwt.decode(refreshed["id_token"], options={"verify_signature": False})
    assert "cognito:groups" not in before
    assert after["cognito:groups"] == [group]


def test_a_token_request_over_the_size_cap_is_refused_unread(stack):
    answer = requests.post(
        endpoint(stack, "/oauth2/token"),
        data={"grant_type": "refresh_token", "refresh_token": "x" * 20_000},
        timeout=10,
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


def test_a_form_with_a_repeated_parameter_is_refused(stack, tokens):
    body = (
        f"grant_type=refresh_token&client_id={stack['client_id']}"
        f"&refresh_token={tokens['refresh_token']}&refresh_token=other"
    )
    answer = requests.post(
        endpoint(stack, "/oauth2/token"),
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


def test_an_unknown_kid_does_not_make_cloudfront_forget_the_stand_ins_key(stack, tokens):
    """A token with an unknown kid makes the edge refetch its pool's JWKS; the set it fetches
    must still hold the stand-in's key, or every managed-login token would be refused after."""
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    forged = jwt.encode(
        claims,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "RS256",
        headers={"kid": "forged-kid"},
    )
    url = content_url(stack)
    refused = requests.get(url, headers={"Authorization": f"Bearer {forged}"}, timeout=10)
    served = requests.get(
        url, headers={"Authorization": f"Bearer {tokens['id_token']}"}, timeout=10
    )
    assert (refused.status_code, served.status_code) == (401, 200)


def test_the_demo_pages_origin_may_read_token_answers(stack, tokens):
    origin = stack["callback_url"].rstrip("/")
    answer = requests.post(
        endpoint(stack, "/oauth2/token"),
        data={
            "grant_type": "refresh_token",
            "client_id": stack["client_id"],
            "refresh_token": tokens["refresh_token"],
        },
        headers={"Origin": origin},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == origin


def test_another_origin_may_not_read_token_answers(stack, tokens):
    answer = requests.post(
        endpoint(stack, "/oauth2/token"),
        data={
            "grant_type": "refresh_token",
            "client_id": stack["client_id"],
            "refresh_token": tokens["refresh_token"],
        },
        headers={"Origin": "http://evil.example"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_the_demo_page_is_configured_with_the_stand_in(stack):
    config = requests.get(f"{stack['demo_url']}/config.json", timeout=10).json()
    assert (config["authUrl"], config["clientId"]) == (stack["auth_url"], stack["client_id"])
    # The page's redirect URI is its origin and "/": the registered callback.
    assert stack["callback_url"] == stack["demo_url"] + "/"


def test_token_lifetimes_are_a_local_stack_option(tmp_path):
    with started_local_stack(
        tmp_path, "--id-token-seconds", "7", "--access-token-seconds", "9"
    ) as short:
        client = oauth_client(short)
        tokens = fetch_tokens(short, client, authorize(short, client, *member_login(short)))
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert short["token_seconds"]["id"] == claims["exp"] - claims["iat"] == 7
    assert short["token_seconds"]["access"] == tokens["expires_in"] == 9


def member_login(stack: dict[str, Any]) -> tuple[str, str]:
    found = user(stack, in_group=True)
    return found.username, found.password
