"""The grant KeyValueStore's layout: entries written by the writers read back as written, and
a revocation is kept exactly as long as a grant issued before it can be alive."""

from __future__ import annotations

import pytest

from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_store import (
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

SECRET = "jlN5lIGMiP8DvGFzFTpovdtgVzoTEFuX9HdRpUXrMKE"


@pytest.mark.parametrize(
    "record",
    [
        KeyRecord(SECRET, KeyStatus.CURRENT),
        KeyRecord(SECRET, KeyStatus.PREVIOUS, 1_767_240_000),
        KeyRecord(SECRET, KeyStatus.RETIRED, 0),
    ],
)
def test_a_key_record_reads_back_as_written(record: KeyRecord) -> None:
    assert parse_key_value(key_value(record)) == record
    assert len(key_value(record)) < 1024


def test_a_key_is_accepted_while_current_or_previous_and_before_its_not_after() -> None:
    assert KeyRecord(SECRET, KeyStatus.CURRENT).accepts_at(10**10)
    assert KeyRecord(SECRET, KeyStatus.PREVIOUS, 100).accepts_at(99)
    assert not KeyRecord(SECRET, KeyStatus.PREVIOUS, 100).accepts_at(100)
    assert not KeyRecord(SECRET, KeyStatus.RETIRED).accepts_at(0)


def test_entry_names_cannot_be_confused() -> None:
    assert key_name("cur-2026") == "k:cur-2026"
    assert revocation_name("sub-1", "aws-101") == "r:sub-1:aws-101"
    assert revocation_name("sub-1") == "r:sub-1"


def test_a_revocation_holds_the_second_it_was_written_in() -> None:
    assert revocation_value(1_767_225_600.9) == "1767225600"
    assert parse_revocation_value("1767225600") == 1_767_225_600
    assert parse_revocation_value("01767225600") is None
    assert parse_revocation_value("soon") is None


def test_a_revocation_expires_once_every_grant_it_could_refuse_has_expired() -> None:
    revoked_at = 1_767_225_600
    entries = [
        ("r:a:aws-101", str(revoked_at)),
        ("r:b", str(revoked_at + 1)),
        ("r:c", "unreadable"),
        ("k:cur-2026", str(revoked_at)),
    ]
    last_second_alive = revoked_at + MAX_LIFETIME_SECONDS
    assert expired_revocations(entries, last_second_alive) == []
    assert expired_revocations(entries, last_second_alive + 1) == ["r:a:aws-101"]
