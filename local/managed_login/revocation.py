"""``POST /oauth2/revoke``: revoke a refresh token and its rotated family."""

from __future__ import annotations

from tools.http import QuietHandler

from .answers import LoginAnswer, error_fields, json_answer
from .clients import public_client
from .cors import cors_headers
from .directory import Directory
from .errors import OAuthError, invalid_request
from .request_input import form_fields
from .stores import RefreshTokens


def revoke(
    request: QuietHandler, directory: Directory, refresh_tokens: RefreshTokens
) -> LoginAnswer:
    """An unknown, expired or already revoked refresh token gets 200 as well (RFC 7009
    section 2.2); a token issued to another client is refused."""
    cors: list[tuple[str, str]] = []
    try:
        form = form_fields(request)
        if not form.get("token"):
            raise invalid_request("token is required")
        client = public_client(directory, request, form)
        cors = cors_headers(request, client.origins())
        token = form["token"]
        if token.count(".") == 2:
            raise OAuthError("unsupported_token_type", "only refresh tokens can be revoked")
        owner = refresh_tokens.owner(token)
        if owner is not None and owner != client.client_id:
            raise OAuthError("unauthorized_client", "the token was issued to another client")
    except OAuthError as exc:
        return json_answer(400, error_fields(exc), cors)
    refresh_tokens.revoke(token)
    return json_answer(200, None, cors)
