"""Catalog items, IDs, settings and URLs: the pure parts of the Content Delivery API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from content_delivery.errors import CatalogItemError, InvalidIdError, SettingsError
from content_delivery.model import ContentItem, ContentKey, validate_id
from content_delivery.settings import load_settings
from local.samples import SAMPLE_ITEMS


@pytest.mark.parametrize("value", ["", " ", "a" * 65, "a/b", "a.b", "ü", "a\n"])
def test_validate_id_refuses_values_outside_the_rule(value: str) -> None:
    with pytest.raises(InvalidIdError, match="1-64 characters"):
        validate_id(value)


@pytest.mark.parametrize("item", SAMPLE_ITEMS, ids=lambda item: item.content_id)
def test_items_survive_a_round_trip_through_dynamodb_form(item: ContentItem) -> None:
    stored = {k: Decimal(v) if isinstance(v, int) else v for k, v in item.to_dynamo().items()}
    assert ContentItem.from_dynamo(stored) == item


@pytest.mark.parametrize(
    "change",
    [
        {"type": "podcast"},
        {"key": ""},
        {"position": Decimal("1.5")},
        {"position": "1"},
        {"size": True},
        {"title": None},
    ],
)
def test_off_model_items_are_refused(change: dict[str, Any]) -> None:
    stored = {**SAMPLE_ITEMS[0].to_dynamo(), **change}
    stored = {k: v for k, v in stored.items() if v is not None}
    with pytest.raises(CatalogItemError):
        ContentItem.from_dynamo(stored)


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("courses/a/b.mp4", "courses/a/b.mp4"),
        ("courses/a b.pdf", "courses/a%20b.pdf"),
        ("courses/a+b.pdf", "courses/a%2Bb.pdf"),
        ("courses/50%.json", "courses/50%25.json"),
        ("courses/what?#.txt", "courses/what%3F%23.txt"),
        ("courses/vidéo.mp4", "courses/vid%C3%A9o.mp4"),
    ],
)
def test_content_urls_encode_each_key_segment(key: str, path: str) -> None:
    url = ContentKey.parse(key).url("https://cdn.example.com")
    assert url == f"https://cdn.example.com/{path}"


@pytest.mark.parametrize(
    "key",
    [
        "",
        "courses",
        "courses/",
        "videos/a.mp4",
        "/courses/a.mp4",
        "courses//a.mp4",
        "courses/a/",
        "courses/../secret.pdf",
        "courses/a/../../b.pdf",
        "courses/./a.pdf",
        "https://evil.example/courses/a.mp4",
        "//evil.example/a.mp4",
        "courses\\..\\a.pdf",
        "courses/a\\b.pdf",
        "courses/a\nb.pdf",
        "courses/a\x00.pdf",
        "courses/a\x7f.pdf",
        "courses/" + "a" * 1017,
    ],
)
def test_a_key_that_is_not_clean_under_courses_is_refused(key: str) -> None:
    with pytest.raises(CatalogItemError, match="object key"):
        ContentKey.parse(key)


@pytest.mark.parametrize("key", ["courses/../secret.pdf", "https://evil.example/a.mp4"])
def test_an_item_with_an_unclean_key_is_broken(key: str) -> None:
    stored = {**SAMPLE_ITEMS[0].to_dynamo(), "key": key}
    with pytest.raises(CatalogItemError, match="aws-101-intro"):
        ContentItem.from_dynamo(stored)


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
