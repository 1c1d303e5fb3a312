"""``POST /oauth2/token``: a code (with its PKCE verifier) or a refresh token, for tokens.

Each refresh rotates the refresh token; a code redeemed twice also revokes the refresh-token
family the first redemption started. Tokens are minted for the user as moto holds them at
that moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from tools.http import QuietHandler

from . import pkce
from .answers import LoginAnswer, error_fields, json_answer
from .clients import public_client
from .cors import cors_headers
from .directory import AppClient, Directory
from .errors import OAuthError, invalid_grant, invalid_request
from .request_input import form_fields
from .stores import AuthorizationCodes, Clock, CodeReusedError, RefreshGrant, RefreshTokens
from .tokens import MintedTokens, TokenMinter


class TokenEndpoint:
    def __init__(
        self,
        directory: Directory,
        minter: TokenMinter,
        codes: AuthorizationCodes,
        refresh_tokens: RefreshTokens,
        clock: Clock,
    ) -> None:
        self._directory = directory
        self._minter = minter
        self._codes = codes
        self._refresh_tokens = refresh_tokens
        self._clock = clock

    def token(self, request: QuietHandler) -> LoginAnswer:
        cors: list[tuple[str, str]] = []
        try:
            form = form_fields(request)
            client = public_client(self._directory, request, form)
            cors = cors_headers(request, client.origins())
            grant_type = form.get("grant_type")
            if not grant_type:
                raise invalid_request("grant_type is required")
            if grant_type == "authorization_code":
                minted, refresh_token = self._redeem_code(client, form)
            elif grant_type == "refresh_token":
                minted, refresh_token = self._refresh(client, form)
            else:
                raise OAuthError("unsupported_grant_type", "grant_type is not supported")
        except OAuthError as exc:
            return json_answer(400, error_fields(exc), cors)
        document: dict[str, Any] = {
            "access_token": minted.access_token,
            "refresh_token": refresh_token,
            "expires_in": minted.expires_in,
            "token_type": "Bearer",
        }
        if minted.id_token is not None:
            document["id_token"] = minted.id_token
        return json_answer(200, document, cors)

    def _redeem_code(self, client: AppClient, form: Mapping[str, str]) -> tuple[MintedTokens, str]:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise invalid_request(f"{name} is required")
        try:
            grant = self._codes.redeem(form["code"])
        except CodeReusedError as reused:
            self._refresh_tokens.revoke_family(reused.family)
            raise invalid_grant(str(reused)) from reused
        if grant.client_id != client.client_id or grant.redirect_uri != form["redirect_uri"]:
            raise invalid_grant("the code was issued to another client or redirect_uri")
        if not pkce.verifier_matches(form["code_verifier"], grant.code_challenge):
            raise invalid_grant("code_verifier does not match the code_challenge")
        refresh = RefreshGrant(
            family=grant.family,
            client_id=grant.client_id,
            username=grant.username,
            scopes=grant.scopes,
            auth_time=grant.auth_time,
            origin_jti=str(uuid.uuid4()),
            expires_at=self._clock() + self._minter.lifetimes.refresh_seconds,
        )
        minted = self._mint(refresh, grant.nonce)
        return minted, self._refresh_tokens.issue(refresh)

    def _refresh(self, client: AppClient, form: Mapping[str, str]) -> tuple[MintedTokens, str]:
        if not form.get("refresh_token"):
            raise invalid_request("refresh_token is required")
        rotated, grant = self._refresh_tokens.rotate(form["refresh_token"], client.client_id)
        return self._mint(grant, None), rotated

    def _mint(self, grant: RefreshGrant, nonce: str | None) -> MintedTokens:
        """Tokens for the user as moto holds them now (groups changed since sign-in count)."""
        profile = self._directory.profile(grant.username)
        if profile is None:
            raise invalid_grant("the user no longer exists or is disabled")
        return self._minter.mint(
            profile,
            client_id=grant.client_id,
            scopes=grant.scopes,
            auth_time=grant.auth_time,
            origin_jti=grant.origin_jti,
            nonce=nonce,
        )
