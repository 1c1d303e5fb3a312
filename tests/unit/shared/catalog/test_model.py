"""The catalog's model: IDs, titles, keys, files and their types, items and their URLs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from local.samples import SAMPLE_DIR, SAMPLE_ITEMS
from shared.catalog.errors import CatalogItemError, InvalidValueError
from shared.catalog.model import (
    FIRST_POSITION,
    ContentItem,
    ContentKey,
    Course,
    validate_id,
    validate_position,
    validate_title,
)
from tools.publishing.draft import Draft
from tools.publishing.invalidation import cached_paths
from tools.publishing.media_types import FileKind


@pytest.mark.parametrize("value", ["", " ", "a" * 65, "a/b", "a.b", "ü", "a\n", "_x", "_"])
def test_validate_id_refuses_values_outside_the_rule(value: str) -> None:
    with pytest.raises(InvalidValueError, match="1-64 characters"):
        validate_id(value)


@pytest.mark.parametrize("value", ["a", "a_b", "-a", "A" * 64, "x_"])
def test_validate_id_accepts_values_inside_the_rule(value: str) -> None:
    assert validate_id(value) == value


@pytest.mark.parametrize(
    "title", ["", "   ", "a" * 201, "line one\nline two", "tab\tbed", "a\rb", "bell\x07"]
)
def test_a_title_must_be_one_clean_line(title: str) -> None:
    with pytest.raises(InvalidValueError, match="one line"):
        validate_title(title)


def test_a_title_is_stripped() -> None:
    assert validate_title("  Welcome  ") == "Welcome"


@pytest.mark.parametrize("position", [0, -1])
def test_new_positions_start_at_one(position: int) -> None:
    with pytest.raises(InvalidValueError, match=f"{FIRST_POSITION} or more"):
        validate_position(position)


@pytest.mark.parametrize(
    ("name", "media_type", "type_", "expected"),
    [
        ("intro.MP4", None, None, (".mp4", "video/mp4", "video")),
        ("quiz.json", None, "quiz", (".json", "application/json", "quiz")),
        ("notes.pdf", None, None, (".pdf", "application/pdf", "assignment")),
        ("starter.tgz", "application/gzip", None, (".tgz", "application/gzip", "assignment")),
        ("README", "text/plain", "assignment", ("", "text/plain", "assignment")),
    ],
)
def test_a_file_s_kind_comes_from_its_extension_or_media_type(
    name: str, media_type: str | None, type_: str | None, expected: tuple[str, str, str]
) -> None:
    kind = FileKind.of(name, media_type, type_)
    assert (kind.extension, kind.media_type, kind.type) == expected


@pytest.mark.parametrize(
    ("name", "media_type", "type_", "message"),
    [
        ("quiz.json", None, "video", "contradicts"),
        ("intro.mp4", None, "quiz", "contradicts"),
        ("notes.pdf", "video/mp4", None, "contradicts"),
        ("intro.mp4", "application/pdf", None, "contradicts"),
        ("notes.pdf", "pdf", None, "not a media type"),
        ("notes.pdf", "application/pdf; charset=x", None, "not a media type"),
        ("notes.pdf", "Application/PDF", None, "not a media type"),
        ("notes.pdf", "application/pdf\r\nX-Evil: 1", None, "not a media type"),
        ("notes.unknownext", None, None, "pass --content-type"),
        ("notes.p df", None, None, "extension"),
    ],
)
def test_a_file_s_kind_must_not_contradict_itself(
    name: str, media_type: str | None, type_: str | None, message: str
) -> None:
    with pytest.raises(InvalidValueError, match=message):
        FileKind.of(name, media_type, type_)


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
        "courses/_staging/a.mp4",
        "courses/c/_x.pdf",
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


@pytest.mark.parametrize(
    "key", ["courses/aws-201/aws-101-intro/x.mp4", "courses/aws-1010/x.mp4", "courses/x.mp4"]
)
def test_an_item_whose_key_is_under_another_course_is_broken(key: str) -> None:
    """Else a learner of course A would be handed a URL into course B (the edge refuses it,
    but the API must not promise it)."""
    stored = {**SAMPLE_ITEMS[0].to_dynamo(), "key": key}
    with pytest.raises(CatalogItemError, match="not under its course aws-101"):
        ContentItem.from_dynamo(stored)


def test_each_publish_gets_a_key_of_its_own() -> None:
    key = ContentKey.for_publish("aws-101", "aws-101-intro", "0123abcd", ".mp4")
    assert key.value == "courses/aws-101/aws-101-intro/0123abcd.mp4"
    assert key.path == "/courses/aws-101/aws-101-intro/0123abcd.mp4"


def test_items_published_before_versions_were_recorded_are_still_read() -> None:
    stored = {**SAMPLE_ITEMS[0].to_dynamo(), "position": Decimal(0)}
    stored.pop("sha256")
    item = ContentItem.from_dynamo(stored)
    assert (item.position, item.version, item.sha256) == (0, None, None)


@pytest.mark.parametrize("content_id", ["_publish#aws-101-intro", "_courses"])
def test_the_product_s_own_records_are_not_content_items(content_id: str) -> None:
    with pytest.raises(CatalogItemError):
        ContentItem.from_dynamo({**SAMPLE_ITEMS[0].to_dynamo(), "contentId": content_id})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("seg_000.ts", (".ts", "video/mp2t", "video")),
        ("seg_000.m4s", (".m4s", "video/iso.segment", "video")),
        ("captions.vtt", (".vtt", "text/vtt", "assignment")),
    ],
)
def test_hls_files_have_their_registered_types(name: str, expected: tuple[str, str, str]) -> None:
    kind = FileKind.of(name, None, None)
    assert (kind.extension, kind.media_type, kind.type) == expected


LECTURE = next(item for item in SAMPLE_ITEMS if item.files is not None)


def test_a_rendition_set_s_root_is_its_publish_s_own_folder() -> None:
    assert LECTURE.root == "courses/aws-101/aws-101-lecture-1/sample/"
    assert LECTURE.key.value == LECTURE.root + "master.m3u8"
    assert SAMPLE_ITEMS[0].root is None


def test_a_set_file_s_key_keeps_its_place_in_the_set() -> None:
    key = ContentKey.in_set("aws-101", "aws-101-lecture-1", "0123abcd", "v0/seg_000.ts")
    assert key.value == "courses/aws-101/aws-101-lecture-1/0123abcd/v0/seg_000.ts"


@pytest.mark.parametrize(
    "key",
    [
        "courses/aws-101/master.m3u8",  # the root would be the whole course
        "courses/aws-101/aws-101-lecture-1/master.m3u8",  # every publish of the item
        "courses/aws-101/aws-101-intro/sample/master.m3u8",  # another item's folder
        "courses/aws-101/aws-101-lecture-1/sample/v0/index.m3u8",  # not the top of a publish
    ],
)
def test_a_set_whose_root_is_not_one_publish_of_its_own_is_broken(key: str) -> None:
    """A set's root is deleted whole when it is replaced or removed."""
    with pytest.raises(CatalogItemError, match="rendition set"):
        ContentItem.from_dynamo({**LECTURE.to_dynamo(), "key": key})


