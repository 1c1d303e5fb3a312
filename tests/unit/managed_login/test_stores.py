from __future__ import annotations

import base64

import pytest

from local.managed_login.errors import OAuthError
from local.managed_login.stores import (
    CODE_LIFETIME_SECONDS,
    SECRET_BYTES,
    AuthorizationCodes,
    CodeGrant,
    CodeReusedError,
    RefreshGrant,
    RefreshTokens,
    SecretStore,
)
from tests.support.fakes import FakeClock

GRANT = CodeGrant(
    client_id="web",
    redirect_uri="http://127.0.0.1:8000/",
    code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    scopes=("openid",),
    username="user-1",
    auth_time=1,
)


def refresh_grant(
    clock: FakeClock, lifetime: float = 3600.0, client_id: str = "web", family: str = "family-1"
) -> RefreshGrant:
    return RefreshGrant(
        family=family,
        client_id=client_id,
        username="user-1",
        scopes=("openid",),
        auth_time=1,
        origin_jti="origin",
        expires_at=clock() + lifetime,
    )


# ------------------------------------------------------------------ secrets --
def test_secrets_hold_at_least_32_random_bytes():
    secret = SecretStore[str](60).issue("value")
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) >= SECRET_BYTES == 32


def test_the_store_keeps_no_secret_it_handed_out():
    store = SecretStore[str](60)
    secret = store.issue("value")
    assert secret.encode() not in repr(store._items).encode()


def test_a_taken_secret_is_spent(clock):
    store = SecretStore[str](60, clock)
    secret = store.issue("value")
    assert store.take(secret) == "value"
    assert store.take(secret) is None


def test_a_secret_expires_after_its_lifetime(clock):
    store = SecretStore[str](60, clock)
    secret = store.issue("value")
    clock.advance(60)
    assert store.peek(secret) is None


# -------------------------------------------------------------------- codes --
def test_a_code_redeems_its_grant_once(clock):
    codes = AuthorizationCodes(clock)
    code = codes.issue(GRANT)
    assert codes.redeem(code).username == "user-1"
    with pytest.raises(CodeReusedError):
        codes.redeem(code)


def test_a_replayed_code_names_the_family_its_first_redemption_started(clock):
    codes = AuthorizationCodes(clock)
    code = codes.issue(GRANT)
    family = codes.redeem(code).family
    with pytest.raises(CodeReusedError) as reused:
        codes.redeem(code)
    assert reused.value.family == family != ""


def test_every_code_starts_its_own_family(clock):
    codes = AuthorizationCodes(clock)
    first, second = codes.issue(GRANT), codes.issue(GRANT)
    assert codes.redeem(first).family != codes.redeem(second).family


def test_a_code_is_valid_for_just_under_five_minutes(clock):
    codes = AuthorizationCodes(clock)
    code = codes.issue(GRANT)
    clock.advance(CODE_LIFETIME_SECONDS - 1)
    assert codes.redeem(code).client_id == "web"


def test_a_code_five_minutes_old_is_refused(clock):
    codes = AuthorizationCodes(clock)
    code = codes.issue(GRANT)
    clock.advance(CODE_LIFETIME_SECONDS)
    with pytest.raises(OAuthError) as refused:
        codes.redeem(code)
    assert refused.value.error == "invalid_grant"


def test_an_unknown_code_is_an_invalid_grant(clock):
    with pytest.raises(OAuthError) as refused:
        AuthorizationCodes(clock).redeem("not-a-code")
    assert refused.value.error == "invalid_grant"


# ----------------------------------------------------------- refresh tokens --
def test_a_refresh_rotates_to_a_new_token(clock):
    tokens = RefreshTokens(clock)
    first = tokens.issue(refresh_grant(clock))
    second, grant = tokens.rotate(first, "web")
    assert second != first
    assert grant.username == "user-1"


def test_a_rotated_token_is_refused(clock):
    tokens = RefreshTokens(clock)
    first = tokens.issue(refresh_grant(clock))
    tokens.rotate(first, "web")
    with pytest.raises(OAuthError, match="used") as refused:
        tokens.rotate(first, "web")
    assert refused.value.error == "invalid_grant"


def test_the_newest_token_of_a_family_keeps_working(clock):
    tokens = RefreshTokens(clock)
    token = tokens.issue(refresh_grant(clock))
    for _ in range(3):
        token, _grant = tokens.rotate(token, "web")
    assert tokens.rotate(token, "web")[1].family == "family-1"


def test_a_rotated_token_expires_when_the_first_one_would(clock):
    """No sliding window: the session ends at the first refresh token's expiry."""
    tokens = RefreshTokens(clock)
    first = tokens.issue(refresh_grant(clock, lifetime=100))
    clock.advance(60)
    second, _ = tokens.rotate(first, "web")
    clock.advance(39)
    third, _ = tokens.rotate(second, "web")
    clock.advance(1)
    with pytest.raises(OAuthError, match="expired"):
        tokens.rotate(third, "web")


def test_another_clients_refresh_token_is_refused(clock):
    tokens = RefreshTokens(clock)
    token = tokens.issue(refresh_grant(clock))
    with pytest.raises(OAuthError) as refused:
        tokens.rotate(token, "other-client")
    assert refused.value.error == "invalid_grant"


def test_revoking_a_token_revokes_its_rotated_successors(clock):
    tokens = RefreshTokens(clock)
    first = tokens.issue(refresh_grant(clock))
    second, _ = tokens.rotate(first, "web")
    third, _ = tokens.rotate(second, "web")
    tokens.revoke(first)
    with pytest.raises(OAuthError, match="revoked"):
        tokens.rotate(third, "web")


def test_revoking_one_family_leaves_the_users_other_sessions(clock):
    tokens = RefreshTokens(clock)
    revoked = tokens.issue(refresh_grant(clock, family="a"))
    other = tokens.issue(refresh_grant(clock, family="b"))
    tokens.revoke(revoked)
    assert tokens.rotate(other, "web")[1].family == "b"


def test_revoking_an_unknown_token_is_no_error(clock):
    RefreshTokens(clock).revoke("not-a-token")
