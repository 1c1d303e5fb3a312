"""The grant key as Secrets Manager keeps it, written once for every party that touches it.

The secret's value is JSON ``{"kid": "<kid>", "secret": "<43 characters>"}``: the key that
signs ``g1`` grants (``shared.grant_token``). The deploy-time GrantKey resource, a rotation
and ``make local`` write it with :func:`secret_string`; the Content Delivery function reads it
with :func:`parse_secret`. The same ``kid`` and secret are in the grant KeyValueStore
(``k:<kid>``, ``shared.grant_store``), where the CloudFront Function finds them: a rotation
writes the store first, so that no grant is signed with a key the edge does not know yet.
"""

from __future__ import annotations

import json

from shared.grant_token import KID, SECRET, HmacKey

#: The longest the Content Delivery function signs with a key it read from the secret before
#: reading the secret again: within this time of a rotation or a retirement, the API signs
#: only with the new current key. A rotation keeps the previous key valid this much longer.
MAX_KEY_CACHE_SECONDS = 60


class GrantSecretError(ValueError):
    """The secret's value is no usable grant key (the message never shows the value)."""


def secret_string(key: HmacKey) -> str:
    """The Secrets Manager value holding ``key``; ``GrantSecretError`` if it is malformed,
    so nothing unusable is ever stored."""
    if not KID.fullmatch(key.kid) or not SECRET.fullmatch(key.secret):
        raise GrantSecretError("the grant key is malformed")
    return json.dumps({"kid": key.kid, "secret": key.secret}, separators=(",", ":"))


def parse_secret(text: str) -> HmacKey:
    """The grant key in the secret's value; ``GrantSecretError`` (never showing the value)."""
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        raise GrantSecretError("the grant key secret is not JSON") from None
    if type(value) is not dict or set(value) != {"kid", "secret"}:
        raise GrantSecretError('the grant key secret is not {"kid", "secret"}')
    kid, secret = value["kid"], value["secret"]
    if type(kid) is not str or not KID.fullmatch(kid):
        raise GrantSecretError("the grant key secret has no valid kid")
    if type(secret) is not str or not SECRET.fullmatch(secret):
        raise GrantSecretError("the grant key secret has no valid secret")
    return HmacKey(kid, secret)
