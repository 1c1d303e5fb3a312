"""The grant key's life (``shared.grant_keys``) over the local KeyValueStore endpoint and moto's
Secrets Manager: the first key, a rotation, a retirement, the hourly clean-up; what each writes
where, in which order, and what the edge (``testkit.grant_reference``) then decides for the
grants the API signed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from local.keyvaluestore import KeyValueStoreData
from shared.grant_keys import (
    KEY_PROPAGATION_SECONDS,
    VERIFY_FOR_SECONDS,
    VERIFY_MARGIN_SECONDS,
    KeyChange,
    KeyState,
    clean_up,
    describe_change,
    first_key,
    retire_previous,
    rotate_key,
)
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_secret import MAX_KEY_CACHE_SECONDS
from shared.grant_store import KeyRecord, KeyStatus, key_name, key_value, revocation_name
from shared.grant_store_writes import add_key, revoke
from shared.grant_token import CLOCK_SKEW_SECONDS, HmacKey, generate_key
from shared.key_value_store import BATCH_SIZE, KeyValueStore
from testkit.grant_reference import check
from testkit.tokens import LEARNER_SUB
from tests.support.fakes import FakeClock
from tests.support.grant_key_life import (
    SecretHistory,
    current_kids,
    grant_of,
    grants_the_api_may_sign,
    key_records,
    refused_before_expiry,
    secret_key,
    shown,
    writes_to,
)

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

NOW = 1_767_225_600
#: The first key's time: the API has signed with it for an hour when a rotation starts.
DEPLOYED = NOW - 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DEPLOYED)


@pytest.fixture
def secrets(session: boto3.Session, moto_url: str, clock: FakeClock) -> SecretHistory:
    return SecretHistory(session.client("secretsmanager", endpoint_url=moto_url), clock)


@pytest.fixture
def secret_id(secrets: SecretHistory) -> str:
    """A secret of its own per test, written by the procedures only (its placeholder never
    reaches the history: it is not a key)."""
    arn: str = secrets._client.create_secret(
        Name=f"grant-key-{uuid.uuid4().hex[:12]}", SecretString="placeholder"
    )["ARN"]
    return arn


@pytest.fixture
def kvs(client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData) -> KeyValueStore:
    return KeyValueStore(client, store.arn)


@pytest.fixture
def deployed(kvs: KeyValueStore, secrets: SecretHistory, secret_id: str) -> HmacKey:
    """The stack's first key, as the GrantKey resource makes it."""
    return first_key(kvs, writes_to(secrets, secret_id))


def no_pause(_: float) -> None:
    """The rotation's wait for CloudFront's propagation, which the local store does not need."""


def rotation(kvs: KeyValueStore, secrets: Any, secret_id: str, clock: FakeClock) -> list[KeyChange]:
    return rotate_key(kvs, writes_to(secrets, secret_id), clock=clock, pause=no_pause)


# --- the first key ---------------------------------------------------------------------------


