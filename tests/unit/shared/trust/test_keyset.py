"""keyset.parse_jwks: a JWKS becomes checked keys once, whether baked in or fetched."""

from __future__ import annotations

from typing import Any

import pytest

from shared.b64 import b64url_uint
from shared.trust.errors import InvalidJwksError
from shared.trust.keyset import parse_jwks
from testkit.tokens import SigningKey


def test_a_jwks_keeps_only_rs256_signing_keys(test_key: SigningKey) -> None:
    other = SigningKey.generate("other").public_jwk()
    jwks = {
        "keys": [
            test_key.public_jwk(),
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            {**other, "kid": "enc", "use": "enc"},
            {**other, "kid": "rs512", "alg": "RS512"},
        ]
    }
    assert set(parse_jwks(jwks)) == {test_key.kid}


def test_a_parsed_key_is_the_jwk_s_modulus_and_exponent(test_key: SigningKey) -> None:
    numbers = test_key.private_key.public_key().public_numbers()
    key = parse_jwks(test_key.jwks())[test_key.kid]
    assert (key.n, key.e, key.size) == (numbers.n, numbers.e, 256)


def test_a_hostile_exponent_makes_the_key_unusable(test_key: SigningKey) -> None:
    """An 8192-bit modulus with e close to n made one verification take about a second."""
    n = (1 << 8191) + (1 << 101) + 1
    hostile = {"kty": "RSA", "kid": "slow", "n": b64url_uint(n), "e": b64url_uint(n - 2)}
    with pytest.raises(InvalidJwksError, match="no usable"):
        parse_jwks({"keys": [hostile]})
    assert set(parse_jwks({"keys": [hostile, test_key.public_jwk()]})) == {test_key.kid}


@pytest.mark.parametrize(
    "jwks",
    [
        None,
        {},
        {"keys": {}},
        {"keys": []},
        {"keys": ["not-an-object"]},
        {"keys": [7, SigningKey.test_only().public_jwk()]},
        {"keys": [{"kty": "EC"}]},
    ],
)
def test_a_jwks_without_a_usable_key_is_an_error(jwks: Any) -> None:
    with pytest.raises(InvalidJwksError):
        parse_jwks(jwks)


def test_a_jwks_with_a_kid_used_twice_is_an_error(
    test_key: SigningKey, attacker_key: SigningKey
) -> None:
    with pytest.raises(InvalidJwksError, match="twice"):
        parse_jwks({"keys": [test_key.public_jwk(), attacker_key.public_jwk()]})


def test_a_signing_key_without_a_kid_is_an_error(test_key: SigningKey) -> None:
    jwk = test_key.public_jwk()
    del jwk["kid"]
    with pytest.raises(InvalidJwksError, match="kid"):
        parse_jwks({"keys": [jwk]})


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "k"])
def test_a_jwks_entry_with_private_key_material_is_refused(member: str) -> None:
    jwk = {**SigningKey.generate("k1").public_jwk(), member: "AQAB"}
    with pytest.raises(InvalidJwksError, match="private"):
        parse_jwks({"keys": [jwk]})
