"""The files of an HLS rendition set on disk (``bin/content add --dir``): what a set may hold,
what is stray, an operating system's own files, the safe-name rule stated, and each file's
first bytes checked (but ciphertext)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shared.catalog.errors import InvalidValueError
from tools.publishing.renditions import RenditionSet

PLAYLIST = (
    "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
    "{key}#EXTINF:3,\n{segment}\n#EXT-X-ENDLIST\n"
)
SEGMENT = b"G" * 376
KEY = '#EXT-X-KEY:METHOD=AES-128,URI="enc.key"\n'


def make_set(root: Path, files: dict[str, str | bytes]) -> Path:
    for place, data in files.items():
        path = root / place
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def lecture(tmp_path: Path, **extra: str | bytes) -> Path:
    playlist = PLAYLIST.format(key="", segment="seg.ts")
    return make_set(tmp_path / "set", {"index.m3u8": playlist, "seg.ts": SEGMENT, **extra})


@pytest.mark.parametrize(
    "stray", ["notes.txt", "slides.pdf", "poster.png", "quiz.json", "README", "steering.json"]
)
def test_a_stray_file_is_named_and_refused_with_a_hint(tmp_path: Path, stray: str) -> None:
    folder = lecture(tmp_path, **{stray: b"%PDF-1.4"})
    holds = "(a set holds .mp4 .m4v .m3u8 .ts .m4s .aac .vtt .key files)"
    message = f"{stray} is not a file of an HLS rendition set {holds}"
    with pytest.raises(InvalidValueError, match=re.escape(message)) as refused:
        RenditionSet.scan(folder)
    assert str(refused.value).endswith("move it out of the directory")


@pytest.mark.parametrize(
    "junk", [".DS_Store", "v0/.DS_Store", "._seg.ts", "Thumbs.db", "thumbs.db", "desktop.ini"]
)
def test_an_operating_system_s_own_file_is_named_with_the_option_that_skips_it(
    tmp_path: Path, junk: str
) -> None:
    folder = lecture(tmp_path, **{junk: b"\x00\x05\x16\x07"})
    with pytest.raises(InvalidValueError, match=re.escape(f"'{junk}' is an operating system's")):
        RenditionSet.scan(folder)
    with pytest.raises(InvalidValueError, match="pass --skip-os-junk"):
        RenditionSet.scan(folder)


def test_skipping_os_junk_leaves_those_files_out_and_says_which(tmp_path: Path) -> None:
    folder = lecture(tmp_path, **{".DS_Store": b"x", "v0/._a.ts": b"x", "Thumbs.db": b"x"})
    found = RenditionSet.scan(folder, skip_os_junk=True)
    assert [f.relative for f in found.files] == ["seg.ts", "index.m3u8"]
    assert found.skipped == (".DS_Store", "Thumbs.db", "v0/._a.ts")


def test_skipping_os_junk_skips_nothing_else(tmp_path: Path) -> None:
    folder = lecture(tmp_path, **{"notes.txt": b"notes"})
    with pytest.raises(InvalidValueError, match=r"notes\.txt is not a file of an HLS"):
        RenditionSet.scan(folder, skip_os_junk=True)


@pytest.mark.parametrize(
    ("name", "told"),
    [("s" * 237 + ".ts", " (it has 240)"), ("seg 1.ts", ""), ("-seg.ts", "")],
)
def test_an_unsafe_name_is_refused_stating_the_rule_and_its_limit(
    tmp_path: Path, name: str, told: str
) -> None:
    folder = lecture(tmp_path, **{name: SEGMENT})
    rule = "1-128 characters: letters, digits, '.', '_' and '-', starting with a letter or digit"
    with pytest.raises(InvalidValueError, match=re.escape(f"not a safe name{told}: use {rule}")):
        RenditionSet.scan(folder)


def test_a_name_of_128_characters_is_safe(tmp_path: Path) -> None:
    name = "s" * 125 + ".ts"
    playlist = PLAYLIST.format(key="", segment=name)
    folder = make_set(tmp_path / "set", {"index.m3u8": playlist, name: SEGMENT})
    assert RenditionSet.scan(folder).files[0].relative == name


@pytest.mark.parametrize(
    ("place", "data", "signature"),
    [
        ("seg.ts", b"<html><body>hi</body></html>", "an MPEG transport stream"),
        ("index.m3u8", "hello\n", "an HLS playlist (#EXTM3U)"),
        ("enc.key", b"0123456789abcdef\n", "an AES-128 key (16 bytes)"),
    ],
)
def test_a_set_file_whose_bytes_are_not_its_type_is_refused(
    tmp_path: Path, place: str, data: str | bytes, signature: str
) -> None:
    folder = lecture(tmp_path, **{place: data})
    with pytest.raises(InvalidValueError, match=re.escape(f"{place} is not {signature}")):
        RenditionSet.scan(folder)


def encrypted(tmp_path: Path, key: str) -> Path:
    """A set whose one segment is ciphertext (AES-128 encrypts a segment whole)."""
    playlist = PLAYLIST.format(key=key, segment="seg.ts")
    ciphertext = b"\x54" + os.urandom(375)  # anything but the sync byte first
    files: dict[str, str | bytes] = {"index.m3u8": playlist, "seg.ts": ciphertext}
    return make_set(tmp_path / "set", {**files, "enc.key": os.urandom(16)})


def test_segments_under_an_aes_128_key_are_ciphertext_and_not_read_as_their_type(
    tmp_path: Path,
) -> None:
    found = RenditionSet.scan(encrypted(tmp_path, KEY))
    assert sorted(f.relative for f in found.files) == ["enc.key", "index.m3u8", "seg.ts"]


@pytest.mark.parametrize(
    "key", ["", "#EXT-X-KEY:METHOD=NONE\n", '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="enc.key"\n']
)
def test_segments_not_encrypted_whole_must_be_their_type(tmp_path: Path, key: str) -> None:
    with pytest.raises(InvalidValueError, match=r"seg\.ts is not an MPEG transport stream"):
        RenditionSet.scan(encrypted(tmp_path, key))
