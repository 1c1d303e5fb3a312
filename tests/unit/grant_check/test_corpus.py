"""One corpus, two implementations: every grant case answered as written, by the CloudFront
Function in Node and by the Python reference."""

from __future__ import annotations

from typing import Any

import pytest

from local.cloudfront_function import FunctionRuntime, decision, function_event
from testkit import grant_cases
from testkit.grant_reference import check

CASES = grant_cases.load()


def test_the_committed_corpus_is_what_the_generator_writes() -> None:
    assert grant_cases.CORPUS.read_text(encoding="utf-8") == grant_cases.render()


def test_the_corpus_has_a_case_of_every_kind_the_check_tells_apart() -> None:
    whys = {case["why"] for case in CASES}
    assert whys == {
        "allowed",
        "malformed",
        "bad_path",
        "store_unreadable",
        "unknown_key",
        "retired_key",
        "bad_mac",
        "bad_lifetime",
        "not_yet_valid",
        "expired",
        "other_course",
        "revoked",
    }
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_python_reference_answers_as_the_case_says(case: dict[str, Any]) -> None:
    found = check(case["uri"], case["now"], case["store"])
    assert (found.status, found.reason, found.uri) == (
        case["status"],
        case["why"],
        case["forwards"],
    )


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_function_answers_as_the_case_says(
    grant_check: FunctionRuntime, case: dict[str, Any]
) -> None:
    event = function_event(case["uri"], case["method"])
    result = grant_check.run(event, now=case["now"], store=case["store"])
    assert decision(result) == (case["status"], case["forwards"])
    if case["status"] == 200:
        assert result["method"] == case["method"]
    else:
        challenge = result["headers"]["www-authenticate"]["value"]
        error = "insufficient_scope" if case["status"] == 403 else "invalid_token"
        assert challenge == f'Bearer realm="content", error="{error}"'
        assert result["headers"]["cache-control"]["value"] == "no-store"
        # Readable by a player on any page (it says nothing but the status).
        assert result["headers"]["access-control-allow-origin"]["value"] == "*"
        assert "body" not in result
