"""Revocations of many learners at once (``revoke_many``, what a batch of unenrolments
writes): one all-or-nothing write per ``BATCH_SIZE`` entries, only where a revocation moves
forward."""

from __future__ import annotations

from local.keyvaluestore import KeyValueStoreData
from shared.grant_store import revocation_name
from shared.grant_store_writes import revoke, revoke_many
from shared.key_value_store import BATCH_SIZE, KeyValueStore
from tests.support.key_value_store import Racing

NOW = 1_767_225_600
LEARNERS = [f"learner-{i:03d}" for i in range(120)]


def test_many_revocations_take_one_write_per_batch(
    client: object, store: KeyValueStoreData
) -> None:
    counting = Racing(client, lambda: None, 0)
    kvs = KeyValueStore(counting, store.arn)  # type: ignore[arg-type]
    pairs = [(sub, "aws-101") for sub in LEARNERS]

    assert revoke_many(kvs, pairs, NOW) == 120

    assert counting.writes == -(-120 // BATCH_SIZE)
    assert store.entries() == {revocation_name(sub, "aws-101"): str(NOW) for sub in LEARNERS}


def test_many_revocations_keep_later_ones_and_write_only_what_moves_forward(
    client: object, store: KeyValueStoreData
) -> None:
    kvs = KeyValueStore(client, store.arn)  # type: ignore[arg-type]
    revoke(kvs, LEARNERS[0], NOW + 60)
    revoke(kvs, LEARNERS[1], NOW - 60, "aws-101")

    written = revoke_many(kvs, [(LEARNERS[0], None), (LEARNERS[1], "aws-101")], NOW)

    assert written == 1
    assert store.entries() == {
        revocation_name(LEARNERS[0]): str(NOW + 60),
        revocation_name(LEARNERS[1], "aws-101"): str(NOW),
    }
