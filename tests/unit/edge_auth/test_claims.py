"""claims.check_claims and claims.groups: Cognito's documented token rules."""

from __future__ import annotations

from typing import Any

import pytest

from edge_auth import claims
from edge_auth.errors import (
    ExpiredTokenError,
    ImmatureTokenError,
    InvalidAudienceError,
    InvalidClaimError,
    InvalidIssuerError,
    InvalidTokenUseError,
    MissingGroupError,
)
from testkit.tokens import TEST_CLIENT_ID, TEST_ISSUER, cognito_claims

NOW = 1_800_000_000.0
BOTH_USES = frozenset({"id", "access"})
UPDATED_ISSUER = TEST_ISSUER.replace("https://cognito-idp.", "https://issuer-cognito-idp.")


def check(payload: dict[str, Any], token_uses: frozenset[str] = BOTH_USES) -> float:
    return claims.check_claims(
        payload,
        issuers=frozenset({TEST_ISSUER, UPDATED_ISSUER}),
        client_ids=frozenset({TEST_CLIENT_ID}),
        token_uses=token_uses,
        now=NOW,
    )


@pytest.mark.parametrize("token_use", ["id", "access"])
def test_a_valid_token_returns_its_expiry(token_use: str) -> None:
    payload = cognito_claims(token_use, now=NOW)
    assert check(payload) == payload["exp"]


def test_exp_is_required() -> None:
    payload = cognito_claims(now=NOW)
    del payload["exp"]
    with pytest.raises(ExpiredTokenError, match="required"):
        check(payload)


@pytest.mark.parametrize("exp", [NOW, NOW - 1, 0, -1])
def test_a_token_at_or_past_its_exp_is_expired(exp: float) -> None:
    with pytest.raises(ExpiredTokenError):
        check({**cognito_claims(now=NOW), "exp": exp})


@pytest.mark.parametrize(
    "exp", ["4102444800", True, [4102444800], {"t": 1}, float("nan"), float("inf")]
)
def test_a_non_numeric_or_non_finite_exp_is_invalid(exp: Any) -> None:
    with pytest.raises(InvalidClaimError):
        check({**cognito_claims(now=NOW), "exp": exp})


@pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "value", [float("1e400"), 10**400, -(10**400)], ids=["1e400", "10^400", "-10^400"]
)
def test_a_date_no_float_can_hold_is_an_invalid_claim(name: str, value: Any) -> None:
    """JSON numbers have no range; one beyond a float is a claim error, not a crash."""
    with pytest.raises(InvalidClaimError, match=name):
        check({**cognito_claims(now=NOW), name: value})


@pytest.mark.parametrize("name", ["nbf", "iat"])
def test_nbf_and_iat_beyond_the_clock_skew_are_immature(name: str) -> None:
    with pytest.raises(ImmatureTokenError, match=name):
        check({**cognito_claims(now=NOW), name: NOW + claims.CLOCK_SKEW_SECONDS + 1})


def test_the_tolerated_clock_skew_is_one_minute() -> None:
    assert claims.CLOCK_SKEW_SECONDS == 60


@pytest.mark.parametrize("name", ["nbf", "iat"])
def test_nbf_and_iat_within_the_clock_skew_are_accepted(name: str) -> None:
    check({**cognito_claims(now=NOW), name: NOW + claims.CLOCK_SKEW_SECONDS})


@pytest.mark.parametrize("name", ["nbf", "iat"])
def test_a_non_numeric_nbf_or_iat_is_invalid(name: str) -> None:
    with pytest.raises(InvalidClaimError, match=name):
        check({**cognito_claims(now=NOW), name: "yesterday"})


@pytest.mark.parametrize(
    "iss",
    [
        None,
        TEST_ISSUER + "/",
        TEST_ISSUER.upper(),
        TEST_ISSUER.replace("https://", "http://"),
        TEST_ISSUER.replace("us-east-1_TestOnly1", "us-east-1_Other"),
        TEST_ISSUER + "x",
        TEST_ISSUER[:-1],
        [TEST_ISSUER],
    ],
)
def test_iss_must_equal_the_configured_pool_exactly(iss: Any) -> None:
    with pytest.raises(InvalidIssuerError):
        check({**cognito_claims(now=NOW), "iss": iss})


