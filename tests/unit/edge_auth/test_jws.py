"""jws.decode_and_verify: the token's form, its header rules and its signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from edge_auth import jws
from edge_auth.errors import (
    InvalidSignatureError,
    MalformedTokenError,
    UnknownKeyError,
    UnsupportedAlgorithmError,
)
from shared.b64 import b64url_encode
from shared.trust.keyset import parse_jwk
from shared.trust.rs256 import RsaPublicKey
from testkit.tokens import SigningKey, cognito_claims


def keys_of(*keys: SigningKey) -> Callable[[str], RsaPublicKey]:
    table = {key.kid: parse_jwk(key.public_jwk()) for key in keys}

    def key_for(kid: str) -> RsaPublicKey:
        if kid not in table:
            raise UnknownKeyError(kid)
        return table[kid]

    return key_for


def decode(token: str, key_for: Callable[[str], RsaPublicKey]) -> dict[str, Any]:
    """Parse, look the kid up, verify: the order the authorizer uses."""
    parsed = jws.parse(token)
    return jws.verified_claims(parsed, key_for(parsed.kid))


def test_a_token_signed_by_a_trusted_key_yields_its_claims(test_key: SigningKey) -> None:
    claims = cognito_claims()
    assert decode(test_key.sign(claims), keys_of(test_key)) == claims


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e",  # JWE compact form
        "..",
        "eyJhbGciOiJSUzI1NiJ9..sig",
    ],
)
def test_a_token_without_three_non_empty_parts_is_malformed(
    token: str, test_key: SigningKey
) -> None:
    with pytest.raises(MalformedTokenError):
        decode(token, keys_of(test_key))


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda h, p, s: f"{h}=.{p}.{s}", id="padding-in-header"),
        pytest.param(lambda h, p, s: f"{h}.{p}.{s}==", id="padding-in-signature"),
        pytest.param(
            lambda h, p, s: f"{h}.{p.replace('-', '+').replace('_', '/')}+.{s}",
            id="standard-alphabet",
        ),
        pytest.param(lambda h, p, s: f"{h}.{p}.{s[:-1]}", id="truncated-signature"),
        pytest.param(lambda h, p, s: f" {h}.{p}.{s}", id="leading-space"),
        pytest.param(lambda h, p, s: f"{h}.{p}.{s}\n", id="trailing-newline"),
        pytest.param(lambda h, p, s: f"{h}.{p}é.{s}", id="non-ascii"),
    ],
)
def test_a_token_that_is_not_strict_base64url_is_malformed(
    mutate: Any, test_key: SigningKey
) -> None:
    header, payload, signature = test_key.sign(cognito_claims()).split(".")
    with pytest.raises((MalformedTokenError, InvalidSignatureError)):
        decode(mutate(header, payload, signature), keys_of(test_key))


def test_a_non_canonical_base64url_signature_is_malformed(test_key: SigningKey) -> None:
    """Two spellings of the same bytes would be two cache keys for one token; refuse the odd one."""
    header, payload, signature = test_key.sign(cognito_claims()).split(".")
    last = signature[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    sibling = alphabet[alphabet.index(last) ^ 1]  # same leading bits, differs in an unused bit
    with pytest.raises(MalformedTokenError, match="non-canonical"):
        decode(f"{header}.{payload}.{signature[:-1]}{sibling}", keys_of(test_key))


@pytest.mark.parametrize(
    "header_json",
    [b"[]", b'"RS256"', b"null", b"{", b'{"alg":"RS256","kid":"k"} trailing', b"\xff\xfe"],
)
def test_a_header_that_is_not_a_json_object_is_malformed(
    header_json: bytes, test_key: SigningKey
) -> None:
    token = f"{b64url_encode(header_json)}.{b64url_encode(b'{}')}.{b64url_encode(b'x' * 256)}"
    with pytest.raises(MalformedTokenError):
        decode(token, keys_of(test_key))


def test_a_deeply_nested_header_is_malformed_not_a_crash(test_key: SigningKey) -> None:
    header = b"[" * 100_000 + b"]" * 100_000
    token = f"{b64url_encode(header)}.{b64url_encode(b'{}')}.{b64url_encode(b'x' * 256)}"
    with pytest.raises(MalformedTokenError):
        decode(token, keys_of(test_key))


def test_a_header_nested_past_the_recursion_limit_within_the_length_limit_is_malformed(
    test_key: SigningKey,
) -> None:
    """The test above is stopped by the length rule; this one reaches the JSON decoder."""
    header = b"[" * 6_000 + b"]" * 6_000
    token = f"{b64url_encode(header)}.{b64url_encode(b'{}')}.{b64url_encode(b'x' * 256)}"
    assert len(token) <= jws.MAX_TOKEN_LENGTH
    with pytest.raises(MalformedTokenError, match="JSON"):
        decode(token, keys_of(test_key))


def test_an_oversized_token_is_malformed(test_key: SigningKey) -> None:
    claims = cognito_claims(groups=["g" * 100] * 200)
    with pytest.raises(MalformedTokenError, match="too long"):
        decode(test_key.sign(claims), keys_of(test_key))


@pytest.mark.parametrize(
    "alg", ["none", "None", "HS256", "RS384", "RS512", "PS256", "ES256", "rs256", "", None]
)
def test_any_alg_other_than_rs256_is_refused(alg: Any, test_key: SigningKey) -> None:
    token = test_key.sign_compact({"alg": alg, "kid": test_key.kid}, cognito_claims())
    with pytest.raises(UnsupportedAlgorithmError):
        decode(token, keys_of(test_key))


def test_an_unsigned_alg_none_token_is_refused(test_key: SigningKey) -> None:
    header = b64url_encode(json.dumps({"alg": "none", "kid": test_key.kid}).encode())
    token = f"{header}.{b64url_encode(json.dumps(cognito_claims()).encode())}."
    with pytest.raises((UnsupportedAlgorithmError, MalformedTokenError)):
        decode(token, keys_of(test_key))


def test_an_hs256_token_keyed_with_the_public_key_is_refused(test_key: SigningKey) -> None:
    """Algorithm confusion: the RSA public key used as an HMAC secret."""
    secret = json.dumps(test_key.public_jwk()).encode()
    header = b64url_encode(json.dumps({"alg": "HS256", "kid": test_key.kid}).encode())
    payload = b64url_encode(json.dumps(cognito_claims()).encode())
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(UnsupportedAlgorithmError):
        decode(f"{header}.{payload}.{b64url_encode(mac)}", keys_of(test_key))


def test_a_crit_header_is_refused_even_when_signed(test_key: SigningKey) -> None:
    token = test_key.sign_compact(
        {"alg": "RS256", "kid": test_key.kid, "crit": ["exp"], "exp": 1}, cognito_claims()
    )
    with pytest.raises(UnsupportedAlgorithmError, match="crit"):
        decode(token, keys_of(test_key))


@pytest.mark.parametrize("kid", [None, "", 7, ["k"]])
def test_a_kid_that_is_not_a_non_empty_string_is_malformed(kid: Any, test_key: SigningKey) -> None:
    token = test_key.sign_compact({"alg": "RS256", "kid": kid}, cognito_claims())
    with pytest.raises(MalformedTokenError, match="kid"):
        decode(token, keys_of(test_key))


def test_an_unknown_kid_is_refused(test_key: SigningKey, rotated_key: SigningKey) -> None:
    with pytest.raises(UnknownKeyError):
        decode(rotated_key.sign(cognito_claims()), keys_of(test_key))


def test_a_token_signed_by_another_key_under_a_trusted_kid_is_refused(
    test_key: SigningKey, attacker_key: SigningKey
) -> None:
    with pytest.raises(InvalidSignatureError):
        decode(attacker_key.sign(cognito_claims()), keys_of(test_key))


@pytest.mark.parametrize("param", ["jwk", "jku", "x5u", "x5c"])
def test_keys_named_in_the_header_are_ignored(
    param: str, test_key: SigningKey, attacker_key: SigningKey
) -> None:
    """An attacker-supplied key or key URL must never be used to verify."""
    embedded: dict[str, Any] = {
        "jwk": attacker_key.public_jwk(),
        "jku": "https://attacker.example/jwks.json",
        "x5u": "https://attacker.example/cert.pem",
        "x5c": ["MIIB"],
    }
    token = attacker_key.sign_compact(
        {"alg": "RS256", "kid": test_key.kid, param: embedded[param]}, cognito_claims()
    )
    with pytest.raises(InvalidSignatureError):
        decode(token, keys_of(test_key))


def test_a_payload_changed_after_signing_is_refused(test_key: SigningKey) -> None:
    header, _, signature = test_key.sign(cognito_claims(groups=["teachers"])).split(".")
    forged = b64url_encode(json.dumps(cognito_claims(groups=["students"])).encode())
    with pytest.raises(InvalidSignatureError):
        decode(f"{header}.{forged}.{signature}", keys_of(test_key))


def test_a_signed_payload_that_is_not_an_object_is_malformed(test_key: SigningKey) -> None:
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": test_key.kid}).encode())
    payload = b64url_encode(b"[1, 2]")
    token = f"{header}.{payload}"
    signature = test_key.private_key.sign(token.encode(), *_pkcs1_sha256())
    with pytest.raises(MalformedTokenError, match="object"):
        decode(f"{token}.{b64url_encode(signature)}", keys_of(test_key))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_payload_with_non_json_constants_is_malformed(
    constant: str, test_key: SigningKey
) -> None:
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": test_key.kid}).encode())
    payload = b64url_encode(f'{{"exp": {constant}}}'.encode())
    token = f"{header}.{payload}"
    signature = test_key.private_key.sign(token.encode(), *_pkcs1_sha256())
    with pytest.raises(MalformedTokenError):
        decode(f"{token}.{b64url_encode(signature)}", keys_of(test_key))


def test_pyjwt_and_the_edge_agree_on_a_cognito_token(test_key: SigningKey) -> None:
    token = test_key.sign(cognito_claims())
    expected = jwt.decode(
        token,
        key=jwt.PyJWK(test_key.public_jwk()).key,
        algorithms=["RS256"],
        audience="testonlyappclient",
    )
    assert decode(token, keys_of(test_key)) == expected


def _pkcs1_sha256() -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PKCS1v15(), hashes.SHA256()


def test_an_empty_signature_part_is_malformed(test_key: SigningKey) -> None:
    header, payload, _ = test_key.sign(cognito_claims()).split(".")
    with pytest.raises(MalformedTokenError):
        decode(f"{header}.{payload}.", keys_of(test_key))


def test_a_signed_token_with_an_extra_part_is_malformed(test_key: SigningKey) -> None:
    with pytest.raises(MalformedTokenError, match="three parts"):
        decode(test_key.sign(cognito_claims()) + ".x", keys_of(test_key))


def test_an_unsigned_payload_is_never_parsed(
    test_key: SigningKey, attacker_key: SigningKey
) -> None:
    """A bad signature is reported as such, whatever the payload holds."""
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": test_key.kid}).encode())
    payload = b64url_encode(b"not json at all")
    signature = attacker_key.private_key.sign(f"{header}.{payload}".encode(), *_pkcs1_sha256())
    with pytest.raises(InvalidSignatureError):
        decode(f"{header}.{payload}.{b64url_encode(signature)}", keys_of(test_key))


def test_the_unverified_issuer_is_read_only_to_route_a_refresh(test_key: SigningKey) -> None:
    claims = cognito_claims()
    assert jws.parse(test_key.sign(claims)).unverified_issuer() == claims["iss"]


@pytest.mark.parametrize("payload", [b"not json", b"[]", b'{"iss": 7}'])
def test_a_payload_without_a_string_iss_has_no_unverified_issuer(
    test_key: SigningKey, payload: bytes
) -> None:
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": test_key.kid}).encode())
    token = f"{header}.{b64url_encode(payload)}.{b64url_encode(b'x' * 256)}"
    assert jws.parse(token).unverified_issuer() is None
