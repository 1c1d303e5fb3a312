"""The grant key's one format: what the GrantKey resource, a rotation and make local write is
what the Content Delivery function reads, and anything else is refused without showing it."""

from __future__ import annotations

import json

import pytest

from shared.grant_secret import GrantSecretError, parse_secret, secret_string
from shared.grant_token import HmacKey, generate_key


def test_a_written_key_reads_back_as_the_same_key() -> None:
    key = generate_key()
    assert parse_secret(secret_string(key)) == key


def test_the_stored_value_holds_the_kid_and_the_secret_and_nothing_else() -> None:
    key = generate_key()
    assert json.loads(secret_string(key)) == {"kid": key.kid, "secret": key.secret}


def test_a_malformed_key_is_never_written() -> None:
    with pytest.raises(GrantSecretError):
        secret_string(HmacKey("kid", "too-short"))
    with pytest.raises(GrantSecretError):
        secret_string(HmacKey("a.b", generate_key().secret))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        "null",
        '{"kid": "k1"}',
        '{"secret": "' + "A" * 43 + '"}',
        '{"kid": "k1", "secret": "' + "A" * 42 + '"}',
        '{"kid": "k1", "secret": "' + "A" * 44 + '"}',
        '{"kid": "k1", "secret": "' + "A" * 42 + '="}',
        '{"kid": "k.1", "secret": "' + "A" * 43 + '"}',
        '{"kid": "' + "k" * 33 + '", "secret": "' + "A" * 43 + '"}',
        '{"kid": 1, "secret": "' + "A" * 43 + '"}',
        '{"kid": "k1", "secret": "' + "A" * 43 + '", "extra": 1}',
        '{"kid": "k1", "private_key": "-----BEGIN PRIVATE KEY-----"}',
    ],
)
def test_a_value_that_is_no_grant_key_is_refused(text: str) -> None:
    with pytest.raises(GrantSecretError):
        parse_secret(text)


def test_the_refusal_never_shows_the_value() -> None:
    secret = "S" * 42 + "!"
    with pytest.raises(GrantSecretError) as raised:
        parse_secret(json.dumps({"kid": "k1", "secret": secret}))
    assert secret not in str(raised.value)
