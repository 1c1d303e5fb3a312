"""The grant KeyValueStore's layout: the keys that check ``g1`` grants (``shared.grant_token``)
and the revocations, written once for every party that reads or writes them.

The CloudFront Function ``functions/grant_check/index.js`` reads this store at every edge
location; the Content Delivery API and the key rotation write it through the
``cloudfront-keyvaluestore`` API (``shared.key_value_store``). Three kinds of entry:

===================  ======================================================================
``k:<kid>``          a grant key, JSON ``{"secret": "<43 characters>", "status": "current"
                     | "previous" | "retired", "notAfter": <seconds>}`` (``notAfter``
                     optional). Grants of a ``current`` or ``previous`` key are accepted
                     until ``notAfter``; a ``retired`` key's, or a missing key's, never.
``r:<sub>:<course>`` a revocation: decimal seconds since the epoch. Every grant of ``sub``
                     for ``course`` issued at or before that second is refused.
``r:<sub>``          the same for every course of ``sub``.
===================  ======================================================================

A revocation matters only while a grant issued before it can still be unexpired: after
``MAX_LIFETIME_SECONDS`` it is dead weight, and a cleanup deletes it (``expired_revocations``).
A ``sub`` and a course ID hold no ``:``, so no two entries' keys can be confused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_token import SECRET

KEY_PREFIX = "k:"
REVOCATION_PREFIX = "r:"
_SECONDS = re.compile(r"0|[1-9][0-9]{0,10}")


class KeyStatus(StrEnum):
    """A grant key's life: ``current`` signs, ``previous`` only verifies (after a rotation,
    until its grants have expired), ``retired`` verifies nothing."""

    CURRENT = "current"
    PREVIOUS = "previous"
    RETIRED = "retired"


class KeyRecord(NamedTuple):
    """A ``k:<kid>`` entry."""

    secret: str
    status: KeyStatus
    not_after: int | None = None

    def accepts_at(self, now: int) -> bool:
        """Whether a grant signed with this key may be accepted at ``now``."""
        usable = self.status in (KeyStatus.CURRENT, KeyStatus.PREVIOUS)
        return usable and (self.not_after is None or now < self.not_after)


def key_name(kid: str) -> str:
    return KEY_PREFIX + kid


def revocation_name(sub: str, course: str | None = None) -> str:
    """The entry revoking ``sub``'s grants for ``course`` (None: for every course)."""
    return f"{REVOCATION_PREFIX}{sub}" if course is None else f"{REVOCATION_PREFIX}{sub}:{course}"


def key_value(record: KeyRecord) -> str:
    """``record`` as the store keeps it (compact JSON, far below the 1 KB value limit)."""
    value: dict[str, object] = {"secret": record.secret, "status": str(record.status)}
    if record.not_after is not None:
        value["notAfter"] = record.not_after
    return json.dumps(value, separators=(",", ":"))


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _seconds(value: object) -> int | None:
    """``value`` as a whole number of seconds if JavaScript reads it as a safe integer (JSON
    ``1000.0`` is 1000 there), else None."""
    if type(value) is int:
        return value if 0 <= value < 2**53 else None
    if type(value) is not float or not math.isfinite(value) or not value.is_integer():
        return None
    return int(value) if 0 <= value < 2**53 else None


def parse_key_value(text: str) -> KeyRecord | None:
    """The key record ``text`` holds, or None when it is not one (such a key is refused).

    Read as the function's ``JSON.parse`` reads it: ``NaN`` and ``Infinity`` are no JSON,
    a number is a double, fields other than these three are ignored, ``null`` is absent.
    """
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except ValueError:
        return None
    if type(value) is not dict:
        return None
    secret, status, not_after = value.get("secret"), value.get("status"), value.get("notAfter")
    if type(secret) is not str or not SECRET.fullmatch(secret):
        return None
    if type(status) is not str or status not in tuple(KeyStatus):
        return None
    seconds = None if not_after is None else _seconds(not_after)
    if not_after is not None and seconds is None:
        return None
    return KeyRecord(secret, KeyStatus(status), seconds)


def revocation_value(revoked_at: float) -> str:
    """A revocation written at ``revoked_at``: the second it falls in, so that every grant
    issued up to that moment (``iat`` is a whole second too) is refused."""
    return str(int(revoked_at))


def parse_revocation_value(text: str) -> int | None:
    """The second a revocation entry holds, or None when it holds none (the check then
    refuses: an entry that exists revokes, whatever else it says)."""
    return int(text) if _SECONDS.fullmatch(text) else None


def expired_revocations(entries: Iterable[tuple[str, str]], now: float) -> list[str]:
    """The revocation entries among ``entries`` (key, value) that no unexpired grant can
    predate any more, for the cleanup. An unreadable value is kept: its age is unknown."""
    found = []
    for name, value in entries:
        if not name.startswith(REVOCATION_PREFIX):
            continue
        revoked_at = parse_revocation_value(value)
        if revoked_at is not None and revoked_at + MAX_LIFETIME_SECONDS < now:
            found.append(name)
    return found
