"""Content grants signed with HMAC-SHA256, format ``g1``: what the Content Delivery API mints
and what the CloudFront Function ``functions/grant_check/index.js`` checks at every edge
location (``testkit.grant_reference`` is the Python reference of that check; one corpus
holds the two to the same answers).

A grant is one URL path segment (``/g/<grant>/courses/<course>/...``, see
``shared.grant_layout``) of eight fields joined by ``.``, each of ``[A-Za-z0-9_-]``::

    g1.<kid>.<sub>.<course>.<iat>.<exp>.<gid>.<mac>

======  ===================================================================================
g1      the format's version
kid     the key that signed it, 1-32 characters: its secret is the KeyValueStore's
        ``k:<kid>`` (``shared.grant_store``)
sub     the learner's Cognito ``sub``, 1-128 characters, and nothing else about them
course  the one course it opens (``shared.access.ID_PATTERN``)
iat     issue time, seconds since the epoch, decimal with no leading zero
exp     expiry, likewise; ``iat < exp <= iat + MAX_LIFETIME_SECONDS``
gid     the grant's own ID, 16 characters (96 random bits): tells two grants of one second
        apart in logs
mac     HMAC-SHA256 of everything before the last ``.`` (ASCII), keyed with the 43 ASCII
        characters of the key's secret, as unpadded base64url (43 characters)
======  ===================================================================================

About 190 characters for a Cognito ``sub`` (a third of an RS256 grant), in the clear: a grant
hides nothing but proves everything, so the edge reads its fields without decoding any.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

from shared.access import ID_PATTERN
from shared.b64 import b64url_encode
from shared.grant_layout import MAX_LIFETIME_SECONDS

VERSION = "g1"
KID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SUB = re.compile(r"[A-Za-z0-9_-]{1,128}")
#: A key's secret: 32 random bytes as unpadded base64url. Its 43 ASCII characters are the
#: HMAC key, as written, so the function needs no decoding.
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")
GRANT_ID_LENGTH = 16
_TIME = r"0|[1-9][0-9]{0,10}"
_GRANT = re.compile(
    rf"{VERSION}\.(?P<kid>{KID.pattern})\.(?P<sub>{SUB.pattern})\."
    rf"(?P<course>{ID_PATTERN.pattern})\.(?P<iat>{_TIME})\.(?P<exp>{_TIME})\."
    rf"(?P<gid>[A-Za-z0-9_-]{{{GRANT_ID_LENGTH}}})\.(?P<mac>[A-Za-z0-9_-]{{43}})"
)
#: The longest well-formed grant; anything longer is refused before any pattern runs.
MAX_GRANT_LENGTH = 2 + 33 + 129 + 65 + 2 * 12 + 17 + 44
#: How far in the future a grant's ``iat`` may lie (clocks drift): a grant issued later
#: than that could outlive a revocation written now.
CLOCK_SKEW_SECONDS = 60


class HmacKey(NamedTuple):
    """A grant key: ``secret`` as it is kept (see ``SECRET``)."""

    kid: str
    secret: str


class Grant(NamedTuple):
    """A well-formed grant's fields (not yet verified); ``signed`` is what ``mac`` covers."""

    kid: str
    sub: str
    course: str
    issued_at: int
    expires_at: int
    grant_id: str
    signed: str
    mac: str


def generate_key() -> HmacKey:
    """A new key: 48 random bits of ``kid`` (8 characters), 256 of secret."""
    return HmacKey(b64url_encode(secrets.token_bytes(6)), b64url_encode(secrets.token_bytes(32)))


def mac(secret: str, signed: str) -> str:
    """The ``mac`` field of a grant whose other fields are ``signed``."""
    digest = hmac.new(secret.encode("ascii"), signed.encode("ascii"), hashlib.sha256).digest()
    return b64url_encode(digest)


def mint(
    key: HmacKey, sub: str, course: str, now: float, lifetime: int, grant_id: str | None = None
) -> str:
    """A grant that lets ``sub`` read ``course`` from ``now`` for ``lifetime`` seconds;
    ``ValueError`` if a field breaks its rule (nothing unverifiable is ever signed)."""
    if not KID.fullmatch(key.kid) or not SECRET.fullmatch(key.secret):
        raise ValueError("the grant key is malformed")
    if not SUB.fullmatch(sub) or not ID_PATTERN.fullmatch(course):
        raise ValueError("sub or course is not grantable")
    if not 0 < lifetime <= MAX_LIFETIME_SECONDS:
        raise ValueError(f"a grant lasts 1 to {MAX_LIFETIME_SECONDS} seconds")
    gid = grant_id if grant_id is not None else b64url_encode(secrets.token_bytes(12))
    if not re.fullmatch(rf"[A-Za-z0-9_-]{{{GRANT_ID_LENGTH}}}", gid):
        raise ValueError("the grant ID is malformed")
    issued = int(now)
    signed = f"{VERSION}.{key.kid}.{sub}.{course}.{issued}.{issued + lifetime}.{gid}"
    return f"{signed}.{mac(key.secret, signed)}"


def parse(text: str) -> Grant | None:
    """The fields of ``text``, or None unless it is a well-formed ``g1`` grant."""
    if len(text) > MAX_GRANT_LENGTH:
        return None
    found = _GRANT.fullmatch(text)
    if found is None:
        return None
    return Grant(
        found["kid"],
        found["sub"],
        found["course"],
        int(found["iat"]),
        int(found["exp"]),
        found["gid"],
        text[: text.rindex(".")],
        found["mac"],
    )


def verifies(grant: Grant, secret: str) -> bool:
    """Whether ``grant`` was signed with ``secret`` (compared in constant time)."""
    return hmac.compare_digest(mac(secret, grant.signed), grant.mac)
