"""Every rule of the grant check has a case that fails without it: each rule is taken out of a
copy of index.js in turn, and the corpus must then get some answer wrong (or a function
error, which CloudFront would answer with a 5xx)."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.cloudfront_function import (
    GRANT_CHECK,
    FunctionError,
    FunctionRuntime,
    decision,
    function_event,
)
from testkit import grant_cases

#: (rule, the code that applies it, the same code without it)
RULES = [
    ("the URI is printable ASCII", "!PRINTABLE_ASCII.test(uri) ||", ""),
    ("the URI is at most 2,048 characters", "uri.length > MAX_URI_LENGTH ||", ""),
    ("the URI starts with /g/", "!uri.startsWith('/g/')", "false"),
    ("nothing follows the grant's mac", "{43})$'", "{43})'"),
    ("the object URI is under /courses/", "!uri.startsWith('/courses/')", "false"),
    ("the course segment is a course ID", "!COURSE.test(course)", "false"),
    ("no encoded separator, dot or percent sign", "ENCODED_SEPARATOR.test(rest)", "false"),
    ("escapes are decoded before the segments are judged", "rest = decodeURIComponent(rest);", ""),
    ("the decoded rest is clean segments", "CLEAN_REST.test(rest) ? course : null", "course"),
    (
        "only current and previous keys verify",
        "(record.status !== 'current' && record.status !== 'previous')",
        "false",
    ),
    ("a key's secret is 43 base64url characters", "!SECRET.test(record.secret) ||", ""),
    ("a key verifies nothing from its notAfter on", "|| now >= notAfter)", ")"),
    ("notAfter is a whole number of seconds", "!Number.isSafeInteger(notAfter) ||", ""),
    ("the mac verifies", "!sameText(mac, grant.mac)", "false"),
    ("iat is before exp", "grant.issued < grant.expires &&", ""),
    ("a grant lasts at most a day", "grant.expires <= grant.issued + MAX_LIFETIME", "true"),
    ("iat is at most 60 s ahead", "grant.issued > now + CLOCK_SKEW ||", ""),
    ("an expired grant is refused", "|| now >= grant.expires)", ")"),
    ("the object is in the grant's course", "course !== grant.course", "false"),
    (
        "a revocation for the course refuses",
        "'r:' + grant.sub + ':' + grant.course, ",
        "",
    ),
    ("a revocation for every course refuses", ", 'r:' + grant.sub]", "]"),
    ("an unreadable revocation refuses", "!SECONDS.test(revokedAt) ||", ""),
    (
        "a revocation refuses grants issued in its second",
        "grant.issued <= Number(revokedAt)",
        "grant.issued < Number(revokedAt)",
    ),
    (
        "a store that fails on a revocation refuses",
        "await kvs.exists(revocations[i])",
        "await kvs.exists(revocations[i]).catch(function () { return false; })",
    ),
    (
        "an error is a 401, not a function error",
        "} catch (error) {\n        return deny(401);",
        "} catch (error) {\n        throw error;",
    ),
    ("the URI is rewritten to the object's", "request.uri = grant.target;", ""),
]


def wrong_answers(path: Path) -> list[str]:
    """The corpus cases the function at ``path`` answers otherwise than written."""
    wrong = []
    with FunctionRuntime(path) as runtime:
        for case in grant_cases.load():
            event = function_event(case["uri"], case["method"])
            try:
                result = runtime.run(event, now=case["now"], store=case["store"])
            except FunctionError:
                wrong.append(case["name"])
                continue
            if decision(result) != (case["status"], case["forwards"]):
                wrong.append(case["name"])
    return wrong


def test_the_function_as_written_answers_every_case() -> None:
    assert wrong_answers(GRANT_CHECK) == []


@pytest.mark.slow
@pytest.mark.parametrize(("rule", "code", "without"), RULES, ids=[r[0] for r in RULES])
def test_the_corpus_fails_without_the_rule(
    tmp_path: Path, rule: str, code: str, without: str
) -> None:
    source = GRANT_CHECK.read_text(encoding="utf-8")
    assert source.count(code) == 1, f"the code of {rule!r} is not in index.js once"
    mutant = tmp_path / "index.js"
    mutant.write_text(source.replace(code, without), encoding="utf-8")
    assert wrong_answers(mutant), f"no case fails without: {rule}"
