"""Signing content grants (``shared.grant_token``, format ``g1``): one per answer, for the
caller and one course, put in the URL's path before the object key, where the CloudFront
Function ``functions/grant_check/index.js`` checks it at every edge location.

The key is the stack's current grant key, kept in Secrets Manager in the format of
``shared.grant_secret``. It is read through a ``key_source`` (Powertools' ``get_secret`` in
Lambda, cached for at most ``MAX_KEY_CACHE_SECONDS``), and parsed again only when the secret's
text changes: within that time of a rotation or a retirement, only the new key signs.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.utilities.parameters import SecretsProvider

from shared import grant_token
from shared.catalog.model import ContentKey
from shared.grant_layout import PATH_SEGMENT
from shared.grant_secret import MAX_KEY_CACHE_SECONDS, GrantSecretError, parse_secret

from .errors import GrantKeyError
from .settings import GrantSettings


def parse_grant_key(secret: str) -> grant_token.HmacKey:
    """The grant key in the secret's value; ``GrantKeyError`` (never showing the secret)."""
    try:
        return parse_secret(secret)
    except GrantSecretError as exc:
        raise GrantKeyError(str(exc)) from None


class GrantSigner:
    """Mints grants with the current grant key, for ``lifetime`` seconds."""

    def __init__(self, lifetime: int, key_source: Callable[[], str]) -> None:
        self._lifetime = lifetime
        self._key_source = key_source
        self._parsed: tuple[str, grant_token.HmacKey] | None = None

    def _key(self) -> grant_token.HmacKey:
        secret = self._key_source()
        if self._parsed is None or self._parsed[0] != secret:
            self._parsed = (secret, parse_grant_key(secret))
        return self._parsed[1]

    def mint(self, sub: str, course_id: str, now: float, until: int | None = None) -> str:
        """A grant that lets ``sub`` read the course ``course_id`` from ``now`` on, for the
        grant lifetime or until ``until`` (epoch seconds, later than ``now``), whichever ends
        first."""
        lifetime = self._lifetime if until is None else min(self._lifetime, until - int(now))
        try:
            return grant_token.mint(self._key(), sub, course_id, now, lifetime)
        except ValueError as exc:
            raise GrantKeyError(f"cannot sign a grant: {exc}") from None


def granted_url(base_url: str, grant: str, key: ContentKey) -> str:
    """``<base>/g/<grant>/<object key>``: relative URLs under it keep the grant."""
    return key.url(f"{base_url}/{PATH_SEGMENT}/{grant}")


def grant_signer(settings: GrantSettings | None, secrets: SecretsProvider) -> GrantSigner | None:
    """The signer ``settings`` ask for, reading the key through ``secrets`` (cached)."""
    if settings is None:
        return None

    def key_source() -> str:
        value = secrets.get(settings.secret_id, max_age=MAX_KEY_CACHE_SECONDS)
        if not isinstance(value, str):
            raise GrantKeyError("the grant key secret is not a string")
        return value

    return GrantSigner(settings.lifetime_seconds, key_source)
