from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
import pytest

from local.managed_login.tokens import (
    LoginSigningKey,
    MintedTokens,
    TokenLifetimes,
    TokenMinter,
    UserProfile,
)
from local.template import deployed_value, resource_properties

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local"
USER = UserProfile("user-1", "sub-1", "a@example.com", True, ("students",))


@pytest.fixture(scope="module")
def key():
    return LoginSigningKey()


def mint(
    key: LoginSigningKey,
    clock: Callable[[], float],
    scopes: tuple[str, ...] = ("openid", "email"),
    user: UserProfile = USER,
    lifetimes: TokenLifetimes | None = None,
    nonce: str | None = None,
) -> MintedTokens:
    minter = TokenMinter(ISSUER, key, lifetimes or TokenLifetimes(300, 600, 3600), clock)
    return minter.mint(
        user, client_id="web", scopes=scopes, auth_time=7, origin_jti="origin", nonce=nonce
    )


def verified(key: LoginSigningKey, token: str | None) -> dict[str, Any]:
    assert token is not None
    public = jwt.PyJWK(key.public_jwk).key
    # The test clock is not the wall clock: check the signature here, the times in each test.
    claims: dict[str, Any] = jwt.decode(
        token,
        public,
        algorithms=["RS256"],
        options={"verify_aud": False, "verify_exp": False, "verify_iat": False},
    )
    return claims


def test_the_lifetimes_are_the_templates_client_validities():
    client = resource_properties("UserPoolClient")
    units = {"minutes": 60, "hours": 3600, "days": 86400}
    expected = [
        int(deployed_value(client[f"{kind}Validity"]))
        * units[deployed_value(client["TokenValidityUnits"][kind])]
        for kind in ("IdToken", "AccessToken", "RefreshToken")
    ]
    got = TokenLifetimes.from_template()
    assert [got.id_seconds, got.access_seconds, got.refresh_seconds] == expected


def test_an_override_replaces_only_the_lifetime_it_names():
    base = TokenLifetimes(3600, 3600, 86400)
    assert base.overridden(id_seconds=5, access_seconds=None, refresh_seconds=None) == (
        TokenLifetimes(5, 3600, 86400)
    )


def test_a_lifetime_under_one_second_is_refused():
    with pytest.raises(ValueError, match="at least 1 second"):
        TokenLifetimes(1, 1, 1).overridden(id_seconds=0, access_seconds=None, refresh_seconds=None)


def test_the_public_jwk_holds_no_private_member(key):
    assert set(key.public_jwk) == {"kty", "n", "e", "kid", "alg", "use"}


def test_tokens_name_the_signing_key(key, clock):
    tokens = mint(key, clock)
    assert jwt.get_unverified_header(tokens.access_token)["kid"] == key.kid
    assert jwt.get_unverified_header(tokens.id_token or "")["kid"] == key.kid


def test_the_id_token_carries_cognitos_claims(key, clock):
    claims = verified(key, mint(key, clock, nonce="n-1").id_token)
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "web"
    assert claims["token_use"] == "id"
    assert (claims["sub"], claims["email"], claims["email_verified"]) == (
        "sub-1",
        "a@example.com",
        True,
    )
    assert claims["cognito:groups"] == ["students"]
    assert claims["cognito:username"] == "user-1"
    assert (claims["auth_time"], claims["origin_jti"], claims["nonce"]) == (7, "origin", "n-1")
    assert claims["exp"] - claims["iat"] == 300


def test_the_access_token_carries_cognitos_claims(key, clock):
    tokens = mint(key, clock)
    claims = verified(key, tokens.access_token)
    assert claims["token_use"] == "access"
    assert claims["client_id"] == "web"
    assert claims["scope"] == "openid email"
    assert claims["username"] == "user-1"
    assert claims["exp"] - claims["iat"] == 600 == tokens.expires_in


def test_every_token_has_its_own_jti(key, clock):
    first, second = mint(key, clock), mint(key, clock)
    assert verified(key, first.id_token)["jti"] != verified(key, second.id_token)["jti"]


def test_a_user_in_no_group_gets_no_groups_claim(key, clock):
    lonely = UserProfile("user-2", "sub-2", None, False, ())
    claims = verified(key, mint(key, clock, user=lonely).id_token)
    assert "cognito:groups" not in claims
    assert "email" not in claims


def test_without_the_openid_scope_there_is_no_id_token(key, clock):
    assert mint(key, clock, scopes=("email",)).id_token is None
