"""Render the edge function's ``config.json``; shared by the custom resource and local tools.

The rendered document is validated with the edge function's own parser before it is used, so a
configuration the edge would reject fails the deployment with a readable reason instead of
shipping a function that denies everything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from edge_auth.config import parse_config
from edge_auth.errors import ConfigError
from edge_auth.jwks_fetch import fetch_jwks

JWKS_FETCH_TIMEOUT_SECONDS = 10.0


def render_edge_config(
    *,
    issuer: str,
    client_ids: Sequence[str],
    token_use: Sequence[str],
    required_groups: Sequence[str],
    jwks: dict[str, Any],
    cookie_name: str | None = None,
    cors_allowed_origins: Sequence[str] = (),
    jwks_url: str | None = None,
    service: str | None = None,
    metrics_namespace: str | None = None,
    log_level: str | None = None,
) -> dict[str, Any]:
    """The config document, checked by ``edge_auth.config.parse_config``; raises ConfigError."""
    config: dict[str, Any] = {
        "issuer": issuer,
        "client_ids": list(client_ids),
        "token_use": list(token_use),
        "required_groups": list(required_groups),
        "jwks": jwks,
    }
    optional = {
        "cookie_name": cookie_name,
        "cors_allowed_origins": list(cors_allowed_origins) or None,
        "jwks_url": jwks_url,
        "service": service,
        "metrics_namespace": metrics_namespace,
        "log_level": log_level,
    }
    config.update({key: value for key, value in optional.items() if value is not None})
    parse_config(config)
    return config


def pool_jwks(issuer: str, jwks_url: str | None = None) -> dict[str, Any]:
    """The user pool's JWKS, from ``<issuer>/.well-known/jwks.json`` unless overridden."""
    return fetch_jwks(jwks_url or f"{issuer}/.well-known/jwks.json", JWKS_FETCH_TIMEOUT_SECONDS)


def config_bytes(config: dict[str, Any]) -> bytes:
    """Canonical JSON, so the same settings always give the same bytes (and code hash)."""
    return json.dumps(config, sort_keys=True, separators=(",", ":")).encode("utf-8")


def config_digest(config: dict[str, Any]) -> str:
    return hashlib.sha256(config_bytes(config)).hexdigest()


__all__ = ["ConfigError", "config_bytes", "config_digest", "pool_jwks", "render_edge_config"]
