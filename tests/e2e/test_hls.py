"""The HLS lecture over `make local` and real HTTP, as a player fetches it: the API's URL for
the master playlist, then every URI in the playlists resolved against the URL it came from
(RFC 3986, as a browser does), with no header and no cookie. Each answers 200 with the exact
bytes and its media type; the same grant on another course's path, or a changed grant, gets
no bytes. The FFmpeg corpus (every shape FFmpeg's HLS muxer writes for VOD) publishes with
`bin/content --local add --dir`, answers 200 for every URI the same way, and plays in
Chromium with hls.js through its grant URL, in one browser page."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from local.cognito import sign_in
from tests.e2e.test_content_cli import content
from tests.support import browser as demo
from tests.support.artifacts import artifact
from tests.support.http_client import HttpAnswer, http
from tests.support.local_stack import user
from tools.publishing.playlist import references
from tools.publishing.renditions import RenditionSet

pytestmark = pytest.mark.slow

HLS_PLAYLIST = "application/vnd.apple.mpegurl"


@pytest.fixture(scope="module")
def lecture(stack: dict[str, Any], cognito: Any) -> dict[str, Any]:
    """The HLS item as the API lists it to the course's learner."""
    learner = user(stack, in_group=False, enrolled=True)
    token = sign_in(cognito, stack["client_id"], learner)["IdToken"]
    answer = http(
        f"{stack['api_url']}/courses/{stack['course_id']}/content",
        headers={"Authorization": token},
    )
    assert answer.status == 200
    items: list[dict[str, Any]] = json.loads(answer.body)["items"]
    return next(item for item in items if item["contentType"] == HLS_PLAYLIST)


@pytest.fixture(scope="module")
def published(stack: dict[str, Any], lecture: dict[str, Any]) -> dict[str, str]:
    """Each file of the published set: its place in the set and its digest."""
    record = next(c for c in stack["content"] if c["contentId"] == lecture["contentId"])
    files: dict[str, str] = record["files"]
    return files


def crawl(entry_url: str) -> dict[str, HttpAnswer]:
    """Every URL a player would fetch from ``entry_url`` on, and its answer."""
    fetched: dict[str, HttpAnswer] = {}
    pending = [entry_url]
    while pending:
        url = pending.pop()
        if url in fetched:
            continue
        answer = http(url)  # no header, no cookie
        fetched[url] = answer
        if answer.status == 200 and url.endswith(".m3u8"):
            pending += [urljoin(url, r.uri) for r in references(answer.body.decode(), url)]
    return fetched


def place_of(url: str, entry_url: str) -> str:
    root = entry_url.rsplit("/", 1)[0] + "/"
    assert url.startswith(root)
    return url.removeprefix(root)


def test_the_lecture_is_a_video_whose_url_is_its_master_playlist(lecture: dict[str, Any]) -> None:
    assert lecture["type"] == "video"
    assert lecture["url"].endswith("/master.m3u8")
    assert "/g/" in lecture["url"]


def test_every_file_the_playlists_name_answers_200_with_its_exact_bytes(
    lecture: dict[str, Any], published: dict[str, str]
) -> None:
    fetched = crawl(lecture["url"])
    digests = {
        place_of(url, lecture["url"]): hashlib.sha256(answer.body).hexdigest()
        for url, answer in fetched.items()
    }
    assert {answer.status for answer in fetched.values()} == {200}
    assert digests == published
    segments = [url for url in fetched if url.endswith(".ts")]
    assert len(segments) == 2


def test_playlists_and_segments_carry_their_media_types(lecture: dict[str, Any]) -> None:
    types = {
        url.rsplit(".", 1)[1]: answer.header("Content-Type")
        for url, answer in crawl(lecture["url"]).items()
    }
    assert types == {"m3u8": HLS_PLAYLIST, "ts": "video/mp2t"}


def segment_url(lecture: dict[str, Any]) -> str:
    return next(url for url in crawl(lecture["url"]) if url.endswith(".ts"))


def test_a_segment_with_a_changed_grant_is_401_and_no_bytes(lecture: dict[str, Any]) -> None:
    url = segment_url(lecture)
    grant = url.split("/g/", 1)[1].split("/", 1)[0]
    changed = grant[:-2] + ("AA" if not grant.endswith("AA") else "BB")
    answer = http(url.replace(grant, changed))
    assert (answer.status, answer.body) == (401, b"")


