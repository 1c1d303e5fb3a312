"""A learner's whole session on the demo page in headless Chromium: sign in through the
managed-login stand-in (PKCE, state), tokens refreshed before and after they expire with the
rotated refresh token kept, sign-out that revokes and forgets, and messages a learner
understands. Tokens that must expire come from ``short_token_stack``."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest

from local.cognito import DemoUser
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TOKEN_KEYS,
    play_hls_lecture,
    sign_in,
    storage_and_cookies,
    stored,
)
from tests.support.local_content import local_content
from tests.support.local_stack import user

pytestmark = pytest.mark.slow

INTRO = "button[data-content-id='aws-101-intro']"
PLAYING = "document.getElementById('player').readyState >= 2"
SESSION_ENDED = "Your session has ended. Please sign in again."


def expiry(token: str | None) -> int:
    assert token is not None
    return int(jwt.decode(token, options={"verify_signature": False})["exp"])


def token_endpoint(stack: dict[str, Any], path: str, **fields: str) -> tuple[int, dict[str, Any]]:
    """A form POST to the managed-login stand-in, as any client would send it."""
    body = urlencode({"client_id": stack["client_id"], **fields}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback URL from stack.json
        stack["auth_url"] + path,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer = response.read()
            return response.status, json.loads(answer) if answer else {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def member_page(browser: Any, stack: dict[str, Any]) -> Any:
    page = browser.new_page()
    sign_in(page, stack, user(stack, in_group=True))
    page.wait_for_selector(INTRO)
    return page


def test_the_page_refreshes_an_expired_id_token_rotates_the_refresh_token_and_still_lists_and_opens(
    browser: Any, short_token_stack: dict[str, Any]
) -> None:
    page = member_page(browser, short_token_stack)
    first_id, first_refresh = stored(page, "idToken"), stored(page, "refreshToken")

    page.wait_for_function("exp => Date.now() / 1000 > exp + 1", arg=expiry(first_id))
    page.reload()  # lists the courses again with what the page stored
    page.click(INTRO)
    page.wait_for_function(PLAYING, timeout=20_000)

    assert stored(page, "idToken") not in (None, first_id)
    assert stored(page, "refreshToken") not in (None, first_refresh)
    assert page.locator("#items button").count() >= 3


def test_an_id_token_the_api_refuses_is_refreshed_once_and_the_item_still_opens(
    browser: Any, stack: dict[str, Any], expired_token: str
) -> None:
    page = member_page(browser, stack)
    first_refresh = stored(page, "refreshToken")
    page.evaluate("token => sessionStorage.setItem('idToken', token)", expired_token)

    page.click(INTRO)
    page.wait_for_function(PLAYING, timeout=20_000)

    assert stored(page, "idToken") not in (None, expired_token)
    assert stored(page, "refreshToken") not in (None, first_refresh)


def test_a_refresh_refused_with_invalid_grant_sends_the_page_back_to_sign_in(
    browser: Any, short_token_stack: dict[str, Any]
) -> None:
    page = member_page(browser, short_token_stack)
    refresh = stored(page, "refreshToken")
    assert refresh is not None
    assert token_endpoint(short_token_stack, "/oauth2/revoke", token=refresh)[0] == 200

    page.wait_for_selector("#sign-in:not([hidden])")  # the next scheduled refresh is refused

    assert page.text_content("#sign-in-message") == SESSION_ENDED
    assert page.locator("#items li").count() == 0
    assert all(stored(page, key) is None for key in TOKEN_KEYS)


def test_a_reload_after_the_session_ended_returns_to_sign_in_not_to_an_empty_course(
    browser: Any, short_token_stack: dict[str, Any]
) -> None:
    page = member_page(browser, short_token_stack)
    id_token, refresh = stored(page, "idToken"), stored(page, "refreshToken")
    assert refresh is not None
    page.goto("about:blank")  # the tab keeps the demo page's sessionStorage
    assert token_endpoint(short_token_stack, "/oauth2/revoke", token=refresh)[0] == 200
    page.wait_for_function("exp => Date.now() / 1000 > exp + 1", arg=expiry(id_token))

    page.goto(short_token_stack["demo_url"] + "/")
    page.wait_for_selector("#sign-in-message:not(:empty)")  # after the refused refresh

    assert page.text_content("#sign-in-message") == SESSION_ENDED
    assert page.is_hidden("#course")


def test_signing_out_revokes_the_refresh_token_ends_managed_login_and_leaves_no_token(
    browser: Any, stack: dict[str, Any]
) -> None:
    page = member_page(browser, stack)
    refresh = stored(page, "refreshToken")
    assert refresh is not None

    page.click("#sign-out")
    page.wait_for_url(stack["demo_url"] + "/")  # back from managed login's /logout
    page.wait_for_selector("#sign-in:not([hidden])")

    status, answer = token_endpoint(
        stack, "/oauth2/token", grant_type="refresh_token", refresh_token=refresh
    )
    assert (status, answer.get("error")) == (400, "invalid_grant")
    assert storage_and_cookies(page) == {
        "sessionStorage": {},
        "localStorage": {},
        "document.cookie": "",
        "cookies": [],  # managed login's session cookie too
    }
    assert page.locator("#items li").count() == 0
    page.click("#sign-in-button")  # a new sign-in asks for the password again
    page.wait_for_url(stack["auth_url"] + "/oauth2/authorize?*")
    assert page.is_visible("#password")


def test_signing_out_clears_what_the_previous_user_was_viewing(
    browser: Any, stack: dict[str, Any]
) -> None:
    page = member_page(browser, stack)
    page.click(INTRO)
    page.wait_for_function(PLAYING, timeout=20_000)
    # Managed login's /logout answers 204 here, so the page stays and can be looked at.
    page.route(stack["auth_url"] + "/logout?*", lambda route: route.fulfill(status=204))

    page.click("#sign-out")
    page.wait_for_function("sessionStorage.length === 0")
    page.wait_for_function("document.getElementById('status').textContent === 'Signing out…'")

    assert page.locator("#items li").count() == 0
    assert page.evaluate("document.getElementById('player').getAttribute('src')") is None
    assert page.evaluate("document.getElementById('player').readyState") == 0  # no media held
    assert page.is_hidden("#viewer")
    assert page.text_content("#who") == ""
    assert "Welcome to AWS 101" not in page.text_content("body")


def test_a_callback_with_a_state_this_tab_did_not_send_is_refused_without_a_token_request(
    browser: Any, stack: dict[str, Any]
) -> None:
    # The attacker signs in as themselves and keeps the callback (code and state) unused.
    attacker = browser.new_page()
    callbacks: list[str] = []

    def keep(route: Any) -> None:
        answer = route.fetch(max_redirects=0)  # managed login's 302 to the callback
        callbacks.append(answer.headers["location"])
        route.fulfill(status=204)

    attacker.route(stack["auth_url"] + "/login", keep)
    attacker.goto(stack["demo_url"] + "/")
    attacker.click("#sign-in-button")
    outsider = user(stack, in_group=False)
    attacker.fill("#username", outsider.username)
    attacker.fill("#password", outsider.password)
    with attacker.expect_response(lambda r: r.url.endswith("/login")):
        attacker.click("button[type=submit]")
    assert "code=" in callbacks[0]

    # The victim started a sign-in of their own, then lands on the attacker's callback.
    victim = browser.new_page()
    token_requests: list[str] = []
    victim.on(
        "request",
        lambda r: token_requests.append(r.url) if "/oauth2/token" in r.url else None,
    )
    victim.goto(stack["demo_url"] + "/")
    victim.click("#sign-in-button")
    victim.wait_for_url(stack["auth_url"] + "/oauth2/authorize?*")
    victim.goto(callbacks[0])
    victim.wait_for_selector("#sign-in-message:not(:empty)")

    assert victim.text_content("#sign-in-message").startswith("Sign-in refused")
    assert token_requests == []
    assert victim.url == stack["demo_url"] + "/"
    assert stored(victim, "idToken") is None


def test_a_callback_to_a_tab_that_started_no_sign_in_is_refused(
    browser: Any, stack: dict[str, Any]
) -> None:
    page = browser.new_page()
    page.goto(stack["demo_url"] + "/?code=planted&state=planted")
    page.wait_for_selector("#sign-in-message:not(:empty)")

    assert page.text_content("#sign-in-message").startswith("Sign-in refused")
    assert stored(page, "idToken") is None


def test_an_item_of_a_course_the_learner_is_not_in_says_not_enrolled(
    browser: Any, stack: dict[str, Any]
) -> None:
    page = browser.new_page()
    sign_in(page, stack, user(stack, in_group=False, enrolled=True))
    page.wait_for_selector(INTRO)
    other = stack["other_content"][0]["contentId"]
    # A link to another course's item, shown as the page shows its own items.
    page.evaluate(
        """id => document.getElementById('items')
            .append(itemButton({ contentId: id, title: 'Shared link', type: 'quiz' }))""",
        other,
    )

    page.click(f"button[data-content-id='{other}']")
    page.wait_for_selector("#status:not(:empty)")

    assert page.text_content("#status") == "You are not enrolled in this course."
    assert stored(page, "idToken") is not None  # still signed in


@pytest.fixture(scope="module")
def damaged_video(
    short_token_stack: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A video whose bytes no browser can decode, published with `bin/content --local add`'s
    code to a course of its own (the all-access member reads it)."""
    path = tmp_path_factory.mktemp("damaged") / "damaged.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096))
    content_id = "damaged-101-intro"
    add = ["add", "--course", "damaged-101", "--id", content_id, "--title", "A damaged video"]
    for args in (
        ["course", "put", "--course", "damaged-101", "--title", "Damaged"],
        [*add, "--file", str(path)],
    ):
        done = local_content(short_token_stack, *args)
        assert done.returncode == 0, done.stderr
    return content_id


