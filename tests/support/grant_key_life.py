"""The grant key's life seen from outside, for tests: which keys the secret held and when (a
real Secrets Manager client that records its writes), the grants the Content Delivery API may
have signed with each, and the edge's answer to them (``testkit.grant_reference``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from shared.grant_keys import SecretWriter, secret_writer
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_secret import MAX_KEY_CACHE_SECONDS, parse_secret
from shared.grant_store import KEY_PREFIX, KeyRecord, KeyStatus, parse_key_value
from shared.grant_token import HmacKey, mint
from testkit.grant_cases import url
from testkit.grant_reference import check
from testkit.tokens import LEARNER_SUB

COURSE = "aws-101"
OBJECT = "/courses/aws-101/aws-101-intro/a.mp4"
SECRET_WRITES = frozenset({"create_secret", "put_secret_value"})


class SecretHistory:
    """A real Secrets Manager client that records each key written into a secret
    (CreateSecret, PutSecretValue), with ``clock()`` at the time the write took effect."""

    def __init__(self, client: Any, clock: Callable[[], float]) -> None:
        self._client = client
        self.clock = clock
        self.written: list[tuple[HmacKey, float]] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in SECRET_WRITES:
            return attribute

        def recorded(**kwargs: Any) -> Any:
            answer = attribute(**kwargs)
            self.written.append((parse_secret(kwargs["SecretString"]), self.clock()))
            return answer

        return recorded


def writes_to(secrets: Any, secret_id: str) -> SecretWriter:
    """``shared.grant_keys.secret_writer`` over a recording (or faulty) client."""
    return secret_writer(secrets, secret_id)


class SignedGrant(NamedTuple):
    kid: str
    uri: str
    issued: int
    expires: int


def grant_of(key: HmacKey, at: float, skew: int = 0) -> SignedGrant:
    """A grant of the longest lifetime ``key`` signs at ``at``, by an API whose clock runs
    ``skew`` seconds ahead."""
    issued = int(at) + skew
    text = mint(key, LEARNER_SUB, COURSE, issued, MAX_LIFETIME_SECONDS)
    return SignedGrant(key.kid, url(text, OBJECT), issued, issued + MAX_LIFETIME_SECONDS)


def grants_the_api_may_sign(
    written: list[tuple[HmacKey, float]], now: float, skew: int = 0
) -> list[SignedGrant]:
    """For each key the secret held (``written``, in order), the first grant the API may sign
    with it and the last: ``MAX_KEY_CACHE_SECONDS`` after the secret named another key, or
    ``now`` for the key it names still."""
    grants = []
    for i, (key, since) in enumerate(written):
        until = written[i + 1][1] + MAX_KEY_CACHE_SECONDS if i + 1 < len(written) else now
        grants += [grant_of(key, since, skew), grant_of(key, until, skew)]
    return grants


def refused_before_expiry(
    grants: list[SignedGrant], entries: Mapping[str, str | None], skew: int = 0
) -> list[str]:
    """Each grant the edge (its clock ``skew`` behind the API's) refuses at some moment of
    its life, with the moment and the reason; ``[]`` when every one lives out its lifetime."""
    refused = []
    for grant in grants:
        for at in (grant.issued - skew, grant.expires - 1):
            decision = check(grant.uri, at, entries)
            if decision.status != 200:
                refused.append(f"{grant.kid} (iat {grant.issued}) at {at}: {decision.reason}")
    return refused


def key_records(entries: Mapping[str, str]) -> dict[str, KeyRecord | None]:
    """The store's keys by ``kid`` (None: unreadable)."""
    return {
        name.removeprefix(KEY_PREFIX): parse_key_value(value)
        for name, value in entries.items()
        if name.startswith(KEY_PREFIX)
    }


def current_kids(entries: Mapping[str, str]) -> set[str]:
    return {
        kid
        for kid, record in key_records(entries).items()
        if record is not None and record.status is KeyStatus.CURRENT
    }


def secret_key(secrets: Any, secret_id: str) -> HmacKey:
    """The key the secret holds now (what the API reads)."""
    return parse_secret(secrets.get_secret_value(SecretId=secret_id)["SecretString"])


def shown(value: object) -> str:
    """``value`` as a log line or the CLI would show it (to look for secrets in)."""
    return json.dumps(value, default=str)
