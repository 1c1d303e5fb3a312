"""The stand-in's HTTP endpoints, laid out like a Cognito domain.

``GET /oauth2/authorize`` shows the sign-in page (or, with a live session cookie, answers at
once); the page posts to ``POST /login``, which redirects to the app with ``code`` and
``state``. ``POST /oauth2/token``, ``POST /oauth2/revoke`` and ``GET /logout`` follow
Cognito's contracts; ``GET /.well-known/jwks.json`` is the pool's key set as the local stack
publishes it. Errors before the redirect URI is known to be registered are an error page (400),
never a redirect; later ones redirect with ``error``, as Cognito does.
"""

from __future__ import annotations

import html
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from local.template import deployed_value, resource_properties
from tools.http import QuietHandler

from . import pkce
from .directory import AppClient, Directory, PasswordChangeRequiredError, SignInFailedError
from .errors import OAuthError, invalid_grant, invalid_request
from .stores import (
    AuthorizationCodes,
    Clock,
    CodeGrant,
    CodeReusedError,
    RefreshGrant,
    RefreshTokens,
    SecretStore,
)
from .tokens import MintedTokens, TokenMinter

#: Request bodies (forms) larger than this are refused with 413.
MAX_BODY_BYTES = 16 * 1024
#: Query strings and forms with more fields than this are refused.
MAX_FIELDS = 32
#: The managed-login session cookie (Cognito's is named ``cognito`` too) and its lifetime.
SESSION_COOKIE = "cognito"
SESSION_SECONDS = 3600
FORM_TYPE = "application/x-www-form-urlencoded"


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


@dataclass(frozen=True)
class Session:
    username: str
    auth_time: int


class Answer:
    """One HTTP answer; ``send`` writes it."""

    def __init__(
        self, status: int, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.status = status
        self.body = body
        self.headers = list(headers)

    def send(self, request: QuietHandler) -> None:
        request.send_body(self.status, self.headers, self.body)


_PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
]


def _page(status: int, title: str, body: str, form_origins: Sequence[str] = ()) -> Answer:
    # form-action also governs where the form's redirect may go: the app's origin.
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
        f"base-uri 'none'; form-action 'self' {' '.join(form_origins)}".rstrip()
    )
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto}"
        "label,input,button{display:block;width:100%;margin:.4rem 0}"
        ".error{color:#a00}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Answer(status, document.encode(), [*_PAGE_HEADERS, ("Content-Security-Policy", csp)])


def error_page(message: str) -> Answer:
    return _page(400, "Sign-in error", f'<p class="error" id="error">{html.escape(message)}</p>')


def _redirect(url: str, headers: Sequence[tuple[str, str]] = ()) -> Answer:
    return Answer(
        302,
        headers=[
            ("Location", url),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            *headers,
        ],
    )


def with_query(url: str, params: Mapping[str, str]) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


