"""Driving the demo page in headless Chromium: Debian's Chromium through Playwright
(``executable_path``; no browser download), and the page's sign-in through managed login."""

from __future__ import annotations

import os
import shutil
from typing import Any

from local.cognito import DemoUser
from local.managed_login.sessions import SESSION_COOKIE

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# What this machine's closed network needs (no background fetches) and what root needs.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: What the page keeps in sessionStorage while signed in.
TOKEN_KEYS = ("idToken", "refreshToken")


def sign_in(page: Any, stack: dict[str, Any], demo_user: DemoUser) -> None:
    """Open the demo page, press "Sign in", fill managed login's form, and wait until the page
    is back with its tokens (the code and state gone from its URL)."""
    page.goto(stack["demo_url"] + "/")
    page.click("#sign-in-button")
    page.wait_for_url(stack["auth_url"] + "/oauth2/authorize?*")
    page.fill("#username", demo_user.username)
    page.fill("#password", demo_user.password)
    page.click("button[type=submit]")
    page.wait_for_selector("#course:not([hidden])")
    page.wait_for_url(stack["demo_url"] + "/")


def stored(page: Any, key: str) -> str | None:
    value: str | None = page.evaluate("key => sessionStorage.getItem(key)", key)
    return value


def storage_and_cookies(page: Any) -> dict[str, Any]:
    """Everything the page could hold a token in: both storages and every cookie."""
    return {
        "sessionStorage": page.evaluate("({...sessionStorage})"),
        "localStorage": page.evaluate("({...localStorage})"),
        "document.cookie": page.evaluate("document.cookie"),
        "cookies": page.context.cookies(),
    }


def content_cookies(page: Any, stack: dict[str, Any]) -> list[dict[str, Any]]:
    """The cookies Chromium would send to the content origin, but for managed login's own
    session cookie: locally the stand-in shares the host 127.0.0.1, and cookies ignore ports
    (deployed, it lives on the Cognito domain)."""
    cookies: list[dict[str, Any]] = page.context.cookies([stack["cloudfront_url"]])
    return [cookie for cookie in cookies if cookie["name"] != SESSION_COOKIE]


def play_hls_lecture(page: Any, content_id: str = "aws-101-lecture-1") -> None:
    """Open an HLS item (the sample course's lecture by default) and wait until hls.js has it
    playing (muted, so headless Chromium's autoplay rules allow it): ``currentTime`` moves
    past 0. The viewer's title is the item's before the player is looked at, so a player
    still showing the item before is never taken for this one."""
    button = page.locator(f"button[data-content-id='{content_id}']")
    title = button.inner_text().rsplit(" (", 1)[0]  # the page writes "<title> (<type>)"
    button.click()
    page.wait_for_function(
        "title => document.getElementById('viewer-title').textContent === title"
        " && document.getElementById('player').dataset.player === 'hls.js'"
        " && document.getElementById('player').readyState >= 2",
        arg=title,
        timeout=30_000,
    )
    page.evaluate("(p => { p.muted = true; return p.play(); })(document.getElementById('player'))")
    page.wait_for_function("document.getElementById('player').currentTime > 0", timeout=30_000)
