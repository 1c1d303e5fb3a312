"""The local stack's grant key: generated at every start, written first to the local grant
KeyValueStore (where the CloudFront Function finds it) and then to moto's Secrets Manager (where
the Content Delivery function reads it), in the formats the deployed stack uses
(``shared.grant_store``, ``shared.grant_secret``).

Never committed, never written to disk: each ``make local`` trusts a key that exists only in
that run's memory, so nothing deployable can ever trust it.
"""

from __future__ import annotations

from typing import Any

from shared.grant_keys import first_key
from shared.grant_secret import secret_string
from shared.grant_token import HmacKey
from shared.key_value_store import KeyValueStore

GRANT_SECRET_NAME = "private-content-local/grant-key"  # noqa: S105 - a name, not a secret
GRANT_STORE_NAME = "private-content-local-grants"
#: The lifetime a default deployment gives grants: a few hours, longer than a lecture.
GRANT_LIFETIME_SECONDS = 4 * 3600


def create_grant_key(secretsmanager: Any, store: KeyValueStore) -> str:
    """The first grant key, made as the deploy-time GrantKey resource makes it (into
    ``store``, then into a new secret); the secret's ARN."""
    arns: list[str] = []

    def create_secret(key: HmacKey) -> None:
        created = secretsmanager.create_secret(
            Name=GRANT_SECRET_NAME, SecretString=secret_string(key)
        )
        arns.append(created["ARN"])

    first_key(store, create_secret)
    return arns[0]
