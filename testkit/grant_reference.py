"""The grant check, in Python: the reference of what the CloudFront Function
``functions/grant_check/index.js`` decides for a viewer request on ``/g/*``. The shared corpus
(``testkit.grant_cases``) runs through both and holds them to the same answer. It ships in no
function (CloudFront runs the JavaScript); it is built from the parts that do ship: the grant
format, the store's layout and the course-URI rule.

For a URI ``/g/<grant>/<object URI>`` and the grant KeyValueStore (``shared.grant_store``),
in this order, the first refusal wins:

1. the URI is printable ASCII (what browsers send: they percent-encode the rest), at most
   ``MAX_URI_LENGTH`` characters, ``/g/`` then a well-formed ``g1`` grant
   (``shared.grant_token``) then ``/``: else 401;
2. the object URI after the grant is a clean course URI (``shared.course_uri``): else 401;
3. the grant's key is in the store (``k:<kid>``), readable, and accepted now (``current`` or
   ``previous``, before its ``notAfter``): else 401 (an unreadable store, too);
4. the grant's ``mac`` verifies with that key: else 401;
5. ``iat < exp <= iat + MAX_LIFETIME_SECONDS``, ``iat <= now + CLOCK_SKEW_SECONDS`` and
   ``now < exp``: else 401;
6. the object URI's course is the grant's: else 403;
7. no revocation (``r:<sub>:<course>``, then ``r:<sub>``) holds a second at or after the
   grant's ``iat``, nor an unreadable value: else 403;
8. allowed: the request goes on with its URI rewritten to the object URI, so that every
   viewer's grant shares one cached copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from shared.course_uri import course_uri
from shared.grant_layout import MAX_LIFETIME_SECONDS, PATH_SEGMENT
from shared.grant_store import key_name, parse_key_value, parse_revocation_value, revocation_name
from shared.grant_token import CLOCK_SKEW_SECONDS, parse, verifies

#: The longest URI the check reads (S3 keys are at most 1,024 bytes; CloudFront URLs 8,192).
MAX_URI_LENGTH = 2048
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]*")
_PREFIX = f"/{PATH_SEGMENT}/"


class Decision(NamedTuple):
    """``status`` 200 (allowed, go on to ``uri``), 401 or 403; ``reason`` names the rule."""

    status: int
    reason: str
    uri: str | None = None


def _refused(status: int, reason: str) -> Decision:
    return Decision(status, reason)


class _UnreadableError(Exception):
    pass


def _read(store: Mapping[str, str | None], name: str) -> str | None:
    """Entry ``name`` of ``store`` (None: missing); ``_UnreadableError`` for an entry whose value
    is None, one that fails every read."""
    if name not in store:
        return None
    value = store[name]
    if value is None:
        raise _UnreadableError(name)
    return value


def check(uri: object, now: int, store: Mapping[str, str | None] | None) -> Decision:
    """The decision for a viewer request of ``uri`` at ``now`` (seconds), with ``store`` the
    KeyValueStore's entries (None: a store that cannot be read; an entry None: one that
    cannot). Never raises."""
    try:
        return _check(uri, now, store)
    except _UnreadableError:
        return _refused(401, "store_unreadable")


def _check(uri: object, now: int, store: Mapping[str, str | None] | None) -> Decision:
    if (
        type(uri) is not str
        or len(uri) > MAX_URI_LENGTH
        or not _PRINTABLE_ASCII.fullmatch(uri)
        or not uri.startswith(_PREFIX)
    ):
        return _refused(401, "malformed")
    text, slash, rest = uri[len(_PREFIX) :].partition("/")
    grant = parse(text) if slash else None
    if grant is None:
        return _refused(401, "malformed")
    target = "/" + rest
    course, problem = course_uri(target)
    if problem is not None or course is None:
        return _refused(401, "bad_path")
    if store is None:
        return _refused(401, "store_unreadable")
    value = _read(store, key_name(grant.kid))
    record = parse_key_value(value) if value is not None else None
    if record is None:
        return _refused(401, "unknown_key")
    if not record.accepts_at(now):
        return _refused(401, "retired_key")
    if not verifies(grant, record.secret):
        return _refused(401, "bad_mac")
    issued, expires = grant.issued_at, grant.expires_at
    if not issued < expires <= issued + MAX_LIFETIME_SECONDS:
        return _refused(401, "bad_lifetime")
    if issued > now + CLOCK_SKEW_SECONDS:
        return _refused(401, "not_yet_valid")
    if now >= expires:
        return _refused(401, "expired")
    if course != grant.course:
        return _refused(403, "other_course")
    for name in (revocation_name(grant.sub, grant.course), revocation_name(grant.sub)):
        revocation = _read(store, name)
        if revocation is None:
            continue
        revoked_at = parse_revocation_value(revocation)
        if revoked_at is None or issued <= revoked_at:
            return _refused(403, "revoked")
    return Decision(200, "allowed", target)
