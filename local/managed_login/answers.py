"""What the stand-in answers with: HTML pages, redirects, JSON documents and short texts."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from tools.http import QuietHandler

from .errors import OAuthError

_PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
]


class LoginAnswer:
    """One HTTP answer; ``send`` writes it."""

    def __init__(
        self, status: int, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.status = status
        self.body = body
        self.headers = list(headers)

    def send(self, request: QuietHandler) -> None:
        request.send_body(self.status, self.headers, self.body)


def page(status: int, title: str, body: str, form_origins: Sequence[str] = ()) -> LoginAnswer:
    """An HTML page that runs no script and may post forms to itself and ``form_origins``."""
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
    return LoginAnswer(
        status, document.encode(), [*_PAGE_HEADERS, ("Content-Security-Policy", csp)]
    )


def error_page(message: str) -> LoginAnswer:
    return page(400, "Sign-in error", f'<p class="error" id="error">{html.escape(message)}</p>')


def redirect(url: str, headers: Sequence[tuple[str, str]] = ()) -> LoginAnswer:
    return LoginAnswer(
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


def with_state(params: dict[str, str], state: str | None) -> dict[str, str]:
    """``state`` exactly as the client sent it, when it sent one."""
    return params if state is None else {**params, "state": state}


def error_fields(exc: OAuthError) -> dict[str, str]:
    """The error as RFC 6749 puts it in a redirect's query or a JSON answer."""
    return {"error": exc.error, "error_description": exc.description}


def json_answer(
    status: int, document: Mapping[str, Any] | None, cors: Sequence[tuple[str, str]]
) -> LoginAnswer:
    body = b"" if document is None else json.dumps(document).encode()
    return LoginAnswer(
        status,
        body,
        [
            ("Content-Type", "application/json;charset=UTF-8"),
            ("Cache-Control", "no-store"),
            ("Pragma", "no-cache"),
            *cors,
        ],
    )


def text_answer(status: int, text: str) -> LoginAnswer:
    return LoginAnswer(status, text.encode(), [("Content-Type", "text/plain")])
