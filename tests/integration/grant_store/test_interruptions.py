"""A grant store write stopped at any write, before it reached the store or after it took
effect (the answer lost, the process gone), leaves whole batches only, and running it again
converges on what an uninterrupted run writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_store import revocation_name
from shared.grant_store_writes import add_key, clean_up, revoke, rotate
from shared.grant_token import HmacKey, generate_key
from shared.key_value_store import BATCH_SIZE, KeyValueStore
from testkit.tokens import LEARNER_SUB
from tests.support.publishing import Fault, Faulty, ProcessDied

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

pytestmark = pytest.mark.slow

NOW = 1_767_225_600
LATER = NOW + MAX_LIFETIME_SECONDS + 1
LEARNERS = [f"learner-{i:03d}" for i in range(120)]
WRITES = frozenset({"update_keys", "put_key", "delete_key"})


def revoked_at(i: int) -> int:
    """Every other learner's revocation has expired by ``LATER``."""
    return NOW if i % 2 else NOW + MAX_LIFETIME_SECONDS


def with_revocations(kvs: KeyValueStore) -> None:
    kvs.update(
        [revocation_name(sub) for sub in LEARNERS],
        lambda current: {
            revocation_name(sub): str(revoked_at(i)) for i, sub in enumerate(LEARNERS)
        },
    )


def interrupted(
    client: CloudFrontKeyValueStoreClient,
    store: KeyValueStoreData,
    write: Callable[[KeyValueStore], object],
    at: int,
    after: bool,
) -> dict[str, str]:
    """The store once ``write`` died at its ``at``-th write (``after`` it took effect)."""
    fault = Fault(at=at, after=after, error=ProcessDied(), fatal=True, calls=WRITES)
    dying = KeyValueStore(Faulty(client, fault), store.arn)  # type: ignore[arg-type]
    with pytest.raises(ProcessDied):
        write(dying)
    return store.entries()


@pytest.fixture
def fresh(key_value_stores: LocalKeyValueStores) -> Callable[[], KeyValueStoreData]:
    return lambda: key_value_stores.create(f"grants-{uuid.uuid4().hex[:12]}")


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("at", [1, 2])
def test_a_cleanup_stopped_at_any_batch_leaves_whole_batches_and_converges(
    client: CloudFrontKeyValueStoreClient,
    fresh: Callable[[], KeyValueStoreData],
    at: int,
    after: bool,
) -> None:
    reference, store = fresh(), fresh()
    for target in (reference, store):
        with_revocations(KeyValueStore(client, target.arn))
    assert clean_up(KeyValueStore(client, reference.arn), LATER) == 60

    left = interrupted(client, store, lambda kvs: clean_up(kvs, LATER), at, after)
    # The cleanup writes only the expired ones, 50 to a batch: 60 here, two batches.
    names = sorted(revocation_name(sub) for sub in LEARNERS)
    expired = [name for name in names if name not in reference.entries()]
    done = at if after else at - 1
    deleted = set(expired[: done * BATCH_SIZE])
    assert set(left) == {revocation_name(sub) for sub in LEARNERS} - deleted

    assert clean_up(KeyValueStore(client, store.arn), LATER) == 60 - len(deleted)
    assert store.entries() == reference.entries()


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_rotation_stopped_at_its_write_is_all_or_nothing_and_converges(
    client: CloudFrontKeyValueStoreClient, fresh: Callable[[], KeyValueStoreData], after: bool
) -> None:
    old, new = generate_key(), generate_key()
    reference, store = fresh(), fresh()
    for target in (reference, store):
        add_key(KeyValueStore(client, target.arn), old)
    before = store.entries()

    def rotation(kvs: KeyValueStore) -> object:
        return rotate(kvs, new, [old.kid], NOW, MAX_LIFETIME_SECONDS + 60)

    rotation(KeyValueStore(client, reference.arn))
    left = interrupted(client, store, rotation, 1, after)
    assert left == (reference.entries() if after else before)
    assert rotation(KeyValueStore(client, store.arn)) == (0 if after else 2)
    assert store.entries() == reference.entries()


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize(
    "write",
    [
        lambda kvs: revoke(kvs, LEARNER_SUB, NOW, "aws-101"),
        lambda kvs: add_key(
            kvs, HmacKey("cur-2026", "jlN5lIGMiP8DvGFzFTpovdtgVzoTEFuX9HdRpUXrMKE")
        ),
    ],
    ids=["revoke", "add_key"],
)
def test_a_single_write_stopped_is_all_or_nothing_and_converges(
    client: CloudFrontKeyValueStoreClient,
    fresh: Callable[[], KeyValueStoreData],
    write: Callable[[KeyValueStore], int],
    after: bool,
) -> None:
    reference, store = fresh(), fresh()
    write(KeyValueStore(client, reference.arn))
    left = interrupted(client, store, write, 1, after)
    assert left == (reference.entries() if after else {})
    assert write(KeyValueStore(client, store.arn)) == (0 if after else 1)
    assert store.entries() == reference.entries()