def _fields(encoded: str) -> dict[str, str]:
    """A query string or form as one value per name; a repeated name is ``invalid_request``."""
    try:
        parsed = parse_qs(encoded, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise invalid_request("too many parameters") from exc
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise invalid_request(f"parameter given more than once: {repeated[0]}")
    return {name: values[0] for name, values in parsed.items()}


def _json(
    status: int, document: Mapping[str, Any] | None, cors: Sequence[tuple[str, str]]
) -> Answer:
    body = b"" if document is None else json.dumps(document).encode()
    return Answer(
        status,
        body,
        [
            ("Content-Type", "application/json;charset=UTF-8"),
            ("Cache-Control", "no-store"),
            ("Pragma", "no-cache"),
            *cors,
        ],
    )


class ManagedLogin:
    """The stand-in; ``handle`` is a ``tools.http.Target``."""

    def __init__(
        self,
        directory: Directory,
        minter: TokenMinter,
        jwks: Mapping[str, Any],
        *,
        clock: Clock = time.time,
    ) -> None:
        self._directory = directory
        self._minter = minter
        self._jwks = json.dumps(jwks).encode()
        self._clock = clock
        self._sign_ins: SecretStore[SignIn] = SecretStore(sign_in_seconds(), clock)
        self._sessions: SecretStore[Session] = SecretStore(SESSION_SECONDS, clock)
        self.codes = AuthorizationCodes(clock)
        self.refresh_tokens = RefreshTokens(clock)

    # ------------------------------------------------------------------ routing --
    def handle(self, request: QuietHandler) -> None:
        path, _, query = request.path.partition("?")
        routes: dict[tuple[str, str], Callable[[], Answer]] = {
            ("GET", "/oauth2/authorize"): lambda: self.authorize(query, request),
            ("POST", "/login"): lambda: self.login(request),
            ("POST", "/oauth2/token"): lambda: self.token(request),
            ("POST", "/oauth2/revoke"): lambda: self.revoke(request),
            ("GET", "/logout"): lambda: self.logout(query, request),
            ("GET", "/.well-known/jwks.json"): self.jwks,
            ("OPTIONS", "/oauth2/token"): lambda: self.preflight(request),
            ("OPTIONS", "/oauth2/revoke"): lambda: self.preflight(request),
        }
        route = routes.get(("GET" if request.command == "HEAD" else request.command, path))
        if route is not None:
            route().send(request)
            return
        request.close_connection = True  # any body stays unread
        status = 405 if any(p == path for _, p in routes) else 404
        Answer(status, b"not allowed here\n", [("Content-Type", "text/plain")]).send(request)

    def jwks(self) -> Answer:
        return Answer(200, self._jwks, [("Content-Type", "application/json")])

    # ---------------------------------------------------------------- authorize --
    def authorize(self, query: str, request: QuietHandler) -> Answer:
        try:
            params = _fields(query)
        except OAuthError as exc:
            return error_page(exc.description)
        client = self._directory.client(params.get("client_id"))
        if client is None:
            return error_page("Unknown app client (client_id).")
        redirect_uri = params.get("redirect_uri")
        if not client.is_callback(redirect_uri) or redirect_uri is None:
            return error_page("redirect_mismatch: redirect_uri is not a registered callback URL.")
        state = params.get("state")
        try:
            sign_in = self._checked_request(client, redirect_uri, params)
        except OAuthError as exc:
            answer = {"error": exc.error, "error_description": exc.description}
            return _redirect(with_query(redirect_uri, _with_state(answer, state)))
        session = self._session(request)
        if session is not None and params.get("prompt") != "login":
            return self._issue_code(sign_in, session)
        return self._sign_in_page(client, sign_in)

    def _checked_request(
        self, client: AppClient, redirect_uri: str, params: Mapping[str, str]
    ) -> SignIn:
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

    def _sign_in_page(
        self, client: AppClient, sign_in: SignIn, message: str | None = None
    ) -> Answer:
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
        return _page(200, "Sign in", form, sorted(client.origins()))

    def login(self, request: QuietHandler) -> Answer:
        try:
            form = _fields(self._form(request))
        except OAuthError as exc:
            return error_page(exc.description)
        sign_in = self._sign_ins.take(form.get("login", ""))
        if sign_in is None:
            return error_page(
                "This sign-in page has expired. Go back to the app and sign in again."
            )
        client = self._directory.client(sign_in.client_id)
        if client is None:
            return error_page("Unknown app client (client_id).")
        try:
            username = self._directory.authenticate(
                client.client_id, form.get("username", ""), form.get("password", "")
            )
        except SignInFailedError:
            return self._sign_in_page(client, sign_in, "Incorrect username or password.")
        except PasswordChangeRequiredError:
            return self._sign_in_page(
                client,
                sign_in,
                "This user has a temporary password; the local stand-in cannot change it "
                "(set a permanent one with AdminSetUserPassword).",
            )
        session = Session(username, int(self._clock()))
        cookie = (
            f"{SESSION_COOKIE}={self._sessions.issue(session)}; Path=/; HttpOnly; "
            f"SameSite=Lax; Max-Age={SESSION_SECONDS}"
        )
        return self._issue_code(sign_in, session, [("Set-Cookie", cookie)])

    def _issue_code(
        self, sign_in: SignIn, session: Session, headers: Sequence[tuple[str, str]] = ()
    ) -> Answer:
        code = self.codes.issue(
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
        answer = _with_state({"code": code}, sign_in.state)
        return _redirect(with_query(sign_in.redirect_uri, answer), headers)

    def _session(self, request: QuietHandler) -> Session | None:
        value = _cookie(request, SESSION_COOKIE)
        return self._sessions.peek(value) if value else None

    # -------------------------------------------------------------------- token --
    def token(self, request: QuietHandler) -> Answer:
        cors: list[tuple[str, str]] = []
        try:
            form = _fields(self._form(request))
            client = self._public_client(request, form)
            cors = _cors(request, client.origins())
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
            return _json(400, {"error": exc.error, "error_description": exc.description}, cors)
        document: dict[str, Any] = {
            "access_token": minted.access_token,
            "refresh_token": refresh_token,
            "expires_in": minted.expires_in,
            "token_type": "Bearer",
        }
        if minted.id_token is not None:
            document["id_token"] = minted.id_token
        return _json(200, document, cors)

    def _public_client(self, request: QuietHandler, form: Mapping[str, str]) -> AppClient:
        if not form.get("client_id"):
            raise invalid_request("client_id is required")
        client = self._directory.client(form["client_id"])
        if client is None or client.has_secret or request.headers.get("Authorization"):
            # This stand-in serves public clients only: no secret to present, none accepted.
            raise OAuthError("invalid_client", "unknown client, or client credentials sent")
        return client

    def _redeem_code(self, client: AppClient, form: Mapping[str, str]) -> tuple[MintedTokens, str]:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise invalid_request(f"{name} is required")
        try:
            grant = self.codes.redeem(form["code"])
        except CodeReusedError as reused:
            self.refresh_tokens.revoke_family(reused.family)
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
        return minted, self.refresh_tokens.issue(refresh)

    def _refresh(self, client: AppClient, form: Mapping[str, str]) -> tuple[MintedTokens, str]:
        if not form.get("refresh_token"):
            raise invalid_request("refresh_token is required")
        rotated, grant = self.refresh_tokens.rotate(form["refresh_token"], client.client_id)
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

    # ------------------------------------------------------------------- revoke --
    def revoke(self, request: QuietHandler) -> Answer:
        """Revoke a refresh token and its rotated family. An unknown, expired or already
        revoked refresh token gets 200 as well (RFC 7009 section 2.2)."""
        cors: list[tuple[str, str]] = []
        try:
            form = _fields(self._form(request))
            if not form.get("token"):
                raise invalid_request("token is required")
            client = self._public_client(request, form)
            cors = _cors(request, client.origins())
            token = form["token"]
            if token.count(".") == 2:
                raise OAuthError("unsupported_token_type", "only refresh tokens can be revoked")
            owner = self.refresh_tokens.owner(token)
            if owner is not None and owner != client.client_id:
                raise OAuthError("unauthorized_client", "the token was issued to another client")
        except OAuthError as exc:
            return _json(400, {"error": exc.error, "error_description": exc.description}, cors)
        self.refresh_tokens.revoke(token)
        return _json(200, None, cors)

    # ------------------------------------------------------------------- logout --
    def logout(self, query: str, request: QuietHandler) -> Answer:
        """End the managed-login session and go to a registered sign-out URL."""
        try:
            params = _fields(query)
        except OAuthError as exc:
            return error_page(exc.description)
        client = self._directory.client(params.get("client_id"))
        if client is None:
            return error_page("Unknown app client (client_id).")
        logout_uri = params.get("logout_uri")
        if not client.is_logout_url(logout_uri) or logout_uri is None:
            return error_page("logout_uri is not a registered sign-out URL.")
        value = _cookie(request, SESSION_COOKIE)
        if value:
            self._sessions.drop(value)
        expired = f"{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        return _redirect(logout_uri, [("Set-Cookie", expired)])

    # --------------------------------------------------------------------- CORS --
    def preflight(self, request: QuietHandler) -> Answer:
        origins = set().union(*(client.origins() for client in self._directory.clients()))
        cors = _cors(request, origins)
        if not cors:
            return Answer(403, b"origin not allowed\n", [("Content-Type", "text/plain")])
        return Answer(
            204,
            headers=[
                *cors,
                ("Access-Control-Allow-Methods", "POST"),
                ("Access-Control-Allow-Headers", "Content-Type"),
                ("Access-Control-Max-Age", "600"),
            ],
        )

    # -------------------------------------------------------------------- input --
    @staticmethod
    def _form(request: QuietHandler) -> str:
        """The form body: ``application/x-www-form-urlencoded``, at most MAX_BODY_BYTES."""
        content_type = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if request.headers.get("Transfer-Encoding"):
            raise invalid_request("send the body with a Content-Length")
        try:
            length = int(request.headers.get("Content-Length", "0"))
        except ValueError as exc:
            raise invalid_request("bad Content-Length") from exc
        if length < 0 or length > MAX_BODY_BYTES:
            request.close_connection = True  # the body is not read
            raise invalid_request("request body too large")
        body = request.rfile.read(length)
        if content_type != FORM_TYPE:
            raise invalid_request(f"Content-Type must be {FORM_TYPE}")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise invalid_request("the body is not UTF-8") from exc


def _with_state(params: dict[str, str], state: str | None) -> dict[str, str]:
    """``state`` exactly as the client sent it, when it sent one."""
    return params if state is None else {**params, "state": state}


def _cookie(request: QuietHandler, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(request.headers.get("Cookie", ""))
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def _cors(request: QuietHandler, origins: set[str]) -> list[tuple[str, str]]:
    origin = request.headers.get("Origin")
    if origin is None or origin not in origins:
        return []
    return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
