"""HLS rendition sets on disk (``bin/content add --dir``): which files, in which order, which
entry, and every directory that is refused before any AWS call."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from local.samples import SAMPLE_DIR
from shared.catalog.errors import InvalidValueError
from shared.catalog.model import HLS_PLAYLIST
from tools.publishing.renditions import RenditionSet

MASTER = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=75900,RESOLUTION=320x180\nv0/index.m3u8\n"
MEDIA = (
    "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
    "#EXTINF:3.2,\nseg_000.ts\n#EXTINF:0.8,\nseg_001.ts\n#EXT-X-ENDLIST\n"
)

KEY = "#EXT-X-KEY:METHOD=AES-128,"
#: The end of a finished one-segment playlist naming s.ts.
LECTURE = "#EXTINF:1,\ns.ts\n#EXT-X-ENDLIST\n"


def make_set(root: Path, files: dict[str, str | bytes]) -> Path:
    for place, data in files.items():
        path = root / place
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data)
        else:
            path.write_bytes(data)
    return root


@pytest.fixture
def hls(tmp_path: Path) -> Path:
    return make_set(
        tmp_path / "hls",
        {
            "master.m3u8": MASTER,
            "v0/index.m3u8": MEDIA,
            "v0/seg_000.ts": b"G" * 188,
            "v0/seg_001.ts": b"G" * 376,
        },
    )


def test_the_sample_set_is_the_master_its_playlist_and_two_segments() -> None:
    found = RenditionSet.scan(SAMPLE_DIR / "intro-hls")
    assert [f.relative for f in found.files] == [
        "v0/seg_000.ts",
        "v0/seg_001.ts",
        "v0/index.m3u8",
        "master.m3u8",
    ]
    assert found.entry.relative == "master.m3u8"


def test_files_are_typed_from_the_one_table(hls: Path) -> None:
    types = {f.relative: f.media_type for f in RenditionSet.scan(hls).files}
    assert types == {
        "master.m3u8": HLS_PLAYLIST,
        "v0/index.m3u8": HLS_PLAYLIST,
        "v0/seg_000.ts": "video/mp2t",
        "v0/seg_001.ts": "video/mp2t",
    }


def test_segments_go_up_before_playlists_and_the_entry_last(hls: Path) -> None:
    files = RenditionSet.scan(hls).files
    kinds = [f.media_type for f in files]
    assert kinds == sorted(kinds, key=lambda t: t == HLS_PLAYLIST)
    assert files[-1].relative == "master.m3u8"


def test_the_size_is_every_file_s(hls: Path) -> None:
    assert RenditionSet.scan(hls).size == len(MASTER) + len(MEDIA) + 188 + 376


def test_the_digest_changes_with_any_file(hls: Path) -> None:
    before = RenditionSet.scan(hls).sha256
    (hls / "v0" / "seg_001.ts").write_bytes(b"G" * 375 + b"H")
    assert RenditionSet.scan(hls).sha256 != before


def test_the_only_playlist_at_the_top_is_the_entry(tmp_path: Path) -> None:
    media = MEDIA
    found = RenditionSet.scan(
        make_set(tmp_path, {"lecture.m3u8": media, "seg_000.ts": b"G", "seg_001.ts": b"G"})
    )
    assert found.entry.relative == "lecture.m3u8"


def test_master_is_the_entry_beside_other_playlists(hls: Path) -> None:
    (hls / "audio.m3u8").write_text("#EXTM3U\n#EXTINF:1,\nv0/seg_000.ts\n#EXT-X-ENDLIST\n")
    assert RenditionSet.scan(hls).entry.relative == "master.m3u8"


def test_a_tag_s_uri_attribute_must_name_a_file_of_the_set(hls: Path) -> None:
    (hls / "v0" / "index.m3u8").write_text(
        MEDIA.replace("#EXTINF", '#EXT-X-MAP:URI="init.mp4"\n#EXTINF', 1)
    )
    with pytest.raises(InvalidValueError, match=re.escape("'init.mp4', which is not in the set")):
        RenditionSet.scan(hls)
    (hls / "v0" / "init.mp4").write_bytes(b"\x00\x00\x00\x18ftypiso6")
    assert len(RenditionSet.scan(hls).files) == 5


REFUSED_SETS: dict[str, tuple[dict[str, str | bytes], str]] = {
    "no playlist at the top": ({"v0/index.m3u8": MEDIA}, "no playlist (.m3u8) at the top"),
    "two playlists at the top and no master": (
        {"a.m3u8": MEDIA, "b.m3u8": MEDIA, "seg_000.ts": b"G", "seg_001.ts": b"G"},
        "2 playlists at the top",
    ),
    "a name with a space": ({"master.m3u8": MASTER, "v0/seg 1.ts": b"G"}, "is not a safe name"),
    "a hidden file": ({"master.m3u8": MASTER, ".hidden.ts": b"G"}, "is not a safe name"),
    "a name starting with _": ({"master.m3u8": MASTER, "_x.ts": b"G"}, "is not a safe name"),
    "a folder starting with _": ({"master.m3u8": MASTER, "_v/x.ts": b"G"}, "is not a safe name"),
    "a percent sign": ({"master.m3u8": MASTER, "a%2F.ts": b"G"}, "is not a safe name"),
    "a non-ASCII name": ({"master.m3u8": MASTER, "ü.ts": b"G"}, "is not a safe name"),
    "an unknown extension": (
        {"master.m3u8": MASTER, "notes.xyz": b"x"},
        "notes.xyz is not a file of an HLS rendition set",
    ),
    "no extension": ({"master.m3u8": MASTER, "README": b"x"}, "README is not a file of an HLS"),
    "an empty segment": ({"master.m3u8": MASTER, "seg.ts": b""}, "seg.ts is empty"),
    "a playlist naming a missing file": (
        {"master.m3u8": MASTER},
        "'v0/index.m3u8', which is not in the set",
    ),
    "an absolute URI": (
        {"master.m3u8": "#EXTM3U\nhttps://elsewhere.example/x.m3u8\n"},
        "only relative URIs inside the set",
    ),
    "a URI from the root": (
        {"master.m3u8": "#EXTM3U\n/courses/aws-201/x.ts\n"},
        "only relative URIs inside the set",
    ),
    "a URI leading out of the set": (
        {"master.m3u8": "#EXTM3U\n#EXTINF:1,\n../other/seg.ts\n#EXT-X-ENDLIST\n"},
        "only relative URIs inside the set",
    ),
    "a URI with a query": (
        {"master.m3u8": "#EXTM3U\n#EXTINF:1,\ns.ts?x=1\n#EXT-X-ENDLIST\n", "s.ts": b"G"},
        "only relative URIs inside the set",
    ),
    # hls.js reads an attribute unquoted, and trims the space around its name.
    "an unquoted URI attribute": (
        {
            "master.m3u8": MEDIA.replace(
                "#EXTINF", KEY + "URI=https://elsewhere.example/k\n#EXTINF", 1
            )
        },
        "only relative URIs inside the set",
    ),
    "a URI attribute with a space before its '='": (
        {
            "master.m3u8": MEDIA.replace(
                "#EXTINF", KEY + 'URI ="https://elsewhere.example/k"\n#EXTINF', 1
            )
        },
        "only relative URIs inside the set",
    ),
    # At the end of the text, hls.js splits a last #EXTINF line at its title's last space and
    # reads what follows as a segment URI.
    "a playlist whose last line has no line break": (
        {
            "master.m3u8": "#EXTM3U\n#EXT-X-ENDLIST\n#EXTINF:1,\ns.ts\n"
            "#EXTINF:1,t https://elsewhere.example/x.ts",
            "s.ts": b"G",
        },
        "does not end with a line break",
    ),
    # hls.js trims a URI (JavaScript's trim: spaces, a byte order mark) before resolving it, so
    # these are absolute there, while their ".." segments make them name s.ts here.
    "a quoted URI attribute behind a space": (
        {
            "master.m3u8": "#EXTM3U\n"
            + KEY
            + 'URI=" https://elsewhere.example/../../s.ts"\n'
            + LECTURE,
            "s.ts": b"G",
        },
        "only relative URIs inside the set",
    ),
    "a URI line behind a byte order mark": (
        {
            "master.m3u8": "#EXTM3U\n#EXTINF:1,\n\ufeffhttps://elsewhere.example/../../s.ts\n"
            + LECTURE,
            "s.ts": b"G",
        },
        "only relative URIs inside the set",
    ),
    # hls.js plays interstitials by default, fetching the asset list's JSON and every URI in it.
    "an interstitial's asset list": (
        {
            "master.m3u8": '#EXTM3U\n#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",'
            'START-DATE="2020-01-01T00:00:00Z",X-ASSET-LIST="list.json"\n' + LECTURE,
            "s.ts": b"G",
        },
        "names an interstitial asset list (X-ASSET-LIST)",
    ),
    "a live playlist": (
        {"master.m3u8": "#EXTM3U\n#EXTINF:1,\ns.ts\n", "s.ts": b"G"},
        "is not finished (#EXT-X-ENDLIST)",
    ),
    "a playlist that is not HLS": ({"master.m3u8": "hello\n"}, "is not an HLS playlist"),
    "a playlist that is not text": ({"master.m3u8": b"#EXTM3U\n\xff\xfe\n"}, "is not UTF-8"),
}


@pytest.mark.parametrize("case", REFUSED_SETS, ids=list(REFUSED_SETS))
def test_a_wrong_set_is_refused_saying_why(tmp_path: Path, case: str) -> None:
    files, message = REFUSED_SETS[case]
    with pytest.raises(InvalidValueError, match=re.escape(message)):
        RenditionSet.scan(make_set(tmp_path / "set", files))


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match="holds no files"):
        RenditionSet.scan(tmp_path)


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match="no such directory"):
        RenditionSet.scan(tmp_path / "absent")


def test_a_symbolic_link_out_of_the_directory_is_refused(hls: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ts"
    secret.write_bytes(b"not for the bucket")
    os.symlink(secret, hls / "v0" / "extra.ts")
    with pytest.raises(InvalidValueError, match=re.escape("extra.ts leads outside the directory")):
        RenditionSet.scan(hls)


def test_a_symbolic_link_to_a_folder_is_refused(hls: Path) -> None:
    os.symlink(hls / "v0", hls / "v1")
    with pytest.raises(InvalidValueError, match="v1 is not a regular file"):
        RenditionSet.scan(hls)


@pytest.mark.parametrize("target", ["missing.ts", "extra.ts"], ids=["dangling", "a loop"])
def test_a_symbolic_link_that_leads_nowhere_is_refused(hls: Path, target: str) -> None:
    """Bad input is one line and exit status 2 from the CLI, not a traceback."""
    os.symlink(target, hls / "v0" / "extra.ts")
    with pytest.raises(InvalidValueError, match=re.escape("extra.ts leads nowhere")):
        RenditionSet.scan(hls)


def test_a_symbolic_link_inside_the_directory_is_its_target_s_bytes(hls: Path) -> None:
    os.symlink(hls / "v0" / "seg_000.ts", hls / "v0" / "seg_copy.ts")
    copy = next(f for f in RenditionSet.scan(hls).files if f.relative == "v0/seg_copy.ts")
    assert copy.size == 188
