"""The HLS lecture over `make local` and real HTTP, as a player fetches it: the API's URL for
the master playlist, then every URI in the playlists resolved against the URL it came from
(RFC 3986, as a browser does), with no header and no cookie. Each answers 200 with the exact
bytes and its media type; the same grant on another course's path, or a changed grant, gets
no bytes."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urljoin

import pytest

from local.cognito import sign_in
from tests.support.http_client import HttpAnswer, http
from tests.support.local_stack import user
from tools.publishing.renditions import playlist_uris

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
            pending += [urljoin(url, uri) for uri in playlist_uris(answer.body.decode())]
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
    assert (answer.status, answer.body) == (401, b"Unauthorized\n")


def test_a_segment_path_in_another_course_is_403_and_no_bytes(
    stack: dict[str, Any], lecture: dict[str, Any]
) -> None:
    url = segment_url(lecture)
    other = url.replace(f"/courses/{stack['course_id']}/", f"/courses/{stack['other_course_id']}/")
    assert other != url
    answer = http(other)
    assert (answer.status, answer.body) == (403, b"Forbidden\n")


def test_a_segment_without_its_grant_is_401(lecture: dict[str, Any]) -> None:
    url = segment_url(lecture)
    grant = url.split("/g/", 1)[1].split("/", 1)[0]
    answer = http(url.replace(f"/g/{grant}", ""))
    assert (answer.status, answer.body) == (401, b"Unauthorized\n")
