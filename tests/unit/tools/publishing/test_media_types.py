"""The media types a publish accepts: one allow-list, each type's first bytes checked, pages and
markup refused whatever they are called, and how each type is served (inline or attachment)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from local.samples import SAMPLE_DIR
from shared.catalog.errors import InvalidValueError
from shared.catalog.model import CONTENT_TYPES, HLS_PLAYLIST
from tools.publishing.draft import Draft
from tools.publishing.media_types import (
    BY_NAME,
    MEDIA_TYPES,
    FileKind,
    check_bytes,
    content_disposition,
)

ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00"
#: The first bytes of a genuine file of each type (the samples' own where there is one).
GENUINE: dict[str, bytes] = {
    "video/mp4": (SAMPLE_DIR / "intro.mp4").read_bytes(),
    "video/quicktime": b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ",
    "video/webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81",
    HLS_PLAYLIST: (SAMPLE_DIR / "intro-hls" / "master.m3u8").read_bytes(),
    "video/mp2t": (SAMPLE_DIR / "intro-hls" / "v0" / "seg_000.ts").read_bytes(),
    "video/iso.segment": b"\x00\x00\x00\x18stypmsdh\x00\x00\x00\x00msdhmsix",
    "audio/aac": b"\xff\xf1\x50\x40\x21\x3f\xfc\xde",
    "text/vtt": b"WEBVTT\n\n00:00.200 --> 00:02.200\nHello\n",
    "application/octet-stream": bytes(range(16)),
    "application/json": (SAMPLE_DIR / "quiz-1.json").read_bytes(),
    "application/pdf": (SAMPLE_DIR / "assignment-1.pdf").read_bytes(),
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
    "image/webp": b"RIFF,\x06\x00\x00WEBPVP8 ",
    "text/plain": "Read chapter 3 before Monday. Café.\n".encode(),
    "text/markdown": b"# Week 1\n\n- read chapter 3\n",
    "text/csv": b"name,score\nada,10\n",
    "application/zip": ZIP,
    "application/gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ZIP,
}
#: A page that turns the content domain into a phishing page (no script needed).
PAGE = b'<!DOCTYPE html>\n<meta http-equiv="refresh" content="0;url=https://evil.example/">\n'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><a href="https://evil.example/"/></svg>'


def test_every_type_of_the_table_has_a_genuine_sample_here() -> None:
    assert set(GENUINE) == set(BY_NAME)
    assert {t.kind for t in MEDIA_TYPES} <= set(CONTENT_TYPES)


@pytest.mark.parametrize("name", GENUINE)
def test_a_genuine_file_of_each_type_passes_its_check(name: str) -> None:
    check_bytes(BY_NAME[name], io.BytesIO(GENUINE[name]), "file")


@pytest.mark.parametrize("page", [PAGE, SVG, b'\xef\xbb\xbf  <?xml version="1.0"?><x/>'])
@pytest.mark.parametrize("name", GENUINE)
def test_a_page_is_refused_whatever_type_it_claims(name: str, page: bytes) -> None:
    with pytest.raises(InvalidValueError, match=re.escape(f"which {name} is")):
        check_bytes(BY_NAME[name], io.BytesIO(page), "file")


WRONG_BYTES = {
    "an MP4 without its ftyp box": ("video/mp4", b"\x00\x00\x00\x08free\x00\x00\x00\x08mdat"),
    "a transport stream out of step at 188": ("video/mp2t", b"G" * 188 + b"H" + b"G" * 187),
    "JSON that does not parse": ("application/json", b'{"questions": [}'),
    "a JSON scalar": ("application/json", b'"just a string"'),
    "JSON with NaN": ("application/json", b'{"score": NaN}'),
    "JSON that is not UTF-8": ("application/json", '{"a": "é"}'.encode("latin-1")),
    "WebVTT without its header": ("text/vtt", b"00:00.000 --> 00:01.000\nHello\n"),
    "WebVTT's header run on": ("text/vtt", b"WEBVTTX\n"),
    "a key of 15 bytes": ("application/octet-stream", bytes(15)),
    "a key of 17 bytes": ("application/octet-stream", bytes(17)),
    "text with binary bytes": ("text/plain", b"notes\x00\x01\x02"),
    "a WAVE file called WebP": ("image/webp", b"RIFF,\x06\x00\x00WAVEfmt "),
    "a PNG called a PDF": ("application/pdf", GENUINE["image/png"]),
    "a PDF called a ZIP": ("application/zip", GENUINE["application/pdf"]),
}


@pytest.mark.parametrize("case", WRONG_BYTES, ids=list(WRONG_BYTES))
def test_bytes_that_are_not_the_type_are_refused(case: str) -> None:
    name, data = WRONG_BYTES[case]
    with pytest.raises(InvalidValueError, match=re.escape(BY_NAME[name].signature)):
        check_bytes(BY_NAME[name], io.BytesIO(data), "file")


@pytest.mark.parametrize("data", [b'\xef\xbb\xbf{"a": 1}', b" \n\t[1, 2]", '{"é": true}'.encode()])
def test_json_may_start_with_a_byte_order_mark_or_white_space(data: bytes) -> None:
    check_bytes(BY_NAME["application/json"], io.BytesIO(data), "quiz.json")


MARKUP_TYPES = [
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "application/xml",
    "text/xml",
    "application/atom+xml",
]


@pytest.mark.parametrize("type_", [None, *CONTENT_TYPES])
@pytest.mark.parametrize("media_type", MARKUP_TYPES)
@pytest.mark.parametrize("name", ["notes.txt", "intro.mp4", "logo.png", "README"])
def test_markup_is_refused_whatever_content_type_and_type_say(
    name: str, media_type: str, type_: str | None
) -> None:
    with pytest.raises(InvalidValueError, match="HTML, XHTML, SVG and XML are never published"):
        FileKind.of(name, media_type, type_)


@pytest.mark.parametrize(
    "name", ["index.html", "page.HTM", "doc.xhtml", "logo.svg", "feed.xml", "style.xsl"]
)
def test_markup_is_refused_by_its_extension(name: str) -> None:
    with pytest.raises(InvalidValueError, match="HTML, XHTML, SVG and XML are never published"):
        FileKind.of(name, None, None)


@pytest.mark.parametrize(
    "media_type",
    ["text/javascript", "application/javascript", "application/x-shockwave-flash", "audio/mpeg"],
)
def test_a_type_outside_the_table_is_refused(media_type: str) -> None:
    with pytest.raises(InvalidValueError, match="is not a type bin/content publishes"):
        FileKind.of("notes.bin", media_type, None)


@pytest.mark.parametrize("name", ["master.m3u8", "enc.key"])
def test_a_set_s_own_files_are_not_published_alone(name: str) -> None:
    with pytest.raises(InvalidValueError, match="publish the set's directory with --dir"):
        FileKind.of(name, None, None)


@pytest.mark.parametrize(
    ("filename", "data", "media_type"),
    [
        ("logo.png", SVG, None),
        ("notes.txt", PAGE, None),
        ("notes.txt", GENUINE["text/plain"], "application/pdf"),
        ("intro.mp4", GENUINE["application/pdf"], None),
    ],
    ids=["an SVG called a PNG", "a page called text", "text called a PDF", "a PDF called an MP4"],
)
def test_a_draft_whose_bytes_are_not_its_type_is_refused(
    tmp_path: Path, filename: str, data: bytes, media_type: str | None
) -> None:
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(InvalidValueError, match=r"which .* is$"):
        Draft.check("aws-101", "c", "T", path, media_type=media_type)


INLINE = [
    "video/mp4",
    "video/webm",
    "video/quicktime",
    HLS_PLAYLIST,
    "video/mp2t",
    "video/iso.segment",
    "audio/aac",
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "application/json",
    "text/plain",
    "text/vtt",
]


@pytest.mark.parametrize("name", INLINE)
def test_media_pdf_images_json_and_plain_text_are_served_inline(name: str) -> None:
    assert content_disposition(name, "x") is None


@pytest.mark.parametrize("name", sorted(set(BY_NAME) - set(INLINE)))
def test_everything_else_is_served_as_an_attachment_named_for_the_item(name: str) -> None:
    assert content_disposition(name, "aws-101-starter.zip") == (
        'attachment; filename="aws-101-starter.zip"'
    )
