"""The edge function's ``config.json``: its format, validated in one place.

The edge function reads it at start-up (``edge_auth.config``); the deploy-time custom resource
(``functions/edge_config``) renders it and validates it with this same parser before shipping
it, so a configuration the edge would reject fails the deployment instead.

The file names the user pools whose tokens are accepted, each with its own app clients, token
uses, all-access groups and keys::

    {"pools": [{"issuer": "https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>",
                "client_ids": [...], "token_use": ["id"], "required_groups": [...],
                "jwks": {...}, "jwks_url": "..."}, ...],
     "cookie_name": "...", "cors_allowed_origins": [...], "service": "...", ...}

A file in the first format (one pool's keys at the top level, no ``pools``) still loads as
that one pool. Only a pool's ``required_groups`` read content on a token; the
``course_group_prefix`` of earlier versions is an unknown key now, refused like any other, so
no configuration can make a course group open anything. So is ``grants``: content grants are
checked by the CloudFront Function of the ``/g/*`` behavior, and no configuration can make
this function trust a grant key. Either issuer format names the same pool, and the pool's
tokens are accepted under both (see ``pool_issuers``).

Unknown keys are an error: a typo such as ``required_group`` must stop the function from
trusting anything, not silently admit every user of the pool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from shared.access import AccessRule
from shared.patterns import COOKIE_NAME, ISSUER, NAME, ORIGIN

from .errors import ConfigError, InvalidJwksError
from .keyset import KeySet, parse_jwks

TOKEN_USES = frozenset({"id", "access"})
LOG_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR"})

#: https to any host, plain http only to loopback (tests, ``make local``); no userinfo, query
#: or fragment. The one home of this rule: ``jwks_fetch`` splits each URL with it again.
JWKS_URL = re.compile(
    r"(?:https://(?P<host>[A-Za-z0-9.-]+)|http://(?P<loopback>127\.0\.0\.1|localhost|\[::1\]))"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/[^\s?#@]*)?"
)

DEFAULT_SERVICE = "edge-auth"
DEFAULT_METRICS_NAMESPACE = "PrivateContent"

#: One pool's settings, in a ``pools`` entry or (today's format) at the top level.
_POOL_REQUIRED = frozenset({"issuer", "client_ids", "token_use", "required_groups"})
_POOL_OPTIONAL = frozenset({"jwks", "jwks_url"})
_EDGE_OPTIONAL = frozenset(
    {"cookie_name", "cors_allowed_origins", "service", "metrics_namespace", "log_level"}
)
#: The most pools one edge trusts: each may cost a JWKS refresh, and few platforms need more.
MAX_POOLS = 8


def pool_issuers(issuer: str) -> frozenset[str]:
    """Both issuer strings of the pool that ``issuer`` (either format) names.

    A pool switched from ORIGINAL to UPDATED still has live tokens of the old format, so the
    edge accepts both, and nothing else: same region, same pool ID, exact strings.
    """
    match = ISSUER.fullmatch(issuer)
    if match is None:
        raise ConfigError(
            "issuer must look like https://cognito-idp.<region>.amazonaws.com/<user pool id> "
            "or https://issuer-cognito-idp.<region>.amazonaws.com/<user pool id>"
        )
    region, pool_id = match["region"], match["pool_id"]
    return frozenset(
        {
            f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
            f"https://issuer-cognito-idp.{region}.amazonaws.com/{pool_id}",
        }
    )


class PoolConfig(NamedTuple):
    """One user pool the edge trusts: its issuers, app clients, token uses, access rule (its
    ``required_groups`` are the rule's all-access groups) and keys."""

    user_pool_id: str
    issuers: frozenset[str]
    client_ids: frozenset[str]
    token_uses: frozenset[str]
    access: AccessRule
    jwks_url: str
    keys: KeySet


class EdgeConfig(NamedTuple):
    """Validated settings: the trusted pools, then what applies to every request.

    NamedTuples rather than dataclasses: ``dataclasses`` (and the ``inspect`` it pulls in)
    would add about 7 ms to every cold start of the edge function.
    """

    pools: tuple[PoolConfig, ...]
    cookie_name: str | None
    cors_allowed_origins: frozenset[str]
    service: str
    metrics_namespace: str
    log_level: str


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


def _check_keys(raw: Mapping[str, Any], required: frozenset[str], optional: frozenset[str]) -> None:
    missing = sorted(required - raw.keys())
    unknown = sorted(raw.keys() - required - optional)
    if missing or unknown:
        raise ConfigError(f"configuration keys missing: {missing}, unknown: {unknown}")


def _jwks_url(raw: Mapping[str, Any], issuer: str) -> str:
    """The JWKS location: the pool's own, or an override (``https``, or ``http`` on loopback)."""
    url = raw.get("jwks_url", f"{issuer}/.well-known/jwks.json")
    if not isinstance(url, str):
        raise ConfigError("jwks_url must be a string")
    if not JWKS_URL.fullmatch(url):
        raise ConfigError("jwks_url must be an https URL (http only on loopback)")
    return url


def _pool(raw: object) -> PoolConfig:
    if not isinstance(raw, Mapping):
        raise ConfigError("every pool must be a JSON object")
    _check_keys(raw, _POOL_REQUIRED, _POOL_OPTIONAL)
    issuer = raw["issuer"]
    if not isinstance(issuer, str):
        raise ConfigError("issuer must be a string")
    issuers = pool_issuers(issuer)
    token_uses = _string_set(raw, "token_use", allow_empty=False)
    if not token_uses <= TOKEN_USES:
        raise ConfigError(f"token_use may only hold {sorted(TOKEN_USES)}")
    try:
        keys = parse_jwks(raw["jwks"]) if raw.get("jwks") is not None else {}
    except InvalidJwksError as exc:
        raise ConfigError(f"jwks: {exc}") from exc
    access = AccessRule.create(_string_set(raw, "required_groups", allow_empty=True))
    return PoolConfig(
        user_pool_id=issuer.rsplit("/", 1)[1],
        issuers=issuers,
        client_ids=_string_set(raw, "client_ids", allow_empty=False),
        token_uses=token_uses,
        access=access,
        jwks_url=_jwks_url(raw, issuer),
        keys=keys,
    )


def _pools(raw: Mapping[str, Any]) -> tuple[PoolConfig, ...]:
    """``pools`` (a list of pool objects), or today's format: one pool's keys at the top."""
    if "pools" not in raw:
        _check_keys(raw, _POOL_REQUIRED, _POOL_OPTIONAL | _EDGE_OPTIONAL)
        return (_pool({k: v for k, v in raw.items() if k not in _EDGE_OPTIONAL}),)
    _check_keys(raw, frozenset({"pools"}), _EDGE_OPTIONAL)
    entries = raw["pools"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_POOLS:
        raise ConfigError(f"pools must be a list of 1 to {MAX_POOLS} pool objects")
    pools = tuple(_pool(entry) for entry in entries)
    ids = [pool.user_pool_id for pool in pools]
    if len(set(ids)) != len(ids):
        raise ConfigError("a user pool appears twice in pools")
    return pools


def parse_config(raw: object) -> EdgeConfig:
    """Validate a decoded ``config.json`` and return the settings, or raise ``ConfigError``."""
    if not isinstance(raw, Mapping):
        raise ConfigError("the configuration must be a JSON object")
    pools = _pools(raw)
    log_level = raw.get("log_level", "INFO")
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"log_level must be one of {sorted(LOG_LEVELS)}")
    return EdgeConfig(
        pools=pools,
        cookie_name=_optional_string(raw, "cookie_name", COOKIE_NAME),
        cors_allowed_origins=_string_set(
            raw, "cors_allowed_origins", allow_empty=True, pattern=ORIGIN
        ),
        service=_optional_string(raw, "service", NAME) or DEFAULT_SERVICE,
        metrics_namespace=(
            _optional_string(raw, "metrics_namespace", NAME) or DEFAULT_METRICS_NAMESPACE
        ),
        log_level=log_level,
    )
