"""rs256.verify: Wycheproof vectors, cross-checks against cryptography, and key policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from shared.b64 import b64url_uint
from shared.trust import rs256
from shared.trust.keyset import parse_jwk
from testkit.tokens import SigningKey
from tools.stack import ROOT

VECTOR_DIR = ROOT / "tests" / "vectors" / "wycheproof"
VECTOR_FILES = sorted(VECTOR_DIR.glob("rsa_signature_*_sha256_test.json"))


def _wycheproof_cases() -> list[Any]:
    cases = []
    for path in VECTOR_FILES:
        suite = json.loads(path.read_text())
        assert suite["algorithm"] == "RSASSA-PKCS1-v1_5"
        for group in suite["testGroups"]:
            assert group["sha"] == "SHA-256"
            jwk = group["keyJwk"]
            for test in group["tests"]:
                bits = path.stem.split("_")[2]
                case_id = f"{bits}-tc{test['tcId']}-{test['result']}"
                marks = [pytest.mark.slow] if bits == "4096" else []
                cases.append(pytest.param(jwk, test, id=case_id, marks=marks))
    return cases


WYCHEPROOF = _wycheproof_cases()


def test_all_three_wycheproof_sets_are_present() -> None:
    assert [p.name for p in VECTOR_FILES] == [
        "rsa_signature_2048_sha256_test.json",
        "rsa_signature_3072_sha256_test.json",
        "rsa_signature_4096_sha256_test.json",
    ]
    assert len(WYCHEPROOF) == 259 + 259 + 258


@pytest.mark.parametrize(("jwk", "test"), WYCHEPROOF)
def test_verify_matches_wycheproof_verdict(jwk: dict[str, Any], test: dict[str, Any]) -> None:
    message = bytes.fromhex(test["msg"])
    signature = bytes.fromhex(test["sig"])
    # "acceptable" here is only MissingNull (DigestInfo without NULL): rejected by design,
    # because the encoded message is compared with the one DER encoding RFC 8017 allows.
    expected = test["result"] == "valid"
    assert rs256.verify(parse_jwk(jwk), message, signature) is expected


def test_verify_accepts_a_signature_made_by_cryptography(test_key: SigningKey) -> None:
    message = b"header.payload"
    signature = test_key.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    assert rs256.verify(parse_jwk(test_key.public_jwk()), message, signature)


@pytest.mark.parametrize("bits", [3072, pytest.param(4096, marks=pytest.mark.slow)])
def test_verify_accepts_larger_keys(bits: int) -> None:
    key = SigningKey.generate("big", bits)
    signature = key.private_key.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
    assert rs256.verify(parse_jwk(key.public_jwk()), b"m", signature)


def test_verify_rejects_a_signature_of_another_message(test_key: SigningKey) -> None:
    signature = test_key.private_key.sign(b"original", padding.PKCS1v15(), hashes.SHA256())
    assert not rs256.verify(parse_jwk(test_key.public_jwk()), b"0riginal", signature)


@pytest.mark.parametrize("position", [0, 1, 128, 255])
def test_verify_rejects_a_signature_with_one_flipped_bit(
    test_key: SigningKey, position: int
) -> None:
    signature = bytearray(test_key.private_key.sign(b"m", padding.PKCS1v15(), hashes.SHA256()))
    signature[position] ^= 0x01
    assert not rs256.verify(parse_jwk(test_key.public_jwk()), b"m", bytes(signature))


def test_verify_rejects_a_signature_made_with_another_key(
    test_key: SigningKey, attacker_key: SigningKey
) -> None:
    signature = attacker_key.private_key.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
    assert not rs256.verify(parse_jwk(test_key.public_jwk()), b"m", signature)


def test_verify_rejects_a_pss_signature(test_key: SigningKey) -> None:
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    signature = test_key.private_key.sign(b"m", pss, hashes.SHA256())
    assert not rs256.verify(parse_jwk(test_key.public_jwk()), b"m", signature)


def test_verify_rejects_a_sha512_signature(test_key: SigningKey) -> None:
    signature = test_key.private_key.sign(b"m", padding.PKCS1v15(), hashes.SHA512())
    assert not rs256.verify(parse_jwk(test_key.public_jwk()), b"m", signature)


@pytest.mark.parametrize(
    "signature_bytes",
    [
        pytest.param(lambda sig, n: sig[1:], id="one-byte-short"),
        pytest.param(lambda sig, n: b"\x00" + sig, id="leading-zero-byte-added"),
        pytest.param(lambda sig, n: b"", id="empty"),
        pytest.param(lambda sig, n: n.to_bytes(256, "big"), id="equal-to-modulus"),
        pytest.param(
            lambda sig, n: (int.from_bytes(sig, "big") + n).to_bytes(257, "big")[1:],
            id="plus-modulus-truncated",
        ),
        pytest.param(lambda sig, n: (0).to_bytes(256, "big"), id="zero"),
        pytest.param(lambda sig, n: (1).to_bytes(256, "big"), id="one"),
        pytest.param(lambda sig, n: (n - 1).to_bytes(256, "big"), id="modulus-minus-one"),
    ],
)
def test_verify_rejects_out_of_range_or_wrong_length_signatures(
    test_key: SigningKey, signature_bytes: Any
) -> None:
    n = test_key.private_key.public_key().public_numbers().n
    signature = test_key.private_key.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
    assert not rs256.verify(parse_jwk(test_key.public_jwk()), b"m", signature_bytes(signature, n))


def test_verify_rejects_a_signature_equal_to_its_value_plus_the_modulus(
    test_key: SigningKey,
) -> None:
    """s and s + n are the same residue; only the canonical s < n may verify (malleability)."""
    n = test_key.private_key.public_key().public_numbers().n
    signature = test_key.private_key.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
    s = int.from_bytes(signature, "big")
    if s + n < 1 << 2048:  # only representable in 256 bytes when s + n fits
        assert not rs256.verify(
            parse_jwk(test_key.public_jwk()), b"m", (s + n).to_bytes(256, "big")
        )
    assert rs256.verify(parse_jwk(test_key.public_jwk()), b"m", signature)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kty": "EC"}, "kty"),
        ({"kty": None}, "kty"),
        ({"alg": "RS512"}, "alg"),
        ({"alg": "HS256"}, "alg"),
        ({"use": "enc"}, "use"),
        ({"n": None}, "n and e"),
        ({"e": 65537}, "n and e"),
        ({"e": "AQAB=="}, "base64url"),
        ({"e": "AQ+B"}, "base64url"),
        ({"e": ""}, "base64url"),
        ({"e": "Ag"}, "exponent"),  # e = 2 (even)
        ({"e": "AQ"}, "exponent"),  # e = 1
        ({"e": "BA"}, "exponent"),  # e = 4 (even, above 3)
        ({"n": b64url_uint((1 << 1023) + 1)}, "modulus"),  # 1024-bit modulus
        ({"n": b64url_uint(1 << 2047)}, "modulus"),  # even modulus
        ({"n": b64url_uint((1 << 8200) + 1)}, "modulus"),  # beyond 8192 bits: pow() would crawl
    ],
)
def test_unsuitable_jwks_are_refused(
    test_key: SigningKey, change: dict[str, Any], reason: str
) -> None:
    jwk = {**test_key.public_jwk(), **change}
    with pytest.raises(ValueError, match=reason):
        parse_jwk(jwk)


def test_a_parsed_key_carries_the_modulus_size_in_bytes(test_key: SigningKey) -> None:
    key = parse_jwk(test_key.public_jwk())
    assert key.size == 256
    assert key.e == 65537


def test_an_exponent_not_below_the_modulus_is_refused(test_key: SigningKey) -> None:
    n = test_key.private_key.public_key().public_numbers().n
    with pytest.raises(ValueError, match="exponent"):
        parse_jwk({**test_key.public_jwk(), "e": b64url_uint(n + 2)})


@pytest.mark.parametrize(
    "e",
    [rs256.MAX_PUBLIC_EXPONENT + 2, 2**64 + 1, (1 << 8191) + 1],
    ids=["2^31+1", "2^64+1", "8192-bit"],
)
def test_a_public_exponent_above_the_bound_is_refused(e: int) -> None:
    """An 8192-bit key with e close to n made one verification take about a second."""
    n = (1 << 8191) + 1 + (1 << 101)  # odd, 8192 bits: within the modulus bounds, above e
    with pytest.raises(ValueError, match="exponent"):
        rs256.public_key(n, e)


@pytest.mark.parametrize("e", [3, 65537, rs256.MAX_PUBLIC_EXPONENT])
def test_usual_public_exponents_are_accepted(test_key: SigningKey, e: int) -> None:
    n = test_key.private_key.public_key().public_numbers().n
    assert rs256.public_key(n, e).e == e
