"""The local stack's grant key: generated at every start, kept in moto's Secrets Manager in the
format the Content Delivery function reads (``content_delivery.grants.parse_grant_key``).

Never committed, never written to disk: each ``make local`` trusts a key that exists only in
that run's memory, so nothing deployable can ever trust it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, NamedTuple

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

GRANT_SECRET_NAME = "private-content-local/grant-key"  # noqa: S105 - a name, not a secret
GRANT_ISSUER = "urn:private-content:local:grants"
#: The lifetime a default deployment gives grants: a few hours, longer than a lecture.
GRANT_LIFETIME_SECONDS = 4 * 3600


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class LocalGrantKey(NamedTuple):
    secret_arn: str
    public_jwk: dict[str, Any]

    def edge_grants(self) -> dict[str, Any]:
        """The edge config's ``grants`` entry: the public key only."""
        return {"issuer": GRANT_ISSUER, "jwks": {"keys": [self.public_jwk]}}


def create_grant_key(secretsmanager: Any) -> LocalGrantKey:
    """Generate an RSA-2048 key, store its private half in the secret, return the public JWK."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    n, e = _b64url_uint(numbers.n), _b64url_uint(numbers.e)
    # RFC 7638 thumbprint: a kid that names the key material, never reused for another key.
    thumbprint = hashlib.sha256(
        json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":")).encode()
    ).digest()
    kid = "grant-" + base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode("ascii")[:22]
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    arn = secretsmanager.create_secret(
        Name=GRANT_SECRET_NAME, SecretString=json.dumps({"kid": kid, "private_key": pem})
    )["ARN"]
    jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": n, "e": e}
    return LocalGrantKey(arn, jwk)
