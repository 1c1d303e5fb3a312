"""Which app client a request speaks for."""

from __future__ import annotations

from collections.abc import Mapping

from tools.http import QuietHandler

from .answers import LoginAnswer, error_page
from .directory import AppClient, Directory
from .errors import OAuthError, invalid_request
from .request_input import fields

UNKNOWN_CLIENT = "Unknown app client (client_id)."


def query_client(
    directory: Directory, query: str
) -> tuple[dict[str, str], AppClient] | LoginAnswer:
    """The query's fields and the app client its ``client_id`` names; or, when the query is
    malformed or names no client, the error page: with no client there is no registered URL
    to redirect to."""
    try:
        params = fields(query)
    except OAuthError as exc:
        return error_page(exc.description)
    client = directory.client(params.get("client_id"))
    if client is None:
        return error_page(UNKNOWN_CLIENT)
    return params, client


def public_client(
    directory: Directory, request: QuietHandler, form: Mapping[str, str]
) -> AppClient:
    """The form's ``client_id``, a client without a secret; ``invalid_client`` for an unknown
    one, one with a secret, or a request that presents credentials."""
    if not form.get("client_id"):
        raise invalid_request("client_id is required")
    client = directory.client(form["client_id"])
    if client is None or client.has_secret or request.headers.get("Authorization"):
        # This stand-in serves public clients only: no secret to present, none accepted.
        raise OAuthError("invalid_client", "unknown client, or client credentials sent")
    return client