def test_a_served_video_the_player_cannot_decode_is_not_reported_as_a_refusal(
    browser: Any, short_token_stack: dict[str, Any], damaged_video: str
) -> None:
    page = member_page(browser, short_token_stack)
    page.click(f"button[data-content-id='{damaged_video}']")
    page.wait_for_selector("#status.error")

    message = page.text_content("#status")
    assert "cannot be played" in message
    assert "refused" not in message


def test_a_learners_session_plays_hls_outlives_its_id_token_and_signs_out_for_real(
    browser: Any, short_token_stack: dict[str, Any]
) -> None:
    """Issue 11's journey in one page, no reload: managed-login sign-in, the HLS lecture
    playing, the ID token expiring and refreshed by the page itself (rotated refresh token
    kept), content still listed and opened with the new token, then a sign-out after which
    the last refresh token is refused and the page holds no token."""
    stack = short_token_stack
    page = member_page(browser, stack)
    first_id, first_refresh = stored(page, "idToken"), stored(page, "refreshToken")

    play_hls_lecture(page)

    page.wait_for_function("exp => Date.now() / 1000 > exp + 1", arg=expiry(first_id))
    refreshed_id, rotated = stored(page, "idToken"), stored(page, "refreshToken")
    assert refreshed_id not in (None, first_id)
    assert rotated not in (None, first_refresh)
    assert expiry(refreshed_id) > expiry(first_id)

    page.click(INTRO)  # the API answers the refreshed token; the MP4 plays from its grant URL
    page.wait_for_function(
        "document.getElementById('player').dataset.player === 'file' && " + PLAYING,
        timeout=20_000,
    )
    assert page.locator("#items button").count() >= 3

    last_refresh = stored(page, "refreshToken")
    assert last_refresh is not None
    page.click("#sign-out")
    page.wait_for_url(stack["demo_url"] + "/")
    page.wait_for_selector("#sign-in:not([hidden])")
    for spent in {first_refresh, rotated, last_refresh} - {None}:
        status, answer = token_endpoint(
            stack, "/oauth2/token", grant_type="refresh_token", refresh_token=str(spent)
        )
        assert (status, answer.get("error")) == (400, "invalid_grant")
    assert storage_and_cookies(page)["sessionStorage"] == {}
    assert storage_and_cookies(page)["localStorage"] == {}
    assert page.locator("#items li").count() == 0


