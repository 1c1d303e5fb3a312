"""Drive the local managed-login stand-in as a browser would, with a client nobody here wrote
(authlib's OAuth2Session) for everything an app does itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

SCOPES = "openid email profile"
_LOGIN_FIELD = re.compile(r'name="login" value="([^"]+)"')


def oauth_client(stack: dict[str, Any], redirect_uri: str | None = None) -> OAuth2Session:
    """The demo page's client as an app would configure it: public, PKCE S256."""
    return OAuth2Session(
        stack["client_id"],
        redirect_uri=redirect_uri or stack["callback_url"],
        scope=SCOPES,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        revocation_endpoint_auth_method="none",
    )


def endpoint(stack: dict[str, Any], path: str) -> str:
    return f"{stack['auth_url']}{path}"


@dataclass
class Authorization:
    """One authorization request: what the client keeps (verifier, state) and the redirect
    the stand-in answered the signed-in browser with."""

    verifier: str
    state: str
    location: str


def authorize(
    stack: dict[str, Any],
    client: OAuth2Session,
    username: str,
    password: str,
    *,
    browser: requests.Session | None = None,
    **extra: str,
) -> Authorization:
    """Open the authorization URL, post the sign-in form with a plain HTTP POST, and return
    the redirect to the app (not followed)."""
    browser = browser or requests.Session()
    verifier = generate_token(64)
    url, state = client.create_authorization_url(
        endpoint(stack, "/oauth2/authorize"), code_verifier=verifier, **extra
    )
    page = browser.get(url, allow_redirects=False, timeout=10)
    if page.status_code == 302:  # a live managed-login session: no form
        return Authorization(verifier, state, page.headers["Location"])
    answer = sign_in_form(stack, browser, page, username, password)
    assert answer.status_code == 302, answer.text
    return Authorization(verifier, state, answer.headers["Location"])


def sign_in_form(
    stack: dict[str, Any],
    browser: requests.Session,
    page: requests.Response,
    username: str,
    password: str,
) -> requests.Response:
    """Post the sign-in page's form as a browser would (its one hidden field included)."""
    match = _LOGIN_FIELD.search(page.text)
    assert match is not None, page.text
    form = {"login": match.group(1), "username": username, "password": password}
    return browser.post(endpoint(stack, "/login"), data=form, allow_redirects=False, timeout=10)


def fetch_tokens(
    stack: dict[str, Any], client: OAuth2Session, authorization: Authorization
) -> dict[str, Any]:
    token: dict[str, Any] = client.fetch_token(
        endpoint(stack, "/oauth2/token"),
        authorization_response=authorization.location,
        code_verifier=authorization.verifier,
        state=authorization.state,
    )
    return token
