"""The edge function's configuration: a JSON file, parsed and validated once at start-up.

Lambda@Edge has no environment variables, so the deploy-time custom resource
(``functions/edge_config``) writes ``config.json`` beside this module inside the code package.
Tests and local tools point elsewhere with the ``EDGE_AUTH_CONFIG`` environment variable.

Unknown keys are an error: a typo such as ``required_group`` must stop the function from
trusting anything, not silently admit every user of the pool.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import rs256
from .errors import ConfigError

CONFIG_ENV_VAR = "EDGE_AUTH_CONFIG"
DEFAULT_CONFIG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.json")

TOKEN_USES = frozenset({"id", "access"})
LOG_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR"})

_ISSUER = re.compile(r"https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9-]+_[A-Za-z0-9]+")
# RFC 6265 cookie-name is an RFC 7230 token.
_COOKIE_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_NAME = re.compile(r"[A-Za-z0-9_.:/-]{1,255}")
# https to any host, plain http only to loopback; no userinfo, query or fragment.
_JWKS_URL = re.compile(
    r"(https://[A-Za-z0-9.-]+|http://(127\.0\.0\.1|localhost|\[::1\]))(:[0-9]{1,5})?(/[^\s?#@]*)?"
)

DEFAULT_SERVICE = "edge-auth"
DEFAULT_METRICS_NAMESPACE = "PrivateContent"

_REQUIRED = frozenset({"issuer", "client_ids", "token_use", "required_groups"})
_OPTIONAL = frozenset(
    {
        "jwks",
        "jwks_url",
        "cookie_name",
        "cors_allowed_origins",
        "service",
        "metrics_namespace",
        "log_level",
    }
)


class EdgeConfig(NamedTuple):
    """Validated settings. ``keys`` maps ``kid`` to JWK for the baked-in JWKS.

    A NamedTuple rather than a dataclass: ``dataclasses`` (and the ``inspect`` it pulls in)
    would add about 7 ms to every cold start of the edge function.
    """

    issuer: str
    client_ids: frozenset[str]
    token_uses: frozenset[str]
    required_groups: frozenset[str]
    jwks_url: str
    keys: Mapping[str, Mapping[str, Any]]
    cookie_name: str | None
    cors_allowed_origins: frozenset[str]
    service: str
    metrics_namespace: str
    log_level: str


def parse_jwks(jwks: object) -> dict[str, Mapping[str, Any]]:
    """Map ``kid`` to JWK for every usable RS256 signing key of a JSON Web Key Set.

    Keys of other types or uses are skipped (a JWKS may legitimately carry them); a set with no
    usable key at all, or a ``kid`` used twice, is an error.
    """
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise ConfigError('a JWKS is an object with a "keys" list')
    keys: dict[str, Mapping[str, Any]] = {}
    for jwk in jwks["keys"]:
        if not isinstance(jwk, Mapping):
            raise ConfigError("every JWKS entry must be an object")
        kid = jwk.get("kid")
        try:
            rs256.public_key(jwk)
        except ValueError:
            continue
        if not isinstance(kid, str) or not kid:
            raise ConfigError("every RS256 key needs a non-empty string kid")
        if kid in keys:
            raise ConfigError(f"kid {kid!r} appears twice in the JWKS")
        keys[kid] = dict(jwk)
    if not keys:
        raise ConfigError("the JWKS holds no usable RS256 signing key")
    return keys


def _string_set(
    raw: Mapping[str, Any], name: str, *, allow_empty: bool, pattern: re.Pattern[str] | None = None
) -> frozenset[str]:
    value = raw.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{name} must be a list of non-empty strings")
    if pattern is not None and not all(pattern.fullmatch(v) for v in value):
        raise ConfigError(f"{name} holds an invalid value: {value!r}")
    if not value and not allow_empty:
        raise ConfigError(f"{name} must not be empty")
    return frozenset(value)


def _optional_string(raw: Mapping[str, Any], name: str, pattern: re.Pattern[str]) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ConfigError(f"{name} is not valid: {value!r}")
    return value


def _jwks_url(raw: Mapping[str, Any], issuer: str) -> str:
    """The JWKS location: the pool's own, or an override (``https``, or ``http`` on loopback)."""
    url = raw.get("jwks_url", f"{issuer}/.well-known/jwks.json")
    if not isinstance(url, str):
        raise ConfigError("jwks_url must be a string")
    if not _JWKS_URL.fullmatch(url):
        raise ConfigError("jwks_url must be an https URL (http only on loopback)")
    return url


def parse_config(raw: object) -> EdgeConfig:
    """Validate a decoded ``config.json`` and return the settings, or raise ``ConfigError``."""
    if not isinstance(raw, Mapping):
        raise ConfigError("the configuration must be a JSON object")
    missing = sorted(_REQUIRED - raw.keys())
    unknown = sorted(raw.keys() - _REQUIRED - _OPTIONAL)
    if missing or unknown:
        raise ConfigError(f"configuration keys missing: {missing}, unknown: {unknown}")

    issuer = raw["issuer"]
    if not isinstance(issuer, str) or not _ISSUER.fullmatch(issuer):
        raise ConfigError(
            "issuer must look like https://cognito-idp.<region>.amazonaws.com/<user pool id>"
        )
    token_uses = _string_set(raw, "token_use", allow_empty=False)
    if not token_uses <= TOKEN_USES:
        raise ConfigError(f"token_use may only hold {sorted(TOKEN_USES)}")
    log_level = raw.get("log_level", "INFO")
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"log_level must be one of {sorted(LOG_LEVELS)}")

    return EdgeConfig(
        issuer=issuer,
        client_ids=_string_set(raw, "client_ids", allow_empty=False),
        token_uses=token_uses,
        required_groups=_string_set(raw, "required_groups", allow_empty=True),
        jwks_url=_jwks_url(raw, issuer),
        keys=parse_jwks(raw["jwks"]) if raw.get("jwks") is not None else {},
        cookie_name=_optional_string(raw, "cookie_name", _COOKIE_NAME),
        cors_allowed_origins=_string_set(
            raw, "cors_allowed_origins", allow_empty=True, pattern=_ORIGIN
        ),
        service=_optional_string(raw, "service", _NAME) or DEFAULT_SERVICE,
        metrics_namespace=(
            _optional_string(raw, "metrics_namespace", _NAME) or DEFAULT_METRICS_NAMESPACE
        ),
        log_level=log_level,
    )


def config_path() -> str:
    """``$EDGE_AUTH_CONFIG`` when set (tests, local tools), else ``config.json`` beside the code."""
    return os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH


def load_config(path: str) -> EdgeConfig:
    """Read and validate the configuration file at ``path``."""
    try:
        with open(path, encoding="utf-8") as file:
            raw = json.load(file)
    except FileNotFoundError as exc:
        raise ConfigError(f"no configuration file at {path}") from exc
    except (OSError, ValueError, RecursionError) as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
    return parse_config(raw)
