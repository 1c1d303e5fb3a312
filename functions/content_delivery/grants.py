"""Signing content grants (``course_access.grants``): one per answer, for the caller and one
course, put in the URL's path before the object key.

The private key is the stack's grant key, kept in Secrets Manager as JSON
``{"kid": "...", "private_key": "<PKCS#8 PEM>"}`` (:func:`parse_grant_key`). It is read through
a ``key_source`` (Powertools' ``get_secret`` in Lambda, cached, see ``app``), and parsed again
only when the secret's text changes, so a rotated key is used within the cache's age.
Signing uses ``cryptography`` (RSA blinding and a vetted PKCS#1 v1.5 implementation): this
package runs in the Region, not at the edge.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import NamedTuple

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from catalog.model import ContentKey
from course_access.grants import PATH_SEGMENT, TOKEN_USE
from course_access.rule import COURSES_PREFIX

from .errors import GrantKeyError
from .settings import GrantSettings

_KID = re.compile(r"[A-Za-z0-9_.-]{1,128}")
#: How long the secret's value is reused before Secrets Manager is asked again (Powertools'
#: own default, said out loud): a rotated key is in use within this time.
KEY_MAX_AGE_SECONDS = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class GrantKey(NamedTuple):
    kid: str
    private_key: rsa.RSAPrivateKey


def parse_grant_key(secret: str) -> GrantKey:
    """The grant key in the secret's JSON; ``GrantKeyError`` (never showing the secret)."""
    try:
        raw = json.loads(secret)
        kid, pem = raw["kid"], raw["private_key"]
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError) as exc:
        raise GrantKeyError(f"the grant key secret is unusable ({type(exc).__name__})") from None
    if not isinstance(kid, str) or not _KID.fullmatch(kid):
        raise GrantKeyError("the grant key secret has no valid kid")
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise GrantKeyError("the grant key is not an RSA key of 2048 bits or more")
    return GrantKey(kid, key)


def course_prefix(course_id: str) -> str:
    """The prefix a grant for a whole course names: ``courses/<course id>/``."""
    return f"{COURSES_PREFIX}{course_id}/"


class GrantSigner:
    """Mints grants with the current grant key, for ``lifetime`` seconds."""

    def __init__(self, issuer: str, lifetime: int, key_source: Callable[[], str]) -> None:
        self._issuer = issuer
        self._lifetime = lifetime
        self._key_source = key_source
        self._parsed: tuple[str, GrantKey] | None = None

    def _key(self) -> GrantKey:
        secret = self._key_source()
        if self._parsed is None or self._parsed[0] != secret:
            self._parsed = (secret, parse_grant_key(secret))
        return self._parsed[1]

    def mint(self, sub: str, prefix: str, now: float) -> str:
        """A grant that lets ``sub`` read every object under ``prefix`` from ``now`` on."""
        key = self._key()
        header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"}
        issued = int(now)
        claims = {
            "iss": self._issuer,
            "token_use": TOKEN_USE,
            "sub": sub,
            "prefix": prefix,
            "iat": issued,
            "exp": issued + self._lifetime,
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = key.private_key.sign(
            signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{signing_input}.{_b64url(signature)}"


def granted_url(base_url: str, grant: str, key: ContentKey) -> str:
    """``<base>/g/<grant>/<object key>``: relative URLs under it keep the grant."""
    return key.url(f"{base_url}/{PATH_SEGMENT}/{grant}")


def grant_signer(settings: GrantSettings | None, secrets: SecretsProvider) -> GrantSigner | None:
    """The signer ``settings`` ask for, reading the key through ``secrets`` (cached)."""
    if settings is None:
        return None

    def key_source() -> str:
        value = secrets.get(settings.secret_id, max_age=KEY_MAX_AGE_SECONDS)
        if not isinstance(value, str):
            raise GrantKeyError("the grant key secret is not a string")
        return value

    return GrantSigner(settings.issuer, settings.lifetime_seconds, key_source)
