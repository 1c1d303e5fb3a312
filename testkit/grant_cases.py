"""The grant corpus: one set of cases, as data, that the CloudFront Function
(``functions/grant_check/index.js``, in Node) and the Python reference
(``testkit.grant_reference``) must both answer as each case expects.

Each case is a viewer request (``uri``, ``method``) at ``now`` with a KeyValueStore
(``store``: its entries, or null for one that cannot be read), and the answer written by hand:
``status`` (200: let through, rewritten to ``forwards``; 401; 403) and ``why`` (the rule that
decides, see ``testkit.grant_reference``). Grants are minted with ``shared.grant_token`` under
TEST-ONLY keys, so the JavaScript verifies what the Python signs.

``python -m testkit.grant_cases`` rewrites tests/vectors/grant_cases.json; a test holds the
committed file to this module.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

from shared.b64 import b64url_encode
from shared.grant_store import KeyRecord, KeyStatus, key_name, key_value, revocation_name
from shared.grant_token import VERSION, HmacKey, mac, mint
from testkit.tokens import LEARNER_SUB
from tools.stack import ROOT

CORPUS = ROOT / "tests" / "vectors" / "grant_cases.json"
#: 2026-01-01T00:00:00Z: every case's clock unless it says otherwise.
NOW = 1_767_225_600
LIFETIME = 4 * 3600
COURSE = "aws-101"
OTHER_COURSE = "aws-201"
OTHER_SUB = "0b5e8f4a-1c2d-4e6f-8a9b-3c4d5e6f7a8b"
OBJECT = "/courses/aws-101/aws-101-intro/9c2e41d0b7a34f5e.mp4"
SEGMENT = "/courses/aws-101/aws-101-hls/v0/seg_000.ts"
GRANT_ID = "c0rpus-grant-id0"
#: An entry whose every read fails (JSON null in the corpus), as an unreadable store's do.
UNREADABLE: Any = None


def _test_only_key(kid: str) -> HmacKey:
    """A TEST-ONLY key whose secret anyone can derive from its ``kid``."""
    seed = hashlib.sha256(f"TEST-ONLY grant key {kid}".encode()).digest()
    return HmacKey(kid, b64url_encode(seed))


CURRENT = _test_only_key("cur-2026")
PREVIOUS = _test_only_key("prev-2025")
RETIRED = _test_only_key("old-2024")
UNKNOWN = _test_only_key("nobody")
#: The previous key verifies for one more hour (a rotation an hour ago... plus a lifetime).
PREVIOUS_NOT_AFTER = NOW + 3600


def base_store() -> dict[str, str]:
    """A store after a rotation: the current key, the previous one (until its ``notAfter``),
    and one retired long ago."""
    return {
        key_name(CURRENT.kid): key_value(KeyRecord(CURRENT.secret, KeyStatus.CURRENT)),
        key_name(PREVIOUS.kid): key_value(
            KeyRecord(PREVIOUS.secret, KeyStatus.PREVIOUS, PREVIOUS_NOT_AFTER)
        ),
        key_name(RETIRED.kid): key_value(KeyRecord(RETIRED.secret, KeyStatus.RETIRED)),
    }


def grant(
    key: HmacKey = CURRENT,
    *,
    sub: str = LEARNER_SUB,
    course: str = COURSE,
    issued: int = NOW - 600,
    lifetime: int = LIFETIME,
) -> str:
    return mint(key, sub, course, issued, lifetime, GRANT_ID)


def raw_grant(
    key: HmacKey, sub: str, course: str, issued: int, expires: int, gid: str = GRANT_ID
) -> str:
    """A grant with any fields at all, signed (``mint`` refuses to make the odd ones)."""
    signed = f"{VERSION}.{key.kid}.{sub}.{course}.{issued}.{expires}.{gid}"
    return f"{signed}.{mac(key.secret, signed)}"


def url(grant_text: str, target: str = OBJECT) -> str:
    return f"/g/{grant_text}{target}"


class Case(NamedTuple):
    name: str
    uri: str
    status: int
    why: str
    forwards: str | None = None
    now: int = NOW
    #: The store's entries (None: ``base_store()``); an entry ``UNREADABLE`` fails every read.
    store: dict[str, str] | None = None
    method: str = "GET"
    #: The store cannot be read at all (JSON null).
    unreadable: bool = False

    def as_json(self) -> dict[str, Any]:
        store = base_store() if self.store is None else self.store
        return {
            "name": self.name,
            "method": self.method,
            "uri": self.uri,
            "now": self.now,
            "store": None if self.unreadable else store,
            "status": self.status,
            "why": self.why,
            "forwards": self.forwards,
        }


def allowed(name: str, uri: str, forwards: str, **kw: Any) -> Case:
    return Case(name, uri, 200, "allowed", forwards, **kw)


def with_store(**entries: str) -> dict[str, str]:
    return {**base_store(), **entries}


def _tampered(text: str, field: int, value: str) -> str:
    fields = text.split(".")
    fields[field] = value
    return ".".join(fields)


def _flip_last(text: str) -> str:
    return text[:-1] + ("A" if text[-1] != "A" else "B")


def valid_cases() -> list[Case]:
    good = grant()
    return [
        allowed("a current key's grant opens an MP4 of its course", url(good), OBJECT),
        allowed("a grant opens an HLS segment of its course", url(good, SEGMENT), SEGMENT),
        allowed("HEAD is checked like GET", url(good), OBJECT, method="HEAD"),
        allowed("a CORS preflight carries the grant too", url(good), OBJECT, method="OPTIONS"),
        allowed(
            "rotated: the previous key's grants work until its notAfter",
            url(grant(PREVIOUS)),
            OBJECT,
        ),
        allowed(
            "a grant for a course with underscores in its ID",
            url(grant(course="aws_101-b"), "/courses/aws_101-b/x.pdf"),
            "/courses/aws_101-b/x.pdf",
        ),
        allowed(
            "a Cognito sub of 128 characters, the longest",
            url(grant(sub="s" * 128)),
            OBJECT,
        ),
        allowed(
            "UTF-8 escapes in the object URI are forwarded as sent",
            url(good, "/courses/aws-101/notes/caf%C3%A9%20menu.pdf"),
            "/courses/aws-101/notes/caf%C3%A9%20menu.pdf",
        ),
        allowed(
            "unicode look-alikes of dots are names, not dot segments (S3 does not normalise)",
            url(good, "/courses/aws-101/%EF%BC%8E%EF%BC%8E/x"),
            "/courses/aws-101/%EF%BC%8E%EF%BC%8E/x",
        ),
    ]


def time_cases() -> list[Case]:
    issued = NOW - 600
    return [
        Case("expired at exp", url(grant()), 401, "expired", now=issued + LIFETIME),
        allowed("still valid a second before exp", url(grant()), OBJECT, now=issued + LIFETIME - 1),
        allowed(
            "issued 60 s in the future (clock skew) is accepted",
            url(grant(issued=NOW + 60)),
            OBJECT,
        ),
        Case(
            "issued more than 60 s in the future",
            url(grant(issued=NOW + 61)),
            401,
            "not_yet_valid",
        ),
        allowed(
            "a lifetime of exactly one day", url(grant(issued=NOW - 10, lifetime=86400)), OBJECT
        ),
        Case(
            "a lifetime over one day",
            url(raw_grant(CURRENT, LEARNER_SUB, COURSE, NOW - 10, NOW - 10 + 86401)),
            401,
            "bad_lifetime",
        ),
        Case(
            "exp equal to iat",
            url(raw_grant(CURRENT, LEARNER_SUB, COURSE, NOW - 10, NOW - 10)),
            401,
            "bad_lifetime",
        ),
        Case(
            "exp before iat",
            url(raw_grant(CURRENT, LEARNER_SUB, COURSE, NOW + 10, NOW - 10)),
            401,
            "bad_lifetime",
        ),
        Case(
            "exp before iat, both ahead of now",
            url(raw_grant(CURRENT, LEARNER_SUB, COURSE, NOW + 50, NOW + 30)),
            401,
            "bad_lifetime",
        ),
    ]


def key_cases() -> list[Case]:
    record = {"secret": CURRENT.secret, "status": "current"}

    def current_as(value: object) -> dict[str, str]:
        text = value if isinstance(value, str) else json.dumps(value)
        return with_store(**{key_name(CURRENT.kid): text})

    return [
        Case(
            "the previous key at its notAfter",
            url(grant(PREVIOUS)),
            401,
            "retired_key",
            now=PREVIOUS_NOT_AFTER,
        ),
        Case("a retired key's grant", url(grant(RETIRED)), 401, "retired_key"),
        Case("a key the store does not hold", url(grant(UNKNOWN)), 401, "unknown_key"),
        Case("an empty store", url(grant()), 401, "unknown_key", store={}),
        Case(
            "a key entry that is not JSON", url(grant()), 401, "unknown_key", store=current_as("{")
        ),
        Case(
            "a key entry that is a JSON array",
            url(grant()),
            401,
            "unknown_key",
            store=current_as([CURRENT.secret]),
        ),
        Case(
            "a key entry with an unknown status",
            url(grant()),
            401,
            "unknown_key",
            store=current_as({**record, "status": "active"}),
        ),
        Case(
            "a key entry whose secret is short, though the grant verifies with it",
            url(raw_grant(HmacKey(CURRENT.kid, "short"), LEARNER_SUB, COURSE, NOW, NOW + 60)),
            401,
            "unknown_key",
            store=current_as({**record, "secret": "short"}),
        ),
        Case(
            "a key entry whose notAfter is a string",
            url(grant()),
            401,
            "unknown_key",
            store=current_as({**record, "notAfter": str(NOW + 10)}),
        ),
        Case(
            "a key entry whose notAfter is not a whole second",
            url(grant()),
            401,
            "unknown_key",
            store=current_as({**record, "notAfter": NOW + 0.5}),
        ),
        Case(
            "a key entry whose notAfter is NaN (no JSON)",
            url(grant()),
            401,
            "unknown_key",
            store=current_as(json.dumps(record)[:-1] + ', "notAfter": NaN}'),
        ),
        allowed(
            "a key entry's notAfter written with .0 is a whole second",
            url(grant()),
            OBJECT,
            store=current_as(json.dumps(record)[:-1] + f', "notAfter": {NOW + 10}.0}}'),
        ),
        allowed(
            "a null notAfter is no notAfter",
            url(grant()),
            OBJECT,
            store=current_as({**record, "notAfter": None}),
        ),
        allowed(
            "other fields of a key entry are ignored",
            url(grant()),
            OBJECT,
            store=current_as({**record, "comment": "rotated by bin/content"}),
        ),
        Case("a store that cannot be read", url(grant()), 401, "store_unreadable", unreadable=True),
    ]


def tampered_cases() -> list[Case]:
    good = grant()
    other = grant(course=OTHER_COURSE)
    return [
        Case("a changed mac", url(_flip_last(good)), 401, "bad_mac"),
        Case(
            "a grant for another course with this course written in",
            url(_tampered(other, 3, COURSE)),
            401,
            "bad_mac",
        ),
        Case(
            "another learner's sub written in", url(_tampered(good, 2, OTHER_SUB)), 401, "bad_mac"
        ),
        Case("a later exp written in", url(_tampered(good, 5, str(NOW + 7200))), 401, "bad_mac"),
        Case("another kid written in", url(_tampered(good, 1, PREVIOUS.kid)), 401, "bad_mac"),
        Case(
            "a mac made with a key the store does not know, under a known kid",
            url(
                raw_grant(HmacKey(CURRENT.kid, UNKNOWN.secret), LEARNER_SUB, COURSE, NOW, NOW + 60)
            ),
            401,
            "bad_mac",
        ),
        Case(
            "a mac of another grant",
            url(_tampered(good, 7, grant(sub=OTHER_SUB).split(".")[7])),
            401,
            "bad_mac",
        ),
    ]


def scope_cases() -> list[Case]:
    return [
        Case(
            "a valid grant on another course's object",
            url(grant(), "/courses/aws-201/aws-201-intro/x.mp4"),
            403,
            "other_course",
        ),
        Case(
            "a valid grant on a course whose ID starts with the grant's",
            url(grant(), "/courses/aws-1010/x.mp4"),
            403,
            "other_course",
        ),
    ]


def revocation_cases() -> list[Case]:
    issued = NOW - 600
    this_course = revocation_name(LEARNER_SUB, COURSE)
    every_course = revocation_name(LEARNER_SUB)
    return [
        Case(
            "revoked for this course at the second it was issued",
            url(grant()),
            403,
            "revoked",
            store=with_store(**{this_course: str(issued)}),
        ),
        Case(
            "revoked for this course after it was issued",
            url(grant()),
            403,
            "revoked",
            store=with_store(**{this_course: str(NOW - 5)}),
        ),
        allowed(
            "issued after a revocation for this course (enrolled again)",
            url(grant()),
            OBJECT,
            store=with_store(**{this_course: str(issued - 1)}),
        ),
        Case(
            "revoked for every course",
            url(grant()),
            403,
            "revoked",
            store=with_store(**{every_course: str(NOW - 5)}),
        ),
        allowed(
            "issued after a revocation for every course (signed in again)",
            url(grant()),
            OBJECT,
            store=with_store(**{every_course: str(issued - 1)}),
        ),
        Case(
            "revoked for every course while this course's revocation is older",
            url(grant()),
            403,
            "revoked",
            store=with_store(**{this_course: str(issued - 100), every_course: str(issued)}),
        ),
        allowed(
            "a revocation for another course leaves this one",
            url(grant()),
            OBJECT,
            store=with_store(**{revocation_name(LEARNER_SUB, OTHER_COURSE): str(NOW)}),
        ),
        allowed(
            "another learner's revocation leaves this learner",
            url(grant()),
            OBJECT,
            store=with_store(**{revocation_name(OTHER_SUB): str(NOW)}),
        ),
        Case(
            "a revocation entry that cannot be read",
            url(grant()),
            401,
            "store_unreadable",
            store=with_store(**{every_course: UNREADABLE}),
        ),
        Case(
            "a revocation entry that holds no second still revokes",
            url(grant()),
            403,
            "revoked",
            store=with_store(**{this_course: "soon"}),
        ),
        Case(
            "a revocation second with a leading zero still revokes",
            url(grant()),
            403,
            "revoked",
            store=with_store(**{every_course: "0" + str(issued - 1)}),
        ),
        allowed(
            "a revocation at second 0 revokes only grants issued at 0",
            url(grant()),
            OBJECT,
            store=with_store(**{every_course: "0"}),
        ),
    ]


def malformed_cases() -> list[Case]:
    good = grant()
    fields = good.split(".")
    return [
        Case("no /g/ prefix", OBJECT, 401, "malformed"),
        Case("a valid grant after another first segment", f"/h/{good}{OBJECT}", 401, "malformed"),
        Case("/g/ with nothing after the grant", f"/g/{good}", 401, "malformed"),
        Case("an empty grant segment", f"/g/{OBJECT}", 401, "malformed"),
        Case("an RS256 grant (three base64url parts)", url("eyJh.eyJz.c2ln"), 401, "malformed"),
        Case("another format version", url(_tampered(good, 0, "g2")), 401, "malformed"),
        Case(
            "an iat with a leading zero", url(_tampered(good, 4, "0" + fields[4])), 401, "malformed"
        ),
        Case("a kid of 33 characters", url(_tampered(good, 1, "k" * 33)), 401, "malformed"),
        Case("a sub of 129 characters", url(_tampered(good, 2, "s" * 129)), 401, "malformed"),
        Case("a course ID starting with _", url(_tampered(good, 3, "_aws")), 401, "malformed"),
        Case(
            "a grant ID of 15 characters", url(_tampered(good, 6, fields[6][:-1])), 401, "malformed"
        ),
        Case("a mac of 42 characters", url(_tampered(good, 7, fields[7][:-1])), 401, "malformed"),
        Case("a padded mac", url(good + "="), 401, "malformed"),
        Case("a ninth field", url(good + ".x"), 401, "malformed"),
        Case(
            "a percent-encoded dot in the grant", url(good.replace(".", "%2E", 1)), 401, "malformed"
        ),
        Case(
            "a raw non-ASCII character in the grant",
            url(good.replace("g1", "g\u0661")),
            401,
            "malformed",
        ),
        Case("a raw space in the URI", url(good, "/courses/aws-101/a b.pdf"), 401, "malformed"),
    ]


def oversized_cases() -> list[Case]:
    good = grant()
    prefix = f"/g/{good}/courses/aws-101/"
    longest = prefix + "a" * (2048 - len(prefix))
    return [
        allowed("a URI of 2,048 characters, the longest", longest, longest[len(good) + 3 :]),
        Case("a URI of 2,049 characters", longest + "a", 401, "malformed"),
        Case("a grant segment of 403 characters", url("g1." + "a" * 400), 401, "malformed"),
    ]


def escaping_cases() -> list[Case]:
    good = grant()

    def refused(name: str, target: str) -> Case:
        return Case(name, url(good, target), 401, "bad_path")

    return [
        refused("a dot-dot segment", "/courses/aws-101/../aws-201/x.mp4"),
        refused("a dot segment", "/courses/aws-101/./x.mp4"),
        refused("an empty segment", "/courses/aws-101//x.mp4"),
        refused("a trailing slash", "/courses/aws-101/x/"),
        refused("the course folder itself", "/courses/aws-101/"),
        refused("no object after the course", "/courses/aws-101"),
        refused("an encoded dot-dot, lower case", "/courses/aws-101/%2e%2e/aws-201/x.mp4"),
        refused("an encoded dot-dot, upper case", "/courses/aws-101/%2E%2E/aws-201/x.mp4"),
        refused("an encoded dot, one", "/courses/aws-101/%2e/x.mp4"),
        refused("an encoded slash", "/courses/aws-101/..%2faws-201%2fx.mp4"),
        refused("an encoded slash, upper case", "/courses/aws-101/a%2Fb"),
        refused("a backslash", "/courses/aws-101/..\\aws-201\\x.mp4"),
        refused("an encoded backslash", "/courses/aws-101/..%5caws-201%5Cx.mp4"),
        refused("an encoded percent sign (double encoding)", "/courses/aws-101/%252e%252e/x"),
        refused("a bad escape", "/courses/aws-101/%zz.mp4"),
        refused("a lone percent sign", "/courses/aws-101/100%.mp4"),
        refused("an overlong UTF-8 slash", "/courses/aws-101/..%c0%afaws-201/x"),
        refused("an escape that is not UTF-8", "/courses/aws-101/%ff.mp4"),
        refused("an encoded UTF-16 surrogate", "/courses/aws-101/%ed%a0%80.mp4"),
        refused("an encoded NUL", "/courses/aws-101/x%00.mp4"),
        refused("an encoded line feed", "/courses/aws-101/x%0a.mp4"),
        refused("an encoded DEL", "/courses/aws-101/x%7f.mp4"),
        refused("an encoded C1 control (NEL)", "/courses/aws-101/x%c2%85.mp4"),
        refused("outside the courses", "/other/aws-101/x.mp4"),
        refused("Courses with a capital C", "/Courses/aws-101/x.mp4"),
        refused("an encoded c in courses", "/%63ourses/aws-101/x.mp4"),
        refused("an escape in the course ID", "/courses/aws%2d101/x.mp4"),
        refused("a course ID with a dot", "/courses/aws.101/x.mp4"),
        refused("a dot segment before courses", "/./courses/aws-101/x.mp4"),
    ]


def cases() -> list[Case]:
    return [
        *valid_cases(),
        *time_cases(),
        *key_cases(),
        *tampered_cases(),
        *scope_cases(),
        *revocation_cases(),
        *malformed_cases(),
        *oversized_cases(),
        *escaping_cases(),
    ]


def corpus() -> dict[str, Any]:
    return {
        "about": (
            "Grant cases (format g1) that functions/grant_check/index.js and "
            "testkit/grant_reference.py must both answer as written; generated by "
            "python -m testkit.grant_cases, with TEST-ONLY keys."
        ),
        "cases": [case.as_json() for case in cases()],
    }


def render() -> str:
    return json.dumps(corpus(), indent=1, ensure_ascii=True) + "\n"


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return found


if __name__ == "__main__":
    CORPUS.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {len(cases())} cases to {CORPUS.relative_to(ROOT)}\n")