def test_the_first_key_is_in_the_store_before_the_secret_names_it(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    seen: list[dict[str, KeyRecord | None]] = []

    def write(key: HmacKey) -> None:
        seen.append(key_records(store.entries()))

    key = first_key(kvs, write)
    assert seen == [{key.kid: KeyRecord(key.secret, KeyStatus.CURRENT)}]


def test_the_first_key_is_the_only_key_the_store_accepts_and_the_secret_s(
    kvs: KeyValueStore, store: KeyValueStoreData, secrets: SecretHistory, secret_id: str
) -> None:
    """An earlier, interrupted attempt's key is retired: nothing ever signed with it."""
    stray = generate_key()
    add_key(kvs, stray)
    key = first_key(kvs, writes_to(secrets, secret_id))
    assert secret_key(secrets, secret_id) == key
    assert key_records(store.entries()) == {
        key.kid: KeyRecord(key.secret, KeyStatus.CURRENT),
        stray.kid: KeyRecord(stray.secret, KeyStatus.RETIRED),
    }


# --- rotation ----------------------------------------------------------------------------------


def test_a_rotation_publishes_the_new_key_and_waits_before_the_secret_names_it(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    """The edge must know a key before the API can sign with it: the wait is the time
    CloudFront may take to bring a store write to every edge location."""
    seen: list[tuple[float, set[str], HmacKey]] = []

    def pause(seconds: float) -> None:
        seen.append((seconds, current_kids(store.entries()), secret_key(secrets, secret_id)))

    clock.now = NOW
    rotate_key(kvs, writes_to(secrets, secret_id), clock=clock, pause=pause)
    new = secret_key(secrets, secret_id)
    assert seen == [(KEY_PROPAGATION_SECONDS, {deployed.kid, new.kid}, deployed)]


def test_a_rotation_makes_the_new_key_current_and_keeps_the_old_one_for_its_grants(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    changed = rotation(kvs, secrets, secret_id, clock)
    new = secret_key(secrets, secret_id)
    assert key_records(store.entries()) == {
        new.kid: KeyRecord(new.secret, KeyStatus.CURRENT),
        deployed.kid: KeyRecord(deployed.secret, KeyStatus.PREVIOUS, NOW + VERIFY_FOR_SECONDS),
    }
    assert set(changed) == {
        KeyChange(new.kid, None, KeyState(new.kid, KeyStatus.CURRENT)),
        KeyChange(
            deployed.kid,
            KeyState(deployed.kid, KeyStatus.CURRENT),
            KeyState(deployed.kid, KeyStatus.PREVIOUS, NOW + VERIFY_FOR_SECONDS),
        ),
    }


def test_no_grant_signed_before_during_or_within_the_key_cache_after_a_rotation_is_refused(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    grants = grants_the_api_may_sign(secrets.written, NOW)
    assert len(grants) == 4
    assert refused_before_expiry(grants, store.entries()) == []


def test_grants_of_an_api_whose_clock_runs_ahead_as_far_as_the_edge_allows_live_out_too(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    """Part of the rotation's margin: the edge accepts an ``iat`` up to CLOCK_SKEW_SECONDS
    ahead of its clock, so such grants expire that much later by the edge's clock."""
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    grants = grants_the_api_may_sign(secrets.written, NOW, skew=CLOCK_SKEW_SECONDS)
    assert refused_before_expiry(grants, store.entries(), skew=CLOCK_SKEW_SECONDS) == []


def test_the_old_key_is_kept_no_longer_than_its_last_grant_needs_and_the_margin() -> None:
    assert VERIFY_FOR_SECONDS == (
        MAX_LIFETIME_SECONDS + MAX_KEY_CACHE_SECONDS + VERIFY_MARGIN_SECONDS
    )
    assert CLOCK_SKEW_SECONDS + KEY_PROPAGATION_SECONDS <= VERIFY_MARGIN_SECONDS <= 600


def test_the_old_key_s_grants_are_refused_once_its_time_is_up(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    last = grant_of(deployed, NOW + MAX_KEY_CACHE_SECONDS)  # the last the API may sign
    assert check(last.uri, last.expires - 1, store.entries()).status == 200
    up = NOW + VERIFY_FOR_SECONDS
    minted = grant_of(deployed, up)  # by anyone who kept the key
    assert check(minted.uri, up - 1, store.entries()).status == 200
    assert check(minted.uri, up, store.entries()).reason == "retired_key"


def test_a_second_rotation_keeps_the_first_s_previous_key_until_its_own_time_then_retires_it(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    middle = secret_key(secrets, secret_id)
    clock.now = NOW + 600
    rotation(kvs, secrets, secret_id, clock)
    records = key_records(store.entries())
    assert records[deployed.kid] == KeyRecord(
        deployed.secret, KeyStatus.PREVIOUS, NOW + VERIFY_FOR_SECONDS
    )
    assert records[middle.kid] == KeyRecord(
        middle.secret, KeyStatus.PREVIOUS, NOW + 600 + VERIFY_FOR_SECONDS
    )
    assert (
        refused_before_expiry(grants_the_api_may_sign(secrets.written, clock.now), store.entries())
        == []
    )

    clock.now = NOW + VERIFY_FOR_SECONDS + 1
    changed = rotation(kvs, secrets, secret_id, clock)
    assert key_records(store.entries())[deployed.kid] == KeyRecord(
        deployed.secret, KeyStatus.RETIRED
    )
    assert [c.after for c in changed if c.kid == deployed.kid] == [
        KeyState(deployed.kid, KeyStatus.RETIRED)
    ]


def test_a_store_full_of_retired_keys_still_rotates(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    """One write names every key a rotation changes; retired keys change no more, so however
    many the clean-up has not deleted yet, they are not among them."""
    retired = [generate_key() for _ in range(BATCH_SIZE + 5)]
    kvs.update(
        [key_name(k.kid) for k in retired],
        lambda _: {
            key_name(k.kid): key_value(KeyRecord(k.secret, KeyStatus.RETIRED)) for k in retired
        },
    )
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    assert current_kids(store.entries()) == {secret_key(secrets, secret_id).kid}


def test_what_a_rotation_reports_names_keys_and_never_a_secret(
    kvs: KeyValueStore, secrets: SecretHistory, secret_id: str, deployed: HmacKey, clock: FakeClock
) -> None:
    clock.now = NOW
    changed = rotation(kvs, secrets, secret_id, clock)
    lines = [describe_change(change) for change in changed]
    new = secret_key(secrets, secret_id)
    assert sorted(lines) == sorted(
        [
            f"{new.kid}: absent -> current",
            f"{deployed.kid}: current -> previous until 2026-01-02T00:06:00Z",
        ]
    )
    for text in (shown(lines), shown(changed), repr(changed)):
        assert new.secret not in text
        assert deployed.secret not in text


# --- retirement --------------------------------------------------------------------------------


def test_retiring_retires_every_previous_key_at_once_and_their_grants_are_refused(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    middle = secret_key(secrets, secret_id)
    clock.now = NOW + 60
    rotation(kvs, secrets, secret_id, clock)
    current = secret_key(secrets, secret_id)

    changed = retire_previous(kvs)

    assert {c.kid: c.after for c in changed} == {
        deployed.kid: KeyState(deployed.kid, KeyStatus.RETIRED),
        middle.kid: KeyState(middle.kid, KeyStatus.RETIRED),
    }
    at = NOW + 120
    for key in (deployed, middle):
        assert check(grant_of(key, NOW).uri, at, store.entries()).reason == "retired_key"
    assert check(grant_of(current, at).uri, at, store.entries()).status == 200
    assert retire_previous(kvs) == []


def test_a_leaked_current_key_is_cut_by_a_rotation_then_a_retirement(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    leaked = grant_of(deployed, NOW)  # what a thief could mint with it
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    assert check(leaked.uri, NOW, store.entries()).status == 200  # previous, not yet cut
    retire_previous(kvs)
    assert check(leaked.uri, NOW, store.entries()).reason == "retired_key"
    fresh = grant_of(secret_key(secrets, secret_id), NOW)
    assert check(fresh.uri, NOW, store.entries()).status == 200


def test_retiring_with_no_previous_key_changes_nothing(
    kvs: KeyValueStore, store: KeyValueStoreData, deployed: HmacKey
) -> None:
    before = store.entries()
    assert retire_previous(kvs) == []
    assert store.entries() == before


# --- the hourly clean-up --------------------------------------------------------------------


def test_the_clean_up_retires_expired_previous_keys_deletes_retired_ones_and_old_revocations(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    current = secret_key(secrets, secret_id)
    revoke(kvs, LEARNER_SUB, NOW)  # expires with the grants it can refuse
    revoke(kvs, "other-learner", NOW + VERIFY_FOR_SECONDS)

    early = clean_up(kvs, NOW + MAX_LIFETIME_SECONDS)
    assert early.keys == []
    assert early.revocations_deleted == 0

    later = NOW + VERIFY_FOR_SECONDS
    tidied = clean_up(kvs, later)
    assert tidied.keys == [
        KeyChange(deployed.kid, KeyState(deployed.kid, KeyStatus.PREVIOUS, later), None)
    ]
    assert tidied.revocations_deleted == 1
    assert store.entries() == {
        key_name(current.kid): key_value(KeyRecord(current.secret, KeyStatus.CURRENT)),
        revocation_name("other-learner"): str(NOW + VERIFY_FOR_SECONDS),
    }
    assert check(grant_of(deployed, NOW).uri, later, store.entries()).reason == "unknown_key"
    assert clean_up(kvs, later) == ([], 0)


def test_the_clean_up_deletes_a_key_retired_by_hand(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    retire_previous(kvs)
    tidied = clean_up(kvs, NOW)
    assert [(c.kid, c.after) for c in tidied.keys] == [(deployed.kid, None)]
    assert current_kids(store.entries()) == set(key_records(store.entries()))


def test_the_clean_up_leaves_an_unreadable_key_entry_for_a_person_to_look_at(
    kvs: KeyValueStore, store: KeyValueStoreData, deployed: HmacKey
) -> None:
    kvs.update([key_name("broken")], lambda _: {key_name("broken"): "{not json"})
    assert clean_up(kvs, NOW).keys == []
    assert store.entries()[key_name("broken")] == "{not json"


def test_the_keys_a_rotation_leaves_take_under_300_bytes_of_the_store(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
) -> None:
    """docs/grants.md's bound: a current and a previous key (CloudFront counts keys and
    values, in UTF-8 bytes)."""
    clock.now = NOW
    rotation(kvs, secrets, secret_id, clock)
    keys = {name: value for name, value in store.entries().items() if name.startswith("k:")}
    assert len(keys) == 2
    assert sum(len(name.encode()) + len(value.encode()) for name, value in keys.items()) < 300


@pytest.mark.parametrize("when", ["during its wait", "after its secret write"])
def test_two_rotations_at_once_leave_the_secret_s_key_current_and_refuse_no_grant(
    kvs: KeyValueStore,
    store: KeyValueStoreData,
    secrets: SecretHistory,
    secret_id: str,
    deployed: HmacKey,
    clock: FakeClock,
    when: str,
) -> None:
    """The schedule's run and `bin/content grant-key rotate` may overlap: the other runs whole
    inside this one's wait for CloudFront, or between its secret write and its last write."""
    clock.now = NOW

    def other() -> None:
        clock.advance(10)
        rotation(kvs, secrets, secret_id, clock)
        clock.advance(10)

    write = writes_to(secrets, secret_id)

    def write_then_other(key: HmacKey) -> None:
        write(key)
        other()

    rotate_key(
        kvs,
        write_then_other if when == "after its secret write" else write,
        clock=clock,
        pause=(lambda _: other()) if when == "during its wait" else no_pause,
    )
    assert secret_key(secrets, secret_id).kid in current_kids(store.entries())
    grants = grants_the_api_may_sign(secrets.written, clock.now)
    assert refused_before_expiry(grants, store.entries()) == []
