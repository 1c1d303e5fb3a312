"""The stand-in's HTTP endpoints, laid out like a Cognito domain.

``GET /oauth2/authorize`` shows the sign-in page (or, with a live session cookie, answers at
once); the page posts to ``POST /login``, which redirects to the app with ``code`` and
``state``. ``POST /oauth2/token``, ``POST /oauth2/revoke`` and ``GET /logout`` follow
Cognito's contracts; ``GET /.well-known/jwks.json`` is the pool's key set as the local stack
publishes it. Errors before the redirect URI is known to be registered are an error page (400),
never a redirect; later ones redirect with ``error``, as Cognito does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from tools.http import QuietHandler

from .answers import LoginAnswer, text_answer
from .cors import preflight
from .directory import Directory
from .logout import logout
from .revocation import revoke
from .sessions import Sessions
from .sign_in import SignInPages
from .stores import AuthorizationCodes, Clock, RefreshTokens
from .token_endpoint import TokenEndpoint
from .tokens import TokenMinter


class ManagedLogin:
    """The stand-in; ``handle`` is a ``tools.http.HttpTarget``: it routes each request to its
    endpoint."""

    def __init__(
        self,
        directory: Directory,
        minter: TokenMinter,
        jwks: Mapping[str, Any],
        *,
        clock: Clock = time.time,
    ) -> None:
        codes = AuthorizationCodes(clock)
        self._directory = directory
        self._jwks = json.dumps(jwks).encode()
        self._sessions = Sessions(clock)
        self._refresh_tokens = RefreshTokens(clock)
        self._sign_in = SignInPages(directory, self._sessions, codes, clock)
        self._tokens = TokenEndpoint(directory, minter, codes, self._refresh_tokens, clock)

    def handle(self, request: QuietHandler) -> None:
        path, _, query = request.path.partition("?")
        directory = self._directory
        routes: dict[tuple[str, str], Callable[[], LoginAnswer]] = {
            ("GET", "/oauth2/authorize"): lambda: self._sign_in.authorize(query, request),
            ("POST", "/login"): lambda: self._sign_in.login(request),
            ("POST", "/oauth2/token"): lambda: self._tokens.token(request),
            ("POST", "/oauth2/revoke"): lambda: revoke(request, directory, self._refresh_tokens),
            ("GET", "/logout"): lambda: logout(query, request, directory, self._sessions),
            ("GET", "/.well-known/jwks.json"): self._jwks_answer,
            ("OPTIONS", "/oauth2/token"): lambda: preflight(request, directory),
            ("OPTIONS", "/oauth2/revoke"): lambda: preflight(request, directory),
        }
        route = routes.get(("GET" if request.command == "HEAD" else request.command, path))
        if route is not None:
            route().send(request)
            return
        request.close_connection = True  # any body stays unread
        status = 405 if any(p == path for _, p in routes) else 404
        text_answer(status, "not allowed here\n").send(request)

    def _jwks_answer(self) -> LoginAnswer:
        return LoginAnswer(200, self._jwks, [("Content-Type", "application/json")])
