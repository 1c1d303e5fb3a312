"""The demo page in headless Chromium: a member signs in through managed login and the video
plays through the local CloudFront (200/206 for the player's requests); a signed-out page gets
401.

Runs Debian's Chromium through Playwright (``executable_path``; no browser download). CI
installs Chromium (.ci/run) and sets CI, where a missing browser fails the test; elsewhere it
is skipped with the reason shown in pytest's summary.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.e2e.conftest import artifact, content_url, user
from tests.support.browser import sign_in, stored


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
    status = page.evaluate(  # the video's plain URL, tried anyway with the outsider's token
        """([url, token]) => fetch(url, { headers: { Authorization: `Bearer ${token}` } })
            .then(response => response.status)""",
        [video_url, stored(page, "idToken")],
    )
    assert status == 403
    assert statuses == [403]
