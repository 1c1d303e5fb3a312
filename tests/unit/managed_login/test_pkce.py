from __future__ import annotations

import pytest

from local.managed_login import pkce

# RFC 7636 appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_s256_matches_the_rfc_example():
    assert pkce.s256(RFC_VERIFIER) == RFC_CHALLENGE


def test_the_verifier_of_a_challenge_matches_it():
    assert pkce.verifier_matches(RFC_VERIFIER, RFC_CHALLENGE)


def test_another_verifier_does_not_match():
    assert not pkce.verifier_matches(RFC_VERIFIER[:-1] + "Y", RFC_CHALLENGE)


def test_the_challenge_itself_is_not_a_verifier():
    """A client that sends the challenge as verifier (what plain would accept) is refused."""
    assert not pkce.verifier_matches(RFC_CHALLENGE, RFC_CHALLENGE)


@pytest.mark.parametrize("verifier", [None, "", "short", "x" * 129, RFC_VERIFIER + " "])
def test_a_malformed_verifier_never_matches(verifier):
    challenge = pkce.s256(verifier) if verifier else RFC_CHALLENGE
    assert not pkce.verifier_matches(verifier, challenge)


def test_an_s256_challenge_is_accepted():
    assert pkce.checked_challenge(RFC_CHALLENGE, "S256") == RFC_CHALLENGE


@pytest.mark.parametrize("method", [None, "", "plain", "s256", "S512"])
def test_a_challenge_without_the_s256_method_is_refused(method):
    with pytest.raises(pkce.PkceError, match="S256"):
        pkce.checked_challenge(RFC_CHALLENGE, method)


def test_a_request_without_a_challenge_is_refused():
    with pytest.raises(pkce.PkceError, match="required"):
        pkce.checked_challenge(None, "S256")


@pytest.mark.parametrize("challenge", [RFC_VERIFIER + "x", "short", RFC_CHALLENGE[:-1] + "="])
def test_a_challenge_that_is_no_sha256_digest_is_refused(challenge):
    with pytest.raises(pkce.PkceError):
        pkce.checked_challenge(challenge, "S256")
