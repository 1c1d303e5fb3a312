"""An authorization request (``/oauth2/authorize``) checked against its app client, as
Cognito checks it once the redirect URI is known to be registered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from local.template import deployed_value, resource_properties

from . import pkce
from .directory import AppClient
from .errors import OAuthError, invalid_request


def sign_in_seconds() -> int:
    """How long a sign-in page stays usable: the client's AuthSessionValidity (minutes)."""
    minutes = deployed_value(resource_properties("UserPoolClient").get("AuthSessionValidity", 3))
    return int(minutes) * 60


@dataclass(frozen=True)
class SignIn:
    """An authorization request checked and waiting for the user's password, kept here under
    an opaque single-use ID: the page's form carries that ID, never the request itself."""

    client_id: str
    redirect_uri: str
    state: str | None
    scopes: tuple[str, ...]
    code_challenge: str
    nonce: str | None


def checked_request(client: AppClient, redirect_uri: str, params: Mapping[str, str]) -> SignIn:
    """The request, or the ``OAuthError`` to redirect with: the code flow only, with PKCE
    (S256), and scopes the client is allowed (all of them when none are asked for)."""
    response_type = params.get("response_type")
    if not response_type:
        raise invalid_request("response_type is required")
    if response_type != "code":
        raise OAuthError("unsupported_response_type", "only response_type=code is allowed")
    if not client.code_flow:
        raise OAuthError("unauthorized_client", "the client may not use the code grant")
    try:
        challenge = pkce.checked_challenge(
            params.get("code_challenge"), params.get("code_challenge_method")
        )
    except pkce.PkceError as exc:
        raise invalid_request(str(exc)) from exc
    requested = params.get("scope")
    scopes = tuple(dict.fromkeys(requested.split())) if requested else client.scopes
    if not scopes or not set(scopes) <= set(client.scopes):
        raise OAuthError("invalid_scope", "a requested scope is not allowed for this client")
    return SignIn(
        client.client_id,
        redirect_uri,
        params.get("state"),
        scopes,
        challenge,
        params.get("nonce"),
    )