@pytest.mark.parametrize("iss", [TEST_ISSUER, UPDATED_ISSUER])
def test_the_pool_s_tokens_pass_under_either_issuer_format(iss: str) -> None:
    payload = {**cognito_claims(now=NOW), "iss": iss}
    assert check(payload) == payload["exp"]


@pytest.mark.parametrize(
    "iss",
    [
        UPDATED_ISSUER + "/",
        UPDATED_ISSUER + "x",
        UPDATED_ISSUER[:-1],
        UPDATED_ISSUER.replace("us-east-1.", "us-west-2."),
        UPDATED_ISSUER.replace("amazonaws.com", "amazonaws.com.evil.example"),
        UPDATED_ISSUER.replace("https://issuer-", "https://evil-issuer-"),
        UPDATED_ISSUER.replace("https://issuer-", "https://issuer-issuer-"),
        "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Other",
    ],
)
def test_an_updated_issuer_look_alike_is_refused(iss: str) -> None:
    with pytest.raises(InvalidIssuerError):
        check({**cognito_claims(now=NOW), "iss": iss})


@pytest.mark.parametrize("token_use", [None, "refresh", "ID", "", ["id"]])
def test_token_use_must_be_an_accepted_kind(token_use: Any) -> None:
    with pytest.raises(InvalidTokenUseError):
        check({**cognito_claims(now=NOW), "token_use": token_use})


def test_an_access_token_is_refused_when_only_id_tokens_are_accepted() -> None:
    with pytest.raises(InvalidTokenUseError):
        check(cognito_claims("access", now=NOW), token_uses=frozenset({"id"}))


def test_an_id_token_is_refused_when_only_access_tokens_are_accepted() -> None:
    with pytest.raises(InvalidTokenUseError):
        check(cognito_claims("id", now=NOW), token_uses=frozenset({"access"}))


@pytest.mark.parametrize("aud", [None, "otherclient", [TEST_CLIENT_ID], TEST_CLIENT_ID + " "])
def test_an_id_token_must_name_an_accepted_client_in_aud(aud: Any) -> None:
    with pytest.raises(InvalidAudienceError):
        check({**cognito_claims("id", now=NOW), "aud": aud})


def test_an_id_token_is_not_accepted_on_client_id_alone() -> None:
    payload = cognito_claims("id", now=NOW)
    payload["client_id"] = payload.pop("aud")
    with pytest.raises(InvalidAudienceError):
        check(payload)


@pytest.mark.parametrize("client_id", [None, "otherclient", [TEST_CLIENT_ID]])
def test_an_access_token_must_name_an_accepted_client_in_client_id(client_id: Any) -> None:
    with pytest.raises(InvalidAudienceError):
        check({**cognito_claims("access", now=NOW), "client_id": client_id})


def test_an_access_token_is_not_accepted_on_aud_alone() -> None:
    payload = cognito_claims("access", now=NOW)
    payload["aud"] = payload.pop("client_id")
    with pytest.raises(InvalidAudienceError):
        check(payload)


def test_the_groups_are_the_cognito_groups_list() -> None:
    assert claims.groups({"cognito:groups": ["teachers", "students"]}) == {"teachers", "students"}


@pytest.mark.parametrize(
    "groups",
    [
        pytest.param(None, id="absent"),
        pytest.param([], id="empty"),
        pytest.param("students", id="string-not-list"),
        pytest.param("teachers,students", id="comma-string"),
        pytest.param({"students": True}, id="object"),
    ],
)
def test_a_missing_or_malformed_groups_claim_is_no_groups(groups: Any) -> None:
    payload = {} if groups is None else {"cognito:groups": groups}
    assert claims.groups(payload) == frozenset()


def test_entries_of_the_groups_list_that_are_not_strings_are_ignored() -> None:
    assert claims.groups({"cognito:groups": [["students"], 7, None, "course-a"]}) == {"course-a"}


def test_a_missing_group_is_a_403_insufficient_scope() -> None:
    assert MissingGroupError.status == 403
    assert MissingGroupError.error == "insufficient_scope"
