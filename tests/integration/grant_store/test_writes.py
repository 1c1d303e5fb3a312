"""The grant KeyValueStore's writers against the local endpoint: revocations, keys and their
rotation, the cleanup; every write conditioned on the store's ETag, batched, retried when
another writer got in first; and what they write is what the grant check reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from local.cloudfront_function import FunctionRuntime, decision, function_event
from local.keyvaluestore import KeyValueStoreData
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_store import (
    KeyRecord,
    KeyStatus,
    key_name,
    key_value,
    parse_key_value,
    revocation_name,
)
from shared.grant_store_writes import (
    GrantKeyConflictError,
    add_key,
    clean_up,
    retire,
    revoke,
    rotate,
)
from shared.grant_token import generate_key, mint
from shared.key_value_store import BATCH_SIZE, KeyValueStore, KeyValueStoreError
from testkit.tokens import LEARNER_SUB
from tests.support.aws_calls import calls_to
from tests.support.key_value_store import Racing

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

NOW = 1_767_225_600
COURSE = "aws-101"
OBJECT = "/courses/aws-101/aws-101-intro/a.mp4"
VERIFY_FOR = MAX_LIFETIME_SECONDS + 60


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
def kvs(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData, pauses: list[float]
) -> KeyValueStore:
    return KeyValueStore(client, store.arn, pause=pauses.append)


def status_of(store: KeyValueStoreData, kid: str) -> KeyRecord | None:
    value = store.entries().get(key_name(kid))
    return None if value is None else parse_key_value(value)


def test_a_revocation_holds_the_second_it_was_written_in(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    assert revoke(kvs, LEARNER_SUB, NOW + 0.9, COURSE) == 1
    assert revoke(kvs, LEARNER_SUB, NOW) == 1
    assert store.entries() == {
        revocation_name(LEARNER_SUB, COURSE): str(NOW),
        revocation_name(LEARNER_SUB): str(NOW),
    }


def test_a_revocation_only_moves_forward(kvs: KeyValueStore, store: KeyValueStoreData) -> None:
    revoke(kvs, LEARNER_SUB, NOW)
    assert revoke(kvs, LEARNER_SUB, NOW - 30) == 0  # a writer whose clock is behind
    assert revoke(kvs, LEARNER_SUB, NOW) == 0
    assert revoke(kvs, LEARNER_SUB, NOW + 5) == 1
    assert store.entries() == {revocation_name(LEARNER_SUB): str(NOW + 5)}


def test_an_unreadable_revocation_is_replaced_by_a_readable_one(
    kvs: KeyValueStore, client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    etag = client.describe_key_value_store(KvsARN=store.arn)["ETag"]
    client.put_key(KvsARN=store.arn, Key=revocation_name(LEARNER_SUB), Value="soon", IfMatch=etag)
    assert revoke(kvs, LEARNER_SUB, NOW) == 1
    assert store.entries() == {revocation_name(LEARNER_SUB): str(NOW)}


def test_a_key_is_added_once_and_its_kid_never_names_another_secret(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    key = generate_key()
    assert add_key(kvs, key) == 1
    assert add_key(kvs, key) == 0
    assert status_of(store, key.kid) == KeyRecord(key.secret, KeyStatus.CURRENT)
    before = store.entries()
    with pytest.raises(GrantKeyConflictError):
        add_key(kvs, key._replace(secret=generate_key().secret))
    assert store.entries() == before


def test_a_rotation_makes_the_new_key_current_and_the_old_one_previous_in_one_write(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    old, older, new = generate_key(), generate_key(), generate_key()
    racing = Racing(client, rival=lambda: None, times=0)
    kvs = KeyValueStore(racing, store.arn)  # type: ignore[arg-type]
    add_key(kvs, old)
    expired = key_value(KeyRecord(older.secret, KeyStatus.PREVIOUS, NOW))
    kvs.update([key_name(older.kid)], lambda current: dict.fromkeys(current, expired))
    writes_before = racing.writes
    assert rotate(kvs, new, [old.kid, older.kid], NOW, VERIFY_FOR) == 3
    assert racing.writes == writes_before + 1
    assert status_of(store, new.kid) == KeyRecord(new.secret, KeyStatus.CURRENT)
    assert status_of(store, old.kid) == KeyRecord(old.secret, KeyStatus.PREVIOUS, NOW + VERIFY_FOR)
    assert status_of(store, older.kid) == KeyRecord(older.secret, KeyStatus.RETIRED)
    assert rotate(kvs, new, [old.kid, older.kid], NOW + 3600, VERIFY_FOR) == 0


def test_a_rotation_retires_the_previous_key_only_once_its_grants_have_expired(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    first, second, third = generate_key(), generate_key(), generate_key()
    add_key(kvs, first)
    rotate(kvs, second, [first.kid], NOW, VERIFY_FOR)
    rotate(kvs, third, [first.kid, second.kid], NOW + VERIFY_FOR - 1, VERIFY_FOR)
    record = status_of(store, first.kid)
    assert record is not None
    assert record.status is KeyStatus.PREVIOUS  # a second rotation too soon keeps it
    rotate(kvs, third, [first.kid, second.kid], NOW + VERIFY_FOR, VERIFY_FOR)
    assert status_of(store, first.kid) == KeyRecord(first.secret, KeyStatus.RETIRED)


def test_a_grant_of_the_rotated_key_works_until_the_key_is_retired(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    old, new = generate_key(), generate_key()
    add_key(kvs, old)
    in_use = f"/g/{mint(old, LEARNER_SUB, COURSE, NOW, 14400)}{OBJECT}"
    rotate(kvs, new, [old.kid], NOW + 60, VERIFY_FOR)
    fresh = f"/g/{mint(new, LEARNER_SUB, COURSE, NOW + 61, 14400)}{OBJECT}"
    with FunctionRuntime() as grant_check:

        def answer(uri: str, now: int) -> tuple[int, str | None]:
            result = grant_check.run(function_event(uri), now=now, store=store.entries())
            return decision(result)

        assert answer(in_use, NOW + 120) == (200, OBJECT)
        assert answer(fresh, NOW + 120) == (200, OBJECT)
        assert retire(kvs, old.kid) == 1
        assert retire(kvs, old.kid) == 0
        assert answer(in_use, NOW + 121) == (401, None)
        assert answer(fresh, NOW + 121) == (200, OBJECT)


def test_a_revocation_cuts_the_learner_s_grants_at_the_function(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    key = generate_key()
    add_key(kvs, key)
    issued = f"/g/{mint(key, LEARNER_SUB, COURSE, NOW, 14400)}{OBJECT}"
    other = f"/g/{mint(key, 'another-learner', COURSE, NOW, 14400)}{OBJECT}"
    revoke(kvs, LEARNER_SUB, NOW + 10, COURSE)
    later = f"/g/{mint(key, LEARNER_SUB, COURSE, NOW + 11, 14400)}{OBJECT}"
    with FunctionRuntime() as grant_check:
        for uri, expected in ((issued, 403), (other, 200), (later, 200)):
            result = grant_check.run(function_event(uri), now=NOW + 20, store=store.entries())
            assert decision(result)[0] == expected


def test_the_cleanup_deletes_exactly_the_revocations_nothing_can_need(
    kvs: KeyValueStore, store: KeyValueStoreData
) -> None:
    for i in range(120):
        revoke(kvs, f"learner-{i:03d}", NOW + (0 if i % 2 else MAX_LIFETIME_SECONDS))
    add_key(kvs, generate_key())
    later = NOW + MAX_LIFETIME_SECONDS + 1
    assert clean_up(kvs, later) == 60
    remaining = store.entries()
    assert len(remaining) == 61
    assert all(
        value == str(NOW + MAX_LIFETIME_SECONDS)
        for key, value in remaining.items()
        if key.startswith("r:")
    )
    assert clean_up(kvs, later) == 0


def test_the_cleanup_reads_only_the_expired_revocations_the_listing_shows(
    kvs: KeyValueStore,
) -> None:
    """A full store holds tens of thousands of revocations and an hour expires a 25th of them:
    the hourly cleanup pays a ListKeys per 50 entries and a read only of what it deletes."""
    values = {
        f"r:learner-{i:04d}": str(NOW if i < 10 else NOW + MAX_LIFETIME_SECONDS) for i in range(500)
    }
    kvs.update(values, lambda current: {name: values[name] for name in current})
    with calls_to("cloudfront-keyvaluestore") as made:
        assert clean_up(kvs, NOW + MAX_LIFETIME_SECONDS + 1) == 10
    operations = [operation for operation, _ in made]
    assert operations.count("ListKeys") == 10
    assert operations.count("GetKey") == 10
    assert operations.count("UpdateKeys") == 1


def test_changes_are_written_in_batches_of_at_most_50(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    racing = Racing(client, rival=lambda: None, times=0)
    kvs = KeyValueStore(racing, store.arn)  # type: ignore[arg-type]
    names = [f"r:learner-{i:03d}" for i in range(120)]
    assert kvs.update(names, lambda current: dict.fromkeys(current, "1")) == 120
    assert racing.writes == 3 == -(-120 // BATCH_SIZE)
    assert len(store.entries()) == 120


def test_a_write_that_loses_a_race_is_planned_again_from_the_winner_s_values(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData, pauses: list[float]
) -> None:
    rival_store = KeyValueStore(client, store.arn)
    racing = Racing(client, rival=lambda: revoke(rival_store, LEARNER_SUB, NOW + 60), times=1)
    kvs = KeyValueStore(racing, store.arn, pause=pauses.append)  # type: ignore[arg-type]
    assert revoke(kvs, LEARNER_SUB, NOW) == 0  # the rival's later revocation stands
    assert store.entries() == {revocation_name(LEARNER_SUB): str(NOW + 60)}
    assert pauses == [0.1]


def test_a_write_that_loses_a_race_to_another_key_keeps_both(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData, pauses: list[float]
) -> None:
    rival_store = KeyValueStore(client, store.arn)
    count = iter(range(2))
    racing = Racing(client, rival=lambda: revoke(rival_store, f"r{next(count)}", NOW), times=2)
    kvs = KeyValueStore(racing, store.arn, pause=pauses.append)  # type: ignore[arg-type]
    assert revoke(kvs, LEARNER_SUB, NOW) == 1
    assert set(store.entries()) == {revocation_name(s) for s in (LEARNER_SUB, "r0", "r1")}
    assert pauses == [0.1, 0.2]


def test_a_store_that_keeps_changing_is_an_error_after_five_attempts(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData, pauses: list[float]
) -> None:
    rival_store = KeyValueStore(client, store.arn)
    count = iter(range(100))
    racing = Racing(client, rival=lambda: revoke(rival_store, f"r{next(count)}", NOW), times=99)
    kvs = KeyValueStore(racing, store.arn, pause=pauses.append)  # type: ignore[arg-type]
    with pytest.raises(KeyValueStoreError, match="5 conflicting attempts"):
        revoke(kvs, LEARNER_SUB, NOW)
    assert revocation_name(LEARNER_SUB) not in store.entries()
    assert pauses == [0.1, 0.2, 0.4, 0.8]


def test_any_other_refusal_is_an_error_at_once_naming_the_service_s_code(
    client: CloudFrontKeyValueStoreClient, pauses: list[float]
) -> None:
    missing = KeyValueStore(
        client, "arn:aws:cloudfront::123456789012:key-value-store/gone", pause=pauses.append
    )
    with pytest.raises(KeyValueStoreError, match="ResourceNotFoundException"):
        revoke(missing, LEARNER_SUB, NOW)
    with pytest.raises(KeyValueStoreError, match="ResourceNotFoundException"):
        list(missing.keys())
    assert pauses == []
