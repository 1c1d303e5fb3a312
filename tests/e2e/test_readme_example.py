"""The "Your own app" example (docs/your-own-app.md, linked from the README), run as written
(only its three configuration values replaced) in headless Chromium against the local stack:
managed login with PKCE, the API with the ID token, a returned URL opened with no header, a
rotated refresh, and sign-out, after which that URL is refused."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from tests.support.http_client import http
from tests.support.local_stack import user
from tools.stack import ROOT

pytestmark = pytest.mark.slow

PLACEHOLDERS = {
    "auth_url": '"https://<prefix>.auth.us-east-1.amazoncognito.com"',
    "client_id": '"<UserPoolClientId>"',
    "api_url": '"https://<api>.execute-api.us-east-1.amazonaws.com/v1"',
}


def app_example(stack: dict[str, Any]) -> str:
    """The example's module, configured for ``stack``, its exports put on ``window``."""
    page = (ROOT / "docs" / "your-own-app.md").read_text(encoding="utf-8")
    found = re.search(r"In plain `fetch`.*?```js\n(.*?)```", page, re.S)
    assert found is not None, "docs/your-own-app.md lost its fetch example"
    code = found.group(1)
    for key, placeholder in PLACEHOLDERS.items():
        assert placeholder in code, placeholder
        code = code.replace(placeholder, json.dumps(stack[key]))
    return re.sub(r"export async function (\w+)\(", r"window.\1 = async function \1(", code)


def load(page: Any, code: str) -> None:
    page.add_script_tag(content=code, type="module")
    page.wait_for_function("typeof window.signOut === 'function'")


@pytest.fixture
def app_page(browser: Any, stack: dict[str, Any]) -> Any:
    """A blank page on the app origin (the client's callback and sign-out URL): the example
    runs there without the demo page's own script."""
    page = browser.new_page()
    page.route(
        f"{stack['demo_url']}/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>app</p>"),
    )
    yield page
    page.close()


def test_the_own_app_example_signs_in_lists_opens_refreshes_and_signs_out(
    app_page: Any, stack: dict[str, Any]
) -> None:
    member = user(stack, in_group=True)
    code = app_example(stack)
    app_page.goto(f"{stack['demo_url']}/")
    load(app_page, code)
    app_page.evaluate("signIn()")
    app_page.wait_for_url(f"{stack['auth_url']}/**")
    app_page.fill("input[name=username]", member.username)
    app_page.fill("input[name=password]", member.password)
    app_page.click("button[type=submit]")
    app_page.wait_for_url(f"{stack['demo_url']}/?code=*")
    load(app_page, code)
    seen = app_page.evaluate(
        """async (course) => {
            const first = await finishSignIn();
            const items = await courseContent(first, course);
            const media = await fetch(items[0].url);  // no header, no cookie
            const refreshed = await fresh({ ...first, expires: 0 });
            const again = await courseContent(refreshed, course);
            window.held = refreshed;
            return {
                address: location.href, count: items.length, media: media.status,
                rotated: refreshed.refresh !== first.refresh, first: first.refresh,
                refresh: refreshed.refresh, again: again.length, url: items[0].url,
            };
        }""",
        stack["course_id"],
    )
    assert seen["address"] == f"{stack['demo_url']}/"  # the code left the address bar
    assert seen["count"] == len(stack["content"]) == seen["again"]
    assert seen["media"] == 200
    assert seen["rotated"]
    app_page.evaluate("signOut(window.held)")
    app_page.wait_for_url(f"{stack['demo_url']}/")
    for refresh_token in (seen["first"], seen["refresh"]):  # rotated away, then revoked
        answer = requests.post(
            f"{stack['auth_url']}/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": stack["client_id"],
                "refresh_token": refresh_token,
            },
            timeout=10,
        )
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "invalid_grant"
    assert http(seen["url"]).status == 403  # POST /me/revoke, read at the next request
