"""The grant key's life, over its two stores: the grant KeyValueStore, where the CloudFront
Function finds every key that may verify a grant (``k:<kid>``, ``shared.grant_store``), and the
Secrets Manager secret holding the one key the Content Delivery API signs with
(``shared.grant_secret``). The procedures are written once, here, for every party that runs
them: the GrantKey custom resource and its schedule (``functions/grant_key/``),
``bin/content grant-key`` and ``make local``'s start.

Each writes the store before the secret: the edge must know a key before anyone signs with it.

* :func:`first_key` (a deploy, a local start): a new key, current in the store, then in the
  secret; any other key the store holds is retired (an earlier, interrupted attempt's: nothing
  has signed with it, the API being made only after its secret).
* :func:`rotate_key`: a new key ``N``, current in the store; a pause while CloudFront spreads
  it to every edge location; ``N`` into the secret; then one all-or-nothing write makes every
  key that was current when the rotation started previous, accepted for
  :data:`VERIFY_FOR_SECONDS` more, and retires the previous keys past their ``notAfter``. The
  API may sign with the old key for up to ``MAX_KEY_CACHE_SECONDS`` after the secret changed,
  so the old key's ``notAfter`` is counted from a clock read after that write. Stopped after
  any write and run again, it converges: the secret's key is the only current one, and every
  key that signed before is previous for long enough (a run again is one more rotation; the
  key it demotes never signed, or signed briefly, and is kept as long as any other). A key
  another rotation made meanwhile is left current: two rotations at once end with two current
  keys, one of them the secret's, rather than with the secret's key demoted.
* :func:`retire_previous`: every previous key retired at once (a leaked key; if the current
  key leaked, rotate first, then retire).
* :func:`clean_up` (hourly): previous keys past their ``notAfter`` retired, retired keys
  deleted, revocations no grant can predate any more deleted.

Procedures answer what changed as :class:`KeyChange` (``kid``, status, ``notAfter``), never
a secret, for logs and the CLI's output.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws_errors import describe
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_secret import MAX_KEY_CACHE_SECONDS, secret_string
from shared.grant_store import KEY_PREFIX, KeyStatus, parse_key_value
from shared.grant_store_writes import add_key, delete_retired_keys, retire, rotate
from shared.grant_store_writes import clean_up as clean_up_revocations
from shared.grant_token import HmacKey, generate_key
from shared.key_value_store import KeyValueStore

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_secretsmanager import SecretsManagerClient

#: How long a KeyValueStore write may take to reach every edge location. AWS publishes no
#: bound: its KeyValueStore launch post and Secure Media Delivery design say updates reach the
#: edge locations within seconds, and outside measurements report seconds to low tens of
#: seconds. A rotation waits this long between putting the new key in the store and putting
#: it in the secret, so that no edge location meets a grant of a key it does not know yet.
KEY_PROPAGATION_SECONDS = 60
#: What a demoted key's ``notAfter`` allows beyond the longest a grant signed with it can
#: live (the key cache plus a grant's lifetime, from a clock read after the secret changed):
#: the edge accepts a grant's ``iat`` up to ``CLOCK_SKEW_SECONDS`` ahead of its own clock, so
#: a grant minted by an API whose clock runs that far ahead expires that much later by the
#: edge's; a propagation time on top (a late write reaches an edge location late, and its
#: ``notAfter`` is absolute, so this only adds room); the rest, slack for clocks we do not read.
VERIFY_MARGIN_SECONDS = 300
#: How long a rotation keeps the key it demotes: every grant signed with it, up to the moment
#: the API stops using it, lives out its lifetime.
VERIFY_FOR_SECONDS = MAX_LIFETIME_SECONDS + MAX_KEY_CACHE_SECONDS + VERIFY_MARGIN_SECONDS

#: Writes a key into the secret (the GrantKey resource creates or adopts its secret).
SecretWriter = Callable[[HmacKey], None]


class GrantKeyError(Exception):
    """The secret could not be written (the message names the service's error only)."""


class KeyState(NamedTuple):
    """A ``k:<kid>`` entry without its secret; ``status`` None when the entry is unreadable
    (the edge refuses its grants)."""

    kid: str
    status: KeyStatus | None
    not_after: int | None = None


class KeyChange(NamedTuple):
    """One key's entry before and after a procedure (None: absent)."""

    kid: str
    before: KeyState | None
    after: KeyState | None


def key_states(store: KeyValueStore) -> dict[str, KeyState]:
    """Every key in the store, by ``kid``."""
    states = {}
    for name in store.keys(KEY_PREFIX):
        kid = name.removeprefix(KEY_PREFIX)
        value = store.get(name)
        if value is None:  # deleted between the listing and the read
            continue
        record = parse_key_value(value)
        if record is None:
            states[kid] = KeyState(kid, None)
        else:
            states[kid] = KeyState(kid, record.status, record.not_after)
    return states


def changes(before: dict[str, KeyState], after: dict[str, KeyState]) -> list[KeyChange]:
    """The keys whose entries differ, by ``kid``."""
    return [
        KeyChange(kid, before.get(kid), after.get(kid))
        for kid in sorted(set(before) | set(after))
        if before.get(kid) != after.get(kid)
    ]


def secret_writer(secrets: SecretsManagerClient, secret_id: str) -> SecretWriter:
    """Writes a key as the secret ``secret_id``'s new current value (PutSecretValue)."""

    def write(key: HmacKey) -> None:
        try:
            secrets.put_secret_value(SecretId=secret_id, SecretString=secret_string(key))
        except (ClientError, BotoCoreError) as exc:
            said = describe(exc, "Secrets Manager")
            raise GrantKeyError(f"cannot write the grant key secret {secret_id}: {said}") from None

    return write


def first_key(
    store: KeyValueStore,
    write_secret: SecretWriter,
    generate: Callable[[], HmacKey] = generate_key,
) -> HmacKey:
    """A store's first key, for a store nothing has signed for yet (see the module
    docstring); the key (whose secret the caller never shows)."""
    key = generate()
    add_key(store, key, KeyStatus.CURRENT)
    write_secret(key)
    for kid in key_states(store):
        if kid != key.kid:
            retire(store, kid)
    return key


def rotate_key(
    store: KeyValueStore,
    write_secret: SecretWriter,
    *,
    clock: Callable[[], float] = time.time,
    pause: Callable[[float], None] = time.sleep,
    propagation_seconds: float = KEY_PROPAGATION_SECONDS,
    generate: Callable[[], HmacKey] = generate_key,
) -> list[KeyChange]:
    """Make a new key current (see the module docstring); what changed in the store."""
    before = key_states(store)
    new = generate()
    add_key(store, new, KeyStatus.CURRENT)
    pause(propagation_seconds)
    write_secret(new)
    # The clock is read after the secret changed: the API stops signing with the old key at
    # most MAX_KEY_CACHE_SECONDS from then. Retired and unreadable keys verify nothing, and a
    # key made since the start is another rotation's, maybe the secret's by now.
    usable = (KeyStatus.CURRENT, KeyStatus.PREVIOUS)
    kids = [kid for kid, state in before.items() if state.status in usable]
    rotate(store, new, kids, clock(), VERIFY_FOR_SECONDS)
    return changes(before, key_states(store))


def retire_previous(store: KeyValueStore) -> list[KeyChange]:
    """Retire every previous key at once: their grants are refused from now on."""
    before = key_states(store)
    for kid, state in before.items():
        if state.status is KeyStatus.PREVIOUS:
            retire(store, kid)
    return changes(before, key_states(store))


class CleanUp(NamedTuple):
    keys: list[KeyChange]
    revocations_deleted: int


def clean_up(store: KeyValueStore, now: float) -> CleanUp:
    """The hourly tidying (see the module docstring)."""
    before = key_states(store)
    for kid, state in before.items():
        expired = state.not_after is not None and state.not_after <= now
        if state.status is KeyStatus.PREVIOUS and expired:
            retire(store, kid)
    delete_retired_keys(store)
    deleted = clean_up_revocations(store, now)
    return CleanUp(changes(before, key_states(store)), deleted)


def describe_change(change: KeyChange) -> str:
    """One line for a person: ``<kid>: previous -> retired``, with ``notAfter`` in UTC."""
    return f"{change.kid}: {_describe_state(change.before)} -> {_describe_state(change.after)}"


def _describe_state(state: KeyState | None) -> str:
    if state is None:
        return "absent"
    if state.status is None:
        return "unreadable"
    if state.not_after is None:
        return str(state.status)
    until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(state.not_after))
    return f"{state.status} until {until}"
