"""The sign-in pages: ``GET /oauth2/authorize`` checks the app's request and shows the
password form (or, within a managed-login session, answers at once); the form posts to
``POST /login``, which redirects to the app with a single-use code and ``state``."""

from __future__ import annotations

import html
from collections.abc import Sequence

from tools.http import QuietHandler

from .answers import LoginAnswer, error_fields, error_page, page, redirect, with_query, with_state
from .authorization_request import SignIn, checked_request, sign_in_seconds
from .clients import UNKNOWN_CLIENT, query_client
from .directory import AppClient, Directory, PasswordChangeRequiredError, SignInFailedError
from .errors import OAuthError
from .request_input import form_fields
from .sessions import Session, Sessions
from .stores import AuthorizationCodes, Clock, CodeGrant, SecretStore


class SignInPages:
    def __init__(
        self, directory: Directory, sessions: Sessions, codes: AuthorizationCodes, clock: Clock
    ) -> None:
        self._directory = directory
        self._sessions = sessions
        self._codes = codes
        self._sign_ins: SecretStore[SignIn] = SecretStore(sign_in_seconds(), clock)

    def authorize(self, query: str, request: QuietHandler) -> LoginAnswer:
        found = query_client(self._directory, query)
        if isinstance(found, LoginAnswer):
            return found
        params, client = found
        redirect_uri = params.get("redirect_uri")
        if not client.is_callback(redirect_uri) or redirect_uri is None:
            return error_page("redirect_mismatch: redirect_uri is not a registered callback URL.")
        try:
            sign_in = checked_request(client, redirect_uri, params)
        except OAuthError as exc:
            answer = with_state(error_fields(exc), params.get("state"))
            return redirect(with_query(redirect_uri, answer))
        session = self._sessions.current(request)
        if session is not None and params.get("prompt") != "login":
            return self._issue_code(sign_in, session)
        return self._page(client, sign_in)

    def login(self, request: QuietHandler) -> LoginAnswer:
        try:
            form = form_fields(request)
        except OAuthError as exc:
            return error_page(exc.description)
        sign_in = self._sign_ins.take(form.get("login", ""))
        if sign_in is None:
            return error_page(
                "This sign-in page has expired. Go back to the app and sign in again."
            )
        client = self._directory.client(sign_in.client_id)
        if client is None:
            return error_page(UNKNOWN_CLIENT)
        try:
            username = self._directory.authenticate(
                client.client_id, form.get("username", ""), form.get("password", "")
            )
        except SignInFailedError:
            return self._page(client, sign_in, "Incorrect username or password.")
        except PasswordChangeRequiredError:
            return self._page(
                client,
                sign_in,
                "This user has a temporary password; the local stand-in cannot change it "
                "(set a permanent one with AdminSetUserPassword).",
            )
        session, cookie = self._sessions.start(username)
        return self._issue_code(sign_in, session, [cookie])

    def _page(self, client: AppClient, sign_in: SignIn, message: str | None = None) -> LoginAnswer:
        """The password form, under a new single-use ID for ``sign_in``."""
        transaction = self._sign_ins.issue(sign_in)
        error = f'<p class="error" id="error">{html.escape(message)}</p>' if message else ""
        form = (
            f"{error}"
            '<form method="post" action="/login">'
            f'<input type="hidden" name="login" value="{html.escape(transaction)}">'
            '<label for="username">Email</label>'
            '<input id="username" name="username" type="email" autocomplete="username" required>'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" '
            'autocomplete="current-password" required>'
            '<button type="submit">Sign in</button></form>'
        )
        return page(200, "Sign in", form, sorted(client.origins()))

    def _issue_code(
        self, sign_in: SignIn, session: Session, headers: Sequence[tuple[str, str]] = ()
    ) -> LoginAnswer:
        code = self._codes.issue(
            CodeGrant(
                client_id=sign_in.client_id,
                redirect_uri=sign_in.redirect_uri,
                code_challenge=sign_in.code_challenge,
                scopes=sign_in.scopes,
                username=session.username,
                auth_time=session.auth_time,
                nonce=sign_in.nonce,
            )
        )
        answer = with_state({"code": code}, sign_in.state)
        return redirect(with_query(sign_in.redirect_uri, answer), headers)
