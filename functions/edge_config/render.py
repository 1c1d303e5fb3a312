"""Render the edge function's ``config.json``; shared by the custom resource and local tools.

Each trusted pool's issuer comes from the pool as deployed (``issuer_of`` reads Cognito's
DescribeUserPool answer: its ARN's region and its ``IssuerConfiguration``), never from a string
built by hand, and its JWKS is fetched from that issuer. The rendered document is validated
with the edge function's own parser before it is used, so a configuration the edge would
reject fails the deployment with a readable reason instead of shipping a function that denies
everything.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from shared.custom_resource.retry import OutOfTimeError, until_deadline
from shared.patterns import ISSUER_HOSTS
from shared.trust.config import parse_config
from shared.trust.errors import ConfigError, JwksFetchError, JwksUrlRefusedError
from shared.trust.jwks_fetch import fetch_jwks

#: One attempt at fetching a pool's JWKS, and all of them: a pool whose keys are not served
#: after a minute of tries is not merely new.
JWKS_FETCH_TIMEOUT_SECONDS = 10.0
JWKS_RETRY_SECONDS = 60.0


def issuer_of(user_pool: Mapping[str, Any]) -> str:
    """The issuer of the pool that DescribeUserPool's ``UserPool`` describes; ``ConfigError``
    when the description does not say which (no ARN, an unknown issuer type)."""
    pool_id, arn = user_pool.get("Id"), user_pool.get("Arn")
    if not isinstance(pool_id, str) or not isinstance(arn, str) or arn.count(":") < 5:
        raise ConfigError("DescribeUserPool returned no pool ID and ARN")
    region = arn.split(":")[3]
    kind = (user_pool.get("IssuerConfiguration") or {}).get("Type", "ORIGINAL")
    if kind not in ISSUER_HOSTS:
        raise ConfigError(f"user pool {pool_id} has an issuer type this edge does not know: {kind}")
    return f"https://{ISSUER_HOSTS[kind]}.{region}.amazonaws.com/{pool_id}"


class TrustedPool(NamedTuple):
    """One pool's entry in the rendered config: ``jwks`` is baked in, ``jwks_url`` optional."""

    issuer: str
    client_ids: Sequence[str]
    token_use: Sequence[str]
    required_groups: Sequence[str]
    jwks: dict[str, Any]
    jwks_url: str | None = None

    def document(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "issuer": self.issuer,
            "client_ids": list(self.client_ids),
            "token_use": list(self.token_use),
            "required_groups": list(self.required_groups),
            "jwks": self.jwks,
        }
        if self.jwks_url is not None:
            entry["jwks_url"] = self.jwks_url
        return entry


def render_edge_config(
    *,
    pools: Sequence[TrustedPool],
    cookie_name: str | None = None,
    cors_allowed_origins: Sequence[str] = (),
    service: str | None = None,
    metrics_namespace: str | None = None,
    log_level: str | None = None,
) -> dict[str, Any]:
    """The config document, checked by ``edge_auth.config.parse_config``; raises ConfigError."""
    config: dict[str, Any] = {"pools": [pool.document() for pool in pools]}
    optional = {
        "cookie_name": cookie_name,
        "cors_allowed_origins": list(cors_allowed_origins) or None,
        "service": service,
        "metrics_namespace": metrics_namespace,
        "log_level": log_level,
    }
    config.update({key: value for key, value in optional.items() if value is not None})
    parse_config(config)
    return config


def pool_jwks(
    issuer: str, jwks_url: str | None = None, *, deadline: float = math.inf
) -> dict[str, Any]:
    """The user pool's JWKS, from ``<issuer>/.well-known/jwks.json`` unless overridden.

    The pool may have been created seconds ago, so a failed fetch is tried again with growing
    pauses (``shared.custom_resource.retry``) for up to ``JWKS_RETRY_SECONDS``, never past
    ``deadline`` (``time.monotonic()``); then ``JwksFetchError`` says what the last attempt
    met and how long it tried. A URL the fetch refuses is not tried again.
    """
    url = jwks_url or f"{issuer}/.well-known/jwks.json"
    try:
        return until_deadline(
            lambda left: fetch_jwks(url, min(JWKS_FETCH_TIMEOUT_SECONDS, left)),
            deadline=min(deadline, time.monotonic() + JWKS_RETRY_SECONDS),
            retryable=lambda exc: (
                isinstance(exc, JwksFetchError) and not isinstance(exc, JwksUrlRefusedError)
            ),
        )
    except OutOfTimeError as exc:
        raise JwksFetchError(str(exc)) from exc.last


def config_bytes(config: dict[str, Any]) -> bytes:
    """Canonical JSON, so the same settings always give the same bytes (and code hash)."""
    return json.dumps(config, sort_keys=True, separators=(",", ":")).encode("utf-8")


def config_digest(config: dict[str, Any]) -> str:
    return hashlib.sha256(config_bytes(config)).hexdigest()


__all__ = [
    "ConfigError",
    "TrustedPool",
    "config_bytes",
    "config_digest",
    "issuer_of",
    "pool_jwks",
    "render_edge_config",
]
