"""Content grants for tests, signed by PyJWT (independent of the edge's verifier), in the
layout of ``shared.grant_layout``."""

from __future__ import annotations

import time
from typing import Any

from shared.grant_layout import PATH_SEGMENT, TOKEN_USE
from testkit.tokens import SigningKey

TEST_GRANT_ISSUER = "urn:private-content:test-stack:grants"
GRANT_KID = "grant-test-1"
LEARNER_SUB = "7d8ca528-4931-4254-9273-ea5ee853f271"


def grant_claims(
    prefix: str = "courses/aws-101/",
    *,
    now: float | None = None,
    lifetime: int = 4 * 3600,
    issuer: str = TEST_GRANT_ISSUER,
) -> dict[str, Any]:
    issued = int(time.time() if now is None else now)
    return {
        "iss": issuer,
        "token_use": TOKEN_USE,
        "sub": LEARNER_SUB,
        "prefix": prefix,
        "iat": issued,
        "exp": issued + lifetime,
    }


def grants_config(*keys: SigningKey, issuer: str = TEST_GRANT_ISSUER) -> dict[str, Any]:
    """The edge config's ``grants`` entry trusting ``keys``' public halves."""
    return {"issuer": issuer, "jwks": {"keys": [key.public_jwk() for key in keys]}}


def granted_uri(grant: str, object_uri: str) -> str:
    """``/g/<grant>`` + ``object_uri`` (which starts with ``/``)."""
    return f"/{PATH_SEGMENT}/{grant}{object_uri}"
