"""The g1 grant format: what the API mints parses back to what it was given, verifies with its
key only, and nothing unverifiable is ever minted."""

from __future__ import annotations

import pytest

from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_token import (
    MAX_GRANT_LENGTH,
    SECRET,
    HmacKey,
    generate_key,
    mint,
    parse,
    verifies,
)
from testkit.tokens import LEARNER_SUB

KEY = HmacKey("cur-2026", "jlN5lIGMiP8DvGFzFTpovdtgVzoTEFuX9HdRpUXrMKE")
NOW = 1_767_225_600.7


def test_a_minted_grant_parses_to_its_fields_and_verifies_with_its_key() -> None:
    text = mint(KEY, LEARNER_SUB, "aws-101", NOW, 14400)
    grant = parse(text)
    assert grant is not None
    assert (grant.kid, grant.sub, grant.course) == ("cur-2026", LEARNER_SUB, "aws-101")
    assert (grant.issued_at, grant.expires_at) == (1_767_225_600, 1_767_225_600 + 14400)
    assert len(grant.grant_id) == 16
    assert verifies(grant, KEY.secret)
    assert not verifies(grant, generate_key().secret)


def test_two_grants_of_one_second_differ_by_their_id() -> None:
    assert mint(KEY, LEARNER_SUB, "aws-101", NOW, 60) != mint(KEY, LEARNER_SUB, "aws-101", NOW, 60)


def test_a_grant_for_a_cognito_sub_is_about_190_characters() -> None:
    assert len(mint(KEY, LEARNER_SUB, "aws-101", NOW, 14400)) < 200


def test_the_longest_grant_is_exactly_the_length_limit() -> None:
    key = HmacKey("k" * 32, KEY.secret)
    text = mint(key, "s" * 128, "c" * 64, 99_999_999_999 - MAX_LIFETIME_SECONDS, 86400)
    assert len(text) == MAX_GRANT_LENGTH
    assert parse(text) is not None
    assert parse(text + "x") is None


def test_a_generated_key_has_a_kid_and_a_43_character_secret() -> None:
    key = generate_key()
    assert len(key.kid) == 8
    assert SECRET.fullmatch(key.secret)
    assert generate_key() != key


@pytest.mark.parametrize(
    ("key", "sub", "course", "lifetime"),
    [
        (KEY, "a.b", "aws-101", 60),
        (KEY, "", "aws-101", 60),
        (KEY, "s" * 129, "aws-101", 60),
        (KEY, LEARNER_SUB, "_private", 60),
        (KEY, LEARNER_SUB, "aws:101", 60),
        (KEY, LEARNER_SUB, "aws-101", 0),
        (KEY, LEARNER_SUB, "aws-101", MAX_LIFETIME_SECONDS + 1),
        (HmacKey("k.1", KEY.secret), LEARNER_SUB, "aws-101", 60),
        (HmacKey("k1", "short"), LEARNER_SUB, "aws-101", 60),
    ],
)
def test_nothing_unverifiable_is_minted(key: HmacKey, sub: str, course: str, lifetime: int) -> None:
    with pytest.raises(ValueError, match=r"malformed|grantable|lasts"):
        mint(key, sub, course, NOW, lifetime)


def test_a_malformed_grant_id_is_refused() -> None:
    with pytest.raises(ValueError, match="grant ID"):
        mint(KEY, LEARNER_SUB, "aws-101", NOW, 60, grant_id="short")
