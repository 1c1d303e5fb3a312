"""The writes to the grant KeyValueStore (layout: ``shared.grant_store``): revocations, grant
keys and their rotation, and the cleanup of revocations nothing can need any more. Each is a
plan for ``KeyValueStore.update``: read under the store's ETag, written only where it differs,
retried on a conflict, so each can be run again after any interruption and converges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared.grant_store import (
    KEY_PREFIX,
    REVOCATION_PREFIX,
    KeyRecord,
    KeyStatus,
    expired_revocations,
    key_name,
    key_value,
    parse_key_value,
    parse_revocation_value,
    revocation_name,
    revocation_value,
)
from shared.grant_token import HmacKey
from shared.key_value_store import BATCH_SIZE, KeyValueStore

Values = Mapping[str, str | None]


class GrantKeyConflictError(ValueError):
    """The store holds another secret under the ``kid`` being written: a ``kid`` names one
    secret for good."""


def revoke(store: KeyValueStore, sub: str, now: float, course: str | None = None) -> int:
    """Refuse every grant of ``sub`` for ``course`` (None: every course) issued up to ``now``.
    A later revocation already there is kept: revocations only move forward."""
    return revoke_many(store, [(sub, course)], now)


def revoke_many(
    store: KeyValueStore, revocations: Iterable[tuple[str, str | None]], now: float
) -> int:
    """``revoke`` for each (sub, course) of ``revocations``, in as few writes as the store
    takes (``BATCH_SIZE`` entries each, each all or nothing); the number of entries written."""
    names = {revocation_name(sub, course) for sub, course in revocations}
    revoked_at = int(now)

    def plan(current: Values) -> Values:
        wanted: dict[str, str | None] = {}
        for name, value in current.items():
            held = None if value is None else parse_revocation_value(value)
            if held is None or held < revoked_at:
                wanted[name] = revocation_value(now)
        return wanted

    return store.update(names, plan)


def _record(current: Values, kid: str) -> KeyRecord | None:
    value = current[key_name(kid)]
    return None if value is None else parse_key_value(value)


def add_key(store: KeyValueStore, key: HmacKey, status: KeyStatus = KeyStatus.CURRENT) -> int:
    """Put ``key`` in the store with ``status`` (a new store's first key, or a key that is
    published before it signs); ``GrantKeyConflictError`` if its ``kid`` holds another
    secret."""
    name = key_name(key.kid)

    def plan(current: Values) -> Values:
        held = _record(current, key.kid)
        if held is not None and held.secret != key.secret:
            raise GrantKeyConflictError(f"the store holds another secret under {key.kid}")
        if held is not None and held.status == status:
            return {}
        return {name: key_value(KeyRecord(key.secret, status))}

    return store.update([name], plan)


def rotate(
    store: KeyValueStore, new: HmacKey, kids: Iterable[str], now: float, verify_for: int
) -> int:
    """Make ``new`` the current key, in one all-or-nothing write with its consequences for
    the keys ``kids``: a current one becomes previous, accepted for ``verify_for`` more
    seconds (at least the longest grant lifetime plus the API's key cache); a previous one
    past its ``notAfter`` is retired. Run again, it changes nothing more."""
    others = sorted(set(kids) - {new.kid})
    names = [key_name(new.kid), *(key_name(kid) for kid in others)]
    if len(names) > BATCH_SIZE:
        raise ValueError(f"a rotation changes at most {BATCH_SIZE} keys, in one write")
    not_after = int(now) + verify_for

    def plan(current: Values) -> Values:
        held = _record(current, new.kid)
        if held is not None and held.secret != new.secret:
            raise GrantKeyConflictError(f"the store holds another secret under {new.kid}")
        wanted: dict[str, str | None] = {
            key_name(new.kid): key_value(KeyRecord(new.secret, KeyStatus.CURRENT))
        }
        for kid in others:
            record = _record(current, kid)
            if record is None:
                continue
            if record.status is KeyStatus.CURRENT:
                record = KeyRecord(record.secret, KeyStatus.PREVIOUS, not_after)
            elif record.status is KeyStatus.PREVIOUS and not record.accepts_at(int(now)):
                record = KeyRecord(record.secret, KeyStatus.RETIRED)
            wanted[key_name(kid)] = key_value(record)
        return wanted

    return store.update(names, plan)


def retire(store: KeyValueStore, kid: str) -> int:
    """Refuse every grant of key ``kid`` from now on (a key that leaked)."""
    name = key_name(kid)

    def plan(current: Values) -> Values:
        record = _record(current, kid)
        if record is None or record.status is KeyStatus.RETIRED:
            return {}
        return {name: key_value(KeyRecord(record.secret, KeyStatus.RETIRED))}

    return store.update([name], plan)


def delete_retired_keys(store: KeyValueStore) -> int:
    """Delete the retired keys, the number deleted: the check refuses a missing key exactly as
    a retired one, and a store that only ever grows would one day stop a rotation (one write
    names every key it changes). Each is judged again from its value at the time of the write.
    """
    names = list(store.keys(KEY_PREFIX))

    def plan(current: Values) -> Values:
        retired = []
        for name, value in current.items():
            record = None if value is None else parse_key_value(value)
            if record is not None and record.status is KeyStatus.RETIRED:
                retired.append(name)
        return dict.fromkeys(retired)

    return store.update(names, plan)


def clean_up(store: KeyValueStore, now: float) -> int:
    """Delete the revocations that no unexpired grant can predate any more; the number
    deleted. Candidates come from the listing's values (one ListKeys per 50 entries, no read
    of the rest: a full store is about 46,000 revocations, an hour's expired ones a 25th of
    that); each is judged again from its value at the time of the write."""
    names = expired_revocations(store.items(REVOCATION_PREFIX), now)

    def plan(current: Values) -> Values:
        present = [(name, value) for name, value in current.items() if value is not None]
        return dict.fromkeys(expired_revocations(present, now))

    return store.update(names, plan)
