"""The function's settings, read from its environment once at start-up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared.access import AccessRule
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.patterns import KEY_VALUE_STORE_ARN, ORIGIN

from .errors import SettingsError

# https for any host; plain http only on loopback (the local stack of `make local`).
_BASE_URL = re.compile(r"https://[A-Za-z0-9.-]+|http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?")
#: The shortest grant worth issuing: a grant shorter than a page's life breaks the page.
MIN_GRANT_LIFETIME_SECONDS = 300


def app_origins(env: Mapping[str, str]) -> tuple[str, ...] | None:
    """``APP_ORIGINS`` (origins separated by commas) when every one is a valid origin, even if
    other settings are not; None when it is unset, empty or holds anything else."""
    origins = tuple(env.get("APP_ORIGINS", "").split(","))
    return origins if all(ORIGIN.fullmatch(origin) for origin in origins) else None


@dataclass(frozen=True)
class Settings:
    catalog_table: str
    content_base_url: str
    #: The web app's origins: CORS answers name the request's Origin only if it is one of them.
    app_origins: tuple[str, ...]
    #: Who reads every course on their token: the edge's rule, from ALL_ACCESS_GROUPS.
    access: AccessRule
    #: Everyone else's enrolments (ENROLMENT_TABLE).
    enrolment_table: str
    #: Content grants in every URL (GRANT_SECRET_ID, GRANT_LIFETIME_SECONDS, GRANT_STORE_ARN,
    #: all three or none); None: URLs without grants, for the token cookie or header.
    grants: GrantSettings | None = None


@dataclass(frozen=True)
class GrantSettings:
    #: The secret holding the current grant key (``shared.grant_secret``).
    secret_id: str
    lifetime_seconds: int
    #: The grant KeyValueStore (``shared.grant_store``), where revocations are written.
    store_arn: str


def _grants(env: Mapping[str, str], problems: list[str]) -> GrantSettings | None:
    names = ("GRANT_SECRET_ID", "GRANT_LIFETIME_SECONDS", "GRANT_STORE_ARN")
    present = [name for name in names if env.get(name)]
    if not present:
        return None
    if len(present) != len(names):
        problems.append(f"{', '.join(names)} must be set together")
        return None
    lifetime, store_arn = env["GRANT_LIFETIME_SECONDS"], env["GRANT_STORE_ARN"]
    if not KEY_VALUE_STORE_ARN.fullmatch(store_arn):
        problems.append(f"GRANT_STORE_ARN is not a KeyValueStore ARN: {store_arn!r}")
        return None
    bounds = range(MIN_GRANT_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS + 1)
    if not lifetime.isdigit() or int(lifetime) not in bounds:
        problems.append(
            f"GRANT_LIFETIME_SECONDS must be {MIN_GRANT_LIFETIME_SECONDS}-{MAX_LIFETIME_SECONDS}"
        )
        return None
    return GrantSettings(env["GRANT_SECRET_ID"], int(lifetime), store_arn)


def _access(env: Mapping[str, str], problems: list[str]) -> AccessRule | None:
    """ALL_ACCESS_GROUPS (comma-separated; API Gateway joins a token's groups with commas, so
    no name may hold one), required: an unset variable must not open every course."""
    groups = env.get("ALL_ACCESS_GROUPS", "").split(",")
    if not all(group and group == group.strip() for group in groups):
        problems.append("ALL_ACCESS_GROUPS must be group names separated by commas")
        return None
    return AccessRule.create(groups)


def load_settings(env: Mapping[str, str]) -> Settings:
    """Validate the environment; raises ``SettingsError`` naming every problem at once."""
    problems = []
    table = env.get("CATALOG_TABLE", "")
    enrolment_table = env.get("ENROLMENT_TABLE", "")
    base_url = env.get("CONTENT_BASE_URL", "")
    origins = app_origins(env)
    if not table:
        problems.append("CATALOG_TABLE is not set")
    if not enrolment_table:
        problems.append("ENROLMENT_TABLE is not set")
    if not _BASE_URL.fullmatch(base_url):
        problems.append(f"CONTENT_BASE_URL must be https://<host> (no path), got {base_url!r}")
    if origins is None:
        problems.append(
            "APP_ORIGINS must be scheme://host[:port] origins separated by commas,"
            f" got {env.get('APP_ORIGINS')!r}"
        )
    access = _access(env, problems)
    grants = _grants(env, problems)
    if problems or origins is None or access is None:
        raise SettingsError("; ".join(problems))
    return Settings(
        catalog_table=table,
        content_base_url=base_url,
        app_origins=origins,
        access=access,
        enrolment_table=enrolment_table,
        grants=grants,
    )
