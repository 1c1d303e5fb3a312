"""The Content Delivery function's settings, read from its environment."""

from __future__ import annotations

import pytest

from content_delivery.errors import SettingsError
from content_delivery.settings import load_settings


def test_settings_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "CATALOG_TABLE": "t",
            "CONTENT_BASE_URL": "https://d1.cloudfront.net",
            "APP_ORIGIN": "https://app.example",
        }
    )
    assert settings.content_base_url == "https://d1.cloudfront.net"


@pytest.mark.parametrize(
    "env",
    [
        {},
        {
            "CATALOG_TABLE": "t",
            "CONTENT_BASE_URL": "http://d1.cloudfront.net",
            "APP_ORIGIN": "https://a",
        },
        {"CATALOG_TABLE": "t", "CONTENT_BASE_URL": "https://d1/path", "APP_ORIGIN": "https://a"},
        {"CATALOG_TABLE": "t", "CONTENT_BASE_URL": "https://d1", "APP_ORIGIN": "https://a/"},
    ],
)
def test_invalid_settings_name_the_problem(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load_settings(env)


def test_loopback_http_is_allowed_for_the_local_stack() -> None:
    env = {
        "CATALOG_TABLE": "t",
        "CONTENT_BASE_URL": "http://127.0.0.1:8001",
        "APP_ORIGIN": "http://127.0.0.1:8000",
    }
    assert load_settings(env).content_base_url == "http://127.0.0.1:8001"
