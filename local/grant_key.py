"""The local stack's grant key: generated at every start, kept in moto's Secrets Manager in the
format the Content Delivery function reads (``shared.grant_secret``), exactly as the deploy-time
GrantKey resource keeps it.

Never committed, never written to disk: each ``make local`` trusts a key that exists only in
that run's memory, so nothing deployable can ever trust it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from shared import grant_secret as secret

GRANT_SECRET_NAME = "private-content-local/grant-key"  # noqa: S105 - a name, not a secret
GRANT_ISSUER = "urn:private-content:local:grants"
#: The lifetime a default deployment gives grants: a few hours, longer than a lecture.
GRANT_LIFETIME_SECONDS = 4 * 3600


class LocalGrantKey(NamedTuple):
    secret_arn: str
    public_jwk: dict[str, Any]


def create_grant_key(secretsmanager: Any) -> LocalGrantKey:
    """Generate a grant key, store its private half in the secret, return the public JWK."""
    key = secret.generate()
    arn = secretsmanager.create_secret(
        Name=GRANT_SECRET_NAME, SecretString=secret.secret_string(key)
    )["ARN"]
    return LocalGrantKey(arn, secret.public_jwk(key))
