"""The Content Delivery function's settings, read from its environment."""

from __future__ import annotations

import pytest

from content_delivery.errors import SettingsError
from content_delivery.settings import load_settings

ACCESS = {"ALL_ACCESS_GROUPS": "students", "ENROLMENT_TABLE": "enrolments"}


def test_settings_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "CATALOG_TABLE": "t",
            "CONTENT_BASE_URL": "https://d1.cloudfront.net",
            "APP_ORIGINS": "https://app.example",
            **ACCESS,
        }
    )
    assert settings.content_base_url == "https://d1.cloudfront.net"
    assert settings.access.all_access_groups == frozenset({"students"})
    assert settings.enrolment_table == "enrolments"


@pytest.mark.parametrize(
    "env",
    [
        {},
        {
            "CATALOG_TABLE": "t",
            "CONTENT_BASE_URL": "http://d1.cloudfront.net",
            "APP_ORIGINS": "https://a",
        },
        {"CATALOG_TABLE": "t", "CONTENT_BASE_URL": "https://d1/path", "APP_ORIGINS": "https://a"},
        {"CATALOG_TABLE": "t", "CONTENT_BASE_URL": "https://d1", "APP_ORIGINS": "https://a/"},
    ],
)
def test_invalid_settings_name_the_problem(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load_settings(env)


def test_loopback_http_is_allowed_for_the_local_stack() -> None:
    env = {
        "CATALOG_TABLE": "t",
        "CONTENT_BASE_URL": "http://127.0.0.1:8001",
        "APP_ORIGINS": "http://127.0.0.1:8000",
        **ACCESS,
    }
    assert load_settings(env).content_base_url == "http://127.0.0.1:8001"


VALID = {
    "CATALOG_TABLE": "t",
    "CONTENT_BASE_URL": "https://d1.cloudfront.net",
    "APP_ORIGINS": "https://app.example",
}


def test_several_all_access_groups_are_separated_by_commas() -> None:
    settings = load_settings({**VALID, **ACCESS, "ALL_ACCESS_GROUPS": "students,staff"})
    assert settings.access.all_access_groups == frozenset({"students", "staff"})


@pytest.mark.parametrize(
    "access",
    [
        {"ENROLMENT_TABLE": "enrolments"},
        {"ALL_ACCESS_GROUPS": "", "ENROLMENT_TABLE": "enrolments"},
        {"ALL_ACCESS_GROUPS": "students,", "ENROLMENT_TABLE": "enrolments"},
        {"ALL_ACCESS_GROUPS": "students, staff", "ENROLMENT_TABLE": "enrolments"},
        {"ALL_ACCESS_GROUPS": "students"},
        {"ALL_ACCESS_GROUPS": "students", "ENROLMENT_TABLE": ""},
    ],
)
def test_missing_or_unusable_access_settings_refuse_to_start(access: dict[str, str]) -> None:
    """An unset ALL_ACCESS_GROUPS must not become "every user reads everything", nor a
    missing enrolment table "nobody is enrolled"."""
    with pytest.raises(SettingsError, match=r"ALL_ACCESS_GROUPS|ENROLMENT_TABLE"):
        load_settings({**VALID, **access})


BASE = {
    "CATALOG_TABLE": "t",
    "CONTENT_BASE_URL": "https://d1.cloudfront.net",
    "APP_ORIGINS": "https://app.example",
    **ACCESS,
}
GRANTS = {
    "GRANT_SECRET_ID": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-grant-key-AbCdEf",
    "GRANT_LIFETIME_SECONDS": "14400",
    "GRANT_STORE_ARN": "arn:aws:cloudfront::123456789012:key-value-store/0123abcd-4567-89ef",
}


def test_grant_settings_are_read_together() -> None:
    grants = load_settings({**BASE, **GRANTS}).grants
    assert grants is not None
    assert (grants.lifetime_seconds, grants.store_arn) == (14400, GRANTS["GRANT_STORE_ARN"])


def test_without_grant_settings_grants_are_off() -> None:
    assert load_settings(BASE).grants is None


@pytest.mark.parametrize(
    "override",
    [
        {"GRANT_SECRET_ID": ""},
        {"GRANT_STORE_ARN": ""},
        {"GRANT_LIFETIME_SECONDS": ""},
        {"GRANT_LIFETIME_SECONDS": "299"},
        {"GRANT_LIFETIME_SECONDS": "86401"},
        {"GRANT_LIFETIME_SECONDS": "4h"},
        {"GRANT_STORE_ARN": "arn:aws:s3:::a-bucket"},
        {"GRANT_STORE_ARN": "arn:aws:cloudfront::123456789012:distribution/E1"},
    ],
)
def test_partial_or_out_of_bounds_grant_settings_are_an_error(override: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="GRANT_"):
        load_settings({**BASE, **GRANTS, **override})


def test_several_app_origins_are_separated_by_commas() -> None:
    settings = load_settings({**BASE, "APP_ORIGINS": "https://app.example,https://staging.example"})
    assert settings.app_origins == ("https://app.example", "https://staging.example")


@pytest.mark.parametrize(
    "origins",
    ["", "https://app.example,", "https://app.example, https://b.example", "https://a/,https://b"],
)
def test_an_app_origins_list_with_anything_but_origins_refuses_to_start(origins: str) -> None:
    """One bad entry is a configuration error, not an origin quietly left out."""
    with pytest.raises(SettingsError, match="APP_ORIGINS"):
        load_settings({**BASE, "APP_ORIGINS": origins})
