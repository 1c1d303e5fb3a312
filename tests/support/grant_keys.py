"""Grant keys in the secret's format (``shared.grant_secret``), generated per test run (no
grant key is ever committed), and the grant a content URL carries."""

from __future__ import annotations

from shared.grant_layout import PATH_SEGMENT
from shared.grant_secret import secret_string
from shared.grant_token import Grant, HmacKey, generate_key, parse


def grant_secret(key: HmacKey | None = None) -> str:
    """The Secrets Manager value holding ``key`` (a new one when None)."""
    return secret_string(key if key is not None else generate_key())


def grant_of_url(url: str) -> Grant:
    """The g1 grant in a content URL's path (``.../g/<grant>/courses/...``), parsed."""
    grant = parse(url.split(f"/{PATH_SEGMENT}/", 1)[1].split("/", 1)[0])
    if grant is None:
        raise AssertionError(f"no g1 grant in {url}")
    return grant