async def click_sign_in_before_the_settings_arrive(stack: dict[str, Any], learner: DemoUser) -> str:
    """Hold config.json back, press Sign in while it is held, then let it through and sign in;
    the page's URL once back with its tokens. Playwright's async API: the click must be under
    way while the test answers the held request."""
    from playwright.async_api import Route, async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            held: asyncio.Queue[Route] = asyncio.Queue()
            asked = 0

            async def hold_the_first(route: Route) -> None:
                """Hold the first page's request; the page back from sign-in gets its own."""
                nonlocal asked
                asked += 1
                if asked == 1:
                    await held.put(route)
                else:
                    await route.continue_()

            await page.route("**/config.json", hold_the_first)
            await page.goto(stack["demo_url"] + "/")
            settings = await held.get()  # the page asked for its settings; no answer yet
            button = page.locator("#sign-in-button")
            await expect(button).to_be_visible()
            await expect(button).to_be_disabled()

            click = asyncio.create_task(button.click())
            await asyncio.sleep(0)  # lets the click task send its command first
            await expect(button).to_be_disabled()  # still held: nothing to click yet
            assert not click.done()  # the click waits for the button to work

            await settings.continue_()
            await click
            await page.wait_for_url(stack["auth_url"] + "/oauth2/authorize?*")
            await page.fill("#username", learner.username)
            await page.fill("#password", learner.password)
            await page.click("button[type=submit]")
            await page.wait_for_selector("#course:not([hidden])")
            return page.url
        finally:
            await browser.close()


