"""Grant keys in the secret's format (``shared.grant_secret``), generated per test run: no
private grant key is ever committed."""

from __future__ import annotations

from shared.grant_secret import GrantKey, secret_string
from testkit.tokens import SigningKey


def grant_secret(key: SigningKey) -> str:
    """The Secrets Manager value holding ``key``: ``{"kid", "private_key"}`` (PKCS#8 PEM)."""
    return secret_string(GrantKey(key.kid, key.private_key))
