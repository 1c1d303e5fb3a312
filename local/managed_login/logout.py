"""``GET /logout``: end the managed-login session and go to a registered sign-out URL."""

from __future__ import annotations

from tools.http import QuietHandler

from .answers import LoginAnswer, error_page, redirect
from .clients import query_client
from .directory import Directory
from .sessions import Sessions


def logout(
    query: str, request: QuietHandler, directory: Directory, sessions: Sessions
) -> LoginAnswer:
    found = query_client(directory, query)
    if isinstance(found, LoginAnswer):
        return found
    params, client = found
    logout_uri = params.get("logout_uri")
    if not client.is_logout_url(logout_uri) or logout_uri is None:
        return error_page("logout_uri is not a registered sign-out URL.")
    return redirect(logout_uri, [sessions.end(request)])