@pytest.mark.parametrize("change", [{"contentType": "video/mp4"}, {"files": Decimal(0)}])
def test_a_set_must_be_an_hls_playlist_with_files(change: dict[str, Any]) -> None:
    with pytest.raises(CatalogItemError, match="rendition set"):
        ContentItem.from_dynamo({**LECTURE.to_dynamo(), **change})


def test_a_set_is_invalidated_as_its_whole_folder() -> None:
    assert cached_paths(LECTURE) == ["/courses/aws-101/aws-101-lecture-1/sample/*"]
    assert cached_paths(SAMPLE_ITEMS[0]) == [SAMPLE_ITEMS[0].key.path]


def test_a_playlist_alone_is_refused_as_a_file(tmp_path: Path) -> None:
    playlist = tmp_path / "index.m3u8"
    playlist.write_text("#EXTM3U\n")
    with pytest.raises(InvalidValueError, match="--dir"):
        Draft.check("aws-101", "x", "X", playlist)


def test_a_set_is_a_video(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match="--type quiz contradicts"):
        Draft.check_dir("aws-101", "x", "X", SAMPLE_DIR / "intro-hls", type_="quiz")


def test_a_course_survives_a_round_trip_through_its_record() -> None:
    course = Course.check("aws-101", "  AWS 101  ", "Line one\nline two")
    assert course == Course("aws-101", "AWS 101", "Line one\nline two")
    assert course.to_dynamo()["contentId"] == "_course#aws-101"
    assert Course.from_dynamo(course.to_dynamo()) == course


@pytest.mark.parametrize(
    "record",
    [
        {"contentId": "_course#a b", "title": "T"},
        {"contentId": "_course#aws-101"},
        {"contentId": "_course#aws-101", "title": "T", "description": "bell\x07"},
        {"contentId": "_course#aws-101", "title": "T", "description": "x" * 1001},
    ],
)
def test_a_broken_course_record_is_a_catalog_item_error(record: dict[str, Any]) -> None:
    with pytest.raises(CatalogItemError, match="course record"):
        Course.from_dynamo(record)
