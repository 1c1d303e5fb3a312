"""Real RS256 tokens for tests, minted by PyJWT + cryptography (an implementation independent of
the edge's own ``rs256`` module), shaped like the ID and access tokens Cognito issues."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from jwt.algorithms import RSAAlgorithm

from shared.b64 import b64url_encode
from tools.stack import ROOT

TEST_KEY_PATH = ROOT / "tests" / "keys" / "test-only-signing-key.pem"
TEST_CONFIG_PATH = ROOT / "tests" / "keys" / "test-only-edge-config.json"

TEST_KID = "test-only-key-1"
TEST_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestOnly1"
TEST_CLIENT_ID = "testonlyappclient"
TEST_GROUP = "students"
TEST_COOKIE = "content_token"
#: The ``sub`` of the test pool's learner: the tokens' and the grants' (``testkit.grant_cases``).
LEARNER_SUB = "7d8ca528-4931-4254-9273-ea5ee853f271"


def compact(header: dict[str, Any], payload: dict[str, Any], signature: bytes) -> str:
    """Assemble a compact JWS by hand, for headers PyJWT would refuse to write."""
    encode = json.dumps
    return ".".join(
        [
            b64url_encode(encode(header).encode()),
            b64url_encode(encode(payload).encode()),
            b64url_encode(signature),
        ]
    )


@dataclass(frozen=True)
class SigningKey:
    """An RSA private key and the ``kid`` its public half is published under."""

    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def generate(cls, kid: str, bits: int = 2048) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=bits), kid)

    @classmethod
    def test_only(cls) -> SigningKey:
        key = serialization.load_pem_private_key(TEST_KEY_PATH.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cls(key, TEST_KID)

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk()]}

    def sign_compact(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        """RS256-sign an arbitrary header and payload, whatever ``alg`` the header claims."""
        signing_input = ".".join(
            [
                b64url_encode(json.dumps(header).encode()),
                b64url_encode(json.dumps(payload).encode()),
            ]
        )
        signature = self.private_key.sign(
            signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{signing_input}.{b64url_encode(signature)}"

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        return jwt.encode(
            claims,
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid, **(headers or {})},
        )


def cognito_claims(
    token_use: str = "id",
    *,
    issuer: str = TEST_ISSUER,
    client_id: str = TEST_CLIENT_ID,
    groups: list[str] | None = None,
    now: float | None = None,
    lifetime: int = 3600,
) -> dict[str, Any]:
    """Claims in the shape Cognito issues: ``aud`` for ID tokens, ``client_id`` for access."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": LEARNER_SUB,
        "iss": issuer,
        "token_use": token_use,
        "auth_time": issued,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": "b1c2d3e4-0000-4000-8000-000000000001",
        "cognito:groups": [TEST_GROUP] if groups is None else groups,
    }
    if token_use == "id":
        claims.update({"aud": client_id, "cognito:username": "student1", "email": "s@example.com"})
    else:
        claims.update({"client_id": client_id, "username": "student1", "scope": "openid"})
    return claims


def edge_config(key: SigningKey, **overrides: Any) -> dict[str, Any]:
    """An edge ``config.json`` that trusts ``key`` for the test pool and client."""
    config: dict[str, Any] = {
        "issuer": TEST_ISSUER,
        "client_ids": [TEST_CLIENT_ID],
        "token_use": ["id", "access"],
        "required_groups": [TEST_GROUP],
        "jwks": key.jwks(),
        "cookie_name": TEST_COOKIE,
    }
    config.update(overrides)
    return config