def test_sign_in_pressed_before_the_page_has_its_settings_still_signs_in(
    browser: Any, stack: dict[str, Any]
) -> None:
    """``browser`` only for its check that Chromium is there; the scenario runs on its own
    event loop in a thread of its own, away from the sync API's."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        scenario = click_sign_in_before_the_settings_arrive(stack, user(stack, in_group=True))
        url = thread.submit(asyncio.run, scenario).result()
    assert url == stack["demo_url"] + "/"


def test_a_page_without_its_settings_says_so_and_offers_no_sign_in(
    browser: Any, stack: dict[str, Any]
) -> None:
    page = browser.new_page()
    page.route("**/config.json", lambda route: route.fulfill(status=503, body="unavailable"))
    page.goto(stack["demo_url"] + "/")
    page.wait_for_selector("#status.error")

    assert page.text_content("#status") == (
        "The page's settings could not be loaded (503). Reload the page."
    )
    assert page.is_disabled("#sign-in-button")


def test_an_item_that_is_gone_takes_the_player_off_and_the_list_is_listed_again(
    browser: Any, stack: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "short.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(2_000) + b"\n%%EOF\n")
    created = local_content(stack, "course", "put", "--course", "gone-101", "--title", "Gone")
    assert created.returncode == 0, created.stderr
    added = local_content(
        stack, "add", "--course", "gone-101", "--id", "gone-101-notes", "--title", "Notes",
        "--file", str(path),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    try:
        page = member_page(browser, stack)
        page.click(INTRO)
        page.wait_for_function(PLAYING, timeout=20_000)
        removed = local_content(stack, "remove", "--id", "gone-101-notes")
        assert removed.returncode == 0, removed.stderr
        listed_before = page.locator("#items button").count()

        page.click("button[data-content-id='gone-101-notes']")
        page.wait_for_function(
            "document.getElementById('status').textContent === 'This item is no longer available.'"
        )
        page.wait_for_function(
            "!document.querySelector(\"button[data-content-id='gone-101-notes']\")"
        )
    finally:
        local_content(stack, "remove", "--id", "gone-101-notes")

    assert page.is_hidden("#viewer")
    assert page.evaluate("document.getElementById('player').getAttribute('src')") is None
    assert page.evaluate("document.getElementById('player').readyState") == 0
    assert page.text_content("#viewer-title") == ""
    assert page.locator("#items button").count() == listed_before - 1
    assert "gone-101" not in page.text_content("#items")
