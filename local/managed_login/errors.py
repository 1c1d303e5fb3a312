"""The OAuth errors the stand-in answers with, as Cognito names them."""

from __future__ import annotations


class OAuthError(Exception):
    """An RFC 6749 error: ``error`` is the code a client branches on, ``description`` a short
    reason for people (never a secret)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)
