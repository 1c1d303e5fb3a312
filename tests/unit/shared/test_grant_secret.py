"""The grant key's one format: what the resource and make local write is what the Content
Delivery function reads, and only the public half is ever published."""

from __future__ import annotations

import json
import time

import pytest

from content_delivery.grants import GrantSigner
from edge_auth import grant_verification
from shared.grant_secret import (
    KEY_BITS,
    KID,
    GrantKey,
    GrantSecretError,
    generate,
    kid_of,
    parse_secret,
    public_jwk,
    public_jwk_from,
    secret_string,
)
from shared.trust.config import GrantConfig
from shared.trust.keyset import parse_jwks
from testkit.signed_grants import LEARNER_SUB, TEST_GRANT_ISSUER


@pytest.fixture(scope="module")
def key() -> GrantKey:
    return generate()


def test_a_generated_key_reads_back_from_its_secret_value(key: GrantKey) -> None:
    parsed = parse_secret(secret_string(key))
    assert parsed.kid == key.kid
    assert parsed.private_key.private_numbers() == key.private_key.private_numbers()


def test_a_generated_key_is_rsa_of_the_size_the_edge_verifies(key: GrantKey) -> None:
    assert key.private_key.key_size == KEY_BITS == 2048


def test_the_kid_names_the_key_material(key: GrantKey) -> None:
    assert KID.fullmatch(key.kid)
    assert key.kid == kid_of(key.private_key.public_key())
    assert generate().kid != key.kid


def test_the_public_jwk_holds_public_members_only(key: GrantKey) -> None:
    jwk = public_jwk(key)
    assert set(jwk) == {"kty", "alg", "use", "kid", "n", "e"}
    assert "PRIVATE" not in json.dumps(jwk)


def test_a_grant_signed_with_the_secret_verifies_at_the_edge_with_the_public_jwk(
    key: GrantKey,
) -> None:
    now = time.time()
    signer = GrantSigner(TEST_GRANT_ISSUER, 3600, lambda: secret_string(key))
    grant = signer.mint(LEARNER_SUB, "courses/aws-101/", now)
    config = GrantConfig(TEST_GRANT_ISSUER, parse_jwks({"keys": [public_jwk(key)]}))
    decision = grant_verification.verify(grant, config, now)
    assert decision.prefix == "courses/aws-101/"


def test_a_recorded_public_key_is_accepted_only_under_its_own_kid(key: GrantKey) -> None:
    jwk = public_jwk(key)
    assert public_jwk_from(jwk["kid"], jwk["n"], jwk["e"]) == jwk
    other = public_jwk(generate())
    with pytest.raises(GrantSecretError):
        public_jwk_from(jwk["kid"], other["n"], other["e"])


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "{}",
        '{"kid": "grant-x"}',
        '{"kid": "grant-x", "private_key": "-----BEGIN PRIVATE KEY-----\\nAAAA"}',
        '["kid", "private_key"]',
    ],
)
def test_an_unusable_secret_value_is_refused_without_showing_it(value: str) -> None:
    with pytest.raises(GrantSecretError) as raised:
        parse_secret(value)
    assert value not in str(raised.value)
    assert "BEGIN" not in str(raised.value)


def test_a_kid_outside_the_jws_alphabet_is_refused(key: GrantKey) -> None:
    with pytest.raises(GrantSecretError, match="kid"):
        parse_secret(secret_string(GrantKey("grant key/1", key.private_key)))
