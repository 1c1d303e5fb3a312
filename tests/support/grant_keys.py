"""Grant keys in the secret's format (``shared.grant_secret``), generated per test run: no
grant key is ever committed."""

from __future__ import annotations

from shared.grant_secret import secret_string
from shared.grant_token import HmacKey, generate_key


def grant_secret(key: HmacKey | None = None) -> str:
    """The Secrets Manager value holding ``key`` (a new one when None)."""
    return secret_string(key if key is not None else generate_key())