def test_a_segment_path_in_another_course_is_403_and_no_bytes(
    stack: dict[str, Any], lecture: dict[str, Any]
) -> None:
    url = segment_url(lecture)
    other = url.replace(f"/courses/{stack['course_id']}/", f"/courses/{stack['other_course_id']}/")
    assert other != url
    answer = http(other)
    assert (answer.status, answer.body) == (403, b"")


def test_a_segment_without_its_grant_is_401(lecture: dict[str, Any]) -> None:
    url = segment_url(lecture)
    grant = url.split("/g/", 1)[1].split("/", 1)[0]
    answer = http(url.replace(f"/g/{grant}", ""))  # Lambda@Edge's behavior: no token
    assert (answer.status, answer.body) == (401, b"Unauthorized\n")


#: The course the FFmpeg corpus is published in (its own, so the sample course's listing
#: stays what other tests expect).
CORPUS_COURSE = "ffmpeg-corpus"


@pytest.fixture(scope="module")
def corpus_urls(
    stack: dict[str, Any], ffmpeg_corpus: dict[str, Path], member_token: str
) -> dict[str, str]:
    """Each corpus shape published with `bin/content --local add --dir`: the grant URL the
    API hands the member for it."""
    urls: dict[str, str] = {}
    created = content(stack, "course", "put", "--course", CORPUS_COURSE, "--title", "FFmpeg")
    assert created.returncode == 0, created.stderr
    for shape, folder in ffmpeg_corpus.items():
        result = content(
            stack, "add", "--course", CORPUS_COURSE, "--id", f"corpus-{shape}",
            "--title", f"FFmpeg {shape}", "--dir", str(folder),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        answer = http(
            f"{stack['api_url']}/content/corpus-{shape}", headers={"Authorization": member_token}
        )
        assert answer.status == 200
        urls[shape] = json.loads(answer.body)["url"]
    return urls


@pytest.mark.slow
def test_every_uri_of_every_corpus_shape_answers_200_with_its_exact_bytes(
    ffmpeg_corpus: dict[str, Path], corpus_urls: dict[str, str]
) -> None:
    for shape, url in corpus_urls.items():
        fetched = crawl(url)
        digests = {
            place_of(fetched_url, url): hashlib.sha256(answer.body).hexdigest()
            for fetched_url, answer in fetched.items()
        }
        files = RenditionSet.scan(ffmpeg_corpus[shape]).files
        assert {answer.status for answer in fetched.values()} == {200}, shape
        assert digests == {f.relative: f.sha256 for f in files}, shape


@pytest.mark.slow
def test_every_corpus_shape_plays_in_chromium_with_hls_js_through_its_grant_url(
    browser: Any, stack: dict[str, Any], corpus_urls: dict[str, str]
) -> None:
    """One page, signed in once, plays each shape in turn; every file it fetched for a shape
    came from that shape's granted folder and was served (206: a byte range of the
    single-file shape)."""
    page = browser.new_page()
    seen: list[tuple[str, int]] = []
    page.on("response", lambda r: seen.append((r.url, r.status)))
    demo.sign_in(page, stack, user(stack, in_group=True))
    fetched: dict[str, list[tuple[str, int]]] = {}
    for shape, url in corpus_urls.items():
        demo.play_hls_lecture(page, f"corpus-{shape}")
        # The page's grant is its own; the set's folder is the same.
        folder = "/" + url.split("/g/", 1)[1].split("/", 1)[1].rsplit("/", 1)[0] + "/"
        fetched[shape] = [
            (u.split(folder, 1)[1], status)
            for u, status in seen
            if u.startswith(stack["cloudfront_url"] + "/g/") and folder in u
        ]
    page.screenshot(path=artifact("corpus-last-shape.png"), full_page=True)

    for shape, responses in fetched.items():
        assert {status for _, status in responses} <= {200, 206}, (shape, responses)
    extensions = {
        shape: {place.rsplit(".", 1)[1] for place, _ in responses}
        for shape, responses in fetched.items()
    }
    assert extensions == {
        "mpeg-ts": {"m3u8", "ts"},
        "fmp4": {"m3u8", "mp4", "m4s"},
        "byte-range": {"m3u8", "ts"},
        "multivariant": {"m3u8", "ts"},
        "aes-128": {"m3u8", "key", "ts"},
    }
