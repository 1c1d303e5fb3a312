"""The demo page in headless Chromium: a member signs in through managed login and the video
plays through the local CloudFront (200/206 for the player's requests); a signed-out page gets
401.

Runs Debian's Chromium through Playwright (``executable_path``; no browser download). CI
installs Chromium (.ci/run) and sets CI, where a missing browser fails the test; elsewhere it
is skipped with the reason shown in pytest's summary.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.support.artifacts import ARTIFACTS, artifact
from tests.support.browser import content_cookies, play_hls_lecture, sign_in
from tests.support.local_stack import content_url, user

pytestmark = pytest.mark.slow


def watch(page: Any, url: str) -> list[int]:
    """The statuses of every response the page gets for ``url`` (filled as they arrive)."""
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url == url else None)
    return statuses


def watch_object(page: Any, stack: dict[str, Any], index: int) -> list[int]:
    """The statuses of every response for content item ``index``, whatever grant its URL
    carries (``/g/<grant>/<key>``, as the API answers it)."""
    statuses: list[int] = []
    path = "/" + quote(stack["content"][index]["key"])
    base = stack["cloudfront_url"]
    page.on(
        "response",
        lambda r: (
            statuses.append(r.status)
            if r.url.startswith(base + "/g/") and r.url.endswith(path)
            else None
        ),
    )
    return statuses


def signed_in_page(browser: Any, stack: dict[str, Any], *, in_group: bool) -> tuple[Any, list[int]]:
    """A demo page (in a context of its own) signed in as a demo user through managed login,
    watching the video's granted URL."""
    page = browser.new_page()
    statuses = watch_object(page, stack, 0)
    sign_in(page, stack, user(stack, in_group=in_group))
    page.wait_for_selector("button[data-content-id='aws-101-intro']")
    return page, statuses


def test_a_member_signs_in_and_the_video_plays(browser: Any, stack: dict[str, Any]) -> None:
    page, statuses = signed_in_page(browser, stack, in_group=True)
    page.click("button[data-content-id='aws-101-intro']")
    page.wait_for_function("document.getElementById('player').readyState >= 2", timeout=20_000)
    page.screenshot(path=artifact("demo-member-video.png"), full_page=True)

    assert statuses
    assert set(statuses) <= {200, 206}
    assert page.evaluate("document.getElementById('player').duration") > 3


def test_a_member_opens_the_quiz_from_its_granted_url_across_origins(
    browser: Any, stack: dict[str, Any]
) -> None:
    page, _ = signed_in_page(browser, stack, in_group=True)
    page.click("button[data-content-id='aws-101-quiz-1']")
    page.wait_for_selector("#quiz li", timeout=20_000)
    assert page.locator("#quiz li").count() == 2


def test_a_signed_out_page_gets_401_for_the_video(browser: Any, stack: dict[str, Any]) -> None:
    page = browser.new_page()
    video_url = content_url(stack, 0)
    statuses = watch(page, video_url)
    page.goto(stack["demo_url"] + "/")
    page.evaluate(
        """url => new Promise(resolve => {
            const video = document.getElementById('player');
            video.hidden = false;
            video.addEventListener('error', resolve, { once: true });
            video.src = url;
        })""",
        video_url,
    )
    page.screenshot(path=artifact("demo-signed-out.png"), full_page=True)
    assert statuses  # the player's request, and the page's own look at why it failed
    assert set(statuses) == {401}


def test_an_outsider_signs_in_sees_no_course_and_the_video_is_refused(
    browser: Any, stack: dict[str, Any]
) -> None:
    page = browser.new_page()
    video_url = content_url(stack, 0)
    statuses = watch(page, video_url)
    sign_in(page, stack, user(stack, in_group=False))
    page.wait_for_selector("#no-courses", state="visible")
    assert page.locator("#items button").count() == 0
    # The page sets no cookie (its URLs carry grants); an app on the content's site could:
    # the outsider's token as that cookie, for the video's plain URL.
    token = page.evaluate("sessionStorage.getItem('idToken')")
    page.context.add_cookies(
        [{"name": stack["cookie_name"], "value": token, "url": stack["cloudfront_url"]}]
    )
    page.evaluate(
        """url => new Promise(resolve => {
            const video = document.getElementById('player');
            video.hidden = false;
            video.addEventListener('error', resolve, { once: true });
            video.src = url;
        })""",
        video_url,
    )
    assert statuses
    assert set(statuses) == {403}


def content_responses(page: Any, stack: dict[str, Any]) -> list[tuple[str, int]]:
    """Every response from the content origin (the local CloudFront), as it arrives."""
    seen: list[tuple[str, int]] = []
    base = stack["cloudfront_url"] + "/"
    page.on(
        "response", lambda r: seen.append((r.url, r.status)) if r.url.startswith(base) else None
    )
    return seen


def test_the_demo_plays_the_hls_lecture_and_the_mp4_with_no_cookie_for_the_content(
    browser: Any, stack: dict[str, Any]
) -> None:
    started = time.monotonic()
    page, _ = signed_in_page(browser, stack, in_group=True)
    seen = content_responses(page, stack)
    assert urlsplit(page.url).netloc != urlsplit(stack["cloudfront_url"]).netloc

    play_hls_lecture(page)
    page.screenshot(path=artifact("demo-hls-lecture.png"), full_page=True)
    segments = [status for url, status in seen if url.endswith(".ts")]
    playlists = [status for url, status in seen if url.endswith(".m3u8")]

    page.click("button[data-content-id='aws-101-intro']")
    page.wait_for_function(
        "document.getElementById('player').dataset.player === 'file'"
        " && document.getElementById('player').readyState >= 2",
        timeout=30_000,
    )
    videos = [status for url, status in seen if url.endswith(".mp4")]
    (ARTIFACTS / "browser-hls-and-mp4.txt").write_text(
        f"sign-in, HLS lecture playing, MP4 loaded: {time.monotonic() - started:.2f} s\n"
    )

    assert segments
    assert set(segments) == {200}
    assert playlists
    assert set(playlists) == {200}
    assert videos
    assert set(videos) <= {200, 206}
    assert all("/g/" in url for url, _ in seen)
    assert content_cookies(page, stack) == []


def test_the_demo_opens_the_pdf_from_the_api_s_url_with_no_cookie(
    browser: Any, stack: dict[str, Any]
) -> None:
    page, _ = signed_in_page(browser, stack, in_group=True)
    page.click("button[data-content-id='aws-101-assignment-1']")
    link = page.wait_for_selector("#document-link:not([hidden])")
    href = link.get_attribute("href")
    assert href.startswith(stack["cloudfront_url"] + "/g/")
    with (
        page.context.expect_event("response", lambda r: r.url == href) as response,
        page.expect_popup() as popup,
    ):
        link.click()  # a new tab, as a learner opens it (its bytes: test_grant_urls.py)
    answer = response.value
    headers = answer.all_headers()
    assert (answer.status, headers.get("content-type")) == (200, "application/pdf")
    assert "sandbox" in headers["content-security-policy"]
    assert "content-disposition" not in headers
    # Chromium shows it in its PDF viewer (a frame of its own), sandboxed as it is.
    if not any(pdf_viewer(frame) for frame in popup.value.frames):
        popup.value.wait_for_event("framenavigated", predicate=pdf_viewer, timeout=30_000)
    assert content_cookies(page, stack) == []


def pdf_viewer(frame: Any) -> bool:
    """Chromium's PDF viewer: its built-in extension's page, in a frame of the tab."""
    return bool(frame.url.startswith("chrome-extension://") and frame.url.endswith("/index.html"))
