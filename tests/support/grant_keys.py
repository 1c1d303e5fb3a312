"""Grant keys in the secret's format (``content_delivery.grants.parse_grant_key``), generated
per test run: no private grant key is ever committed."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives import serialization

from tests.support.tokens import SigningKey


def grant_secret(key: SigningKey) -> str:
    """The Secrets Manager value holding ``key``: ``{"kid", "private_key"}`` (PKCS#8 PEM)."""
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return json.dumps({"kid": key.kid, "private_key": pem.decode("ascii")})
