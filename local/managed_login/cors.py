"""CORS for the token and revoke endpoints: an app's page may call them from its own origin
(an origin of one of the client's callback URLs) and from no other."""

from __future__ import annotations

from tools.http import QuietHandler

from .answers import LoginAnswer, text_answer
from .directory import Directory


def cors_headers(request: QuietHandler, origins: set[str]) -> list[tuple[str, str]]:
    """The headers that let the request's origin read the answer, when it is one of
    ``origins``; none otherwise."""
    origin = request.headers.get("Origin")
    if origin is None or origin not in origins:
        return []
    return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]


def preflight(request: QuietHandler, directory: Directory) -> LoginAnswer:
    """``OPTIONS``: 204 for the origin of any app client's callback URL, 403 otherwise."""
    origins = set().union(*(client.origins() for client in directory.clients()))
    cors = cors_headers(request, origins)
    if not cors:
        return text_answer(403, "origin not allowed\n")
    return LoginAnswer(
        204,
        headers=[
            *cors,
            ("Access-Control-Allow-Methods", "POST"),
            ("Access-Control-Allow-Headers", "Content-Type"),
            ("Access-Control-Max-Age", "600"),
        ],
    )
