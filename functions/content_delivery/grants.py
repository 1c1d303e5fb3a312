"""Signing content grants (``shared.grant_layout``): one per answer, for the caller and one
course, put in the URL's path before the object key.

The private key is the stack's grant key, kept in Secrets Manager in the format of
``shared.grant_secret`` (read by :func:`parse_grant_key`). It is read through
a ``key_source`` (Powertools' ``get_secret`` in Lambda, cached, see ``app``), and parsed again
only when the secret's text changes, so a rotated key is used within the cache's age.
Signing uses ``cryptography`` (RSA blinding and a vetted PKCS#1 v1.5 implementation): this
package runs in the Region, not at the edge.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from shared.access import COURSES_PREFIX
from shared.b64 import b64url_encode
from shared.catalog.model import ContentKey
from shared.grant_layout import PATH_SEGMENT, TOKEN_USE
from shared.grant_secret import GrantKey, GrantSecretError, parse_secret

from .errors import GrantKeyError
from .settings import GrantSettings

#: How long the secret's value is reused before Secrets Manager is asked again (Powertools'
#: own default, said out loud): a rotated key is in use within this time.
KEY_MAX_AGE_SECONDS = 300


def parse_grant_key(secret: str) -> GrantKey:
    """The grant key in the secret's value; ``GrantKeyError`` (never showing the secret)."""
    try:
        return parse_secret(secret)
    except GrantSecretError as exc:
        raise GrantKeyError(str(exc)) from None


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

    def mint(self, sub: str, prefix: str, now: float, until: int | None = None) -> str:
        """A grant that lets ``sub`` read every object under ``prefix`` from ``now`` on, for
        the grant lifetime or until ``until`` (epoch seconds), whichever ends first."""
        key = self._key()
        header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"}
        issued = int(now)
        expires = issued + self._lifetime if until is None else min(issued + self._lifetime, until)
        claims = {
            "iss": self._issuer,
            "token_use": TOKEN_USE,
            "sub": sub,
            "prefix": prefix,
            "iat": issued,
            "exp": expires,
        }
        signing_input = ".".join(
            b64url_encode(json.dumps(part, separators=(",", ":")).encode())
            for part in (header, claims)
        )
        signature = key.private_key.sign(
            signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{signing_input}.{b64url_encode(signature)}"


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
