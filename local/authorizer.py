"""API Gateway's Cognito user-pool authorizer, emulated with PyJWT (an implementation
independent of the edge's verifier).

Without OAuth scopes on the method, API Gateway takes the ``Authorization`` header's value as an
ID token of the user pool: RS256 with a key of the pool's JWKS, unexpired, issued by the pool,
``token_use`` ``id``. It accepts ID tokens of any app client of the pool, sent raw or as
``Bearer <token>`` (docs/your-own-app.md: AWS's API Gateway guide says only "include the token
in the Authorization header"; AWS's own workshop tests the authorizer with ``Bearer <token>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt


class Unauthorized(Exception):  # noqa: N818 - named after API Gateway's answer
    """The token would get API Gateway's 401."""


class CognitoAuthorizer:
    def __init__(self, issuer: str, jwks: Mapping[str, Any]) -> None:
        self._issuer = issuer
        self._keys = {key["kid"]: jwt.PyJWK(dict(key)).key for key in jwks["keys"]}

    def claims(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims, or ``Unauthorized``."""
        token = _token(authorization)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            claims: dict[str, Any] = jwt.decode(
                token,
                key=self._keys[kid],
                algorithms=["RS256"],
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss"], "verify_aud": False},
            )
        except (jwt.PyJWTError, KeyError) as exc:
            raise Unauthorized(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise Unauthorized("not an ID token")
        return claims


def _token(authorization: str | None) -> str:
    """The header's token: its whole value, or what follows a ``Bearer`` scheme (any case)."""
    scheme, _, rest = (authorization or "").partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else (authorization or "")
    if not token:
        raise Unauthorized("no token")
    return token
