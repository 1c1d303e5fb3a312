from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from local.managed_login.answers import with_query
from local.managed_login.directory import AppClient

APP = "http://127.0.0.1:8000/"
CLIENT = AppClient(
    client_id="web",
    callback_urls=(APP,),
    logout_urls=(APP,),
    scopes=("openid", "email", "profile"),
    code_flow=True,
    has_secret=False,
)


def test_the_registered_callback_matches():
    assert CLIENT.is_callback(APP)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "http://127.0.0.1:8000",  # no trailing slash
        "http://127.0.0.1:8000/?x=1",
        "http://127.0.0.1:8000/#frag",
        "http://127.0.0.1:8000//",
        "http://127.0.0.1:8000/evil",
        "HTTP://127.0.0.1:8000/",
        "http://127.0.0.1:80001/",
        "http://127.0.0.1:8000.evil.example/",
        "http://localhost:8000/",
        "https://127.0.0.1:8000/",
    ],
)
def test_anything_but_the_exact_callback_is_foreign(url):
    assert not CLIENT.is_callback(url)


def test_a_callback_is_no_sign_out_url_unless_registered_as_one():
    client = AppClient("web", (APP,), ("http://127.0.0.1:8000/bye",), (), True, False)
    assert not client.is_logout_url(APP)
    assert client.is_logout_url("http://127.0.0.1:8000/bye")


def test_the_callbacks_origin_is_what_cors_allows():
    assert CLIENT.origins() == {"http://127.0.0.1:8000"}


def test_the_answer_is_added_to_the_callbacks_own_query():
    url = with_query("http://app.example/cb?tenant=a", {"code": "c", "state": "s&x=1"})
    parts = urlsplit(url)
    assert parts.path == "/cb"
    assert parse_qs(parts.query) == {"tenant": ["a"], "code": ["c"], "state": ["s&x=1"]}
