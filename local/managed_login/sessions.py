"""Managed-login sessions: after one sign-in, the browser's ``cognito`` cookie lets it sign in
to an app again without a password (``/oauth2/authorize`` answers at once) until the session
expires or ``/logout`` ends it."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from tools.http import QuietHandler

from .stores import Clock, SecretStore

#: The managed-login session cookie (Cognito's is named ``cognito`` too) and its lifetime.
SESSION_COOKIE = "cognito"
SESSION_SECONDS = 3600


@dataclass(frozen=True)
class Session:
    username: str
    auth_time: int


class Sessions:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._store: SecretStore[Session] = SecretStore(SESSION_SECONDS, clock)

    def start(self, username: str) -> tuple[Session, tuple[str, str]]:
        """A new session for ``username`` and the ``Set-Cookie`` header that hands it out."""
        session = Session(username, int(self._clock()))
        cookie = (
            f"{SESSION_COOKIE}={self._store.issue(session)}; Path=/; HttpOnly; "
            f"SameSite=Lax; Max-Age={SESSION_SECONDS}"
        )
        return session, ("Set-Cookie", cookie)

    def current(self, request: QuietHandler) -> Session | None:
        """The live session the request's cookie names, if any."""
        value = _cookie(request, SESSION_COOKIE)
        return self._store.peek(value) if value else None

    def end(self, request: QuietHandler) -> tuple[str, str]:
        """End the request's session, if any; the ``Set-Cookie`` header that expires it."""
        value = _cookie(request, SESSION_COOKIE)
        if value:
            self._store.drop(value)
        return ("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")


def _cookie(request: QuietHandler, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(request.headers.get("Cookie", ""))
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None
